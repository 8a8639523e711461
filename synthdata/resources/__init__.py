"""FHIR R4 resources as plain dicts, with references written two ways (Bundle and NDJSON)."""
