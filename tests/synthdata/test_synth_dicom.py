"""DICOM studies: written exactly as pydicom writes them, and consistent with the FHIR
imaging orders (accession number, patient id, study UID)."""

from __future__ import annotations

import io
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset

from synthdata import namespaces as ns
from synthdata.output import dicom
from synthdata.terminology.services import IMAGING
from tests.synthdata.conftest import resources, truth

STUDY = {
    "facility": "410225A01",
    "institution": "兰考县人民医院",
    "accession": "CT00001000123",
    "study_uid": "2.25.1234567890123456789",
    "procedure": "CT-HEAD",
    "moment": "20250301093000",
    "reader": "李明",
    "referrer": "张伟",
    "patient_id": "0001234567",
    "family": "王",
    "given": "建国",
    "birth": "1960-03-02",
    "sex": "M",
    "seed": 1,
}


def _pydicom_bytes(study: dict[str, str], number: int) -> bytes:
    ds = Dataset()
    for tag, vr, value in dicom.instance_elements(study, number):
        ds.add_new(tag, vr, value)
    for element in dicom.image_module(IMAGING[study["procedure"]].modality):
        ds.add(element)
    meta = FileMetaDataset()
    meta.add_new(0x00020001, "OB", b"\0\1")
    for tag, vr, value in dicom.meta_elements(ds.SOPClassUID, ds.SOPInstanceUID):
        meta.add_new(tag, vr, value)
    ds.file_meta = meta
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def test_fast_writer_matches_pydicom() -> None:
    for procedure in ("CT-HEAD", "DR-CHEST", "US-ABD"):
        for birth in ("1960-03-02", ""):
            study = {**STUDY, "procedure": procedure, "birth": birth}
            assert dicom.instance_bytes(study, 2) == _pydicom_bytes(study, 2), procedure


def test_files_read_back() -> None:
    ds = pydicom.dcmread(io.BytesIO(dicom.instance_bytes(STUDY, 1)))
    assert str(ds.PatientName) == "Wang^Jianguo=王^建国"
    assert ds.Modality == "CT" and ds.Rows == 64 and len(ds.PixelData) == 64 * 64 * 2
    assert ds.SOPInstanceUID == "2.25.1234567890123456789.1.1"


def test_studies_match_the_orders(county100: Path) -> None:
    studies = truth(county100, "imaging")
    assert studies
    orders = {
        sr["identifier"][0]["value"]: sr
        for sr in resources(county100, "ServiceRequest")
        if sr["identifier"][0]["system"].startswith(ns.accession_system(""))
    }
    reports = {
        i["value"]: r
        for r in resources(county100, "DiagnosticReport")
        for i in r.get("identifier", [])
        if i["system"] == ns.DICOM_UID
    }
    for study in studies:
        files = sorted((county100 / "dicom" / study["facility"] / study["accession"]).glob("*.dcm"))
        assert files and study["accession"] in orders
        assert f"urn:oid:{study['studyInstanceUid']}" in reports
        for path in files:
            ds = pydicom.dcmread(path)
            assert ds.AccessionNumber == study["accession"]
            assert ds.PatientID == study["mrn"] and ds.IssuerOfPatientID == study["facility"]
            assert ds.StudyInstanceUID == study["studyInstanceUid"]
