"""The state of one chunk being generated: its RNG, references, groups and truth.

A *group* is everything one facility's HIS pushes about one resident in one wave: the
facility's Patient (a conditional create on its record number) followed by the resources
that refer to it. Groups are never split across Bundles, so every `urn:uuid:` resolves.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import orjson

from synthdata import namespaces as ns
from synthdata.county.facilities import Facility
from synthdata.county.model import County
from synthdata.faults import Faulter, Shown
from synthdata.population.residents import Resident
from synthdata.resources.common import Json
from synthdata.resources.patient import patient
from synthdata.resources.refs import Links, random_uid

Entry = tuple[str, str, Json, str | None]  # resource type, uid, resource, ifNoneExist


@dataclass(slots=True)
class Group:
    """One resident's resources at one facility in one wave."""

    fac: Facility
    wave: int
    patient_uid: str
    entries: list[Entry] = field(default_factory=list)


@dataclass(slots=True)
class Record:
    """A facility's Patient for a resident: its uid, record number and Bundle entry."""

    uid: str
    mrn: str
    entry: Entry


class Chunk:
    """Collects a chunk's output as its residents are generated."""

    def __init__(self, index: int, county: County, faulter: Faulter, rng: random.Random) -> None:
        self.index = index
        self.county = county
        self.faulter = faulter
        self.rng = rng
        self.links = Links()
        self.resources: list[tuple[str, str, Json]] = []
        self.groups: dict[tuple[int, str], list[Group]] = {}
        self.truth_records: list[bytes] = []
        self.truth_persons: list[bytes] = []
        self.truth_imaging: list[bytes] = []
        self.studies: list[Json] = []
        self._records: dict[tuple[int, str], Record] = {}
        self._open: dict[tuple[int, str], Group] = {}
        self._serial = 0

    def uid(self) -> str:
        """A new resource uid."""
        return random_uid(self.rng)

    def serial(self, prefix: str) -> str:
        """A number unique in the whole county (chunk index + running count)."""
        self._serial += 1
        return f"{prefix}{self.index:05d}{self._serial:06d}"

    def record(self, r: Resident, fac: Facility, shown: Shown | None = None) -> Record:
        """The facility's Patient for a resident, created (with its faults) on first use."""
        key = (r.member.index, fac.code)
        found = self._records.get(key)
        if found is None:
            found = self._new_record(r, fac, shown)
            self._records[key] = found
        return found

    def _new_record(self, r: Resident, fac: Facility, shown: Shown | None) -> Record:
        mrn = fac.mrn(r.member.index)
        if shown is None:
            shown = self.faulter.shown(self.rng, fac.level, r)
        body = patient(self.links, fac, mrn, shown, r)
        uid = self.uid()
        system = ns.mrn_system(fac.code)
        self.resources.append(("Patient", uid, body))
        self.truth_records.append(
            orjson.dumps(
                {
                    "system": system,
                    "value": mrn,
                    "facility": fac.code,
                    "person": r.pid,
                    "faults": shown.faults,
                }
            )
        )
        return Record(uid, mrn, ("Patient", uid, body, f"identifier={system}|{mrn}"))

    def group(self, r: Resident, fac: Facility, wave: int) -> Group:
        """The open group of a resident at a facility in a wave, started with its Patient."""
        key = (wave, fac.code)
        found = self._open.get(key)
        if found is None:
            rec = self.record(r, fac)
            found = Group(fac, wave, rec.uid, [rec.entry])
            self._open[key] = found
        return found

    def add(self, group: Group, body: Json, if_none_exist: str | None = None) -> str:
        """Append a resource to a group; returns its uid."""
        uid = self.uid()
        rtype = body["resourceType"]
        group.entries.append((rtype, uid, body, if_none_exist))
        self.resources.append((rtype, uid, body))
        return uid

    def subject(self, group: Group) -> dict[str, str]:
        """A reference to the group's Patient."""
        return self.links.local("Patient", group.patient_uid)

    def close_person(self) -> None:
        """File the resident's groups for their Bundles."""
        for key, group in self._open.items():
            self.groups.setdefault(key, []).append(group)
        self._open = {}
