"""Managed chronic diseases, acute diagnoses and the unified county–township–village formulary.

Chronic disease prevalences are registered (diagnosed and managed) cases by age, in line
with Chinese surveys; the test suite checks generated prevalence against them. Diagnoses are
ICD-10 (WHO) codes; drugs carry a county formulary code and their WHO ATC code.
"""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Drug:
    """One formulary entry."""

    code: str
    name: str
    atc: str
    dosage: str
    price: float


@dataclass(frozen=True, slots=True)
class Chronic:
    """A managed chronic disease: its code, prevalence by age, follow-ups and usual drugs."""

    key: str
    name: str
    icd10: str
    icd_display: str
    ages: tuple[int, ...]
    rates: tuple[float, ...]
    followups: int
    drugs: tuple[str, ...]

    def prevalence(self, age: int) -> float:
        """The share of residents of an age who are registered with the disease."""
        i = bisect(self.ages, age) - 1
        return self.rates[i] if i >= 0 else 0.0


FORMULARY: tuple[Drug, ...] = (
    Drug("YP0001", "苯磺酸氨氯地平片 5mg", "C08CA01", "每次5mg，每日1次，口服", 0.35),
    Drug("YP0002", "硝苯地平缓释片 20mg", "C08CA05", "每次20mg，每日2次，口服", 0.40),
    Drug("YP0003", "厄贝沙坦片 150mg", "C09CA04", "每次150mg，每日1次，口服", 0.60),
    Drug("YP0004", "缬沙坦胶囊 80mg", "C09CA03", "每次80mg，每日1次，口服", 0.55),
    Drug("YP0005", "马来酸依那普利片 10mg", "C09AA02", "每次10mg，每日1次，口服", 0.20),
    Drug("YP0006", "氢氯噻嗪片 25mg", "C03AA03", "每次12.5mg，每日1次，口服", 0.05),
    Drug("YP0007", "酒石酸美托洛尔片 25mg", "C07AB02", "每次25mg，每日2次，口服", 0.15),
    Drug("YP0008", "盐酸二甲双胍片 0.5g", "A10BA02", "每次0.5g，每日3次，餐后口服", 0.10),
    Drug("YP0009", "格列美脲片 2mg", "A10BB12", "每次2mg，每日1次，早餐前口服", 0.45),
    Drug("YP0010", "阿卡波糖片 50mg", "A10BF01", "每次50mg，每日3次，随餐嚼服", 0.80),
    Drug("YP0011", "甘精胰岛素注射液 300单位", "A10AE04", "每次10单位，每日1次，皮下注射", 70.0),
    Drug("YP0012", "阿司匹林肠溶片 100mg", "B01AC06", "每次100mg，每日1次，口服", 0.15),
    Drug("YP0013", "阿托伐他汀钙片 20mg", "C10AA05", "每次20mg，每晚1次，口服", 0.50),
    Drug("YP0014", "沙美特罗替卡松吸入粉雾剂", "R03AK06", "每次1吸，每日2次，吸入", 120.0),
    Drug("YP0015", "噻托溴铵粉吸入剂 18μg", "R03BB04", "每次18μg，每日1次，吸入", 6.0),
    Drug("YP0016", "恩替卡韦分散片 0.5mg", "J05AF10", "每次0.5mg，每日1次，空腹口服", 0.20),
    Drug("YP0017", "利培酮片 1mg", "N05AX08", "每次1mg，每日2次，口服", 0.30),
    Drug("YP0018", "甲氨蝶呤片 2.5mg", "L04AX03", "每次10mg，每周1次，口服", 0.50),
    Drug("YP0019", "多巴丝肼片 0.25g", "N04BA02", "每次0.125g，每日3次，口服", 1.20),
    Drug("YP0020", "阿莫西林胶囊 0.25g", "J01CA04", "每次0.5g，每日3次，口服", 0.12),
    Drug("YP0021", "头孢克肟胶囊 0.1g", "J01DD08", "每次0.1g，每日2次，口服", 0.90),
    Drug("YP0022", "布洛芬缓释胶囊 0.3g", "M01AE01", "每次0.3g，每日2次，口服", 0.25),
    Drug("YP0023", "对乙酰氨基酚片 0.5g", "N02BE01", "每次0.5g，必要时，口服", 0.08),
    Drug("YP0024", "蒙脱石散 3g", "A07BC05", "每次3g，每日3次，口服", 0.60),
    Drug("YP0025", "奥美拉唑肠溶胶囊 20mg", "A02BC01", "每次20mg，每日1次，早餐前口服", 0.20),
    Drug("YP0026", "复方甘草片", "", "每次3片，每日3次，口服", 0.05),
    Drug("YP0027", "连花清瘟胶囊", "", "每次4粒，每日3次，口服", 0.50),
    Drug("YP0028", "醋酸泼尼松片 5mg", "H02AB07", "每次5mg，每日1次，口服", 0.05),
)
DRUGS = {d.code: d for d in FORMULARY}

CHRONIC: tuple[Chronic, ...] = (
    Chronic(
        "HTN",
        "高血压",
        "I10",
        "Essential (primary) hypertension",
        (18, 35, 45, 55, 65, 75),
        (0.03, 0.08, 0.17, 0.27, 0.36, 0.42),
        4,
        ("YP0001", "YP0002", "YP0003", "YP0004", "YP0005", "YP0006"),
    ),
    Chronic(
        "T2DM",
        "2型糖尿病",
        "E11.9",
        "Type 2 diabetes mellitus without complications",
        (18, 35, 45, 55, 65),
        (0.01, 0.03, 0.06, 0.10, 0.12),
        4,
        ("YP0008", "YP0009", "YP0010", "YP0011"),
    ),
    Chronic(
        "CHD",
        "冠心病",
        "I25.1",
        "Atherosclerotic heart disease",
        (45, 55, 65, 75),
        (0.01, 0.03, 0.06, 0.09),
        2,
        ("YP0012", "YP0013", "YP0007"),
    ),
    Chronic(
        "STROKE",
        "脑梗死后遗症",
        "I69.3",
        "Sequelae of cerebral infarction",
        (45, 55, 65, 75),
        (0.01, 0.02, 0.04, 0.06),
        2,
        ("YP0012", "YP0013"),
    ),
    Chronic(
        "COPD",
        "慢性阻塞性肺疾病",
        "J44.9",
        "Chronic obstructive pulmonary disease, unspecified",
        (40, 55, 65),
        (0.01, 0.03, 0.06),
        2,
        ("YP0014", "YP0015"),
    ),
    Chronic(
        "CKD",
        "慢性肾脏病",
        "N18.9",
        "Chronic kidney disease, unspecified",
        (45, 65),
        (0.008, 0.02),
        2,
        ("YP0001",),
    ),
    Chronic(
        "HBV",
        "慢性乙型病毒性肝炎",
        "B18.1",
        "Chronic viral hepatitis B without delta-agent",
        (20, 61),
        (0.015, 0.008),
        2,
        ("YP0016",),
    ),
    Chronic(
        "SCZ",
        "精神分裂症",
        "F20.9",
        "Schizophrenia, unspecified",
        (18, 71),
        (0.004, 0.002),
        4,
        ("YP0017",),
    ),
    Chronic(
        "RA",
        "类风湿关节炎",
        "M06.9",
        "Rheumatoid arthritis, unspecified",
        (30,),
        (0.003,),
        2,
        ("YP0018", "YP0028"),
    ),
    Chronic("PD", "帕金森病", "G20", "Parkinson disease", (60, 75), (0.006, 0.015), 2, ("YP0019",)),
)
CHRONIC_BY_KEY = {c.key: c for c in CHRONIC}

# Acute complaints: (ICD-10, Chinese name, English display, drugs, imaging procedure or "").
ACUTE: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    (
        "J06.9",
        "急性上呼吸道感染",
        "Acute upper respiratory infection, unspecified",
        ("YP0023", "YP0027", "YP0020"),
        "",
    ),
    ("J20.9", "急性支气管炎", "Acute bronchitis, unspecified", ("YP0020", "YP0026"), "DR-CHEST"),
    ("J18.9", "肺炎", "Pneumonia, unspecified", ("YP0021", "YP0026"), "DR-CHEST"),
    (
        "A09.9",
        "急性胃肠炎",
        "Gastroenteritis and colitis of unspecified origin",
        ("YP0024",),
        "US-ABD",
    ),
    ("K29.7", "慢性胃炎", "Gastritis, unspecified", ("YP0025",), "US-ABD"),
    ("M54.5", "腰痛", "Low back pain", ("YP0022",), "CT-LSPINE"),
    ("M17.9", "膝关节骨关节炎", "Gonarthrosis, unspecified", ("YP0022",), "DR-KNEE"),
    ("R51", "头痛", "Headache", ("YP0023",), "CT-HEAD"),
    ("N39.0", "泌尿道感染", "Urinary tract infection, site not specified", ("YP0021",), "US-ABD"),
    ("S93.4", "踝关节扭伤", "Sprain and strain of ankle", ("YP0022",), "DR-ANKLE"),
)
# Reasons for a county admission after referral: (ICD-10, name, display, imaging).
ADMISSIONS: tuple[tuple[str, str, str, str], ...] = (
    ("J18.9", "肺炎", "Pneumonia, unspecified", "CT-CHEST"),
    ("I63.9", "脑梗死", "Cerebral infarction, unspecified", "CT-HEAD"),
    (
        "J44.1",
        "慢性阻塞性肺疾病急性加重",
        "Chronic obstructive pulmonary disease with acute exacerbation, unspecified",
        "CT-CHEST",
    ),
    ("I20.0", "不稳定型心绞痛", "Unstable angina", "DR-CHEST"),
    ("K80.2", "胆囊结石", "Calculus of gallbladder without cholecystitis", "US-ABD"),
    ("S72.0", "股骨颈骨折", "Fracture of neck of femur", "DR-HIP"),
)
