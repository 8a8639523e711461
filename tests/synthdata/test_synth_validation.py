"""Every resource of a 100-resident county, and every Bundle, passes the platform's validator."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fhir_server.validation import validate_resource
from tests.synthdata.conftest import bundles, ndjson


def test_every_ndjson_resource_validates(county100: Path) -> None:
    problems: Counter[str] = Counter()
    seen = 0
    for path in sorted((county100 / "ndjson").glob("*.ndjson")):
        for resource in ndjson(path.parent, path.name.removesuffix(".ndjson")):
            seen += 1
            for issue in validate_resource(resource, expected_type=path.name.split(".")[0]):
                problems[f"{issue.expression}: {issue.diagnostics}"] += 1
    assert seen > 2000
    assert not problems, problems.most_common(20)


def test_every_bundle_validates(county100: Path) -> None:
    found = bundles(county100)
    assert len(found) > 20
    for _, path, bundle in found:
        assert validate_resource(bundle) == [], path


def test_the_county_has_every_kind_of_record(county100: Path) -> None:
    names = {p.name.removesuffix(".ndjson") for p in (county100 / "ndjson").glob("*.ndjson")}
    assert names >= {
        "Organization",
        "Location",
        "Practitioner",
        "PractitionerRole",
        "CareTeam",
        "Patient",
        "EpisodeOfCare",
        "Encounter",
        "Condition",
        "Observation",
        "DiagnosticReport",
        "MedicationRequest",
        "ServiceRequest",
        "Immunization",
        "Coverage",
        "Claim",
        "CodeSystem",
        "ConceptMap",
    }
