"""`_sort` (FHIR R4 search, 3.1.1.5.3): sort keys, their SQL, and the same keys in Python.

`_sort=a,-b` sorts by a ascending, then b descending; the resource row id breaks ties, so
the order is total and keyset paging can resume after any row. A parameter with several
values sorts by its lowest value ascending and its highest descending (a date range by its
start ascending and its end descending); resources without a value sort last either way.
Text compares in code-point order (`COLLATE "C"`), which Python's str order matches, so a
key computed in Python from an older version sorts exactly as SQL sorts the stored rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from fhir_server.errors import bad_request
from fhir_server.search.index import index_rows
from fhir_server.search.params import ucum
from fhir_server.search.registry import registry
from fhir_server.search.sql import SqlArgs

SortValue = str | datetime | Decimal | None


@dataclass(frozen=True, slots=True)
class _Kind:
    """How one parameter type sorts: its table, the value's SQL class and how to read a row."""

    table: str
    sql_class: str  # text | time | num
    ascending: str  # SQL over index row `i` whose minimum sorts ascending
    descending: str  # ... whose maximum sorts descending


_REFERENCE = "coalesce(i.target_type || '/' || i.target_id, i.url)"
# Quantities sort on their values as stored, not on the canonical-unit rows beside them.
_STORED_QUANTITY = f"CASE WHEN i.system <> '{ucum.CANONICAL_SYSTEM}' THEN i.value END"
_KINDS: dict[str, _Kind] = {
    "string": _Kind("idx_string", "text", "i.value", "i.value"),
    "token": _Kind("idx_token", "text", "i.code || chr(1) || i.system",
                   "i.code || chr(1) || i.system"),
    "reference": _Kind("idx_reference", "text", _REFERENCE, _REFERENCE),
    "date": _Kind("idx_date", "time", "i.lo", "i.hi"),
    "number": _Kind("idx_number", "num", "i.value", "i.value"),
    "quantity": _Kind("idx_quantity", "num", _STORED_QUANTITY, _STORED_QUANTITY),
    "uri": _Kind("idx_uri", "text", "i.uri", "i.uri"),
}
# Parameters answered from columns of the resource row, and their SQL class.
_COLUMNS = {"_id": ("res_id", "text"), "_lastUpdated": ("last_updated", "time")}


@dataclass(frozen=True, slots=True)
class SortKey:
    """One `_sort` key as it applies to one resource type."""

    res_type: str
    code: str
    descending: bool
    param_type: str  # the SearchParameter type, or `column` for _id and _lastUpdated

    @property
    def sql_class(self) -> str:
        """text, time or num: how cursor values of this key are encoded."""
        if self.param_type == "column":
            return _COLUMNS[self.code][1]
        return _KINDS[self.param_type].sql_class

    @property
    def mutable(self) -> bool:
        """Whether an update can change a resource's value of this key (not so for `_id`)."""
        return self.code != "_id"

    def lateral(self, n: int, args: SqlArgs) -> str:
        """A `CROSS JOIN LATERAL` giving row `r` its key value as `k{n}.v` ('' for a column)."""
        if self.param_type == "column":
            return ""
        kind = _KINDS[self.param_type]
        func, value = ("max", kind.descending) if self.descending else ("min", kind.ascending)
        if kind.sql_class == "text":
            value = f'({value}) COLLATE "C"'
        return (f" CROSS JOIN LATERAL (SELECT {func}({value}) AS v FROM {kind.table} i "
                f"WHERE i.rid = r.rid AND i.res_type = {args.shared(self.res_type)} "
                f"AND i.param = {args.add(self.code)}) k{n}")

    def column_sql(self, n: int) -> str:
        """The key's value for row `r` (after `lateral`), as selected."""
        return f"r.{_COLUMNS[self.code][0]}" if self.param_type == "column" else f"k{n}.v"

    def value_sql(self, n: int) -> str:
        """The key's value for row `r` (after `lateral`), ready to compare and order by."""
        return collated(self.column_sql(n), self.sql_class)

    def of_version(self, resource: dict[str, Any], last_updated: datetime) -> SortValue:
        """This key's value for a resource version, exactly as the SQL would compute it."""
        if self.param_type == "column":
            return resource.get("id") if self.code == "_id" else last_updated
        rows = [row[2:] for row in index_rows(resource)[_KINDS[self.param_type].table]
                if row[1] == self.code]
        values = [v for v in map(self._row_value, rows) if v is not None]
        if not values:
            return None
        return max(values) if self.descending else min(values)

    def _row_value(self, row: tuple[Any, ...]) -> SortValue:
        if self.param_type == "token":
            return f"{row[1]}\x01{row[0]}"
        if self.param_type == "reference":
            return f"{row[0]}/{row[1]}" if row[0] is not None and row[1] is not None else row[2]
        if self.param_type == "date":
            bound: SortValue = row[1] if self.descending else row[0]
            return bound
        if self.param_type == "quantity":
            return None if row[0] == ucum.CANONICAL_SYSTEM else Decimal(row[2])
        value: SortValue = row[0]
        return value


def collated(expr: str, sql_class: str) -> str:
    """expr compared in code-point order when it is text."""
    return f'{expr} COLLATE "C"' if sql_class == "text" else expr


def parse_sort(res_type: str, values: Sequence[str], lenient: bool) -> tuple[list[SortKey],
                                                                          list[str]]:
    """The sort keys of `_sort` values for a type, and the names it does not know.

    Unknown parameters are a 400 unless lenient (then set aside, search.html#errors);
    parameters of a type that cannot sort (composite, special) are always a 400.
    """
    keys: list[SortKey] = []
    unknown: list[str] = []
    for item in (s.strip() for value in values for s in value.split(",")):
        if not item:
            raise bad_request("_sort has an empty parameter name")
        descending, code = item.startswith("-"), item.removeprefix("-")
        key = _key(res_type, code, descending)
        if key is None and not lenient:
            raise bad_request(f"unknown sort parameter '{code}' for {res_type}",
                              code="not-supported")
        if key is None:
            unknown.append(code)
        elif all(k.code != code for k in keys):
            keys.append(key)
    return keys, unknown


def _key(res_type: str, code: str, descending: bool) -> SortKey | None:
    if code in _COLUMNS:
        return SortKey(res_type, code, descending, "column")
    param = registry().get(res_type, code)
    if param is None:
        return None
    if param.type not in _KINDS:
        raise bad_request(f"cannot sort by {param.type} parameter '{code}'",
                          code="not-supported")
    return SortKey(res_type, code, descending, param.type)


def _compare(a: SortValue, b: SortValue, descending: bool) -> int:
    if a == b:
        return 0
    if a is None:  # missing values sort last in both directions
        return 1
    if b is None:
        return -1
    less = a < b  # type: ignore[operator]
    return (-1 if less else 1) * (-1 if descending else 1)


def row_order(keys: Sequence[SortKey], backwards: bool = False) -> Any:
    """A `sorted` key for (values, rid) pairs in the order the SQL gives (reversed if asked)."""
    sign = -1 if backwards else 1

    def compare(x: tuple[Sequence[SortValue], int], y: tuple[Sequence[SortValue], int]) -> int:
        for key, a, b in zip(keys, x[0], y[0], strict=True):
            found = _compare(a, b, key.descending)
            if found:
                return sign * found
        return sign * ((x[1] > y[1]) - (x[1] < y[1]))

    return cmp_to_key(compare)
