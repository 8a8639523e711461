"""Errors as FHIR OperationOutcomes: every failure the API reports is one of these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Issue:
    """One OperationOutcome.issue: severity, issue-type code, text and FHIRPath location."""

    code: str
    diagnostics: str
    severity: str = "error"
    expression: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            out["expression"] = [self.expression]
        return out


class FhirError(Exception):
    """A failure with an HTTP status and the issues to report in an OperationOutcome."""

    def __init__(
        self, status: int, issues: list[Issue] | Issue, headers: dict[str, str] | None = None
    ):
        self.status = status
        self.issues = issues if isinstance(issues, list) else [issues]
        self.headers = headers or {}
        super().__init__("; ".join(i.diagnostics for i in self.issues))

    def outcome(self) -> dict[str, Any]:
        return operation_outcome(self.issues)


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    """An OperationOutcome resource for the given issues."""
    return {"resourceType": "OperationOutcome", "issue": [i.to_json() for i in issues]}


def bad_request(
    diagnostics: str, code: str = "invalid", expression: str | None = None
) -> FhirError:
    """400: the request itself is malformed."""
    return FhirError(400, Issue(code, diagnostics, expression=expression))


def unprocessable(issues: list[Issue]) -> FhirError:
    """422: well-formed but violates the R4 rules."""
    return FhirError(422, issues)


def not_found(diagnostics: str) -> FhirError:
    """404: no such type, resource or version."""
    return FhirError(404, Issue("not-found", diagnostics))


def gone(diagnostics: str) -> FhirError:
    """410: the resource was deleted."""
    return FhirError(410, Issue("deleted", diagnostics))


def precondition_failed(diagnostics: str) -> FhirError:
    """412: If-Match or a conditional criterion did not hold."""
    return FhirError(412, Issue("conflict", diagnostics))


def conflict(diagnostics: str) -> FhirError:
    """409: the write collides with the current state."""
    return FhirError(409, Issue("conflict", diagnostics))
