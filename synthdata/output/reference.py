"""The county's reference data as the platform's directory would receive it, in waves:
0 organizations of the county and townships, 1 village clinics and every Location,
2 staff (Practitioner + PractitionerRole), 3 family-doctor teams (CareTeam)."""

from __future__ import annotations

from synthdata.county.facilities import Facility
from synthdata.county.model import County
from synthdata.county.staff import team_members, team_target
from synthdata.output.bundles import Entry
from synthdata.records.visits import W_ORGS, W_PLACES, W_REGISTRY, W_STAFF
from synthdata.resources import reference
from synthdata.resources.common import Json
from synthdata.resources.refs import Links, Target

Groups = dict[tuple[int, str], list[list[Entry]]]


class Reference:
    """Collects reference resources as groups, and every resource for NDJSON."""

    def __init__(self, county: County) -> None:
        self.county = county
        self.links = Links()
        self.groups: Groups = {}
        self.resources: list[tuple[str, str, Json]] = []

    def entry(self, to: Target, body: Json) -> Entry:
        """A conditional-create entry for a resource identified by its Target."""
        self.resources.append((to.rtype, to.uid, body))
        return (to.rtype, to.uid, body, to.criteria)

    def add(self, wave: int, key: str, group: list[Entry]) -> None:
        """File a group of entries under a wave and a folder name."""
        self.groups.setdefault((wave, key), []).append(group)


def _org_ref(ref: Reference, code: str | None, local: bool) -> dict[str, str] | None:
    if code is None:
        return None
    to = ref.county.get(code).org
    return ref.links.local(to.rtype, to.uid) if local else ref.links.remote(to)


def _organizations(ref: Reference) -> None:
    top = [f for f in ref.county.facilities.values() if f.level != "village"]
    group = [
        ref.entry(f.org, reference.organization(f, _org_ref(ref, f.consortium, True), None))
        for f in top
    ]
    ref.add(W_ORGS, "county", group)
    for f in ref.county.by_kind("village-clinic"):
        org = reference.organization(
            f, _org_ref(ref, f.consortium, False), _org_ref(ref, f.parent, False)
        )
        place = reference.location(ref.links, f)
        place["managingOrganization"] = ref.links.local("Organization", f.org.uid)
        group = [ref.entry(f.org, org), ref.entry(f.location, place)]
        ref.add(W_PLACES, f.parent or "county", group)


def _locations(ref: Reference) -> None:
    for f in ref.county.facilities.values():
        if f.kind not in ("consortium", "village-clinic"):
            key = f.code if f.level == "township" else "county"
            ref.add(W_PLACES, key, [ref.entry(f.location, reference.location(ref.links, f))])


def _staff(ref: Reference, fac: Facility) -> None:
    for person in fac.staff:
        first = ref.entry(person.practitioner, reference.practitioner(person))
        role = reference.practitioner_role(ref.links, person, person.practitioner.uid, fac)
        key = fac.parent if fac.level == "village" and fac.parent else fac.code
        ref.add(W_STAFF, key, [first, ref.entry(person.position, role)])


def _teams(ref: Reference) -> None:
    county = ref.county
    for village in county.villages:
        centre, clinic = county.primary(village), county.clinic(village)
        members = team_members(clinic, centre, village)
        if not members:
            continue
        to = team_target(county.seed, village)
        name = f"{centre.name}{village.name}家庭医生团队"
        body = reference.care_team(ref.links, to.value, name, centre, members)
        ref.add(W_REGISTRY, centre.code, [ref.entry(to, body)])


def build_reference(county: County) -> Reference:
    """Every reference resource of the county, grouped for its Bundles."""
    ref = Reference(county)
    _organizations(ref)
    _locations(ref)
    for fac in county.facilities.values():
        _staff(ref, fac)
    _teams(ref)
    return ref
