"""`_summary` and `_elements` (search.html#summary, #elements) on resources of known shape.

Expected subsets are worked out from the R4 StructureDefinitions' isSummary and min:
Patient: identifier, active, name, gender, birthDate and link are isSummary; text,
extension, maritalStatus, contact and communication are not; nothing is mandatory.
HumanName.extension is not isSummary, its family and given are. Observation: status and code
are mandatory (min 1) and isSummary; subject and value[x] are isSummary; category, note and
referenceRange are not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from fhir_server.errors import FhirError
from fhir_server.search.summary import SUBSETTED, Subset, parse_subset, subset
from fhir_server.storage.models import Stored

TEXT = {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">x</div>'}
META = {"versionId": "1", "lastUpdated": "2024-01-01T00:00:00Z",
        "tag": [{"system": "urn:t", "code": "x"}]}
TAGGED = {**META, "tag": [{"system": "urn:t", "code": "x"}, SUBSETTED]}
PATIENT: dict[str, Any] = {
    "resourceType": "Patient", "id": "p", "meta": META, "text": TEXT,
    "extension": [{"url": "urn:ext", "valueString": "e"}],
    "identifier": [{"system": "urn:id", "value": "1"}],
    "active": True,
    "name": [{"family": "张", "given": ["三"],
              "extension": [{"url": "urn:n", "valueString": "z"}]}],
    "gender": "male", "birthDate": "1980-05-01",
    "_birthDate": {"extension": [{"url": "urn:tm", "valueTime": "08:00:00"}]},
    "maritalStatus": {"text": "M"},
    "contact": [{"name": {"family": "李"}}],
    "communication": [{"language": {"text": "zh"}}],
    "link": [{"other": {"reference": "Patient/q"}, "type": "seealso"}],
}
OBSERVATION: dict[str, Any] = {
    "resourceType": "Observation", "id": "o", "meta": {"versionId": "2"}, "text": TEXT,
    "status": "final", "category": [{"text": "lab"}], "code": {"text": "glucose"},
    "subject": {"reference": "Patient/p", "display": "张三"},
    "valueQuantity": {"value": 5.4, "unit": "mmol/L"},
    "note": [{"text": "fasting"}], "referenceRange": [{"text": "3.9-6.1"}],
}


def _stored(resource: dict[str, Any]) -> Stored:
    return Stored(1, resource["resourceType"], resource["id"], 1, datetime.now(UTC), False,
                  orjson.dumps(resource))


def _cut(resource: dict[str, Any], pairs: list[tuple[str, str]]) -> Any:
    return subset(_stored(resource), parse_subset(pairs))


def test_summary_true_keeps_summary_elements_level_by_level() -> None:
    assert _cut(PATIENT, [("_summary", "true")]) == {
        "resourceType": "Patient", "id": "p", "meta": TAGGED,
        "identifier": [{"system": "urn:id", "value": "1"}], "active": True,
        "name": [{"family": "张", "given": ["三"]}],  # HumanName.extension is not isSummary
        "gender": "male", "birthDate": "1980-05-01",
        "_birthDate": {"extension": [{"url": "urn:tm", "valueTime": "08:00:00"}]},
        "link": [{"other": {"reference": "Patient/q"}, "type": "seealso"}],
    }


def test_summary_true_keeps_mandatory_elements_and_choice_types() -> None:
    assert _cut(OBSERVATION, [("_summary", "true")]) == {
        "resourceType": "Observation", "id": "o", "meta": {"versionId": "2", "tag": [SUBSETTED]},
        "status": "final", "code": {"text": "glucose"},
        "subject": {"reference": "Patient/p", "display": "张三"},
        "valueQuantity": {"value": 5.4, "unit": "mmol/L"},
    }


def test_summary_text_keeps_text_id_meta_and_top_level_mandatory() -> None:
    assert _cut(PATIENT, [("_summary", "text")]) == {
        "resourceType": "Patient", "id": "p", "meta": TAGGED, "text": TEXT}
    assert _cut(OBSERVATION, [("_summary", "text")]) == {
        "resourceType": "Observation", "id": "o", "meta": {"versionId": "2", "tag": [SUBSETTED]},
        "text": TEXT, "status": "final", "code": {"text": "glucose"}}


def test_summary_data_drops_only_text() -> None:
    expected = {k: v for k, v in PATIENT.items() if k != "text"}
    assert _cut(PATIENT, [("_summary", "data")]) == {**expected, "meta": TAGGED}


@pytest.mark.parametrize("pairs", [[], [("_summary", "false")], [("_summary", "count")]])
def test_no_subset_serves_the_stored_version(pairs: list[tuple[str, str]]) -> None:
    stored = _stored(PATIENT)
    assert subset(stored, parse_subset(pairs)) is stored


def test_elements_keeps_named_elements_whole_with_id_and_meta() -> None:
    assert _cut(PATIENT, [("_elements", "name, birthDate")]) == {
        "resourceType": "Patient", "id": "p", "meta": TAGGED, "name": PATIENT["name"],
        "birthDate": "1980-05-01", "_birthDate": PATIENT["_birthDate"]}


def test_elements_adds_mandatory_elements_and_expands_choice_stems() -> None:
    head = {"resourceType": "Observation", "id": "o",
            "meta": {"versionId": "2", "tag": [SUBSETTED]}, "status": "final",
            "code": {"text": "glucose"}}
    assert _cut(OBSERVATION, [("_elements", "subject")]) == {
        **head, "subject": OBSERVATION["subject"]}
    assert _cut(OBSERVATION, [("_elements", "value")]) == {
        **head, "valueQuantity": OBSERVATION["valueQuantity"]}


def test_qualified_element_names_apply_to_their_type_only() -> None:
    pairs = [("_elements", "Patient.gender,Observation.note")]
    assert _cut(PATIENT, pairs) == {
        "resourceType": "Patient", "id": "p", "meta": TAGGED, "gender": "male"}
    assert _cut(OBSERVATION, pairs)["note"] == [{"text": "fasting"}]
    assert "gender" not in _cut(OBSERVATION, pairs)


def test_subsetted_tag_is_not_repeated() -> None:
    tagged = {**PATIENT, "meta": TAGGED}
    assert _cut(tagged, [("_summary", "text")])["meta"]["tag"] == TAGGED["tag"]


def test_elements_win_over_summary_but_not_over_count() -> None:
    assert parse_subset([("_summary", "true"), ("_elements", "name")]) == Subset(
        None, frozenset({"name"}))
    assert parse_subset([("_summary", "count"), ("_elements", "name")]) == Subset("count")


@pytest.mark.parametrize("pairs", [
    [("_summary", "yes")],
    [("_summary", "true"), ("_summary", "data")],
    [("_elements", "name,,gender")],
])
def test_malformed_subsets_are_400(pairs: list[tuple[str, str]]) -> None:
    with pytest.raises(FhirError) as caught:
        parse_subset(pairs)
    assert caught.value.status == 400
