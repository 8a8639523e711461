"""Parsing `_filter` expressions: the grammar of search_filter.html, and where errors are."""

from __future__ import annotations

import pytest

from fhir_server.errors import FhirError
from fhir_server.search.filtering.syntax import Comparison, Link, Logical, Negation, parse


def test_a_comparison() -> None:
    assert parse('name co "pet"') == Comparison((), "name", "co", "pet", 1)


def test_token_and_date_values_need_no_quotes() -> None:
    assert parse("code eq http://loinc.org|1234-5").value == "http://loinc.org|1234-5"
    assert parse("birthdate ge 2014-10-10T10:00:00+08:00").value == "2014-10-10T10:00:00+08:00"


def test_a_token_value_ends_at_whitespace_bracket_or_parenthesis() -> None:
    tree = parse("(a eq b(c)")
    assert tree == Comparison((), "a", "eq", "b(c", 2)


def test_strings_are_json_strings() -> None:
    assert parse(r'name eq "say \"hi\" \\ \u00e9 ) ]"').value == 'say "hi" \\ é ) ]'


def test_and_or_have_no_precedence_left_to_right() -> None:
    # "Logical expressions are evaluated left to right, with no precedence between and and or"
    a, b, c = (Comparison((), n, "eq", "1", p) for n, p in (("a", 1), ("b", 11), ("c", 22)))
    assert parse("a eq 1 or b eq 1 and c eq 1") == Logical(
        "and", (Logical("or", (a, b), 2), c), 3)
    assert parse("a eq 1 and b eq 1 or c eq 1").op == "or"


def test_parentheses_group() -> None:
    tree = parse("a eq 1 or (b eq 1 and c eq 1)")
    assert isinstance(tree, Logical) and tree.op == "or"
    assert isinstance(tree.parts[1], Logical) and tree.parts[1].op == "and"


def test_a_run_of_one_operator_is_flat() -> None:
    tree = parse("a eq 1 and b eq 2 and c eq 3 and d eq 4")
    assert isinstance(tree, Logical) and len(tree.parts) == 4 and tree.depth == 2


def test_keywords_and_operators_are_case_insensitive() -> None:
    tree = parse("a EQ 1 AnD NOT (b Pr true)")
    assert isinstance(tree, Logical) and tree.op == "and"
    assert tree.parts[1] == Negation(Comparison((), "b", "pr", "true", 17), 2)


def test_names_that_begin_with_keywords_are_names() -> None:
    assert parse("note eq x").name == "note"  # type: ignore[union-attr]
    assert parse("order eq x").name == "order"  # type: ignore[union-attr]
    assert parse("a eq or").value == "or"  # type: ignore[union-attr]


def test_paths_with_chains_and_sub_filters() -> None:
    tree = parse('subject[name eq "x" and birthdate lt 2000].organization.name sw "B"')
    assert isinstance(tree, Comparison)
    assert [link.name for link in tree.links] == ["subject", "organization"]
    sub = tree.links[0].filter
    assert isinstance(sub, Logical) and [p.name for p in sub.parts] == [  # type: ignore[union-attr]
        "name", "birthdate"]
    assert tree.links[1] == Link("organization", None, 44)
    assert (tree.name, tree.op, tree.value, tree.position) == ("name", "sw", "B", 57)


def test_names_may_carry_a_type_or_a_has_specifier() -> None:
    assert parse("subject:Patient.name eq x").links[0].name == "subject:Patient"  # type: ignore[union-attr]
    assert parse("_has:Observation:patient:code eq x").name == "_has:Observation:patient:code"  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "where", "found"), [
    ("", 1, "the end; expected '(' or 'not' or a parameter name"),
    ("name eq", 8, "the end; expected a value"),
    ("name eqx 1", 6, "'eqx 1'; expected '.' or '[' or a comparison operator"),
    ("name eq 1 nand b eq 2", 11, "'nand b eq 2'"),
    ("(name eq 1", 11, "the end; expected ')' or 'and' or 'or'"),
    ("name eq 1)", 10, "')'; expected 'and' or 'or' or the end of the expression"),
    ('name eq "unterminated', 9, "a string without its closing '\"'"),
    ("name[a eq 1] eq 2", 14, "'eq 2'; expected '.'"),
    ('"name" eq 1', 1, "'\"name\" eq 1'; expected '(' or 'not' or a parameter name"),
    ("not name eq 1", 5, "'name eq 1'; expected '.' or '['"),
])
def test_syntax_errors_say_where(text: str, where: int, found: str) -> None:
    with pytest.raises(FhirError) as error:
        parse(text)
    assert error.value.status == 400
    assert f"_filter syntax error at character {where}: found {found}" in str(error.value)


def test_invalid_string_escape() -> None:
    with pytest.raises(FhirError, match=r"invalid string .* at character 9"):
        parse(r'name eq "\q"')


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(FhirError, match="nested more than"):
        parse("not(" * 200 + "a eq 1" + ")" * 200)
    assert parse("(" * 500 + "a eq 1" + ")" * 500) == Comparison((), "a", "eq", "1", 501)
