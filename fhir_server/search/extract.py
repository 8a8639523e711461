"""FHIRPath search expressions compiled once into fast extractors of typed values.

An extractor maps a resource (parsed JSON) to `(value, fhir_type)` pairs. Paths are resolved
against the R4 type system at compile time, so choice elements (`Observation.value`) become
the concrete JSON keys (`valueQuantity`, ...) each with its type, and `as X` just drops the
other keys. What the subset in `expression` cannot express falls back to fhirpathpy, compiled
once too; the general engine is never the default hot path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from fhir_server.definitions.structure import TypeDef, type_system
from fhir_server.search.conditions import compile_condition
from fhir_server.search.expression import Step, Unsupported, parse_expression, split_union
from fhir_server.search.fallback import compile_fallback
from fhir_server.search.params.reference import reference_type
from fhir_server.search.typed import Extractor, Typed, no_values

Op = Callable[[list[Any]], list[Any]]


@dataclass(frozen=True, slots=True)
class Choice:
    """One JSON key a choice element may take (`valueQuantity`), with its type."""

    key: str
    type_code: str
    typedef: TypeDef | None


@dataclass(frozen=True, slots=True)
class Branch:
    """One statically typed route through a resource: runtime steps and the type reached.

    A choice element still open (several `Choice`s left) is expanded lazily: `as X` narrows
    it, and at the end one op fans out over the keys present instead of one branch per type.
    """

    ops: tuple[Op | str, ...]  # a str is a child key; consecutive keys run as one walk
    type_code: str
    typedef: TypeDef | None
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True, slots=True)
class Compiled:
    """An extractor, how many union alternatives compiled natively or fell back, and the
    top-level JSON keys it reads (None when unknown): without them it finds nothing."""

    extract: Extractor
    native_parts: int
    fallback_parts: int
    roots: frozenset[str] | None = None


def _walk(keys: tuple[str, ...]) -> Op:
    """Follow child keys, flattening arrays (nulls in primitive arrays are left for the
    indexers, which ignore what is not of their type)."""
    def walk(nodes: list[Any]) -> list[Any]:
        for key in keys:
            out: list[Any] = []
            for node in nodes:
                value = node.get(key) if type(node) is dict else None
                if type(value) is list:
                    out.extend(value)
                elif value is not None:
                    out.append(value)
            if not out:
                return out
            nodes = out
        return nodes
    return walk


def _fuse(ops: tuple[Op | str, ...]) -> tuple[Op, ...]:
    """Runs of child keys become one walk each; filters stay as they are."""
    fused: list[Op] = []
    keys: list[str] = []
    for op in ops:
        if isinstance(op, str):
            keys.append(op)
            continue
        if keys:
            fused.append(_walk(tuple(keys)))
            keys = []
        fused.append(op)
    if keys:
        fused.append(_walk(tuple(keys)))
    return tuple(fused)


def _index(position: int) -> Op:
    return lambda nodes: nodes[position : position + 1]


def _where(predicate: Callable[[Any], bool]) -> Op:
    return lambda nodes: [n for n in nodes if type(n) is dict and predicate(n)]


def _has_extension(url: str) -> Callable[[Any], bool]:
    return lambda n: any(type(e) is dict and e.get("url") == url for e in n.get("extension", ()))


def _resolves_to(type_name: str) -> Callable[[Any], bool]:
    return lambda n: reference_type(n) == type_name


def _typedef(type_code: str) -> TypeDef | None:
    return type_system().types.get(type_code)


def _children(branch: Branch, name: str) -> list[Branch]:
    typedef = branch.typedef
    if typedef is None:
        raise Unsupported(f"cannot navigate into {branch.type_code}.{name}")
    choices = []
    for key in typedef.choices.get(name, (name,)):
        element = typedef.elements.get(key)
        if element is None:
            raise Unsupported(f"{typedef.name} has no element {name}")
        sub = element.backbone or _typedef(element.type_code)
        choices.append(Choice(key, element.type_code, sub))
    if name in typedef.choices:
        return [Branch(branch.ops, "", None, tuple(choices))]
    return [_settle(branch.ops, choices[0])]


def _settle(ops: tuple[Op | str, ...], choice: Choice) -> Branch:
    return Branch(ops + (choice.key,), choice.type_code, choice.typedef)


def _expand(branches: list[Branch]) -> list[Branch]:
    """Turn open choices into one branch per remaining type."""
    out: list[Branch] = []
    for branch in branches:
        if branch.choices:
            out.extend(_settle(branch.ops, c) for c in branch.choices)
        else:
            out.append(branch)
    return out


def _narrow(branch: Branch, type_name: str) -> list[Branch]:
    if not branch.choices:
        return [branch] if branch.type_code == type_name else []
    return [_settle(branch.ops, c) for c in branch.choices if c.type_code == type_name]


def _apply(branches: list[Branch], step: Step) -> list[Branch]:
    if step.kind == "as":
        return [b for branch in branches for b in _narrow(branch, step.arg)]
    branches = _expand(branches)
    if step.kind == "child":
        return [b for branch in branches for b in _children(branch, step.arg)]
    if step.kind == "extension":
        url = step.arg
        step_ops: tuple[Op | str, ...] = ("extension", _where(lambda n: n.get("url") == url))
        return [Branch(b.ops + step_ops, "Extension", _typedef("Extension")) for b in branches]
    return [Branch(b.ops + (_filter_op(step),), b.type_code, b.typedef) for b in branches]


def _filter_op(step: Step) -> Op:
    if step.kind == "index":
        return _index(int(step.arg))
    if step.kind == "where_resolve":
        return _where(_resolves_to(step.arg))
    if step.kind == "where_extension":
        return _where(_has_extension(step.arg))
    if step.kind == "where_equals":
        field, value = step.arg, step.value
        return _where(lambda n: n.get(field) == value)
    raise Unsupported(f"step {step.kind}")


def _unwrap_extensions(branches: list[Branch]) -> list[Branch]:
    """A search over an extension means its value[x] (how the R4 definitions use it)."""
    out = []
    for branch in branches:
        out.extend(_children(branch, "value") if branch.type_code == "Extension" else [branch])
    return out


def _fan_out(choices: tuple[Choice, ...]) -> Callable[[list[Any]], list[Typed]]:
    types = {c.key: c.type_code for c in choices}

    def typed(nodes: list[Any]) -> list[Typed]:
        out: list[Typed] = []
        for node in nodes:
            if type(node) is dict:
                out.extend((v, types[k]) for k, v in node.items() if k in types)
        return out
    return typed


def _run(branch: Branch) -> Extractor:
    ops = _fuse(branch.ops)
    type_code = branch.type_code
    finish = _fan_out(branch.choices) if branch.choices else (
        lambda nodes: [(v, type_code) for v in nodes])

    def extract(resource: dict[str, Any]) -> list[Typed]:
        nodes: list[Any] = [resource]
        for op in ops:
            nodes = op(nodes)
            if not nodes:
                return []
        return finish(nodes)
    return extract


def _branches(steps: list[Step], resource_type: str) -> list[Branch]:
    if steps[0].arg not in (resource_type, "Resource", "DomainResource"):
        raise Unsupported(f"path does not start at {resource_type}")
    branches = [Branch((), resource_type, _typedef(resource_type))]
    for step in steps[1:]:
        branches = _apply(branches, step)
    return _unwrap_extensions(branches)


def compile_values(steps: list[Step], resource_type: str) -> list[Extractor]:
    """Compile a parsed path natively (typed extractors), or raise `Unsupported`."""
    return [_run(b) for b in _branches(steps, resource_type)]


def _roots(branches: list[Branch]) -> frozenset[str] | None:
    roots: set[str] = set()
    for branch in branches:
        if branch.ops and isinstance(branch.ops[0], str):
            roots.add(branch.ops[0])
        elif not branch.ops and branch.choices:
            roots.update(c.key for c in branch.choices)
        else:
            return None
    return frozenset(roots)


def compile_native(part: str, resource_type: str) -> tuple[list[Extractor], frozenset[str] | None]:
    """Compile one union alternative natively with its root keys, or raise `Unsupported`."""
    parsed = parse_expression(part)
    if isinstance(parsed, list):
        branches = _branches(parsed, resource_type)
        return [_run(b) for b in branches], _roots(branches)
    return [compile_condition(parsed, partial(compile_values, resource_type=resource_type))], None


def compile_expression(expression: str, resource_type: str) -> Compiled:
    """Compile an expression (already restricted to one resource type) into one extractor."""
    extractors: list[Extractor] = []
    roots: set[str] | None = set()
    native = fallback = 0
    for part in split_union(expression):
        try:
            found, part_roots = compile_native(part, resource_type)
            native += 1
        except Unsupported:
            found, part_roots = [compile_fallback(part)], None
            fallback += 1
        extractors.extend(found)
        roots = None if roots is None or part_roots is None else roots | part_roots
    return Compiled(_concatenate(extractors), native, fallback,
                    None if roots is None else frozenset(roots))


def _concatenate(extractors: list[Extractor]) -> Extractor:
    if not extractors:
        return no_values
    if len(extractors) == 1:
        return extractors[0]
    return lambda resource: [typed for extract in extractors for typed in extract(resource)]
