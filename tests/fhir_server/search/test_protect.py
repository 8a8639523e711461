"""Protected identifiers and phone numbers: digests in the index, found by exact search."""

from __future__ import annotations

from fhir_server.search import protect
from fhir_server.search.params import string, token

RESIDENT = "urn:oid:2.16.156.10011.1.3"


def test_identifier_of_a_protected_system_is_a_digest() -> None:
    rows = token.index_values({"system": RESIDENT, "value": "41022519900101123x"}, "Identifier")
    assert rows == [(RESIDENT, protect.digest("41022519900101123X"))]
    assert rows[0][1].startswith("hmac:") and "4102" not in rows[0][1]


def test_other_identifiers_stay_in_clear() -> None:
    rows = token.index_values({"system": "urn:mrn", "value": "MRN-7"}, "Identifier")
    assert rows == [("urn:mrn", "MRN-7")]


def test_phone_normalised_before_hashing() -> None:
    forms = ["13800138000", "+86 138-0013-8000", "0086 13800138000", "138 0013 8000"]
    codes = {token.index_values({"system": "phone", "value": f}, "ContactPoint")[0][1]
             for f in forms}
    assert len(codes) == 1 and codes.pop() == protect.digest("13800138000")


def test_email_stays_in_clear() -> None:
    rows = token.index_values({"system": "email", "value": "a@b.cn"}, "ContactPoint")
    assert rows == [("email", "a@b.cn")]


def test_query_without_system_tries_clear_and_both_digests() -> None:
    codes = protect.query_codes(None, "13800138000")
    assert codes[0] == "13800138000" and protect.digest("13800138000") in codes


def test_query_with_protected_system_only_the_digest() -> None:
    assert protect.query_codes(RESIDENT, "41022519900101123x") == [
        protect.digest("41022519900101123X")]


def test_string_index_skips_protected_values() -> None:
    assert string.index_values({"system": RESIDENT, "value": "4102"}, "Identifier") == []
    assert string.index_values({"system": "phone", "value": "138"}, "ContactPoint") == []
    assert string.index_values({"system": "email", "value": "A@b.cn"}, "ContactPoint") == [
        ("a@b.cn",)]


def test_key_changes_the_digest() -> None:
    assert protect.digest("x") != protect.digest("y")


def test_query_without_system_that_cannot_be_a_number_stays_as_given() -> None:
    assert protect.query_codes(None, "male") == ["male"]
    assert protect.query_codes(None, "8867-4") == ["8867-4"]
