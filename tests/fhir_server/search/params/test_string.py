"""String normalisation and index values."""

from __future__ import annotations

from fhir_server.search.params.string import index_values, normalise


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
