"""Data faults: what one facility's Patient record gets wrong about a resident.

Each fault group (id, name, birthdate, phone, address) damages a record at most once, with
the probabilities of `FaultRates` for the facility's level. A fault that cannot apply (no
homophone for any character, a day above 12 to swap, …) is not recorded: the truth file
lists exactly the faults a record carries.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from synthdata.config import LEVELS, FaultRates
from synthdata.population import idcard, spelling
from synthdata.population.residents import Resident

Fault = Callable[[random.Random, "Shown", Resident], bool]


@dataclass(slots=True)
class Shown:
    """A resident as one facility recorded them."""

    family: str
    given: str
    pinyin: bool
    id_number: str | None
    birth: date | None
    birth_swapped: bool
    phone: str | None
    address: str
    faults: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The name as one string: 张伟, or Zhang Wei in pinyin."""
        return f"{self.family} {self.given}" if self.pinyin else self.family + self.given


class Faulter:
    """Draws and applies faults; cumulative tables are built once per level."""

    def __init__(self, rates: FaultRates) -> None:
        self.tables: dict[str, list[list[tuple[str, float]]]] = {}
        for level in LEVELS:
            groups = []
            for members in rates.groups().values():
                total, table = 0.0, []
                for fault in members:
                    total += rates.rate(fault, level)
                    table.append((fault, total))
                groups.append(table)
            self.tables[level] = groups

    def draw(self, rng: random.Random, level: str) -> list[str]:
        """The faults a new record at a facility of `level` will carry (before applying)."""
        chosen = []
        for table in self.tables[level]:
            r = rng.random()
            for fault, cumulative in table:
                if r < cumulative:
                    chosen.append(fault)
                    break
        return chosen

    def shown(self, rng: random.Random, level: str, resident: Resident) -> Shown:
        """The resident as a new record at a facility of `level` shows them."""
        m = resident.member
        shown = Shown(
            resident.family,
            resident.given,
            False,
            m.id_number,
            m.birth,
            False,
            resident.phone,
            "full",
        )
        for fault in self.draw(rng, level):
            if APPLY[fault](rng, shown, resident):
                shown.faults.append(fault)
        return shown


def _id_missing(rng: random.Random, s: Shown, r: Resident) -> bool:
    s.id_number = None
    return True


def _id_typo(rng: random.Random, s: Shown, r: Resident) -> bool:
    number = r.member.id_number
    i = rng.randrange(17)
    digit = rng.choice([d for d in "0123456789" if d != number[i]])
    s.id_number = number[:i] + digit + number[i + 1 :]
    return True


def _id_transposition(rng: random.Random, s: Shown, r: Resident) -> bool:
    number = r.member.id_number
    spots = [i for i in range(6, 16) if number[i] != number[i + 1]]
    if not spots:
        return False
    i = rng.choice(spots)
    s.id_number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    return True


def _id_15digit(rng: random.Random, s: Shown, r: Resident) -> bool:
    if r.member.birth.year >= 1990:
        return False
    s.id_number = idcard.to_15_digits(r.member.id_number)
    return True


def _name_homophone(rng: random.Random, s: Shown, r: Resident) -> bool:
    changed = spelling.homophone(rng, r.name)
    if changed is None:
        return False
    s.family, s.given = changed[: len(r.family)], changed[len(r.family) :]
    return True


def _name_traditional(rng: random.Random, s: Shown, r: Resident) -> bool:
    family, given = spelling.traditional(r.family), spelling.traditional(r.given)
    if family + given == r.name:
        return False
    s.family, s.given = family, given
    return True


def _name_pinyin(rng: random.Random, s: Shown, r: Resident) -> bool:
    s.family, s.given, s.pinyin = spelling.pinyin(r.family), spelling.pinyin(r.given), True
    return True


def _birth_swapped(rng: random.Random, s: Shown, r: Resident) -> bool:
    b = r.member.birth
    if b.day > 12 or b.day == b.month:
        return False
    s.birth, s.birth_swapped = date(b.year, b.day, b.month), True
    return True


def _birth_missing(rng: random.Random, s: Shown, r: Resident) -> bool:
    s.birth = None
    return True


def _phone_changed(rng: random.Random, s: Shown, r: Resident) -> bool:
    if r.phone is None:
        return False
    s.phone = r.old_phone
    return True


def _phone_missing(rng: random.Random, s: Shown, r: Resident) -> bool:
    if r.phone is None:
        return False
    s.phone = None
    return True


def _address(granularity: str) -> Fault:
    def apply(rng: random.Random, s: Shown, r: Resident) -> bool:
        s.address = granularity
        return True

    return apply


APPLY: dict[str, Fault] = {
    "id-missing": _id_missing,
    "id-typo": _id_typo,
    "id-transposition": _id_transposition,
    "id-15digit": _id_15digit,
    "name-homophone": _name_homophone,
    "name-traditional": _name_traditional,
    "name-pinyin": _name_pinyin,
    "birthdate-swapped": _birth_swapped,
    "birthdate-missing": _birth_missing,
    "phone-changed": _phone_changed,
    "phone-missing": _phone_missing,
    "address-village": _address("village"),
    "address-township": _address("township"),
    "address-county": _address("county"),
    "address-missing": _address("missing"),
}
