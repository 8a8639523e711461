"""DICOM studies matching the FHIR imaging orders: the same accession number, the facility's
record number as PatientID (issuer: the facility code), the report's StudyInstanceUID.

pydicom encodes each modality's image module and 64×64 phantom pixels once; each instance
then only needs its short text elements (patient, study, series, instance), which
`dicom_text` encodes exactly as pydicom would (the tests compare the bytes with
`Dataset.save_as`). That keeps a million-resident county's ~400,000 files affordable.
"""

from __future__ import annotations

import struct
from array import array
from functools import cache
from pathlib import Path
from typing import Any

from pydicom.dataset import Dataset
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_dataset

from synthdata.population.spelling import pinyin
from synthdata.terminology.services import IMAGING

SIZE = 64
SOP_CLASSES = {
    "CT": "1.2.840.10008.5.1.4.1.1.2",
    "DX": "1.2.840.10008.5.1.4.1.1.1.1",
    "US": "1.2.840.10008.5.1.4.1.1.6.1",
}
EXPLICIT_LITTLE = "1.2.840.10008.1.2.1"
IMPLEMENTATION_UID = "2.25.229573474281094165232370139463394385441"
IMPLEMENTATION_NAME = "HIE_SYNTHDATA_1"
Element = tuple[int, str, str]  # tag, VR, value (text VRs only)


def _phantom(modality: str) -> bytes:
    """A body disc (CT, DX: 12 bits in 16) or an ultrasound fan (US: 8 bits)."""
    centre = (SIZE - 1) / 2
    pixels = array("B" if modality == "US" else "H")
    for y in range(SIZE):
        for x in range(SIZE):
            r = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            if modality == "US":
                pixels.append(90 + (x * 7 + y * 13) % 60 if r < 30 and y > 4 else 0)
            elif modality == "CT":
                pixels.append(1024 + (700 if 26 < r < 29 else 40) if r < 29 else 0)
            else:
                pixels.append(3000 - int(r * 60) if r < 30 else 300)
    return pixels.tobytes() if pixels.itemsize == 1 else struct.pack(f"<{len(pixels)}H", *pixels)


def image_module(modality: str) -> Dataset:
    """The image pixel module of a modality (every tag from (0028,0000) on)."""
    ds = Dataset()
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows = ds.Columns = SIZE
    ds.PixelSpacing = [0.7, 0.7] if modality == "CT" else [0.2, 0.2]
    eight = modality == "US"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = (8, 8, 7) if eight else (16, 12, 11)
    ds.PixelRepresentation = 0
    if modality == "CT":
        ds.WindowCenter, ds.WindowWidth = 40, 400
        ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
    ds.PixelData = _phantom(modality)
    ds["PixelData"].VR = "OB" if eight else "OW"
    return ds


@cache
def _tail(modality: str) -> bytes:
    buffer = DicomBytesIO()
    buffer.is_little_endian, buffer.is_implicit_VR = True, False
    write_dataset(buffer, image_module(modality))
    return buffer.getvalue()


def dicom_text(tag: int, vr: str, value: str) -> bytes:
    """One explicit-VR little-endian element of a short text VR, padded to even length."""
    data = value.encode("utf-8")
    if len(data) % 2:
        data += b"\0" if vr == "UI" else b" "
    return struct.pack("<HH2sH", tag >> 16, tag & 0xFFFF, vr.encode("ascii"), len(data)) + data


def meta_elements(sop_class: str, sop_uid: str) -> list[Element]:
    """The file meta information after the version (Part 10, 7.1)."""
    return [
        (0x00020002, "UI", sop_class),
        (0x00020003, "UI", sop_uid),
        (0x00020010, "UI", EXPLICIT_LITTLE),
        (0x00020012, "UI", IMPLEMENTATION_UID),
        (0x00020013, "SH", IMPLEMENTATION_NAME),
    ]


def _meta(sop_class: str, sop_uid: str) -> bytes:
    version = struct.pack("<HH2sHI", 2, 1, b"OB", 0, 2) + b"\0\1"
    body = version + b"".join(dicom_text(*e) for e in meta_elements(sop_class, sop_uid))
    length = struct.pack("<HH2sHI", 2, 0, b"UL", 4, len(body))
    return b"\0" * 128 + b"DICM" + length + body


def patient_name(family: str, given: str) -> str:
    """A PN with pinyin first and the Chinese name as the ideographic group."""
    if family.isascii():
        return f"{family}^{given}"
    return f"{pinyin(family)}^{pinyin(given)}={family}^{given}"


def instance_elements(study: dict[str, Any], number: int) -> list[Element]:
    """Every element of one instance before the image module, in tag order."""
    proc = IMAGING[study["procedure"]]
    modality, uid, moment = proc.modality, study["study_uid"], study["moment"]
    ct = modality == "CT"
    elements: list[Element] = [
        (0x00080005, "CS", "ISO_IR 192"),
        (0x00080008, "CS", "ORIGINAL\\PRIMARY\\AXIAL" if ct else "ORIGINAL\\PRIMARY"),
        (0x00080016, "UI", SOP_CLASSES[modality]),
        (0x00080018, "UI", f"{uid}.1.{number}"),
        (0x00080020, "DA", moment[:8]),
        (0x00080021, "DA", moment[:8]),
        (0x00080023, "DA", moment[:8]),
        (0x00080030, "TM", moment[8:14]),
        (0x00080031, "TM", moment[8:14]),
        (0x00080033, "TM", moment[8:14]),
        (0x00080050, "SH", study["accession"]),
        (0x00080060, "CS", modality),
        (0x00080070, "LO", "regional-hie synthdata"),
        (0x00080080, "LO", study["institution"]),
        (0x00080090, "PN", study["referrer"]),
        (0x00081030, "LO", proc.name),
        (0x0008103E, "LO", proc.name),
        (0x00100010, "PN", patient_name(study["family"], study["given"])),
        (0x00100020, "LO", study["patient_id"]),
        (0x00100021, "LO", study["facility"]),
        (0x00100030, "DA", study["birth"].replace("-", "")),
        (0x00100040, "CS", study["sex"]),
        (0x00180015, "CS", proc.body_part),
    ]
    if ct:
        elements += [(0x00180050, "DS", "5"), (0x00180060, "DS", "120")]
    elements += [
        (0x0020000D, "UI", uid),
        (0x0020000E, "UI", f"{uid}.1"),
        (0x00200010, "SH", study["accession"][-8:]),
        (0x00200011, "IS", "1"),
        (0x00200013, "IS", str(number)),
    ]
    if ct:
        elements += [
            (0x00200032, "DS", f"-22.4\\-22.4\\{100 - 5 * number:.1f}"),
            (0x00200037, "DS", "1\\0\\0\\0\\1\\0"),
        ]
    return elements


def instance_bytes(study: dict[str, Any], number: int) -> bytes:
    """A complete Part 10 file of one instance."""
    elements = instance_elements(study, number)
    head = b"".join(dicom_text(*e) for e in elements)
    return _meta(elements[2][2], elements[3][2]) + head + _tail(elements[11][2])


def write_study(root: Path, study: dict[str, Any]) -> int:
    """Write one study's instances; returns how many files."""
    proc = IMAGING[study["procedure"]]
    folder = root / "dicom" / study["facility"] / study["accession"]
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, proc.images + 1):
        (folder / f"{number:03d}.dcm").write_bytes(instance_bytes(study, number))
    return proc.images
