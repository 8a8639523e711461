"""`Patient?phonetic=` over HTTP: homophones, pinyin-written records, surname readings."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration

NAMES = {
    "zw1": {"family": "张", "given": ["伟"]},
    "zw2": {"family": "章", "given": ["伟"]},
    "zw3": {"family": "Zhang", "given": ["Wei"]},
    "zw4": {"family": "张", "given": ["卫国"]},
    "sx": {"family": "单", "given": ["雄信"]},
    "wf": {"family": "王", "given": ["峰"]},
}


@pytest.fixture(scope="module")
def ids(fhir_base: str) -> dict[str, str]:
    found: dict[str, str] = {}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        for key, name in NAMES.items():
            r = client.post("/Patient", json={"resourceType": "Patient", "name": [name]})
            assert r.status_code == 201, r.text
            found[key] = r.json()["id"]
    return found


def _search(client: httpx.Client, ids: dict[str, str], value: str) -> set[str]:
    r = client.get("/Patient", params={"phonetic": value, "_id": ",".join(ids.values()),
                                       "_count": "50"})
    assert r.status_code == 200, r.text
    by_id = {v: k for k, v in ids.items()}
    return {by_id[e["resource"]["id"]] for e in r.json().get("entry", [])}


@pytest.mark.parametrize(("value", "expected"), [
    ("zhang wei", {"zw1", "zw2", "zw3", "zw4"}),   # starts-with: 张卫国 is zhangweiguo
    ("张伟", {"zw1", "zw2", "zw3", "zw4"}),
    ("zhangweiguo", {"zw4"}),
    ("shan xiongxin", {"sx"}),
    ("dan", {"sx"}),
    ("xiongxin", {"sx"}),
    ("wang", {"wf"}),
    ("li", set()),
])
def test_phonetic(client: httpx.Client, ids: dict[str, str], value: str,
                  expected: set[str]) -> None:
    assert _search(client, ids, value) == expected


def test_phonetic_without_letters(client: httpx.Client, ids: dict[str, str]) -> None:
    r = client.get("/Patient", params={"phonetic": "12"})
    assert r.status_code == 400
    assert r.json()["resourceType"] == "OperationOutcome"


def test_name_search_folds_traditional_and_full_width(client: httpx.Client,
                                                       ids: dict[str, str]) -> None:
    """`name=張` (traditional) finds 张伟 and 张卫国 (name parts: family 张); `given=偉` finds
    both 伟 records; a full-width family name finds the pinyin-written record."""
    def found(params: dict[str, str]) -> set[str]:
        r = client.get("/Patient", params={**params, "_id": ",".join(ids.values())})
        assert r.status_code == 200, r.text
        by_id = {v: k for k, v in ids.items()}
        return {by_id[e["resource"]["id"]] for e in r.json().get("entry", [])}

    assert found({"name": "張"}) == {"zw1", "zw4"}
    assert found({"given": "偉"}) == {"zw1", "zw2"}
    assert found({"family": "ｚｈａｎｇ"}) == {"zw3"}
