"""String normalisation and index values."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import opencc
import pytest

from fhir_server.search.params.string import fold, index_values, normalise, simplified


def test_normalise_folds_case_accents_width_and_spaces() -> None:
    assert normalise("  Bénédicte  DU Marché ") == "benedicte du marche"
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert normalise("Straße") == "strasse"
    assert normalise("张无忌") == "张无忌"


def test_human_name_parts() -> None:
    name = {"family": "Chalmers", "given": ["Peter", "James"], "text": "Peter Chalmers",
            "use": "official"}
    assert index_values(name, "HumanName") == [("peter chalmers",), ("chalmers",), ("peter",),
                                               ("james",)]


def test_address_parts() -> None:
    address = {"line": ["1 Main St"], "city": "Springfield", "use": "home"}
    assert index_values(address, "Address") == [("1 main st",), ("springfield",)]


def test_unknown_shapes_give_nothing() -> None:
    assert index_values({"x": 1}, "Period") == []
    assert index_values(None, "string") == []


def test_traditional_folds_to_simplified() -> None:
    # 張偉 -> 张伟; 醫院 -> 医院; the ideographic space (U+3000) is a space.
    assert normalise("張偉") == "张伟"
    assert normalise("兰考縣人民醫院") == "兰考县人民医院"
    assert normalise("王　秀英") == "王 秀英"
    # Full-width Latin next to Chinese.
    assert normalise("ＨｂＡ１ｃ 檢查") == "hba1c 检查"


def test_simplified_text_unchanged() -> None:
    assert normalise("欧阳修") == "欧阳修"


def test_fold_width_punctuation_and_latin_accents() -> None:
    # NFKC: full-width brackets, full stop, digits and letters become ASCII; the
    # ideographic space is a space; a circled digit is the digit; the fi ligature is f i.
    assert fold("（張三）") == "(张三)"
    assert fold("Ｍüller\u3000Ｊｏｓé") == "muller jose"
    assert fold("①号") == "1号"
    assert fold("ﬁle") == "file"
    # Pinyin tone marks are Latin accents: dropped.
    assert fold("Zhāng Wěi") == "zhang wei"


def test_fold_keeps_marks_of_other_scripts() -> None:
    # The kana voicing mark changes the letter (か ka, が ga): not an accent.
    assert fold("が") == "が"
    assert fold("が") != fold("か")


def test_traditional_phrases() -> None:
    # t2s is phrase-aware: 乾 is 干 in 乾燥 (dry) but stays in 乾隆 (an emperor's name);
    # 覆 is 复 in 反覆.
    assert fold("乾燥") == "干燥"
    assert fold("乾隆") == "乾隆"
    assert fold("反覆") == "反复"
    assert fold("頭髮") == "头发"


def test_fast_paths_agree_with_opencc() -> None:
    # Every entry of OpenCC's t2s dictionaries, alone and inside a name, converts exactly
    # as OpenCC itself converts it.
    converter = opencc.OpenCC("t2s")
    folder = Path(opencc.__file__).parent / "dictionary"
    keys = [line.partition("\t")[0] for name in ("TSCharacters.txt", "TSPhrases.txt")
            for line in (folder / name).read_text(encoding="utf-8").splitlines()]
    for key in keys:
        for text in (key, f"王{key}秀", f"{key}医院"):
            assert simplified(text) == converter.convert(text), text


NAMES = {"trad": "張偉國", "simp": "张伟", "wide": "ＷＡＮＧ\u3000Ｘｉｕ秀英",
         "latin": "José Müller"}
MARKER = f"urn:test:fold|{uuid.uuid4()}"


@pytest.fixture(scope="module")
def patients(fhir_base: str) -> dict[str, str]:
    """The four names as Patients sharing an identifier: id -> key."""
    system, _, value = MARKER.partition("|")
    found: dict[str, str] = {}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        for key, text in NAMES.items():
            body = {"resourceType": "Patient", "name": [{"text": text}],
                    "identifier": [{"system": system, "value": value}]}
            r = client.post("/Patient", json=body)
            assert r.status_code == 201, r.text
            found[r.json()["id"]] = key
    return found


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), [
    ("name=张伟", {"trad", "simp"}),              # traditional record found in simplified
    ("name=張偉", {"trad", "simp"}),              # and the other way round
    ("name=ｗａｎｇ", {"wide"}),                  # full-width query, half-width record
    ("name=WANG XIU", {"wide"}),                  # case; ideographic space stored as space
    ("name=josé", {"latin"}),
    ("name=JOSE", {"latin"}),
    ("name:exact=jose muller", {"latin"}),         # :exact on the folded value (deviation)
    ("name:exact=jose", set()),
    ("name:contains=秀英", {"wide"}),
    ("name:contains=ÜLL", {"latin"}),              # folded: "ull" inside "muller"
    ("name=秀英", set()),                          # starts-with, not contains
])
def test_search_folds_over_http(fhir_base: str, patients: dict[str, str], query: str,
                                expected: set[str]) -> None:
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        r = client.get(f"/Patient?identifier={MARKER}&{query}")
        assert r.status_code == 200, r.text
        assert {patients[e["resource"]["id"]] for e in r.json().get("entry", [])} == expected
