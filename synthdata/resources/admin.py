"""ServiceRequest (referrals and imaging orders), EpisodeOfCare (family-doctor contracts),
Coverage and Claim.

A signed family-doctor contract is an EpisodeOfCare: the resident (`patient`), the signing
health centre (`managingOrganization`), the lead GP (`careManager`), the village's team
(`team`, a CareTeam), the contract year (`period`), the contract number (`identifier`) and
the service package (an extension). EpisodeOfCare is searchable by patient, organization,
care manager and date, which the portal and MPI need, and it avoids R4 Contract's legal
machinery that a county contract does not use.
"""

from __future__ import annotations

from synthdata import namespaces as ns
from synthdata.resources.common import Json, coding, concept, identifier, money
from synthdata.terminology.services import (
    FEE_ITEMS,
    INSURANCE_TYPES,
    REFERRAL_DIRECTIONS,
    SERVICE_PACKAGES,
    Procedure,
)

Ref = dict[str, str]


def referral(
    subject: Ref,
    number: str,
    direction: str,
    when: str,
    *,
    encounter: Ref,
    requester: Ref,
    to: Ref,
    reason: Ref | None,
    note: str,
) -> Json:
    """A referral (双向转诊) from one facility to another."""
    body: Json = {
        "resourceType": "ServiceRequest",
        "identifier": [identifier(ns.REFERRAL, number)],
        "status": "completed",
        "intent": "order",
        "category": [concept(ns.SNOMED, "3457005", "Patient referral", "转诊")],
        "code": concept(ns.REFERRAL_DIRECTION, direction, REFERRAL_DIRECTIONS[direction]),
        "subject": subject,
        "encounter": encounter,
        "authoredOn": when,
        "requester": requester,
        "performer": [to],
    }
    if reason is not None:
        body["reasonReference"] = [reason]
    body["note"] = [{"text": note}]
    return body


def imaging_order(
    subject: Ref,
    accession_system: str,
    accession: str,
    proc: Procedure,
    when: str,
    *,
    encounter: Ref,
    requester: Ref,
    performer: Ref,
    reason: Ref | None,
) -> Json:
    """An imaging order as the RIS knows it, identified by its accession number."""
    body: Json = {
        "resourceType": "ServiceRequest",
        "identifier": [identifier(accession_system, accession, "ACSN")],
        "status": "completed",
        "intent": "order",
        "category": [concept(ns.SNOMED, "363679005", "Imaging", "影像检查")],
        "code": concept(ns.IMAGING_PROCEDURE, proc.code, proc.name),
        "subject": subject,
        "encounter": encounter,
        "occurrenceDateTime": when,
        "authoredOn": when,
        "requester": requester,
        "performer": [performer],
    }
    if reason is not None:
        body["reasonReference"] = [reason]
    return body


def contract(
    patient: Ref,
    number: str,
    package: str,
    start: str,
    end: str,
    *,
    centre: Ref,
    manager: Ref,
    team: Ref,
) -> Json:
    """A signed family-doctor contract for one year."""
    return {
        "resourceType": "EpisodeOfCare",
        "extension": [
            {
                "url": ns.EXT_SERVICE_PACKAGE,
                "valueCoding": coding(ns.SERVICE_PACKAGE, package, SERVICE_PACKAGES[package]),
            }
        ],
        "identifier": [identifier(ns.CONTRACT, number)],
        "status": "active",
        "type": [concept(ns.SERVICE_PACKAGE, package, SERVICE_PACKAGES[package], "家庭医生签约")],
        "patient": patient,
        "managingOrganization": centre,
        "period": {"start": start, "end": end},
        "careManager": manager,
        "team": [team],
    }


def coverage(beneficiary: Ref, number: str, kind: str, payor: Ref, year: int) -> Json:
    """A resident's basic medical insurance for a year."""
    return {
        "resourceType": "Coverage",
        "identifier": [identifier(ns.INSURANCE, number)],
        "status": "active",
        "type": concept(ns.INSURANCE_TYPE, kind, INSURANCE_TYPES[kind]),
        "subscriberId": number,
        "beneficiary": beneficiary,
        "relationship": concept(
            "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "self"
        ),
        "period": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "payor": [payor],
    }


def claim(
    patient: Ref,
    number: str,
    institutional: bool,
    when: str,
    *,
    provider: Ref,
    insurer: Ref,
    coverage: Ref,
    encounter: Ref,
    diagnosis: Ref | None,
    fees: list[tuple[str, float]],
) -> Json:
    """A claim to the insurance agency for one visit or stay."""
    kind = "institutional" if institutional else "professional"
    items = [
        {
            "sequence": i + 1,
            "productOrService": concept(ns.FEE_ITEM, fee, FEE_ITEMS[fee]),
            "encounter": [encounter],
            "net": money(amount),
        }
        for i, (fee, amount) in enumerate(fees)
    ]
    body: Json = {
        "resourceType": "Claim",
        "identifier": [identifier(ns.CLAIM, number)],
        "status": "active",
        "type": concept(ns.CLAIM_TYPE, kind),
        "use": "claim",
        "patient": patient,
        "created": when,
        "insurer": insurer,
        "provider": provider,
        "priority": concept(ns.PROCESS_PRIORITY, "normal"),
    }
    if diagnosis is not None:
        body["diagnosis"] = [{"sequence": 1, "diagnosisReference": diagnosis}]
    body["insurance"] = [{"sequence": 1, "focal": True, "coverage": coverage}]
    body["item"] = items
    body["total"] = money(sum(amount for _, amount in fees))
    return body
