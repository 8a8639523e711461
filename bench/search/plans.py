"""Reading PostgreSQL's JSON plans (EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)): what was scanned
and how much work it took.

A plan is "bad" when it reads a whole table: a Seq Scan on `resource` or an `idx_*` table.
A rid-ordered walk of a whole type through `resource_type_rid` is no Seq Scan but grows with
the table just the same, so every scan's visited rows are counted too (`visited`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Node = dict[str, Any]


def nodes(plan: Node, depth: int = 0) -> Iterator[tuple[int, Node]]:
    """Every node of a plan tree with its depth, parents first."""
    yield depth, plan
    for child in plan.get("Plans", []):
        yield from nodes(child, depth + 1)


def watched(relation: str) -> bool:
    """Tables that must never be read whole: the resources and the search indexes."""
    return relation == "resource" or relation.startswith("idx_")


def touches(plan: Node) -> bool:
    """Whether the plan reads a watched table (not so asyncpg's own type and JIT queries)."""
    return any(watched(n.get("Relation Name", "")) for _, n in nodes(plan))


def seq_scans(plan: Node) -> list[str]:
    """The watched tables this plan reads with a Seq Scan. A table without a single page
    (idx_* tables of features the data does not use) is left out: reading it is free."""
    return [n["Relation Name"] for _, n in nodes(plan)
            if n["Node Type"] == "Seq Scan" and watched(n.get("Relation Name", ""))
            and (buffers(n) or n.get("Actual Rows") or n.get("Rows Removed by Filter"))]


def _loops(node: Node) -> float:
    return float(node.get("Actual Loops", 1) or 1)


def visited(plan: Node) -> int:
    """Rows the scans of watched tables produced or threw away, over all their loops."""
    total = 0.0
    for _, n in nodes(plan):
        if watched(n.get("Relation Name", "")):
            removed = n.get("Rows Removed by Filter", 0) + n.get("Rows Removed by Index Recheck", 0)
            total += (n.get("Actual Rows", 0) + removed) * _loops(n)
    return int(total)


def buffers(plan: Node) -> int:
    """Shared buffers hit or read by the whole statement."""
    return int(plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0))


def _describe(node: Node) -> str:
    what = str(node["Node Type"])
    if "Index Name" in node:
        what += f" using {node['Index Name']}"
    if "Relation Name" in node:
        what += f" on {node['Relation Name']}"
    return what


def key_lines(plan: Node, limit: int = 14) -> list[str]:
    """The plan as short indented lines: node, rows x loops, buffers; scans with their
    conditions. Nodes below an Aggregate or Sort are kept; Result and Limit nodes too."""
    lines = []
    for depth, n in nodes(plan):
        rows = f"rows={n.get('Actual Rows', 0):g}"
        if _loops(n) > 1:
            rows += f" loops={_loops(n):g}"
        cond = n.get("Index Cond") or n.get("Recheck Cond") or ""
        cond = f"  [{cond[:90]}]" if cond else ""
        lines.append(f"{'  ' * depth}{_describe(n)} ({rows}, buffers={buffers(n)}){cond}")
    return lines[:limit] + ([f"  … {len(lines) - limit} more nodes"] if len(lines) > limit else [])


@dataclass(frozen=True)
class Statement:
    """One statement the server ran for a request, as auto_explain logged it."""

    text: str
    plan: Node
    ms: float

    @property
    def rows(self) -> int:
        """Rows the statement returned."""
        return int(self.plan.get("Actual Rows", 0))

    @classmethod
    def from_log(cls, explained: Node) -> Statement:
        """From auto_explain's JSON: {"Query Text": …, "Plan": {…}}."""
        plan = explained["Plan"]
        return cls(explained.get("Query Text", ""), plan, float(plan.get("Actual Total Time", 0)))
