"""References that a Bundle and an NDJSON file write differently.

In a transaction Bundle a reference to an entry of the same Bundle is its `urn:uuid:`, and
one to a resource another Bundle created is conditional (`Organization?identifier=s|v`).
In NDJSON every resource has its id and every reference is literal (`Organization/<id>`).
`Links` hands out reference objects in Bundle form and remembers their literal form, so a
chunk is serialised once as Bundles, flipped, and serialised again as NDJSON.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

Resource = dict[str, Any]


class Target:
    """A resource that later Bundles refer to by identifier (conditionally).

    `conditional` is the reference a Bundle uses, `literal` the one NDJSON uses, and
    `criteria` the ifNoneExist that creates the resource at most once.
    """

    __slots__ = ("rtype", "uid", "system", "value", "conditional", "literal", "criteria")

    def __init__(self, rtype: str, uid: str, system: str, value: str) -> None:
        self.rtype, self.uid, self.system, self.value = rtype, uid, system, value
        self.criteria = f"identifier={system}|{value}"
        self.conditional = f"{rtype}?{self.criteria}"
        self.literal = f"{rtype}/{uid}"

    def __repr__(self) -> str:
        return f"Target({self.conditional!r})"


def stable_uid(seed: int, *parts: str) -> str:
    """A UUID fixed by the seed and a name, for resources referred to across Bundles."""
    return str(uuid.uuid5(uuid.UUID(int=seed % (1 << 128)), "|".join(parts)))


def target(seed: int, rtype: str, system: str, value: str) -> Target:
    """The Target of a resource identified by system|value."""
    return Target(rtype, stable_uid(seed, rtype, system, value), system, value)


def random_uid(rng: random.Random) -> str:
    """A version-4 UUID from the seed's RNG (formatted directly: uuid.UUID is slow)."""
    h = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


class Links:
    """The references of one unit of output, in Bundle form until `flip()`."""

    __slots__ = ("_slots",)

    def __init__(self) -> None:
        self._slots: list[tuple[dict[str, str], str]] = []

    def local(self, rtype: str, uid: str) -> dict[str, str]:
        """A reference to an entry of the same Bundle."""
        ref = {"reference": "urn:uuid:" + uid}
        self._slots.append((ref, f"{rtype}/{uid}"))
        return ref

    def remote(self, to: Target) -> dict[str, str]:
        """A reference to a resource that an earlier Bundle created."""
        ref = {"reference": to.conditional}
        self._slots.append((ref, to.literal))
        return ref

    def flip(self) -> None:
        """Turn every reference handed out into its literal NDJSON form."""
        for ref, literal in self._slots:
            ref["reference"] = literal
        self._slots.clear()
