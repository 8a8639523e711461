"""The write-time validator: the spec's own examples pass, and each rule catches its error."""

from __future__ import annotations

import time
from typing import Any

import pytest

import fhir_server.validation
from fhir_server.definitions.packages import iter_resources
from fhir_server.errors import Issue
from fhir_server.validation import validate_resource

# Examples of the R4 4.0.1 package that break the R4 rules themselves.
_NO_BASE = "SearchParameter.base (1..*) is missing"
_LONG_ID = "no name and status (1..1); manifest refers to a SearchParameter with a 67-character id"
_LONG_ID_FILE = (
    "SearchParameter-questionnaireresponse-extensions-QuestionnaireResponse-item-subject.json"
)
EXPECTED_FAILURES = {
    "Questionnaire-qs1.json": "nested items lack the required Questionnaire.item.linkId",
    _LONG_ID_FILE: "id has 67 characters (ids are at most 64)",
    "ImplementationGuide-fhir.json": _LONG_ID,
    "ig-r4.json": _LONG_ID,
    **{
        f"SearchParameter-{kind}-extensions-{type_}-{code}.json": _NO_BASE
        for kind, type_ in (("codesystem", "CodeSystem"), ("valueset", "ValueSet"))
        for code in ("author", "effective", "end", "keyword", "workflow")
    },
}


def only(issues: list[Issue]) -> Issue:
    """The single issue of a result, failing with all of them otherwise."""
    assert len(issues) == 1, issues
    return issues[0]


def patient(**fields: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", **fields}


def observation(**fields: Any) -> dict[str, Any]:
    return {"resourceType": "Observation", "status": "final", "code": {"text": "glucose"}, **fields}


def test_public_surface() -> None:
    assert fhir_server.validation.__all__ == ["prepare_validators", "validate_resource"]


def test_every_example_of_the_r4_package_validates_except_known_broken_ones() -> None:
    checked = ((name, validate_resource(resource)) for name, resource in iter_resources())
    failures = {name: issues for name, issues in checked if issues}
    assert set(failures) == set(EXPECTED_FAILURES), {
        name: issues[:3] for name, issues in failures.items() if name not in EXPECTED_FAILURES
    }


@pytest.mark.parametrize(
    ("resource", "code", "expression"),
    [
        ({"id": "x"}, "required", None),
        ({"resourceType": "Foo"}, "value", None),
        ({"resourceType": "DomainResource"}, "value", None),
        ({"resourceType": "HumanName"}, "value", None),
        ({"resourceType": 7}, "value", None),
    ],
)
def test_resource_type_must_name_a_concrete_resource(
    resource: dict[str, Any], code: str, expression: str | None
) -> None:
    issue = only(validate_resource(resource))
    assert (issue.code, issue.expression) == (code, expression)
    assert "resourceType" in issue.diagnostics


def test_resource_type_must_match_the_expected_type() -> None:
    issue = only(validate_resource(patient(), expected_type="Observation"))
    assert issue.code == "invalid" and "'Observation'" in issue.diagnostics


def test_a_resource_must_be_an_object() -> None:
    assert only(validate_resource([patient()])).code == "structure"  # type: ignore[arg-type]


def test_unknown_property() -> None:
    issue = only(validate_resource(patient(name=[{"given": ["A"], "nickname": "B"}])))
    assert (issue.code, issue.expression) == ("structure", "Patient.name[0].nickname")


def test_primitive_companions_are_allowed_and_checked() -> None:
    reason = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
    absent = {"extension": [{"url": reason, "valueCode": "unknown"}]}
    assert validate_resource(patient(_birthDate=absent)) == []
    assert only(validate_resource(patient(_name=absent))).expression == "Patient._name"
    issue = only(validate_resource(patient(_birthDate={"value": "1970"})))
    assert issue.expression == "Patient._birthDate.value"


def test_required_elements_and_their_companions() -> None:
    issues = validate_resource({"resourceType": "Observation"})
    assert [(i.code, i.expression) for i in issues] == [
        ("required", "Observation.status"),
        ("required", "Observation.code"),
    ]
    without_status = observation(_status={"id": "s"})
    del without_status["status"]
    assert validate_resource(without_status) == []


def test_required_choice_element() -> None:
    order = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/1"},
    }
    issue = only(validate_resource(order))
    assert (issue.code, issue.expression) == ("required", "MedicationRequest.medication")
    assert "MedicationRequest.medication[x] is required" in issue.diagnostics
    assert validate_resource(order | {"medicationCodeableConcept": {"text": "aspirin"}}) == []
    assert validate_resource(order | {"medicationReference": {"reference": "Medication/m"}}) == []


@pytest.mark.parametrize(
    ("fields", "code", "expression", "words"),
    [
        ({"birthDate": ["1970"]}, "structure", "Patient.birthDate", "single value"),
        ({"name": {"family": "X"}}, "structure", "Patient.name", "expected an array"),
        ({"name": []}, "value", "Patient.name", "empty arrays"),
        ({"name": [{}]}, "value", "Patient.name[0]", "empty objects"),
        ({"maritalStatus": {}}, "value", "Patient.maritalStatus", "empty objects"),
        ({"birthDate": None}, "value", "Patient.birthDate", "null"),
        ({"name": [None]}, "value", "Patient.name[0]", "null"),
        ({"name": [{"given": ["A", None]}]}, "value", "Patient.name[0].given[1]", "null"),
        ({"name": [{"family": ""}]}, "value", "Patient.name[0].family", "empty strings"),
        ({"maritalStatus": "M"}, "structure", "Patient.maritalStatus", "expected an object"),
    ],
)
def test_cardinality_and_json_shape(
    fields: dict[str, Any], code: str, expression: str, words: str
) -> None:
    issue = only(validate_resource(patient(**fields)))
    assert (issue.code, issue.expression) == (code, expression)
    assert words in issue.diagnostics


def test_null_in_a_primitive_array_needs_its_companion() -> None:
    ext = {"extension": [{"url": "http://example.org/x", "valueString": "y"}]}
    name = {"given": [None, "B"], "_given": [ext, None]}
    assert validate_resource(patient(name=[name])) == []
    issue = only(validate_resource(patient(name=[{"given": ["A", "B"], "_given": [ext]}])))
    assert (issue.code, issue.expression) == ("structure", "Patient.name[0]._given")


@pytest.mark.parametrize(
    ("fields", "expression", "words"),
    [
        ({"active": "true"}, "Patient.active", "expected a JSON boolean"),
        ({"multipleBirthInteger": "2"}, "Patient.multipleBirthInteger", "expected a JSON integer"),
        ({"multipleBirthInteger": 2.0}, "Patient.multipleBirthInteger", "expected a JSON integer"),
        ({"multipleBirthInteger": True}, "Patient.multipleBirthInteger", "expected a JSON integer"),
        ({"birthDate": 1970}, "Patient.birthDate", "expected a JSON string"),
        ({"birthDate": "1970-13-01"}, "Patient.birthDate", "not a valid date"),
        ({"birthDate": "1970-01-01 "}, "Patient.birthDate", "not a valid date"),
        ({"deceasedDateTime": "2020-01-01T10:00:00"}, "Patient.deceasedDateTime", "valid dateTime"),
        ({"multipleBirthInteger": 2**31}, "Patient.multipleBirthInteger", "out of range"),
        ({"photo": [{"size": -1}]}, "Patient.photo[0].size", "out of range for unsignedInt"),
        ({"photo": [{"data": "QUJD\n" * 5000 + "!"}]}, "Patient.photo[0].data", "valid base64"),
        ({"photo": [{"url": "a b"}]}, "Patient.photo[0].url", "not a valid url"),
        ({"meta": {"lastUpdated": "2020-01-01"}}, "Patient.meta.lastUpdated", "valid instant"),
        ({"text": {"status": "generated", "div": "<p>hi</p>"}}, "Patient.text.div", "<div"),
    ],
)
def test_primitive_values(fields: dict[str, Any], expression: str, words: str) -> None:
    started = time.perf_counter()
    issue = only(validate_resource(patient(**fields)))
    assert time.perf_counter() - started < 1  # the base64 regex does not backtrack
    assert (issue.code, issue.expression) == ("value", expression)
    assert words in issue.diagnostics


def test_decimal_and_positive_int() -> None:
    assert validate_resource(observation(valueQuantity={"value": 1.5})) == []
    issue = only(validate_resource(observation(valueQuantity={"value": "1.5"})))
    assert issue.expression == "Observation.valueQuantity.value"
    sampled = {"origin": {"value": 0}, "dimensions": 0, "period": 1}
    issue = only(validate_resource(observation(valueSampledData=sampled)))
    assert issue.expression == "Observation.valueSampledData.dimensions"
    assert "positiveInt" in issue.diagnostics


def test_at_most_one_type_of_a_choice_element() -> None:
    issue = only(validate_resource(patient(deceasedBoolean=True, deceasedDateTime="2020")))
    assert (issue.code, issue.expression) == ("structure", "Patient.deceasedDateTime")
    assert "deceased[x]" in issue.diagnostics


@pytest.mark.parametrize("resource_id", ["a_b", "x" * 65, "", "a b"])
def test_resource_id_must_be_legal(resource_id: str) -> None:
    issue = only(validate_resource(patient(id=resource_id)))
    assert (issue.code, issue.expression) == ("value", "Patient.id")


def test_element_ids_are_strings_not_ids() -> None:
    assert validate_resource(patient(name=[{"id": "any string_here", "family": "X"}])) == []


@pytest.mark.parametrize(
    "reference",
    [
        "Organization/1",
        "Organization/a.b-c/_history/2",
        "http://example.org/fhir/Organization/1",
        "https://x/y",
        "#org",
        "#",
        "urn:uuid:8a6e1c0e-1f2b-4c1e-9b0a-3e7c2d1f0a9b",
        "urn:oid:1.2.3.4",
        "Organization?identifier=http://x|1",
    ],
)
def test_well_formed_references(reference: str) -> None:
    assert validate_resource(patient(managingOrganization={"reference": reference})) == []


@pytest.mark.parametrize(
    ("reference", "words"),
    [
        ("Organisation/1", "unknown resource type 'Organisation'"),
        ("Organization/a_b", "not a valid reference"),
        ("Organization/1/_history/", "not a valid reference"),
        ("urn:uuid:not-a-uuid", "not a valid reference"),
        ("1", "not a valid reference"),
        ("Organization?", "not a valid reference"),
    ],
)
def test_malformed_references(reference: str, words: str) -> None:
    issue = only(validate_resource(patient(managingOrganization={"reference": reference})))
    assert (issue.code, issue.expression) == ("value", "Patient.managingOrganization.reference")
    assert words in issue.diagnostics


def test_required_bindings_of_codes() -> None:
    issue = only(validate_resource(patient(gender="mail")))
    assert (issue.code, issue.expression) == ("code-invalid", "Patient.gender")
    assert "female, male, other, unknown" in issue.diagnostics
    issue = only(validate_resource(observation(status="done")))
    assert (issue.code, issue.expression) == ("code-invalid", "Observation.status")


def test_other_bindings_are_not_enforced() -> None:
    marital = {"coding": [{"system": "http://example.org", "code": "whatever"}]}
    photo = [{"contentType": "application/x-anything"}]  # mimetypes: not expandable
    assert validate_resource(patient(maritalStatus=marital, photo=photo)) == []


def test_contained_resources_are_validated_as_resources() -> None:
    contained = [{"resourceType": "Organization", "id": "o", "name": ["X"]}, {"id": "y"}]
    issues = validate_resource(patient(contained=contained))
    assert [(i.code, i.expression) for i in issues] == [
        ("structure", "Patient.contained[0].name"),
        ("required", "Patient.contained[1]"),
    ]


def test_bundle_entries_and_parameters_are_validated_as_resources() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient(gender="x")}],
    }
    issue = only(validate_resource(bundle))
    assert issue.expression == "Bundle.entry[0].resource.gender"
    parameters = {
        "resourceType": "Parameters",
        "parameter": [{"name": "p", "resource": patient(birthDate="x")}],
    }
    issue = only(validate_resource(parameters))
    assert issue.expression == "Parameters.parameter[0].resource.birthDate"


def test_absurd_nesting_is_refused_without_recursion_error() -> None:
    extension: dict[str, Any] = {"url": "http://example.org/x", "valueString": "leaf"}
    for _ in range(5000):
        extension = {"url": "http://example.org/x", "extension": [extension]}
    issue = only(validate_resource(patient(extension=[extension])))
    assert issue.code == "structure" and "nesting deeper" in issue.diagnostics


def test_every_error_is_reported_not_only_the_first() -> None:
    issues = validate_resource(patient(id="a_b", gender="x", birthDate="x", foo=1))
    assert {i.expression for i in issues} == {
        "Patient.id",
        "Patient.gender",
        "Patient.birthDate",
        "Patient.foo",
    }
