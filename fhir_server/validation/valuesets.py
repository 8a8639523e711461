"""Code sets of the required-strength bindings, expanded from the R4 package at start-up.

Only value sets that expand simply are used: `compose.include` entries that list their
concepts, name a complete CodeSystem of the package, or name other such value sets, and no
`exclude` or `filter`. Any other value set (e.g. MIME types, languages) is left unchecked.
"""

from __future__ import annotations

from typing import Any

from fhir_server.definitions.packages import iter_resources

Resource = dict[str, Any]


def _concept_codes(concepts: list[Resource]) -> set[str]:
    """Every code of a (possibly nested) CodeSystem concept list."""
    codes: set[str] = set()
    for concept in concepts:
        codes.add(concept["code"])
        codes |= _concept_codes(concept.get("concept", []))
    return codes


class ValueSetExpander:
    """Expands value sets of the package by URL, remembering each result.

    Holds the package's value sets and code systems; drop it once the validators are built.
    """

    def __init__(self) -> None:
        self.value_sets = {vs["url"]: vs for _, vs in iter_resources("ValueSet-")}
        self.systems = {
            cs["url"]: _concept_codes(cs.get("concept", []))
            for _, cs in iter_resources("CodeSystem-")
            if cs.get("content") == "complete"
        }
        self.done: dict[str, frozenset[str] | None] = {}

    def expand(self, url: str) -> frozenset[str] | None:
        """The codes of a value set, or None if it cannot be expanded simply."""
        if url not in self.done:
            self.done[url] = None  # a cycle expands to None
            self.done[url] = self._compose(self.value_sets.get(url, {}).get("compose"))
        return self.done[url]

    def _compose(self, compose: Resource | None) -> frozenset[str] | None:
        if not compose or "exclude" in compose:
            return None
        codes: set[str] = set()
        for include in compose.get("include", []):
            part = self._include(include)
            if part is None:
                return None
            codes |= part
        return frozenset(codes) if codes else None

    def _include(self, include: Resource) -> set[str] | None:
        if "filter" in include or ("valueSet" in include and "system" in include):
            return None
        if "concept" in include:
            return {concept["code"] for concept in include["concept"]}
        if "system" in include:
            return self.systems.get(include["system"])
        return self._intersection(include.get("valueSet", []))

    def _intersection(self, urls: list[str]) -> set[str] | None:
        # Several value sets in one include are intersected (R4 ValueSet.compose.include.valueSet).
        parts = [self.expand(url.split("|", 1)[0]) for url in urls]
        if not parts or any(part is None for part in parts):
            return None
        return set.intersection(*(set(part) for part in parts if part is not None))
