"""Fetch and read the official FHIR R4 package (`hl7.fhir.r4.examples` on npm).

The package is the spec's own content: StructureDefinitions, SearchParameters,
OperationDefinitions, terminology and the example resources. It is fetched once with
the ordinary npm client and unpacked into the definitions cache.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from fhir_server.settings import get_settings

R4_PACKAGE = "hl7.fhir.r4.examples"
R4_VERSION = "4.0.1"


class DefinitionsUnavailable(RuntimeError):
    """The R4 package is not cached and could not be fetched."""


def package_dir() -> Path:
    """The unpacked R4 package folder, fetching it with `npm pack` the first time."""
    root = get_settings().definitions_dir / f"{R4_PACKAGE}-{R4_VERSION}"
    target = root / "package"
    if (target / "package.json").exists():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        try:
            subprocess.run(
                ["npm", "pack", f"{R4_PACKAGE}@{R4_VERSION}", "--silent"],
                cwd=tmp, check=True, capture_output=True, timeout=600,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise DefinitionsUnavailable(f"cannot fetch {R4_PACKAGE}: {exc}") from exc
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            tar.extractall(tmp, filter="data")
        Path(tmp, "package").rename(target)
    return target


def iter_resources(prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (file name, resource) for every JSON resource whose file name starts with prefix."""
    for path in sorted(package_dir().glob(f"{prefix}*.json")):
        if path.name == "package.json" or path.name.startswith("."):
            continue
        yield path.name, orjson.loads(path.read_bytes())


def load_bytes(name: str) -> bytes:
    """The raw bytes of one file of the package."""
    return (package_dir() / name).read_bytes()
