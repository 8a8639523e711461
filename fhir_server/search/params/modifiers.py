"""Modifiers that search other values than their parameter's own (R4 search.html#token,
#reference): each has index rows of its own, under the parameter code plus the modifier.

- token `:text` (`code:text=高血压`): CodeableConcept.text and Coding.display (and an
  Identifier's type text), matched as a string: folded, starts-with. Rows in idx_string
  under `code:text`.
- token `:of-type` (`identifier:of-type=system|code|value`): an Identifier by its type
  Coding and value. Rows in idx_token under `identifier:of-type`, system the type's system
  and code `typecode|value` (a protected value as its digest).
- reference `:identifier` (`subject:identifier=system|value`): the Reference's logical
  identifier. Rows in idx_token under `subject:identifier`, as token Identifiers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fhir_server.errors import bad_request
from fhir_server.search import protect
from fhir_server.search.escaping import split_unescaped, unescape
from fhir_server.search.params import string, token
from fhir_server.search.sql import SqlArgs, starts_with_sql

IndexValues = Callable[[Any, str], Iterable[tuple[Any, ...]]]


def _texts(value: Any, type_code: str) -> list[str]:
    if type(value) is not dict:
        return []
    if type_code == "CodeableConcept":
        found = [value.get("text")] + [c.get("display") for c in value.get("coding", ())
                                        if type(c) is dict]
    elif type_code == "Coding":
        found = [value.get("display")]
    elif type_code == "Identifier" and type(kind := value.get("type")) is dict:
        return _texts(kind, "CodeableConcept")
    else:
        return []
    return [t for t in found if type(t) is str]


def text_values(value: Any, type_code: str) -> list[tuple[str]]:
    """idx_string rows of a coded value's texts."""
    return [(folded,) for t in _texts(value, type_code) if (folded := string.normalise(t))]


def of_type_values(value: Any, type_code: str) -> list[tuple[str, str]]:
    """idx_token rows (type system, `typecode|value`) of an Identifier with a type."""
    if type_code != "Identifier" or type(value) is not dict:
        return []
    code = value.get("value")
    kind = value.get("type")
    if type(code) is not str or type(kind) is not dict:
        return []
    indexed = protect.identifier_code(value.get("system") or "", code)
    return [(c.get("system") or "", f"{c['code']}|{indexed}")
            for c in kind.get("coding", ()) if type(c) is dict and type(c.get("code")) is str]


def identifier_values(value: Any, type_code: str) -> list[tuple[str, str]]:
    """idx_token rows of a Reference's `identifier`."""
    if type(value) is not dict or type(found := value.get("identifier")) is not dict:
        return []
    return token.index_values(found, "Identifier")


@dataclass(slots=True, eq=False)  # compared and hashed by identity: one object per modifier
class ModifierIndex:
    """How one modifier's rows are made and searched (a `ParamType` of its own)."""

    modifier: str
    TABLE: str
    index_values: IndexValues
    parse_value: Callable[[str, str | None], Any]
    value_sql: Callable[[Any, str | None, SqlArgs], str]

    def accepts(self, modifier: str) -> bool:
        """Only its own modifier."""
        return modifier == self.modifier


def _parse_text(text: str, modifier: str | None) -> str:
    return string.normalise(unescape(text))


def _text_sql(value: str, modifier: str | None, args: SqlArgs) -> str:
    return starts_with_sql("i.value", value, args)


def _parse_of_type(text: str, modifier: str | None) -> tuple[str, list[str]]:
    """`system|code|value`: all three are required (search.html#token)."""
    parts = [unescape(p) for p in split_unescaped(text, "|")]
    if len(parts) != 3 or not all(parts):
        raise bad_request(f":of-type value '{text}' must be system|code|value")
    system, code, value = parts
    return system, [f"{code}|{v}" for v in protect.query_codes(None, value)]


def _of_type_sql(value: tuple[str, list[str]], modifier: str | None, args: SqlArgs) -> str:
    system, codes = value
    return f"i.system = {args.add(system)} AND i.code = ANY({args.add(codes)})"


TEXT = ModifierIndex("text", string.TABLE, text_values, _parse_text, _text_sql)
OF_TYPE = ModifierIndex("of-type", token.TABLE, of_type_values, _parse_of_type, _of_type_sql)
IDENTIFIER = ModifierIndex("identifier", token.TABLE, identifier_values, token.parse_value,
                           token.value_sql)

# Which modifiers index rows of their own, by parameter type (and, for of-type, only
# parameters whose values can be Identifiers: decided by the extracted value's type).
BY_TYPE: dict[str, tuple[ModifierIndex, ...]] = {
    "token": (TEXT, OF_TYPE),
    "reference": (IDENTIFIER,),
}


def modifier_index(param_type: str, modifier: str | None) -> ModifierIndex | None:
    """The modifier's own index, if it has one for this parameter type."""
    return next((m for m in BY_TYPE.get(param_type, ()) if m.modifier == modifier), None)
