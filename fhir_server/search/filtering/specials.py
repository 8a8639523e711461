"""`_filter` tests on names that are not plain index parameters.

search_filter.html: "The name is one of the defined search parameters that are used with
the other search mechanism", so besides the typed parameters (`conditions.py`):
- `_text` and `_content` (search.html#text) take `eq` or `co` with a full-text expression,
  answered by the full-text module exactly as `_text=...`;
- `_list` takes `eq` with one list id or functional list name (`$current-problems`);
- composite parameters take `eq` and `ne` with the value written as in search.html#composite
  (`code$value`, each component in its own type's syntax, prefixes included:
  `code-value-quantity eq loinc|8480-6$gt100`);
- `phonetic` takes the string operators on the pinyin letters of the value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fhir_server.errors import bad_request
from fhir_server.search import fulltext, lists
from fhir_server.search.filtering.clauses import RowCondition, RowsClause
from fhir_server.search.filtering.conditions import TEXT_OPERATORS, text_condition
from fhir_server.search.params import composite, phonetic
from fhir_server.search.registry import SearchParam

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler
    from fhir_server.search.sql import SqlArgs

SpecialTest = Callable[[str, str, str, str, "ClauseCompiler"], "Clause"]
"""(resource type, name, operator, value, the query's parameter compiler) -> clause."""


def _operators(name: str, op: str, allowed: tuple[str, ...]) -> None:
    if op not in allowed:
        raise bad_request(f"operator '{op}' does not apply to '{name}' "
                          f"(only {' or '.join(allowed)})")


def text_test(resource_type: str, name: str, op: str, value: str,
              compile_param: ClauseCompiler) -> Clause:
    """`_text` / `_content`: the full-text search of the value (search.html#text)."""
    _operators(name, op, ("eq", "co"))
    return fulltext.compile_text(resource_type, name, value, compile_param)


def list_test(resource_type: str, name: str, op: str, value: str,
              compile_param: ClauseCompiler) -> Clause:
    """`_list eq id`: the resource is an item of that List (or functional list)."""
    _operators(name, op, ("eq",))
    return lists.compile_list(resource_type, name, _escaped(value), compile_param)


def _escaped(value: str) -> str:
    """A `_filter` value as one search value (search.html#escaping), so `,` is no OR."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("$", "\\$").replace(
        "|", "\\|")


SPECIAL_TESTS: dict[str, SpecialTest] = {
    "_text": text_test, "_content": text_test, "_list": list_test,
}


def composite_test(resource_type: str, param: SearchParam, op: str, value: str) -> Clause:
    """A composite parameter: `eq` (some element matches every component) or `ne`."""
    _operators(param.code, op, ("eq", "ne"))
    parsed = composite.parser(param)(value, None)

    def condition(args: SqlArgs) -> str:
        sql = composite.value_sql(parsed, None, args)
        return sql if op == "eq" else f"NOT ({sql})"
    return RowsClause(resource_type, param.code, composite.TABLE, condition)


def phonetic_condition(op: str, text: str) -> RowCondition | None:
    """`phonetic`: the string operators on pinyin letters (`params/phonetic.py`)."""
    if op not in TEXT_OPERATORS:
        return None
    letters = phonetic.letters(text)
    if not letters:
        raise bad_request(f"phonetic search needs Chinese characters or letters, not '{text}'")
    return text_condition("i.value", op, letters)
