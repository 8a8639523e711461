"""Boolean search expressions compiled natively, e.g. Patient `deceased`:
`Patient.deceased.exists() and Patient.deceased != false`.

FHIRPath semantics (FHIRPath N1, "Boolean logic" and "Equality"): a comparison with an
empty collection is empty; values of different types are not equal; `and` is three-valued.
The result is `[(True|False, 'boolean')]`, or nothing when it is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fhir_server.search.expression import Conjunction, Step, Test, Unsupported
from fhir_server.search.typed import Extractor, Typed

Values = Extractor
PathCompiler = Callable[[list[Step]], list[Extractor]]
Term = Callable[[dict[str, Any]], bool | None]


def _values(steps: tuple[Step, ...], compile_path: PathCompiler) -> Values:
    extractors = compile_path(list(steps))
    return lambda resource: [typed for extract in extractors for typed in extract(resource)]


def _term(test: Test, compile_path: PathCompiler) -> Term:
    values = _values(test.path, compile_path)
    if test.operator == "exists":
        return lambda resource: bool(values(resource))
    literal, negate = test.literal, test.operator == "!="

    def compare(resource: dict[str, Any]) -> bool | None:
        found = values(resource)
        if len(found) != 1:
            return None
        value = found[0][0]
        equal = type(value) is type(literal) and value == literal
        return equal != negate
    return compare


def _and(results: list[bool | None]) -> bool | None:
    if False in results:
        return False
    return None if None in results else True


def compile_condition(conjunction: Conjunction, compile_path: PathCompiler) -> Values:
    """An extractor yielding the conjunction's boolean value, typed `boolean`."""
    if not conjunction.terms:
        raise Unsupported("empty conjunction")
    terms = [_term(t, compile_path) for t in conjunction.terms]

    def evaluate(resource: dict[str, Any]) -> list[Typed]:
        result = _and([term(resource) for term in terms])
        return [] if result is None else [(result, "boolean")]
    return evaluate
