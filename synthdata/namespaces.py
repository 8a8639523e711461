"""Every URL the synthetic county writes: identifier systems, code systems, extensions.

Our own names live under http://regional-hie.cn/fhir; standard ones are the HL7, LOINC,
ICD-10, ATC and UCUM URLs the R4 spec uses.
"""

from __future__ import annotations

BASE = "http://regional-hie.cn/fhir"

# Identifier systems.
RESIDENT_ID = "urn:oid:2.16.156.10011.1.3"  # PRC resident identity card number
ORG = f"{BASE}/sid/org"
LOCATION = f"{BASE}/sid/location"
PRACTITIONER = f"{BASE}/sid/practitioner-licence"
PRACTITIONER_ROLE = f"{BASE}/sid/practitioner-role"
CARE_TEAM = f"{BASE}/sid/family-doctor-team"
CONTRACT = f"{BASE}/sid/family-doctor-contract"
INSURANCE = f"{BASE}/sid/insurance-number"
CHILD_VACCINATION = f"{BASE}/sid/child-vaccination-code"
MOTHER_ID = f"{BASE}/sid/mother-resident-id"
REFERRAL = f"{BASE}/sid/referral"
CLAIM = f"{BASE}/sid/claim"
DICOM_UID = "urn:dicom:uid"


def mrn_system(facility_code: str) -> str:
    """The medical-record-number system of one facility's HIS."""
    return f"{BASE}/sid/mrn/{facility_code}"


def accession_system(facility_code: str) -> str:
    """The accession-number system of one facility's RIS."""
    return f"{BASE}/sid/accession/{facility_code}"


def lab_code_system(facility_code: str) -> str:
    """The local laboratory code system of one facility's LIS."""
    return f"{BASE}/CodeSystem/lab/{facility_code}"


def lab_concept_map(facility_code: str) -> str:
    """The ConceptMap from one facility's local laboratory codes to LOINC."""
    return f"{BASE}/ConceptMap/lab/{facility_code}"


# Our code systems.
CS = f"{BASE}/CodeSystem"
FACILITY_TYPE = f"{CS}/facility-type"
FACILITY_LEVEL = f"{CS}/facility-level"
FACILITY_DESIGNATION = f"{CS}/facility-designation"
HOSPITAL_GRADE = f"{CS}/hospital-grade"
ROLE = f"{CS}/practitioner-role"
DEPARTMENT = f"{CS}/department"
ENCOUNTER_TYPE = f"{CS}/encounter-type"
REFERRAL_DIRECTION = f"{CS}/referral-direction"
FORMULARY = f"{CS}/formulary"
IMAGING_PROCEDURE = f"{CS}/imaging-procedure"
VACCINE = f"{CS}/vaccine"
SERVICE_PACKAGE = f"{CS}/family-doctor-service-package"
INSURANCE_TYPE = f"{CS}/insurance-type"
FEE_ITEM = f"{CS}/fee-item"

# Our extensions.
SD = f"{BASE}/StructureDefinition"
EXT_FACILITY_LEVEL = f"{SD}/facility-level"
EXT_HOSPITAL_GRADE = f"{SD}/hospital-grade"
EXT_CONSORTIUM = f"{SD}/consortium"
EXT_DIVISION = f"{SD}/administrative-division"
EXT_SERVICE_PACKAGE = f"{SD}/service-package"

# Standard systems.
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
CVX = "http://hl7.org/fhir/sid/cvx"
V3_ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
V2_DIAGNOSTIC_SECTION = "http://terminology.hl7.org/CodeSystem/v2-0074"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
LOCATION_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PROCESS_PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
COVERAGE_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DIAGNOSIS_ROLE = "http://terminology.hl7.org/CodeSystem/diagnosis-role"
MEDREQ_CATEGORY = "http://terminology.hl7.org/CodeSystem/medicationrequest-category"
EOC_TYPE = "http://terminology.hl7.org/CodeSystem/episodeofcare-type"
