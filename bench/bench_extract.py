"""Time `index_rows` (search-index extraction, run on every write) over the R4 examples.

Usage: `PYTHONPATH=. python bench/bench_extract.py [--repeat N]`. Prints the best of N
passes, in µs per resource, for all example resources, for the non-conformance examples
alone and for the Patient example. The best pass is reported: other load only adds time.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from fhir_server.definitions.packages import iter_resources
from fhir_server.search import index_rows, registry

# Definitional resources: large, numerous in the package, rare on a clinical server.
CONFORMANCE = ("SearchParameter", "StructureDefinition", "CodeSystem", "ValueSet",
               "ConceptMap", "OperationDefinition", "CapabilityStatement", "NamingSystem",
               "CompartmentDefinition", "ImplementationGuide", "StructureMap")


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of `repeat` timed runs of work, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def per_resource(resources: list[dict[str, Any]], repeat: int) -> float:
    """Best µs per resource for index_rows over resources."""
    seconds = best_of(repeat, lambda: [index_rows(r) for r in resources])
    return seconds / len(resources) * 1e6


def main() -> None:
    """Load the examples, warm up the registry, and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    started = time.perf_counter()
    stats = registry().stats
    print(f"registry built in {time.perf_counter() - started:.2f} s: {dict(stats)}")
    everything = [r for _, r in iter_resources() if "resourceType" in r]
    clinical = [r for r in everything if r["resourceType"] not in CONFORMANCE]
    patient = [r for r in everything if r["resourceType"] == "Patient" and r["id"] == "example"]
    rows = sum(len(v) for r in clinical for v in index_rows(r).values())
    print(f"all {len(everything)} resources: {per_resource(everything, repeat):8.1f} µs each")
    print(f"{len(clinical)} non-conformance examples: {per_resource(clinical, repeat):8.1f} "
          f"µs each ({rows / len(clinical):.1f} rows each)")
    print(f"Patient/example: {per_resource(patient * 100, repeat * 10):8.1f} µs")


if __name__ == "__main__":
    main()
