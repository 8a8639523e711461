"""Imaging procedures, the national immunization schedule and the county's service codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Procedure:
    """An imaging examination of the county's catalogue, and what its report may say."""

    code: str
    name: str
    modality: str
    body_part: str
    images: int
    normal: str
    abnormal: str
    price: float


IMAGING: dict[str, Procedure] = {
    p.code: p
    for p in (
        Procedure(
            "CT-HEAD",
            "头颅CT平扫",
            "CT",
            "HEAD",
            5,
            "颅内未见明显异常密度影，脑室系统无扩张。",
            "左侧基底节区见片状低密度影，考虑腔隙性脑梗死。",
            180.0,
        ),
        Procedure(
            "CT-CHEST",
            "胸部CT平扫",
            "CT",
            "CHEST",
            5,
            "双肺纹理清晰，未见明确实变及结节。",
            "右肺下叶见斑片状磨玻璃及实变影，考虑炎症。",
            200.0,
        ),
        Procedure(
            "CT-LSPINE",
            "腰椎CT平扫",
            "CT",
            "LSPINE",
            4,
            "腰椎序列正常，椎间盘未见明显突出。",
            "L4/5椎间盘向后突出，硬膜囊受压。",
            200.0,
        ),
        Procedure(
            "DR-CHEST",
            "胸部正位片",
            "DX",
            "CHEST",
            1,
            "心肺膈未见明显异常。",
            "右下肺野见片状模糊影，考虑肺部感染。",
            60.0,
        ),
        Procedure(
            "DR-KNEE",
            "膝关节正侧位片",
            "DX",
            "KNEE",
            2,
            "膝关节骨质未见明显异常。",
            "膝关节间隙变窄，关节边缘骨质增生。",
            70.0,
        ),
        Procedure(
            "DR-ANKLE",
            "踝关节正侧位片",
            "DX",
            "ANKLE",
            2,
            "踝关节骨质未见明显骨折征象。",
            "踝关节周围软组织肿胀，未见明确骨折。",
            70.0,
        ),
        Procedure(
            "DR-HIP",
            "髋关节正位片",
            "DX",
            "HIP",
            1,
            "双髋关节未见明显异常。",
            "右股骨颈骨皮质不连续，考虑股骨颈骨折。",
            70.0,
        ),
        Procedure(
            "US-ABD",
            "腹部彩超（肝胆胰脾）",
            "US",
            "ABDOMEN",
            3,
            "肝、胆、胰、脾未见明显异常。",
            "脂肪肝（轻度）；胆囊内见强回声伴声影，考虑胆囊结石。",
            120.0,
        ),
        Procedure(
            "US-OB",
            "产科超声",
            "US",
            "PELVIS",
            3,
            "宫内单活胎，胎儿大小符合孕周。",
            "宫内单活胎，羊水偏少，建议复查。",
            150.0,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Vaccine:
    """A vaccine of the national programme: its doses by age in months and CVX code if any."""

    code: str
    name: str
    cvx: str
    months: tuple[int, ...]


VACCINES: tuple[Vaccine, ...] = (
    Vaccine("HepB", "乙肝疫苗", "08", (0, 1, 6)),
    Vaccine("BCG", "卡介苗", "19", (0,)),
    Vaccine("IPV", "脊灰灭活疫苗", "10", (2, 3)),
    Vaccine("bOPV", "二价脊灰减毒活疫苗", "178", (4, 48)),
    Vaccine("DTaP", "百白破疫苗", "20", (3, 4, 5, 18)),
    Vaccine("DT", "白破疫苗", "28", (72,)),
    Vaccine("MMR", "麻腮风疫苗", "03", (8, 18)),
    Vaccine("JE-L", "乙脑减毒活疫苗", "", (8, 24)),
    Vaccine("MPSV-A", "A群流脑多糖疫苗", "", (6, 9)),
    Vaccine("MPSV-AC", "A群C群流脑多糖疫苗", "", (36, 72)),
    Vaccine("HepA-L", "甲肝减毒活疫苗", "85", (18,)),
    Vaccine("Flu", "流感疫苗", "141", ()),
)
VACCINE_BY_CODE = {v.code: v for v in VACCINES}

ENCOUNTER_TYPES = {
    "outpatient": "门诊",
    "referral-in": "转诊接诊",
    "followup": "慢病随访",
    "inpatient": "住院",
    "checkup": "老年人健康体检",
    "prenatal": "产前检查",
    "delivery": "分娩住院",
    "postpartum": "产后访视",
    "child-health": "儿童健康检查",
    "newborn": "新生儿出生",
}
REFERRAL_DIRECTIONS = {"up": "上转", "down": "下转"}
SERVICE_PACKAGES = {
    "basic": "基础服务包",
    "chronic": "慢病管理服务包",
    "elderly": "老年人服务包",
    "maternal-child": "孕产妇和儿童服务包",
}
INSURANCE_TYPES = {"urban-rural": "城乡居民基本医疗保险", "employee": "职工基本医疗保险"}
FEE_ITEMS = {
    "consultation": "诊查费",
    "drugs": "西药费",
    "lab": "化验费",
    "imaging": "检查费",
    "bed": "床位费",
    "nursing": "护理费",
}
DEPARTMENTS = (
    "内科",
    "外科",
    "儿科",
    "妇产科",
    "急诊科",
    "影像科",
    "超声科",
    "护理部",
    "中医内科",
    "针灸推拿科",
    "全科",
    "预防保健科",
    "免疫规划科",
)
