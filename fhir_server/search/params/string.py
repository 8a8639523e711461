"""String search parameters (FHIR R4 search, 3.1.1.4.5 "string").

Values are stored folded (`fold`): compatibility-decomposed (NFKD, which also folds
full-width letters, digits, punctuation and the ideographic space), Latin accents dropped,
recomposed (NFKC), traditional Chinese converted to simplified (OpenCC t2s, so 張偉 finds
张伟), case folded, whitespace collapsed. The default search is starts-with on the folded
value; `:contains` matches anywhere; `:exact` compares the folded value whole.
"""

from __future__ import annotations

import re
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


def _dictionary(path: Path) -> dict[str, str]:
    """An OpenCC dictionary file: key -> its first (default) conversion."""
    entries: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if values:
            entries[key] = values.split()[0]
    return entries


class _Simplified:
    """OpenCC's traditional-to-simplified conversion (config t2s), made fast for names.

    OpenCC (pure Python, phrase-aware) takes 50-90 µs per name; the same result comes
    cheaper. Text with no character t2s can change is returned as is (one set test). Text
    containing none of the phrases whose conversion differs from the per-character one is
    translated character by character (`str.translate`). Only the rest goes to OpenCC.
    test_string.py checks the equivalence on every entry of OpenCC's dictionaries.
    """

    def __init__(self) -> None:
        self._converter: Any = None
        self._table: dict[int, str] = {}
        self._changing: frozenset[str] = frozenset()
        self._phrases = re.compile("(?!)")

    def _load(self) -> None:
        import opencc  # a few MB of dictionaries: loaded on first non-ASCII text

        folder = Path(opencc.__file__).parent / "dictionary"
        characters = _dictionary(folder / "TSCharacters.txt")
        table = {ord(k): v for k, v in characters.items() if len(k) == 1 and k != v}
        phrases = sorted((k for k, v in _dictionary(folder / "TSPhrases.txt").items()
                          if k.translate(table) != v), key=len, reverse=True)
        self._table = table
        self._changing = frozenset(map(chr, table)) | frozenset("".join(phrases))
        self._phrases = re.compile("|".join(map(re.escape, phrases)))
        self._converter = opencc.OpenCC("t2s")

    def __call__(self, text: str) -> str:
        if self._converter is None:
            self._load()
        if self._changing.isdisjoint(text):
            return text
        if self._phrases.search(text) is None:
            return text.translate(self._table)
        converted: str = self._converter.convert(text)
        return converted


simplified = _Simplified()
# Accents of Latin letters after NFKD (U+0300..U+036F, "Combining Diacritical Marks"), one
# regex pass; other scripts' marks (kana voicing, Indic vowel signs) change the letter: kept.
_LATIN_ACCENTS = re.compile("[\u0300-\u036f]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The form stored in idx_string and compared against the query value.

    R4 search 3.1.1.4.5: string search ignores case and accents; here it also ignores
    full-width/half-width forms and traditional/simplified Chinese, so a name typed with
    any Chinese input method finds the record. Token `:text`, `_filter` and full text use
    the same folding.
    """
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        if not decomposed.isascii():
            decomposed = _LATIN_ACCENTS.sub("", decomposed)
        text = simplified(unicodedata.normalize("NFKC", decomposed))
    return " ".join(text.casefold().split())


normalise = fold  # the earlier name (phonetic, modifiers, _filter and full text import it)


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
    """One folded row per text part of the value."""
    if type(value) is str:
        texts = [value]
    elif type(value) is dict and type_code in PARTS:
        if _protected(value, type_code):
            return []
        texts = _texts(value, PARTS[type_code])
    else:
        return []
    return [(folded,) for text in texts if (folded := fold(text))]


def accepts(modifier: str) -> bool:
    """`:exact` and `:contains`."""
    return modifier in MODIFIERS


def parse_value(text: str, modifier: str | None) -> str:
    """The folded search text."""
    return fold(unescape(text))


def value_sql(value: str, modifier: str | None, args: SqlArgs) -> str:
    """Starts-with by default; `:exact` compares the folded value whole."""
    if modifier == "exact":
        return f"i.value = {args.add(value)}"
    if modifier == "contains":
        return f"i.value LIKE {args.add('%' + escape_like(value) + '%')}"
    return starts_with_sql("i.value", value, args)
