"""Strict FHIRPath syntax checking.

fhirpathpy's parser recovers from syntax errors silently, so `Patient..name` compiles and
selects nothing, which would make a mistyped delete "succeed". Parsing the whole expression
again with fhirpathpy's own generated ANTLR grammar and an error listener that raises turns
such a path into a 400.
"""

from __future__ import annotations

from typing import Any

from antlr4 import CommonTokenStream, InputStream
from antlr4.error.ErrorListener import ErrorListener
from fhirpathpy.parser.generated.FHIRPathLexer import FHIRPathLexer
from fhirpathpy.parser.generated.FHIRPathParser import FHIRPathParser


class FhirPathSyntaxError(ValueError):
    """The expression is not FHIRPath."""


class _Raise(ErrorListener):  # type: ignore[misc]
    def syntaxError(self, recognizer: Any, offendingSymbol: Any, line: int, column: int,  # noqa: N802,N803
                    msg: str, e: Any) -> None:
        raise FhirPathSyntaxError(f"at column {column + 1}: {msg}")


def check_syntax(expression: str) -> None:
    """Raise FhirPathSyntaxError unless `expression` is one complete FHIRPath expression."""
    listener = _Raise()
    lexer = FHIRPathLexer(InputStream(expression))
    lexer.removeErrorListeners()
    lexer.addErrorListener(listener)
    parser = FHIRPathParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(listener)
    parser.entireExpression()  # type: ignore[no-untyped-call]
