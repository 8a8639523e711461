"""index_rows over the R4 examples."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fhir_server.search import INDEX_TABLES, index_rows

from .examples import all_resources, example


def rows_of(table: str, resource_type: str, resource_id: str, param: str) -> list[tuple]:
    rows = index_rows(example(resource_type, resource_id))[table]
    return [row[2:] for row in rows if row[1] == param]


def test_patient_names_are_normalised_parts() -> None:
    assert rows_of("idx_string", "Patient", "example", "family") == [("chalmers",),
                                                                     ("windsor",)]
    assert set(rows_of("idx_string", "Patient", "example", "name")) == {
        ("chalmers",), ("peter",), ("james",), ("jim",), ("windsor",)}


def test_accents_are_folded() -> None:
    assert rows_of("idx_string", "RelatedPerson", "benedicte", "name") == [
        ("du marche",), ("benedicte",)]


def test_patient_identifier_and_gender_tokens() -> None:
    assert rows_of("idx_token", "Patient", "example", "identifier") == [
        ("urn:oid:1.2.36.146.595.217.0.1", "12345")]
    assert rows_of("idx_token", "Patient", "example", "gender") == [("", "male")]
    assert rows_of("idx_token", "Patient", "example", "active") == [("", "true")]


def test_birthdate_is_the_whole_day() -> None:
    assert rows_of("idx_date", "Patient", "example", "birthdate") == [(
        datetime(1974, 12, 25, tzinfo=UTC),
        datetime(1974, 12, 25, 23, 59, 59, 999999, tzinfo=UTC))]


def test_a_year_covers_the_whole_year() -> None:
    rows = index_rows({"resourceType": "Patient", "birthDate": "1990"})["idx_date"]
    assert rows == [("Patient", "birthdate", datetime(1990, 1, 1, tzinfo=UTC),
                     datetime(1990, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))]


def test_observation_value_quantity() -> None:
    # 185 [lb_av] as stored, in canonical UCUM units (185 × 453.59237 g), and under its
    # human unit "lbs" (no system) so that `185||lbs` finds it.
    assert rows_of("idx_quantity", "Observation", "example", "value-quantity") == [
        ("http://unitsofmeasure.org", "[lb_av]", Decimal("185")),
        ("urn:regional-hie:ucum-canonical", "g", Decimal("83914.58845")),
        ("", "lbs", Decimal("185"))]


def test_observation_references_split_type_and_id() -> None:
    assert rows_of("idx_reference", "Observation", "example", "subject") == [
        ("Patient", "example", None)]
    assert rows_of("idx_reference", "Observation", "example", "patient") == [
        ("Patient", "example", None)]


def test_duplicates_are_dropped() -> None:
    given = rows_of("idx_string", "Patient", "example", "given")
    assert len(given) == len(set(given)) == 3


def test_every_resource_of_the_package_indexes() -> None:
    for resource in all_resources():
        rows = index_rows(resource)
        assert set(rows) == set(INDEX_TABLES)
        for table, table_rows in rows.items():
            for row in table_rows:
                assert row[0] == resource["resourceType"], (table, row)
                if table == "idx_date":
                    assert row[2].tzinfo is not None and row[2] <= row[3], row
                if table in ("idx_number", "idx_quantity"):
                    assert isinstance(row[-1], Decimal), row
