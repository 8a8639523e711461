"""Chinese personal names: surnames by frequency, given names by era and sex, generation names.

Surname weights approximate Henan's frequencies (张, 王 and 李 each ~7%). Given-name
characters follow the fashions of each birth era; brothers (and often sisters) share a
generation character (字辈) that older rural families still use.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.8),
    ("张", 7.5),
    ("李", 7.2),
    ("刘", 5.5),
    ("陈", 3.5),
    ("杨", 3.0),
    ("赵", 2.5),
    ("郭", 2.0),
    ("孙", 1.8),
    ("周", 1.5),
    ("马", 1.3),
    ("朱", 1.3),
    ("吴", 1.2),
    ("徐", 1.2),
    ("胡", 1.2),
    ("高", 1.2),
    ("宋", 1.0),
    ("韩", 0.9),
    ("冯", 0.8),
    ("程", 0.8),
    ("郑", 0.8),
    ("魏", 0.8),
    ("曹", 0.7),
    ("许", 0.7),
    ("孟", 0.7),
    ("何", 0.6),
    ("牛", 0.6),
    ("贾", 0.6),
    ("田", 0.6),
    ("闫", 0.6),
    ("黄", 0.6),
    ("谢", 0.5),
    ("范", 0.5),
    ("吕", 0.5),
    ("丁", 0.5),
    ("崔", 0.5),
    ("杜", 0.5),
    ("董", 0.5),
    ("袁", 0.4),
    ("秦", 0.4),
    ("史", 0.4),
    ("姚", 0.4),
    ("苏", 0.4),
    ("梁", 0.4),
    ("侯", 0.4),
    ("任", 0.4),
    ("卢", 0.3),
    ("蒋", 0.3),
    ("蔡", 0.3),
    ("罗", 0.3),
    ("邵", 0.3),
    ("薛", 0.3),
    ("雷", 0.3),
    ("焦", 0.3),
    ("常", 0.3),
    ("武", 0.3),
    ("付", 0.3),
    ("代", 0.2),
    ("岳", 0.2),
    ("申", 0.2),
    ("葛", 0.2),
    ("林", 0.2),
    ("于", 0.2),
)
_SURNAME_CUM = tuple(accumulate(w for _, w in SURNAMES))

# (first birth year of the era, male characters, female characters)
ERAS: tuple[tuple[int, str, str], ...] = (
    (
        1900,
        "德福贵富有长广保金宝庆忠义成全生山林春发明田学文顺海",
        "秀英兰桂珍凤荣梅玉花芝云翠巧香娥琴",
    ),
    (
        1960,
        "建军国华伟红卫东志新海强平明勇刚峰民林庆杰涛胜利",
        "红霞丽敏静艳燕芳娟萍玲秀梅琴英华莉君",
    ),
    (1980, "伟磊涛鹏超杰亮帅浩飞龙斌辉宁波强俊博阳峰鑫坤", "静丽娜敏倩婷莹晶丹雪洁颖佳琳璐欢蕾楠"),
    (
        2000,
        "子浩宇轩梓睿博文一晨铭泽辰航俊凯然豪嘉祥奕锦",
        "子梓欣涵萱怡雨思佳诺可琪悦妍彤语心瑶汐",
    ),
)
GENERATION_CHARS = "德福金玉长传家国永庆世宗广文明志学建新春振兴俊子"
# Probability that a given name is two characters, and that it uses the generation char.
TWO_CHARS = (0.80, 0.60, 0.50, 0.85)
USES_GENERATION = (0.70, 0.55, 0.35, 0.20)


def surname(rng: random.Random, clan: str | None = None, clan_share: float = 0.0) -> str:
    """A surname by frequency, or the village's clan surname with probability clan_share."""
    if clan is not None and rng.random() < clan_share:
        return clan
    return SURNAMES[bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])][0]


def era_of(birth_year: int) -> int:
    """Index of the naming era of a birth year."""
    return max(i for i, era in enumerate(ERAS) if birth_year >= era[0])


def generation_char(rng: random.Random) -> str:
    """A family's generation character for one generation."""
    return rng.choice(GENERATION_CHARS)


def given_name(rng: random.Random, birth_year: int, male: bool, generation: str) -> str:
    """A given name for someone born in `birth_year`, maybe with the generation char."""
    era = era_of(birth_year)
    pool = ERAS[era][1] if male else ERAS[era][2]
    if rng.random() >= TWO_CHARS[era]:
        return rng.choice(pool)
    share = USES_GENERATION[era] * (1.0 if male else 0.5)
    first = generation if rng.random() < share else rng.choice(pool)
    second = rng.choice(pool)
    while second == first:
        second = rng.choice(pool)
    return first + second
