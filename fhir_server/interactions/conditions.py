"""Conditional interactions: resolve `Type?criteria` to the resources it selects."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fhir_server.errors import bad_request, precondition_failed
from fhir_server.search import RESULT_PARAMS, compile_query, protect
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Reader


def parse_criteria(query: str) -> list[tuple[str, str]]:
    """The search pairs of a conditional URL's query; empty or result-only criteria are refused."""
    query = query.lstrip("?")
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in RESULT_PARAMS]
    if not pairs:
        raise bad_request(f"conditional criteria are empty: '{query}'")
    return pairs


def criteria_key(pairs: list[tuple[str, str]]) -> str:
    """A canonical key for criteria, so the same criteria in any order share one key.

    A digest, not the criteria text: conditional creates name residents by their ID
    numbers (`identifier=...|4102...`), which must not be stored in clear (privacy rule).
    """
    return protect.digest("&".join(f"{k}={v}" for k, v in sorted(pairs)))


async def matching(
    reader: Reader, res_type: str, pairs: list[tuple[str, str]], limit: int = 2
) -> list[Stored]:
    """Up to limit current resources of res_type matching the criteria."""
    query = compile_query(res_type, pairs)
    where, args = query.where_sql("r", 2)
    return await reader.find(res_type, where, args, limit)


async def match_at_most_one(
    reader: Reader, res_type: str, pairs: list[tuple[str, str]]
) -> Stored | None:
    """The single match of the criteria, None for no match; 412 when several match."""
    found = await matching(reader, res_type, pairs)
    if len(found) > 1:
        raise precondition_failed(
            f"criteria '{criteria_key(pairs)}' match more than one {res_type}"
        )
    return found[0] if found else None
