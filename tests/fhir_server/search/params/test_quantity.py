"""Quantity search (R4 search.html#quantity): parsing, index rows, and searches on the R4
examples with results worked out by hand from their values."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search.params import quantity, ucum

from ..test_search_sql import search

UCUM = ucum.SYSTEM
SCT = "http://snomed.info/sct"


def test_parse_forms() -> None:
    # `[prefix]number|system|code`, `number||code`, `number` (search.html#quantity).
    value = quantity.parse_value(f"gt5.40|{UCUM}|mmol/L", None)
    assert (value.number.prefix, value.number.value) == ("gt", Decimal("5.40"))
    assert (value.system, value.code) == (UCUM, "mmol/L")
    unit_only = quantity.parse_value("5||mg", None)
    assert (unit_only.system, unit_only.code) == (None, "mg")
    bare = quantity.parse_value("le5", None)
    assert (bare.number.prefix, bare.system, bare.code) == ("le", None, None)


def test_parse_escaped_bar_in_code() -> None:
    value = quantity.parse_value("5|urn:x|a\\|b", None)
    assert value.code == "a|b"


@pytest.mark.parametrize("text", ["5|mg", "abc", "5|a|b|c", "gt", "|urn:x|mg", "1_000"])
def test_malformed_is_400(text: str) -> None:
    with pytest.raises(FhirError) as raised:
        quantity.parse_value(text, None)
    assert raised.value.status == 400


def test_unit_beside_code_gets_its_own_row() -> None:
    rows = quantity.index_values(
        {"value": 122, "unit": "umol/L", "system": SCT, "code": "258814008"}, "Quantity")
    assert rows == [(SCT, "258814008", Decimal(122)), ("", "umol/L", Decimal(122))]


def _ids(*ids: str) -> str:
    return "_id=" + ",".join(ids)


BODY = _ids("body-height", "body-length", "head-circumference")
GLUCOSE = _ids("f001", "f002")
TEMPS = _ids("body-temperature", "f202")


# Values (R4 examples): body-height 66.9 [in_i] = 1.69926 m; body-length 25 cm;
# head-circumference 51.2 cm; f001 6.3 mmol/L; f002 12.6 mmol/L; f005 7.2 g/dL;
# f204 122 with SNOMED code 258814008 and unit umol/L; heart-rate 44 /min
# ("beats/minute"); body-temperature 36.5 Cel; f202 39 Cel; example 185 [lb_av].
@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), [
    # 170 cm means [169.5, 170.5) cm = [1.695, 1.705) m: holds 1.69926 m.
    (f"Observation?{BODY}&value-quantity=170|{UCUM}|cm", {"body-height"}),
    (f"Observation?{BODY}&value-quantity=lt1.7|{UCUM}|m", {"body-height", "body-length",
                                                           "head-circumference"}),
    (f"Observation?{BODY}&value-quantity=gt5|{UCUM}|[ft_i]", {"body-height"}),  # 1.524 m
    (f"Observation?{BODY}&value-quantity=ge6|{UCUM}|[ft_i]", set()),            # 1.8288 m
    (f"Observation?{BODY}&value-quantity=gt300|{UCUM}|mm", {"body-height",
                                                            "head-circumference"}),
    # 6300 umol/L is [6299.5, 6300.5) umol/L: holds 6.3 mmol/L.
    (f"Observation?{GLUCOSE}&value-quantity=6300|{UCUM}|umol/L", {"f001"}),
    (f"Observation?{GLUCOSE}&value-quantity=gt0.01|{UCUM}|mol/L", {"f002"}),
    # 7.2 g/dL = 72 g/L = 7200 mg/dL.
    (f"Observation?_id=f005&value-quantity=72|{UCUM}|g/L", {"f005"}),
    (f"Observation?_id=f005&value-quantity=7200|{UCUM}|mg/dL", {"f005"}),
    (f"Observation?_id=f005&value-quantity=7.3|{UCUM}|g/dL", set()),
    # A non-UCUM system: matched on system and code, never converted.
    ("Observation?_id=f204&value-quantity=122||umol/L", {"f204"}),           # by its unit
    (f"Observation?_id=f204&value-quantity=122|{SCT}|258814008", {"f204"}),
    (f"Observation?_id=f204&value-quantity=122|{UCUM}|umol/L", set()),
    (f"Observation?_id=f204&value-quantity=0.122|{UCUM}|mmol/L", set()),
    # Unit or code, no system.
    ("Observation?_id=heart-rate&value-quantity=44||beats/minute", {"heart-rate"}),
    ("Observation?_id=heart-rate&value-quantity=44||/min", {"heart-rate"}),
    # Temperatures through kelvin: 36.5 Cel = 97.7 [degF] = 309.65 K; 39 Cel = 102.2 [degF].
    (f"Observation?{TEMPS}&value-quantity=36.5|{UCUM}|Cel", {"body-temperature"}),
    (f"Observation?{TEMPS}&value-quantity=97.7|{UCUM}|[degF]", {"body-temperature"}),
    (f"Observation?{TEMPS}&value-quantity=lt100|{UCUM}|[degF]", {"body-temperature"}),
    (f"Observation?{TEMPS}&value-quantity=gt310|{UCUM}|K", {"f202"}),
    # ap is 10% of the value in the query's unit: 98 [degF] is [88.2, 107.8) [degF].
    (f"Observation?{TEMPS}&value-quantity=ap98|{UCUM}|[degF]", {"body-temperature", "f202"}),
    (f"Observation?{TEMPS}&value-quantity=ap34|{UCUM}|Cel", {"body-temperature"}),  # <37.4
    # Prefixes on the canonical value: ge at exactly the stored value, gt not; ne and ap.
    (f"Observation?_id=example&value-quantity=ge83914.58845|{UCUM}|g", {"example"}),
    (f"Observation?_id=example&value-quantity=gt83914.58845|{UCUM}|g", set()),
    (f"Observation?_id=example&value-quantity=ne84|{UCUM}|kg", set()),      # [83.5, 84.5)
    (f"Observation?_id=example&value-quantity=ne83|{UCUM}|kg", {"example"}),
    (f"Observation?_id=example&value-quantity=ap80|{UCUM}|kg", {"example"}),  # [72, 88)
    (f"Observation?_id=example&value-quantity=ap70|{UCUM}|kg", set()),        # [63, 77)
    (f"Observation?_id=example&value-quantity=sa80|{UCUM}|kg", {"example"}),
    (f"Observation?_id=example&value-quantity=eb80|{UCUM}|kg", set()),
    (f"Observation?_id=example&value-quantity=185.0|{UCUM}|[lb_av]", {"example"}),
])
async def test_search(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected
