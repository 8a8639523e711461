"""JSON Patch (RFC 6902) for the patch interaction.

The RFC cases are the ones HL7 ships as r4/patch/json-patch-tests.json in the Maven artifact
org.hl7.fhir.testcases:fhir-test-cases:1.5.0 (themselves RFC 6902 appendix A), ported here.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fhir_server.errors import FhirError
from fhir_server.patch import apply_json_patch

RFC_CASES: list[tuple[str, dict[str, Any], list[Any], dict[str, Any] | None]] = [
    ("4.1 add with missing object", {"q": {"bar": 2}},
     [{"op": "add", "path": "/a/b", "value": 1}], None),
    ("A.1 adding an object member", {"foo": "bar"},
     [{"op": "add", "path": "/baz", "value": "qux"}], {"baz": "qux", "foo": "bar"}),
    ("A.2 adding an array element", {"foo": ["bar", "baz"]},
     [{"op": "add", "path": "/foo/1", "value": "qux"}], {"foo": ["bar", "qux", "baz"]}),
    ("A.3 removing an object member", {"baz": "qux", "foo": "bar"},
     [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
    ("A.4 removing an array element", {"foo": ["bar", "qux", "baz"]},
     [{"op": "remove", "path": "/foo/1"}], {"foo": ["bar", "baz"]}),
    ("A.5 replacing a value", {"baz": "qux", "foo": "bar"},
     [{"op": "replace", "path": "/baz", "value": "boo"}], {"baz": "boo", "foo": "bar"}),
    ("A.6 moving a value", {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
     [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
     {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
    ("A.7 moving an array element", {"foo": ["all", "grass", "cows", "eat"]},
     [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
     {"foo": ["all", "cows", "eat", "grass"]}),
    ("A.8 testing a value: success", {"baz": "qux", "foo": ["a", 2, "c"]},
     [{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}],
     {"baz": "qux", "foo": ["a", 2, "c"]}),
    ("A.9 testing a value: error", {"baz": "qux"},
     [{"op": "test", "path": "/baz", "value": "bar"}], None),
    ("A.10 adding a nested member object", {"foo": "bar"},
     [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
     {"foo": "bar", "child": {"grandchild": {}}}),
    ("A.11 ignoring unrecognized elements", {"foo": "bar"},
     [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}], {"foo": "bar", "baz": "qux"}),
    ("A.12 adding to a non-existent target", {"foo": "bar"},
     [{"op": "add", "path": "/baz/bat", "value": "qux"}], None),
    ("A.14 ~ escape ordering", {"/": 9, "~1": 10},
     [{"op": "test", "path": "/~01", "value": 10}], {"/": 9, "~1": 10}),
    ("A.15 comparing strings and numbers", {"/": 9, "~1": 10},
     [{"op": "test", "path": "/~01", "value": "10"}], None),
    ("A.16 adding an array value", {"foo": ["bar"]},
     [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
     {"foo": ["bar", ["abc", "def"]]}),
]

PATIENT: dict[str, Any] = {"resourceType": "Patient", "id": "p1", "gender": "male",
                           "name": [{"family": "Chalmers", "given": ["Peter"]}]}


def status_of(resource: dict[str, Any], operations: object) -> int:
    with pytest.raises(FhirError) as caught:
        apply_json_patch(resource, operations)
    return caught.value.status


@pytest.mark.parametrize(("doc", "patch", "expected"), [c[1:] for c in RFC_CASES],
                         ids=[c[0] for c in RFC_CASES])
def test_rfc6902_cases(doc: dict[str, Any], patch: list[Any],
                       expected: dict[str, Any] | None) -> None:
    if expected is None:
        assert status_of(doc, patch) == 422
    else:
        assert apply_json_patch(doc, patch) == expected


def test_patches_a_copy_and_leaves_the_input_alone() -> None:
    before = copy.deepcopy(PATIENT)
    patched = apply_json_patch(PATIENT, [
        {"op": "replace", "path": "/gender", "value": "female"},
        {"op": "add", "path": "/name/0/given/-", "value": "James"},
        {"op": "add", "path": "/birthDate", "value": "1974-12-25"},
    ])
    assert patched["gender"] == "female"
    assert patched["name"][0]["given"] == ["Peter", "James"]
    assert patched["birthDate"] == "1974-12-25"
    assert before == PATIENT


def test_failed_test_operation_is_422_with_processing_issue() -> None:
    with pytest.raises(FhirError) as caught:
        apply_json_patch(PATIENT, [{"op": "test", "path": "/gender", "value": "female"},
                                   {"op": "replace", "path": "/gender", "value": "other"}])
    assert caught.value.status == 422
    assert caught.value.outcome()["issue"][0]["code"] == "processing"
    assert "test failed" in caught.value.outcome()["issue"][0]["diagnostics"]


@pytest.mark.parametrize("operation", [
    {"op": "remove", "path": "/birthDate"},
    {"op": "replace", "path": "/address/0/city", "value": "x"},
    {"op": "move", "from": "/telecom", "path": "/contact"},
    {"op": "add", "path": "/name/5", "value": {"family": "x"}},
])
def test_path_that_is_not_there_is_422(operation: dict[str, Any]) -> None:
    assert status_of(PATIENT, [operation]) == 422


@pytest.mark.parametrize("operation", [
    {"op": "replace", "path": "/id", "value": "p2"},
    {"op": "remove", "path": "/id"},
    {"op": "replace", "path": "/resourceType", "value": "Practitioner"},
    {"op": "move", "from": "/id", "path": "/language"},
    {"op": "replace", "path": "", "value": {"resourceType": "Patient", "id": "other"}},
    {"op": "replace", "path": "", "value": ["not", "a", "resource"]},
])
def test_resource_type_and_id_cannot_change(operation: dict[str, Any]) -> None:
    assert status_of(PATIENT, [operation]) == 422


def test_id_may_be_tested_and_rewritten_to_the_same_value() -> None:
    patched = apply_json_patch(PATIENT, [{"op": "test", "path": "/id", "value": "p1"},
                                         {"op": "replace", "path": "/id", "value": "p1"}])
    assert patched == PATIENT


@pytest.mark.parametrize("document", [
    {"op": "add", "path": "/gender", "value": "x"},
    "[]",
    None,
    ["add"],
    [{"path": "/gender", "value": "x"}],
    [{"op": "upsert", "path": "/gender", "value": "x"}],
    [{"op": "add", "value": "x"}],
    [{"op": "add", "path": 5, "value": "x"}],
    [{"op": "add", "path": "gender", "value": "x"}],
    [{"op": "add", "path": "/gender"}],
    [{"op": "replace", "path": "/gender"}],
    [{"op": "test", "path": "/gender"}],
    [{"op": "move", "path": "/gender"}],
    [{"op": "copy", "path": "/gender", "from": "gender"}],
    [{"op": "remove", "path": "/gender"}, {"op": "add", "path": "/x"}],
])
def test_malformed_documents_are_400(document: object) -> None:
    assert status_of(PATIENT, document) == 400


def test_malformed_operation_later_in_the_document_applies_nothing() -> None:
    before = copy.deepcopy(PATIENT)
    assert status_of(PATIENT, [{"op": "remove", "path": "/gender"}, {"op": "nope"}]) == 400
    assert before == PATIENT


def test_public_surface_is_the_two_engines() -> None:
    import fhir_server.patch as package
    assert sorted(package.__all__) == ["apply_fhirpath_patch", "apply_json_patch"]
