"""Fellegi-Sunter scoring on the synthetic county: precision, recall, hard cases, EM."""

import random
from pathlib import Path

import pytest

from mpi.block.keys import blocking_keys
from mpi.compare.levels import compare
from mpi.decide import em
from mpi.decide.rules import MATCH, NO_MATCH, Rules, load
from mpi.decide.score import decide
from mpi.evaluate.blocking import candidate_pairs
from mpi.evaluate.truth import Labelled, labelled_patients
from mpi.normalise.patient import Facts, facts
from synthdata.config import SynthConfig
from synthdata.pipeline import generate

Scored = list[tuple[Labelled, Labelled, dict[str, str]]]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> list[Labelled]:
    out = tmp_path_factory.mktemp("county")
    generate(SynthConfig(patients=1000, seed=5, out=out, workers=1, dicom=False), force=True)
    return labelled_patients(Path(out))


@pytest.fixture(scope="module")
def scored(county: list[Labelled]) -> Scored:
    all_facts = [facts(r.resource) for r in county]
    pairs = sorted(candidate_pairs([blocking_keys(f) for f in all_facts], 100))
    return [(county[a], county[b], compare(all_facts[a], all_facts[b])) for a, b in pairs]


def _quality(scored: Scored, rules: Rules) -> tuple[float, float]:
    tp = fp = fn = 0
    for a, b, levels in scored:
        same, matched = a.person == b.person, decide(levels, rules).outcome == MATCH
        tp, fp, fn = (
            tp + (same and matched),
            fp + (matched and not same),
            fn + (same and not matched),
        )
    return tp / (tp + fp), tp / (tp + fn)


def test_bundled_rules_link_precisely_and_completely(scored: Scored) -> None:
    precision, recall = _quality(scored, load())
    assert precision >= 0.99 and recall >= 0.98


def test_twins_are_never_merged(county: list[Labelled], scored: Scored) -> None:
    twins = [
        (a, b, lv)
        for a, b, lv in scored
        if a.person != b.person
        and lv["birth_date"] == "exact"
        and lv["phone"] == "shared"
        and lv["name"] == "family"
    ]
    assert twins, "the county has twins or same-birthday siblings sharing a phone"
    for _, _, levels in twins:
        assert decide(levels, load()).outcome != MATCH


def test_newborn_placeholder_never_matches_the_mother() -> None:
    mother = Facts(
        "410225199212258122",
        None,
        None,
        False,
        "1992-12-25",
        "female",
        ("16636363719",),
        "410225102201",
    )
    newborn = facts(
        {
            "resourceType": "Patient",
            "name": [{"text": "刘永婷之子"}],
            "gender": "male",
            "birthDate": "2024-09-05",
            "telecom": [{"system": "phone", "value": "16636363719"}],
            "identifier": [
                {
                    "system": "http://regional-hie.cn/fhir/sid/mother-resident-id",
                    "value": "410225199212258122",
                }
            ],
        }
    )
    assert newborn.newborn_placeholder and newborn.resident_id is None
    assert decide(compare(mother, newborn), load()).outcome == NO_MATCH


def test_same_name_elderly_neighbours_without_id_are_not_a_match() -> None:
    def neighbour(born: str, phone: str) -> Facts:
        return facts(
            {
                "name": [{"text": "王秀英"}],
                "gender": "female",
                "birthDate": born,
                "telecom": [{"system": "phone", "value": phone}],
                "address": [
                    {
                        "extension": [
                            {
                                "url": "http://regional-hie.cn/fhir/StructureDefinition/administrative-division",
                                "valueCode": "410225102201",
                            }
                        ]
                    }
                ],
            }
        )

    levels = compare(neighbour("1948-03-02", "13912345678"), neighbour("1949-11-20", "13812345670"))
    assert levels["name"] == "exact" and levels["division"] == "village"
    decision = decide(levels, load())
    assert decision.outcome != MATCH  # at most a review for a steward
    assert decision.score < load().match - 4
    assert decision.weights["birth_date"] < 0 and decision.weights["phone"] < 0


def test_em_estimates_probabilities_from_the_data(scored: Scored, county: list[Labelled]) -> None:
    rng = random.Random(1)
    all_facts = [facts(r.resource) for r in county]
    random_vectors = [compare(rng.choice(all_facts), rng.choice(all_facts)) for _ in range(5000)]
    estimated, share = em.estimate([lv for _, _, lv in scored], random_vectors, load())
    assert estimated.version.endswith("+em") and 0 < share < 1
    for levels in estimated.probabilities.values():
        assert sum(m for m, _ in levels.values()) == pytest.approx(1.0, abs=1e-3)
        assert sum(u for _, u in levels.values()) == pytest.approx(1.0, abs=1e-3)
    assert estimated.weight("resident_id", "exact") > 8  # an ID agreement is rare by chance
    assert estimated.weight("phone", "shared") > estimated.weight("gender", "exact")
