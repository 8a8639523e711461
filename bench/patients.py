"""Realistic, deterministic FHIR R4 test data for the benchmarks: patients of 兰考县, Henan.

Every function takes a `random.Random`, so one seed always yields the same data. Nothing here
imports `fhir_server`: the benchmarks talk to a server over the network only.

    rng = random.Random(42)
    patient(rng)                        # one Patient
    patient_bundle(rng)                 # a transaction: Patient, Encounter, 8-20 findings
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

__all__ = ["bundle_size", "condition", "encounter", "observation", "patient", "patient_bundle",
           "resident_id", "with_changes"]

Resource = dict[str, Any]

# 410225: the administrative division code of 兰考县, 开封市, 河南省 (GB/T 2260).
LANKAO_CODE = "410225"
# OID of the PRC resident identity card number in the national health information standards.
RESIDENT_ID_SYSTEM = "urn:oid:2.16.156.10011.1.3"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
CHINA = timezone(timedelta(hours=8))

FAMILY_NAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
                "邓曹彭曾肖田董袁潘蒋蔡余杜叶程")
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅玉兰志文海燕鹏辉飞云新春"
TOWNS = ("城关镇", "堌阳镇", "南彰镇", "考城镇", "红庙镇", "谷营镇", "东坝头镇", "仪封镇",
         "许河乡", "孟寨乡", "葡萄架乡", "小宋镇", "三义寨乡", "闫楼乡", "爪营乡")
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                   "155", "158", "159", "166", "176", "177", "180", "182", "185", "186", "187")
HOSPITALS = ("兰考县人民医院", "兰考县中医院", "兰考县妇幼保健院", "兰考县第一医院")

# (LOINC code, display, UCUM unit, low, high, decimals, category)
VITALS_AND_LABS = (
    ("8867-4", "心率", "/min", 55, 110, 0, "vital-signs"),
    ("8310-5", "体温", "Cel", 36.0, 38.5, 1, "vital-signs"),
    ("8480-6", "收缩压", "mm[Hg]", 95, 175, 0, "vital-signs"),
    ("8462-4", "舒张压", "mm[Hg]", 55, 105, 0, "vital-signs"),
    ("29463-7", "体重", "kg", 40, 95, 1, "vital-signs"),
    ("8302-2", "身高", "cm", 145, 185, 0, "vital-signs"),
    ("9279-1", "呼吸频率", "/min", 12, 24, 0, "vital-signs"),
    ("15074-8", "血糖", "mmol/L", 3.9, 13.0, 1, "laboratory"),
    ("4548-4", "糖化血红蛋白", "%", 4.5, 9.5, 1, "laboratory"),
    ("2093-3", "总胆固醇", "mmol/L", 3.0, 7.5, 2, "laboratory"),
    ("718-7", "血红蛋白", "g/L", 95, 170, 0, "laboratory"),
)
# (ICD-10 code, display)
DIAGNOSES = (("I10", "原发性高血压"), ("E11.9", "2型糖尿病"), ("J06.9", "急性上呼吸道感染"),
             ("K29.7", "胃炎"), ("M54.5", "腰痛"), ("J44.9", "慢性阻塞性肺疾病"),
             ("I25.1", "动脉粥样硬化性心脏病"), ("N39.0", "泌尿道感染"))

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(birth: date, sequence: int, area: str = LANKAO_CODE) -> str:
    """An 18-digit resident ID: area, birth date, 3-digit sequence, MOD 11-2 check (GB 11643)."""
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _moment(rng: random.Random, days_back: int = 365) -> datetime:
    start = datetime(2024, 6, 30, 8, tzinfo=CHINA) - timedelta(days=rng.randrange(days_back))
    return start + timedelta(minutes=rng.randrange(10 * 60))


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _address(rng: random.Random) -> Resource:
    town = rng.choice(TOWNS)
    line = f"{town}{rng.choice('东西南北')}街{rng.randrange(1, 300)}号"
    return {"use": "home", "text": f"河南省开封市兰考县{line}", "line": [line],
            "city": "开封市", "district": "兰考县", "state": "河南省", "postalCode": "475300",
            "country": "CN"}


def _name(rng: random.Random) -> Resource:
    family = rng.choice(FAMILY_NAMES)
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2))))
    return {"use": "official", "text": family + given, "family": family, "given": [given]}


def patient(rng: random.Random) -> Resource:
    """A Patient of 兰考县: name, resident ID (matching sex and birth date), phone, address."""
    birth = date(1935, 1, 1) + timedelta(days=rng.randrange(365 * 85))
    sequence = rng.randrange(1000)
    return {
        "resourceType": "Patient",
        "identifier": [{"use": "official", "system": RESIDENT_ID_SYSTEM,
                        "value": resident_id(birth, sequence)}],
        "active": True,
        "name": [_name(rng)],
        "telecom": [{"system": "phone", "value": _phone(rng), "use": "mobile"}],
        # GB 11643: the 17th digit, the sequence's last, is odd for men and even for women.
        "gender": "male" if sequence % 2 else "female",
        "birthDate": birth.isoformat(),
        "address": [_address(rng)],
    }


def with_changes(rng: random.Random, resource: Resource) -> Resource:
    """A copy of a Patient as a later update would send it: new phone and home address."""
    return {**resource, "telecom": [{"system": "phone", "value": _phone(rng), "use": "mobile"}],
            "address": [_address(rng)]}


def encounter(rng: random.Random, subject: str, moment: datetime) -> Resource:
    """A finished outpatient Encounter of `subject` (a reference) at one of the county hospitals."""
    return {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB",
                  "display": "门诊"},
        "subject": {"reference": subject},
        "period": {"start": moment.isoformat(),
                   "end": (moment + timedelta(minutes=rng.randrange(10, 90))).isoformat()},
        "serviceProvider": {"display": rng.choice(HOSPITALS)},
    }


def observation(rng: random.Random, subject: str, moment: datetime,
                context: str | None = None) -> Resource:
    """A final vital-sign or laboratory Observation (LOINC, UCUM quantity) of `subject`."""
    code, display, unit, low, high, decimals, category = rng.choice(VITALS_AND_LABS)
    found: Resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": category}]}],
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display},
        "subject": {"reference": subject},
        "effectiveDateTime": moment.isoformat(),
        "valueQuantity": {"value": round(rng.uniform(low, high), decimals), "unit": unit,
                          "system": UCUM, "code": unit},
    }
    if context is not None:
        found["encounter"] = {"reference": context}
    return found


def condition(rng: random.Random, subject: str, moment: datetime,
              context: str | None = None) -> Resource:
    """An active, confirmed Condition with an ICD-10 diagnosis, recorded at `moment`."""
    code, display = rng.choice(DIAGNOSES)
    terminology = "http://terminology.hl7.org/CodeSystem"
    found: Resource = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": f"{terminology}/condition-clinical",
                                       "code": "active"}]},
        "verificationStatus": {"coding": [{"system": f"{terminology}/condition-ver-status",
                                           "code": "confirmed"}]},
        "code": {"coding": [{"system": ICD10, "code": code, "display": display}], "text": display},
        "subject": {"reference": subject},
        "recordedDate": moment.isoformat(),
    }
    if context is not None:
        found["encounter"] = {"reference": context}
    return found


def _entry(rng: random.Random, resource: Resource) -> tuple[str, Resource]:
    full_url = f"urn:uuid:{_uuid(rng)}"
    return full_url, {"fullUrl": full_url, "resource": resource,
                      "request": {"method": "POST", "url": resource["resourceType"]}}


def patient_bundle(rng: random.Random, findings: tuple[int, int] = (8, 20)) -> Resource:
    """A transaction Bundle: one Patient, an Encounter, and 8-20 Observations and Conditions.

    Everything refers to the Patient and the Encounter by `urn:uuid:` fullUrl, which the server
    must resolve to the ids it assigns (FHIR R4 §3.1.0.11.2, Bundle transaction processing).
    """
    moment = _moment(rng)
    subject, patient_entry = _entry(rng, patient(rng))
    context, encounter_entry = _entry(rng, encounter(rng, subject, moment))
    entries = [patient_entry, encounter_entry]
    for _ in range(rng.randint(*findings)):
        make = condition if rng.random() < 0.2 else observation
        entries.append(_entry(rng, make(rng, subject, moment, context))[1])
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def bundle_size(bundle: Resource) -> int:
    """How many resources a Bundle carries."""
    return len(bundle.get("entry", []))
