"""Patient: one facility's record of a resident, written as that facility shows them."""

from __future__ import annotations

from synthdata import namespaces as ns
from synthdata.county.facilities import Facility
from synthdata.faults import Shown
from synthdata.population.residents import Resident
from synthdata.resources.common import Json, address, identifier, phone
from synthdata.resources.refs import Links


def patient(links: Links, fac: Facility, mrn: str, shown: Shown, resident: Resident) -> Json:
    """The Patient a facility's HIS pushes for a resident."""
    ids = [identifier(ns.mrn_system(fac.code), mrn, "MR")]
    if shown.id_number:
        ids.append(identifier(ns.RESIDENT_ID, shown.id_number, "NI"))
    body: Json = {"resourceType": "Patient", "identifier": ids, "active": True}
    body["name"] = [_name(shown)]
    if shown.phone:
        body["telecom"] = [phone(shown.phone)]
    body["gender"] = "male" if resident.member.male else "female"
    if shown.birth is not None:
        body["birthDate"] = shown.birth.isoformat()
    home = resident_address(resident, shown.address)
    if home is not None:
        body["address"] = [home]
    body["managingOrganization"] = links.remote(fac.org)
    return body


def _name(shown: Shown) -> Json:
    name: Json = {"use": "official", "text": shown.text, "family": shown.family}
    if shown.given:
        name["given"] = [shown.given]
    return name


def resident_address(resident: Resident, granularity: str) -> Json | None:
    """The home address at a granularity: full, village, township, county or missing."""
    v = resident.village
    if granularity == "missing":
        return None
    if granularity == "county":
        return address([], v.division.code[:6])
    if granularity == "township":
        return address([v.division.name], v.division.code12)
    village = v.name if granularity == "village" else v.name + resident.house
    return address([v.division.name, village], v.code)
