"""The FHIRPath subset used by search-parameter expressions, parsed into flat steps.

Search expressions are unions of navigation paths with a few filters. This parser accepts
exactly the forms the R4 definitions use and raises `Unsupported` for anything else, so the
caller can fall back to the general FHIRPath engine for that expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*')|(?P<num>\d+)|(?P<id>[A-Za-z_][\w]*)"
                    r"|(?P<op>!=|[.()\[\]|=]))")
_ROOT = re.compile(r"\s*\(*\s*([A-Za-z_]\w*)")


class Unsupported(ValueError):
    """The expression uses FHIRPath beyond the natively compiled subset."""


_LITERALS: dict[str, Any] = {"true": True, "false": False}


@dataclass(frozen=True, slots=True)
class Step:
    """One navigation step: `kind` is child, as, index, extension, exists or a where_* filter."""

    kind: str
    arg: str = ""
    value: str = ""


@dataclass(frozen=True, slots=True)
class Test:
    """A boolean term: `path.exists()`, `path = literal` or `path != literal`."""

    operator: str
    path: tuple[Step, ...]
    literal: Any = None


@dataclass(frozen=True, slots=True)
class Conjunction:
    """Terms joined by `and` (three-valued, as FHIRPath defines it)."""

    terms: tuple[Test, ...]


def split_union(expression: str) -> list[str]:
    """The top-level `|` alternatives of an expression (outside parentheses and strings)."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(expression):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == "|":
            parts.append(expression[start:i].strip())
            start = i + 1
    parts.append(expression[start:].strip())
    return [p for p in parts if p]


def root_name(part: str) -> str:
    """The identifier a path starts from, e.g. `Observation` for `(Observation.value as X)`."""
    match = _ROOT.match(part)
    return match.group(1) if match else ""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise Unsupported(f"cannot tokenise {text[pos:]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self, kind: str, text: str | None = None) -> str:
        token = self.peek()
        if token[0] != kind or (text is not None and token[1] != text):
            raise Unsupported(f"expected {text or kind}, found {token[1] or 'end'}")
        self.pos += 1
        return token[1]

    def path(self) -> list[Step]:
        if self.peek() == ("op", "("):
            self.take("op", "(")
            steps = self.path()
            self.take("op", ")")
        else:
            steps = [Step("root", self.take("id"))]
        while True:
            kind, text = self.peek()
            if (kind, text) == ("op", "."):
                self.take("op")
                steps.append(self.invocation())
            elif (kind, text) == ("op", "["):
                self.take("op")
                steps.append(Step("index", self.take("num")))
                self.take("op", "]")
            elif (kind, text) == ("id", "as"):
                self.take("id")
                steps.append(Step("as", self.take("id")))
            else:
                return steps

    def invocation(self) -> Step:
        name = self.take("id")
        if self.peek() != ("op", "("):
            return Step("child", name)
        self.take("op", "(")
        step = self.function(name)
        self.take("op", ")")
        return step

    def function(self, name: str) -> Step:
        if name in ("as", "ofType"):
            return Step("as", self.take("id"))
        if name == "extension":
            return Step("extension", _literal(self.take("str")))
        if name == "first":
            return Step("index", "0")
        if name == "exists":
            return Step("exists")
        if name == "where":
            return self.condition()
        raise Unsupported(f"function {name}() is not compiled")

    def condition(self) -> Step:
        name = self.take("id")
        if name == "resolve":
            self.take("op", "(")
            self.take("op", ")")
            self.take("id", "is")
            return Step("where_resolve", self.take("id"))
        if name == "hasExtension":
            self.take("op", "(")
            url = _literal(self.take("str"))
            self.take("op", ")")
            return Step("where_extension", url)
        self.take("op", "=")
        return Step("where_equals", name, _literal(self.take("str")))


def _literal(token: str) -> str:
    return token[1:-1].replace("\\'", "'")


def _test(parser: _Parser, steps: list[Step]) -> Test:
    if steps[-1].kind == "exists":
        return Test("exists", tuple(steps[:-1]))
    kind, operator = parser.peek()
    if (kind, operator) not in (("op", "="), ("op", "!=")):
        raise Unsupported(f"expected a comparison, found {operator or 'end'}")
    parser.take("op")
    kind, text = parser.peek()
    parser.pos += 1
    if kind == "str":
        return Test(operator, tuple(steps), _literal(text))
    if text in _LITERALS:
        return Test(operator, tuple(steps), _LITERALS[text])
    raise Unsupported(f"literal {text!r} is not compiled")


def parse_expression(part: str) -> list[Step] | Conjunction:
    """Parse one union alternative into path steps or a boolean conjunction.

    Raises `Unsupported` for anything outside the subset.
    """
    parser = _Parser(part)
    steps = parser.path()
    if parser.peek()[0] == "end" and steps[-1].kind != "exists":
        return steps
    terms = [_test(parser, steps)]
    while parser.peek() == ("id", "and"):
        parser.take("id")
        terms.append(_test(parser, parser.path()))
    if parser.peek()[0] != "end":
        raise Unsupported(f"unexpected {parser.peek()[1]!r} in {part!r}")
    return Conjunction(tuple(terms))
