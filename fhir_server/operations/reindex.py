"""$reindex (system and type level) and $reindex-status: rebuild the search index in the
background and follow its progress.

FHIR's asynchronous request pattern (R4 async.html): `$reindex` answers 202 Accepted with
Content-Location naming the status URL, and a Parameters body with the job id;
`GET [base]/$reindex-status?job=<id>` answers 202 with `X-Progress` while the job runs and
200 once it has finished (state `done` or `failed`).
"""

from __future__ import annotations

from typing import Any

from fhir_server.errors import bad_request, not_found
from fhir_server.jobs import records
from fhir_server.jobs.dispatch import dispatch
from fhir_server.jobs.reindex import KIND, queue_reindex
from fhir_server.operations.registry import Operation, OperationCall, OperationResult

_BASE = "http://regional-hie.cn/fhir/OperationDefinition/"
_OUT = [
    {"name": "job", "use": "out", "min": 1, "max": "1", "type": "string"},
    {"name": "status", "use": "out", "min": 1, "max": "1", "type": "uri"},
    {"name": "state", "use": "out", "min": 1, "max": "1", "type": "code"},
    {"name": "done", "use": "out", "min": 1, "max": "1", "type": "integer"},
    {"name": "total", "use": "out", "min": 0, "max": "1", "type": "integer"},
    {"name": "started", "use": "out", "min": 0, "max": "1", "type": "instant"},
    {"name": "finished", "use": "out", "min": 0, "max": "1", "type": "instant"},
    {"name": "error", "use": "out", "min": 0, "max": "1", "type": "string"},
]


def _definition(code: str, name: str, type_level: bool, inputs: list[Any]) -> dict[str, Any]:
    return {
        "resourceType": "OperationDefinition", "id": code, "url": _BASE + code, "name": name,
        "status": "active", "kind": "operation", "code": code, "affectsState": type_level,
        "system": True, "type": type_level, "instance": False, "resource": ["Resource"],
        "parameter": inputs + _OUT,
    }


REINDEX = _definition("reindex", "Reindex", True, [])
STATUS = _definition("reindex-status", "ReindexStatus", False, [
    {"name": "job", "use": "in", "min": 1, "max": "1", "type": "string"}])


def _status_url(base: str, job_id: str) -> str:
    return f"{base}/$reindex-status?job={job_id}"


def _instant(value: Any) -> str:
    return str(value.isoformat())


def describe(job: records.Job, base: str) -> dict[str, Any]:
    """A job as the Parameters resource of both operations."""
    parts: list[dict[str, Any]] = [
        {"name": "job", "valueString": job.id},
        {"name": "status", "valueUri": _status_url(base, job.id)},
        {"name": "state", "valueCode": job.state},
        {"name": "done", "valueInteger": job.done},
    ]
    if job.total is not None:
        parts.append({"name": "total", "valueInteger": job.total})
    for name in ("started", "finished"):
        if (moment := getattr(job, name)) is not None:
            parts.append({"name": name, "valueInstant": _instant(moment)})
    if job.error:
        parts.append({"name": "error", "valueString": job.error})
    return {"resourceType": "Parameters", "parameter": parts}


async def run_reindex(call: OperationCall) -> OperationResult:
    """Queue a reindex of the type (or of everything) and start its runner."""
    async with call.platform.repo.pool.acquire() as conn:
        job_id = await queue_reindex(conn, call.res_type)
        job = await records.get(conn, job_id)
    assert job is not None
    await dispatch()
    return OperationResult(describe(job, call.base), 202,
                           headers={"Content-Location": _status_url(call.base, job_id)})


def _job_id(parameters: dict[str, Any]) -> str:
    for p in parameters.get("parameter", []):
        if p.get("name") == "job":
            return str(p.get("valueString") or p.get("valueId") or "")
    raise bad_request("$reindex-status needs the parameter 'job'")


async def run_status(call: OperationCall) -> OperationResult:
    """The job's state and progress: 202 while it is unfinished, 200 after."""
    job = await records.get(call.platform.repo.pool, _job_id(call.parameters))
    if job is None or job.kind != KIND:
        raise not_found("no such reindex job")
    if job.state in records.UNFINISHED:
        progress = f"{job.done}/{job.total if job.total is not None else '?'}"
        return OperationResult(describe(job, call.base), 202, headers={"X-Progress": progress})
    return OperationResult(describe(job, call.base))


OPERATIONS = (
    Operation("reindex", frozenset({"system", "type"}), run_reindex, REINDEX,
              affects_state=True),
    Operation("reindex-status", frozenset({"system"}), run_status, STATUS),
)
