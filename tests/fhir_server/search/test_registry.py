"""The registry is built from the R4 SearchParameter definitions."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from fhir_server.errors import FhirError
from fhir_server.search import index_rows, register, registry
from fhir_server.search.registry import check_definition, restrict, use_stored
from fhir_server.search.stored import pending_codes

# The module, not the `registry()` function the package exports under the same name.
registry_module = importlib.import_module("fhir_server.search.registry")


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


# Stored SearchParameters: validation, laying them over the R4 registry, pending ones.

RESIDENT_ID = {
    "resourceType": "SearchParameter", "status": "active", "code": "resident-id",
    "url": "http://regional-hie.cn/fhir/SearchParameter/Patient-resident-id",
    "base": ["Patient"], "type": "token", "description": "居民身份证号",
    "expression": "Patient.identifier.where(system='urn:oid:2.16.156.10011.1.3')",
}


@pytest.fixture()
def live_registry() -> Iterator[None]:
    """Give the test its own process-wide registry and put the previous one back after."""
    saved = list(registry_module._live)
    registry_module._live[:] = [registry_module.spec_registry().copy()]
    yield
    registry_module._live[:] = saved


def _refused(definition: dict[str, Any]) -> str:
    with pytest.raises(FhirError) as caught:
        check_definition(definition)
    assert caught.value.status == 400
    return caught.value.issues[0].diagnostics


def test_a_resident_id_parameter_is_accepted(live_registry: None) -> None:
    check_definition(RESIDENT_ID)


@pytest.mark.parametrize(("change", "reason"), [
    ({"expression": "Patient.identifier.where(system="}, "does not compile"),
    ({"expression": "Patient..identifier"}, "does not compile"),
    ({"type": "special"}, "not searchable"),
    ({"type": "text"}, "not searchable"),
    ({"base": ["Patient", "Villager"]}, "unknown resource types"),
    ({"expression": "Practitioner.identifier"}, "starts at none of its base types"),
    ({"code": "identifier"}, "http://hl7.org/fhir/SearchParameter/Patient-identifier"),
    ({"expression": None}, "needs 'expression'"),
])
def test_unusable_definitions_are_refused(live_registry: None, change: dict[str, Any],
                                          reason: str) -> None:
    assert reason in _refused({**RESIDENT_ID, **change})


def test_a_stored_code_cannot_be_taken_by_another_url(live_registry: None) -> None:
    use_stored([RESIDENT_ID], 1, [])
    assert "Patient-resident-id" in _refused({**RESIDENT_ID, "url": "http://other/sp"})
    check_definition(RESIDENT_ID)  # the same definition again (an update) is fine


def test_use_stored_lays_definitions_over_the_r4_ones(live_registry: None) -> None:
    refused = use_stored([RESIDENT_ID, {**RESIDENT_ID, "code": "bad", "url": "http://bad",
                                        "expression": "Patient.("}], 7, [RESIDENT_ID["url"]])
    assert refused == ["http://bad"]
    param = registry().get("Patient", "resident-id")
    assert param is not None and param.documentation == "居民身份证号"
    assert registry().version == 7 and registry().is_pending(param)
    assert registry().get("Patient", "name") is not None
    use_stored([], 8, [])  # the definition was deleted: its parameter goes
    assert registry().get("Patient", "resident-id") is None
    assert registry_module.spec_registry().get("Patient", "resident-id") is None


def test_pending_codes_name_the_stored_parameters_a_search_uses(live_registry: None) -> None:
    use_stored([RESIDENT_ID], 1, [RESIDENT_ID["url"]])
    assert pending_codes(["Patient"], [("resident-id:not", "x"), ("name", "张")]) == [
        "resident-id"]
    assert pending_codes(["Patient"], [("_sort", "-birthdate,resident-id")]) == ["resident-id"]
    assert pending_codes(["Patient"], [("name", "张")]) == []
    assert pending_codes(["Observation"], [("resident-id", "x")]) == []
    use_stored([RESIDENT_ID], 2, [])
    assert pending_codes(["Patient"], [("resident-id", "x")]) == []


def test_special_definitions_are_kept_for_the_capability_statement() -> None:
    near = registry().special["Location"]["near"]
    assert near.type == "special" and near.url.endswith("Location-near")
    assert registry().get("Location", "near") is None


def test_shared_definitions_are_documented_per_type() -> None:
    # clinical-patient's description lists one line per type ("* [Observation](...): ...")
    observation = registry().get("Observation", "patient")
    assert observation is not None
    assert observation.documentation == "The subject that the observation is about (if patient)"
    family = registry().get("Patient", "family")
    assert family is not None
    assert family.documentation == "A portion of the family name of the patient"
