"""The results as markdown: a figures table and a table of what limited each figure."""

from __future__ import annotations

import os
from collections.abc import Iterable

from core.runner import Result

CAPACITY = 100.0 * (os.cpu_count() or 1)  # percent: the whole machine


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _met(result: Result) -> str:
    met = result.scenario.target.met(result.run.per_second, result.resources_per_s,
                                     result.run.latency_ms["99"])
    return {None: "", True: " ✅", False: " ❌"}[met]


def _errors(result: Result) -> str:
    if not result.run.errors:
        return "0"
    codes = ", ".join(f"{n}×{code}" for code, n in sorted(result.run.non_2xx.items()))
    sockets = f", {result.run.socket_errors} socket" if result.run.socket_errors else ""
    return f"**{result.run.errors:,}** ({codes}{sockets})"


def figures_table(results: Iterable[Result]) -> str:
    """Scenario, clients, throughput, latency percentiles, errors and target, one row each."""
    rows = ["| Scenario | Clients | Requests/s | Resources/s | p50 ms | p90 ms | p99 ms | "
            "Errors | Target |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in results:
        lat = r.run.latency_ms
        rows.append(f"| {r.scenario.title} | {r.clients} | {r.run.per_second:,.0f} | "
                    f"{r.resources_per_s:,.0f} | {_ms(lat['50'])} | {_ms(lat['90'])} | "
                    f"{_ms(lat['99'])} | {_errors(r)} | {r.scenario.target.describe()}{_met(r)} |")
    return "\n".join(rows)


def _ours(cpu: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(((k, v) for k, v in cpu.items() if k not in ("machine", "other")),
                  key=lambda kv: -kv[1])


def limit(cpu: dict[str, float]) -> str:
    """What bounds the figure: the CPU shares when the machine is saturated, else waiting."""
    shares = ", ".join(f"{name} {value:.0f}%" for name, value in _ours(cpu))
    if cpu["machine"] >= 0.85 * CAPACITY:
        return f"CPU: {shares}; other processes {cpu['other']:.0f}%"
    return f"waiting, not CPU (machine {cpu['machine']:.0f}%: {shares})"


def alone(result: Result) -> float | None:
    """Resources/s if the benchmarked processes had had the whole (saturated) machine.

    Assumes throughput scales with the CPU they got; None when the machine was not saturated.
    """
    ours = sum(value for _, value in _ours(result.cpu))
    if result.cpu["machine"] < 0.85 * CAPACITY or ours <= 0:
        return None
    return result.resources_per_s * CAPACITY / ours


def _cost(result: Result, group: str) -> str:
    rate = result.resources_per_s
    return f"{10 * result.cpu[group] / rate:.2f}" if group in result.cpu and rate else "—"


def cpu_table(results: Iterable[Result]) -> str:
    """Per scenario: what limited it, CPU cost per resource, and the estimate alone on the box."""
    rows = [f"| Scenario | Limited by (% of one core; machine = {CAPACITY:.0f}%) | "
            "CPU ms/resource: server, postgres | Resources/s alone (est.) | Stored |",
            "|---|---|---|---:|---|"]
    for r in results:
        estimate = alone(r)
        shown = f"~{estimate:,.0f}" if estimate is not None else "—"
        rows.append(f"| {r.scenario.name} | {limit(r.cpu)} | {_cost(r, 'server')}, "
                    f"{_cost(r, 'postgres')} | {shown} | {r.storage_check()} |")
    return "\n".join(rows)


def first_errors(results: Iterable[Result]) -> str:
    """The first failed answer of each scenario that had failures, to start the diagnosis."""
    return "\n".join(f"- {r.scenario.name}: `{(r.run.first_error or '')[:400]}`"
                     for r in results if r.run.first_error)
