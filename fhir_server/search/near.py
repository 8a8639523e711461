"""Location `near` (FHIR R4 search.html#special, SearchParameter Location-near).

`near=[latitude]|[longitude]|[distance]|[units]` finds Locations whose `position` lies
within the distance of the point (WGS84 degrees). Units are a UCUM length (default km); a
missing distance is the server's choice, `DEFAULT_DISTANCE_KM`. Latitude and longitude are
indexed in idx_number as `near.latitude` and `near.longitude`; a search first narrows the
candidates to the circle's bounding box on that index, then keeps those whose great-circle
(haversine) distance on a sphere of the Earth's mean radius is within the distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from fhir_server.errors import bad_request
from fhir_server.search.escaping import split_unescaped, unescape
from fhir_server.search.params import number, ucum
from fhir_server.search.registry import registry
from fhir_server.search.sql import SqlArgs

if TYPE_CHECKING:
    from fhir_server.search.extract import Compiled
    from fhir_server.search.query import ClauseCompiler

CODE = "near"
BASE = "Location"
LATITUDE = "near.latitude"
LONGITUDE = "near.longitude"
TABLE = number.TABLE
EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
DEFAULT_DISTANCE_KM = 10.0  # R4: without a distance "the server can use its own discretion"
# The box is widened by this much (degrees) so float rounding never drops a point on its
# edge; the exact distance test decides.
_MARGIN = 1e-9
_COORDINATES = {LATITUDE: "Location.position.latitude", LONGITUDE: "Location.position.longitude"}


def coordinates(resource_type: str) -> list[tuple[str, Compiled]]:
    """The index codes and compiled extractors of the coordinates `near` searches, for the
    write path (idx_number rows); none for types other than Location."""
    if resource_type != BASE:
        return []
    key = ("near-coordinates", resource_type)
    cache = registry().derived
    if key not in cache:
        # imported here: extract needs the params package loaded first (import cycle)
        from fhir_server.search.extract import compile_expression

        cache[key] = [(code, compile_expression(expression, resource_type))
                      for code, expression in _COORDINATES.items()]
    found: list[tuple[str, Compiled]] = cache[key]
    return found


# --- the query -----------------------------------------------------------------------------

def defines(resource_type: str, code: str) -> bool:
    """Whether `code` is this special parameter on resource_type (for chains, which look
    parameters up in the registry, where special parameters are not)."""
    return code == CODE and resource_type == BASE


@dataclass(frozen=True, slots=True)
class NearValue:
    """A parsed `near` value: the point in degrees and the distance in kilometres."""

    latitude: float
    longitude: float
    distance_km: float


def _decimal(text: str, what: str, low: float, high: float) -> float:
    try:
        found = Decimal(unescape(text))
    except InvalidOperation:
        found = Decimal("NaN")
    if not found.is_finite() or not low <= found <= high:
        raise bad_request(f"near: the {what} must be a number from {low:g} to {high:g}, "
                          f"not '{text}'")
    return float(found)


def _kilometres(distance: str, units: str) -> float:
    """The distance in km; units a UCUM length code (km when omitted)."""
    if not distance:
        return DEFAULT_DISTANCE_KM
    value = _decimal(distance, "distance", 0, math.inf)
    unit = unescape(units) or "km"
    factor = ucum.factor(unit)
    if factor is None or factor[0] != "m":
        raise bad_request(f"near: '{unit}' is not a UCUM length unit (e.g. km, m)")
    return value * float(factor[1]) / 1000


def parse_near(text: str) -> NearValue:
    """`latitude|longitude[|distance[|units]]`; a 400 when malformed or out of range."""
    parts = split_unescaped(text, "|")
    if not 2 <= len(parts) <= 4:
        raise bad_request(f"near must be latitude|longitude|distance|units, not '{text}'")
    distance, units = (parts[2:] + ["", ""])[:2]
    return NearValue(_decimal(parts[0], "latitude", -90, 90),
                     _decimal(parts[1], "longitude", -180, 180), _kilometres(distance, units))


@dataclass(frozen=True, slots=True)
class Box:
    """Bounding coordinates of a circle on the sphere (degrees). When the circle crosses
    the antimeridian, west > east and the longitudes wrap; None longitudes: all of them."""

    south: float
    north: float
    west: float | None
    east: float | None


def bounding_box(value: NearValue) -> Box:
    """The smallest latitude/longitude box holding every point within the distance.

    The longitude half-width at latitude φ of a circle of angular radius r is
    asin(sin r / cos φ); when the circle holds a pole every longitude is inside.
    """
    radius = math.degrees(value.distance_km / EARTH_RADIUS_KM)
    south, north = value.latitude - radius, value.latitude + radius
    if south <= -90 or north >= 90:
        return Box(max(south, -90.0), min(north, 90.0), None, None)
    ratio = math.sin(math.radians(radius)) / math.cos(math.radians(value.latitude))
    if ratio >= 1:
        return Box(south, north, None, None)
    half = math.degrees(math.asin(ratio)) + _MARGIN
    west, east = value.longitude - half, value.longitude + half
    if west < -180:
        west += 360
    if east > 180:
        east -= 360
    return Box(south - _MARGIN, north + _MARGIN, west, east)


def box_sql(box: Box, lat: str, lon: str, args: SqlArgs) -> str:
    """The bounding-box test on numeric latitude and longitude columns (index-served)."""
    sql = f"{lat} BETWEEN {args.add(Decimal(box.south))} AND {args.add(Decimal(box.north))}"
    if box.west is None or box.east is None:
        return sql
    west, east = args.add(Decimal(box.west)), args.add(Decimal(box.east))
    joint = "OR" if box.west > box.east else "AND"  # across the antimeridian: wrapped
    return f"{sql} AND ({lon} >= {west} {joint} {lon} <= {east})"


def distance_sql(value: NearValue, lat: str, lon: str, args: SqlArgs) -> str:
    """The haversine great-circle distance in km from the point to (lat, lon) columns."""
    lat0, lon0 = args.add(value.latitude), args.add(value.longitude)
    return (f"{2 * EARTH_RADIUS_KM!r} * asin(least(1.0, sqrt("
            f"power(sin(radians({lat}::float8 - {lat0}::float8) / 2), 2) "
            f"+ cos(radians({lat0}::float8)) * cos(radians({lat}::float8)) "
            f"* power(sin(radians({lon}::float8 - {lon0}::float8) / 2), 2))))")


def within_sql(value: NearValue, lat: str, lon: str, args: SqlArgs) -> str:
    """Box prefilter and exact distance test for one `near` value."""
    return (f"{box_sql(bounding_box(value), lat, lon, args)} AND "
            f"{distance_sql(value, lat, lon, args)} <= {args.add(value.distance_km)}::float8")


@dataclass(frozen=True, slots=True)
class NearClause:
    """`near` on a Location search: its position is within any value's distance
    (`missing` set: `near:missing`, whether the position is absent)."""

    values: tuple[NearValue, ...]
    missing: bool | None = None

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`EXISTS` over the latitude row of alias joined to its longitude row."""
        la, lo = args.alias("la"), args.alias("lo")
        head = (f"SELECT 1 FROM {TABLE} {la} JOIN {TABLE} {lo} ON {lo}.rid = {la}.rid "
                f"AND {lo}.res_type = {la}.res_type AND {lo}.param = {args.add(LONGITUDE)} "
                f"WHERE {la}.rid = {alias}.rid AND {la}.res_type = {args.shared(BASE)} "
                f"AND {la}.param = {args.add(LATITUDE)}")
        return self.exists_sql(head, f"{la}.value", f"{lo}.value", args)

    def exists_sql(self, head: str, lat: str, lon: str, args: SqlArgs) -> str:
        """The clause over `head`, a SELECT of a resource's latitude and longitude rows
        (columns lat and lon); also serves contained Locations (`contained.py`)."""
        if self.missing is not None:
            return f"{'NOT ' if self.missing else ''}EXISTS ({head})"
        alternatives = " OR ".join(f"({within_sql(v, lat, lon, args)})" for v in self.values)
        return f"EXISTS ({head} AND ({alternatives}))"


_MISSING = {"true": True, "false": False}


def compile_near(resource_type: str, name: str, value: str,
                 compile_param: ClauseCompiler) -> NearClause:
    """`near[:missing]=...` on a search of resource_type (only Location defines it)."""
    if not defines(resource_type, CODE):
        raise bad_request(f"unknown search parameter '{CODE}' for {resource_type}",
                          code="not-supported")
    modifier = name.partition(":")[2]
    if modifier == "missing":
        if value not in _MISSING:
            raise bad_request(f"'{name}' must be true or false, not '{value}'")
        return NearClause((), _MISSING[value])
    if modifier:
        raise bad_request(f"modifier ':{modifier}' is not supported on '{CODE}'",
                          code="not-supported")
    alternatives = split_unescaped(value, ",")
    if not all(alternatives):
        raise bad_request(f"empty alternative in search value '{value}'")
    return NearClause(tuple(parse_near(a) for a in alternatives))
