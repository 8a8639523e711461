"""The text-search expression of `_text` and `_content` values.

R4 search.html#text leaves the syntax to the server and suggests OData's `$search`:
words are ANDed (`AND` may be written), `OR` and `NOT` combine them, parentheses group, and
a double-quoted phrase matches its words adjacent and in order. A comma between values is
the usual search OR. Each word becomes a `Term`: the phrase of its tokens (`tokens.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from fhir_server.errors import bad_request
from fhir_server.search.escaping import split_unescaped, unescape
from fhir_server.search.fulltext.tokens import tokens


@dataclass(frozen=True, slots=True)
class Term:
    """Tokens that must be adjacent and in this order."""

    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part matches."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part matches."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The part does not match."""

    part: Node


Node = Term | AllOf | AnyOf | Not

_LEXEME = re.compile(r'\s*(?:(\()|(\))|"([^"]*)("?)|([^\s()"]+))')
_KEYWORDS = ("AND", "OR", "NOT")


def parse(value: str) -> Node:
    """The expression of a (still escaped) search value; a 400 when it is malformed or has
    no word to search for (words of punctuation alone are dropped)."""
    alternatives = [_Parser(unescape(v)).expression() for v in split_unescaped(value, ",")]
    return _combine(AnyOf, alternatives) or _empty()


def _combine(kind: type[AllOf | AnyOf], parts: list[Node | None]) -> Node | None:
    """The parts that have words to search for, combined (None when none has)."""
    kept = tuple(p for p in parts if p is not None)
    return None if not kept else kept[0] if len(kept) == 1 else kind(kept)


def _empty() -> NoReturn:
    raise bad_request("the text search has no letter or digit to search for")


def _lexemes(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: '(' ')', 'phrase', 'word', or a keyword as its own kind."""
    found: list[tuple[str, str]] = []
    for m in _LEXEME.finditer(text.strip()):
        paren = m.group(1) or m.group(2)
        if paren:
            found.append((paren, paren))
        elif m.group(3) is not None:
            if not m.group(4):
                raise bad_request("invalid text search: a phrase's '\"' is not closed")
            found.append(("phrase", m.group(3)))
        else:
            word = m.group(5)
            found.append((word, word) if word in _KEYWORDS else ("word", word))
    return found


class _Parser:
    """Recursive descent: or = and ("OR" and)*; and = not (["AND"] not)*;
    not = ["NOT"] primary; primary = "(" or ")" | phrase | word."""

    def __init__(self, text: str) -> None:
        self.items = _lexemes(text)
        self.at = 0

    def expression(self) -> Node | None:
        node = self._or()
        if self.at < len(self.items):
            self._fail(f"unexpected '{self.items[self.at][1]}'")
        return node

    def _peek(self) -> str | None:
        return self.items[self.at][0] if self.at < len(self.items) else None

    def _take(self) -> tuple[str, str]:
        if self.at >= len(self.items):
            self._fail("it ends too early")
        self.at += 1
        return self.items[self.at - 1]

    def _or(self) -> Node | None:
        parts = [self._and()]
        while self._peek() == "OR":
            self._take()
            parts.append(self._and())
        return _combine(AnyOf, parts)

    def _and(self) -> Node | None:
        parts = [self._not()]
        while self._peek() not in (None, ")", "OR"):
            if self._peek() == "AND":
                self._take()
            parts.append(self._not())
        return _combine(AllOf, parts)

    def _not(self) -> Node | None:
        if self._peek() == "NOT":
            self._take()
            part = self._primary()
            return None if part is None else Not(part)
        return self._primary()

    def _primary(self) -> Node | None:
        kind, text = self._take()
        if kind == "(":
            node = self._or()
            if self._take()[0] != ")":
                self._fail("a '(' is not closed")
            return node
        if kind not in ("word", "phrase"):
            self._fail(f"unexpected '{text}'")
        found = tuple(tokens(text))
        return Term(found) if found else None  # punctuation alone: nothing to search for

    def _fail(self, why: str) -> NoReturn:
        raise bad_request(f"invalid text search: {why}")
