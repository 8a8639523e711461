"""Each `_filter` operator on each parameter type, over the R4 examples.

Expected sets were worked out by hand from the example files (Patient-*.json, etc.) and the
operator table of search_filter.html#ops; the data used is quoted next to each group.
"""

from __future__ import annotations

import asyncpg
import pytest

from ..test_search_sql import FEMALE, ORGANIZATION_1, PATIENTS, search

pytestmark = pytest.mark.integration

EVERYWOMAN = {"genetics-example1", "mom"}
SOLO = {"infant-mom", "infant-twin-1", "infant-twin-2"}
# given names: example Peter James / Jim; genetics-example1 and mom: Eve only;
# ch-example, dicom, infant-fetal, newborn, proband: none.
WITH_GIVEN = PATIENTS - {"ch-example", "dicom", "infant-fetal", "newborn", "proband"}
NO_BIRTHDATE = {"dicom", "ihe-pcd", "infant-fetal", "pat1", "pat2"}

STRING = [
    # family names: Chalmers/Windsor (example), MINT_TEST, van de Heuvel (f001), Bor (f201),
    # Everywoman, Levin (glossy, xcda), BROOKS, Solo, Organa, Donald, Notsowell, Doe.
    ('family eq "levin"', {"glossy", "xcda"}),
    ('family eq "LEV"', set()),
    ('name co "eve"', EVERYWOMAN),
    ('name co "张无"', {"ch-example"}),
    ("family sw Ev", EVERYWOMAN),
    ('family ew "LO"', SOLO),
    ('family ew "well"', {"pat3", "pat4"}),
    ('given ne "eve"', WITH_GIVEN - EVERYWOMAN),
    ('given ne "peter"', WITH_GIVEN),                # example also has James and Jim
    ('family gt "s"', {"example", "f001"} | SOLO),   # windsor, van de heuvel, solo
    ('family lt "c"', {"f201", "ihe-pcd"}),          # bor, brooks
    ('family le "bor"', {"f201"}),
    ('family ge "windsor"', {"example"}),
]
TOKEN = [
    ("gender eq female", FEMALE),
    ("gender eq FEMALE", FEMALE),                    # values are never case sensitive
    ("gender ne male", FEMALE | {"pat2"}),           # pat2 is other; ihe-pcd has none
    ("identifier eq urn:oid:1.2.36.146.595.217.0.1|12345", {"example"}),
    ('identifier eq "urn:oid:0.1.2.3.4.5.6.7|"', {"pat1", "pat2", "pat3", "pat4"}),
    ("identifier eq |ab60001", {"ihe-pcd"}),         # ihe-pcd's identifier has no system
    ("identifier eq 12345", {"example", "xcda"}),
    ("active eq false", set()),
]
DATE = [
    # birthDate: example, ch-example 1974-12-25; f001 1944-11-17; glossy, xcda 1932-09-24;
    # genetics-example1, mom 1973-05-31; proband 1966-04-04; f201 1960-03-13; xds 1956-05-27;
    # pat3 1982-01-23; pat4 1982-08-02; infant-mom 1995-10-12; animal 2010-03-23;
    # twins 2017-05-15; newborn 2017-09-05.
    ("birthdate eq 1974", {"ch-example", "example"}),
    ("birthdate lt 1950", {"f001", "glossy", "xcda"}),
    ("birthdate ge 2017-05-15", {"infant-twin-1", "infant-twin-2", "newborn"}),
    ("birthdate gt 2017-05-15", {"newborn"}),
    ("birthdate le 1944-11-17", {"f001", "glossy", "xcda"}),
    ("birthdate sa 2000", {"animal", "infant-twin-1", "infant-twin-2", "newborn"}),
    ("birthdate eb 1933", {"glossy", "xcda"}),
    ("birthdate ne 1974", PATIENTS - NO_BIRTHDATE - {"ch-example", "example"}),
    # ap: 10% of the gap to now (about 5 years) either side of 1974-12-25
    ("birthdate ap 1974-12-25", {"ch-example", "example"} | EVERYWOMAN),
    # co: the birth day contains the instant, not the whole month
    ("birthdate co 1974-12-25T10:00:00Z", {"ch-example", "example"}),
    ("birthdate co 1974-12", set()),
    ("birthdate po 1974-12", {"ch-example", "example"}),
    ("birthdate po 1982", {"pat3", "pat4"}),
]
PRESENCE = [
    ("general-practitioner pr true", {"glossy", "infant-mom"}),
    ("birthdate pr false", NO_BIRTHDATE),
    ("birthdate PR FALSE", NO_BIRTHDATE),
]
REFERENCE = [
    ("organization re Organization/1", ORGANIZATION_1),
    ('organization re "1"', ORGANIZATION_1),
    ("general-practitioner re Practitioner/21B", {"infant-mom"}),
    ("link re Patient/pat2", {"pat1"}),
]
COLUMNS = [
    ("_id eq example", {"example"}),
    ("_id eq EXAMPLE", set()),                       # logical ids are case-sensitive
    ("_id ne example", PATIENTS - {"example"}),
    ("_id pr true", PATIENTS),
    ("_lastUpdated lt 2015", {"genetics-example1", "mom", "glossy"}),
    ("_lastUpdated po 2012-05-29", {"genetics-example1", "mom"}),
    ("_lastUpdated eq 2012-05", {"genetics-example1", "mom"}),
]
LOGIC = [
    ("gender eq female and birthdate lt 1980", EVERYWOMAN | {"proband"}),
    # left to right, no precedence: (solo or levin) and male
    ("family eq solo or family eq levin and gender eq male",
     {"infant-twin-2", "glossy", "xcda"}),
    ("family eq solo or (family eq levin and gender eq male)", SOLO | {"glossy", "xcda"}),
    ("(family eq solo or family eq levin) and gender eq male",
     {"infant-twin-2", "glossy", "xcda"}),
    ("not(gender eq female) and not(gender eq male)", {"ihe-pcd", "pat2"}),
    # not: no given name is peter (example has Peter, James and Jim); ne: some name is not
    ('not(given eq "peter")', PATIENTS - {"example"}),
    ('not (given eq "peter" or given eq eve)', PATIENTS - {"example"} - EVERYWOMAN),
    ("gender EQ male AND NOT (birthdate PR true)", {"dicom", "infant-fetal", "pat1"}),
    ("not(not(gender eq other))", {"pat2"}),
    ("_id eq example or _id eq f001 or _id eq nobody", {"example", "f001"}),
]


@pytest.mark.parametrize(("expression", "expected"),
                         STRING + TOKEN + DATE + PRESENCE + REFERENCE + COLUMNS + LOGIC)
async def test_patient(examples_db: asyncpg.Pool, expression: str, expected: set[str]) -> None:
    assert await search(examples_db, f"Patient?_filter={expression}") == expected


OTHER_TYPES = [
    # RiskAssessment prediction.probabilityDecimal: cardiac 0.02; riskexample 0.000368;
    # genetic 0.000168, 0.000368, 0.000594, ... 0.001663.
    ("RiskAssessment?_filter=probability gt 0.01", {"cardiac"}),
    ("RiskAssessment?_filter=probability eq 0.000368", {"genetic", "riskexample"}),
    ("RiskAssessment?_filter=probability lt 0.0002", {"genetic"}),
    ("RiskAssessment?_filter=probability ne 0.000368", {"cardiac", "genetic"}),
    ("RiskAssessment?_filter=probability ap 0.021", {"cardiac"}),
    ("RiskAssessment?_filter=probability sa 0.0016", {"cardiac", "genetic"}),
    ("RiskAssessment?_filter=probability eb 0.0002", {"genetic"}),
    # co: 0.02 stands for [0.015, 0.025); 0.000368 for [0.0003675, 0.0003685)
    ("RiskAssessment?_filter=probability co 0.024", {"cardiac"}),
    ("RiskAssessment?_filter=probability co 0.026", set()),
    ("RiskAssessment?_filter=probability co 0.0003684", {"genetic", "riskexample"}),
    ("Observation?_filter=value-quantity gt 100", {"656", "example", "f204"}),
    # search_filter.html: '[' is not a token character, so this value must be quoted.
    ('Observation?_filter=value-quantity gt "100|http://unitsofmeasure.org|[lb_av]"',
     {"example"}),
    ("Observation?_filter=value-quantity gt 100|ucum|kg", set()),
    # canonical UCUM: Observation/example's 185 [lb_av] is 83.91 kg, the only mass value
    ("Observation?_filter=value-quantity gt 80|ucum|kg", {"example"}),
    ("Observation?_filter=value-quantity lt 84000|ucum|g and value-quantity gt 83900|ucum|g",
     {"example"}),
    ("Observation?_filter=value-quantity eq 16.2|UCUM|kg/m2", {"bmi", "bmi-using-related"}),
    ("Observation?_filter=code eq loinc|29463-7", {"example"}),
    ("Observation?_filter=code eq http://LOINC.org|29463-7", {"example"}),
    # Encounter.period: f203 2013-03-11..2013-03-20; home 2015-01-17T16:00..16:30+10:00;
    # emerg from 2017-02-01T07:15+10:00, open-ended; the others have none.
    ("Encounter?_filter=date po 2015-01-17", {"home"}),
    ("Encounter?_filter=date co 2013-03-15", {"f203"}),
    ("Encounter?_filter=date co 2020", {"emerg"}),
    ("Encounter?_filter=date eq 2013-03", {"f203"}),
    ("Encounter?_filter=date po 2020 or date po 2013", {"emerg", "f203"}),
    ("Encounter?_filter=date pr false",
     {"example", "f001", "f002", "f003", "f201", "f202", "xcda"}),
    # ValueSet urls: .../ValueSet/administrative-gender, .../ValueSet/v3-AdministrativeGender
    ("ValueSet?_filter=url eq http://hl7.org/fhir/ValueSet/administrative-gender",
     {"administrative-gender"}),
    ('ValueSet?_filter=url ew "/administrative-gender"', {"administrative-gender"}),
    ('ValueSet?_filter=url co "AdministrativeGender"', {"v3-AdministrativeGender"}),
    ("ValueSet?_filter=url ss http://hl7.org/fhir/ValueSet/administrative",
     {"administrative-gender"}),
    ("ValueSet?_filter=url sb http://hl7.org/fhir/ValueSet/administrative-gender/x",
     {"administrative-gender"}),
]


@pytest.mark.parametrize(("query", "expected"), OTHER_TYPES)
async def test_other_types(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected
