"""Token index values and query values."""

from __future__ import annotations

import pytest

from fhir_server.errors import FhirError
from fhir_server.search.params.token import index_values, parse_value


def test_codeable_concept_gives_each_coding() -> None:
    concept = {"coding": [{"system": "http://loinc.org", "code": "1"}, {"code": "2"},
                          {"system": "http://x"}], "text": "t"}
    assert index_values(concept, "CodeableConcept") == [("http://loinc.org", "1"), ("", "2")]


def test_identifier_contact_point_boolean_code() -> None:
    assert index_values({"system": "urn:s", "value": "v"}, "Identifier") == [("urn:s", "v")]
    assert index_values({"system": "email", "value": "a@b"}, "ContactPoint") == [("email",
                                                                                  "a@b")]
    assert index_values(True, "boolean") == [("", "true")]
    assert index_values("final", "code") == [("", "final")]


@pytest.mark.parametrize(("text", "parsed"), [
    ("c", (None, "c")), ("s|c", ("s", "c")), ("|c", ("", "c")), ("s|", ("s", None)),
    (r"a\|b|c\,d", ("a|b", "c,d")),
])
def test_parse(text: str, parsed: tuple[str | None, str | None]) -> None:
    assert parse_value(text, None) == parsed


def test_parse_rejects_bare_bar() -> None:
    with pytest.raises(FhirError):
        parse_value("|", None)
