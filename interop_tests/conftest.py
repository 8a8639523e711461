"""Fixtures for the end-to-end tests: the spec examples stored once per session.

The services and the platform come from the root conftest.py, shared with tests/, so a full
run starts one platform.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from interop_tests.spec_package import RoundTrip, round_trip_all  # noqa: E402

__all__ = ["round_trips"]


@pytest.fixture(scope="session")
def round_trips(fhir_base: str) -> list[RoundTrip]:
    """Every example of the R4 package stored by its own id and read back, once a session."""
    return round_trip_all(fhir_base)
