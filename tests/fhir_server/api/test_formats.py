"""JSON and XML, _format, _pretty and content negotiation."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration

XML_PATIENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<Patient xmlns="http://hl7.org/fhir">
  <name><family value="\xe8\xb5\xb5"/><given value="\xe5\x85\xad"/></name>
  <gender value="female"/>
  <birthDate value="1985-07-12"/>
</Patient>"""


def test_create_xml_read_json_and_xml(client: httpx.Client) -> None:
    r = client.post(
        "/Patient",
        content=XML_PATIENT,
        headers={"Content-Type": "application/fhir+xml", "Accept": "application/fhir+xml"},
    )
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/fhir+xml")
    assert b"<family value=" in r.content
    pid = r.headers["location"].split("/Patient/")[1].split("/")[0]
    as_json = client.get(f"/Patient/{pid}").json()
    assert as_json["name"][0]["family"] == "赵" and as_json["birthDate"] == "1985-07-12"
    as_xml = client.get(f"/Patient/{pid}", params={"_format": "xml"})
    assert as_xml.headers["content-type"].startswith("application/fhir+xml")
    assert "赵" in as_xml.text


def test_pretty_json(client: httpx.Client) -> None:
    pid = client.post("/Patient", json={"resourceType": "Patient", "gender": "male"}).json()["id"]
    r = client.get(f"/Patient/{pid}", params={"_pretty": "true"})
    assert "\n  " in r.text and r.json()["gender"] == "male"


def test_unsupported_format_is_406(client: httpx.Client) -> None:
    assert client.get("/metadata", params={"_format": "text/csv"}).status_code == 406


def test_capability_statement_is_generated(client: httpx.Client) -> None:
    cs = client.get("/metadata").json()
    assert cs["resourceType"] == "CapabilityStatement" and cs["fhirVersion"] == "4.0.1"
    rest = cs["rest"][0]
    patient = next(r for r in rest["resource"] if r["type"] == "Patient")
    codes = {i["code"] for i in patient["interaction"]}
    assert {
        "read",
        "vread",
        "update",
        "patch",
        "delete",
        "create",
        "search-type",
        "history-instance",
        "history-type",
    } <= codes
    assert any(p["name"] == "identifier" and p["type"] == "token" for p in patient["searchParam"])
    assert {"validate", "meta", "meta-add", "meta-delete"} <= {
        o["name"] for o in patient["operation"]
    }
    assert {"transaction", "batch", "history-system"} <= {i["code"] for i in rest["interaction"]}
    assert len(rest["resource"]) == 146
