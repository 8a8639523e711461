"""The search-parameter registry: per resource type, parameter code -> `SearchParam`.

Built once from the R4 SearchParameter definitions; the SearchParameter resources stored on
the server are laid over a copy of it (`use_stored`, kept current per request by
`search/stored.py`) or added with `register`. Each parameter carries its expression
restricted to its resource type and the extractor compiled from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fhir_server.definitions.packages import iter_resources
from fhir_server.definitions.structure import type_system
from fhir_server.errors import FhirError, bad_request
from fhir_server.search.expression import root_name, split_union
from fhir_server.search.extract import compile_expression
from fhir_server.search.fhirpath_syntax import expression_problem
from fhir_server.search.typed import Extractor, no_values

# Resources that are not DomainResources (R4 "Resource" hierarchy).
NOT_DOMAIN = frozenset({"Bundle", "Binary", "Parameters"})
ABSTRACT_BASES = frozenset({"Resource", "DomainResource"})
# R4 search-param-type codes the server indexes (`special` ones each need code of their own).
SEARCHABLE_TYPES = frozenset({"number", "date", "string", "token", "reference", "composite",
                              "quantity", "uri"})


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a composite parameter: the referenced parameter's URL and expression."""

    definition: str
    expression: str


@dataclass(frozen=True, slots=True)
class SearchParam:
    """One search parameter as it applies to one resource type.

    `extract` is the compiled expression; `roots` the top-level keys it reads (None when
    unknown), so indexing can skip it for resources that have none of them. `documentation`
    is the definition's description (for the CapabilityStatement).
    """

    code: str
    type: str
    expression: str
    url: str
    targets: tuple[str, ...] = ()
    components: tuple[Component, ...] = ()
    extract: Extractor = field(default=no_values, compare=False, repr=False)
    roots: frozenset[str] | None = field(default=None, compare=False, repr=False)
    documentation: str = field(default="", compare=False, repr=False)


@dataclass(slots=True)
class Registry:
    """All search parameters by resource type, and compile statistics per definition.

    `derived` caches what other modules compute from the parameters (index plans); it is
    dropped whenever a parameter is added. `version` is the stored-SearchParameter version
    it was built at (-1: the R4 definitions only); `pending` the urls of stored parameters
    whose existing data is not reindexed yet. `special` holds the R4 definitions without an
    expression (`_text`, `near`, ...): searched by code of their own, listed for the
    CapabilityStatement only.
    """

    by_type: dict[str, dict[str, SearchParam]] = field(default_factory=dict)
    stats: Counter[str] = field(default_factory=Counter)
    derived: dict[Any, Any] = field(default_factory=dict)
    version: int = -1
    pending: frozenset[str] = frozenset()
    special: dict[str, dict[str, SearchParam]] = field(default_factory=dict)

    def copy(self) -> Registry:
        """A registry with the same parameters that can be extended without touching this one."""
        return Registry({t: dict(p) for t, p in self.by_type.items()}, Counter(self.stats),
                        {}, self.version, self.pending,
                        {t: dict(p) for t, p in self.special.items()})

    def is_pending(self, param: SearchParam) -> bool:
        """Whether a stored parameter's reindex is unfinished (its results may be partial)."""
        return param.url in self.pending

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


def base_types(bases: Iterable[str]) -> list[str]:
    """The resource types a SearchParameter's base list covers (Resource: all of them)."""
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
        for resource_type in base_types(definition.get("base", ())):
            param = _param(definition, "", no_values, None, resource_type)
            registry.special.setdefault(resource_type, {})[param.code] = param
        return "skipped"
    native = fallback = 0
    for resource_type in base_types(definition.get("base", ())):
        restricted = restrict(expression, resource_type)
        if not restricted:
            continue
        compiled = compile_expression(restricted, resource_type)
        native += compiled.native_parts
        fallback += compiled.fallback_parts
        param = _param(definition, restricted, compiled.extract, compiled.roots,
                       resource_type)
        registry.by_type.setdefault(resource_type, {})[param.code] = param
    if not native and not fallback:
        return "skipped"
    return "native" if not fallback else ("fallback" if not native else "partial")


def _param(definition: dict[str, Any], expression: str, extract: Extractor,
           roots: frozenset[str] | None, resource_type: str) -> SearchParam:
    components = tuple(Component(c["definition"], c.get("expression", ""))
                       for c in definition.get("component", ()))
    return SearchParam(definition["code"], definition["type"], expression, definition["url"],
                       tuple(definition.get("target", ())), components, extract, roots,
                       _documentation(str(definition.get("description") or ""), resource_type))


def _documentation(description: str, resource_type: str) -> str:
    """The description for one type: R4 shared definitions describe each type on a line
    `* [Type](type.html): text` under "Multiple Resources"."""
    if not description.startswith("Multiple Resources"):
        return description
    marker = f"* [{resource_type}]("
    for line in description.splitlines():
        if line.startswith(marker) and "): " in line:
            return line.split("): ", 1)[1].strip()
    return description


def _is_definition(resource: dict[str, Any]) -> bool:
    # The package also holds example SearchParameters (ids "example*"); they are not spec.
    return not str(resource.get("id", "")).startswith("example")


@lru_cache(maxsize=1)
def spec_registry() -> Registry:
    """The registry of the R4 definitions alone, built once per process."""
    built = Registry()
    for _, resource in iter_resources("SearchParameter-"):
        if _is_definition(resource):
            built.add(resource)
    return built


_live: list[Registry] = []  # the process-wide registry, once built or replaced


def registry() -> Registry:
    """The process-wide registry: the R4 definitions plus the stored SearchParameters."""
    if not _live:
        _live.append(spec_registry().copy())
    return _live[0]


def use_stored(definitions: Iterable[dict[str, Any]], version: int,
               pending: Iterable[str]) -> list[str]:
    """Replace the process-wide registry by the R4 one plus these stored definitions.

    A definition that is no longer usable is left out (its url is returned) rather than
    stopping every search; writes of unusable ones are refused by `check_definition`.
    """
    built, refused = spec_registry().copy(), []
    for definition in definitions:
        try:
            check_definition(definition, built)
        except FhirError:
            refused.append(str(definition.get("url")))
            continue
        built.add(definition)
    built.version, built.pending = version, frozenset(pending)
    _live[:] = [built]
    return refused


def check_definition(search_parameter: dict[str, Any], against: Registry | None = None) -> None:
    """Refuse (400) a SearchParameter the server could not search with.

    It needs a code, url, known type other than special, known base types, and an expression
    that parses and starts at one of its bases; it may not take over the code of another
    parameter (R4 or stored, another url) on any of its types in `against` (default: the
    process-wide registry).
    """
    for key in ("code", "type", "base", "expression", "url"):
        if not search_parameter.get(key):
            raise bad_request(f"SearchParameter needs '{key}' to be searchable")
    if search_parameter["type"] not in SEARCHABLE_TYPES:
        raise bad_request(f"SearchParameter type {search_parameter['type']!r} is not searchable; "
                          f"use one of {', '.join(sorted(SEARCHABLE_TYPES))}")
    known = type_system().resource_types | ABSTRACT_BASES
    if unknown := [b for b in search_parameter["base"] if b not in known]:
        raise bad_request(f"SearchParameter base names unknown resource types: {unknown}")
    if problem := expression_problem(search_parameter["expression"]):
        raise bad_request(f"SearchParameter expression does not compile: {problem}")
    known_params = against or registry()
    for resource_type in base_types(search_parameter["base"]):
        other = known_params.get(resource_type, search_parameter["code"])
        if other is not None and other.url != search_parameter["url"]:
            raise bad_request(f"code {search_parameter['code']!r} is already the parameter "
                              f"{other.url} on {resource_type}")
    if Registry().add(search_parameter) == "skipped":
        raise bad_request("SearchParameter is not searchable: its expression starts at none "
                          "of its base types")


def register(search_parameter: dict[str, Any]) -> None:
    """Add a SearchParameter resource to this process's registry; a 400 if it cannot be used."""
    check_definition(search_parameter)
    registry().add(search_parameter)
