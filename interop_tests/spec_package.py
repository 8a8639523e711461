"""The spec's example resources, chosen from the official R4 package, and how to compare them.

What counts as an example: every JSON resource of hl7.fhir.r4.examples 4.0.1 (package.json
aside) except
- conformance resources (`DEFINITIONAL_TYPES`): they are the spec's definitions, which the
  platform reads from the package itself; storing the 1,400 SearchParameters, for one, would
  change the server's search registry;
- definitions Bundles: collections whose every entry is a conformance resource
  (Bundle-resources, -types, -valuesets, -searchParams, ...), shipped for tools, not examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
import orjson

from fhir_server.definitions.packages import iter_resources

DEFINITIONAL_TYPES = frozenset({
    "CapabilityStatement", "CodeSystem", "CompartmentDefinition", "ConceptMap",
    "GraphDefinition", "ImplementationGuide", "MessageDefinition", "NamingSystem",
    "OperationDefinition", "SearchParameter", "StructureDefinition", "StructureMap",
    "TerminologyCapabilities", "ValueSet",
})
SERVER_META = ("versionId", "lastUpdated")
FHIR_JSON = "application/fhir+json"

Resource = dict[str, Any]


def _is_definitions_bundle(resource: Resource) -> bool:
    entries = resource.get("entry", [])
    return resource["resourceType"] == "Bundle" and bool(entries) and all(
        e.get("resource", {}).get("resourceType") in DEFINITIONAL_TYPES for e in entries)


@lru_cache(maxsize=1)
def examples() -> tuple[tuple[str, Resource], ...]:
    """(file name, resource) of every example resource of the package, by file name.

    Read once (the package is 5,300 files); callers must not change what they get.
    """
    return tuple((name, resource) for name, resource in iter_resources()
                 if resource["resourceType"] not in DEFINITIONAL_TYPES
                 and not _is_definitions_bundle(resource))


def example(name: str) -> Resource:
    """One resource of the package by its file name, e.g. `Bundle-xds.json`."""
    return next(resource for file, resource in iter_resources(name.removesuffix(".json"))
                if file == name)


def comparable(resource: Resource) -> Resource:
    """The resource without what the server owns: meta.versionId and meta.lastUpdated.

    meta.profile, meta.tag, meta.security and meta.source are the client's and must survive.
    """
    meta = {k: v for k, v in resource.get("meta", {}).items() if k not in SERVER_META}
    rest = {k: v for k, v in resource.items() if k != "meta"}
    return {**rest, "meta": meta} if meta else rest


def first_difference(sent: Any, got: Any, path: str = "") -> str | None:
    """Where got first differs from sent, as a FHIRPath-like location; None when equal.

    JSON numbers compare as Python numbers, so 1.0 and 1 are equal (decimal precision aside).
    """
    if isinstance(sent, dict) and isinstance(got, dict):
        return _dict_difference(sent, got, path)
    if isinstance(sent, list) and isinstance(got, list):
        if len(sent) != len(got):
            return f"{path}: {len(sent)} items sent, {len(got)} returned"
        return next(_differences(sent, got, path), None)
    if sent != got or isinstance(sent, bool) != isinstance(got, bool):
        return f"{path}: sent {_short(sent)}, returned {_short(got)}"
    return None


def _dict_difference(sent: dict[str, Any], got: dict[str, Any], path: str) -> str | None:
    for key in sorted(sent.keys() | got.keys()):
        if key not in got:
            return f"{path}.{key}: missing from the answer"
        if key not in sent:
            return f"{path}.{key}: added by the server ({_short(got[key])})"
        found = first_difference(sent[key], got[key], f"{path}.{key}")
        if found:
            return found
    return None


def _differences(sent: list[Any], got: list[Any], path: str) -> Iterator[str]:
    for i, (a, b) in enumerate(zip(sent, got, strict=True)):
        found = first_difference(a, b, f"{path}[{i}]")
        if found:
            yield found


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class RoundTrip:
    """One example's trip through PUT and read: problem is None when it came back as sent."""

    name: str
    problem: str | None


def fhir_client(base: str) -> httpx.Client:
    """An HTTP client on the FHIR base that sends and accepts FHIR JSON."""
    return httpx.Client(base_url=base, timeout=60,
                        headers={"Accept": FHIR_JSON, "Content-Type": FHIR_JSON})


def diagnostics(response: httpx.Response) -> str:
    """The OperationOutcome's diagnostics of an error response, shortened."""
    try:
        issues = response.json().get("issue", [])
    except ValueError:
        return response.text[:200]
    return "; ".join(str(i.get("diagnostics", i.get("code"))) for i in issues)[:300]


def round_trip(client: httpx.Client, name: str, resource: Resource) -> RoundTrip:
    """PUT the resource by its own id (update-as-create), read it back, compare."""
    path = f"/{resource['resourceType']}/{resource['id']}"
    put = client.put(path, content=orjson.dumps(resource))
    if put.status_code not in (200, 201):
        return RoundTrip(name, f"PUT {path} -> {put.status_code}: {diagnostics(put)}")
    got = client.get(path)
    if got.status_code != 200:
        return RoundTrip(name, f"GET {path} -> {got.status_code}: {diagnostics(got)}")
    body = got.json()
    etag = f'W/"{body.get("meta", {}).get("versionId")}"'
    if got.headers.get("ETag") != etag:
        return RoundTrip(name, f"GET {path}: ETag {got.headers.get('ETag')}, body says {etag}")
    return RoundTrip(name, first_difference(comparable(resource), comparable(body),
                                            resource["resourceType"]))


def round_trip_all(base: str) -> list[RoundTrip]:
    """Every example through round_trip, eight at a time, in file-name order."""
    with fhir_client(base) as client, ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda item: round_trip(client, *item), examples()))
