"""Location `near` (R4 search.html#special, SearchParameter Location-near).

The Locations sit around 兰考县 (34.82 N, 114.82 E). Distances were worked out by hand on a
sphere of radius 6371.0088 km, where one degree of a meridian is 111.195 km:
A is the centre (0 km); B, C, E and F lie on its meridian 0.01, 0.045, -0.08 and 0.18
degrees away (1.112, 5.004, 8.896 and 20.015 km); D lies 0.11 degrees east on its parallel
(111.195 * 0.11 * cos 34.82 = 10.04 km); J lies 0.08 degrees north and 0.095 east
(sqrt(8.896^2 + 8.667^2) = 12.42 km), inside the 10 km bounding box (half-height 0.0899,
half-width 0.1095 degrees) but outside the circle; 郑州 Z (34.7466, 113.6253) is about
109.4 km away; G has no position. On the equator, W1 (179.99 E) and W2 (179.99 W) are
0.005 and 0.015 degrees of longitude (0.556 and 1.668 km) from 179.995 E, across the
antimeridian; N1 (89.99 N, 0 E) and N2 (89.99 N, 180 E) are each 1.112 km from the pole.
Encounters: e-near is at Location/B, e-far at Location/Z, e-own at `#loc`, a Location it
contains, at B's position.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query, index_rows
from fhir_server.search.contained import ContainedOptions, find_contained
from fhir_server.search.near import NearValue, bounding_box, parse_near
from fhir_server.storage.migrate import upgrade

from .test_search_sql import search

DATABASE = "search_near"
PLACES: dict[str, tuple[float, float] | None] = {
    "A": (34.82, 114.82), "B": (34.83, 114.82), "C": (34.865, 114.82), "D": (34.82, 114.93),
    "E": (34.74, 114.82), "F": (35.0, 114.82), "J": (34.90, 114.915),
    "Z": (34.7466, 113.6253), "G": None, "W1": (0.0, 179.99), "W2": (0.0, -179.99),
    "N1": (89.99, 0.0), "N2": (89.99, 180.0),
}
NAMES = {"A": "兰考县中心医院", "B": "城关乡卫生院"}
LANKAO = "34.82|114.82"


def _encounter(key: str, location: str, contained: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Encounter", "id": key, "status": "finished",
            "location": [{"location": {"reference": location}}], "contained": contained}


ENCOUNTERS = [_encounter("e-near", "Location/B", []), _encounter("e-far", "Location/Z", []),
              _encounter("e-own", "#loc", [{"resourceType": "Location", "id": "loc",
                                            "position": {"latitude": 34.83,
                                                         "longitude": 114.82}}])]


def _location(key: str) -> dict[str, Any]:
    location: dict[str, Any] = {"resourceType": "Location", "id": key,
                                "name": NAMES.get(key, f"place {key}")}
    point = PLACES[key]
    if point is not None:
        location["position"] = {"latitude": point[0], "longitude": point[1]}
    return location


@pytest.fixture(scope="module")
async def near_db(postgres: str) -> AsyncIterator[asyncpg.Pool]:
    """A database holding only the Locations of PLACES, indexed."""
    admin = await asyncpg.connect(postgres)
    await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    await admin.execute(f"CREATE DATABASE {DATABASE}")
    await admin.close()
    dsn = postgres.rsplit("/", 1)[0] + "/" + DATABASE
    await asyncio.to_thread(upgrade, dsn)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    for resource in [_location(key) for key in PLACES] + ENCOUNTERS:
        rid = await pool.fetchval(
            "INSERT INTO resource (res_type, res_id, version, last_updated, body) "
            "VALUES ($1, $2, 1, now(), $3) RETURNING rid", resource["resourceType"],
            resource["id"], orjson.dumps(resource))
        for table, rows in index_rows(resource).items():
            await pool.copy_records_to_table(table, records=[(rid, *row) for row in rows])
    yield pool
    await pool.close()


WITH_POSITION = set(PLACES) - {"G"}

CASES = [
    (f"Location?near={LANKAO}|2|km", {"A", "B"}),
    (f"Location?near={LANKAO}|0|km", {"A"}),
    (f"Location?near={LANKAO}|5.1|km", {"A", "B", "C"}),
    (f"Location?near={LANKAO}|4.9|km", {"A", "B"}),
    (f"Location?near={LANKAO}|10|km", {"A", "B", "C", "E"}),  # not D (10.04), not J
    (f"Location?near={LANKAO}|10.1|km", {"A", "B", "C", "D", "E"}),
    (f"Location?near={LANKAO}|13|km", {"A", "B", "C", "D", "E", "J"}),
    (f"Location?near={LANKAO}|21|km", {"A", "B", "C", "D", "E", "F", "J"}),
    (f"Location?near={LANKAO}|109|km", {"A", "B", "C", "D", "E", "F", "J"}),
    (f"Location?near={LANKAO}|110|km", {"A", "B", "C", "D", "E", "F", "J", "Z"}),
    # Units: UCUM lengths; km when omitted; without a distance, the server's 10 km.
    (f"Location?near={LANKAO}|2000|m", {"A", "B"}),
    (f"Location?near={LANKAO}|5100|m", {"A", "B", "C"}),
    (f"Location?near={LANKAO}|4000|[ft_i]", {"A", "B"}),  # 1.219 km
    (f"Location?near={LANKAO}|2", {"A", "B"}),
    (f"Location?near={LANKAO}", {"A", "B", "C", "E"}),
    (f"Location?near={LANKAO}||m", {"A", "B", "C", "E"}),
    # OR with a comma, AND with repetition and with other parameters.
    (f"Location?near={LANKAO}|0.5,35.0|114.82|0.5", {"A", "F"}),
    (f"Location?near={LANKAO}|6&near=34.865|114.82|1", {"C"}),  # B is 3.89 km from C
    (f"Location?near={LANKAO}|6&name=兰考", {"A"}),
    (f"Location?near={LANKAO}|6&name=城关", {"B"}),
    ("Location?near:missing=true", {"G"}),
    ("Location?near:missing=false", WITH_POSITION),
    # Across the antimeridian and around the pole.
    ("Location?near=0|179.995|1|km", {"W1"}),
    ("Location?near=0|179.995|2|km", {"W1", "W2"}),
    ("Location?near=0|-179.995|1|km", {"W2"}),
    ("Location?near=90|0|2|km", {"N1", "N2"}),
    ("Location?near=89.99|0|0.5|km", {"N1"}),  # N2 is 0.02 degrees (2.22 km) away
    # Chains, also into the contained Location.
    (f"Encounter?location.near={LANKAO}|2", {"e-near", "e-own"}),
    (f"Encounter?location.near={LANKAO}|1", set()),
    (f"Encounter?location.near={LANKAO}|200", {"e-near", "e-far", "e-own"}),
    ("Encounter?location.near=34.7466|113.6253|1", {"e-far"}),
]


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_near(near_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(near_db, query) == expected


@pytest.mark.integration
async def test_contained_locations_are_found_with_contained_true(near_db: asyncpg.Pool) -> None:
    query = compile_query("Location", [("near", f"{LANKAO}|2")])
    found = await find_contained(near_db, query, ContainedOptions("true", "contained"), 10)
    assert [(m.container.res_id, m.cid) for m in found] == [("e-own", "loc")]
    both = await find_contained(near_db, query, ContainedOptions("both", "contained"), 10)
    assert {(m.container.res_id, m.cid) for m in both} == {
        ("e-own", "loc"), ("A", None), ("B", None)}


def test_position_is_indexed_as_two_numbers() -> None:
    rows = index_rows(_location("A"))["idx_number"]
    assert {(r[1], float(r[2])) for r in rows if r[1].startswith("near.")} == {
        ("near.latitude", 34.82), ("near.longitude", 114.82)}
    assert not [r for r in index_rows(_location("G"))["idx_number"]
                if r[1].startswith("near.")]


def test_parse_units_and_defaults() -> None:
    assert parse_near("34.82|114.82|2500|m") == NearValue(34.82, 114.82, 2.5)
    assert parse_near("34.82|114.82|3") == NearValue(34.82, 114.82, 3.0)
    assert parse_near("-90|-180") == NearValue(-90.0, -180.0, 10.0)


def test_bounding_box() -> None:
    # 111.195 km is one degree of latitude; at the equator also one of longitude.
    box = bounding_box(NearValue(0, 0, 111.1950802335329))
    assert (round(box.south, 6), round(box.north, 6)) == (-1, 1)
    assert box.west is not None and box.east is not None
    assert (round(box.west, 6), round(box.east, 6)) == (-1, 1)
    wrapped = bounding_box(NearValue(0, 179.5, 111.1950802335329))
    assert wrapped.west is not None and wrapped.east is not None
    assert (round(wrapped.west, 6), round(wrapped.east, 6)) == (178.5, -179.5)
    polar = bounding_box(NearValue(89.5, 10, 111.1950802335329))
    assert (polar.north, polar.west, polar.east) == (90, None, None)


@pytest.mark.parametrize("value", [
    "abc|114.82", "91|0", "0|181", "34.82", "34.82|114.82|5|km|x", "34.82|114.82|-1",
    "34.82|114.82|5|lbs", "34.82|114.82|5|s", "34.82|114.82|x|km", "34.82|114.82,", "|114",
])
def test_malformed_values_are_a_400(value: str) -> None:
    with pytest.raises(FhirError) as error:
        compile_query("Location", [("near", value)])
    assert error.value.status == 400


@pytest.mark.parametrize(("resource_type", "name", "value"), [
    ("Patient", "near", LANKAO), ("Location", "near:exact", LANKAO),
    ("Location", "near:missing", "maybe"),
])
def test_misplaced_near_is_a_400(resource_type: str, name: str, value: str) -> None:
    with pytest.raises(FhirError) as error:
        compile_query(resource_type, [(name, value)])
    assert error.value.status == 400
