"""String search parameters (FHIR R4 search, 3.1.1.4.5 "string").

Values are stored normalised: compatibility-decomposed (NFKD, which also folds full-width
forms), combining marks dropped, case folded and recomposed (NFKC), traditional Chinese
converted to simplified (OpenCC t2s, so 張偉 finds 张伟), whitespace collapsed.
The default search is starts-with on the normalised value; `:contains` matches anywhere.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from fhir_server.search import protect
from fhir_server.search.escaping import unescape
from fhir_server.search.sql import SqlArgs, escape_like, starts_with_sql

TABLE = "idx_string"
MODIFIERS = frozenset({"exact", "contains"})

# Which parts of complex types a string search sees (R4 search, 3.1.1.4.5 notes).
PARTS: dict[str, tuple[str, ...]] = {
    "HumanName": ("text", "family", "given", "prefix", "suffix"),
    "Address": ("text", "line", "city", "district", "state", "postalCode", "country"),
    "CodeableConcept": ("text",),
    "Coding": ("display",),
    "Identifier": ("value",),
    "ContactPoint": ("value",),
    "Reference": ("display",),
    "Annotation": ("text",),
    "Attachment": ("title",),
}


class _Simplified:
    """OpenCC's traditional-to-simplified conversion, run only on text that needs it.

    Most text has no traditional character; a set lookup per character decides, so the
    write path pays for OpenCC (phrase-aware, ~10 µs per name) only when it matters.
    """

    def __init__(self) -> None:
        self._converter: Any = None
        self._traditional: frozenset[str] = frozenset()

    def _load(self) -> None:
        import opencc  # a few MB of dictionaries: loaded on first non-ASCII text

        folder = Path(opencc.__file__).parent / "dictionary"
        chars: set[str] = set()
        for name in ("TSCharacters.txt", "TSPhrases.txt"):
            for line in (folder / name).read_text(encoding="utf-8").splitlines():
                key = line.partition("\t")[0]
                chars.update(c for c in key if ord(c) > 0x2E7F)
        self._traditional = frozenset(chars)
        self._converter = opencc.OpenCC("t2s")

    def __call__(self, text: str) -> str:
        if self._converter is None:
            self._load()
        if self._traditional.isdisjoint(text):
            return text
        converted: str = self._converter.convert(text)
        return converted


simplified = _Simplified()


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """The form stored in idx_string and compared against the query value."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = simplified(unicodedata.normalize(
            "NFKC", "".join(c for c in decomposed if not unicodedata.combining(c))))
    return " ".join(text.casefold().split())


def _texts(value: dict[str, Any], parts: tuple[str, ...]) -> list[str]:
    texts: list[str] = []
    for part in parts:
        item = value.get(part)
        if type(item) is str:
            texts.append(item)
        elif type(item) is list:
            for i in item:
                if type(i) is str:
                    texts.append(i)
    return texts


def _protected(value: dict[str, Any], type_code: str) -> bool:
    """A resident ID or phone number: never in idx_string (token search finds its digest)."""
    system = value.get("system")
    if type_code == "Identifier":
        return system in protect.protected_systems()
    return type_code == "ContactPoint" and system in protect.PHONE_SYSTEMS


def index_values(value: Any, type_code: str) -> list[tuple[str]]:
    """One normalised row per text part of the value."""
    if type(value) is str:
        texts = [value]
    elif type(value) is dict and type_code in PARTS:
        if _protected(value, type_code):
            return []
        texts = _texts(value, PARTS[type_code])
    else:
        return []
    return [(folded,) for text in texts if (folded := normalise(text))]


def accepts(modifier: str) -> bool:
    """`:exact` and `:contains`."""
    return modifier in MODIFIERS


def parse_value(text: str, modifier: str | None) -> str:
    """The normalised search text."""
    return normalise(unescape(text))


def value_sql(value: str, modifier: str | None, args: SqlArgs) -> str:
    """Starts-with by default; `:exact` compares the normalised value whole."""
    if modifier == "exact":
        return f"i.value = {args.add(value)}"
    if modifier == "contains":
        return f"i.value LIKE {args.add('%' + escape_like(value) + '%')}"
    return starts_with_sql("i.value", value, args)
