"""The audit trail through the FHIR API: `AuditEvent/{id}` and `AuditEvent?...` are read from
the audit table, newest first; writes are refused (the platform alone records events).

Search parameters: `date` (with prefixes eq, ge, gt, le, lt; repeat for a range), `patient`,
`agent` (the user's Practitioner reference or subject, the client id, or the facility's
Organization reference), `action`, `outcome`, `subtype`, `_id`, `_count`; other parameters
get a 400 naming the supported ones. Paging by `_cursor` (the last event's sequence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fhir_server.audit import trail
from fhir_server.audit.event import served
from fhir_server.errors import FhirError, Issue, bad_request, not_found
from fhir_server.interactions.bundles import bundle
from fhir_server.interactions.paging import page_size
from fhir_server.search.params.date import parse_range

_COLUMNS = {"action": "action", "subtype": "subtype"}
_DATE_OPS = {"ge": (">=", 0), "gt": (">", 1), "le": ("<=", 1), "lt": ("<", 0)}
_IGNORED = frozenset({"_format", "_pretty", "_cursor", "_count", "_sort"})
SUPPORTED = ("date", "patient", "agent", "action", "outcome", "subtype", "_id", "_count")


def refuse_write() -> FhirError:
    """The answer to any write of an AuditEvent through the API."""
    return FhirError(405, Issue("not-supported",
                                "审计事件只能由平台记录，不能通过接口创建、修改或删除"
                                " (AuditEvents are recorded by the platform only)"))


@dataclass
class _Where:
    terms: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def add(self, sql: str, *values: Any) -> None:
        marks = []
        for value in values:
            self.args.append(value)
            marks.append(f"${len(self.args)}")
        self.terms.append(sql.format(*marks))


def _date(where: _Where, value: str) -> None:
    prefix, text = (value[:2], value[2:]) if value[:2] in (*_DATE_OPS, "eq") else ("eq", value)
    found = parse_range(text)
    if found is None:
        raise bad_request(f"date '{value}' is not a FHIR date (e.g. ge2026-01-01)")
    if prefix == "eq":
        where.add("recorded BETWEEN {} AND {}", found[0], found[1])
    else:
        op, bound = _DATE_OPS[prefix]
        where.add(f"recorded {op} {{}}", found[bound])


def _values(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _clause(where: _Where, name: str, value: str) -> None:
    if name == "date":
        _date(where, value)
    elif name == "patient":
        ids = [v.removeprefix("Patient/") for v in _values(value)]
        where.add("patient = ANY({})", ids)
    elif name == "agent":
        where.add("(agent = ANY({0}) OR client = ANY({0}) OR organization = ANY({0}))",
                  _values(value))
    elif name in ("outcome", "_id"):
        if not all(v.isdigit() and len(v) < 19 for v in _values(value)):
            raise bad_request(f"{name} takes numbers (outcome: 0, 4, 8, 12)")
        column = "outcome" if name == "outcome" else "seq"
        where.add(f"{column} = ANY({{}})", [int(v) for v in _values(value)])
    elif name in _COLUMNS:
        codes = [v.rsplit("|", 1)[-1] for v in _values(value)]
        where.add(f"{_COLUMNS[name]} = ANY({{}})", codes)
    else:
        raise bad_request(f"AuditEvent search supports {', '.join(SUPPORTED)}; not {name!r}")


async def search(pool: Any, base: str, pairs: list[tuple[str, str]],
                 default_count: int, max_count: int) -> dict[str, Any]:
    """A searchset of the events matching pairs, newest first."""
    where = _Where()
    for name, value in pairs:
        if name not in _IGNORED:
            _clause(where, name, value)
    cursor = [v for k, v in pairs if k == "_cursor"]
    if cursor:
        if not cursor[-1].isdigit():
            raise bad_request("invalid _cursor")
        where.add("seq < {}", int(cursor[-1]))
    count = page_size(dict(pairs).get("_count"), default_count, max_count)
    condition = " AND ".join(where.terms) or "TRUE"
    rows = await pool.fetch(f"SELECT seq, patient, body FROM audit_event WHERE {condition} "
                            f"ORDER BY seq DESC LIMIT {count + 1}", *where.args)
    entries = [{"fullUrl": f"{base}/AuditEvent/{r['seq']}",
                "resource": served(r["seq"], r["patient"], r["body"]),
                "search": {"mode": "match"}} for r in rows[:count]]
    criteria = [(k, v) for k, v in pairs if k != "_cursor"]
    links = [("self", f"{base}/AuditEvent?{urlencode(pairs)}")]
    if len(rows) > count and count:
        after = [("_cursor", str(rows[count - 1]["seq"]))]
        links.append(("next", f"{base}/AuditEvent?{urlencode(criteria + after)}"))
    return bundle("searchset", entries, links)


async def read(pool: Any, event_id: str) -> dict[str, Any]:
    """One event; 404 when there is none with that id."""
    known = event_id.isdigit() and len(event_id) < 19
    row = await pool.fetchrow("SELECT seq, patient, body FROM audit_event WHERE seq = $1",
                              int(event_id)) if known else None
    if row is None:
        raise not_found(f"AuditEvent/{event_id} is not known")
    current = trail.current()
    if current is not None:  # the event of this read names the event read
        current.first = f"AuditEvent/{event_id}"
    return served(row["seq"], row["patient"], row["body"])
