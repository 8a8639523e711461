"""One `_filter` test, `parameter op value`, on one resource type, as a clause.

Index parameters become `EXISTS` over their index rows with the operator's condition
(`conditions.py`); `pr` asks whether any row exists ("the set is empty or not",
search_filter.html#ops) and `ni` is `in` negated ("none of the concepts are in the value
set"). `_id` and `_lastUpdated` are columns of the resource row itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhir_server.errors import bad_request
from fhir_server.search.clauses import IdClause
from fhir_server.search.filtering.clauses import ColumnClause, RowsClause
from fhir_server.search.filtering.conditions import CONDITIONS, date_range_condition
from fhir_server.search.filtering.specials import (
    SPECIAL_TESTS,
    composite_test,
    phonetic_condition,
)
from fhir_server.search.params import PARAM_TYPES, param_kind
from fhir_server.search.registry import SearchParam, registry
from fhir_server.search.sql import RESOURCE_COLUMNS, SqlArgs

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.filtering.conditions import Maker
    from fhir_server.search.params import ParamType
    from fhir_server.search.query import ClauseCompiler

_BOOLEANS = {"true": True, "false": False}
# Parameters answered by a module other than their type's (params.SPECIALISED), by code.
_SPECIALISED: dict[str, Maker] = {"phonetic": phonetic_condition}


def compile_comparison(resource_type: str, name: str, op: str, value: str,
                       compile_param: ClauseCompiler) -> Clause:
    """The clause for `name op value` on resource_type; a 400 when it makes no sense.

    compile_param (the query's own parameter compiler) serves the special names.
    """
    special = SPECIAL_TESTS.get(name)
    if special is not None:
        return special(resource_type, name, op, value, compile_param)
    param = _param(resource_type, name)
    if param.code in RESOURCE_COLUMNS:
        return _column(param, op, value)
    kind = param_kind(param.type, param.code)
    if kind is None:
        raise bad_request(f"{param.type} parameter '{param.code}' is not supported in _filter",
                          code="not-supported")
    if op == "pr":
        return RowsClause(resource_type, param.code, kind.TABLE, None, not _present(value))
    if param.type == "composite":
        return composite_test(resource_type, param, op, value)
    maker = _maker(param, kind)
    if maker is None:
        raise bad_request(f"{param.type} parameter '{param.code}' is not supported in _filter",
                          code="not-supported")
    condition = maker("in" if op == "ni" else op, value)
    if condition is None:
        raise _not_applicable(op, param)
    return RowsClause(resource_type, param.code, kind.TABLE, condition, op == "ni")


def _maker(param: SearchParam, kind: ParamType) -> Maker | None:
    """The operators of the parameter's own module: its type's, or a specialised one's."""
    if kind is PARAM_TYPES.get(param.type):
        return CONDITIONS.get(param.type)
    return _SPECIALISED.get(param.code)


def _param(resource_type: str, name: str) -> SearchParam:
    code, colon, _ = name.partition(":")
    if colon:
        raise bad_request(f"'{name}': _filter takes no modifiers, the operator says how to "
                          "compare")
    param = registry().get(resource_type, code)
    if param is None:
        raise bad_request(f"unknown search parameter '{code}' for {resource_type}",
                          code="not-supported")
    return param


def _present(value: str) -> bool:
    present = _BOOLEANS.get(value.lower())
    if present is None:
        raise bad_request(f"'pr' takes true or false, not '{value}'")
    return present


def _not_applicable(op: str, param: SearchParam) -> Exception:
    return bad_request(f"operator '{op}' does not apply to {param.type} parameter "
                       f"'{param.code}'")


def _column(param: SearchParam, op: str, value: str) -> Clause:
    """`_id` (eq, ne; ids are case-sensitive) and `_lastUpdated` (the date operators)."""
    if op == "pr":  # every resource has both
        present = _present(value)
        return ColumnClause(lambda alias, args: "TRUE" if present else "FALSE")
    if param.code == "_id" and op == "eq":
        return IdClause((value,))
    if param.code == "_id" and op == "ne":
        return ColumnClause(lambda alias, args: f"{alias}.res_id <> {args.add(value)}")
    if param.code == "_id" or date_range_condition(op, value, "", "") is None:
        raise _not_applicable(op, param)

    def condition(alias: str, args: SqlArgs) -> str:
        column = f"{alias}.last_updated"
        made = date_range_condition(op, value, column, column)
        assert made is not None
        return made(args)
    return ColumnClause(condition)
