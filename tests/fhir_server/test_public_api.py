"""The core's public surface stays exactly what modules are promised (ARCHITECTURE.md)."""

import fhir_server

PROMISED = {
    "FhirError",
    "Issue",
    "Operation",
    "OperationCall",
    "OperationRegistry",
    "OperationResult",
    "Platform",
    "Principal",
    "Reader",
    "Repository",
    "Session",
    "Stored",
    "WriteResult",
    "acting_as",
    "after_commit",
    "before_commit",
    "compile_query",
    "current_principal",
    "index_rows",
    "operation_outcome",
    "register_search_parameter",
    "validate_resource",
}


def test_exported_names_are_the_promised_ones() -> None:
    assert set(fhir_server.__all__) == PROMISED


def test_every_exported_name_resolves() -> None:
    for name in fhir_server.__all__:
        assert getattr(fhir_server, name) is not None, name
