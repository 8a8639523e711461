"""Compiling a `_filter` tree to a clause: logic, and paths with chains and sub-filters.

A path `a[f].b.c op v` (search_filter.html: "chained searches done by name.name ... There
can also be a filter: name[filter].name") follows reference `a` to a target resource on
which both the sub-filter `f` and the rest of the path `b.c op v` hold: the SAME target.
Targets are tried per resource type the reference allows that knows the names used.

Two kinds of names are not plain parameters:
- the spec's "Additional Parameters" (search_filter.html#params), e.g. Observation
  `related[type eq has-component].target re Observation/4`: the group name takes a
  sub-filter and a following name, and its children stand for other parameters of the same
  resource (matched on the same resource, not the same repeating element);
- `_has:Type:reference` (R5's hasSpecifier, accepted here too): resources of Type that
  refer to this one, on which the rest holds; `_has:Type:reference:param op v` for short.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from fhir_server.errors import FhirError, Issue, bad_request
from fhir_server.search.chain import ChainClause, target_types
from fhir_server.search.filtering.clauses import AnyOf, NotClause, all_of
from fhir_server.search.filtering.comparisons import compile_comparison
from fhir_server.search.filtering.specials import SPECIAL_TESTS
from fhir_server.search.filtering.syntax import Comparison, Filter, Link, Logical, Negation
from fhir_server.search.has import HasClause
from fhir_server.search.registry import registry

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler

T = TypeVar("T")

# search_filter.html#params: (resource type, name) -> child name -> search parameter.
GROUPS: dict[tuple[str, str], dict[str, str]] = {
    ("Observation", "related"): {"target": "related-target", "type": "related-type"},
    ("Group", "characteristic"): {"value": "value", "code": "characteristic"},
    ("DocumentReference", "relatesTo"): {"code": "relation", "target": "relatesto"},
    ("ServiceRequest", "event"): {"status": "event-status", "date": "event-date"},
    ("ServiceRequest", "item"): {"status": "item-status", "code": "item-code",
                                 "site": "bodysite", "event": "item-event"},
    ("ServiceRequest", "item-event"): {"status": "item-past-status", "date": "item-date",
                                       "actor": "actor"},
}


def compile_tree(resource_type: str, node: Filter, compile_param: ClauseCompiler) -> Clause:
    """The clause for a filter tree on a search of resource_type.

    compile_param is the query's own parameter compiler, for names that need it (`_list`).
    """
    if isinstance(node, Logical):
        parts = [compile_tree(resource_type, part, compile_param) for part in node.parts]
        return all_of(parts) if node.op == "and" else AnyOf(tuple(parts))
    if isinstance(node, Negation):
        return NotClause(compile_tree(resource_type, node.inner, compile_param))
    links, name = _expanded(node.links, node.name, node.position)
    return _path(resource_type, links, name, node, compile_param)


def _expanded(links: tuple[Link, ...], name: str,
              position: int) -> tuple[tuple[Link, ...], str]:
    """`_has:T:r:p` as the last name is the link `_has:T:r` followed by `p`."""
    parts = name.split(":")
    if parts[0] == "_has" and len(parts) == 4:
        return (*links, Link(":".join(parts[:3]), None, position)), parts[3]
    return links, name


def _path(resource_type: str, links: tuple[Link, ...], name: str, test: Comparison,
          compile_param: ClauseCompiler) -> Clause:
    if not links:
        return _at(test.position, compile_comparison, resource_type, name, test.op, test.value,
                   compile_param)
    head, rest = links[0], links[1:]
    if head.name.startswith("_has:"):
        return _has(resource_type, head, rest, name, test, compile_param)
    children = GROUPS.get((resource_type, head.name))
    if children is not None:
        return _group(resource_type, head, children, rest, name, test, compile_param)
    return _chain(resource_type, head, rest, name, test, compile_param)


def _chain(resource_type: str, head: Link, rest: tuple[Link, ...], name: str,
           test: Comparison, compile_param: ClauseCompiler) -> Clause:
    code, targets = _at(head.position, target_types, resource_type, head.name)
    needed = {rest[0].name if rest else name} | _first_names(head.filter)
    usable = [t for t in targets if all(_known(t, n) for n in needed)]
    if not usable:
        raise _located(head.position, bad_request(
            f"no resource type that '{code}' of {resource_type} refers to has the search "
            f"parameters {', '.join(sorted(needed))}", code="not-supported"))
    inner = tuple((t, _target(t, head.filter, rest, name, test, compile_param))
                  for t in usable)
    return ChainClause(resource_type, code, inner)


def _target(resource_type: str, sub: Filter | None, rest: tuple[Link, ...], name: str,
            test: Comparison, compile_param: ClauseCompiler) -> Clause:
    """The sub-filter and the rest of the path, both on the same resource."""
    parts = [] if sub is None else [compile_tree(resource_type, sub, compile_param)]
    return all_of([*parts, _path(resource_type, rest, name, test, compile_param)])


def _has(resource_type: str, head: Link, rest: tuple[Link, ...], name: str,
         test: Comparison, compile_param: ClauseCompiler) -> Clause:
    _, source, code = _at(head.position, _has_parts, resource_type, head.name)
    return HasClause(source, code,
                     _target(source, head.filter, rest, name, test, compile_param))


def _has_parts(resource_type: str, name: str) -> list[str]:
    parts = name.split(":")
    if len(parts) != 3 or parts[1] not in registry().by_type:
        raise bad_request(f"'{name}' must be _has:Type:reference with a known resource type")
    param = registry().get(parts[1], parts[2])
    if param is None or param.type != "reference":
        raise bad_request(f"'{parts[2]}' is not a reference parameter of {parts[1]}")
    if param.targets and resource_type not in param.targets:
        raise bad_request(f"'{parts[2]}' of {parts[1]} cannot refer to {resource_type}")
    return parts


def _group(resource_type: str, head: Link, children: Mapping[str, str],
           rest: tuple[Link, ...], name: str, test: Comparison,
           compile_param: ClauseCompiler) -> Clause:
    """An Additional Parameter: `group[filter].child op v` with children renamed."""
    if head.filter is None:
        raise _located(head.position, bad_request(
            f"'{head.name}' needs a [filter] before its '.'"))
    sub = _renamed(head.filter, head.name, children)
    if rest:
        rest = (_rename_link(rest[0], head.name, children), *rest[1:])
    else:
        name = _child(name, head.name, children, test.position)
    return all_of([compile_tree(resource_type, sub, compile_param),
                   _path(resource_type, rest, name, test, compile_param)])


def _renamed(node: Filter, group: str, children: Mapping[str, str]) -> Filter:
    """The sub-filter with the first name of each of its paths mapped to a parameter."""
    if isinstance(node, Logical):
        parts = tuple(_renamed(p, group, children) for p in node.parts)
        return Logical(node.op, parts, node.depth)
    if isinstance(node, Negation):
        return Negation(_renamed(node.inner, group, children), node.depth)
    if node.links:
        links = (_rename_link(node.links[0], group, children), *node.links[1:])
        return Comparison(links, node.name, node.op, node.value, node.position)
    name = _child(node.name, group, children, node.position)
    return Comparison((), name, node.op, node.value, node.position)


def _rename_link(link: Link, group: str, children: Mapping[str, str]) -> Link:
    return Link(_child(link.name, group, children, link.position), link.filter, link.position)


def _child(name: str, group: str, children: Mapping[str, str], position: int) -> str:
    if name not in children:
        raise _located(position, bad_request(
            f"'{name}' is not a part of '{group}' (one of {', '.join(sorted(children))})"))
    return children[name]


def _first_names(node: Filter | None) -> set[str]:
    """The first name of every path in a filter (the names its resource must know)."""
    if node is None:
        return set()
    if isinstance(node, Logical):
        return set().union(*(_first_names(part) for part in node.parts))
    if isinstance(node, Negation):
        return _first_names(node.inner)
    return {node.links[0].name if node.links else node.name}


def _known(resource_type: str, name: str) -> bool:
    code = name.partition(":")[0]
    return (code == "_has" or code in SPECIAL_TESTS or (resource_type, code) in GROUPS
            or registry().get(resource_type, code) is not None)


def _at(position: int, compile_part: Callable[..., T], *args: object) -> T:
    """compile_part(*args), its 400 saying where in the expression it arose."""
    try:
        return compile_part(*args)
    except FhirError as error:
        raise _located(position, error) from None


def _located(position: int, error: FhirError) -> FhirError:
    issues = [Issue(i.code, f"_filter at character {position}: {i.diagnostics}",
                    i.severity, i.expression) for i in error.issues]
    return FhirError(error.status, issues, error.headers)
