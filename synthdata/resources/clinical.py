"""Encounter, Condition, Observation, DiagnosticReport, MedicationRequest and Immunization.

Builders take ready-made references (from `Links`) so they know nothing about Bundles.
"""

from __future__ import annotations

from synthdata import namespaces as ns
from synthdata.resources.common import Json, coding, concept, quantity
from synthdata.terminology.clinical import Drug
from synthdata.terminology.services import ENCOUNTER_TYPES

Ref = dict[str, str]
CLASSES = {"AMB": "ambulatory", "IMP": "inpatient encounter", "HH": "home health"}


def encounter(
    subject: Ref,
    etype: str,
    cls: str,
    start: str,
    end: str | None,
    *,
    practitioner: Ref,
    location: Ref,
    provider: Ref,
    reason: Json | None = None,
    based_on: Ref | None = None,
) -> Json:
    """A finished visit or stay (in progress, without an end, if it has not ended yet)."""
    body: Json = {"resourceType": "Encounter", "status": "finished" if end else "in-progress"}
    body["class"] = coding(ns.V3_ACT, cls, CLASSES[cls])
    body["type"] = [concept(ns.ENCOUNTER_TYPE, etype, ENCOUNTER_TYPES[etype])]
    body["subject"] = subject
    if based_on is not None:
        body["basedOn"] = [based_on]
    body["participant"] = [{"individual": practitioner}]
    body["period"] = {"start": start, "end": end} if end else {"start": start}
    if reason is not None:
        body["reasonCode"] = [reason]
    if cls == "IMP" and end:
        body["hospitalization"] = {
            "dischargeDisposition": concept(
                "http://terminology.hl7.org/CodeSystem/discharge-disposition", "home", "Home"
            )
        }
    body["location"] = [{"location": location}]
    body["serviceProvider"] = provider
    return body


def icd(code: str, display: str, name: str) -> Json:
    """An ICD-10 CodeableConcept with the Chinese name as text."""
    return concept(ns.ICD10, code, display, name)


def condition(
    subject: Ref,
    code: Json,
    category: str,
    *,
    onset: str,
    recorded: str,
    encounter: Ref | None = None,
    recorder: Ref | None = None,
) -> Json:
    """An active, confirmed diagnosis (encounter-diagnosis or problem-list-item)."""
    body: Json = {
        "resourceType": "Condition",
        "clinicalStatus": concept(ns.CONDITION_CLINICAL, "active"),
        "verificationStatus": concept(ns.CONDITION_VERIFICATION, "confirmed"),
        "category": [concept(ns.CONDITION_CATEGORY, category)],
        "code": code,
        "subject": subject,
    }
    if encounter is not None:
        body["encounter"] = encounter
    body["onsetDateTime"] = onset
    body["recordedDate"] = recorded
    if recorder is not None:
        body["recorder"] = recorder
    return body


def observation(
    subject: Ref,
    category: str,
    code: Json,
    when: str,
    *,
    encounter: Ref | None,
    performer: Ref | None = None,
    value: Json | None = None,
    components: list[Json] | None = None,
    low_high: tuple[Json, Json] | None = None,
    flag: str | None = None,
    text: str | None = None,
) -> Json:
    """A final observation with a quantity, components or a string value."""
    body: Json = {"resourceType": "Observation", "status": "final"}
    body["category"] = [concept(ns.OBSERVATION_CATEGORY, category)]
    body["code"] = code
    body["subject"] = subject
    if encounter is not None:
        body["encounter"] = encounter
    body["effectiveDateTime"] = when
    body["issued"] = when
    if performer is not None:
        body["performer"] = [performer]
    if value is not None:
        body["valueQuantity"] = value
    if text is not None:
        body["valueString"] = text
    if flag is not None:
        body["interpretation"] = [concept(ns.V3_INTERPRETATION, flag)]
    if low_high is not None:
        body["referenceRange"] = [{"low": low_high[0], "high": low_high[1]}]
    if components:
        body["component"] = components
    return body


def component(code: Json, value: Json) -> Json:
    """An Observation.component with a quantity."""
    return {"code": code, "valueQuantity": value}


def loinc(code: str, display: str, text: str | None = None) -> Json:
    """A LOINC CodeableConcept."""
    return concept(ns.LOINC, code, display, text)


def vital(
    code: str, display: str, text: str, value: float, unit: str, ucum: str
) -> tuple[Json, Json]:
    """The code and value of a vital sign."""
    return loinc(code, display, text), quantity(value, unit, ucum)


def report(
    subject: Ref,
    section: str,
    code: Json,
    when: str,
    *,
    encounter: Ref | None,
    performer: Ref,
    results: list[Ref] | None = None,
    interpreter: Ref | None = None,
    conclusion: str | None = None,
    based_on: Ref | None = None,
    identifiers: list[Json] | None = None,
) -> Json:
    """A final DiagnosticReport (LAB, RAD or EC) grouping results or carrying a conclusion."""
    body: Json = {"resourceType": "DiagnosticReport"}
    if identifiers:
        body["identifier"] = identifiers
    if based_on is not None:
        body["basedOn"] = [based_on]
    body["status"] = "final"
    body["category"] = [concept(ns.V2_DIAGNOSTIC_SECTION, section)]
    body.update(code=code, subject=subject)
    if encounter is not None:
        body["encounter"] = encounter
    body.update(effectiveDateTime=when, issued=when, performer=[performer])
    if interpreter is not None:
        body["resultsInterpreter"] = [interpreter]
    if results:
        body["result"] = results
    if conclusion:
        body["conclusion"] = conclusion
    return body


def drug_concept(drug: Drug) -> Json:
    """The formulary code of a drug, with its ATC code when it has one."""
    codings = [coding(ns.FORMULARY, drug.code, drug.name)]
    if drug.atc:
        codings.append(coding(ns.ATC, drug.atc))
    return {"coding": codings, "text": drug.name}


def medication_request(
    subject: Ref,
    drug: Drug,
    when: str,
    *,
    encounter: Ref,
    requester: Ref,
    category: str,
    reason: Ref | None = None,
    days: int = 30,
) -> Json:
    """A completed prescription for `days` days of a formulary drug."""
    body: Json = {
        "resourceType": "MedicationRequest",
        "status": "completed",
        "intent": "order",
        "category": [concept(ns.MEDREQ_CATEGORY, category)],
        "medicationCodeableConcept": drug_concept(drug),
        "subject": subject,
        "encounter": encounter,
        "authoredOn": when,
        "requester": requester,
    }
    if reason is not None:
        body["reasonReference"] = [reason]
    body["dosageInstruction"] = [{"text": drug.dosage}]
    body["dispenseRequest"] = {"expectedSupplyDuration": quantity(days, "天", "d")}
    return body


def immunization(
    patient: Ref,
    vaccine: Json,
    when: str,
    dose: int,
    *,
    location: Ref,
    performer: Ref,
    lot: str,
) -> Json:
    """A completed vaccination."""
    return {
        "resourceType": "Immunization",
        "status": "completed",
        "vaccineCode": vaccine,
        "patient": patient,
        "occurrenceDateTime": when,
        "primarySource": True,
        "location": location,
        "lotNumber": lot,
        "performer": [{"actor": performer}],
        "protocolApplied": [{"doseNumberPositiveInt": dose}],
    }
