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
