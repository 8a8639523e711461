"""Transaction Bundles only use urn:uuid references to their own entries, or conditional
references that an earlier wave's Bundle creates, and never split a resident's group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthdata.config import BUNDLE_MAX_ENTRIES
from synthdata.output.bundles import pack
from tests.synthdata.conftest import bundles


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for value in node.values() for r in _references(value)]
    if isinstance(node, list):
        return [r for item in node for r in _references(item)]
    return []


def _created(county: Path) -> dict[str, int]:
    """Conditional reference → the first wave that creates a matching resource."""
    created: dict[str, int] = {}
    for wave, _, bundle in bundles(county):
        for entry in bundle["entry"]:
            resource = entry["resource"]
            for ident in resource.get("identifier", []):
                key = f"{resource['resourceType']}?identifier={ident['system']}|{ident['value']}"
                created[key] = min(wave, created.get(key, wave))
    return created


def test_references_resolve(county100: Path) -> None:
    created = _created(county100)
    for wave, path, bundle in bundles(county100):
        own = {e["fullUrl"] for e in bundle["entry"]}
        assert all(u.startswith("urn:uuid:") for u in own)
        for entry in bundle["entry"]:
            for ref in _references(entry["resource"]):
                if ref.startswith("urn:uuid:"):
                    assert ref in own, (path, ref)
                else:
                    assert "?identifier=" in ref, (path, ref)
                    assert created.get(ref, 99) < wave, (path, ref)


def test_patients_and_reference_data_are_conditional_creates(county100: Path) -> None:
    for _, _, bundle in bundles(county100):
        assert bundle["type"] == "transaction"
        for entry in bundle["entry"]:
            request = entry["request"]
            assert request["method"] == "POST"
            assert request["url"] == entry["resource"]["resourceType"]
            if request["url"] in ("Patient", "Organization", "Practitioner", "Coverage"):
                assert request["ifNoneExist"].startswith("identifier=")


def test_each_bundle_comes_from_one_facility(county100: Path) -> None:
    for wave, path, bundle in bundles(county100):
        if wave < 4:
            continue
        providers = {
            e["resource"]["managingOrganization"]["reference"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "Patient"
        }
        assert len(providers) == 1, path
        assert path.parent.name in next(iter(providers))


def test_packing_keeps_groups_whole() -> None:
    groups = [[("Patient", str(i), {}, None)] * size for i, size in enumerate((150, 60, 30, 250))]
    packed = list(pack(groups, BUNDLE_MAX_ENTRIES))
    assert [len(p) for p in packed] == [150, 90, 250]
