"""POST [base] with a Bundle: a transaction (all or nothing) or a batch (each entry alone)."""

from __future__ import annotations

from typing import Any

from fhir_server.errors import FhirError, bad_request
from fhir_server.interactions.bundles import bundle
from fhir_server.interactions.entries import Outcome, parse_entry, run_read, run_write
from fhir_server.interactions.transaction import bundle_entries, response_entry, run_transaction
from fhir_server.storage.postgres import Repository


async def _batch_entry(
    repo: Repository, index: int, raw: Any, base: str, types: frozenset[str], settings: Any
) -> Outcome | FhirError:
    """One batch entry in its own database transaction; its failure is its own."""
    try:
        e = parse_entry(index, raw, base, types)
        async with repo.transaction() as session:
            if e.method in ("GET", "HEAD"):
                return await run_read(session, e, base, settings)
            return await run_write(session, e)
    except FhirError as err:
        return err


async def process_bundle(
    repo: Repository,
    base: str,
    body: dict[str, Any],
    prefer: str,
    types: frozenset[str],
    settings: Any,
) -> dict[str, Any]:
    """Run a transaction or batch Bundle and return its response Bundle."""
    if body.get("resourceType") != "Bundle":
        raise bad_request("POST to the base needs a Bundle of type transaction or batch")
    kind = body.get("type")
    if kind not in ("transaction", "batch"):
        raise bad_request(
            f"Bundle.type must be transaction or batch, not {kind!r}", expression="Bundle.type"
        )
    raw = bundle_entries(body, kind, settings.max_bundle_entries)
    results: dict[int, Outcome | FhirError] = {}
    if kind == "transaction":
        entries = [parse_entry(i, e, base, types) for i, e in enumerate(raw)]
        async with repo.transaction() as session:
            results.update(await run_transaction(session, entries, base, settings))
    else:
        for i, e in enumerate(raw):
            results[i] = await _batch_entry(repo, i, e, base, types, settings)
    out = [response_entry(results[i], prefer) for i in range(len(raw))]
    return bundle(f"{kind}-response", out, [])
