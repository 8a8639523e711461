"""Reference splitting, index rows, query values, and searches over the R4 examples."""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query
from fhir_server.search.params.reference import (
    index_values,
    parse_value,
    reference_type,
    split_reference,
)
from fhir_server.settings import get_settings

from ..test_search_sql import search

BASE = get_settings().base_url.rstrip("/")


def test_split() -> None:
    assert split_reference("Patient/1") == ("Patient", "1", None)
    assert split_reference("Patient/1/_history/2") == ("Patient", "1", None)
    assert split_reference("http://other/fhir/Patient/1") == (None, None,
                                                              "http://other/fhir/Patient/1")
    assert split_reference("urn:uuid:abc") == (None, None, "urn:uuid:abc")


def test_own_base_url_is_local() -> None:
    base = get_settings().base_url.rstrip("/")
    assert split_reference(f"{base}/Patient/7") == ("Patient", "7", None)


def test_index_values() -> None:
    assert index_values({"reference": "#contained"}, "Reference") == []
    # present for :missing, matching no type, id or URL
    assert index_values({"display": "x"}, "Reference") == [(None, None, None)]
    assert index_values({"identifier": {"value": "1"}}, "Reference") == [(None, None, None)]
    assert index_values({}, "Reference") == []
    assert index_values("http://x/ValueSet/a|1.0", "canonical") == [(None, None,
                                                                     "http://x/ValueSet/a")]
    assert index_values({"resourceType": "Composition", "id": "c"}, "Resource") == [
        ("Composition", "c", None)]


def test_reference_type() -> None:
    assert reference_type({"reference": "Group/1"}) == "Group"
    assert reference_type({"reference": "x", "type": "Patient"}) == "Patient"
    assert reference_type({"display": "x"}) is None


@pytest.mark.parametrize(("text", "modifier", "parsed"), [
    ("Patient/1", None, ("Patient", "1", None)),
    ("1", None, (None, "1", None)),
    ("Patient/1/_history/2", None, ("Patient", "1", None)),
    (f"{BASE}/Patient/1", None, ("Patient", "1", None)),
    ("http://other.example/fhir/Patient/1", None,
     (None, None, "http://other.example/fhir/Patient/1")),
    ("http://x.org/ValueSet/a|1.0", None, (None, None, "http://x.org/ValueSet/a")),
    ("1", "Patient", ("Patient", "1", None)),
    ("Patient/1", "Patient", ("Patient", "1", None)),
])
def test_parse_value(text: str, modifier: str | None,
                     parsed: tuple[str | None, str | None, str | None]) -> None:
    assert parse_value(text, modifier) == parsed


@pytest.mark.parametrize(("name", "value"), [
    ("subject:Group", "Patient/f001"),          # the type contradicts the modifier
    ("subject:Patient", "http://other.example/fhir/Patient/1"),
    ("subject:Nonsense", "1"),                  # not a resource type
    ("subject:missing", "maybe"),
])
def test_bad_values_are_a_400(name: str, value: str) -> None:
    with pytest.raises(FhirError) as error:
        compile_query("Task", [(name, value)])
    assert error.value.status == 400


# Provenance.target in the examples: example -> Procedure/example/_history/1,
# example-biocompute-object -> MolecularSequence/example, signature -> DocumentReference/example,
# example-cwl -> MolecularSequence/example-pgx-1, consent-signature -> Consent/....
# Task.for: Patient/example (example1, 2, 4, 5, 6), Patient/f001 (example3), none (fm-*);
# Task.focus by identifier only: claim|1500 (fm-example1, 5, 6), claim|1501 (fm-example3, 4).
FM = {"fm-example1", "fm-example2", "fm-example3", "fm-example4", "fm-example5", "fm-example6"}
TASKS = FM | {"example1", "example2", "example3", "example4", "example5", "example6"}
CLAIM = "http://happyvalley.com/claim"
CASES = [
    ("Provenance?target=Procedure/example", {"example"}),        # stored versioned
    ("Provenance?target=Procedure/example/_history/1", {"example"}),
    ("Provenance?target=Procedure/example/_history/2", {"example"}),  # versions not indexed
    ("Provenance?target=example", {"example", "example-biocompute-object", "signature"}),
    ("Provenance?target:Procedure=example", {"example"}),
    ("Provenance?target:MolecularSequence=example", {"example-biocompute-object"}),
    ("Provenance?target:MolecularSequence=MolecularSequence/example",
     {"example-biocompute-object"}),
    (f"Provenance?target={BASE}/Procedure/example", {"example"}),  # our own base is local
    ("Provenance?target=http://other.example/fhir/Procedure/example", set()),
    ("Task?subject=Patient/f001", {"example3"}),
    (f"Task?subject={BASE}/Patient/f001", {"example3"}),
    ("Task?subject:missing=true", FM),
    # focus by identifier only (fm-example1, 3-6) or display only (example2, 4) is present
    ("Task?focus:missing=true", {"fm-example2"}),
    ("Task?focus:missing=false", TASKS - {"fm-example2"}),
    ("Task?focus=ServiceRequest/lipid", {"example1", "example5", "example6"}),
    ("Task?subject:missing=false&subject:Patient=f001,example", {
        "example1", "example2", "example3", "example4", "example5", "example6"}),
    (f"Task?focus:identifier={CLAIM}|1500", {"fm-example1", "fm-example5", "fm-example6"}),
    ("Task?focus:identifier=1501", {"fm-example3", "fm-example4"}),
    (f"Task?focus:identifier={CLAIM}|", FM - {"fm-example2"}),
    (f"Task?focus:identifier={CLAIM}|1500,{CLAIM}|1501", FM - {"fm-example2"}),
    ("Task?focus:identifier=http://other|1500", set()),
]


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_reference_search(examples_db: asyncpg.Pool, query: str,
                                expected: set[str]) -> None:
    assert await search(examples_db, query) == expected
