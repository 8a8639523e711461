"""Pushing a generated county to a FHIR server (and DICOM to Orthanc) like the HIS would."""
