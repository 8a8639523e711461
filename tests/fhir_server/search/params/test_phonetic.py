"""`phonetic` as toneless pinyin: index forms of a name and of a query."""

from __future__ import annotations

import pytest

from fhir_server.errors import FhirError
from fhir_server.search.params import phonetic


def _forms(name: dict[str, object]) -> set[str]:
    return {row[0] for row in phonetic.index_values(name, "HumanName")}


def test_family_given_and_both() -> None:
    assert _forms({"family": "张", "given": ["伟"]}) == {"zhang", "wei", "zhangwei"}


def test_surname_reading_indexed_beside_the_usual_one() -> None:
    # 单 reads dan in common words, shan as a surname; 曾 ceng / zeng.
    assert _forms({"family": "单", "given": ["雄信"]}) == {
        "xiongxin", "dan", "danxiongxin", "shan", "shanxiongxin"}
    assert {"zeng", "zengguofan"} <= _forms({"family": "曾", "given": ["国藩"]})


def test_compound_surname() -> None:
    assert {"yuchi", "yuchigong"} <= _forms({"family": "尉迟", "given": ["恭"]})


def test_pinyin_written_name_and_text() -> None:
    assert _forms({"family": "Zhang", "given": ["Wei"]}) == {"zhang", "wei", "zhangwei"}
    assert _forms({"text": "章伟"}) == {"zhangwei"}


def test_traditional_and_full_width_fold_first() -> None:
    # 張 is the traditional form of 张; Ｚｈａｎｇ is full-width.
    assert phonetic.letters("張偉") == "zhangwei"
    assert phonetic.letters("Ｚｈａｎｇ Ｗｅｉ") == "zhangwei"


@pytest.mark.parametrize("query", ["zhang wei", "Zhang Wei", "张伟", "ZhangWei", "章 伟"])
def test_query_forms(query: str) -> None:
    assert phonetic.parse_value(query, None) == "zhangwei"


def test_query_without_letters_is_400() -> None:
    with pytest.raises(FhirError) as error:
        phonetic.parse_value("123", None)
    assert error.value.status == 400
