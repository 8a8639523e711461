"""The search figures as markdown: one table per dataset, and small against large."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.report import limit

from search.measure import Outcome


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _target(outcome: Outcome) -> str:
    target = outcome.query.target_p95_ms
    if target is None:
        return "—"
    if outcome.result is None or outcome.status != "ok":
        return f"<{target:g}"
    return f"<{target:g} {'✅' if outcome.result.run.latency_ms['95'] < target else '❌'}"


def _cost(result: Any, group: str) -> str:
    rate = result.run.per_second
    return f"{10 * result.cpu[group] / rate:.2f}" if rate and group in result.cpu else "—"


def _row(o: Outcome) -> str:
    check = "ok" if o.status == "ok" else f"**{o.status[:160]}**"
    if o.result is None:
        return f"| {o.query.title} | — | — | — | — | — | — | {_target(o)} | {check} |"
    lat, run = o.result.run.latency_ms, o.result.run
    errors = f" ({run.errors:,} errors)" if run.errors else ""
    return (f"| {o.query.title} | {_ms(lat['50'])} | {_ms(lat['95'])} | {_ms(lat['99'])} | "
            f"{run.per_second:,.0f}{errors} | {o.results:.1f} | {_cost(o.result, 'server')}, "
            f"{_cost(o.result, 'postgres')} | {_target(o)} | {check} |")


def figures_table(outcomes: Iterable[Outcome]) -> str:
    """Per query: latency percentiles, throughput, matches, CPU cost, target, answer check."""
    rows = ["| Query | p50 ms | p95 ms | p99 ms | req/s | matches/req | CPU ms/req server, PG | "
            "target p95 | answer check |", "|---|---:|---:|---:|---:|---:|---|---|---|"]
    return "\n".join(rows + [_row(o) for o in outcomes])


def limits(outcomes: Iterable[Outcome]) -> str:
    """What bounded each measured query (CPU shares, as in the core benchmark)."""
    return "\n".join(f"- {o.query.name}: {limit(o.result.cpu)}" for o in outcomes if o.result)


def _p95(outcome: Outcome | None) -> str:
    if outcome is None or outcome.result is None:
        return "—"
    return _ms(outcome.result.run.latency_ms["95"])


def comparison(by_dataset: dict[str, list[Outcome]]) -> str:
    """p95 and matches per request of each query at every dataset size, side by side."""
    names = list(by_dataset)
    queries = {o.query.name: o.query.title for outs in by_dataset.values() for o in outs}
    found = {(o.dataset, o.query.name): o for outs in by_dataset.values() for o in outs}
    head = " | ".join(f"{n} p95 ms | {n} matches" for n in names)
    rows = [f"| Query | {head} |", "|---|" + "---:|---:|" * len(names)]
    for name, title in queries.items():
        cells = [f"{_p95(found.get((d, name)))} | "
                 f"{found[(d, name)].results:.1f}" if (d, name) in found else "— | —"
                 for d in names]
        rows.append(f"| {title} | {' | '.join(cells)} |")
    return "\n".join(rows)
