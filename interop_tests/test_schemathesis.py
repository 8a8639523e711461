"""Fuzz every operation of the server's published OpenAPI document: never a 5xx.

Schemathesis generates valid (positive) and schema-violating (negative) requests for each
operation of http://[host]/openapi.json. Bounded for CI: a few derandomized examples per
operation and mode, so a run is repeatable and takes well under a minute.

(schemathesis' own pytest loader, `schemathesis.pytest.from_fixture`, fails on pytest 9 with
"'Function' object has no attribute '_nodeid'", so the operations are driven through
their hypothesis strategies here.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 12
# Random resource types only ever reach the 404 for an unknown type; pinning real ones
# sends the generated ids and bodies on into parsing, validation and storage.
KNOWN_TYPES = ("Patient", "Observation")

Operation = APIOperation[Any, Any, Any, Any]
Variant = tuple[GenerationMode, dict[str, str]]


@pytest.fixture(scope="module")
def api_schema(fhir_base: str) -> schemathesis.BaseSchema:
    """The OpenAPI document the running server publishes next to its FHIR base."""
    return schemathesis.openapi.from_url(f"{fhir_base.removesuffix('/fhir')}/openapi.json")


def _variants(operation: Operation) -> list[Variant]:
    """Positive cases, and negative ones where a body can be malformed (path parameters are
    strings of any shape, so there is nothing in them to negate)."""
    typed = "{res_type}" in operation.path
    pinned: list[dict[str, str]] = [{}] + [{"res_type": t} for t in KNOWN_TYPES if typed]
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if operation.body else [])
    return [(mode, path) for mode in modes for path in pinned]


def _fuzz(operation: Operation, variant: Variant, calls: list[int]) -> str | None:
    """Run one operation's generated cases; the shrunk failure, if any, as text."""
    mode, path = variant

    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None,
              database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
    def run(case: Case[Operation]) -> None:
        calls.append(case.call_and_validate(checks=[not_a_server_error], timeout=30).status_code)

    try:
        run()
    except Exception as failure:  # noqa: BLE001 - every failure is reported, none hidden
        return f"{operation.label} ({mode.value}, {path or 'any type'}): {failure}"
    return None


def test_no_operation_answers_5xx(api_schema: schemathesis.BaseSchema) -> None:
    results = list(api_schema.get_all_operations())
    assert not [r.err() for r in results if isinstance(r, Err)]
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    calls: list[int] = []
    failures = [f for op in operations for variant in _variants(op)
                if (f := _fuzz(op, variant, calls))]
    print(f"\n{len(operations)} operations, {len(calls)} requests: {sorted(set(calls))}")
    assert len(operations) > 10 and len(calls) > 10 * EXAMPLES_PER_OPERATION
    assert not failures, "\n\n".join(failures)
