"""`_sort`, `_count`, paging links and `_total` (search.html#sort, #count, #paging, #total).

Each test searches a set of five Patients of its own (one identifier value per set):

    p1  family Chen   birthDate 1990-01-01
    p2  family Abe    birthDate 1985        (the whole year: 1985-01-01 .. 1985-12-31)
    p3  family Baker  no birthDate
    p4  family Chen   birthDate 1970-06-15
    p5  no name       birthDate 2000-02-02

By hand: `birthdate` ascending sorts by each range's start, descending by its end, and a
resource without a value sorts last either way, so
    birthdate          p4 p2 p1 p5 p3
    -birthdate         p5 p1 p2 p4 p3
    family,-birthdate  p2 p3 p1 p4 p5   (the two Chens by birthDate, latest first)
    -family,birthdate  p4 p1 p3 p2 p5   (the two Chens by birthDate, earliest first)
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

SYSTEM = "http://regional-hie.cn/test-paging"
PEOPLE: dict[str, dict[str, Any]] = {
    "p1": {"name": [{"family": "Chen"}], "birthDate": "1990-01-01"},
    "p2": {"name": [{"family": "Abe"}], "birthDate": "1985"},
    "p3": {"name": [{"family": "Baker"}]},
    "p4": {"name": [{"family": "Chen"}], "birthDate": "1970-06-15"},
    "p5": {"birthDate": "2000-02-02"},
}


class PatientSet:
    """Patients sharing one identifier value, created in order, and searches over them."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.value = uuid.uuid4().hex
        self.ids: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def add(self, name: str, fields: dict[str, Any]) -> str:
        resource = {"resourceType": "Patient", **fields,
                    "identifier": [{"system": SYSTEM, "value": self.value}]}
        r = self.client.post("/Patient", json=resource)
        assert r.status_code == 201, r.text
        self.ids[name] = r.json()["id"]
        self.names[self.ids[name]] = name
        return self.ids[name]

    def update(self, name: str, fields: dict[str, Any]) -> None:
        resource = {"resourceType": "Patient", "id": self.ids[name], **fields,
                    "identifier": [{"system": SYSTEM, "value": self.value}]}
        r = self.client.put(f"/Patient/{self.ids[name]}", json=resource)
        assert r.status_code == 200, r.text

    def get(self, **params: str) -> dict[str, Any]:
        r = self.client.get("/Patient", params={"identifier": f"{SYSTEM}|{self.value}", **params})
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()
        return found

    def follow(self, page: dict[str, Any], relation: str) -> dict[str, Any]:
        r = self.client.get(links(page)[relation])
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()
        return found

    def names_of(self, page: dict[str, Any]) -> list[str]:
        return [self.names.get(e["resource"]["id"], "new") for e in page["entry"]
                if e["search"]["mode"] == "match"]

    def walk(self, page: dict[str, Any], between: Any = None) -> list[str]:
        """The names on this page and every next one; between() runs after the first page."""
        found = self.names_of(page)
        if between is not None:
            between()
        while "next" in links(page):
            page = self.follow(page, "next")
            found += self.names_of(page)
        return found


def links(page: dict[str, Any]) -> dict[str, str]:
    return {link["relation"]: link["url"] for link in page.get("link", ())}


@pytest.fixture()
def people(client: httpx.Client) -> PatientSet:
    made = PatientSet(client)
    for name, fields in PEOPLE.items():
        made.add(name, fields)
    return made


@pytest.mark.parametrize(("sort", "expected"), [
    ("birthdate", "p4 p2 p1 p5 p3"),
    ("-birthdate", "p5 p1 p2 p4 p3"),
    ("family,-birthdate", "p2 p3 p1 p4 p5"),
    ("-family,birthdate", "p4 p1 p3 p2 p5"),
    ("family,birthdate,_id", "p2 p3 p4 p1 p5"),
])
def test_sort_orders(people: PatientSet, sort: str, expected: str) -> None:
    assert people.names_of(people.get(_sort=sort)) == expected.split()
    # the same order page by page, with each page's own links
    assert people.walk(people.get(_sort=sort, _count="2")) == expected.split()


def test_sort_by_id_and_default_order(people: PatientSet) -> None:
    by_id = [people.names[i] for i in sorted(people.ids.values())]  # code-point order
    assert people.names_of(people.get(_sort="_id")) == by_id
    assert people.names_of(people.get(_sort="-_id")) == by_id[::-1]
    assert people.names_of(people.get()) == ["p1", "p2", "p3", "p4", "p5"]  # as created


def test_links_forwards_and_backwards(people: PatientSet) -> None:
    first = people.get(_sort="birthdate", _count="2")
    assert people.names_of(first) == ["p4", "p2"]
    assert sorted(links(first)) == ["first", "next", "self"]
    for url in links(first).values():
        assert "_sort=birthdate" in url and "_count=2" in url and people.value in url
    second = people.follow(first, "next")
    assert people.names_of(second) == ["p1", "p5"]
    assert sorted(links(second)) == ["first", "next", "previous", "self"]
    assert people.names_of(people.follow(second, "self")) == ["p1", "p5"]
    third = people.follow(second, "next")
    assert people.names_of(third) == ["p3"]
    assert sorted(links(third)) == ["first", "previous", "self"]
    back = people.follow(third, "previous")
    assert people.names_of(back) == ["p1", "p5"]
    back = people.follow(back, "previous")
    assert people.names_of(back) == ["p4", "p2"]
    assert "previous" not in links(back)
    assert people.names_of(people.follow(third, "first")) == ["p4", "p2"]


@pytest.mark.parametrize("sort", [None, "birthdate", "-family,birthdate"])
def test_inserting_between_pages(people: PatientSet, sort: str | None) -> None:
    """Resources created after page one: no duplicates, no gaps among the others."""
    params = {"_count": "2", **({"_sort": sort} if sort else {})}
    expected = people.names_of(people.get(**({"_sort": sort} if sort else {})))

    def insert() -> None:  # one before the cursor, one after it, in every order tested
        people.add("n1", {"name": [{"family": "Aaron"}], "birthDate": "1960"})
        people.add("n2", {"name": [{"family": "Zhou"}], "birthDate": "2010"})
        people.add("n3", {"name": [{"family": "Cao"}], "birthDate": "1988"})

    found = people.walk(people.get(**params), between=insert)
    assert [n for n in found if n.startswith("p")] == expected
    assert len(found) == len(set(found))


def test_updating_between_pages(people: PatientSet) -> None:
    """An update moving a resource across the cursor neither repeats nor skips it."""

    def move() -> None:
        people.update("p1", {"name": [{"family": "Chen"}], "birthDate": "1960"})  # to page one
        people.update("p4", {"name": [{"family": "Chen"}], "birthDate": "2020"})  # past it

    found = people.walk(people.get(_sort="birthdate", _count="2"), between=move)
    assert found == ["p4", "p2", "p1", "p5", "p3"]  # placed as they were when it began
    # a new search sees the new order
    assert people.names_of(people.get(_sort="birthdate")) == ["p1", "p2", "p5", "p4", "p3"]


def test_previous_page_after_an_update(people: PatientSet) -> None:
    """Going back after p4 (page one) moved to the end: page one is as it was."""
    second = people.follow(people.get(_sort="birthdate", _count="2"), "next")
    assert people.names_of(second) == ["p1", "p5"]
    people.update("p4", {"name": [{"family": "Chen"}], "birthDate": "2020"})
    people.update("p5", {"birthDate": "1950"})  # from page two to page one
    back = people.follow(second, "previous")
    assert people.names_of(back) == ["p4", "p2"]
    assert "previous" not in links(back)


def test_deleting_between_pages(people: PatientSet, client: httpx.Client) -> None:
    def delete() -> None:
        assert client.delete(f"/Patient/{people.ids['p5']}").status_code in (200, 204)

    found = people.walk(people.get(_sort="birthdate", _count="2"), between=delete)
    assert found == ["p4", "p2", "p1", "p3"]


def test_count_zero_and_summary_count_give_the_total_only(people: PatientSet) -> None:
    for params in ({"_count": "0"}, {"_summary": "count"}, {"_summary": "count", "_count": "2"}):
        page = people.get(**params)
        assert page["total"] == 5
        assert not page.get("entry")
        assert "next" not in links(page)


@pytest.mark.parametrize(("params", "total"), [
    ({"_count": "2", "_total": "accurate"}, 5),
    ({"_count": "2", "_total": "estimate"}, 5),  # few rows: counted exactly
    ({"_count": "2", "_total": "none"}, None),
    ({"_total": "none"}, None),
    ({}, 5),  # all on the first page: known without counting
])
def test_totals(people: PatientSet, params: dict[str, str], total: int | None) -> None:
    assert people.get(**params).get("total") == total


def test_accurate_total_on_later_pages(people: PatientSet) -> None:
    second = people.follow(people.get(_count="2", _total="accurate"), "next")
    assert second["total"] == 5


@pytest.mark.parametrize("params", [
    {"_count": "-1"}, {"_count": "two"}, {"_total": "maybe"}, {"_cursor": "not-a-cursor"},
    {"_sort": "birthdate", "_cursor": "WzEsImEiLG51bGwsW10sMV0"},  # no value for birthdate
    {"_sort": "birthdate,,family"},
])
def test_bad_paging_parameters_are_400(client: httpx.Client,
                                       params: dict[str, str]) -> None:
    r = client.get("/Patient", params=params)
    assert r.status_code == 400, r.text
    assert r.json()["resourceType"] == "OperationOutcome"


def test_sort_by_a_composite_parameter_is_400(client: httpx.Client) -> None:
    r = client.get("/Observation", params={"_sort": "code-value-quantity"})
    assert r.status_code == 400, r.text
    assert r.json()["resourceType"] == "OperationOutcome"


def test_unknown_sort_parameter(people: PatientSet, client: httpx.Client) -> None:
    page = people.get(_sort="nonsense,birthdate")
    assert people.names_of(page) == ["p4", "p2", "p1", "p5", "p3"]
    outcomes = [e["resource"] for e in page["entry"] if e["search"]["mode"] == "outcome"]
    assert len(outcomes) == 1 and "nonsense" in outcomes[0]["issue"][0]["diagnostics"]
    assert "_sort=birthdate" in links(page)["self"]
    strict = client.get("/Patient", params={"_sort": "nonsense"},
                        headers={"Prefer": "handling=strict"})
    assert strict.status_code == 400


def test_sort_by_quantity_token_and_reference(client: httpx.Client) -> None:
    """Observations oA (code b, 7 mg, subject S1), oB (code a, 12 mg, subject S2), oC (code
    c, no value, no subject): missing values last, references by their `Type/id` text."""
    tag = uuid.uuid4().hex
    made: dict[str, str] = {}
    for name in ("S1", "S2"):
        made[name] = client.post("/Patient", json={"resourceType": "Patient"}).json()["id"]
    for name, code, mg, subject in (("oA", "b", 7, "S1"), ("oB", "a", 12, "S2"),
                                    ("oC", "c", None, None)):
        resource: dict[str, Any] = {
            "resourceType": "Observation", "status": "final",
            "meta": {"tag": [{"system": SYSTEM, "code": tag}]},
            "code": {"coding": [{"system": SYSTEM, "code": code}]}}
        if mg is not None:
            resource["valueQuantity"] = {"value": mg, "unit": "mg",
                                         "system": "http://unitsofmeasure.org", "code": "mg"}
        if subject is not None:
            resource["subject"] = {"reference": f"Patient/{made[subject]}"}
        r = client.post("/Observation", json=resource)
        assert r.status_code == 201, r.text
        made[r.json()["id"]] = name
    by_subject = sorted(["oA", "oB"], key=lambda n: made["S1" if n == "oA" else "S2"])

    def order(sort: str) -> list[str]:
        page = client.get("/Observation", params={"_tag": f"{SYSTEM}|{tag}", "_sort": sort})
        return [made[e["resource"]["id"]] for e in page.json()["entry"]]

    assert order("value-quantity") == ["oA", "oB", "oC"]
    assert order("-value-quantity") == ["oB", "oA", "oC"]
    assert order("code") == ["oB", "oA", "oC"]
    assert order("-code") == ["oC", "oA", "oB"]
    assert order("subject") == [*by_subject, "oC"]
    assert order("-subject") == [*by_subject[::-1], "oC"]
