"""Generated residents follow the configured pyramid, sex ratio, chronic disease prevalence
and first-contact facility levels, within sampling tolerance."""

from __future__ import annotations

from collections import Counter
from math import sqrt
from pathlib import Path

import pytest

from synthdata import namespaces as ns
from synthdata.population.pyramid import BANDS, band_of, expected_male_share, expected_shares
from synthdata.records.outpatient import LEVEL_SHARES
from synthdata.terminology.clinical import CHRONIC
from tests.synthdata.conftest import LARGE, resources, truth

PATIENTS = LARGE
FIRST_CONTACTS = ("outpatient", "inpatient")  # inpatient without basedOn: admitted directly


@pytest.fixture()
def county(county_large: Path) -> Path:
    return county_large


def _tolerance(p: float, n: int) -> float:
    return max(0.006, 4 * sqrt(p * (1 - p) / n))


def test_age_pyramid(county: Path) -> None:
    people = truth(county, "persons")
    assert len(people) == PATIENTS
    observed = Counter(band_of(p["age"]) for p in people)
    for i, expected in enumerate(expected_shares()):
        share = observed[i] / PATIENTS
        assert abs(share - expected) < _tolerance(expected, PATIENTS), (BANDS[i], share, expected)


def test_sex_ratio(county: Path) -> None:
    people = truth(county, "persons")
    share = sum(p["sex"] == "male" for p in people) / PATIENTS
    assert abs(share - expected_male_share()) < _tolerance(0.5, PATIENTS)


def test_chronic_disease_prevalence(county: Path) -> None:
    people = truth(county, "persons")
    for disease in CHRONIC:
        expected = sum(disease.prevalence(p["age"]) for p in people) / PATIENTS
        observed = sum(disease.key in p["chronic"] for p in people) / PATIENTS
        assert abs(observed - expected) < _tolerance(expected, PATIENTS), disease.key


def test_every_registered_disease_is_a_problem_list_condition(county: Path) -> None:
    people = truth(county, "persons")
    codes = Counter(
        c["code"]["coding"][0]["code"]
        for c in resources(county, "Condition")
        if c["category"][0]["coding"][0]["code"] == "problem-list-item"
    )
    for disease in CHRONIC:
        assert codes[disease.icd10] == sum(disease.key in p["chronic"] for p in people)


def _levels(county: Path) -> dict[str, str]:
    levels = {}
    for org in resources(county, "Organization"):
        for ext in org.get("extension", []):
            if ext["url"] == ns.EXT_FACILITY_LEVEL:
                levels[f"Organization/{org['id']}"] = ext["valueCoding"]["code"]
    return levels


def test_first_contact_levels(county: Path) -> None:
    levels = _levels(county)
    first = [
        levels[e["serviceProvider"]["reference"]]
        for e in resources(county, "Encounter")
        if e["type"][0]["coding"][0]["code"] in FIRST_CONTACTS and "basedOn" not in e
    ]
    assert len(first) > 5000
    observed = Counter(first)
    for level, expected in LEVEL_SHARES.items():
        share = observed[level] / len(first)
        assert abs(share - expected) < _tolerance(expected, len(first)), (level, share)


def test_households(county: Path) -> None:
    people = truth(county, "persons")
    by_id = {p["person"]: p for p in people}
    alone = [p for p in people if p["livesAlone"] and p["age"] >= 65]
    twins = [p for p in people if p["twin"]]
    assert len(alone) > 50 and len(twins) >= 4
    for p in twins:
        assert by_id[p["twin"]]["birthDate"] == p["birthDate"]
        assert by_id[p["twin"]]["household"] == p["household"]
    for p in people:
        if p["mother"]:
            mother = by_id[p["mother"]]
            assert 20 <= mother["age"] - p["age"] <= 41 and mother["sex"] == "female"
    shared = Counter((p["household"], p["phone"]) for p in people if p["phone"])
    assert max(shared.values()) >= 3
