"""How a name gets written wrongly: homophone characters, traditional characters, pinyin.

Homophones come from pypinyin (same syllable, tone ignored) among characters people use in
names, so 张伟 may become 章玮; traditional forms come from OpenCC (陈国华 → 陳國華).
"""

from __future__ import annotations

import random
from functools import cache, lru_cache
from typing import Any

from synthdata.population.names import ERAS, GENERATION_CHARS, SURNAMES

# Characters that also appear in names and can stand in for a homophone.
EXTRA_NAME_CHARS = (
    "玮炜维莉俐立婧晶君均桦宏鸿洪鹃涓侠瑛莹洁捷锋丰风钢纲蕾垒韬滔鸣铭琳凌健剑雁苹晖慧纯"
    "玫修岚蓝钰育智治雯闻永涌雨羽昊皓紫馨鑫丝斯嘉仪宜依萱宣寒晗含臣锐蕊亭庭影琦淇奇祺"
    "波柏恺楷朋彭朝靓评章汪黎柳阳扬邹武伍诸郜贺汤封余俞元原符申鲁路江姜卫韦严颜"
)


@cache
def _homophones() -> dict[str, tuple[str, ...]]:
    from pypinyin import Style, lazy_pinyin

    chars = {c for _, m, f in ERAS for c in m + f}
    chars |= set(GENERATION_CHARS) | set(EXTRA_NAME_CHARS) | {s for s, _ in SURNAMES}
    by_sound: dict[str, list[str]] = {}
    for char in sorted(chars):
        by_sound.setdefault(lazy_pinyin(char, style=Style.NORMAL)[0], []).append(char)
    return {
        c: tuple(o for o in group if o != c)
        for group in by_sound.values()
        for c in group
        if len(group) > 1
    }


def homophone(rng: random.Random, name: str) -> str | None:
    """The name with one character replaced by a homophone, or None if none has one."""
    table = _homophones()
    spots = [i for i, c in enumerate(name) if c in table]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + rng.choice(table[name[i]]) + name[i + 1 :]


@lru_cache(maxsize=65536)
def traditional(text: str) -> str:
    """The text in traditional characters (OpenCC s2t)."""
    return str(_converter().convert(text))


@cache
def _converter() -> Any:
    from opencc import OpenCC

    return OpenCC("s2t")


@lru_cache(maxsize=65536)
def pinyin(text: str) -> str:
    """Capitalised pinyin without tones, syllables of one word joined: 建国 → Jianguo."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(text, style=Style.NORMAL)).capitalize()
