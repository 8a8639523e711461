"""What extractors produce: values paired with their FHIR type code.

The type decides how a value is indexed, e.g. a `CodeableConcept` gives one token row per
coding while a `code` gives one row with an empty system.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Typed = tuple[Any, str]
Extractor = Callable[[dict[str, Any]], list[Typed]]


def no_values(resource: dict[str, Any]) -> list[Typed]:
    """The extractor of an expression that can never match."""
    return []
