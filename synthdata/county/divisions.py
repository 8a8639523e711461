"""兰考县 (Lankao County, 开封市, 河南省) and its 16 township-level divisions (GB/T 2260).

The county code 410225 and the 9-digit codes and names of its 3 subdistricts (街道), 9 towns
(镇) and 4 townships (乡) follow the current statistical division codes (after 谷营乡 and
爪营乡 merged into 谷营镇, and 城关镇/城关乡 became the three 街道). 12-digit codes append
"000". Populations are approximations that add up to the county's ~770,000 residents; they
only weight where synthetic residents live.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE = "河南省"
PROVINCE_CODE = "410000"
CITY = "开封市"
CITY_CODE = "410200"
COUNTY = "兰考县"
COUNTY_CODE = "410225"
POSTAL_CODE = "475300"
# Roughly the county seat (兰考县城), for Location.position.
CENTRE = (114.82, 34.82)


@dataclass(frozen=True, slots=True)
class Division:
    """A township-level division: 街道, 镇 or 乡."""

    code: str
    name: str
    kind: str
    population: int
    offset: tuple[float, float]

    @property
    def code12(self) -> str:
        """The 12-digit statistical code of the division itself."""
        return f"{self.code}000"

    @property
    def urban(self) -> bool:
        """Whether it is an urban subdistrict (街道) of the county seat."""
        return self.kind == "街道"


DIVISIONS: tuple[Division, ...] = (
    Division("410225001", "兰阳街道", "街道", 65_000, (0.00, 0.01)),
    Division("410225002", "桐乡街道", "街道", 60_000, (0.03, -0.01)),
    Division("410225003", "惠安街道", "街道", 55_000, (-0.02, -0.02)),
    Division("410225101", "堌阳镇", "镇", 70_000, (-0.14, 0.02)),
    Division("410225102", "南彰镇", "镇", 55_000, (0.02, -0.22)),
    Division("410225103", "考城镇", "镇", 50_000, (0.22, 0.06)),
    Division("410225104", "红庙镇", "镇", 45_000, (0.12, -0.12)),
    Division("410225105", "谷营镇", "镇", 65_000, (0.25, -0.06)),
    Division("410225106", "东坝头镇", "镇", 35_000, (-0.10, 0.12)),
    Division("410225107", "小宋镇", "镇", 40_000, (-0.06, -0.16)),
    Division("410225108", "仪封镇", "镇", 40_000, (0.10, 0.12)),
    Division("410225109", "许河镇", "镇", 35_000, (0.06, 0.18)),
    Division("410225201", "三义寨乡", "乡", 45_000, (-0.06, 0.06)),
    Division("410225206", "孟寨乡", "乡", 40_000, (0.16, -0.02)),
    Division("410225208", "葡萄架乡", "乡", 35_000, (-0.12, -0.06)),
    Division("410225209", "闫楼乡", "乡", 35_000, (0.20, -0.16)),
)

# Where residents born outside the county come from (mostly marriage into the county):
# neighbouring counties of 开封市 and 商丘市, and 菏泽市 across the Yellow River.
BIRTHPLACES: tuple[tuple[str, float], ...] = (
    ("410221", 0.25),  # 杞县
    ("410222", 0.15),  # 通许县
    ("410223", 0.10),  # 尉氏县
    ("411421", 0.20),  # 民权县
    ("411423", 0.10),  # 宁陵县
    ("371728", 0.12),  # 东明县
    ("371721", 0.08),  # 曹县
)
