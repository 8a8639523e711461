"""Villages (行政村) and urban communities (社区) of each division, scaled with county size.

Real 12-digit village codes and names are not bundled here, so they are derived
systematically: a division's communities get codes `<division>001`, `<division>002`, … and
its villages `<division>201`, `<division>202`, … (the 0xx/2xx split of the statistical
codes); village names follow the county's naming pattern (a clan surname plus 庄, 寨, 楼,
集, 营, …), and each village's dominant surname is the one in its name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from synthdata.config import FULL_POPULATION, FULL_VILLAGE_CLINICS
from synthdata.county.divisions import DIVISIONS, Division

SUFFIXES = "庄寨楼集营屯岗店铺园湾洼堂口"
DIRECTIONS = ("", "东", "西", "南", "北", "前", "后", "大", "小")
CLAN_SURNAMES = "张王李刘赵杨陈郭孙周朱胡高宋韩冯程曹魏许孟牛贾田范吕丁崔杜袁董闫秦史姚焦"
COMMUNITY_NAMES = (
    "东城",
    "西关",
    "南街",
    "北街",
    "新华",
    "人民路",
    "车站",
    "中山",
    "建设",
    "文化",
    "裕禄",
    "黄河",
    "五一",
    "商贸",
    "金华",
    "光明",
    "团结",
    "幸福",
    "和平",
    "兴兰",
)


@dataclass(frozen=True, slots=True)
class Village:
    """A village or urban community: where households live and a clinic serves."""

    index: int
    code: str
    name: str
    division: Division
    community: bool
    surname: str
    weight: float


def village_count(patients: int) -> int:
    """Village clinics scale with the county: ~630 at full size, at least one per division."""
    return max(len(DIVISIONS), round(FULL_VILLAGE_CLINICS * patients / FULL_POPULATION))


def build_villages(seed: int, patients: int) -> tuple[Village, ...]:
    """All villages, divisions in code order, each division's share by its population."""
    rng = random.Random(f"{seed}:villages")
    total = sum(d.population for d in DIVISIONS)
    wanted = village_count(patients)
    counts = [max(1, round(wanted * d.population / total)) for d in DIVISIONS]
    villages: list[Village] = []
    for division, count in zip(DIVISIONS, counts, strict=True):
        villages.extend(_division_villages(rng, division, count, len(villages)))
    return tuple(villages)


def _division_villages(
    rng: random.Random, division: Division, count: int, start: int
) -> list[Village]:
    communities = min(count, max(1, count // 3), len(COMMUNITY_NAMES)) if division.urban else 0
    share = division.population / count
    used: set[str] = set()
    result: list[Village] = []
    for i in range(count):
        community = i < communities
        if community:
            name = f"{COMMUNITY_NAMES[i % len(COMMUNITY_NAMES)]}社区"
            code = f"{division.code}{i + 1:03d}"
            surname = rng.choice(CLAN_SURNAMES)
        else:
            surname, name = _village_name(rng, used)
            code = f"{division.code}{201 + i - communities:03d}"
        used.add(name)
        weight = share * rng.uniform(0.6, 1.4)
        result.append(Village(start + i, code, name, division, community, surname, weight))
    return result


def _village_name(rng: random.Random, used: set[str]) -> tuple[str, str]:
    while True:
        surname = rng.choice(CLAN_SURNAMES)
        name = f"{rng.choice(DIRECTIONS)}{surname}{rng.choice(SUFFIXES)}村"
        if name not in used or len(used) > 5000:
            return surname, name
