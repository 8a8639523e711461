"""Splitting and unescaping search values."""

from __future__ import annotations

import pytest

from fhir_server.errors import FhirError
from fhir_server.search.escaping import split_unescaped, unescape


def test_split_keeps_escaped_separators() -> None:
    assert split_unescaped(r"a\,b,c", ",") == [r"a\,b", "c"]
    assert split_unescaped(r"a\\,b", ",") == [r"a\\", "b"]
    assert split_unescaped("a|b|", "|") == ["a", "b", ""]


def test_unescape() -> None:
    assert unescape(r"a\,b\|c\$d\\e") == "a,b|c$d\\e"


@pytest.mark.parametrize("text", [r"a\x", "a\\"])
def test_bad_escapes(text: str) -> None:
    with pytest.raises(FhirError):
        unescape(text)
