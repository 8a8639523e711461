"""Laboratory items, their panels, and each facility's own local codes for them.

Every LIS codes the same tests differently (`GLU`, `10021`, `FY-001`, `LIS.glu`, `PTT`…),
which is what the terminology module has to map. The standard meaning of each item is its
LOINC code; `local_code()` gives a facility's code and display.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class LabItem:
    """One measured quantity: LOINC meaning, UCUM unit, reference range and usual values."""

    key: str
    name: str
    loinc: str
    loinc_display: str
    unit: str
    unit_text: str
    low: float
    high: float
    mean: float
    sd: float
    decimals: int


ITEMS: tuple[LabItem, ...] = (
    LabItem(
        "WBC",
        "白细胞计数",
        "6690-2",
        "Leukocytes [#/volume] in Blood by Automated count",
        "10*9/L",
        "×10^9/L",
        3.5,
        9.5,
        6.5,
        1.6,
        2,
    ),
    LabItem(
        "RBC",
        "红细胞计数",
        "789-8",
        "Erythrocytes [#/volume] in Blood by Automated count",
        "10*12/L",
        "×10^12/L",
        3.8,
        5.8,
        4.6,
        0.45,
        2,
    ),
    LabItem(
        "HGB",
        "血红蛋白",
        "718-7",
        "Hemoglobin [Mass/volume] in Blood",
        "g/L",
        "g/L",
        115,
        175,
        135,
        15,
        0,
    ),
    LabItem(
        "PLT",
        "血小板计数",
        "777-3",
        "Platelets [#/volume] in Blood by Automated count",
        "10*9/L",
        "×10^9/L",
        125,
        350,
        220,
        55,
        0,
    ),
    LabItem(
        "ALT",
        "丙氨酸氨基转移酶",
        "1742-6",
        "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        "U/L",
        "U/L",
        7,
        40,
        22,
        10,
        0,
    ),
    LabItem(
        "AST",
        "天门冬氨酸氨基转移酶",
        "1920-8",
        "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        "U/L",
        "U/L",
        13,
        35,
        24,
        8,
        0,
    ),
    LabItem(
        "CREA",
        "肌酐",
        "14682-9",
        "Creatinine [Moles/volume] in Serum or Plasma",
        "umol/L",
        "μmol/L",
        41,
        111,
        72,
        15,
        0,
    ),
    LabItem(
        "UREA",
        "尿素",
        "22664-7",
        "Urea [Moles/volume] in Serum or Plasma",
        "mmol/L",
        "mmol/L",
        2.6,
        7.5,
        5.1,
        1.2,
        1,
    ),
    LabItem(
        "UA",
        "尿酸",
        "14933-6",
        "Urate [Moles/volume] in Serum or Plasma",
        "umol/L",
        "μmol/L",
        150,
        420,
        310,
        70,
        0,
    ),
    LabItem(
        "TC",
        "总胆固醇",
        "14647-2",
        "Cholesterol [Moles/volume] in Serum or Plasma",
        "mmol/L",
        "mmol/L",
        2.8,
        5.2,
        4.8,
        0.9,
        2,
    ),
    LabItem(
        "TG",
        "甘油三酯",
        "14927-8",
        "Triglyceride [Moles/volume] in Serum or Plasma",
        "mmol/L",
        "mmol/L",
        0.56,
        1.7,
        1.5,
        0.7,
        2,
    ),
    LabItem(
        "HDL",
        "高密度脂蛋白胆固醇",
        "14646-4",
        "Cholesterol in HDL [Moles/volume] in Serum or Plasma",
        "mmol/L",
        "mmol/L",
        1.04,
        1.9,
        1.3,
        0.3,
        2,
    ),
    LabItem(
        "LDL",
        "低密度脂蛋白胆固醇",
        "22748-8",
        "Cholesterol in LDL [Moles/volume] in Serum or Plasma",
        "mmol/L",
        "mmol/L",
        0.0,
        3.4,
        2.8,
        0.8,
        2,
    ),
    LabItem(
        "GLU",
        "空腹血糖",
        "14771-0",
        "Fasting glucose [Moles/volume] in Serum or Plasma",
        "mmol/L",
        "mmol/L",
        3.9,
        6.1,
        5.3,
        0.6,
        1,
    ),
    LabItem(
        "HBA1C",
        "糖化血红蛋白",
        "4548-4",
        "Hemoglobin A1c/Hemoglobin.total in Blood",
        "%",
        "%",
        4.0,
        6.0,
        5.4,
        0.4,
        1,
    ),
)
BY_KEY = {item.key: item for item in ITEMS}

# (key, name, LOINC panel code or "", items)
PANELS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "CBC": ("血常规", "58410-2", ("WBC", "RBC", "HGB", "PLT")),
    "LFT": ("肝功能", "24325-3", ("ALT", "AST")),
    "RFT": ("肾功能", "24362-6", ("CREA", "UREA", "UA")),
    "LIPID": ("血脂四项", "57698-3", ("TC", "TG", "HDL", "LDL")),
    "FPG": ("空腹血糖测定", "", ("GLU",)),
    "GHB": ("糖化血红蛋白测定", "", ("HBA1C",)),
}
PANEL_KEYS = tuple(PANELS)
STYLE_COUNT = 8


@cache
def _initials(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).upper()


@cache
def local_code(style: int, key: str) -> tuple[str, str]:
    """A facility LIS's code and display for a lab item or panel key, by its coding style."""
    position = (list(BY_KEY) + list(PANELS)).index(key)
    name = BY_KEY[key].name if key in BY_KEY else PANELS[key][0]
    styles = (
        lambda: (key, name),
        lambda: (f"{10000 + position * 7}", name),
        lambda: (f"FY-{position + 1:03d}", f"{name}({key})"),
        lambda: (f"LIS.{key.lower()}", name),
        lambda: (f"{_initials(name)}{position:02d}", name),
        lambda: (f"{key}-{position % 3 + 1}", f"{name}[{key}]"),
        lambda: (f"{2000 + position}", f"{key} {name}"),
        lambda: (f"SQ{position:02d}", name),
    )
    return styles[style % STYLE_COUNT]()


def panel_items(panel: str) -> tuple[LabItem, ...]:
    """The items a panel reports."""
    return tuple(BY_KEY[k] for k in PANELS[panel][2])
