"""Blocking keys of a Patient, computed in Python and stored only as HMAC digests."""

from __future__ import annotations

from fhir_server.search.protect import digest
from mpi.normalise import address, names
from mpi.normalise.patient import Facts


def _plain_keys(f: Facts) -> set[str]:
    keys: set[str] = set()
    if f.resident_id:
        keys.add("id:" + f.resident_id)
    keys.update("ph:" + p for p in f.phones)
    spelt = names.usual_spelling(f.name) if f.name and not f.newborn_placeholder else None
    year = f.birth_date[:4] if f.birth_date else None
    if spelt and f.birth_date:
        keys.add(f"nb:{spelt}:{f.birth_date}")
    if spelt and year:
        keys.add(f"ny:{spelt}:{year}")
    township = address.levels(f.division).get("township") if f.division else None
    if spelt and township:
        keys.add(f"nt:{spelt}:{township}")
    if f.birth_date and f.gender:
        keys.add(f"bg:{f.birth_date}:{f.gender}")
    if spelt and f.gender:
        keys.add(f"ng:{spelt}:{f.gender}")
    return keys


def blocking_keys(f: Facts) -> frozenset[str]:
    """The digested blocking keys of a Patient's facts: no ID number, phone or name in clear."""
    return frozenset(digest(k) for k in _plain_keys(f))
