"""Chinese names: one written form, the family/given split, and pinyin keys."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

_DATA = json.loads((Path(__file__).parent / "data" / "surnames.json").read_text("utf-8"))
COMPOUND_SURNAMES: frozenset[str] = frozenset(_DATA["compound"])
SURNAME_READINGS: dict[str, str] = _DATA["readings"]
_HAN = re.compile(r"[\u3400-\u9fff]")
_NOT_LETTER = re.compile(r"[^a-z]")
_SEPARATORS = re.compile(r"[\s·•・.\-]")
MAX_READINGS = 16


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class Name:
    """A normalised name: Han text split into family and given, or a pinyin-written name."""

    family: str
    given: str
    written_in_pinyin: bool

    @property
    def full(self) -> str:
        """Family then given, no separator."""
        return self.family + self.given


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Full width to half width, traditional to simplified, separators and spaces dropped."""
    return _SEPARATORS.sub("", _t2s().convert(unicodedata.normalize("NFKC", text)))


def is_han(text: str) -> bool:
    """Whether the text is written in Chinese characters."""
    return bool(_HAN.search(text))


def split(full: str) -> tuple[str, str]:
    """Family and given name of a folded Han name; two-character surnames recognised."""
    if len(full) > 2 and full[:2] in COMPOUND_SURNAMES:
        return full[:2], full[2:]
    return full[:1], full[1:]


def parse(text: str, family: str | None = None, given: str | None = None) -> Name:
    """The normalised name from a HumanName's text and, when given, its family/given parts."""
    if not is_han(text or "") and not is_han(family or ""):
        raw = f"{family or ''} {given or ''}" if family or given else text
        parts = unicodedata.normalize("NFKC", raw).lower().split()
        letters = [_NOT_LETTER.sub("", p) for p in parts]
        return Name(letters[0] if letters else "", "".join(letters[1:]), True)
    if family:
        return Name(fold(family), fold(given or ""), False)
    return Name(*split(fold(text)), False)


def _char_readings(char: str) -> list[str]:
    return list(dict.fromkeys(pinyin(char, style=Style.NORMAL, heteronym=True)[0]))


def _surname(family: str) -> list[list[str]]:
    return [[SURNAME_READINGS.get(c) or lazy_pinyin(c)[0]] for c in family]


@lru_cache(maxsize=65536)
def spellings(name: Name) -> frozenset[str]:
    """Every toneless pinyin spelling: surname reading, then each heteronym of the given name."""
    if name.written_in_pinyin:
        return frozenset({name.family + name.given})
    given = [_char_readings(c) for c in name.given]
    out: set[str] = set()
    for combo in product(*_surname(name.family), *given):
        out.add("".join(combo))
        if len(out) >= MAX_READINGS:
            break
    return frozenset(out)


@lru_cache(maxsize=65536)
def usual_spelling(name: Name) -> str:
    """The one most likely pinyin spelling (surname reading for the family name)."""
    if name.written_in_pinyin:
        return name.family + name.given
    return "".join(r[0] for r in _surname(name.family)) + "".join(lazy_pinyin(name.given))


def homophones(a: Name, b: Name) -> bool:
    """Whether two names can be read the same way (covers homophone typos and pinyin names)."""
    return bool(spellings(a) & spellings(b))
