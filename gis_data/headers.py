"""What the headers and values of a user's point sheet mean: Chinese and English names, units.

Every table here is a plain dict, documented in docs/point-sheets.md; extend a copy and pass it to
:func:`gis_data.sheets.read_point_table` (``headers=``, ``streams=``, ``sizes=``) to accept a
department's own words. Headers and values are compared after :func:`key`: Unicode NFKC (full-width
brackets, digits and colons become ASCII), lower case, and blanks, ``_`` and ``-`` removed, so
``"Kg per day"``, ``"kg_per_day"`` and ``"ＫＧ ＰＥＲ ＤＡＹ"`` are the same header.

A header may carry a unit or a coordinate system in brackets: ``日产量(吨)``, ``服务时间（分钟）``,
``经度(GCJ-02)``, ``lat [bd09]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from gis_data.coords import CoordinateSystem
from routing.domain import SizeClass, WasteStream

GCJ02, BD09, WGS84 = CoordinateSystem.GCJ02, CoordinateSystem.BD09, CoordinateSystem.WGS84


@dataclass(frozen=True, slots=True)
class Column:
    """What a header names.

    Parameters
    ----------
    field
        The logical field (:data:`FIELDS`).
    unit
        The unit its numbers are in when the header says so (``kg_per_day`` is in kg).
    crs
        For ``lon`` / ``lat``: the coordinate system the header names (高德经度 is GCJ-02); ``None``
        means the file's declared system.
    """

    field: str
    unit: str | None = None
    crs: CoordinateSystem | None = None


#: The logical fields of a point sheet and what each holds (docs/point-sheets.md).
FIELDS: Mapping[str, str] = {
    "id": "unique id of the point (default: sheet and row)",
    "name": "a label",
    "address": "where it is, as crews find it (地址)",
    "note": "how to get at the bins: gate, code, hours (备注)",
    "lon": "longitude, degrees",
    "lat": "latitude, degrees",
    "stream": "waste stream (垃圾类型)",
    "amount": "amount a day, with a weight, volume or bin unit",
    "amount_unit": "the unit of each row's amount",
    "litres_per_day": "volume a day, with a volume or bin unit",
    "service": "time per visit, with a time unit",
    "time_windows": "when service may start: 07:00-11:00;14:00-17:00",
    "window_start": "start of the one window",
    "window_end": "end of the one window",
    "visits_per_day": "visits a day, 1 to 3",
    "max_size_class": "largest vehicle that reaches the point",
}

#: Fields every sheet must have (``stream`` unless a default stream is given).
REQUIRED_FIELDS = ("lon", "lat", "amount", "stream")


def _aliases(field: str, *names: str, unit: str | None = None) -> dict[str, Column]:
    return {name: Column(field, unit) for name in names}


def _coords(crs: CoordinateSystem, *prefixes: str) -> dict[str, Column]:
    found: dict[str, Column] = {}
    for prefix in prefixes:
        found[f"{prefix}经度"] = Column("lon", crs=crs)
        found[f"{prefix}纬度"] = Column("lat", crs=crs)
    return found


#: Header → column. Keys are written naturally; comparison is by :func:`key`.
HEADER_ALIASES: Mapping[str, Column] = {
    **_aliases("id", "id", "编号", "点位编号", "收集点编号", "点位id", "point_id", "code"),
    **_aliases("name", "name", "点位名称", "名称", "收集点名称", "点位", "point_name"),
    **_aliases("address", "address", "地址", "详细地址", "所在地址", "位置描述", "street_address"),
    **_aliases("note", "note", "access", "access_note", "备注", "说明", "通行说明", "注意事项"),
    **_aliases("lon", "lon", "lng", "longitude", "经度"),
    **_aliases("lat", "lat", "latitude", "纬度"),
    **_coords(GCJ02, "高德", "腾讯", "火星", "gcj02"),
    **_coords(BD09, "百度", "bd09"),
    **_coords(WGS84, "wgs84", "gps"),
    **{
        f"{axis}_{crs.value}": Column(axis, crs=crs)
        for axis in ("lon", "lat")
        for crs in (GCJ02, BD09, WGS84)
    },
    **_aliases("stream", "stream", "垃圾类型", "垃圾种类", "垃圾分类", "类型", "waste_type"),
    **_aliases(
        "amount", "日产量", "产量", "日均产量", "垃圾量", "日垃圾量", "amount", "daily_amount"
    ),
    **_aliases("amount", "kg_per_day", unit="kg"),
    **_aliases("amount", "tonnes_per_day", unit="t"),
    **_aliases("amount", "bins_per_day", "桶数", "垃圾桶数", unit="桶"),
    **_aliases("amount_unit", "单位", "计量单位", "产量单位", "unit", "amount_unit"),
    **_aliases("litres_per_day", "日产体积", "体积", "日体积", "volume"),
    **_aliases("litres_per_day", "litres_per_day", "liters_per_day", unit="l"),
    **_aliases("service", "服务时间", "作业时长", "服务时长", "装车时间", "service_time"),
    **_aliases("service", "service_s", unit="s"),
    **_aliases("service", "service_min", unit="min"),
    **_aliases(
        "time_windows",
        "作业时段",
        "收集时段",
        "服务时段",
        "收运时间",
        "时间窗",
        "time_windows",
        "time_window",
        "windows",
    ),
    **_aliases("window_start", "开始时间", "最早时间", "起始时间", "window_start", "start"),
    **_aliases("window_end", "结束时间", "最晚时间", "截止时间", "window_end", "end"),
    **_aliases(
        "visits_per_day", "每日次数", "日收集次数", "收运频次", "频次", "次数", "visits_per_day"
    ),
    **_aliases(
        "max_size_class", "车型限制", "最大车型", "限行车型", "可进入车型", "max_size_class"
    ),
}

#: Weight units → kilograms per unit.
WEIGHT_UNITS: Mapping[str, float] = {
    "kg": 1.0,
    "公斤": 1.0,
    "千克": 1.0,
    "t": 1000.0,
    "吨": 1000.0,
    "tonne": 1000.0,
    "tonnes": 1000.0,
    "斤": 0.5,  # 市斤
}
#: Volume units → litres per unit.
VOLUME_UNITS: Mapping[str, float] = {
    "l": 1.0,
    "升": 1.0,
    "litre": 1.0,
    "litres": 1.0,
    "m3": 1000.0,
    "立方米": 1000.0,
    "立方": 1000.0,
    "方": 1000.0,
}
#: Units counting standard bins; one bin holds ``bin_litres`` (default 240 L, the common
#: wheelie bin).
BIN_UNITS = frozenset({"桶", "bin", "bins", "个桶", "垃圾桶"})
#: Time units → seconds per unit.
DURATION_UNITS: Mapping[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "秒": 1.0,
    "min": 60.0,
    "分钟": 60.0,
    "分": 60.0,
    "h": 3600.0,
    "小时": 3600.0,
}

S = WasteStream
#: Stream names in sheets → waste stream (Chinese national sorting categories and common words).
STREAM_ALIASES: Mapping[str, WasteStream] = {
    **{stream.value: stream for stream in WasteStream},
    "其他垃圾": S.RESIDUAL,
    "其它垃圾": S.RESIDUAL,
    "生活垃圾": S.RESIDUAL,
    "混合垃圾": S.RESIDUAL,
    "干垃圾": S.RESIDUAL,
    "厨余垃圾": S.KITCHEN,
    "餐厨垃圾": S.KITCHEN,
    "湿垃圾": S.KITCHEN,
    "易腐垃圾": S.KITCHEN,
    "厨余": S.KITCHEN,
    "可回收物": S.RECYCLABLE,
    "可回收垃圾": S.RECYCLABLE,
    "可回收": S.RECYCLABLE,
    "大件垃圾": S.BULKY,
    "大件": S.BULKY,
    "粪便": S.NIGHT_SOIL,
    "粪便清运": S.NIGHT_SOIL,
    "化粪池": S.NIGHT_SOIL,
    "有害垃圾": S.SPECIAL,
    "特殊垃圾": S.SPECIAL,
}

Z = SizeClass
#: Vehicle size names in sheets → size class.
SIZE_ALIASES: Mapping[str, SizeClass] = {
    **{size.name.lower(): size for size in SizeClass},
    "电动车": Z.CART,
    "电瓶车": Z.CART,
    "三轮车": Z.CART,
    "保洁车": Z.CART,
    "小型": Z.SMALL,
    "小型车": Z.SMALL,
    "中型": Z.MEDIUM,
    "中型车": Z.MEDIUM,
    "大型": Z.LARGE,
    "大型车": Z.LARGE,
    "重型": Z.HEAVY,
    "重型车": Z.HEAVY,
    "不限": Z.HEAVY,
}

_BRACKETED = re.compile(r"^(.*?)[(\[](.*)[)\]]$")


def key(text: str) -> str:
    """How headers, units and values are compared (see the module's description)."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-")


def split_header(text: str) -> tuple[str, str | None]:
    """A header's name and the text in its trailing brackets, if any: ``日产量(吨)`` → (日产量, 吨)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    match = _BRACKETED.match(folded)
    if match is None:
        return folded, None
    return match[1].strip(), match[2].strip()
