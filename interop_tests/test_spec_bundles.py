"""The R4 package's six transaction and batch Bundles, POSTed to the base (http.html#transaction).

They run against a server that holds every example (the `round_trips` fixture stores them),
so reads and searches have the spec's own data to find.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import orjson
import pytest

from interop_tests.spec_package import Resource, RoundTrip, example, fhir_client

pytestmark = pytest.mark.integration

Entry = dict[str, Any]


@pytest.fixture()
def fhir(fhir_base: str, round_trips: list[RoundTrip]) -> Iterator[httpx.Client]:
    """A FHIR JSON client asking for full representations, on a server holding the examples."""
    with fhir_client(fhir_base) as client:
        client.headers["Prefer"] = "return=representation"
        yield client


def _post(client: httpx.Client, bundle: Resource) -> httpx.Response:
    return client.post("", content=orjson.dumps(bundle))


def _entries(response: httpx.Response, kind: str, count: int) -> list[Entry]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == f"{kind}-response"
    assert len(body["entry"]) == count
    return list(body["entry"])


def _status(entry: Entry) -> int:
    return int(entry["response"]["status"].split()[0])


def _found_ids(searchset: Resource) -> set[str]:
    return {e["resource"]["id"] for e in searchset.get("entry", [])
            if e.get("search", {}).get("mode", "match") == "match"}


def _count(client: httpx.Client, res_type: str, **params: str) -> int:
    found = client.get(f"/{res_type}", params=params)
    assert found.status_code == 200, found.text
    return len(_found_ids(found.json()))


def _refused(answer: httpx.Response, status: int, entry: int) -> None:
    assert answer.status_code == status, answer.text
    outcome = answer.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert f"Bundle.entry[{entry}]" in orjson.dumps(outcome).decode()


def _type_and_id(location: str) -> str:
    """`Type/id` of a Location such as `Patient/1/_history/1`, relative or absolute."""
    return "/".join(location.split("/_history/")[0].split("/")[-2:])


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def test_bundle_transaction_fails_whole(fhir: httpx.Client) -> None:
    """bundle-transaction cannot succeed here. DELETEs run first (http.html#trules), and
    entry 6, DELETE Patient?identifier=123456, matches two stored examples (Patient/glossy
    and Patient/pat2): with conditionalDelete 'single' that is a 412 (http.html#cdelete).
    (Later entries would fail too: If-Match on the absent Patient/123a, ValueSet/$lookup.)
    A failed transaction writes nothing."""
    capability = fhir.get("/metadata").json()["rest"][0]["resource"]
    patient = next(r for r in capability if r["type"] == "Patient")
    assert patient["conditionalDelete"] == "single"
    _refused(_post(fhir, example("Bundle-bundle-transaction.json")), 412, 6)
    assert fhir.get("/Patient/123").status_code == 404
    for value in ("234234", "456456"):
        assert _count(fhir, "Patient", identifier=f"http:/example.org/fhir/ids|{value}") == 0
    assert _count(fhir, "Patient", identifier="123456") == 2


def test_batch_simple_summary(fhir: httpx.Client) -> None:
    """Every read and search of bundle-request-simplesummary is answered, and each search
    finds exactly the stored examples that match it."""
    patient, conditions, statements, observations = _entries(
        _post(fhir, example("Bundle-bundle-request-simplesummary.json")), "batch", 4)
    assert [_status(e) for e in (patient, conditions, statements, observations)] == [200] * 4
    assert patient["resource"]["id"] == "example"
    expected = {"example", "example2", "family-history", "stroke"}
    assert _found_ids(conditions["resource"]) == expected
    assert _found_ids(statements["resource"]) == set()
    assert _found_ids(observations["resource"]) == set()


def _self_params(searchset: Resource) -> set[str]:
    url = next(link["url"] for link in searchset["link"] if link["relation"] == "self")
    return {name for name, _ in parse_qsl(urlsplit(url).query)}


def test_batch_meds_allergies(fhir: httpx.Client) -> None:
    """bundle-request-medsallergies searches with `_list` functional lists (list.html
    #functional, supported) and STU3's MedicationStatement `notgiven`. Unless the client asks
    for strict handling, "servers SHOULD ignore unknown or unsupported parameters" and leave
    them out of the self link (search.html#errors): every entry is a 200, and the batch a
    200; the `_list` the server applied stays in the self link."""
    entries = _entries(_post(fhir, example("Bundle-bundle-request-medsallergies.json")),
                       "batch", 5)
    assert [_status(e) for e in entries] == [200] * 5, [e["response"] for e in entries]
    assert entries[0]["resource"]["id"] == "example"
    for entry in entries[1:]:
        assert _self_params(entry["resource"]).isdisjoint({"notgiven", "notgiven:not"})
    assert all("_list" in _self_params(entry["resource"]) for entry in entries[1:4])


def test_search_honours_prefer_lenient(fhir: httpx.Client) -> None:
    """`Prefer: handling=lenient` asks the server to ignore what it does not support."""
    found = fhir.get("/Condition", params={"patient": "example", "notgiven": "true"},
                     headers={"Prefer": "handling=lenient"})
    assert found.status_code == 200, found.text
    assert _self_params(found.json()) >= {"patient"}
    assert "notgiven" not in _self_params(found.json())


def test_transaction_hla(fhir: httpx.Client) -> None:
    """hla-1 posts 22 resources linked by urn:uuid fullUrls: all are created, and every
    urn:uuid reference now names the resource created for it (http.html#trules)."""
    bundle = example("Bundle-hla-1.json")
    entries = _entries(_post(fhir, bundle), "transaction", 22)
    assert [_status(e) for e in entries] == [201] * 22
    created = {sent["fullUrl"]: _type_and_id(e["response"]["location"])
               for sent, e in zip(bundle["entry"], entries, strict=True)}
    for sent, answer in zip(bundle["entry"], entries, strict=True):
        expected = [created.get(ref, ref) for ref in _references(sent["resource"])]
        assert list(_references(answer["resource"])) == expected
        stored = fhir.get(f"/{created[sent['fullUrl']]}").json()
        assert list(_references(stored)) == expected


def test_transaction_xds_refuses_a_type_in_if_none_exist(fhir: httpx.Client) -> None:
    """xds entry 1 has ifNoneExist 'Patient?identifier=...', but ifNoneExist is "just the
    query portion of the URL - what follows the '?'" (Bundle.entry.request.ifNoneExist):
    the criteria name no known parameter, so the transaction is refused whole."""
    _refused(_post(fhir, example("Bundle-xds.json")), 400, 1)
    document = "urn:ietf:rfc:3986|urn:oid:129.6.58.92.88336"
    assert _count(fhir, "DocumentReference", identifier=document) == 0


def test_transaction_xds_rewrites_every_link(fhir: httpx.Client) -> None:
    """With the query-only criteria xds means, it succeeds; the DocumentReference's
    attachment.url is the Binary entry's fullUrl, and "the server SHALL replace all matching
    links in the bundle, whether they are found in resource ids, resource references,
    elements of type uri, url, oid, uuid, and <a href=''> & <img src=''> in the narrative"
    (http.html#trules)."""
    bundle = example("Bundle-xds.json")
    criteria = "identifier=http://acme.org/xds/patients|89765a87b"
    bundle["entry"][1]["request"]["ifNoneExist"] = criteria
    entries = _entries(_post(fhir, bundle), "transaction", 5)
    assert [_status(e) for e in entries] == [201] * 5
    binary, old = _type_and_id(entries[4]["response"]["location"]), bundle["entry"][4]["fullUrl"]
    document = entries[0]["resource"]
    url = document["content"][0]["attachment"]["url"]
    assert url.endswith(binary), f"attachment.url is still {url}, not the new {binary}"
    assert old not in document["text"]["div"] and binary in document["text"]["div"]


def test_transaction_ussg_fht_is_refused(fhir: httpx.Client) -> None:
    """ussg-fht PUTs to absolute URLs of another server (http://hl7.org/fhir/us/sdc/...);
    Bundle.entry.request.url is relative to this server's base, so the transaction is
    refused whole with a 400 and writes nothing."""
    _refused(_post(fhir, example("Bundle-ussg-fht.json")), 400, 0)
    assert fhir.get("/Questionnaire/54127-6").status_code == 404
    assert fhir.get("/ValueSet/LL1-9").status_code == 404
