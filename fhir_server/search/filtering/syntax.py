"""Parsing `_filter` expressions (FHIR R4 search_filter.html, "Formal grammar") into a tree.

The grammar is the spec's, read as ABNF (keywords and operators are case-insensitive):

    filter    = paramExp / logExp / ("not") "(" filter ")"
    logExp    = filter ("and" / "or" filter)+
    paramExp  = paramPath SP compareOp SP compValue
    paramPath = paramName (("[" filter "]") "." paramPath)
    compValue = string / numberOrDate / token

"Logical expressions are evaluated left to right, with no precedence between 'and' and
'or'", so `a or b and c` is `(a or b) and c`. Lark's LALR parser with its contextual lexer
does the work: a token value ("any sequence of non-whitespace characters except ']' and
')'") is only lexed where a value may stand, so it never clashes with names or keywords.
A parameter name may carry `:`-parts (`subject:Patient`, `_has:Observation:patient:code`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from fhir_server.errors import bad_request

MAX_DEPTH = 32
_GRAMMAR = r"""
?start: filter
?filter: filter LOGIC term       -> logical
       | term
?term: comparison
     | NOT "(" filter ")"        -> negation
     | "(" filter ")"
comparison: link* NAME OP value
link: NAME ("[" filter "]")? "."
?value: STRING | VALUE

NOT.2: /not(?=\s*\()/i
LOGIC: /(and|or)(?=[\s(])/i
OP: /(eq|ne|co|sw|ew|gt|lt|ge|le|ap|sa|eb|pr|po|ss|sb|in|ni|re)(?![^\s])/i
NAME: /[A-Za-z_][A-Za-z0-9_\-]*(:[A-Za-z_][A-Za-z0-9_\-]*)*/
STRING: /"(?:[^"\\]|\\.)*"/
VALUE: /[^\s\])"][^\s\])]*/
%ignore /\s+/
"""
_EXPECTED = {
    "NAME": "a parameter name", "OP": "a comparison operator (eq, ne, co, ...)",
    "STRING": "a value", "VALUE": "a value", "LOGIC": "'and' or 'or'", "NOT": "'not'",
    "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "DOT": "'.'",
    "$END": "the end of the expression",
}


@dataclass(frozen=True, slots=True)
class Link:
    """One step of a path before its last name: `name` or `name[filter]`, then a `.`."""

    name: str
    filter: Filter | None
    position: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """`path op value`: links, the last name, the operator (lower case), the value, and
    where the last name stands (1-based character position, for error messages)."""

    links: tuple[Link, ...]
    name: str
    op: str
    value: str
    position: int

    @property
    def depth(self) -> int:
        """Nesting depth (sub-filters on the path count)."""
        return 1 + max((link.filter.depth for link in self.links if link.filter), default=0)


@dataclass(frozen=True, slots=True)
class Logical:
    """Filters joined by one operator, `and` or `or` (a run of the same one is flattened)."""

    op: str
    parts: tuple[Filter, ...]
    depth: int


@dataclass(frozen=True, slots=True)
class Negation:
    """`not (filter)`."""

    inner: Filter
    depth: int


Filter = Comparison | Logical | Negation


def _checked(node: Filter) -> Filter:
    if node.depth > MAX_DEPTH:
        raise bad_request(f"_filter is nested more than {MAX_DEPTH} levels deep")
    return node


@v_args(inline=True)
class _Build(Transformer[Token, Filter]):
    """Builds the tree while parsing (no parse tree, so no recursion on deep input)."""

    def logical(self, left: Filter, op: Token, right: Filter) -> Filter:
        word = op.lower()
        if isinstance(left, Logical) and left.op == word:
            return _checked(Logical(word, (*left.parts, right), max(left.depth, right.depth + 1)))
        return _checked(Logical(word, (left, right), 1 + max(left.depth, right.depth)))

    def negation(self, _not: Token, inner: Filter) -> Filter:
        return _checked(Negation(inner, inner.depth + 1))

    def link(self, name: Token, sub: Filter | None = None) -> Link:
        return Link(str(name), sub, _position(name))

    def comparison(self, *items: Link | Token) -> Filter:
        *links, name, op, value = items
        assert isinstance(name, Token) and isinstance(op, Token) and isinstance(value, Token)
        path = tuple(link for link in links if isinstance(link, Link))
        return _checked(Comparison(path, str(name), op.lower(), _value(value), _position(name)))


def _position(token: Token) -> int:
    return (token.start_pos or 0) + 1


def _value(token: Token) -> str:
    """The text of a value: a JSON string is decoded (`\\"`, `\\\\`, `\\u00e9`, ...)."""
    if token.type != "STRING":
        return str(token)
    try:
        text: str = json.loads(token)
    except ValueError as error:
        raise bad_request(f"_filter: invalid string {token} at character "
                          f"{_position(token)}: {error}") from None
    return text


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", lexer="contextual", transformer=_Build())


def parse(text: str) -> Filter:
    """The tree of a `_filter` expression; a 400 saying where the syntax is wrong."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise bad_request(_syntax_message(text, error)) from None
    assert isinstance(tree, Comparison | Logical | Negation)
    return tree


def _syntax_message(text: str, error: UnexpectedInput) -> str:
    position = error.pos_in_stream if error.pos_in_stream is not None else len(text)
    expected: set[str] = set()
    if isinstance(error, UnexpectedToken):
        expected = error.expected
        if error.token.type == "$END":
            position = len(text)
    elif isinstance(error, UnexpectedCharacters):
        expected = error.allowed or set()
    found = f"'{text[position:position + 20]}'" if position < len(text) else "the end"
    if text[position:position + 1] == '"' and "STRING" in expected:
        found = "a string without its closing '\"'"
    wanted = sorted({_EXPECTED.get(name, name) for name in expected})
    hint = f"; expected {' or '.join(wanted)}" if wanted else ""
    return f"_filter syntax error at character {position + 1}: found {found}{hint}"
