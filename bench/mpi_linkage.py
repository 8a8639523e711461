"""MPI benchmark: blocking quality, linkage quality and per-stage time on a synthetic county.

python bench/mpi_linkage.py --patients 20000 [--em]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mpi.evaluate.linkage import evaluate
from synthdata.config import SynthConfig
from synthdata.pipeline import generate


def main() -> None:
    """Generate a county, link it, print the figures docs/benchmarks.md quotes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--em", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        generate(
            SynthConfig(args.patients, args.seed, Path(out), workers=1, dicom=False), force=True
        )
        started = time.perf_counter()
        report = evaluate(Path(out), use_em=args.em)
        elapsed = time.perf_counter() - started
    b = report.blocking
    print(f"records={b.records} true_pairs={b.true_pairs} candidate_pairs={b.candidate_pairs}")
    print(f"pairs_completeness={b.pairs_completeness:.5f} reduction_ratio={b.reduction_ratio:.7f}")
    print(f"precision={report.precision:.5f} recall={report.recall:.5f} f1={report.f1:.5f}")
    print(f"possible_matches={report.possible} total_seconds={elapsed:.1f}")
    print(f"per_record_ms={1000 * report.seconds['normalise+keys'] / b.records:.3f}")
    for stage, seconds in report.seconds.items():
        print(f"  {stage}: {seconds:.2f}s")


if __name__ == "__main__":
    main()
