"""The parts of an AuditEvent (IHE Basic Audit Log Patterns, BALP) that one request shares
across its events: type, subtype, action, outcome, agents, source and the data or query
entity. The store adds each event's id and, for patient-specific events, the patient.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

import orjson

from fhir_server.audit.redact import redact
from fhir_server.auth.principal import Principal
from fhir_server.storage.models import format_instant

BALP = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit."
DCM = "http://dicom.nema.org/resources/ontology/DCM"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SERVER = "regional-hie FHIR server"
# http://hl7.org/fhir/audit-event-outcome: success, minor failure, serious failure
OUTCOMES = {0: "0", 4: "4", 8: "8"}
PATIENT_TYPE = {"system": ENTITY_TYPE, "code": "1", "display": "Person"}
PATIENT_ROLE = {"system": OBJECT_ROLE, "code": "1", "display": "Patient"}
_PROFILES = {"R": "Read", "C": "Create", "U": "Update", "D": "Delete"}


@dataclass(frozen=True, slots=True)
class Facts:
    """What happened: the interaction, its outcome, who asked and what it was about."""

    subtype: str
    action: str
    recorded: datetime
    outcome: int  # 0, 4 (the client's error or a denial), 8 (the server's)
    principal: Principal
    address: str | None
    query: str | None = None  # the request's query string (redacted here)
    what: tuple[str, ...] = ()  # "Type/id/_history/v" of the resources read or written
    description: str | None = None  # why it failed


def profile(facts: Facts, patient_specific: bool) -> str:
    """The BALP profile this event follows (e.g. PatientRead, Query)."""
    if facts.subtype.startswith("search"):
        name = "Query"
    else:
        name = _PROFILES.get(facts.action, "Query" if facts.query else "Read")
    return BALP + ("Patient" + name if patient_specific else name)


def _user(principal: Principal) -> dict[str, Any]:
    who: dict[str, Any] = {"identifier": {"system": "urn:regional-hie:subject",
                                          "value": principal.subject}}
    if principal.practitioner:
        who["reference"] = principal.practitioner
    if principal.display:
        who["display"] = principal.display
    agent: dict[str, Any] = {
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                             "extra-security-role-type", "code": "humanuser",
                             "display": "human user"}]},
        "who": who, "requestor": True,
    }
    if principal.roles:
        agent["role"] = [{"text": r} for r in sorted(principal.roles)]
    if principal.break_glass is not None:
        glass = principal.break_glass
        agent["purposeOfUse"] = [{"coding": [
            {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "ETREAT",
             "display": "emergency treatment"},
            {"system": "urn:regional-hie:break-glass-reason", "code": glass.reason_code}],
            "text": glass.reason_text}]
    return agent


def _client(principal: Principal, address: str | None) -> dict[str, Any]:
    agent: dict[str, Any] = {
        "type": {"coding": [{"system": DCM, "code": "110153", "display": "Source Role ID"}]},
        "who": {"identifier": {"system": "urn:regional-hie:client",
                               "value": principal.client_id or "unknown"}},
        "requestor": principal.kind == "system",
    }
    if principal.organization:
        agent["who"]["reference"] = principal.organization
    if address:
        agent["network"] = {"address": address, "type": "2"}
    return agent


def agents(principal: Principal, address: str | None) -> list[dict[str, Any]]:
    """The requesting user (unless a system client acts alone), the client, this server."""
    found = [] if principal.kind == "system" else [_user(principal)]
    found.append(_client(principal, address))
    found.append({"type": {"coding": [{"system": DCM, "code": "110152",
                                       "display": "Destination Role ID"}]},
                  "who": {"display": SERVER}, "requestor": False})
    return found


def entities(facts: Facts) -> list[dict[str, Any]]:
    """The data entity (resource read or written) and the query entity, as they apply."""
    found: list[dict[str, Any]] = []
    found.extend({"what": {"reference": what},
                  "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
                  "role": {"system": OBJECT_ROLE, "code": "4", "display": "Domain Resource"}}
                 for what in facts.what)
    if facts.query is not None:
        text = redact(unquote_plus(facts.query))
        found.append({"type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
                      "role": {"system": OBJECT_ROLE, "code": "24", "display": "Query"},
                      "query": base64.b64encode(text.encode()).decode(),
                      "description": text})
    return found


def shared(facts: Facts) -> dict[str, Any]:
    """What every event of a request holds: the AuditEvent without id and patient entity;
    its profile is the variant without a patient (see `served`)."""
    event = template(facts)
    event.setdefault("meta", {})["profile"] = [profile(facts, False)]
    event["entity"] = entities(facts)
    return event


def served(seq: int, patient: str | None, body: bytes) -> dict[str, Any]:
    """The AuditEvent of one stored row: the shared body with the row's id and patient."""
    event: dict[str, Any] = orjson.loads(body)
    event["id"] = str(seq)
    if patient is not None:
        event["meta"]["profile"] = [p.replace(".BasicAudit.", ".BasicAudit.Patient")
                                    for p in event["meta"]["profile"]]
        event["entity"].append({"what": {"reference": f"Patient/{patient}"},
                                "type": PATIENT_TYPE, "role": PATIENT_ROLE})
    return {"resourceType": "AuditEvent", "id": event.pop("id"), **event}


def template(facts: Facts) -> dict[str, Any]:
    """The AuditEvent without its id, patient entity and profile."""
    event: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
                 "code": "rest", "display": "RESTful Operation"},
        "subtype": [{"system": "http://hl7.org/fhir/restful-interaction",
                     "code": facts.subtype}],
        "action": facts.action,
        "recorded": format_instant(facts.recorded),
        "outcome": OUTCOMES.get(facts.outcome, "8"),
        "agent": agents(facts.principal, facts.address),
        "source": {"site": "regional-hie", "observer": {"display": SERVER},
                   "type": [{"system": "http://terminology.hl7.org/CodeSystem/"
                             "security-source-type", "code": "4",
                             "display": "Application Server"}]},
    }
    if facts.description:
        event["outcomeDesc"] = redact(facts.description)
    if facts.principal.development:
        event["meta"] = {"tag": [{"system": "urn:regional-hie:auth-mode", "code": "development",
                                  "display": "开发模式：未配置身份认证"}]}
    return event
