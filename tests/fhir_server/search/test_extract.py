"""Compiled extractors against the R4 type system, and the fhirpathpy fallback."""

from __future__ import annotations

from typing import Any

from fhir_server.search.extract import compile_expression
from fhir_server.search.fallback import compile_fallback

OBSERVATION: dict[str, Any] = {
    "resourceType": "Observation",
    "valueQuantity": {"value": 5, "code": "mg"},
    "subject": {"reference": "Patient/1"},
    "extension": [{"url": "http://a", "valueString": "s"},
                  {"url": "http://b", "valueCode": "c"}],
}


def extract(expression: str, resource: dict[str, Any]) -> list[tuple[Any, str]]:
    compiled = compile_expression(expression, resource["resourceType"])
    assert compiled.fallback_parts == 0
    return compiled.extract(resource)


def test_choice_element_gives_the_present_type() -> None:
    assert extract("Observation.value", OBSERVATION) == [({"value": 5, "code": "mg"},
                                                          "Quantity")]


def test_as_narrows_a_choice() -> None:
    assert extract("(Observation.value as CodeableConcept)", OBSERVATION) == []
    assert extract("Observation.value.as(Quantity).value", OBSERVATION) == [(5, "decimal")]


def test_where_resolve_checks_the_reference_type() -> None:
    assert extract("Observation.subject.where(resolve() is Group)", OBSERVATION) == []
    assert extract("Observation.subject.where(resolve() is Patient)", OBSERVATION) == [
        ({"reference": "Patient/1"}, "Reference")]


def test_extension_means_its_value() -> None:
    assert extract("Observation.extension('http://b')", OBSERVATION) == [("c", "code")]


def test_union_concatenates() -> None:
    values = extract("Observation.subject | Observation.extension('http://a')", OBSERVATION)
    assert [t for _, t in values] == ["Reference", "string"]


def test_arrays_are_flattened() -> None:
    patient = {"resourceType": "Patient", "name": [{"given": ["A", "B"]}, {"given": ["C"]}]}
    assert extract("Patient.name.given", patient) == [("A", "string"), ("B", "string"),
                                                      ("C", "string")]


def test_first_and_index() -> None:
    bundle = {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}},
                                                  {"resource": {"resourceType": "Group"}}]}
    assert extract("Bundle.entry[0].resource", bundle) == [({"resourceType": "Patient"},
                                                            "Resource")]


def test_deceased_condition() -> None:
    expression = "Patient.deceased.exists() and Patient.deceased != false"
    for body, expected in [({}, [(False, "boolean")]),
                           ({"deceasedBoolean": True}, [(True, "boolean")]),
                           ({"deceasedBoolean": False}, [(False, "boolean")]),
                           ({"deceasedDateTime": "2020"}, [(True, "boolean")])]:
        assert extract(expression, {"resourceType": "Patient", **body}) == expected


def test_fallback_keeps_fhir_types() -> None:
    extractor = compile_fallback("Observation.value.where($this is Quantity)")
    assert extractor(OBSERVATION) == [({"value": 5, "code": "mg"}, "Quantity")]


def test_where_on_a_field_is_native() -> None:
    assert extract("Observation.extension.where(url = 'http://a').value", OBSERVATION) == [
        ("s", "string")]


def test_unknown_construct_falls_back() -> None:
    compiled = compile_expression("Observation.extension.select(value)", "Observation")
    assert compiled.fallback_parts == 1
    assert compiled.extract(OBSERVATION) == [("s", "string"), ("c", "code")]
