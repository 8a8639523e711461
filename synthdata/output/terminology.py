"""The county's code systems and, for each facility LIS, its local lab CodeSystem and the
ConceptMap to LOINC: written to `terminology/` for the terminology module, and loaded in
wave 0 (conditional create on the canonical URL)."""

from __future__ import annotations

from synthdata import namespaces as ns
from synthdata.county.facilities import DESIGNATIONS, GRADES, KINDS, LEVELS, Facility
from synthdata.county.model import County
from synthdata.county.staff import ROLES
from synthdata.resources.common import Json
from synthdata.resources.refs import stable_uid
from synthdata.terminology import services
from synthdata.terminology.clinical import FORMULARY
from synthdata.terminology.labs import BY_KEY, PANELS, local_code

VERSION = "2025.1"
PUBLISHER = "regional-hie 合成县域数据"


def code_system(url: str, name: str, title: str, concepts: dict[str, str]) -> Json:
    """A complete CodeSystem."""
    return {
        "resourceType": "CodeSystem",
        "url": url,
        "version": VERSION,
        "name": name,
        "title": title,
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": [{"code": c, "display": d} for c, d in concepts.items()],
    }


def county_code_systems() -> list[Json]:
    """Our own code systems (facility types, roles, encounter types, formulary, …)."""
    tables = (
        (ns.FACILITY_TYPE, "FacilityType", "机构类别", KINDS),
        (ns.FACILITY_LEVEL, "FacilityLevel", "机构层级", LEVELS),
        (ns.FACILITY_DESIGNATION, "FacilityDesignation", "机构称号", DESIGNATIONS),
        (ns.HOSPITAL_GRADE, "HospitalGrade", "医院等级", GRADES),
        (ns.ROLE, "PractitionerRole", "人员角色", ROLES),
        (ns.DEPARTMENT, "Department", "科室", {d: d for d in services.DEPARTMENTS}),
        (ns.ENCOUNTER_TYPE, "EncounterType", "就诊类型", services.ENCOUNTER_TYPES),
        (ns.REFERRAL_DIRECTION, "ReferralDirection", "转诊方向", services.REFERRAL_DIRECTIONS),
        (ns.FORMULARY, "Formulary", "县乡村一体化用药目录", {d.code: d.name for d in FORMULARY}),
        (
            ns.IMAGING_PROCEDURE,
            "ImagingProcedure",
            "影像检查项目",
            {p.code: p.name for p in services.IMAGING.values()},
        ),
        (ns.VACCINE, "Vaccine", "疫苗", {v.code: v.name for v in services.VACCINES}),
        (ns.SERVICE_PACKAGE, "ServicePackage", "家庭医生签约服务包", services.SERVICE_PACKAGES),
        (ns.INSURANCE_TYPE, "InsuranceType", "医保类型", services.INSURANCE_TYPES),
        (ns.FEE_ITEM, "FeeItem", "收费项目", services.FEE_ITEMS),
    )
    return [code_system(url, name, title, concepts) for url, name, title, concepts in tables]


def _local_concepts(fac: Facility) -> list[tuple[str, str, str, str]]:
    """(local code, local display, LOINC code, LOINC display) of every item and panel."""
    style = fac.lab_style or 0
    rows = [(*local_code(style, k), i.loinc, i.loinc_display) for k, i in BY_KEY.items()]
    rows += [(*local_code(style, k), p[1], p[0]) for k, p in PANELS.items()]
    return rows


def lab_code_system(fac: Facility) -> Json:
    """A facility LIS's local lab codes."""
    concepts = {code: display for code, display, _, _ in _local_concepts(fac)}
    title = f"{fac.name}检验项目本地编码"
    return code_system(ns.lab_code_system(fac.code), f"Lab{fac.code}", title, concepts)


def lab_concept_map(fac: Facility) -> Json:
    """The map from a facility's local lab codes to LOINC (panels without one: unmatched)."""
    elements = []
    for code, display, loinc, loinc_display in _local_concepts(fac):
        target = (
            {"code": loinc, "display": loinc_display, "equivalence": "equivalent"}
            if loinc
            else {"equivalence": "unmatched"}
        )
        elements.append({"code": code, "display": display, "target": [target]})
    source = ns.lab_code_system(fac.code)
    return {
        "resourceType": "ConceptMap",
        "url": ns.lab_concept_map(fac.code),
        "version": VERSION,
        "name": f"Lab{fac.code}ToLoinc",
        "title": f"{fac.name}检验项目映射到LOINC",
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "sourceUri": source,
        "targetUri": ns.LOINC,
        "group": [{"source": source, "target": ns.LOINC, "element": elements}],
    }


def terminology_resources(county: County) -> list[Json]:
    """Every CodeSystem and ConceptMap the county's data uses."""
    labs = [f for f in county.facilities.values() if f.lab_style is not None]
    return (
        county_code_systems()
        + [lab_code_system(f) for f in labs]
        + [lab_concept_map(f) for f in labs]
    )


def resource_uid(seed: int, body: Json) -> str:
    """The stable id of a terminology resource."""
    return stable_uid(seed, body["resourceType"], body["url"])
