"""Load-test the repository core of any FHIR R4 server: read, create, update, transaction.

    python bench/fhir_load.py --base http://127.0.0.1:8080/fhir --clients 16 --duration 20
    python bench/fhir_load.py --base URL --scenario read --server-pid 1234 --postgres-pid 5678

Seeds --patients Patients with httpx, then for each scenario pre-generates the requests and
replays them with wrk (bench/wrk/replay.lua), counting every non-2xx answer. While wrk runs,
samples the CPU of the server, PostgreSQL (when their pids are given or found) and wrk.
Prints markdown tables; --json writes the raw figures; --profile DIR also samples the server
with py-spy while measuring (which slows it) and lists its hot spots.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import orjson
from core.cpu import listening_pids
from core.report import cpu_table, figures_table, first_errors
from core.runner import Options, Result, run_scenario, seed_patients
from core.scenarios import SCENARIOS
from core.seed import wait_ready


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="FHIR base URL, e.g. http://host:8080/fhir")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--duration", type=float, default=20, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of unmeasured load first")
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--patients", type=int, default=2000, help="patients seeded first")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the generated data")
    parser.add_argument("--server-pid", type=int, action="append", default=[],
                        help="server process (children included); default: the port's listener")
    parser.add_argument("--postgres-pid", type=int, action="append", default=[],
                        help="PostgreSQL postmaster (backends included)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--profile", type=Path,
                        help="py-spy the server into this folder while measuring (skews figures)")
    return parser.parse_args()


def _groups(args: argparse.Namespace) -> dict[str, list[int]]:
    parts = urlsplit(args.base)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    server = args.server_pid or listening_pids(port)
    groups = {"server": server} if server else {}
    if args.postgres_pid:
        groups["postgres"] = args.postgres_pid
    return groups


def _as_json(result: Result) -> dict[str, object]:
    return {"scenario": result.scenario.name, "clients": result.clients,
            "requests_per_s": result.run.per_second, "resources_per_s": result.resources_per_s,
            "requests": result.run.requests, "seconds": result.run.seconds,
            "latency_ms": result.run.latency_ms, "non_2xx": result.run.non_2xx,
            "socket_errors": result.run.socket_errors, "cpu_percent": result.cpu,
            "storage_check": result.storage_check(), "first_error": result.run.first_error}


def main() -> int:
    """Run the chosen scenarios and print the tables; exit 1 if any request failed."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    args = _arguments()
    base = args.base.rstrip("/")

    asyncio.run(wait_ready(base))
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    with tempfile.TemporaryDirectory(prefix="fhir-load-") as workdir:
        options = Options(base, args.clients, args.duration, args.warmup, args.seed,
                          Path(workdir), _groups(args), args.profile)
        print(f"seeding {args.patients} patients …", file=sys.stderr, flush=True)
        seeded = seed_patients(options, args.patients)
        results = []
        for name in names:
            print(f"running {name} …", file=sys.stderr, flush=True)
            results.append(run_scenario(SCENARIOS[name], seeded, options))
    print(figures_table(results), "", cpu_table(results), sep="\n")
    if errors := first_errors(results):
        print("\nFirst failed answers:\n" + errors)
    for result in results:
        if result.hot_spots:
            print(f"\nServer profile, {result.scenario.name}:\n{result.hot_spots}")
    if args.json:
        args.json.write_bytes(orjson.dumps([_as_json(r) for r in results],
                                           option=orjson.OPT_INDENT_2))
    return 1 if any(r.run.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
