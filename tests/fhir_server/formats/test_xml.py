"""The FHIR XML codec: spec examples round-trip, hand-checked snippets, hostile input."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from lxml import etree

from fhir_server.definitions.packages import package_dir
from fhir_server.errors import FhirError
from fhir_server.formats.xml import resource_from_xml, resource_to_xml

# Definitional artefacts of the spec; everything else in the package is an example.
# fmt: off
CONFORMANCE = frozenset((
    "CapabilityStatement", "CodeSystem", "CompartmentDefinition", "ConceptMap",
    "GraphDefinition", "ImplementationGuide", "MessageDefinition", "NamingSystem",
    "OperationDefinition", "SearchParameter", "StructureDefinition", "StructureMap",
    "TerminologyCapabilities", "ValueSet",
))
# fmt: on
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://hl7.org/fhir"'
DIV = '<div xmlns="http://www.w3.org/1999/xhtml"><p>Peter <b>Chalmers</b></p></div>'


def example_files() -> list[Path]:
    return [
        p
        for p in sorted(package_dir().glob("*-*.json"))
        if p.name.split("-", 1)[0] not in CONFORMANCE
    ]


def normalised(value: Any) -> Any:
    """Narrative compared as canonical XML; 1.0 and 1 compare equal in Python already."""
    if isinstance(value, dict):
        return {k: canonical(v) if k == "div" else normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


def canonical(div: str) -> bytes:
    return bytes(etree.tostring(etree.fromstring(div.encode()), method="c14n"))


def xml(body: str) -> bytes:
    return (HEAD + body).encode()


def patient(inner: str, doctype: str = "") -> bytes:
    return xml(f"{doctype}<Patient {NS}>{inner}</Patient>")


def rejects(data: bytes, fragment: str = "") -> FhirError:
    with pytest.raises(FhirError) as caught:
        resource_from_xml(data)
    assert caught.value.status == 400
    assert fragment in str(caught.value), str(caught.value)
    return caught.value


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.stem)  # 721 of them
def test_every_example_round_trips(path: Path) -> None:
    original = orjson.loads(path.read_bytes())
    back = resource_from_xml(resource_to_xml(original))
    assert back == original or normalised(back) == normalised(original)


def test_primitive_extension_and_element_order() -> None:
    # json.html#primitive: the `_birthDate` companion becomes the element's id and children.
    patient = {
        "birthDate": "1970-03-30",
        "id": "example",
        "resourceType": "Patient",
        "_birthDate": {
            "id": "314159",
            "extension": [
                {
                    "url": "http://example.org/fhir/StructureDefinition/text",
                    "valueString": "Easter 1970",
                }
            ],
        },
    }
    expected = xml(
        f'<Patient {NS}><id value="example"/><birthDate id="314159" '
        'value="1970-03-30"><extension url="http://example.org/fhir/'
        'StructureDefinition/text"><valueString value="Easter 1970"/></extension>'
        "</birthDate></Patient>"
    )
    assert resource_to_xml(patient) == expected
    assert resource_from_xml(expected) == patient


def test_primitive_array_with_nulls() -> None:
    ext = {"url": "http://hl7.org/fhir/StructureDefinition/display", "valueString": "Kiwi"}
    patient = {
        "resourceType": "Patient",
        "name": [
            {
                "id": "n1",
                "given": ["Peter", None, "Jim"],
                "_given": [None, {"extension": [ext]}, None],
            }
        ],
    }
    data = resource_to_xml(patient)
    assert (
        b'<name id="n1"><given value="Peter"/><given><extension url="http://hl7.org/'
        b'fhir/StructureDefinition/display"><valueString value="Kiwi"/></extension></given>'
        b'<given value="Jim"/></name>'
    ) in data
    assert resource_from_xml(data) == patient


def test_bundle_with_contained_resource_and_narrative() -> None:
    body = (
        f'<Bundle {NS}><type value="collection"/><entry><fullUrl value="urn:uuid:1"/>'
        '<resource><Patient><id value="p1"/><text><status value="generated"/>'
        f'{DIV}</text><contained><Organization><id value="o1"/><name value="Acme"/>'
        '</Organization></contained><active value="true"/><managingOrganization>'
        '<reference value="#o1"/></managingOrganization></Patient></resource></entry>'
        "</Bundle>"
    )
    bundle = resource_from_xml(xml(body))
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "text": {"status": "generated", "div": DIV},
        "contained": [{"resourceType": "Organization", "id": "o1", "name": "Acme"}],
        "active": True,
        "managingOrganization": {"reference": "#o1"},
    }
    assert bundle == {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": "urn:uuid:1", "resource": patient}],
    }
    assert resource_to_xml(bundle) == xml(body)


def test_numbers_booleans_and_choice_types() -> None:
    obs = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "weight"},
        "valueQuantity": {"value": 72.5, "unit": "kg"},
        "component": [
            {"code": {"text": "n"}, "valueInteger": 3},
            {"code": {"text": "d"}, "valueQuantity": {"value": 100}},
            {"code": {"text": "b"}, "valueBoolean": False},
        ],
    }
    data = resource_to_xml(obs)
    assert b'<valueQuantity><value value="72.5"/>' in data
    back = resource_from_xml(data)
    assert back == obs and back["component"][2]["valueBoolean"] is False
    assert type(back["component"][1]["valueQuantity"]["value"]) is int


def test_pretty_output_reads_back_the_same() -> None:
    patient = {
        "resourceType": "Patient",
        "text": {"status": "generated", "div": DIV},
        "name": [{"family": "Chalmers", "given": ["Peter"]}],
    }
    data = resource_to_xml(patient, pretty=True)
    assert data.startswith(HEAD.encode() + b"<Patient") and b"\n  <name>\n    <family" in data
    assert resource_from_xml(data) == patient


def test_escaping_survives_round_trip() -> None:
    patient = {"resourceType": "Patient", "name": [{"text": 'a & b < "c"\n\td\r>'}]}
    assert resource_from_xml(resource_to_xml(patient)) == patient


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "not well-formed"),
        (b"not xml at all", "not well-formed"),
        (xml(f'<Patient {NS}><id value="x"/>'), "not well-formed"),
        (xml('<Patient><id value="x"/></Patient>'), "namespace"),
        (xml('<Patient xmlns="http://hl7.org/fhir/x"/>'), "namespace"),
        (xml(f"<Bogus {NS}/>"), "unknown resource type"),
        (xml(f"<DomainResource {NS}/>"), "unknown resource type"),
        (patient('<nickname value="x"/>'), "Patient.nickname: unknown element"),
        (patient('<name><giver value="x"/></name>'), "Patient.name.giver: unknown element"),
        (patient('<x:active xmlns:x="urn:x" value="true"/>'), "namespace"),
        (patient('<active value="yes"/>'), "Patient.active: 'yes' is not a valid boolean"),
        (patient('<active valu="true"/>'), "unknown attribute"),
        (patient('<active value=""/>'), "empty attribute"),
        (patient('<name id=" "><text value="x"/></name>'), "Patient.name: empty attribute"),
        (patient("<active/>"), "needs a value"),
        (patient('<birthDate value="2020-13-01"/>'), "Patient.birthDate"),
        (patient('<multipleBirthInteger value="1.5"/>'), "not a valid integer"),
        (patient('<multipleBirthInteger value="9999999999"/>'), "not a valid integer"),
        (patient('<active value="true"/><active value="true"/>'), "repeats"),
        (patient("<name>Peter</name>"), "text content"),
        (patient("<name/>"), "empty element"),
        (patient('<text><status value="generated"/><div>x</div></text>'), "Patient.text.div"),
        (patient("<contained><Patient/><Patient/></contained>"), "exactly one"),
        (patient('<active value="&bogus;"/>'), "not well-formed"),
        (
            b'<?xml version="1.0" encoding="ISO-8859-1"?><Patient xmlns="http://hl7.org/fhir"/>',
            "UTF-8",
        ),
        (patient('<id value="\xe9"/>').replace(b"\xc3\xa9", b"\xe9"), "UTF-8"),
    ],
)
def test_malformed_xml_is_a_400(data: bytes, fragment: str) -> None:
    rejects(data, fragment)


def test_decimal_values_are_checked() -> None:
    good = xml(
        f'<Observation {NS}><status value="final"/><code><text value="x"/></code>'
        '<valueQuantity><value value="1.50e2"/></valueQuantity></Observation>'
    )
    assert resource_from_xml(good)["valueQuantity"]["value"] == 150.0
    error = rejects(good.replace(b"1.50e2", b"1e999"), "not a valid decimal")
    assert error.issues[0].expression == "Observation.valueQuantity.value"
    rejects(good.replace(b"1.50e2", b"01.5"), "not a valid decimal")


def test_xxe_and_billion_laughs_are_refused_fast() -> None:
    xxe = '<!DOCTYPE Patient [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    rejects(patient('<id value="&x;"/>', xxe), "DOCTYPE")
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    data = patient('<id value="&l9;"/>', f'<!DOCTYPE Patient [<!ENTITY l0 "lol">{entities}]>')
    start = time.perf_counter()
    rejects(data, "DOCTYPE")
    assert time.perf_counter() - start < 0.1


def test_comments_are_ignored_but_kept_in_narrative() -> None:
    xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x"'
    div = '<div xmlns="http://www.w3.org/1999/xhtml">a<!-- note --></div>'
    body = f'<Patient {NS} {xsi}><!-- c --><text><status value="generated"/>{div}</text></Patient>'
    assert resource_from_xml(xml(body))["text"]["div"] == div


def test_deep_nesting_is_a_400_not_a_crash() -> None:
    for depth, fragment in ((100, "nested deeper than"), (10_000, "Excessive depth")):
        nested = '<extension url="u">' * depth + "</extension>" * depth
        rejects(xml(f"<Patient {NS}>{nested}</Patient>"), fragment)
    resource: dict[str, Any] = {"url": "u", "valueString": "x"}
    for _ in range(10_000):
        resource = {"url": "u", "extension": [resource]}
    with pytest.raises(FhirError, match="deeper"):
        resource_to_xml({"resourceType": "Patient", "extension": [resource]})


@pytest.mark.parametrize(
    "resource",
    [
        {"resourceType": "Bogus"},
        {"resourceType": "Patient", "nickname": "x"},
        {"resourceType": "Patient", "name": {"family": "x"}},
        {"resourceType": "Patient", "active": {"nested": True}},
        {"resourceType": "Patient", "_name": [{"id": "x"}]},
        {"resourceType": "Patient", "name": [{"given": ["a"], "_given": [None, None]}]},
        {"resourceType": "Patient", "name": [{"given": [None]}]},
        {"resourceType": "Patient", "name": [{"text": "bell \x07"}]},
        {"resourceType": "Patient", "text": {"status": "generated", "div": "<div>unclosed"}},
        {"resourceType": "Patient", "text": {"status": "generated", "div": "<p>not a div</p>"}},
    ],
)
def test_unwritable_json_is_a_400(resource: dict[str, Any]) -> None:
    with pytest.raises(FhirError) as caught:
        resource_to_xml(resource)
    assert caught.value.status == 400


def test_mangled_documents_raise_only_fhir_errors() -> None:
    rng = random.Random(4)
    originals = [
        resource_to_xml(orjson.loads(p.read_bytes()))
        for p in example_files()[:40]
        if p.stat().st_size < 20_000
    ]
    for data in originals:
        for _ in range(10):
            cut = rng.randrange(len(data))
            for mangled in (data[:cut], data[:cut] + bytes([rng.randrange(256)]) + data[cut + 1 :]):
                try:
                    resource_from_xml(mangled)
                except FhirError as exc:
                    assert exc.status == 400
