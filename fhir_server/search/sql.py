"""Building SQL with asyncpg `$n` placeholders: arguments are collected, never inlined."""

from __future__ import annotations

from typing import Any


class SqlArgs:
    """Collects query arguments and hands out their placeholders, numbered from `first`."""

    def __init__(self, first: int) -> None:
        self.first = first
        self.values: list[Any] = []
        self._shared: dict[str, str] = {}
        self._aliases = 0

    def add(self, value: Any) -> str:
        """Append an argument and return its placeholder, e.g. `$3`."""
        self.values.append(value)
        return f"${self.first + len(self.values) - 1}"

    def alias(self, prefix: str) -> str:
        """A table alias not used elsewhere in the statement (nested chains, `_has`)."""
        self._aliases += 1
        return f"{prefix}{self._aliases}"

    def shared(self, text: str) -> str:
        """One placeholder for a text used many times (e.g. the resource type)."""
        if text not in self._shared:
            self._shared[text] = self.add(text)
        return self._shared[text]


def starts_with_sql(column: str, prefix: str, args: SqlArgs) -> str:
    """`column` starts with prefix, as a byte-order range a text_pattern_ops btree serves.

    (A `LIKE $n` pattern is unknown when a generic plan is made, so it cannot use the index.)
    """
    upper = _successor(prefix)
    if upper is None:
        return f"{column} LIKE {args.add(like_prefix(prefix))}"
    return f"{column} ~>=~ {args.add(prefix)} AND {column} ~<~ {args.add(upper)}"


def _successor(prefix: str) -> str | None:
    """The least string greater than every string starting with prefix (code-point order)."""
    if not prefix or prefix[-1] == "\U0010ffff":
        return None
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates cannot be encoded; skip past them
        following = 0xE000
    return prefix[:-1] + chr(following)


def like_prefix(text: str) -> str:
    """A LIKE pattern matching strings that start with text (wildcards escaped)."""
    return escape_like(text) + "%"


def escape_like(text: str) -> str:
    """Text with LIKE's `%`, `_` and escape character made literal (default escape `\\`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Parameters answered from columns of the `resource` table instead of an index table.
RESOURCE_COLUMNS = {"_id": "res_id", "_lastUpdated": "last_updated"}
