"""The synthetic county: residents, facilities and records of a Henan county medical consortium.

Nothing here imports the platform: `generate` writes FHIR transaction Bundles, NDJSON,
DICOM and truth files; `load_directory` posts the Bundles to any FHIR base URL like each
facility's HIS would; `load_demo` does both for a small county.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "FaultRates",
    "LoadSummary",
    "SynthConfig",
    "generate",
    "load_demo",
    "load_demo_async",
    "load_directory",
]

_WHERE = {
    "FaultRates": "synthdata.config",
    "SynthConfig": "synthdata.config",
    "generate": "synthdata.pipeline",
    "LoadSummary": "synthdata.loading.loader",
    "load_directory": "synthdata.loading.loader",
    "load_demo": "synthdata.demo",
    "load_demo_async": "synthdata.demo",
}


def __getattr__(name: str) -> Any:
    """Import the public names lazily, so `hie` does not pay for pydicom at start-up."""
    if name not in _WHERE:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(_WHERE[name]), name)
