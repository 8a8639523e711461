"""Households hold every drawn resident exactly once, numbered in household order."""

from __future__ import annotations

import random

import pytest

from synthdata.population.households import form_households


@pytest.mark.parametrize("count", [1, 5, 20, 30, 1000])
def test_every_resident_lives_in_exactly_one_household(count: int) -> None:
    for seed in range(20):
        homes = form_households(random.Random(seed), count, 500, "H")
        members = [m for home in homes for m in home.members]
        assert sorted(m.index for m in members) == list(range(500, 500 + count))
        assert len({id(m) for m in members}) == count


def test_household_roles() -> None:
    homes = form_households(random.Random(1), 1000, 0, "H")
    for home in homes:
        roles = [m.role for m in home.members]
        assert roles.count("head") <= 1 and roles.count("spouse") <= 1
        if "spouse" in roles:
            head, wife = home.members[0], home.members[1]
            assert head.male and not wife.male
        for child in (m for m in home.members if m.role == "child"):
            assert child.mother == home.members[1].index
