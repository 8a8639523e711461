"""Measure the write-time validator on the R4 package's own examples.

Usage: HIE_DEFINITIONS_DIR=... python bench/bench_validation.py [--rounds N]

Prints the compile time, the pass count and throughput over every example of
hl7.fhir.r4.examples 4.0.1, and the per-call time for typical Patient and Observation
examples. Per-call figures are the best and median of many single calls, so that other
load on the machine shows in the median and not in the best.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from fhir_server.definitions.packages import iter_resources
from fhir_server.validation import prepare_validators, validate_resource

TYPICAL = ("Patient-example.json", "Observation-example.json")


def call_times_us(resource: dict[str, Any], calls: int) -> list[float]:
    """The duration of each of `calls` validations of one resource, in microseconds."""
    times = []
    for _ in range(calls):
        started = time.perf_counter_ns()
        validate_resource(resource)
        times.append((time.perf_counter_ns() - started) / 1000)
    return times


def bench_all(examples: list[tuple[str, dict[str, Any]]], rounds: int) -> None:
    """Pass count and throughput over every example, best of `rounds` passes."""
    passed = sum(not validate_resource(resource) for _, resource in examples)
    best = min(_one_pass(examples) for _ in range(rounds))
    print(f"examples: {len(examples)}, valid: {passed}, invalid: {len(examples) - passed}")
    print(
        f"all examples: {len(examples) / best:,.0f} examples/s, "
        f"{best / len(examples) * 1e6:,.1f} us per resource (mean)"
    )


def _one_pass(examples: list[tuple[str, dict[str, Any]]]) -> float:
    started = time.perf_counter()
    for _, resource in examples:
        validate_resource(resource)
    return time.perf_counter() - started


def bench_typical(examples: dict[str, dict[str, Any]], calls: int) -> None:
    """Best and median single-call time for the typical examples and their whole type."""
    for name in TYPICAL:
        times = call_times_us(examples[name], calls)
        print(f"{name}: best {min(times):.1f} us, median {statistics.median(times):.1f} us")
    for resource_type in ("Patient", "Observation"):
        medians = [
            statistics.median(call_times_us(resource, calls // 10))
            for name, resource in examples.items()
            if name.startswith(resource_type + "-")
        ]
        print(
            f"all {len(medians)} {resource_type} examples: median of medians "
            f"{statistics.median(medians):.1f} us, slowest {max(medians):.1f} us"
        )


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over all examples")
    parser.add_argument("--calls", type=int, default=20000, help="calls per typical example")
    args = parser.parse_args()
    started = time.perf_counter()
    prepare_validators()
    print(f"compile: {time.perf_counter() - started:.2f} s")
    examples = list(iter_resources())
    bench_all(examples, args.rounds)
    bench_typical(dict(examples), args.calls)


if __name__ == "__main__":
    main()
