"""Gazetteer: 1945 and modern names, accents and case, hand-entered places, near matches."""

from __future__ import annotations

import dataclasses

import pytest

from logistics import places
from logistics.errors import ConfigError, UnknownNameError
from logistics.places import NOT_LOCATED, Place, _key, all_places, lookup

# 1945 romanisation (or modern name) -> GeoNames id (ids from shared/reference/data-sources.md)
NAMES_1945 = {
    "Tsitsihar": 2035265,
    "Hsinking": 2038180,
    "Wangyemiao": 2034312,
    "Kalgan": 2033196,
    "Dolon Nur": 2037530,
    "Mutanchiang": 2035715,
    "Mukden": 2034937,
    "Hoten": 2034937,
    "Port Arthur": 1801722,
    "Ryojun": 1801722,
    "Dairen": 1814087,
    "Kirin": 2036502,
    "Harbin": 2037013,
    "Hailar": 2037078,
    "Manchouli": 2035836,
    "Chalantun": 2033225,
    "Pogranichnaya": 2034657,
    "Grodekovo": 2017851,
    "Staro-Tsurukhaitui": 2017646,
    "Priargunsk": 2017646,
    "Halung-Arshan": 8054538,
    "Arxan": 8054538,
    "Tongliao": 2034400,
    "Chifeng": 2038067,
    "Choibalsan": 2032054,
    "Suifenhe": 2034657,
    "Jiamusi": 2036581,
    "Blagoveshchensk": 2026609,
    "Khabarovsk": 2022890,
    "Vladivostok": 2013348,
    "Changchun": 2038180,
    "Shenyang": 2034937,
    "Qiqihar": 2035265,
    "Ulanhot": 2034312,
    "Zhangjiakou": 2033196,
    "Duolun": 2037530,
    "Mudanjiang": 2035715,
    "Jilin": 2036502,
    "Manzhouli": 2035836,
}


@pytest.mark.parametrize("name, geonameid", sorted(NAMES_1945.items()))
def test_1945_and_modern_names(name, geonameid):
    place = lookup(name)
    assert place.geonameid == geonameid
    assert "GeoNames" in place.source and "CC-BY 4.0" in place.source
    assert 38 <= place.lat <= 54 and 108 <= place.lon <= 136


@pytest.mark.parametrize("query", ["hsinking", "HSINKING", "Hōten", "port-arthur", "PortArthur",
                                   "  Mukden ", "Lushun", "Lüshun", "tsitsihar", "Хайлар"])
def test_case_accent_punctuation_insensitive(query):
    assert lookup(query).geonameid in {2038180, 2034937, 1801722, 2035265, 2037078}


def test_geonames_alternate_names_are_matched():
    assert lookup("Wang-yeh-miao").geonameid == 2034312  # a GeoNames alternate, not in our table


@pytest.mark.parametrize(
    "name, lat, lon, cite",
    [
        ("Solun", 46.6194, 121.2433, "data-sources.md"),
        ("Hutou", 45.979, 133.661, "pwencycl"),
        ("Tamsag-Bulag", 47.23, 117.28, "approx"),
        ("Lubei", 44.556, 120.914, "documented-advances.csv"),
        ("Tuquan", 45.38, 121.58, "documented-advances.csv"),
        ("Zhanyu", 44.57, 122.45, "documented-advances.csv"),
    ],
)
def test_hand_entered_places_carry_their_source(name, lat, lon, cite):
    place = lookup(name)
    assert (place.lat, place.lon) == (lat, lon)
    assert place.geonameid is None and cite in place.source


@pytest.mark.parametrize("name", ["Korokhon", "Korokhon pass", "Tsagan-Dabo", "Yutoto", "Gorobanera"])
def test_unlocated_places_are_not_invented(name):
    with pytest.raises(UnknownNameError, match="no coordinate"):
        lookup(name)


@pytest.mark.parametrize("typo, suggestion", [("Tsitsikhar", "Tsitsihar"), ("Mukdn", "Mukden"),
                                              ("Hailr", "Hailar"), ("Harbinn", "Harbin")])
def test_unknown_names_suggest_near_matches(typo, suggestion):
    try:
        place = lookup(typo)
    except UnknownNameError as exc:
        # the place is offered once, as its nearest spelling with its name beside it
        assert (suggestion in str(exc) or f"({lookup(suggestion).name})" in str(exc))
        assert "LAT,LON" in str(exc)
    else:  # GeoNames knows some spellings itself; then it must be the right place
        assert place.name == lookup(suggestion).name


def test_hopeless_name():
    with pytest.raises(UnknownNameError, match="unknown place 'Atlantis'"):
        lookup("Atlantis")
    with pytest.raises(KeyError):  # UnknownNameError is also a KeyError
        lookup("Atlantis")


def test_lat_lon_queries():
    p = lookup("46.62,121.24")
    assert (p.lat, p.lon) == (46.62, 121.24) and p.geonameid is None
    assert lookup(" 45.5 , 126.0 ").lon == 126.0
    with pytest.raises(ConfigError, match="latitude"):
        lookup("95,10")


def test_lon_lat_typed_the_wrong_way_round_suggests_lat_lon():
    with pytest.raises(ConfigError) as err:
        lookup("121.24,46.62")
    assert "did you mean '46.62,121.24' (latitude first)?" in str(err.value)
    with pytest.raises(ConfigError) as err:
        lookup("95,100")  # swapped, still no latitude: no guess
    assert "did you mean" not in str(err.value)


@pytest.mark.parametrize("typed, place", [("Hailaer", "Hailar"), ("Chalainorr", "Jalai Nur")])
def test_an_unknown_name_offers_each_near_place_once(typed, place):
    """'Hailaer' offered 'Hailaerh', 'Hailar', 'Zhalainor', 'Chalainor': two places, each
    twice under two spellings. Each place now comes once, as its nearest spelling with its
    name beside it."""
    with pytest.raises(UnknownNameError) as err:
        lookup(typed)
    msg = str(err.value)
    offered = msg[msg.index("did you mean ") + 13:msg.index("?")].split(", ")
    named = [lookup(o.split("'")[1]).name for o in offered]  # each spelling is one it takes
    assert place in named and len(named) == len(set(named)), offered
    assert all(o.endswith(f"({n})") or o == repr(n) for o, n in zip(offered, named)), offered


def test_table_has_no_colliding_names():
    seen: dict[str, str] = {}
    for _, name, aliases in places._GEONAMES:
        for n in (name, *aliases):
            assert seen.setdefault(_key(n), name) == name, f"{n!r} names two places"
    for name, _, _, aliases, _ in places._HAND:
        for n in (name, *aliases):
            assert seen.setdefault(_key(n), name) == name, f"{n!r} names two places"
    for name in NOT_LOCATED:
        assert _key(name) not in seen, f"{name} is both located and not located"


def test_all_places():
    every = all_places()
    assert len(every) > 120
    assert len({p.name for p in every}) == len(every)
    assert all(35 < p.lat < 56 and 100 < p.lon < 140 for p in every)
    assert {"Solun", "Changchun", "Hutou"} <= {p.name for p in every}


def test_place_is_frozen_and_module_credits_geonames():
    with pytest.raises(dataclasses.FrozenInstanceError):
        lookup("Harbin").lat = 0.0  # type: ignore[misc]
    assert "CC-BY 4.0" in places.__doc__ and "GeoNames" in places.__doc__
    assert Place("x", 1.0, 2.0).aliases == ()


def test_cache_is_keyed_and_rebuilt(tmp_path, monkeypatch):
    import json

    from logistics import settings

    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
    data = tmp_path / "cities500.json"
    record = {"geonameid": 1, "name": "Testville", "latitude": 45.0, "longitude": 125.0}
    data.write_text(json.dumps({"1": record, "2": {**record, "geonameid": 2}}))
    got = places._geonames_records((1,), data=data)
    assert got["1"]["name"] == "Testville" and "2" not in got
    (cached,) = (tmp_path / "cache").glob("places-cities500-*.json")
    # the cache answers while the key (file size, mtime, ids) is unchanged ...
    cached.write_text(json.dumps({"1": {**record, "name": "FromCache"}, "_version": "x"}))
    assert places._geonames_records((1,), data=data)["1"]["name"] == "FromCache"
    # ... a corrupt cache is ignored, and another id list gets its own entry
    cached.write_text("not json")
    assert places._geonames_records((1,), data=data)["1"]["name"] == "Testville"
    assert set(places._geonames_records((1, 2), data=data)) == {"1", "2", "_version"}
    assert len(list((tmp_path / "cache").glob("places-cities500-*.json"))) == 2


def test_text_outputs_name_places_1945_name_then_modern():
    from logistics.places import display_name

    assert lookup("Tongliao").label == "Tungliao (Tongliao)"
    assert lookup("Mutanchiang").label == lookup("Mudanjiang").label == "Mutanchiang (Mudanjiang)"
    assert lookup("Harbin").label == "Harbin"  # same name then and now
    assert display_name("mukden") == "Mukden (Shenyang)"
    assert display_name("forward depot") == "forward depot"  # not a gazetteer place
    assert display_name("45.0000, 122.0000") == "45.0000, 122.0000"


def test_near_place_uses_the_label():
    from logistics.runner import near_place

    p = lookup("Tongliao")
    assert near_place(p.lon, p.lat) == "at Tungliao (Tongliao)"


def test_find_places_matches_names_1945_names_and_aliases_in_any_case():
    from logistics.places import find_places, unlocated_names

    assert [p.name for p in find_places("harb")] == ["Harbin"]
    assert "Changchun" in [p.name for p in find_places("hsink")]  # its 1945 name
    assert [p.name for p in find_places("ХАЙЛАР")] == ["Hailar"]  # an alias, any case
    assert len(find_places("")) == len(find_places()) > 100
    assert find_places("no such place at all") == []
    assert "Korokhon pass" in unlocated_names("korokhon")
    assert unlocated_names("harbin") == {}



@pytest.mark.parametrize("text, name", [("Чанчунь", "Changchun"), ("Тунляо", "Tongliao"),
                                        ("чанч", "Changchun")])
def test_places_finds_every_name_sample_resolves(text, name):
    """`places Чанчунь` said "no place name contains" though `sample Чанчунь` resolved it
    (a GeoNames alternate, newuser25): the search runs over lookup's names."""
    from logistics.places import find_places, lookup

    if len(text) > 4:
        assert lookup(text).name == name
    assert [p.name for p in find_places(text)] == [name]


def test_places_command_lists_the_known_names(capsys):
    """`logistics places TEXT`: how a user finds the name an army file's place: takes (a
    newcomer could only guess names one by one with `sample`)."""
    import json

    from logistics.cli import main

    assert main(["places", "harb"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Harbin  45.") and "Харбин" in out
    assert main(["places", "--json", "tumen"]) == 0
    data = json.loads(capsys.readouterr().out)
    # Choibalsan was Bayan Tumen: a GeoNames spelling `sample "Bayan Tumen"` resolves
    assert [p["name"] for p in data["places"]] == ["Choibalsan", "Tumen"]
    assert lookup("Bayan Tumen").name == "Choibalsan" and data["not_located"] == {}
    assert main(["places"]) == 0
    assert len(capsys.readouterr().out.splitlines()) > 100


def test_places_json_is_the_object_its_help_and_the_readme_describe(capsys):
    """`--json` printed an object (``places``, ``not_located``) where the help and the README
    promised "one JSON list": a newcomer's script indexing it as a list failed."""
    import json
    from pathlib import Path

    from logistics.cli import main

    assert main(["places", "--json", "solun"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data) == ["not_located", "places"]
    assert sorted(data["places"][0]) == ["aliases", "lat", "lon", "name", "name_1945", "source"]
    with pytest.raises(SystemExit):
        main(["places", "--help"])
    helptext = " ".join(capsys.readouterr().out.split())
    assert "JSON list" not in helptext and '"not_located"' in helptext, helptext
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if ln.startswith("| `logistics places"))
    assert "JSON list" not in line and "`not_located`" in line, line


def test_places_matching_nothing_fails_with_the_near_names(capsys):
    """A TEXT no name contains is an error (exit 2, as `sample` of an unknown name), said on
    stderr with the names near it: it printed the message on stdout and exited 0, so a script
    `logistics places X && ...` went on as if X were a place."""
    from logistics.cli import main

    for argv in (["places", "hailr"], ["places", "--json", "hailr"]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith("logistics places: error: no place name contains 'hailr' (did "
                              "you mean 'Hailar'"), err
        assert "fix: give a shorter part of the name" in err
    assert main(["places", "qqqq"]) == 2
    err = capsys.readouterr().err
    assert "no place name contains 'qqqq'; fix:" in err  # nothing near: no empty offer


def test_an_unknown_place_points_at_the_places_command():
    from logistics.places import lookup

    with pytest.raises(UnknownNameError, match="logistics places TEXT"):
        lookup("Atlantis")


@pytest.mark.parametrize("text", ["", "[", "-", "  "])
def test_places_with_nothing_to_search_for_is_an_error_not_every_place(capsys, text):
    """A TEXT of no letter or digit ('' from an unset shell variable, '[', bytes the locale
    did not decode) listed every place with exit 0, as if no TEXT were given (breaker26)."""
    from logistics.cli import main

    assert main(["places", text]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"logistics places: error: TEXT {text!r} holds no letter or digit"), err
    assert "leave TEXT out to list every place" in err


def test_places_of_bytes_the_locale_did_not_decode_says_so(capsys):
    """Under LC_ALL=C, `places Хайлар` reaches Python as undecodable bytes (surrogates): it
    listed every place, exit 0 (breaker26)."""
    from logistics.cli import main

    text = "Хайлар".encode("utf-8").decode("ascii", "surrogateescape")
    assert main(["places", text]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "holds bytes this system's locale does not decode" in err, err
    assert "export LC_ALL=C.UTF-8" in err
