"""A strict syntax check of FHIRPath expressions, for SearchParameters stored on the server.

fhirpathpy's parser recovers from syntax errors silently (`Patient.(((` parses), which is
right for evaluating the spec's own expressions but not for accepting a client's: here the
same ANTLR grammar runs with a listener that keeps every error, and the whole input must be
consumed.
"""

from __future__ import annotations

from typing import Any

from antlr4 import CommonTokenStream, InputStream, Token
from antlr4.error.ErrorListener import ErrorListener
from fhirpathpy.parser.generated.FHIRPathLexer import FHIRPathLexer
from fhirpathpy.parser.generated.FHIRPathParser import FHIRPathParser


class _Collect(ErrorListener):  # type: ignore[misc]
    """Keeps the first syntax error ANTLR reports."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def syntaxError(  # noqa: N802 (ANTLR's name)
        self, recognizer: Any, offending: Any, line: int, column: int, msg: str, e: Any
    ) -> None:
        self.errors.append(f"column {column + 1}: {msg}")


def expression_problem(expression: str) -> str | None:
    """The first syntax error of a FHIRPath expression, or None when it parses completely."""
    errors = _Collect()
    lexer = FHIRPathLexer(InputStream(expression))
    lexer.removeErrorListeners()
    lexer.addErrorListener(errors)
    tokens = CommonTokenStream(lexer)
    parser = FHIRPathParser(tokens)
    parser.removeErrorListeners()
    parser.addErrorListener(errors)
    parser.expression()
    if not errors.errors and tokens.LA(1) != Token.EOF:
        errors.errors.append(f"unexpected text after column {tokens.LT(1).start}")
    return errors.errors[0] if errors.errors else None
