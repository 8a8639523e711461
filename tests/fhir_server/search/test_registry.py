"""The registry is built from the R4 SearchParameter definitions."""

from __future__ import annotations

import pytest

from fhir_server.errors import FhirError
from fhir_server.search import index_rows, register, registry
from fhir_server.search.registry import restrict


def test_every_r4_expression_compiles_natively() -> None:
    stats = registry().stats
    assert stats["native"] >= 1380
    assert stats["fallback"] == 0 and stats["partial"] == 0


def test_patient_has_its_own_and_the_common_parameters() -> None:
    params = registry().params("Patient")
    for code in ("name", "family", "birthdate", "identifier", "general-practitioner",
                 "_id", "_lastUpdated", "_tag", "_profile", "_security", "_source"):
        assert code in params
    assert params["birthdate"].type == "date"
    assert sorted(params["general-practitioner"].targets) == [
        "Organization", "Practitioner", "PractitionerRole"]


def test_multi_resource_expression_is_restricted_to_the_type() -> None:
    param = registry().get("Observation", "patient")
    assert param is not None
    assert param.expression == "Observation.subject.where(resolve() is Patient)"
    assert param.url == "http://hl7.org/fhir/SearchParameter/clinical-patient"


def test_relative_expressions_are_qualified() -> None:
    assert restrict("name | alias", "InsurancePlan") == "InsurancePlan.name | InsurancePlan.alias"


def test_composite_keeps_its_components() -> None:
    param = registry().get("Observation", "code-value-quantity")
    assert param is not None and param.type == "composite"
    assert [c.expression for c in param.components] == ["code", "value.as(Quantity)"]


def test_package_examples_are_not_definitions() -> None:
    subject = registry().get("Condition", "subject")
    assert subject is not None
    assert subject.url == "http://hl7.org/fhir/SearchParameter/Condition-subject"


def test_register_a_server_search_parameter() -> None:
    register({
        "resourceType": "SearchParameter", "url": "http://example.org/sp/religion",
        "code": "test-religion", "base": ["Patient"], "type": "token",
        "expression": "Patient.extension('http://hl7.org/fhir/StructureDefinition/"
                      "patient-religion')",
    })
    patient = {"resourceType": "Patient", "extension": [{
        "url": "http://hl7.org/fhir/StructureDefinition/patient-religion",
        "valueCodeableConcept": {"coding": [{"system": "http://x", "code": "1013"}]}}]}
    assert ("Patient", "test-religion", "http://x", "1013") in index_rows(patient)["idx_token"]


def test_register_rejects_an_unusable_definition() -> None:
    with pytest.raises(FhirError) as caught:
        register({"resourceType": "SearchParameter", "url": "http://x", "code": "x",
                  "base": ["Patient"], "type": "token"})
    assert caught.value.status == 400
