"""`_text` and `_content` over HTTP (PostgreSQL full text), on Chinese records of the test's own."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration


def _narrative(text: str) -> dict[str, str]:
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{text}</div>'}


CONDITIONS = {
    "htn": ("原发性高血压", "患者血压控制欠佳，建议复诊"),
    "dm": ("2型糖尿病", "空腹血糖升高，HbA1c 8.1%"),
    "both": ("高血压合并糖尿病", "血压高，血糖高"),
    "cold": ("上呼吸道感染", "发热三天"),
}


@pytest.fixture(scope="module")
def ids(fhir_base: str) -> dict[str, str]:
    found: dict[str, str] = {}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        patient = {"resourceType": "Patient", "name": [{"text": "全文检索"}]}
        r = client.post("/Patient", json=patient)
        assert r.status_code == 201, r.text
        found["patient"] = r.json()["id"]
        for key, (code, story) in CONDITIONS.items():
            r = client.post("/Condition", json={
                "resourceType": "Condition", "text": _narrative(story),
                "code": {"text": code}, "subject": {"reference": f"Patient/{found['patient']}"}})
            assert r.status_code == 201, r.text
            found[key] = r.json()["id"]
    return found


def _search(client: httpx.Client, ids: dict[str, str], **params: str) -> set[str]:
    r = client.get("/Condition", params={"subject": f"Patient/{ids['patient']}", **params})
    assert r.status_code == 200, r.text
    by_id = {v: k for k, v in ids.items()}
    return {by_id[e["resource"]["id"]] for e in r.json().get("entry", [])}


@pytest.mark.parametrize(("param", "value", "expected"), [
    # _content sees code.text and the narrative; _text the narrative alone.
    ("_content", "高血压", {"htn", "both"}),
    ("_text", "高血压", set()),
    ("_text", "血压", {"htn", "both"}),
    ("_content", "糖尿病 高血压", {"both"}),
    ("_content", "糖尿病 OR 感染", {"dm", "both", "cold"}),
    ("_content", "高血压,感染", {"htn", "both", "cold"}),
    ("_content", "血糖 NOT 合并", {"dm"}),
    ("_content", "NOT 血压", {"dm", "cold"}),
    ("_text", "hba1c", {"dm"}),
    ("_text", '"血糖升高"', {"dm"}),
    ("_text", '"血糖高"', {"both"}),  # "血糖高" in "血压高，血糖高"
    ("_text", '"升高血糖"', set()),  # each word is there, never in this order
    # One character: found wherever it stands (血压高 ends in 高).
    ("_text", "热", {"cold"}),
    ("_text", "高", {"dm", "both"}),
])
def test_text(client: httpx.Client, ids: dict[str, str], param: str, value: str,
              expected: set[str]) -> None:
    assert _search(client, ids, **{param: value}) == expected


def test_update_replaces_the_document(client: httpx.Client, ids: dict[str, str]) -> None:
    r = client.get(f"/Condition/{ids['cold']}")
    body = r.json()
    body["text"] = _narrative("咳嗽一周")
    assert client.put(f"/Condition/{ids['cold']}", json=body).status_code == 200
    assert _search(client, ids, _text="咳嗽") == {"cold"}
    assert _search(client, ids, _text="发热") == set()


def test_bad_expression_is_400(client: httpx.Client) -> None:
    r = client.get("/Condition", params={"_content": '"unclosed'})
    assert r.status_code == 400
    assert r.json()["resourceType"] == "OperationOutcome"
