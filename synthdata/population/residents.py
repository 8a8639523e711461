"""Residents with names, phones and addresses, made from a household skeleton.

Children take the father's surname and share a generation character; wives keep their own
surnames. Phones are shared: children and many elderly give a parent's or child's number,
and some elderly living alone give a relative's number from outside the county.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from synthdata.county.villages import Village
from synthdata.population import names
from synthdata.population.households import Household, Member

MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "182",
    "185",
    "186",
    "187",
    "188",
)
STREETS = (
    "裕禄大道",
    "中山街",
    "兰阳路",
    "五一路",
    "黄河路",
    "考城路",
    "济阳路",
    "民主路",
    "建设路",
)
PHONE_MULTIPLIER = 7_919_317  # odd and not a multiple of 5: a bijection modulo 10**8


@dataclass(slots=True)
class Resident:
    """A resident as the truth knows them: the facts each facility records, maybe wrongly."""

    member: Member
    household: str
    village: Village
    family: str
    given: str
    phone: str | None
    old_phone: str
    house: str

    @property
    def pid(self) -> str:
        """The person's id in the truth files."""
        return f"P{self.member.index:07d}"

    @property
    def name(self) -> str:
        """The full name as written in Chinese: surname then given name."""
        return self.family + self.given


def phone_number(index: int, salt: int) -> str:
    """A mobile number that no other index gets for the same salt."""
    prefix = MOBILE_PREFIXES[(index + salt) % len(MOBILE_PREFIXES)]
    return f"{prefix}{(index * PHONE_MULTIPLIER + salt * 104_729) % 100_000_000:08d}"


def _own_phone(rng: random.Random, member: Member) -> bool:
    if member.age < 16:
        return False
    return rng.random() < (0.85 if member.age < 70 else 0.4)


def _surnames(rng: random.Random, household: Household, village: Village) -> list[str]:
    clan = 0.0 if village.community else 0.35
    head = names.surname(rng, village.surname, clan)
    result = []
    for m in household.members:
        paternal = m.role in ("head", "child", "grandchild") or (m.role == "parent" and m.male)
        result.append(head if paternal else names.surname(rng, village.surname, clan / 2))
    return result


def _given_names(rng: random.Random, household: Household) -> list[str]:
    generations = {role: names.generation_char(rng) for role in ("child", "grandchild")}
    result = []
    for m in household.members:
        generation = generations.get(m.role) or names.generation_char(rng)
        result.append(names.given_name(rng, m.birth.year, m.male, generation))
    return result


def _house(rng: random.Random, village: Village) -> str:
    if village.community:
        return f"{rng.choice(STREETS)}{rng.randint(1, 300)}号"
    return f"{rng.randint(1, 260)}号"


def make_residents(
    rng: random.Random, household: Household, village: Village, salt: int
) -> list[Resident]:
    """The household's residents, in member order."""
    own = [phone_number(m.index, salt) if _own_phone(rng, m) else None for m in household.members]
    shared = next((p for p in own if p is not None), None)
    house = _house(rng, village)
    result = []
    for m, family, given, phone in zip(
        household.members,
        _surnames(rng, household, village),
        _given_names(rng, household),
        own,
        strict=True,
    ):
        if phone is None:
            phone = shared
        if phone is None and m.age >= 60 and rng.random() < 0.7:
            phone = phone_number(m.index, salt + 7)  # a child's number, working elsewhere
        old = phone_number(m.index, salt + 13)
        result.append(Resident(m, household.code, village, family, given, phone, old, house))
    return result
