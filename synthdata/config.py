"""What a synthetic county is generated from: size, seed, output folder and data faults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# The modelled county at full size (兰考县, about 770,000 registered residents).
FULL_POPULATION = 770_000
FULL_VILLAGE_CLINICS = 630
# Residents per unit of work: a worker generates one chunk at a time, end to end.
CHUNK_PERSONS = 1000
# Largest transaction Bundle written; a person's records at one facility are never split.
BUNDLE_MAX_ENTRIES = 200

LEVELS = ("village", "township", "county", "registry")

# Probability of each fault in one facility's Patient record, per facility level
# (village, township, county, registry = insurance agency and CDC). Faults sharing the
# prefix before the first "-" exclude each other: at most one of each group per record.
DEFAULT_FAULTS: dict[str, tuple[float, float, float, float]] = {
    "id-missing": (0.40, 0.06, 0.03, 0.0),
    "id-typo": (0.010, 0.008, 0.006, 0.001),
    "id-transposition": (0.006, 0.005, 0.004, 0.0005),
    "id-15digit": (0.0, 0.002, 0.01, 0.0),
    "name-homophone": (0.04, 0.025, 0.015, 0.003),
    "name-traditional": (0.003, 0.005, 0.01, 0.0),
    "name-pinyin": (0.0, 0.002, 0.01, 0.0),
    "birthdate-swapped": (0.01, 0.006, 0.004, 0.0),
    "birthdate-missing": (0.08, 0.01, 0.005, 0.0),
    "phone-changed": (0.06, 0.05, 0.05, 0.02),
    "phone-missing": (0.10, 0.03, 0.02, 0.2),
    "address-village": (0.20, 0.30, 0.30, 0.10),
    "address-township": (0.05, 0.15, 0.25, 0.05),
    "address-county": (0.0, 0.05, 0.15, 0.0),
    "address-missing": (0.05, 0.02, 0.03, 0.0),
}


@dataclass(frozen=True)
class FaultRates:
    """Fault probabilities by facility level, scaled by `scale` (0 gives clean records)."""

    table: Mapping[str, tuple[float, float, float, float]] = field(
        default_factory=lambda: dict(DEFAULT_FAULTS)
    )
    scale: float = 1.0

    def rate(self, fault: str, level: str) -> float:
        """The probability of `fault` in a record kept at a facility of `level`."""
        return min(1.0, self.table[fault][LEVELS.index(level)] * self.scale)

    def groups(self) -> dict[str, list[str]]:
        """Faults grouped by what they damage (id, name, birthdate, phone, address)."""
        grouped: dict[str, list[str]] = {}
        for fault in self.table:
            grouped.setdefault(fault.split("-")[0], []).append(fault)
        return grouped

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], scale: float = 1.0) -> FaultRates:
        """Rates read from JSON: {fault: [village, township, county, registry], ...}."""
        table = dict(DEFAULT_FAULTS)
        for fault, values in data.items():
            if fault not in DEFAULT_FAULTS:
                raise ValueError(f"未知的数据缺陷类型：{fault}")
            if not isinstance(values, list | tuple) or len(values) != len(LEVELS):
                raise ValueError(f"{fault} 需要 {len(LEVELS)} 个概率（村、乡、县、登记机构）")
            table[fault] = tuple(float(v) for v in values)  # type: ignore[assignment]
        return cls(table, scale)


@dataclass(frozen=True)
class SynthConfig:
    """One generation run: the same config always writes the same bytes."""

    patients: int
    seed: int
    out: Path
    workers: int = 0
    dicom: bool = True
    gzip: bool = False
    faults: FaultRates = field(default_factory=FaultRates)

    @property
    def scale(self) -> float:
        """The generated county's size relative to the modelled one."""
        return self.patients / FULL_POPULATION

    @property
    def chunks(self) -> int:
        """How many chunks of residents the run is cut into."""
        return max(1, -(-self.patients // CHUNK_PERSONS))

    @property
    def suffix(self) -> str:
        """What compressed files append to their names."""
        return ".gz" if self.gzip else ""

    def worker_count(self) -> int:
        """Processes to use: as configured, or one per CPU, never more than chunks."""
        wanted = self.workers or os.cpu_count() or 1
        return max(1, min(wanted, self.chunks))
