"""Splitting and unescaping search values (FHIR R4 search, 3.1.1.5 "Escaping Search Parameters").

In a value, `\\,` `\\|` `\\$` and `\\\\` stand for the literal characters; an unescaped `,`
separates alternatives (OR) and an unescaped `|` separates a token's or quantity's parts.
"""

from __future__ import annotations

from fhir_server.errors import bad_request

ESCAPABLE = frozenset(",|$\\")


def split_unescaped(text: str, separator: str) -> list[str]:
    """Split text at each `separator` not preceded by a backslash; escapes are kept."""
    if "\\" not in text:
        return text.split(separator)
    parts: list[str] = []
    start = i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == separator:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def unescape(text: str) -> str:
    """Replace each escape sequence by its character; a lone or unknown escape is a 400."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            following = text[i + 1 : i + 2]
            if following not in ESCAPABLE or not following:
                raise bad_request(f"invalid escape '\\{following}' in search value '{text}'")
            out.append(following)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)
