"""Survivorship of the golden Patient, with each field's provenance."""

from typing import Any

from mpi.links.survivorship import GOLDEN_TAG, survive

DIV = "http://regional-hie.cn/fhir/StructureDefinition/administrative-division"
RID = "urn:oid:2.16.156.10011.1.3"


def _source(pid: str, **fields: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, **fields}


def test_golden_takes_each_field_from_the_best_source() -> None:
    village = _source(
        "v1",
        name=[{"text": "Wang Jiesheng", "family": "Wang", "given": ["Jiesheng"]}],
        birthDate="1976-07-05",
        gender="male",
        telecom=[{"system": "phone", "value": "13500314187"}],
        address=[{"extension": [{"url": DIV, "valueCode": "410225001201"}]}],
    )
    county = _source(
        "c1",
        identifier=[
            {"system": "mrn", "value": "1"},
            {"system": RID, "value": "410225197605079898"},
        ],
        name=[{"text": "王杰胜"}],
        birthDate="1976-05-07",
        gender="male",
        address=[{"extension": [{"url": DIV, "valueCode": "410225001000"}]}],
    )
    golden = survive([village, county], "g1")
    assert golden.resource["meta"]["tag"] == [GOLDEN_TAG]
    assert golden.resource["identifier"] == [{"system": RID, "value": "410225197605079898"}]
    assert golden.resource["birthDate"] == "1976-05-07"  # the ID's date beats the swapped one
    assert golden.resource["name"] == [{"text": "王杰胜"}]  # Han name beats pinyin
    assert golden.resource["address"][0]["extension"][0]["valueCode"] == "410225001201"
    assert golden.provenance == {
        "identifier": "c1",
        "name": "c1",
        "gender": "c1",
        "birthDate": "c1",
        "telecom": "v1",
        "address": "v1",
    }
    assert [link["other"]["reference"] for link in golden.resource["link"]] == [
        "Patient/v1",
        "Patient/c1",
    ]


def test_without_a_valid_id_the_majority_birth_date_survives() -> None:
    sources = [
        _source(
            "a", birthDate="1950-01-02", identifier=[{"system": RID, "value": "410225195001020002"}]
        ),
        _source("b", birthDate="1950-02-01"),
        _source("c", birthDate="1950-02-01"),
    ]
    golden = survive(sources, "g")
    assert "identifier" not in golden.resource  # the only ID fails its check digit
    assert golden.resource["birthDate"] == "1950-02-01"
    assert golden.provenance["birthDate"] == "b"
