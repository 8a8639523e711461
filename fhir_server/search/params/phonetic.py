"""`phonetic` (Patient, Practitioner, RelatedPerson, Person): names matched by their pinyin.

R4 defines `phonetic` as a string parameter on the name matched "using some kind of
phonetic matching algorithm" and leaves the algorithm to the server. For Chinese names
the useful one is toneless pinyin: `phonetic=zhangwei` (or `Zhang Wei`, or `张伟`) finds
张伟, 章伟 and a record some HIS wrote as "Zhang Wei". Indexed values are the pinyin of the
family name, the given names and family+given, letters only; a surname whose reading
differs from the character's usual one is indexed under both (单 dan/shan, 曾 ceng/zeng).
The search is starts-with on the letters of the query's pinyin, so `phonetic=zhang` finds
every 张 and 章.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pypinyin import lazy_pinyin

from fhir_server.errors import bad_request
from fhir_server.search.escaping import unescape
from fhir_server.search.params.string import normalise
from fhir_server.search.sql import SqlArgs, starts_with_sql

TABLE = "idx_string"

# Surnames whose reading as a surname differs from the character's common reading.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou",
    "查": "zha", "盖": "ge", "乐": "yue", "缪": "miao", "翟": "zhai", "覃": "qin",
    "种": "chong", "重": "chong", "折": "she", "召": "shao", "秘": "bi", "员": "yun",
    "繁": "po", "黑": "he", "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun",
    "尉": "yu", "句": "gou", "宓": "fu", "燕": "yan", "阚": "kan", "沈": "shen",
}
_NOT_LETTER = re.compile(r"[^a-z]+")


@lru_cache(maxsize=65536)
def letters(text: str) -> str:
    """The text's toneless pinyin (Latin text as is), lowercase letters only."""
    folded = normalise(text)
    if not folded.isascii():
        folded = "".join(lazy_pinyin(folded, errors="default"))
    return _NOT_LETTER.sub("", folded.lower())


def family_readings(family: str) -> list[str]:
    """The usual pinyin of a family name, and its surname reading when that differs."""
    usual = letters(family)
    for surname, reading in SURNAME_READINGS.items():
        if family.startswith(surname):
            alternative = reading + letters(family[len(surname):])
            return [usual] if alternative == usual else [usual, alternative]
    return [usual]


def _name_values(name: dict[str, Any]) -> list[str]:
    family = name.get("family")
    given = "".join(g for g in name.get("given", ()) if type(g) is str)
    given_letters = letters(given) if given else ""
    values = [given_letters] if given_letters else []
    if type(family) is str and family:
        for reading in family_readings(family):
            values += [reading, reading + given_letters]
    text = name.get("text")
    if type(text) is str and text:
        first = text.strip()[:2] if not text.isascii() else ""
        values.append(letters(text))
        values += [r + letters(text.strip()[len(s):]) for s, r in SURNAME_READINGS.items()
                   if first.startswith(s)]
    return values


def index_values(value: Any, type_code: str) -> list[tuple[str]]:
    """One row per pinyin form of the name (deduplicated, empty forms dropped)."""
    if type(value) is dict and type_code == "HumanName":
        found = _name_values(value)
    elif type(value) is str:
        found = [letters(value)]
    else:
        return []
    return [(v,) for v in dict.fromkeys(found) if v]


def accepts(modifier: str) -> bool:
    """No modifiers: phonetic matching is already approximate."""
    return False


def parse_value(text: str, modifier: str | None) -> str:
    """The query's pinyin letters; a 400 when it has none (it would match every name)."""
    found = letters(unescape(text))
    if not found:
        raise bad_request(f"phonetic search needs Chinese characters or letters, not '{text}'")
    return found


def value_sql(value: str, modifier: str | None, args: SqlArgs) -> str:
    """Starts-with on the indexed pinyin letters."""
    return starts_with_sql("i.value", value, args)
