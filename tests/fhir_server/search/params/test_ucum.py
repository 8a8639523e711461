"""Canonical UCUM units: index rows and query comparisons across units."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from fhir_server.search.params import quantity, ucum

from ..test_search_sql import search

UCUM = ucum.SYSTEM


def test_known_unit_gets_a_canonical_row() -> None:
    rows = quantity.index_values({"value": 185, "system": UCUM, "code": "[lb_av]"}, "Quantity")
    assert rows == [(UCUM, "[lb_av]", Decimal(185)),
                    (ucum.CANONICAL_SYSTEM, "g", Decimal("83914.58845"))]


def test_unknown_unit_or_other_system_has_no_canonical_row() -> None:
    assert len(quantity.index_values({"value": 1, "system": UCUM, "code": "{score}"},
                                     "Quantity")) == 1
    assert len(quantity.index_values({"value": 1, "system": "urn:x", "code": "kg"},
                                     "Quantity")) == 1


def test_conversions() -> None:
    assert ucum.canonical("mg/dL", Decimal(90)) == ("g/L", Decimal("0.90"))
    assert ucum.canonical("mmol/L", Decimal("5.6")) == ("mol/L", Decimal("0.0056"))
    assert ucum.canonical("mm[Hg]", Decimal(1)) == ("Pa", Decimal("133.322387415"))


def test_temperatures_are_affine() -> None:
    # 36.5 Cel = 309.65 K; 212 [degF] = 100 Cel = 373.15 K; -40 [degF] = -40 Cel.
    assert ucum.canonical("Cel", Decimal("36.5")) == ("K", Decimal("309.65"))
    found = ucum.canonical("[degF]", Decimal(212))
    assert found is not None and abs(found[1] - Decimal("373.15")) < Decimal("1e-20")
    minus_forty = ucum.canonical("[degF]", Decimal(-40))
    assert minus_forty is not None
    assert abs(minus_forty[1] - Decimal("233.15")) < Decimal("1e-20")
    assert ucum.factor("Cel") is None  # not a multiplicative unit


# Observation/example (R4 examples) is a body weight of 185 [lb_av] = 83.91458845 kg.
@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), [
    # 185 [lb_av] = 83.91 kg: found in kg, g and lb; 83.9 kg with precision 0.05 kg.
    (f"Observation?_id=example&value-quantity=gt80|{UCUM}|kg", {"example"}),
    (f"Observation?_id=example&value-quantity=lt84000|{UCUM}|g", {"example"}),
    (f"Observation?_id=example&value-quantity=83.9|{UCUM}|kg", {"example"}),
    (f"Observation?_id=example&value-quantity=84.0|{UCUM}|kg", set()),
    (f"Observation?_id=example&value-quantity=185|{UCUM}|[lb_av]", {"example"}),
    (f"Observation?_id=example&value-quantity=gt90|{UCUM}|kg", set()),
    # No system: stored values only, never the canonical rows (83914 g is not "83914").
    ("Observation?_id=example&value-quantity=185", {"example"}),
    ("Observation?_id=example&value-quantity=ge83000", set()),
])
async def test_search_across_units(examples_db: asyncpg.Pool, query: str,
                                   expected: set[str]) -> None:
    assert await search(examples_db, query) == expected
