"""What a right answer to each benchmark query looks like (R4 search.html, patient-everything).

Each check takes the searchset Bundle, the request's query parameters and the query set, and
returns what is wrong, or None. They are deliberately shallow: enough to tell that a feature
took effect, not a conformance test (tests/ has those).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from search.sampling import RESIDENT_ID

Bundle = dict[str, Any]
Params = dict[str, list[str]]
Check = Callable[[Bundle, Params, dict[str, Any]], str | None]


def matches(bundle: Bundle) -> list[dict[str, Any]]:
    """The resources the search matched (search mode `match`, or no mode given)."""
    return [e["resource"] for e in bundle.get("entry", [])
            if e.get("search", {}).get("mode", "match") == "match" and "resource" in e]


def found(bundle: Bundle, params: Params, qs: dict[str, Any]) -> str | None:
    """At least one match: the query set was built so that every request finds something."""
    return None if matches(bundle) else "no match"


def has_identifier(bundle: Bundle, params: Params, qs: dict[str, Any]) -> str | None:
    """Every match carries the resident ID asked for."""
    wanted = params["identifier"][0].partition("|")[2]
    for resource in matches(bundle):
        values = {i.get("value") for i in resource.get("identifier", [])
                  if i.get("system") == RESIDENT_ID}
        if wanted not in values:
            return f"Patient/{resource.get('id')} lacks the resident ID"
    return found(bundle, params, qs)


def _name_parts(resource: dict[str, Any]) -> list[str]:
    parts = []
    for name in resource.get("name", []):
        parts += [name.get("text", ""), name.get("family", ""), *name.get("given", [])]
    return [p.casefold() for p in parts if p]


def name_starts(bundle: Bundle, params: Params, qs: dict[str, Any]) -> str | None:
    """Every match has a name part starting with the value (string search, 3.1.1.4.5)."""
    wanted = params["name"][0].casefold()
    for resource in matches(bundle):
        if not any(p.startswith(wanted) for p in _name_parts(resource)):
            return f"Patient/{resource.get('id')} has no name starting with {wanted!r}"
    return found(bundle, params, qs)


def _value(resource: dict[str, Any], path: str) -> str:
    value: Any = resource
    for step in path.split("."):
        value = value.get(step, {}) if isinstance(value, dict) else {}
    return value if isinstance(value, str) else ""


def sorted_by(path: str) -> Check:
    """A check that the matches are in descending order of the element at `path`."""

    def check(bundle: Bundle, params: Params, qs: dict[str, Any]) -> str | None:
        values = [_value(r, path) for r in matches(bundle)]
        if values != sorted(values, reverse=True):
            return f"not sorted by {path} descending"
        return found(bundle, params, qs)

    return check


def includes_subject(bundle: Bundle, params: Params, qs: dict[str, Any]) -> str | None:
    """The subject Patient is in the Bundle with search mode `include`."""
    subject = params["subject"][0]
    included = {f"{e['resource']['resourceType']}/{e['resource'].get('id')}"
                for e in bundle.get("entry", []) if e.get("search", {}).get("mode") == "include"}
    return found(bundle, params, qs) or (None if subject in included else f"{subject} not included")


def everything(bundle: Bundle, params: Params, qs: dict[str, Any]) -> str | None:
    """All 500 resources of the patient's compartment on one page."""
    entries = [e for e in bundle.get("entry", [])
               if e.get("resource", {}).get("resourceType") != "OperationOutcome"]
    paged = any(link.get("relation") == "next" for link in bundle.get("link", []))
    if len(entries) < 500 or paged:
        return f"{len(entries)} resources on the first page{' (paged)' if paged else ''}"
    return None


def count_of(res_type: str) -> Check:
    """A check that the total is the number of `res_type` resources loaded."""

    def check(bundle: Bundle, params: Params, qs: dict[str, Any]) -> str | None:
        expected = qs["types"][res_type]
        total = bundle.get("total")
        return None if total == expected else f"total {total}, loaded {expected}"

    return check
