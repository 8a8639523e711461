"""Households formed from residents drawn off the pyramid, so ages and sexes follow it exactly.

Residents are drawn first (with twins), then matched: men marry women a little younger,
children join a couple whose wife is 20–40 years older (or their grandparents, as the
children of migrant workers do), some widowed elderly join a son's household and the rest
live alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from synthdata.county.divisions import BIRTHPLACES, COUNTY_CODE
from synthdata.population.pyramid import birth_date, sample_age_sex

TWIN_RATE = 0.012
MAX_CHILDREN = 3
# How many children a couple can take in: rural Henan families have one to three.
CHILDREN_ROOM = (1, 1, 1, 2, 2, 2, 2, 3, 3, 3)


@dataclass(slots=True)
class Member:
    """One resident as the household skeleton knows them (names come later)."""

    male: bool
    birth: date
    age: int
    birthplace: str = COUNTY_CODE
    role: str = "single"
    index: int = -1
    id_number: str = ""
    twin: int = -1
    mother: int = -1


@dataclass(slots=True)
class Household:
    """People living together; `village` is the index of the village they live in."""

    code: str
    members: list[Member] = field(default_factory=list)
    village: int = -1


def draw_members(rng: random.Random, count: int) -> list[Member]:
    """`count` residents off the pyramid; a child is sometimes followed by a twin."""
    people: list[Member] = []
    while len(people) < count:
        age, male = sample_age_sex(rng)
        person = Member(male, birth_date(rng, age), age, _birthplace(rng, age, male))
        people.append(person)
        if age < 18 and len(people) < count and rng.random() < TWIN_RATE:
            twin_male = male if rng.random() < 0.6 else not male
            people.append(Member(twin_male, person.birth, age, person.birthplace))
    return people


def _birthplace(rng: random.Random, age: int, male: bool) -> str:
    share = 0.0 if age < 20 else (0.03 if male else 0.2)
    if rng.random() >= share:
        return COUNTY_CODE
    return rng.choices([c for c, _ in BIRTHPLACES], [w for _, w in BIRTHPLACES])[0]


def _married(rng: random.Random, age: int) -> bool:
    for limit, share in ((20, 0.0), (24, 0.35), (29, 0.75), (59, 0.93), (69, 0.85), (79, 0.7)):
        if age <= limit:
            return rng.random() < share
    return rng.random() < 0.45


def _take_near(buckets: dict[int, list[Member]], target: int, spread: int) -> Member | None:
    for step in range(spread + 1):
        for age in {target - step, target + step}:
            bucket = buckets.get(age)
            if bucket:
                return bucket.pop()
    return None


def _pair(rng: random.Random, people: list[Member]) -> list[list[Member]]:
    women: dict[int, list[Member]] = {}
    for p in people:
        if not p.male and p.age >= 20:
            women.setdefault(p.age, []).append(p)
    men = [p for p in people if p.male and p.age >= 21]
    rng.shuffle(men)
    couples: list[list[Member]] = []
    for man in men:
        if not _married(rng, man.age):
            continue
        wife = _take_near(women, man.age - max(-2, round(rng.gauss(2, 2))), 8)
        if wife is not None:
            man.role, wife.role = "head", "spouse"
            couples.append([man, wife])
    return couples


class _Homes:
    """Couples bucketed by the wife's (or husband's) age, each with room for more people."""

    def __init__(
        self, rng: random.Random, couples: list[list[Member]], by: int, rooms: tuple[int, ...]
    ) -> None:
        self.buckets: dict[int, list[list[Member]]] = {}
        self.room = {id(c): rng.choice(rooms) for c in couples}
        for couple in couples:
            self.buckets.setdefault(couple[by].age, []).append(couple)

    def find(self, rng: random.Random, low: int, high: int) -> list[Member] | None:
        """A couple aged low..high with room left, nearest to a random age in that range."""
        target = rng.randint(low, high)
        for step in range(high - low + 1):
            for age in {target - step, target + step}:
                if not low <= age <= high:
                    continue
                bucket = self.buckets.get(age)
                while bucket:
                    i = rng.randrange(len(bucket))
                    home = bucket[i]
                    if self.room[id(home)] > 0:
                        self.room[id(home)] -= 1
                        return home
                    bucket[i] = bucket[-1]
                    bucket.pop()
        return None


def _units(rng: random.Random, people: list[Member]) -> list[list[Member]]:
    """Children (and unmarried young adults living with parents), twins kept together."""
    units: list[list[Member]] = []
    for i, p in enumerate(people):
        if p.role != "single" or (units and units[-1][-1] is p):
            continue
        if p.age < 18 or (p.age < 30 and rng.random() < 0.65):
            twin = people[i + 1] if i + 1 < len(people) else None
            same = twin is not None and twin.birth == p.birth and twin.age < 18 and p.age < 18
            units.append([p, twin] if same and twin is not None else [p])
    return units


def _settle_children(
    rng: random.Random, couples: list[list[Member]], units: list[list[Member]]
) -> list[list[Member]]:
    homes: list[list[Member]] = []
    parents = _Homes(rng, couples, 1, CHILDREN_ROOM)
    grandparents = _Homes(rng, couples, 1, (MAX_CHILDREN,))
    for unit in units:
        age = unit[0].age
        home, role = parents.find(rng, age + 20, age + 40), "child"
        if home is None:
            home, role = grandparents.find(rng, age + 41, age + 70), "grandchild"
        if home is None:  # only in tiny counties: no couple of a fitting age
            for child in unit:
                child.role = "ward"
            homes.append(unit)
            continue
        for child in unit:
            child.role = role
            child.mother = -2 if role == "child" else -1  # -2: the home's wife, resolved later
        home.extend(unit)
    return homes


def _settle_elderly(
    rng: random.Random, couples: list[list[Member]], people: list[Member]
) -> list[list[Member]]:
    alone: list[list[Member]] = []
    sons = _Homes(rng, couples, 0, (1,))
    for p in people:
        if p.role != "single":
            continue
        if p.age >= 60 and rng.random() < 0.55:
            home = sons.find(rng, p.age - 40, p.age - 20)
            if home is not None:
                p.role = "parent"
                home.append(p)
                continue
        alone.append([p])
    return alone


def form_households(
    rng: random.Random, count: int, start_index: int, prefix: str
) -> list[Household]:
    """`count` residents in households, numbered from `start_index` in household order."""
    people = draw_members(rng, count)
    couples = _pair(rng, people)
    orphans = _settle_children(rng, couples, _units(rng, people))
    groups = couples + orphans + _settle_elderly(rng, couples, people)
    rng.shuffle(groups)
    households: list[Household] = []
    index = start_index
    for n, group in enumerate(groups):
        group.sort(key=_order)
        for member in group:
            member.index, index = index, index + 1
        _link(group)
        households.append(Household(f"{prefix}{n:04d}", group))
    return households


def _order(m: Member) -> tuple[int, int]:
    rank = {
        "head": 0,
        "spouse": 1,
        "parent": 2,
        "single": 3,
        "child": 4,
        "grandchild": 5,
        "ward": 6,
    }
    return rank.get(m.role, 6), -m.age


def _link(group: list[Member]) -> None:
    """Point children at their mother and twins at each other, by global index."""
    wife = next((m for m in group if m.role == "spouse"), None)
    for i, m in enumerate(group):
        if m.mother == -2:
            m.mother = wife.index if wife is not None else -1
        for other in group[i + 1 :]:
            if other.birth == m.birth and m.age < 18 and other.role == m.role:
                m.twin, other.twin = other.index, m.index
