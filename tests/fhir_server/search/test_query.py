"""Parsing query strings into clauses and SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query


def sql(resource_type: str, *pairs: tuple[str, str]) -> tuple[str, list[object]]:
    return compile_query(resource_type, list(pairs)).where_sql("r", 3)


def test_no_clauses_is_true() -> None:
    assert sql("Patient") == ("TRUE", [])
    assert sql("Patient", ("_count", "5")) == ("TRUE", [])


def test_result_parameters_pass_through() -> None:
    query = compile_query("Patient", [("_count", "5"), ("_sort", "-birthdate"),
                                      ("_include", "Patient:organization"), ("family", "x")])
    assert query.result_params == [("_count", "5"), ("_sort", "-birthdate"),
                                   ("_include", "Patient:organization")]
    assert len(query.clauses) == 1


def test_placeholders_number_from_first_arg() -> None:
    where, args = sql("Patient", ("gender", "male"))
    assert where == ("(EXISTS (SELECT 1 FROM idx_token i WHERE i.rid = r.rid "
                     "AND i.res_type = $3 AND i.param = $4 AND ((i.code = $5))))")
    assert args == ["Patient", "gender", "male"]


def test_commas_or_and_repeats_and() -> None:
    where, args = sql("Patient", ("gender", "male,female"), ("active", "true"))
    assert where.count(" OR ") == 1 and where.count("EXISTS") == 2
    assert args == ["Patient", "gender", "male", "female", "active", "true"]


def test_escaped_comma_and_bar_are_literal() -> None:
    _, args = sql("Patient", ("identifier", r"urn:x\|y|a\,b"))
    assert args[-2:] == ["urn:x|y", "a,b"]


def test_token_forms() -> None:
    assert sql("Patient", ("identifier", "|x"))[1][-2:] == ["", "x"]
    assert sql("Patient", ("identifier", "urn:s|"))[1][-1] == "urn:s"
    assert "NOT EXISTS" in sql("Patient", ("gender:not", "male"))[0]


def test_string_is_normalised_prefix() -> None:
    where, args = sql("Patient", ("family", "ＣＨÄL"))
    assert "~>=~" in where and args[-2:] == ["chal", "cham"]


def test_date_prefixes() -> None:
    where, args = sql("Patient", ("birthdate", "ge2020-02"))
    assert "i.hi > $6 OR (i.lo >= $5 AND i.hi <= $6)" in where
    assert args[-2:] == [datetime(2020, 2, 1, tzinfo=UTC),
                         datetime(2020, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)]
    where, args = sql("Patient", ("birthdate", "lt2020"))
    assert "i.lo < $5" in where and len(args) == 3


def test_number_precision() -> None:
    _, args = sql("RiskAssessment", ("probability", "0.5"))
    assert args[-2:] == [Decimal("0.45"), Decimal("0.55")]
    _, args = sql("RiskAssessment", ("probability", "gt5e-1"))
    assert args[-1] == Decimal("0.5")


def test_quantity_parts() -> None:
    _, args = sql("Observation", ("value-quantity", "le5.4|http://unitsofmeasure.org|mg"))
    # A UCUM unit is compared in canonical units: 5.4 mg = 0.0054 g.
    assert args[-3:] == [Decimal("0.0054"), "urn:regional-hie:ucum-canonical", "g"]
    _, args = sql("Observation", ("value-quantity", "5.4||mg"))
    assert args[-1] == "mg" and "http://unitsofmeasure.org" not in args


def test_reference_forms() -> None:
    assert sql("Observation", ("subject", "Patient/1"))[1][-2:] == ["1", "Patient"]
    assert sql("Observation", ("subject:Patient", "1"))[1][-2:] == ["1", "Patient"]
    assert sql("Observation", ("subject", "1"))[1][-1] == "1"
    assert sql("Observation", ("subject", "http://other/fhir/Patient/1"))[1][-1] == (
        "http://other/fhir/Patient/1")


def test_id_and_last_updated_use_resource_columns() -> None:
    where, args = sql("Patient", ("_id", "a,b"), ("_lastUpdated", "gt2020"))
    assert where == "(r.res_id = ANY($3::text[])) AND ((r.last_updated > $4))"
    assert args[0] == ["a", "b"]


def test_missing() -> None:
    assert sql("Patient", ("email:missing", "true"))[0].startswith("(NOT EXISTS")
    assert sql("Patient", ("email:missing", "false"))[0].startswith("(EXISTS")


def test_empty_value_is_ignored() -> None:
    assert sql("Patient", ("family", "")) == ("TRUE", [])


@pytest.mark.parametrize(("name", "value", "message"), [
    ("nope", "x", "unknown search parameter 'nope' for Patient"),
    ("birthdate", "ge20x", "'ge20x' is not a valid date"),
    ("birthdate", "2020-13", "'2020-13' is not a valid date"),
    ("family:below", "x", "modifier ':below' is not supported"),
    ("gender", "a|b|c", "more than one unescaped '|'"),
    ("family", "a\\q", "invalid escape"),
    ("family", "a,,b", "empty alternative"),
    ("general-practitioner.nosuch", "x", "has a search parameter 'nosuch'"),
    ("active:missing", "maybe", "must be true or false"),
    ("general-practitioner:Nope", "x", "modifier ':Nope' is not supported"),
    ("_id:not", "x", "modifier ':not' is not supported on '_id'"),
])
def test_errors(name: str, value: str, message: str) -> None:
    with pytest.raises(FhirError) as caught:
        compile_query("Patient", [(name, value)])
    assert caught.value.status == 400
    assert message in str(caught.value)


def test_number_and_quantity_errors() -> None:
    for resource_type, name, value in [("RiskAssessment", "probability", "abc"),
                                       ("Observation", "value-quantity", "5|x"),
                                       ("Observation", "value-quantity", "gt")]:
        with pytest.raises(FhirError):
            compile_query(resource_type, [(name, value)])
