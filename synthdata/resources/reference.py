"""Organization, Location, Practitioner, PractitionerRole and CareTeam of the county."""

from __future__ import annotations

from synthdata import namespaces as ns
from synthdata.county.divisions import CENTRE, COUNTY_CODE
from synthdata.county.facilities import DESIGNATIONS, GRADES, KINDS, LEVELS, Facility
from synthdata.county.staff import ROLES, Staff
from synthdata.resources.common import Json, address, coding, concept, identifier, phone
from synthdata.resources.refs import Links

Ref = dict[str, str]
HL7_ROLE = "http://terminology.hl7.org/CodeSystem/practitioner-role"
HL7_ORG_TYPES = {"insurance-agency": "pay", "cdc": "govt", "consortium": "other"}


def _facility_address(fac: Facility) -> Json:
    if fac.village is not None:
        return address([fac.village.division.name, fac.village.name], fac.village.code, "work")
    if fac.division is not None:
        return address([fac.division.name], fac.division.code12, "work")
    return address(["裕禄大道"], COUNTY_CODE, "work")


def organization(fac: Facility, consortium: Ref | None, parent: Ref | None) -> Json:
    """A facility (or consortium) with its level, grade and consortium membership."""
    ext: list[Json] = []
    if fac.level in LEVELS and fac.kind != "consortium":
        ext.append(
            {
                "url": ns.EXT_FACILITY_LEVEL,
                "valueCoding": coding(ns.FACILITY_LEVEL, fac.level, LEVELS[fac.level]),
            }
        )
    if fac.grade:
        ext.append(
            {
                "url": ns.EXT_HOSPITAL_GRADE,
                "valueCoding": coding(ns.HOSPITAL_GRADE, fac.grade, GRADES[fac.grade]),
            }
        )
    if consortium is not None:
        ext.append({"url": ns.EXT_CONSORTIUM, "valueReference": consortium})
    types = [concept(ns.FACILITY_TYPE, fac.kind, KINDS[fac.kind])]
    types += [concept(ns.FACILITY_DESIGNATION, d, DESIGNATIONS[d]) for d in fac.designations]
    types.append(concept(ns.ORGANIZATION_TYPE, HL7_ORG_TYPES.get(fac.kind, "prov")))
    body: Json = {"resourceType": "Organization"}
    if ext:
        body["extension"] = ext
    body.update(identifier=[identifier(ns.ORG, fac.code)], active=True, type=types, name=fac.name)
    body["address"] = [_facility_address(fac)]
    if parent is not None:
        body["partOf"] = parent
    return body


def location(links: Links, fac: Facility) -> Json:
    """The facility's premises."""
    body: Json = {
        "resourceType": "Location",
        "identifier": [identifier(ns.LOCATION, fac.code)],
        "status": "active",
        "name": fac.name,
        "mode": "instance",
        "type": [
            concept(
                "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                "HOSP" if fac.level == "county" else "PC",
            )
        ],
        "telecom": [phone(f"0371-2{fac.salt % 10**6:06d}", "work")],
        "address": _facility_address(fac),
        "physicalType": concept(ns.LOCATION_TYPE, "bu", "Building"),
    }
    body["position"] = _position(fac)
    body["managingOrganization"] = links.remote(fac.org)
    return body


def _position(fac: Facility) -> Json:
    dx, dy = fac.division.offset if fac.division is not None else (0.0, 0.0)
    jitter = (fac.salt % 1000) / 1000 * 0.02 - 0.01 if fac.village is not None else 0.0
    return {
        "longitude": round(CENTRE[0] + dx + jitter, 5),
        "latitude": round(CENTRE[1] + dy - jitter, 5),
    }


def practitioner(person: Staff) -> Json:
    """A practitioner with their licence number."""
    qualification = (
        "乡村医生执业证书"
        if person.role == "village-doctor"
        else ("护士执业证书" if person.role == "nurse" else "医师执业证书")
    )
    return {
        "resourceType": "Practitioner",
        "identifier": [identifier(ns.PRACTITIONER, person.licence)],
        "active": True,
        "name": [
            {
                "use": "official",
                "text": person.name,
                "family": person.name[0],
                "given": [person.name[1:]],
            }
        ],
        "gender": "male" if person.male else "female",
        "birthDate": f"{person.birth_year}-01-01",
        "qualification": [{"code": {"text": qualification}}],
    }


def practitioner_role(links: Links, person: Staff, practitioner_uid: str, fac: Facility) -> Json:
    """What a practitioner does at a facility."""
    hl7 = "nurse" if person.role == "nurse" else "doctor"
    return {
        "resourceType": "PractitionerRole",
        "identifier": [identifier(ns.PRACTITIONER_ROLE, person.position.value)],
        "active": True,
        "practitioner": links.local("Practitioner", practitioner_uid),
        "organization": links.remote(fac.org),
        "code": [
            {"coding": [coding(ns.ROLE, person.role, ROLES[person.role]), coding(HL7_ROLE, hl7)]}
        ],
        "specialty": [concept(ns.DEPARTMENT, person.department, person.department)],
        "location": [links.remote(fac.location)],
    }


def care_team(links: Links, code: str, name: str, centre: Facility, members: list[Staff]) -> Json:
    """A village's family-doctor team (家庭医生团队)."""
    participants = [
        {
            "role": [concept(ns.ROLE, m.role, "团队长" if i == 0 else ROLES[m.role])],
            "member": links.remote(m.practitioner),
        }
        for i, m in enumerate(members)
    ]
    return {
        "resourceType": "CareTeam",
        "identifier": [identifier(ns.CARE_TEAM, code)],
        "status": "active",
        "category": [
            concept(
                ns.LOINC,
                "LA28865-6",
                "Longitudinal care-coordination focused care team",
                "家庭医生团队",
            )
        ],
        "name": name,
        "participant": participants,
        "managingOrganization": [links.remote(centre.org)],
    }
