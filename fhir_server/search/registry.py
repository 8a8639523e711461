"""The search-parameter registry: per resource type, parameter code -> `SearchParam`.

Built once from the R4 SearchParameter definitions; SearchParameter resources stored on the
server are added with `register`. Each parameter carries its expression restricted to its
resource type and the extractor compiled from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fhir_server.definitions.packages import iter_resources
from fhir_server.definitions.structure import type_system
from fhir_server.errors import bad_request
from fhir_server.search.expression import root_name, split_union
from fhir_server.search.extract import compile_expression
from fhir_server.search.typed import Extractor, no_values

# Resources that are not DomainResources (R4 "Resource" hierarchy).
NOT_DOMAIN = frozenset({"Bundle", "Binary", "Parameters"})
ABSTRACT_BASES = frozenset({"Resource", "DomainResource"})


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a composite parameter: the referenced parameter's URL and expression."""

    definition: str
    expression: str


@dataclass(frozen=True, slots=True)
class SearchParam:
    """One search parameter as it applies to one resource type.

    `extract` is the compiled expression; `roots` the top-level keys it reads (None when
    unknown), so indexing can skip it for resources that have none of them.
    """

    code: str
    type: str
    expression: str
    url: str
    targets: tuple[str, ...] = ()
    components: tuple[Component, ...] = ()
    extract: Extractor = field(default=no_values, compare=False, repr=False)
    roots: frozenset[str] | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Registry:
    """All search parameters by resource type, and compile statistics per definition.

    `derived` caches what other modules compute from the parameters (index plans); it is
    dropped whenever a parameter is added.
    """

    by_type: dict[str, dict[str, SearchParam]] = field(default_factory=dict)
    stats: Counter[str] = field(default_factory=Counter)
    derived: dict[Any, Any] = field(default_factory=dict)

    def params(self, resource_type: str) -> Mapping[str, SearchParam]:
        """The parameters that apply to a resource type, by code."""
        return self.by_type.get(resource_type, {})

    def get(self, resource_type: str, code: str) -> SearchParam | None:
        """One parameter of a resource type, or None when it is unknown."""
        return self.by_type.get(resource_type, {}).get(code)

    def add(self, definition: dict[str, Any]) -> str:
        """Compile a definition, add it for each resource type it covers, say how it compiled.

        The answer is `native`, `partial` (some union alternatives fell back to fhirpathpy),
        `fallback` or `skipped` (no expression that applies to a resource type).
        """
        status = _add(self, definition)
        self.stats[status] += 1
        self.derived.clear()
        return status


def _resource_types(bases: Iterable[str]) -> list[str]:
    all_types = type_system().resource_types
    out: set[str] = set()
    for base in bases:
        if base == "Resource":
            out |= all_types
        elif base == "DomainResource":
            out |= all_types - NOT_DOMAIN
        elif base in all_types:
            out.add(base)
    return sorted(out)


def restrict(expression: str, resource_type: str) -> str:
    """The union alternatives of an expression that start at this resource type.

    An alternative starting with an element name (`name | alias`) is relative to the
    resource and is qualified with the type.
    """
    wanted = {resource_type} | ABSTRACT_BASES
    parts = []
    for part in split_union(expression):
        root = root_name(part)
        if root in wanted:
            parts.append(part)
        elif root[:1].islower() and not part.startswith("("):
            parts.append(f"{resource_type}.{part}")
    return " | ".join(parts)


def _add(registry: Registry, definition: dict[str, Any]) -> str:
    """Add one definition; return how it compiled: native, partial, fallback or skipped."""
    expression = definition.get("expression")
    if not expression or definition.get("type") in (None, "special"):
        return "skipped"
    native = fallback = 0
    for resource_type in _resource_types(definition.get("base", ())):
        restricted = restrict(expression, resource_type)
        if not restricted:
            continue
        compiled = compile_expression(restricted, resource_type)
        native += compiled.native_parts
        fallback += compiled.fallback_parts
        param = _param(definition, restricted, compiled.extract, compiled.roots)
        registry.by_type.setdefault(resource_type, {})[param.code] = param
    if not native and not fallback:
        return "skipped"
    return "native" if not fallback else ("fallback" if not native else "partial")


def _param(definition: dict[str, Any], expression: str, extract: Extractor,
           roots: frozenset[str] | None) -> SearchParam:
    components = tuple(Component(c["definition"], c.get("expression", ""))
                       for c in definition.get("component", ()))
    return SearchParam(definition["code"], definition["type"], expression, definition["url"],
                       tuple(definition.get("target", ())), components, extract, roots)


def _is_definition(resource: dict[str, Any]) -> bool:
    # The package also holds example SearchParameters (ids "example*"); they are not spec.
    return not str(resource.get("id", "")).startswith("example")


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The process-wide registry, built from the R4 definitions on first use."""
    built = Registry()
    for _, resource in iter_resources("SearchParameter-"):
        if _is_definition(resource):
            built.add(resource)
    return built


def register(search_parameter: dict[str, Any]) -> None:
    """Add a SearchParameter resource stored on the server; a 400 if it cannot be used."""
    for key in ("code", "type", "base", "expression", "url"):
        if not search_parameter.get(key):
            raise bad_request(f"SearchParameter needs '{key}' to be searchable")
    if registry().add(search_parameter) == "skipped":
        raise bad_request("SearchParameter is not searchable: its type is special or its "
                          "expression starts at none of its base types")
