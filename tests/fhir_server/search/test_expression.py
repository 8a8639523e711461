"""The FHIRPath subset parser."""

from __future__ import annotations

import pytest

from fhir_server.search.expression import (
    Conjunction,
    Step,
    Unsupported,
    parse_expression,
    root_name,
    split_union,
)


def test_split_union_respects_parentheses_and_strings() -> None:
    assert split_union("A.b | (A.c as X) | A.d.where(x='a|b')") == [
        "A.b", "(A.c as X)", "A.d.where(x='a|b')"]


def test_root_name() -> None:
    assert root_name("(Observation.value as Quantity)") == "Observation"


@pytest.mark.parametrize(("text", "steps"), [
    ("Patient.name.given", [Step("root", "Patient"), Step("child", "name"),
                            Step("child", "given")]),
    ("(Observation.value as CodeableConcept).text",
     [Step("root", "Observation"), Step("child", "value"), Step("as", "CodeableConcept"),
      Step("child", "text")]),
    ("Condition.onset.as(Age)", [Step("root", "Condition"), Step("child", "onset"),
                                 Step("as", "Age")]),
    ("Bundle.entry[0].resource", [Step("root", "Bundle"), Step("child", "entry"),
                                  Step("index", "0"), Step("child", "resource")]),
    ("Patient.telecom.where(system='email')",
     [Step("root", "Patient"), Step("child", "telecom"), Step("where_equals", "system", "email")]),
    ("Encounter.subject.where(resolve() is Patient)",
     [Step("root", "Encounter"), Step("child", "subject"), Step("where_resolve", "Patient")]),
    ("Observation.extension('http://x')", [Step("root", "Observation"),
                                            Step("extension", "http://x")]),
])
def test_paths(text: str, steps: list[Step]) -> None:
    assert parse_expression(text) == steps


def test_conjunction() -> None:
    parsed = parse_expression("Patient.deceased.exists() and Patient.deceased != false")
    assert isinstance(parsed, Conjunction)
    assert [t.operator for t in parsed.terms] == ["exists", "!="]
    assert parsed.terms[1].literal is False


@pytest.mark.parametrize("text", ["Patient.name.count() > 1", "Patient.a or Patient.b",
                                  "Patient.name.select(given)", "Patient.x = 3"])
def test_unsupported(text: str) -> None:
    with pytest.raises(Unsupported):
        parse_expression(text)
