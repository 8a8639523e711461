"""Protected values in the search index: resident ID numbers and phone numbers.

The privacy rule: such values never appear in clear in a search index. An Identifier of a
protected system (settings `protected_identifier_systems`, the resident ID card number by
default) and a ContactPoint that is a phone, SMS or fax number are indexed as a keyed
HMAC-SHA256 of the normalised value (settings `index_key`), and a search hashes its value
the same way: exact search works, the index reveals nothing without the key. Prefix,
`:contains` and `_filter co/sw/ew` cannot see inside a digest (docs/conformance.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

from fhir_server.settings import get_settings

PHONE_SYSTEMS = frozenset({"phone", "sms", "fax", "pager"})
DIGEST_PREFIX = "hmac:"
_NOT_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"[\s-]")


@lru_cache(maxsize=1)
def _key() -> bytes:
    return get_settings().index_key.encode()


@lru_cache(maxsize=1)
def protected_systems() -> frozenset[str]:
    """The identifier systems whose values are protected."""
    return frozenset(get_settings().protected_identifier_systems)


def normalise_identifier(value: str) -> str:
    """An identifier as it is compared: no spaces or dashes, upper case (the check `X`)."""
    return _SPACES.sub("", value).upper()


def normalise_phone(value: str) -> str:
    """A phone number as it is compared: digits only, without the +86 / 0086 country code."""
    digits = _NOT_DIGIT.sub("", value)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) in (10, 11):
            return digits[len(prefix):]
    return digits


@lru_cache(maxsize=65536)
def digest(value: str) -> str:
    """The indexed form of a normalised protected value."""
    mac = hmac.new(_key(), value.encode(), hashlib.sha256).hexdigest()[:40]
    return DIGEST_PREFIX + mac


def identifier_code(system: str, value: str) -> str:
    """The code an Identifier is indexed under: its value, or a digest when protected."""
    if system in protected_systems():
        return digest(normalise_identifier(value))
    return value


def contact_code(system: str, value: str) -> str:
    """The code a ContactPoint is indexed under: phone numbers as a digest."""
    if system in PHONE_SYSTEMS:
        return digest(normalise_phone(value))
    return value


def query_codes(system: str | None, code: str) -> list[str]:
    """The indexed codes a token search value may match.

    With a protected or phone system, only its digest; with no system, a value that could
    be an ID or phone number (7 or more digits) is also tried as the digests of both (the
    index cannot tell which it is), and any other value only as given.
    """
    if system is None and len(_NOT_DIGIT.sub("", code)) < 7:
        return [code]
    if system is None:
        return list(dict.fromkeys([code, digest(normalise_identifier(code)),
                                   digest(normalise_phone(code))]))
    if system in protected_systems():
        return [digest(normalise_identifier(code))]
    if system in PHONE_SYSTEMS:
        return [digest(normalise_phone(code))]
    return [code]


def reset() -> None:
    """Forget the cached key and systems (tests that change the settings)."""
    _key.cache_clear()
    protected_systems.cache_clear()
    digest.cache_clear()
