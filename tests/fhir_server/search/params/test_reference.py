"""Reference splitting and index rows."""

from __future__ import annotations

from fhir_server.search.params.reference import index_values, reference_type, split_reference
from fhir_server.settings import get_settings


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
    assert index_values({"display": "x"}, "Reference") == []
    assert index_values("http://x/ValueSet/a|1.0", "canonical") == [(None, None,
                                                                     "http://x/ValueSet/a")]
    assert index_values({"resourceType": "Composition", "id": "c"}, "Resource") == [
        ("Composition", "c", None)]


def test_reference_type() -> None:
    assert reference_type({"reference": "Group/1"}) == "Group"
    assert reference_type({"reference": "x", "type": "Patient"}) == "Patient"
    assert reference_type({"display": "x"}) is None
