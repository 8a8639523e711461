"""Imaging: the order (ServiceRequest with the accession number), the radiologist's report
(DiagnosticReport) and the DICOM study the modality will store, all sharing one accession
number, the facility's record number as DICOM PatientID, and one StudyInstanceUID."""

from __future__ import annotations

from datetime import timedelta

import orjson

from synthdata import namespaces as ns
from synthdata.clock import stamp
from synthdata.records.visits import Visit, doctor
from synthdata.resources import admin, clinical
from synthdata.resources.common import concept, identifier
from synthdata.terminology.services import IMAGING


def can_image(visit: Visit, code: str) -> bool:
    """Whether the visit's facility has the modality an examination needs."""
    return code in IMAGING and IMAGING[code].modality in visit.fac.modalities


def order_imaging(visit: Visit, code: str, reason_uid: str | None, abnormal: bool) -> float:
    """Order, perform and report an examination; returns its fee (0 if not possible here)."""
    if not can_image(visit, code):
        return 0.0
    ctx, fac, proc = visit.ctx, visit.fac, IMAGING[code]
    accession = ctx.serial(proc.modality)
    study_uid = f"2.25.{ctx.rng.getrandbits(127)}"
    system = ns.accession_system(fac.code)
    reason = visit.local("Condition", reason_uid) if reason_uid else None
    order_uid = visit.add(
        admin.imaging_order(
            visit.subject(),
            system,
            accession,
            proc,
            visit.when,
            encounter=visit.encounter(),
            requester=visit.remote(visit.doctor.practitioner),
            performer=visit.remote(fac.org),
            reason=reason,
        )
    )
    reader = doctor(ctx, fac, ("radiologist",))
    done = visit.start + timedelta(minutes=ctx.rng.randint(20, 90))
    conclusion = proc.abnormal if abnormal else proc.normal
    visit.add(
        clinical.report(
            visit.subject(),
            "RAD",
            concept(ns.IMAGING_PROCEDURE, proc.code, proc.name),
            stamp(done),
            encounter=visit.encounter(),
            performer=visit.remote(fac.org),
            interpreter=visit.remote(reader.practitioner),
            conclusion=conclusion,
            based_on=visit.local("ServiceRequest", order_uid),
            identifiers=[
                identifier(system, accession, "ACSN"),
                identifier(ns.DICOM_UID, f"urn:oid:{study_uid}"),
            ],
        )
    )
    _study(visit, accession, study_uid, code, reader.name, done.strftime("%Y%m%d%H%M%S"))
    return proc.price


def _study(
    visit: Visit, accession: str, study_uid: str, code: str, reader: str, moment: str
) -> None:
    record = visit.ctx.record(visit.life.resident, visit.fac)
    patient = record.entry[2]
    member = visit.life.resident.member
    visit.ctx.studies.append(
        {
            "facility": visit.fac.code,
            "institution": visit.fac.name,
            "accession": accession,
            "study_uid": study_uid,
            "procedure": code,
            "moment": moment,
            "reader": reader,
            "referrer": visit.doctor.name,
            "patient_id": record.mrn,
            "family": patient["name"][0]["family"],
            "given": patient["name"][0].get("given", [""])[0],
            "birth": patient.get("birthDate", ""),
            "sex": "M" if member.male else "F",
            "seed": visit.ctx.rng.getrandbits(32),
        }
    )
    visit.ctx.truth_imaging.append(
        orjson.dumps(
            {
                "accession": accession,
                "studyInstanceUid": study_uid,
                "facility": visit.fac.code,
                "mrn": record.mrn,
                "person": visit.life.resident.pid,
            }
        )
    )
