"""Data faults: configurable, recorded in the truth, and the truth covers every record."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from synthdata import namespaces as ns
from synthdata.config import DEFAULT_FAULTS, FaultRates
from synthdata.faults import Faulter
from tests.synthdata.conftest import Make, resources, truth


def test_truth_names_the_person_of_every_patient_record(county100: Path) -> None:
    records = {(r["system"], r["value"]): r["person"] for r in truth(county100, "records")}
    people = {p["person"] for p in truth(county100, "persons")}
    patients = resources(county100, "Patient")
    assert len(records) == len(patients)
    for patient in patients:
        mrn = patient["identifier"][0]
        assert mrn["type"]["coding"][0]["code"] == "MR"
        assert records[(mrn["system"], mrn["value"])] in people
    assert len(set(records.values())) >= 95  # a healthy uninsured resident has no record


def test_each_facility_numbers_a_person_once(county100: Path) -> None:
    seen = Counter((r["facility"], r["person"]) for r in truth(county100, "records"))
    assert max(seen.values()) == 1
    facilities_per_person = Counter(r["person"] for r in truth(county100, "records"))
    assert max(facilities_per_person.values()) >= 4


def test_no_faults_at_scale_zero(county_faultless: Path) -> None:
    assert all(
        not r["faults"] or r["faults"] == ["newborn-under-mother"] or r["faults"] == ["id-missing"]
        for r in truth(county_faultless, "records")
    )


def test_every_fault_happens_when_likely(make_county: Make) -> None:
    groups = FaultRates().groups()
    table = {f: (0.9 / len(g),) * 4 for g in groups.values() for f in g}  # each group ~90%
    county = make_county(400, seed=2, faults=FaultRates.from_mapping(table), dicom=False)
    seen = Counter(f for r in truth(county, "records") for f in r["faults"])
    assert set(DEFAULT_FAULTS) <= set(seen), set(DEFAULT_FAULTS) - set(seen)


def test_faults_are_what_they_say(make_county: Make) -> None:
    never, always = (0.0,) * 4, (1.0,) * 4
    table = {
        "name-homophone": never,
        "name-traditional": never,
        "name-pinyin": always,
        "birthdate-swapped": never,
        "birthdate-missing": always,
    }
    county = make_county(60, seed=4, faults=FaultRates.from_mapping(table), dicom=False)
    for patient in resources(county, "Patient"):
        if patient["name"][0]["text"].endswith(("之子", "之女")):
            continue
        assert patient["name"][0]["family"].isascii()
        assert "birthDate" not in patient


def test_fault_groups_exclude_each_other() -> None:
    rates = FaultRates(
        {**DEFAULT_FAULTS, "id-missing": (0.5, 0.5, 0.5, 0.5), "id-typo": (0.5, 0.5, 0.5, 0.5)}
    )
    rng, faulter = random.Random(1), Faulter(rates)
    for _ in range(500):
        drawn = faulter.draw(rng, "village")
        assert len([f for f in drawn if f.startswith("id-")]) == 1


def test_newborns_are_first_recorded_under_their_mother(county_large: Path) -> None:
    county = county_large
    under = [r for r in truth(county, "records") if "newborn-under-mother" in r["faults"]]
    assert under
    mothers = {p["person"]: p for p in truth(county, "persons")}
    patients = {p["identifier"][0]["value"]: p for p in resources(county, "Patient")}
    for record in under:
        patient = patients[record["value"]]
        baby = mothers[record["person"]]
        mother = mothers[baby["mother"]]
        suffix = "之子" if baby["sex"] == "male" else "之女"
        assert patient["name"][0]["text"] == mother["name"] + suffix
        assert {"system": ns.MOTHER_ID, "value": mother["idNumber"]} in patient["identifier"]
        assert patient["birthDate"] == baby["birthDate"]
