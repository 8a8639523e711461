"""Resident ID numbers: the MOD 11-2 check character, uniqueness, and what faults do to them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from synthdata import namespaces as ns
from synthdata.population.idcard import IdRegistry, build, check_char, is_valid, to_15_digits
from tests.synthdata.conftest import resources, truth

ID_FAULTS = {"id-typo", "id-transposition", "id-15digit", "id-missing"}


def test_check_character_of_the_standard_example() -> None:
    assert check_char("11010519491231002") == "X"
    assert is_valid("11010519491231002X")
    assert not is_valid("110105194912310021")


def test_order_code_carries_the_sex() -> None:
    born = date(1980, 5, 1)
    man, woman = build("410225", born, True, 0), build("410225", born, False, 0)
    assert int(man[16]) % 2 == 1 and int(woman[16]) % 2 == 0
    assert man[:14] == "41022519800501" and is_valid(man) and is_valid(woman)
    assert to_15_digits(man) == "410225800501" + man[14:17]


def test_registry_never_repeats_a_number() -> None:
    registry = IdRegistry()
    numbers = {registry.assign("410225", date(1990, 1, 1), True) for _ in range(500)}
    assert len(numbers) == 500 and all(is_valid(n) for n in numbers)


def test_residents_have_valid_unique_numbers(county100: Path) -> None:
    people = truth(county100, "persons")
    numbers = [p["idNumber"] for p in people]
    assert len(people) == 100 and len(set(numbers)) == 100
    for person in people:
        number = person["idNumber"]
        assert is_valid(number)
        assert number[6:14] == person["birthDate"].replace("-", "")
        assert int(number[16]) % 2 == (1 if person["sex"] == "male" else 0)


def test_records_show_the_true_number_unless_a_fault_says_otherwise(county100: Path) -> None:
    truth_ids = {p["person"]: p["idNumber"] for p in truth(county100, "persons")}
    records = {(r["system"], r["value"]): r for r in truth(county100, "records")}
    checked = 0
    for patient in resources(county100, "Patient"):
        mrn = patient["identifier"][0]
        record = records[(mrn["system"], mrn["value"])]
        shown = [i["value"] for i in patient["identifier"] if i["system"] == ns.RESIDENT_ID]
        if ID_FAULTS & set(record["faults"]) or "newborn-under-mother" in record["faults"]:
            continue
        assert shown == [truth_ids[record["person"]]]
        assert is_valid(shown[0])
        checked += 1
    assert checked > 150


def test_faultless_county_has_only_valid_numbers(county_faultless: Path) -> None:
    for patient in resources(county_faultless, "Patient"):
        for ident in patient["identifier"]:
            if ident["system"] == ns.RESIDENT_ID:
                assert is_valid(ident["value"])
