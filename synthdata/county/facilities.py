"""The consortium's facilities: county hospitals, township health centres, village clinics.

兰考县人民医院 (三级) and 兰考县中医院 each lead a 紧密型县域医共体; the maternal-and-child
hospital, the second general hospital, 16 township health centres (卫生院: four designated
社区医院, 堌阳镇 the 县域医疗次中心), the community health service centre and the village
clinics are members. The CDC and the insurance agency stand outside the consortia. Facility
codes are ours: county-level `410225Ann`/`410225Bnn`, health centres `<division>W01`, the
community centre `<division>S01`, village clinics `<village code>V`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from synthdata import namespaces as ns
from synthdata.county.divisions import COUNTY_CODE, DIVISIONS, Division
from synthdata.county.villages import Village
from synthdata.resources.refs import Target, target

if TYPE_CHECKING:
    from synthdata.county.staff import Staff

KINDS = {
    "consortium": "紧密型县域医共体",
    "general-hospital": "综合医院",
    "tcm-hospital": "中医医院",
    "mch-hospital": "妇幼保健院",
    "township-health-centre": "乡镇卫生院",
    "community-health-centre": "社区卫生服务中心",
    "village-clinic": "村卫生室",
    "cdc": "疾病预防控制中心",
    "insurance-agency": "医疗保障经办机构",
}
LEVELS = {"county": "县级", "township": "乡级", "village": "村级", "registry": "县级管理机构"}
GRADES = {"3": "三级", "2": "二级", "1": "一级"}
DESIGNATIONS = {
    "consortium-lead": "医共体牵头医院",
    "community-hospital": "社区医院",
    "county-sub-centre": "县域医疗次中心",
}
COMMUNITY_HOSPITALS = ("410225001", "410225102", "410225103", "410225105")
SUB_CENTRE = "410225101"
CHSC_DIVISION = "410225003"


@dataclass(slots=True)
class Facility:
    """One facility: an Organization, its Location, its HIS's record numbers and staff."""

    code: str
    name: str
    kind: str
    level: str
    grade: str | None = None
    division: Division | None = None
    village: Village | None = None
    consortium: str | None = None
    parent: str | None = None
    designations: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    lab_style: int | None = None
    mrn_prefix: str = ""
    mrn_digits: int = 8
    org: Target = field(init=False)
    location: Target = field(init=False)
    salt: int = field(init=False)
    staff: list[Staff] = field(default_factory=list)
    by_role: dict[str, list[Staff]] = field(default_factory=dict)

    def bind(self, seed: int) -> Facility:
        """Fix the facility's resource identities for a seed."""
        self.org = target(seed, "Organization", ns.ORG, self.code)
        self.location = target(seed, "Location", ns.LOCATION, self.code)
        self.salt = zlib.crc32(self.code.encode()) % 100_000_000
        return self

    def mrn(self, person_index: int) -> str:
        """This facility's record number for a person: unique within the facility."""
        number = (person_index * 7_919_317 + self.salt) % 10**self.mrn_digits
        return f"{self.mrn_prefix}{number:0{self.mrn_digits}d}"


def county_facilities() -> list[Facility]:
    """The consortia and the county-level facilities, leads first."""
    c1, c2 = f"{COUNTY_CODE}G01", f"{COUNTY_CODE}G02"
    lead = ("consortium-lead",)
    full = ("CT", "DX", "US")
    return [
        Facility(c1, "兰考县人民医院医共体", "consortium", "county"),
        Facility(c2, "兰考县中医院医共体", "consortium", "county"),
        Facility(
            f"{COUNTY_CODE}A01",
            "兰考县人民医院",
            "general-hospital",
            "county",
            "3",
            consortium=c1,
            designations=lead,
            modalities=full,
            lab_style=0,
            mrn_digits=10,
        ),
        Facility(
            f"{COUNTY_CODE}A02",
            "兰考县中医院",
            "tcm-hospital",
            "county",
            "2",
            consortium=c2,
            designations=lead,
            modalities=full,
            lab_style=1,
            mrn_prefix="ZY",
        ),
        Facility(
            f"{COUNTY_CODE}A03",
            "兰考县妇幼保健院",
            "mch-hospital",
            "county",
            "2",
            consortium=c1,
            modalities=("DX", "US"),
            lab_style=2,
            mrn_prefix="FY",
        ),
        Facility(
            f"{COUNTY_CODE}A04",
            "兰考第一医院",
            "general-hospital",
            "county",
            "2",
            consortium=c2,
            modalities=full,
            lab_style=3,
            mrn_prefix="D1",
        ),
        Facility(
            f"{COUNTY_CODE}B01", "兰考县疾病预防控制中心", "cdc", "registry", mrn_prefix=COUNTY_CODE
        ),
        Facility(
            f"{COUNTY_CODE}B02",
            "兰考县医疗保障服务中心",
            "insurance-agency",
            "registry",
            mrn_prefix="YB4102",
            mrn_digits=10,
        ),
    ]


def health_centres() -> list[Facility]:
    """One township health centre per division, and the community health service centre."""
    result = []
    for i, d in enumerate(DIVISIONS):
        designations = ("community-hospital",) if d.code in COMMUNITY_HOSPITALS else ()
        modalities: tuple[str, ...] = ("DX", "US")
        if d.code == SUB_CENTRE:
            designations, modalities = ("county-sub-centre",), ("CT", "DX", "US")
        name = f"兰考县{d.name}{'中心' if d.code == SUB_CENTRE else ''}卫生院"
        result.append(
            Facility(
                f"{d.code}W01",
                name,
                "township-health-centre",
                "township",
                "1",
                d,
                consortium=f"{COUNTY_CODE}G0{1 + i % 2}",
                designations=designations,
                modalities=modalities,
                lab_style=4 + i % 3,
                mrn_prefix=f"W{i + 1:02d}",
            )
        )
    chsc = next(d for d in DIVISIONS if d.code == CHSC_DIVISION)
    result.append(
        Facility(
            f"{chsc.code}S01",
            f"兰考县{chsc.name}社区卫生服务中心",
            "community-health-centre",
            "township",
            "1",
            chsc,
            consortium=f"{COUNTY_CODE}G01",
            modalities=("US",),
            lab_style=7,
            mrn_prefix="SQ",
        )
    )
    return result


def village_clinic(village: Village, primary: Facility) -> Facility:
    """The clinic of a village (村卫生室) or community (社区卫生服务站)."""
    suffix = "社区卫生服务站" if village.community else "卫生室"
    return Facility(
        f"{village.code}V",
        f"{village.division.name}{village.name}{suffix}",
        "village-clinic",
        "village",
        division=village.division,
        village=village,
        consortium=primary.consortium,
        parent=primary.code,
        mrn_prefix=f"C{village.index:04d}",
    )
