"""Resident ID numbers and phone numbers out of text that leaves the database: query strings
in audit records, log lines and error messages.

Each such number is replaced by its keyed digest (search/protect.py), the same one the
search index holds: a steward with the key can still tell which resident a query was about,
nobody else can read the number. Matching is by shape, so it also catches numbers typed
into parameters that are not identifiers (`_content=13812345678`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fhir_server.search.protect import digest, normalise_identifier, normalise_phone

# 18-digit ID (last character may be X) or legacy 15-digit ID, not part of a longer number.
# Digits next to letters still count (`x41010219800101123X`, `%7C` + an ID in a URL); only
# a longer run of digits is something else (a bank card, a big number).
_START = r"(?<!\d)"
_RESIDENT_ID = re.compile(_START + r"(\d{17}[\dXx]|\d{15})(?!\d)")
# Mobile (optionally +86, spaces or dashes between groups) or landline with area code.
_PHONE = re.compile(
    _START + r"(?:(?:\+|00)?86[-\s]?)?(1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}|0\d{2,3}-?\d{7,8})"
    r"(?!\d)"
)


def _id(match: re.Match[str]) -> str:
    return digest(normalise_identifier(match.group(1)))


def _phone(match: re.Match[str]) -> str:
    return digest(normalise_phone(match.group(1)))


def redact(text: str) -> str:
    """text with every resident ID and phone number replaced by its digest."""
    if not any(c.isdigit() for c in text):
        return text
    return _PHONE.sub(_phone, _RESIDENT_ID.sub(_id, text))


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the message and its arguments before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        return True


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error", "fhir_server", "celery")


def install_log_redaction() -> None:
    """Redact every record of the platform's loggers (idempotent).

    A filter on a logger sees only records logged through that logger, so it is put on the
    handlers of the root and uvicorn loggers as well, which see the propagated ones.
    """
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactingFilter) for f in target.filters):
                target.addFilter(RedactingFilter())
