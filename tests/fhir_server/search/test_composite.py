"""Composite parameters (R4 search.html#composite): the components match on one element.

Expected sets were read off the example files: Observation/blood-pressure has a systolic
component (LOINC 8480-6) of 107 mm[Hg] and a diastolic one (8462-4) of 60; blood-pressure-dar
has the systolic 107 and a diastolic without value; body-temperature is 8310-5 = 36.5 Cel,
f202 (8310-5 among its codings) 39 Cel; bloodgroup and rhstatus are 883-9 with value SNOMED
112144000; example-genetics-1 and -2 are 55233-1 with SNOMED 10828004; date-lastmp is
8665-2 on 2016-12-30; example-TPMT-diplotype is SNOMED 363779003 with the string "*1/*4";
DocumentReference/example relatesTo DocumentReference/example with code `appends`;
MolecularSequence/example's referenceSeqId is NC_000009.11, its variant 22125503..22125504
and window 22125500..22125510; the three fda* sequences are NC_000001.11, window
10453..101770080; ValueSet/example-extensional has useContext age with 18 a.
"""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query, index_rows, registry
from fhir_server.search.params import composite, quantity, reference, token

from .test_search_sql import search

BP = "http://loinc.org|8480-6"  # systolic
DIA = "http://loinc.org|8462-4"  # diastolic

CASES = [
    # The headline rule: blood-pressure has a value < 100 (diastolic 60), but not on the
    # systolic component, so it must not match.
    (f"Observation?component-code-value-quantity={BP}$lt100", set()),
    (f"Observation?component-code-value-quantity={BP}$gt100",
     {"blood-pressure", "blood-pressure-dar"}),
    (f"Observation?component-code-value-quantity={DIA}$lt100", {"blood-pressure"}),
    (f"Observation?component-code-value-quantity={DIA}$60|http://unitsofmeasure.org|mm[Hg]",
     {"blood-pressure"}),
    (f"Observation?component-code-value-quantity={BP}$lt100,{DIA}$lt100", {"blood-pressure"}),
    (f"Observation?component-code-value-quantity={BP}$gt100"
     f"&component-code-value-quantity={DIA}$lt70", {"blood-pressure"}),
    # Token without system; a prefix only on the value component.
    ("Observation?component-code-value-quantity=8462-4$le60", {"blood-pressure"}),
    (f"Observation?combo-code-value-quantity={BP}$107", {"blood-pressure",
                                                        "blood-pressure-dar"}),
    ("Observation?code-value-quantity=http://loinc.org|8310-5$gt37", {"f202"}),
    ("Observation?code-value-quantity=http://loinc.org|8310-5$lt37", {"body-temperature"}),
    ("Observation?code-value-quantity=http://loinc.org|8310-5$ge36.5",
     {"body-temperature", "f202"}),
    ("Observation?combo-code-value-quantity=http://loinc.org|8310-5$ge36.5",
     {"body-temperature", "f202"}),
    ("Observation?code-value-quantity=http://loinc.org|29463-7"
     "$185|http://unitsofmeasure.org|[lb_av]", {"example"}),
    ("Observation?code-value-quantity=http://loinc.org|29463-7$185||kg", set()),
    # The blood pressure's components are not the Observation's own value.
    (f"Observation?code-value-quantity={BP}$107", set()),
    ("Observation?code-value-concept=http://loinc.org|883-9$http://snomed.info/sct|112144000",
     {"bloodgroup", "rhstatus"}),
    ("Observation?code-value-concept=http://loinc.org|55233-1$http://snomed.info/sct|10828004",
     {"example-genetics-1", "example-genetics-2"}),
    ("Observation?code-value-concept=http://loinc.org|883-9$http://snomed.info/sct|10828004",
     set()),
    ("Observation?code-value-date=http://loinc.org|8665-2$2016-12", {"date-lastmp"}),
    ("Observation?code-value-date=http://loinc.org|8665-2$gt2017", set()),
    ("Observation?code-value-string=http://snomed.info/sct|363779003$*1/", {
        "example-TPMT-diplotype"}),
    ("DocumentReference?relationship=DocumentReference/example$appends", {"example"}),
    ("DocumentReference?relationship=DocumentReference/example$replaces", set()),
    ("DocumentReference?relationship:missing=false", {"example"}),
    ("MolecularSequence?referenceseqid-variant-coordinate=NC_000009.11$22125503$22125504",
     {"example"}),
    ("MolecularSequence?referenceseqid-window-coordinate="
     "http://www.ncbi.nlm.nih.gov/nuccore|NC_000001.11$lt20000$gt100000000",
     {"fda-example", "fda-vcfeval-comparison", "fda-vcf-comparison"}),
    ("ValueSet?context-type-quantity=age$18|http://unitsofmeasure.org|a",
     {"example-extensional"}),
    ("ValueSet?context-type-quantity=age$gt18", set()),
    # CodeableConcept components: Observation/glasgow's motor component (LOINC 9268-4) has
    # the value LOINC LA6566-9; LA6560-2 belongs to its verbal component (9270-0).
    ("Observation?component-code-value-concept=http://loinc.org|9268-4"
     "$http://loinc.org|LA6566-9", {"glasgow"}),
    ("Observation?component-code-value-concept=http://loinc.org|9268-4"
     "$http://loinc.org|LA6560-2", set()),
    # The apgar colour component (SNOMED 249227004) scores LA6724-4 at 5, 10 and 20 minutes.
    ("Observation?combo-code-value-concept=http://snomed.info/sct|249227004$"
     "http://loinc.org|LA6724-4", {"5minute-apgar-score", "10minute-apgar-score",
                                     "20minute-apgar-score"}),
    # useContext: the six opioidcds PlanDefinitions have focus SNOMED 82423001; zika and
    # low-suicide-risk have user 309343006; protocol-example's focus code has no system.
    ("PlanDefinition?context-type-value=focus$http://snomed.info/sct|82423001",
     {f"opioidcds-{n}" for n in ("04", "05", "07", "08", "10", "11")}),
    ("PlanDefinition?context-type-value=age$http://snomed.info/sct|82423001", set()),
    ("PlanDefinition?context-type-value=http://terminology.hl7.org/CodeSystem/"
     "usage-context-type|user$309343006", {"zika-virus-intervention",
                                           "low-suicide-risk-order-set"}),
    ("PlanDefinition?context-type-value=focus$http://snomed.info/sct|414916001",
     {"protocol-example"}),
    ("PlanDefinition?context-type-value=http://terminology.hl7.org/CodeSystem/"
     "usage-context-type|focus$http://snomed.info/sct|414916001", set()),
    # MolecularSequence/graphic-example-4: chromosome 2, window 128273736..128273740, and no
    # variants.
    ("MolecularSequence?chromosome-window-coordinate=2$128273736$128273740",
     {"graphic-example-4"}),
    ("MolecularSequence?chromosome-window-coordinate=2$ge128273736$le128273740",
     {"graphic-example-4"}),
    ("MolecularSequence?chromosome-window-coordinate=2$gt128273736$le128273740", set()),
    ("MolecularSequence?chromosome-variant-coordinate=2$ge0$ge0", set()),
]


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_composite_search(examples_db: asyncpg.Pool, query: str,
                                expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


def test_component_types_come_from_their_definitions() -> None:
    param = registry().get("Observation", "code-value-quantity")
    assert param is not None
    found = composite.parts(param)
    assert found is not None
    assert [p.kind for p in found] == [token, quantity]


def test_document_reference_relationship_errata() -> None:
    """R4 swaps the components' expressions; each definition's own expression wins."""
    param = registry().get("DocumentReference", "relationship")
    assert param is not None
    found = composite.parts(param)
    assert found is not None
    assert [(p.kind, p.expression) for p in found] == [(reference, "target"), (token, "code")]


def _observation(*components: tuple[str, float]) -> dict[str, object]:
    return {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
            "component": [{"code": {"coding": [{"system": "s", "code": code}]},
                           "valueQuantity": {"value": value, "code": "u"}}
                          for code, value in components]}


def test_rows_pair_the_components_of_one_element() -> None:
    rows = [r for r in index_rows(_observation(("a", 10), ("b", 200)))["idx_composite"]
            if r[1] == "component-code-value-quantity"]
    # slot 0: token (system in a0, code in b0); slot 1: quantity (b1 code, n1 value)
    pairs = {(r[3], r[2 + 7 + 3]) for r in rows}
    assert pairs == {("a", Decimal(10)), ("b", Decimal(200))}


def test_resources_without_composites_have_no_rows() -> None:
    patient = {"resourceType": "Patient", "name": [{"family": "x"}]}
    assert index_rows(patient)["idx_composite"] == []


@pytest.mark.parametrize("value", ["8480-6", "8480-6$1$2", "8480-6$", "$1"])
def test_wrong_number_of_components_is_a_400(value: str) -> None:
    with pytest.raises(FhirError) as error:
        compile_query("Observation", [("component-code-value-quantity", value)])
    assert error.value.status == 400


def test_escaped_dollar_is_literal() -> None:
    clause = compile_query("Observation", [("code-value-string", r"a|b$x\$y")]).clauses[0]
    value = clause.values[0]  # type: ignore[attr-defined]
    assert value.parts[1][1] == "x$y"
    assert value.parts[0][1] == ("a", "b")


def test_modifiers_other_than_missing_are_rejected() -> None:
    with pytest.raises(FhirError):
        compile_query("Observation", [("code-value-quantity:exact", "a$1")])
    compile_query("Observation", [("code-value-quantity:missing", "true")])
