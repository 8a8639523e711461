"""Blocking on a small synthetic county, measured against its truth files."""

from pathlib import Path

import pytest

from fhir_server.search.protect import DIGEST_PREFIX
from mpi.block.keys import blocking_keys
from mpi.evaluate.blocking import candidate_pairs, measure
from mpi.evaluate.truth import Labelled, labelled_patients
from mpi.normalise.patient import facts
from synthdata.config import SynthConfig
from synthdata.pipeline import generate


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> list[Labelled]:
    out = tmp_path_factory.mktemp("county")
    generate(SynthConfig(patients=1000, seed=3, out=out, workers=1, dicom=False), force=True)
    return labelled_patients(Path(out))


def test_every_patient_is_labelled(county: list[Labelled]) -> None:
    assert len(county) > 2000  # several facilities per resident
    assert len({r.person for r in county}) > 900


def test_blocking_finds_the_true_pairs_and_spares_the_rest(county: list[Labelled]) -> None:
    keys = [blocking_keys(facts(r.resource)) for r in county]
    quality = measure(county, candidate_pairs(keys, max_block=100))
    assert quality.true_pairs > 2000
    assert quality.pairs_completeness >= 0.995
    assert quality.reduction_ratio >= 0.995


def test_keys_hold_no_id_number_phone_or_name_in_clear(county: list[Labelled]) -> None:
    for record in county[:200]:
        f = facts(record.resource)
        for key in blocking_keys(f):
            assert key.startswith(DIGEST_PREFIX)
            for secret in (f.resident_id, *f.phones):
                assert secret is None or secret not in key


def test_newborn_under_the_mother_id_is_a_placeholder(county: list[Labelled]) -> None:
    newborns = [r for r in county if "newborn-under-mother" in r.faults]
    assert newborns
    for record in newborns:
        f = facts(record.resource)
        assert f.newborn_placeholder and f.mother_id and f.resident_id is None
