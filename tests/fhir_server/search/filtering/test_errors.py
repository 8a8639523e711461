"""Expressions that parse but make no sense are a 400 that says where and why."""

from __future__ import annotations

import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query


@pytest.mark.parametrize(("resource_type", "expression", "message"), [
    ("Patient", "nosuch eq 1", "character 1: unknown search parameter 'nosuch' for Patient"),
    ("Patient", "gender eq male and nosuch eq 1", "character 20: unknown search parameter"),
    ("Patient", "gender co fem", "operator 'co' does not apply to token parameter 'gender'"),
    ("Patient", "family po 2020", "operator 'po' does not apply to string parameter"),
    ("Patient", "organization eq Organization/1",
     "operator 'eq' does not apply to reference parameter 'organization'"),
    ("Patient", "birthdate sw 19", "operator 'sw' does not apply to date parameter"),
    ("Patient", "birthdate eq yesterday", "'yesterday' is not a valid date"),
    ("Patient", "_id sw ex", "operator 'sw' does not apply to token parameter '_id'"),
    ("Patient", "_lastUpdated ss 2020", "operator 'ss' does not apply to date parameter"),
    ("Patient", "birthdate pr maybe", "'pr' takes true or false, not 'maybe'"),
    ("Patient", "family:exact eq x", "_filter takes no modifiers"),
    ("RiskAssessment", "probability eq lots", "'lots' is not a valid number"),
    ("RiskAssessment", "probability eq gt5", "'gt5' is not a valid number"),
    ("RiskAssessment", "probability sw 5", "operator 'sw' does not apply to number"),
    ("Observation", "value-quantity co 5", "operator 'co' does not apply to quantity"),
    ("Observation", "value-quantity eq 5|kg", "must be number or number|system|code"),
    ("Patient", "gender ss |", "token '|' needs a system or a code"),
    ("Patient", "gender ss http://x|", "names no concept for 'ss'"),
    ("Observation", "status.name eq x", "character 1: 'status' is not a reference parameter"),
    ("Observation", "subject.nosuch eq x",
     "character 1: no resource type that 'subject' of Observation refers to has the search "
     "parameters nosuch"),
    ("Observation", "subject[nosuch eq 1].name eq x", "has the search parameters name, nosuch"),
    ("Observation", "subject.name[family eq x].gender eq male",
     "character 9: 'name' is not a reference parameter"),
    ("Observation", "related[type eq has-component].target re Observation/4",
     "unknown search parameter 'related-type' for Observation"),
    ("DocumentReference", "relatesTo.target re DocumentReference/x",
     "character 1: 'relatesTo' needs a [filter] before its '.'"),
    ("DocumentReference", "relatesTo[kind eq x].target re DocumentReference/x",
     "character 11: 'kind' is not a part of 'relatesTo' (one of code, target)"),
    ("Patient", "_has:Nope:subject:code eq x", "must be _has:Type:reference"),
    ("Patient", "_has:Observation:code:code eq x",
     "'code' is not a reference parameter of Observation"),
    ("Patient", "_has:Encounter:service-provider:status eq x",
     "'service-provider' of Encounter cannot refer to Patient"),
])
def test_invalid_expressions(resource_type: str, expression: str, message: str) -> None:
    with pytest.raises(FhirError) as error:
        compile_query(resource_type, [("_filter", expression)])
    assert error.value.status == 400
    assert message in str(error.value)


def test_filter_takes_no_modifier() -> None:
    with pytest.raises(FhirError, match="_filter takes no modifiers"):
        compile_query("Patient", [("_filter:exact", "gender eq male")])


def test_not_is_not_exists_over_the_index_rows() -> None:
    where, args = compile_query("Patient", [("_filter", "not(given eq peter)")]).where_sql(
        "r", 1)
    assert where == ("(NOT (EXISTS (SELECT 1 FROM idx_string i WHERE i.rid = r.rid "
                     "AND i.res_type = $1 AND i.param = $2 AND (i.value = $3))))")
    assert args == ["Patient", "given", "peter"]
