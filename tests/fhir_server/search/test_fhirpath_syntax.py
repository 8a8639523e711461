"""The strict FHIRPath syntax check used for SearchParameters stored on the server."""

from __future__ import annotations

import pytest

from fhir_server.definitions.packages import iter_resources
from fhir_server.search.fhirpath_syntax import expression_problem


def test_every_r4_expression_parses() -> None:
    expressions = [r["expression"] for _, r in iter_resources("SearchParameter-")
                   if r.get("expression")]
    assert len(expressions) > 1300
    assert [e for e in expressions if expression_problem(e)] == []


@pytest.mark.parametrize("expression", [
    "Patient.identifier.where(system='urn:oid:2.16.156.10011.1.3')",
    "Patient.extension('http://regional-hie.cn/fhir/StructureDefinition/village-code').value",
    "Observation.value as Quantity | Observation.component.value.as(Quantity)",
])
def test_valid_expressions(expression: str) -> None:
    assert expression_problem(expression) is None


@pytest.mark.parametrize(("expression", "column"), [
    ("Patient.(((", "column 9"),       # fhirpathpy's own parser accepts this silently
    ("Patient..identifier", "column 9"),
    ("Patient.name +", "column 15"),   # the end of input, where an operand should be
])
def test_syntax_errors_are_located(expression: str, column: str) -> None:
    problem = expression_problem(expression)
    assert problem is not None and problem.startswith(column)


def test_text_after_a_complete_expression_is_an_error() -> None:
    assert expression_problem("Patient.name) x") is not None
