"""Administrative division codes (GB/T 2260), read from the table python-stdnum ships.

The table carries historical codes with their validity in brackets, e.g.
``[1983-2013]白下区``. Current divisions feed the choices a user picks from;
historical ones are kept so that old records still resolve to a name.

Codes are stored as six digits: ``310000`` for a province, ``320100`` for a
prefecture-level city. In the four municipalities (北京, 天津, 上海, 重庆) the
level below the province is the district, so their "cities" are districts
(``310115`` 浦东新区).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from django.utils.translation import get_language

# The Yangtze River Delta: three provinces and one municipality (三省一市), listed first.
YRD_PROVINCES = ("310000", "320000", "330000", "340000")
MUNICIPALITIES = ("110000", "120000", "310000", "500000")

# The provinces' names on English pages (cities keep their Chinese names there: the table has no others).
PROVINCE_NAMES_EN = {
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Tibet",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macao",
}

_LINE = re.compile(r'^(?P<indent>\s*)(?P<code>\d+) (?:province|county)="(?P<name>[^"]*)"')
_PERIOD = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\](?P<name>.*)$")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    current: bool

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


def _parse_name(raw: str) -> tuple[str, bool]:
    """``[1983-1999]淮阴市,[2000-]淮安市`` -> ("淮安市", True): the open-ended name is current."""
    name, current = raw, True
    for part in raw.split(","):
        match = _PERIOD.match(part)
        if not match:
            return part, True
        name, current = match["name"], match["end"] is None
        if current:
            return name, True
    return name, current


@cache
def _table() -> dict[str, Division]:
    """All divisions by code. Where a code was reused, the current name wins."""
    text = files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    divisions: dict[str, Division] = {}
    province = ""
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        name, current = _parse_name(match["name"])
        if not match["indent"]:
            province = match["code"]
            code = province + "0000"
        else:
            code = province + match["code"]
        previous = divisions.get(code)
        if previous is None or (current and not previous.current):
            divisions[code] = Division(code=code, name=name, current=current)
    return divisions


def get_division(code: str) -> Division | None:
    return _table().get(code)


def division_name(code: str) -> str:
    """The division's current name; a province's English name when the page is in English."""
    if code in PROVINCE_NAMES_EN and (get_language() or "").startswith("en"):
        return PROVINCE_NAMES_EN[code]
    division = _table().get(code)
    return division.name if division else code


def is_province(code: str) -> bool:
    return len(code) == 6 and code.endswith("0000") and code in _table()


@cache
def provinces() -> tuple[Division, ...]:
    """Current provinces, the four YRD ones first, then the rest by code."""
    all_provinces = [d for d in _table().values() if d.code.endswith("0000") and d.current]
    order = {code: index for index, code in enumerate(YRD_PROVINCES)}
    return tuple(sorted(all_provinces, key=lambda d: (order.get(d.code, len(order)), d.code)))


def _is_city_level(division: Division) -> bool:
    code = division.code
    if code.endswith("0000"):
        return False
    if code[:2] + "0000" in MUNICIPALITIES:
        # Districts and counties of a municipality; skip the grouping rows (3101 市辖区).
        return not code.endswith("00")
    return code.endswith("00") and division.name not in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@cache
def cities(province_code: str) -> tuple[Division, ...]:
    """Current cities (or districts of a municipality) of a province, by code."""
    prefix = province_code[:2]
    return tuple(d for d in _table().values() if d.code.startswith(prefix) and d.current and _is_city_level(d))


def is_city_of(city_code: str, province_code: str) -> bool:
    return any(d.code == city_code for d in cities(province_code))


def province_choices() -> list[tuple[str, str]]:
    return [(d.code, division_name(d.code)) for d in provinces()]


def city_choices(province_code: str | None = None) -> list[tuple[str, str]]:
    chosen = [province_code] if province_code else [p.code for p in provinces()]
    return [(d.code, d.name) for code in chosen for d in cities(code)]


# Provinces and prefecture-level cities are also written without their suffix: 江苏省 -> 江苏, 苏州市 -> 苏州.
_SHORT = re.compile(r"^(?P<short>.{2,}?)(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)$")


@cache
def _places() -> dict[str, tuple[str, str]]:
    """Place names an organisation's name may begin with -> (province, city or "").

    Provinces and prefecture-level cities by full and short name (江苏省, 江苏;
    苏州市, 苏州); prefectures, leagues and autonomous prefectures by full name
    only; county-level cities by full name (昆山市), standing for their
    prefecture. Short names of those would catch too many brand names (阿里,
    东方). Districts and counties are left out: their names repeat across the
    country. A name shared by places in two provinces is left out too; one
    shared within a province keeps the province only.
    """
    found: dict[str, set[tuple[str, str]]] = {}
    for division in _table().values():
        if not division.current:
            continue
        province, names = division.province_code, {division.name}
        if division.code == province:
            place = (province, "")
        elif province in MUNICIPALITIES:
            continue
        elif _is_city_level(division):
            place = (province, division.code)
        elif division.name.endswith("市"):
            prefecture = get_division(division.code[:4] + "00")
            place = (province, prefecture.code if prefecture and _is_city_level(prefecture) else "")
        else:
            continue
        short = _SHORT.match(division.name)
        if short and (division.code == province or _is_city_level(division)):
            names.add(short["short"])
        for name in names:
            found.setdefault(name, set()).add(place)
    places = {}
    for name, candidates in found.items():
        if len({province for province, _ in candidates}) == 1:
            places[name] = candidates.pop() if len(candidates) == 1 else (next(iter(candidates))[0], "")
    return places


def _place_at_start(text: str) -> tuple[tuple[str, str], int] | None:
    """The place the longest place name at the start of ``text`` names, and that name's length."""
    places = _places()
    for length in range(min(len(text), 12), 1, -1):
        if text[:length] in places:
            return places[text[:length]], length
    return None


def place_in_name(name: str) -> tuple[str, str] | None:
    """Where an organisation named after its place is: (province, city or "") or None.

    Chinese organisation names usually begin with their place: 浙江大学,
    南京大学, 苏州某某科技有限公司, 江苏省南京市某某研究院 (a province, then
    one of its cities). Names that do not (中国科学技术大学) give None.
    """
    found = _place_at_start(name)
    if found is None:
        return None
    place, length = found
    if not place[1]:
        then = _place_at_start(name[length:])
        if then and then[0][0] == place[0] and then[0][1]:
            return then[0]
    return place


def _all_names(raw: str) -> list[str]:
    """Every name a code has had: ``[1983-1999]淮阴市,[2000-]淮安市`` -> ["淮阴市", "淮安市"]."""
    names = []
    for part in raw.split(","):
        match = _PERIOD.match(part)
        names.append(match["name"] if match else part)
    return names


@cache
def _historical_names() -> tuple[tuple[str, str], ...]:
    """(code, name) for every name the table gives a code, past names included."""
    text = files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    found: list[tuple[str, str]] = []
    province = ""
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        if not match["indent"]:
            province = match["code"]
            continue
        found.extend((province + match["code"], name) for name in _all_names(match["name"]))
    return tuple(found)


def _current_city(code: str) -> str:
    """The code itself if it is a current city (a district in a municipality), else ""."""
    division = get_division(code)
    return code if division and division.current and _is_city_level(division) else ""


def _written_after_province(code: str, name: str, municipality: bool) -> tuple[set[str], str] | None:
    """How a division may be written after its province's name in an address, and the city it places the address in.

    None for divisions an address is not placed by: the grouping rows, and districts and counties of a province
    (their names repeat within it, 鼓楼区 in both 南京 and 徐州).
    """
    if municipality:
        return None if code.endswith("00") else ({name}, _current_city(code))  # 3101 市辖区, 3102 县
    if code.endswith("00"):
        if name in {"市辖区", "县"}:
            return None
        short = _SHORT.match(name)
        return {name, short["short"]} if short else {name}, _current_city(code)
    if name.endswith("市"):  # a county-level city stands for its prefecture
        return {name}, _current_city(code[:4] + "00")
    return None


@cache
def _places_within(province_code: str) -> dict[str, str]:
    """Names that may follow the province's name in an address -> the city's code ("" when it no longer exists).

    In a province: its prefecture-level cities by full and short name (南京市, 南京) and its county-level cities
    by full name (昆山市), standing for their prefecture. In a municipality: its districts and counties (杨浦区).
    Past names count too (an address written in 1998 says 淮阴市 or 闸北区): one whose code is still in use
    names that division (淮阴市 -> 淮安市); one whose division was abolished gives the province only.
    Current names win over past ones; a name that two cities of the province share is left out.
    """
    municipality = province_code in MUNICIPALITIES
    current: dict[str, set[str]] = {}
    past: dict[str, set[str]] = {}
    for code, name in _historical_names():
        if code[:2] != province_code[:2] or code.endswith("0000"):
            continue
        written = _written_after_province(code, name, municipality)
        if written is None:
            continue
        names, city = written
        division = get_division(code)
        found = current if division and division.current and division.name == name else past
        for each in names:
            found.setdefault(each, set()).add(city)
    places = {name: cities.pop() for name, cities in past.items() if len(cities) == 1}
    places.update((name, cities.pop()) for name, cities in current.items() if len(cities) == 1)
    return places


# What an address may begin with before its places: a postcode, the country.
_ADDRESS_START = re.compile(r"^(?:\d{6})?\s*(?:中华人民共和国|中国)?\s*")


def place_in_address(address: str) -> tuple[str, str] | None:
    """Where an address is, by its leading place names: (province, city or "") or None.

    ``200433 上海市杨浦区邯郸路220号`` -> ("310000", "310110"); ``江苏省南京市栖霞区仙林大道163号``
    -> ("320000", "320100"); ``杭州市西湖区…`` -> ("330000", "330100"). A postcode or 中国 in front is
    passed over. In a municipality the "city" is the district, as everywhere in the platform.
    Addresses that begin with no known place give None.
    """
    text = _ADDRESS_START.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", address or "")))
    found = _place_at_start(text)
    if found is None:
        return None
    (province, city), length = found
    if not city:
        rest = text[length:]
        within = _places_within(province)
        city = next((within[rest[:size]] for size in range(min(len(rest), 12), 1, -1) if rest[:size] in within), "")
    return province, city
