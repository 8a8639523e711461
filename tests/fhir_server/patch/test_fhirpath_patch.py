"""FHIRPath Patch (R4 fhirpatch.html): the official HL7 cases, then one test per rule.

fhirpath_patch_cases.json holds r4/patch/fhir-path-tests.xml from the Maven artifact
org.hl7.fhir.testcases:fhir-test-cases:1.5.0, read into FHIR JSON with
fhir_server.formats.xml.resource_from_xml (its "source" member says so).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import fhirpathpy
import pytest

from fhir_server.errors import FhirError
from fhir_server.patch import apply_fhirpath_patch, fhirpath_patch

OFFICIAL = json.loads((Path(__file__).parent / "fhirpath_patch_cases.json").read_text("utf-8"))

PATIENT: dict[str, Any] = {
    "resourceType": "Patient", "id": "p1", "active": True, "gender": "male",
    "_gender": {"id": "g1"}, "deceasedBoolean": False,
    "identifier": [{"system": "urn:a", "value": "1"}, {"system": "urn:b", "value": "2"},
                   {"system": "urn:c", "value": "3"}],
    "name": [{"family": "Chalmers", "given": ["Peter", "James", "Jim"],
              "_given": [None, {"extension": [{"url": "urn:x", "valueString": "e"}]}, None]}],
    "contact": [{"name": {"text": "a name"}, "gender": "female"}],
    "address": [{"city": "PleasantVille"}],
}


def op(kind: str, path: str, **parts: Any) -> dict[str, Any]:
    """One operation parameter; `value=("Date", "2000")` is valueDate, a list is nested parts."""
    found: list[dict[str, Any]] = [{"name": "type", "valueCode": kind},
                                   {"name": "path", "valueString": path}]
    for name, given in parts.items():
        if name == "name":
            found.append({"name": "name", "valueString": given})
        elif name in ("index", "source", "destination"):
            found.append({"name": name, "valueInteger": given})
        else:
            found.append({"name": "value", **value_part(given)})
    return {"name": "operation", "part": found}


def value_part(given: Any) -> dict[str, Any]:
    if isinstance(given, list):
        return {"part": [{"name": name, **value_part(v)} for name, v in given]}
    return {f"value{given[0]}": given[1], **({f"_value{given[0]}": given[2]} if len(given) > 2
                                            else {})}


def params(*operations: Any) -> dict[str, Any]:
    return {"resourceType": "Parameters", "parameter": list(operations)}


def patch(*operations: dict[str, Any], resource: dict[str, Any] | None = None) -> dict[str, Any]:
    return apply_fhirpath_patch(resource or PATIENT, params(*operations))


def failure(*operations: dict[str, Any], parameters: object = None) -> FhirError:
    body = parameters or params(*operations)
    with pytest.raises(FhirError) as caught:
        apply_fhirpath_patch(PATIENT, body)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize("case", OFFICIAL["cases"], ids=[c["name"] for c in OFFICIAL["cases"]])
def test_official_hl7_case(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(FhirError) as caught:
            apply_fhirpath_patch(case["input"], case["patch"])
        assert caught.value.status == 422 and "No content found at" in str(caught.value)
    else:
        assert apply_fhirpath_patch(case["input"], case["patch"]) == case["output"]


def test_input_is_left_alone() -> None:
    before = copy.deepcopy(PATIENT)
    patch(op("delete", "Patient.name"), op("replace", "Patient.gender", value=("Code", "other")))
    assert before == PATIENT


def test_add_single_element_in_definition_order() -> None:
    patched = patch(op("add", "Patient", name="birthDate", value=("Date", "1974-12-25")))
    keys = list(patched)
    assert keys.index("gender") < keys.index("birthDate") < keys.index("deceasedBoolean")


def test_add_appends_to_repeating_elements_and_keeps_primitive_extensions_aligned() -> None:
    ext = {"extension": [{"url": "urn:y", "valueString": "f"}]}
    patched = patch(op("add", "Patient.name[0]", name="given", value=("String", "Jo", ext)),
                    op("add", "Patient", name="telecom", value=("ContactPoint", {"value": "1"})))
    assert patched["name"][0]["given"] == ["Peter", "James", "Jim", "Jo"]
    assert patched["name"][0]["_given"] == [*PATIENT["name"][0]["_given"], ext]
    assert patched["telecom"] == [{"value": "1"}]


def test_add_anonymous_value_from_parts_uses_the_type_system_for_arrays() -> None:
    parts = [("gender", ("Code", "male")), ("telecom", ("ContactPoint", {"value": "1"})),
             ("name", [("family", ("String", "Doe")), ("given", ("String", "Jane"))])]
    patched = patch(op("add", "Patient", name="contact", value=parts))
    assert patched["contact"][1] == {"name": {"family": "Doe", "given": ["Jane"]},
                                     "telecom": [{"value": "1"}], "gender": "male"}


def test_add_choice_element_by_its_stem() -> None:
    resource = {"resourceType": "Patient"}
    patched = patch(op("add", "Patient", name="deceased", value=("DateTime", "2020-01-01")),
                    resource=resource)
    assert patched == {"resourceType": "Patient", "deceasedDateTime": "2020-01-01"}


@pytest.mark.parametrize(("operation", "message"), [
    (op("add", "Patient", name="gender", value=("Code", "other")), "already has a gender"),
    (op("add", "Patient", name="deceased", value=("DateTime", "2020")), "already has"),
    (op("add", "Patient", name="multipleBirth", value=("Date", "2020")), "cannot hold a date"),
    (op("add", "Patient", name="shoeSize", value=("Integer", 9)), "no element 'shoeSize'"),
    (op("add", "Patient", name="maritalStatus", value=("Coding", {"code": "M"})), "Coding"),
    (op("add", "Patient.gender", name="id", value=("String", "x")), "primitive"),
    (op("add", "Patient.name.given", name="id", value=("String", "x")), "matches 3"),
    (op("add", "Patient.photo", name="url", value=("Url", "x")), "No content found"),
    (op("add", "Patient", name="birthDate", value=[("x", ("String", "y"))]), "as parts"),
    (op("add", "Patient", name="contact",
        value=[("gender", ("Code", "male")), ("gender", ("Code", "female"))]), "given twice"),
])
def test_add_that_cannot_apply_is_422(operation: dict[str, Any], message: str) -> None:
    error = failure(operation)
    assert error.status == 422 and message in str(error)


@pytest.mark.parametrize(("index", "order"), [(0, "x123"), (1, "1x23"), (3, "123x")])
def test_insert_at_index(index: int, order: str) -> None:
    patched = patch(op("insert", "Patient.identifier", index=index,
                       value=("Identifier", {"value": "x"})))
    assert "".join(i["value"] for i in patched["identifier"]) == order


def test_insert_into_absent_list_and_into_primitive_list() -> None:
    patched = patch(op("insert", "Patient.telecom", index=0,
                       value=("ContactPoint", {"value": "1"})),
                    op("insert", "Patient.name[0].given", index=0, value=("String", "Dr")))
    assert patched["telecom"] == [{"value": "1"}]
    assert patched["name"][0]["given"] == ["Dr", "Peter", "James", "Jim"]
    assert patched["name"][0]["_given"][2] == PATIENT["name"][0]["_given"][1]


@pytest.mark.parametrize("operation", [
    op("insert", "Patient.identifier", index=4, value=("Identifier", {"value": "x"})),
    op("insert", "Patient.telecom", index=1, value=("ContactPoint", {"value": "1"})),
    op("insert", "Patient.gender", index=0, value=("Code", "male")),
    op("insert", "Patient.birthDate", index=0, value=("Date", "2000")),
    op("insert", "Patient.identifier", index=0, value=("HumanName", {"text": "x"})),
    op("insert", "Patient.contact.name | Patient.name", index=0, value=("HumanName", {})),
])
def test_insert_that_cannot_apply_is_422(operation: dict[str, Any]) -> None:
    assert failure(operation).status == 422


def test_delete_list_item_keeps_shadow_aligned_and_prunes_empties() -> None:
    patched = patch(op("delete", "Patient.name[0].given[0]"),
                    op("delete", "Patient.contact[0].name.text"),
                    op("delete", "Patient.contact[0].gender"),
                    op("delete", "Patient.identifier.where(system = 'urn:b')"))
    assert patched["name"][0]["given"] == ["James", "Jim"]
    assert patched["name"][0]["_given"] == PATIENT["name"][0]["_given"][1:]
    assert "contact" not in patched
    assert [i["value"] for i in patched["identifier"]] == ["1", "3"]


def test_delete_of_nothing_is_no_change_and_extension_removal_clears_shadow() -> None:
    assert patch(op("delete", "Patient.birthDate")) == PATIENT
    # fhirpathpy only reaches `_given` through the whole list, not through `given[1]`
    patched = patch(op("delete", "Patient.name[0].given.extension"))
    assert "_given" not in patched["name"][0]


@pytest.mark.parametrize("path", ["Patient.identifier", "Patient", "Patient.id"])
def test_delete_of_many_the_resource_or_its_id_is_422(path: str) -> None:
    assert failure(op("delete", path)).status == 422


def test_replace_primitive_complex_list_item_and_choice_type() -> None:
    patched = patch(op("replace", "Patient.gender", value=("String", "female")),
                    op("replace", "Patient.contact[0].name", value=("HumanName", {"text": "b"})),
                    op("replace", "Patient.identifier[1]", value=("Identifier", {"value": "9"})),
                    op("replace", "Patient.deceased", value=("DateTime", "2020-02-02")),
                    op("replace", "Patient.name[0].given[1]", value=("String", "J")))
    assert patched["gender"] == "female" and "_gender" not in patched  # one element, not two
    assert patched["contact"][0]["name"] == {"text": "b"}
    assert patched["identifier"][1] == {"value": "9"}
    assert patched["deceasedDateTime"] == "2020-02-02" and "deceasedBoolean" not in patched
    assert patched["name"][0]["given"][1] == "J" and "_given" not in patched["name"][0]


def test_replace_in_a_contained_resource() -> None:
    resource = {"resourceType": "Patient", "contained": [{"resourceType": "Organization",
                                                          "id": "o", "name": "Old"}]}
    patched = patch(op("replace", "Patient.contained.ofType(Organization).name",
                       value=("String", "New")), resource=resource)
    assert patched["contained"][0]["name"] == "New"


@pytest.mark.parametrize("operation", [
    op("replace", "Patient.birthDate", value=("Date", "2000")),
    op("replace", "Patient.name.given", value=("String", "x")),
    op("replace", "Patient.active", value=("String", "yes")),
    op("replace", "Patient.id", value=("Id", "p2")),
    op("replace", "Patient", value=("String", "x")),
    op("replace", "Patient.resourceType", value=("String", "Practitioner")),
    op("replace", "'a literal'", value=("String", "x")),
])
def test_replace_that_cannot_apply_is_422(operation: dict[str, Any]) -> None:
    assert failure(operation).status == 422


@pytest.mark.parametrize(("source", "destination", "order"), [(0, 2, "231"), (2, 0, "312")])
def test_move_within_a_list(source: int, destination: int, order: str) -> None:
    patched = patch(op("move", "Patient.identifier", source=source, destination=destination))
    assert "".join(i["value"] for i in patched["identifier"]) == order


def test_move_carries_primitive_extensions() -> None:
    patched = patch(op("move", "Patient.name[0].given", source=1, destination=0))
    assert patched["name"][0]["given"] == ["James", "Peter", "Jim"]
    assert patched["name"][0]["_given"][0] == PATIENT["name"][0]["_given"][1]


@pytest.mark.parametrize(("source", "destination"), [(3, 0), (0, 3)])
def test_move_outside_the_list_is_422(source: int, destination: int) -> None:
    assert failure(op("move", "Patient.identifier", source=source,
                      destination=destination)).status == 422


def test_each_path_is_compiled_once_per_patch(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real = fhirpathpy.compile

    def counting(path: str, *args: Any) -> Any:
        compiled.append(path)
        return real(path, *args)

    monkeypatch.setattr(fhirpathpy, "compile", counting)
    patch(op("replace", "Patient.gender", value=("Code", "female")),
          op("replace", "Patient.gender", value=("Code", "male")))
    assert compiled == ["Patient.gender"]


@pytest.mark.parametrize("path", ["Patient.name[", "Patient..name", "Patient.name)", " ",
                                  "Patient.name.where(", "Patient.gender = "])
def test_invalid_fhirpath_is_400(path: str) -> None:
    assert failure(op("delete", path)).status == 400


def test_failed_evaluation_is_422() -> None:
    assert failure(op("delete", "Patient.name.given.single()")).status == 422


def test_unexpected_failures_still_answer_as_fhir_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("boom")
    monkeypatch.setitem(fhirpath_patch._HANDLERS, "delete", broken)
    error = failure(op("delete", "Patient.gender"))
    assert error.status == 422 and "boom" in str(error)


def parts(*extra: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """An operation parameter: the parts of `base` (default a delete) plus `extra` parts."""
    return {"name": "operation", "part": [*(base or op("delete", "Patient.gender"))["part"],
                                          *extra]}


@pytest.mark.parametrize("parameters", [
    {"resourceType": "Patient"},
    ["not", "a", "resource"],
    {"resourceType": "Parameters", "parameter": {"name": "operation"}},
    params({"name": "op", "part": []}),
    params({"name": "operation", "part": "x"}),
    params(op("upsert", "Patient")),
    params({"name": "operation", "part": [{"name": "type", "valueCode": "delete"}]}),
    params(op("add", "Patient", value=("Code", "x"))),
    params(op("add", "Patient", name="gender")),
    params(op("insert", "Patient.name", value=("HumanName", {}))),
    params(op("insert", "Patient.name", index=-1, value=("HumanName", {}))),
    params(op("move", "Patient.name", source=0)),
    params(op("replace", "Patient.gender", value=("Foo", "x"))),
    params(parts({"name": "path", "valueString": "Patient.id"})),
    params(parts({"name": "colour", "valueString": "red"})),
    params(parts({"name": "value", "valueCode": "a", "valueString": "b"},
                 base=op("replace", "Patient.gender"))),
    params(parts({"name": "value", "part": []}, base=op("add", "Patient", name="contact"))),
    params({"name": "operation", "part": [{"name": "type", "valueCode": "delete"},
                                          {"name": "path", "valueInteger": 3}]}),
])
def test_malformed_parameters_are_400(parameters: object) -> None:
    assert failure(parameters=parameters).status == 400
