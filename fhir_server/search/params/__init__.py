"""One module per search-parameter type: index values from a resource, and SQL per value.

Each module implements `ParamType`; `PARAM_TYPES` maps the SearchParameter.type code to it.
Composite parameters are indexed by their own extractor (`composite.row_extractor`);
special parameters have their own modules. `idx_contained` holds contained resources' values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from fhir_server.search.params import (
    composite,
    date,
    number,
    phonetic,
    quantity,
    reference,
    string,
    token,
    uri,
)
from fhir_server.search.sql import SqlArgs


class ParamType(Protocol):
    """What a search-parameter type module provides (its index table is `TABLE`)."""

    TABLE: str

    def index_values(self, value: Any, type_code: str) -> Iterable[tuple[Any, ...]]:
        """Index columns (after res_type and param) for one extracted value of a FHIR type."""
        ...

    def accepts(self, modifier: str) -> bool:
        """Whether the type supports the modifier (besides `:missing`)."""
        ...

    def parse_value(self, text: str, modifier: str | None) -> Any:
        """Parse one (still escaped) alternative of a query value; a 400 when malformed."""
        ...

    def value_sql(self, value: Any, modifier: str | None, args: SqlArgs) -> str:
        """A condition on index row `i` matching one parsed value."""
        ...


PARAM_TYPES: dict[str, ParamType] = {
    "string": string, "token": token, "reference": reference, "date": date,
    "number": number, "quantity": quantity, "uri": uri, "composite": composite,
}

# Parameters answered by a module other than their type's, keyed by (type, code): R4 leaves
# the `phonetic` algorithm to the server (params/phonetic.py: pinyin).
SPECIALISED: dict[tuple[str, str], ParamType] = {("string", "phonetic"): phonetic}


def param_kind(type_code: str, code: str) -> ParamType | None:
    """The module that indexes and searches a parameter of this type and code."""
    return SPECIALISED.get((type_code, code)) or PARAM_TYPES.get(type_code)


INDEX_TABLES: tuple[str, ...] = (
    *(module.TABLE for module in PARAM_TYPES.values()), "idx_contained", "idx_text")
