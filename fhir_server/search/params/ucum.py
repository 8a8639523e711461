"""Canonical UCUM units for quantity search (FHIR R4 search.html#quantity).

"Where possible, the server SHOULD search on canonical units": a search in kg finds a value
stored in g or [lb_av]. Each common unit maps to its canonical form (a base unit of the
same dimension) and the factor that converts it: value_in_canonical = value * factor.
Temperatures are affine, not multiplicative: Cel and [degF] convert to K with a slope
and an offset (`conversion`). Units whose conversion needs a molar mass (mmol/L against
mg/dL) are left out. The table is small and explicit: the units of a county's labs and
vital signs, not a UCUM parser.
"""

from __future__ import annotations

from decimal import Decimal

SYSTEM = "http://unitsofmeasure.org"
CANONICAL_SYSTEM = "urn:regional-hie:ucum-canonical"  # the system of the canonical index rows

_D = Decimal
_BY_DIMENSION: dict[str, dict[str, Decimal]] = {
    # mass, canonical g
    "g": {"g": _D(1), "kg": _D(1000), "mg": _D("0.001"), "ug": _D("0.000001"),
          "ng": _D("1e-9"), "[lb_av]": _D("453.59237"), "[oz_av]": _D("28.349523125"),
          "[stone_av]": _D("6350.29318")},
    # length, canonical m
    "m": {"m": _D(1), "cm": _D("0.01"), "mm": _D("0.001"), "km": _D(1000), "um": _D("1e-6"),
          "[in_i]": _D("0.0254"), "[ft_i]": _D("0.3048")},
    # volume, canonical L
    "L": {"L": _D(1), "l": _D(1), "dL": _D("0.1"), "mL": _D("0.001"), "uL": _D("1e-6"),
          "cL": _D("0.01")},
    # time, canonical s
    "s": {"s": _D(1), "ms": _D("0.001"), "min": _D(60), "h": _D(3600), "d": _D(86400),
          "wk": _D(604800), "mo": _D("2629800"), "a": _D("31557600")},
    # mass concentration, canonical g/L
    "g/L": {"g/L": _D(1), "mg/dL": _D("0.01"), "g/dL": _D(10), "mg/L": _D("0.001"),
            "ug/L": _D("1e-6"), "ng/mL": _D("1e-6"), "ug/mL": _D("0.001"), "mg/mL": _D(1)},
    # substance concentration, canonical mol/L
    "mol/L": {"mol/L": _D(1), "mmol/L": _D("0.001"), "umol/L": _D("1e-6"),
              "nmol/L": _D("1e-9"), "pmol/L": _D("1e-12")},
    # pressure, canonical Pa
    "Pa": {"Pa": _D(1), "kPa": _D(1000), "mm[Hg]": _D("133.322387415"),
           "cm[H2O]": _D("98.0665")},
    # number concentration (cell counts), canonical /L
    "/L": {"/L": _D(1), "10*9/L": _D("1e9"), "10*12/L": _D("1e12"), "/uL": _D("1e6"),
           "10*3/uL": _D("1e9"), "/mm3": _D("1e6")},
    # rate, canonical /s
    "/s": {"/min": _D(1) / _D(60), "/s": _D(1), "/h": _D(1) / _D(3600)},
    # area-normalised mass (BMI), canonical g/m2
    "g/m2": {"kg/m2": _D(1000), "g/m2": _D(1)},
}
CANONICAL: dict[str, tuple[str, Decimal]] = {
    unit: (canonical, factor)
    for canonical, units in _BY_DIMENSION.items() for unit, factor in units.items()
}


# kelvin = value * slope + offset (UCUM: Cel is K offset by 273.15; [degF] is 5/9 K with
# 32 [degF] at 273.15 K).
_AFFINE: dict[str, tuple[str, Decimal, Decimal]] = {
    "K": ("K", _D(1), _D(0)),
    "Cel": ("K", _D(1), _D("273.15")),
    "[degF]": ("K", _D(5) / _D(9), _D("273.15") - _D(32) * _D(5) / _D(9)),
}


def conversion(code: str) -> tuple[str, Decimal, Decimal] | None:
    """(canonical unit, slope, offset) for a known UCUM unit: canonical = value*slope+offset.

    The slope is positive for every unit, so comparisons keep their direction.
    """
    found = CANONICAL.get(code)
    if found is not None:
        return found[0], found[1], _D(0)
    return _AFFINE.get(code)


def canonical(code: str, value: Decimal) -> tuple[str, Decimal] | None:
    """(canonical unit, value in it) for a known UCUM unit, None otherwise."""
    found = conversion(code)
    if found is None:
        return None
    unit, slope, offset = found
    return unit, value * slope + offset


def factor(code: str) -> tuple[str, Decimal] | None:
    """(canonical unit, factor) for a known multiplicative UCUM unit, None otherwise."""
    return CANONICAL.get(code)
