"""The actor gazetteer: dated records of people, organisations, parties and countries, the
title lexicon, and the look-up tables built from them once per process.

Sources (read and checked by `sources.py`, `..countries`, `..metonyms`): `data/actors.json`
(persons with dated roles, organisations, parties, leader titles, armed conflicts, elliptic
regions), `data/titles.toml` (titles, honorifics, modifier words and the word lists of the
rules), `data/demonyms.tsv` (the country table: countries, demonyms, capitals) and
`data/metonyms.toml` (government metonyms). Every name is indexed under its look-up key
(`alias_key`): folded, without spaces or hyphens.

Gazetteer schema (`data/actors.json`):
  persons:       {name, country, gender: m|f, aliases: [full-name variants], short: [surname forms
                  that may stand alone], roles: [[title, from, to|null, "CTY/SEC"?], ...]}
                  The role covering `published` gives the sector (from the title lexicon unless
                  "CTY/SEC" is given); outside any role the nearest earlier role counts.
  organisations: {name, country, sector, aliases, sectors?: [[SEC, from, to]]}; government metonyms
                  ("the Kremlin") come from `data/metonyms.toml` (`storyline.extract.metonyms`)
  parties:       {name, country, aliases, members: [adjectives/nouns], governing: [[from, to]]}
                  A party's members are PTY while it governs, OPP otherwise.
  leader_titles: {ISO3: [titles of the country's leader in order], default: [...]}
  regions:       {"the North": {country, when: [countries one of which the article must name]}}
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ...text import fold
from ..countries import countries
from ..metonyms import metonyms
from .officeholders import officeholders
from .records import (
    CountryRec,
    Kind,
    LexEntry,
    OrgRec,
    PartyRec,
    PersonRec,
    RegionRec,
    Role,
    Target,
    TitleRec,
)
from .sources import actors_data, title_data


@dataclass(frozen=True)
class Gazetteer:
    """Every look-up table of actor resolution: names and titles by look-up key (with their
    prefixes, so a walk over tokens stops early), word lists, and the persons by given name and
    by country."""

    names: dict[str, tuple[LexEntry, ...]]
    name_prefixes: frozenset[str]
    titles: dict[str, TitleRec]
    title_prefixes: frozenset[str]
    honorifics: dict[str, str]
    modifiers: frozenset[str]
    former: frozenset[str]
    countries: dict[str, str]
    persons: tuple[PersonRec, ...]
    leader_titles: dict[str, tuple[str, ...]]
    words: dict[str, frozenset[str]]
    conflicts: dict[str, tuple[dt.date | None, dt.date | None]]
    lower_starts: frozenset[str] = frozenset()
    title_starts: frozenset[str] = frozenset()
    given: dict[str, tuple[PersonRec, ...]] = field(default_factory=dict)
    family: dict[str, tuple[PersonRec, ...]] = field(default_factory=dict)   # by the last word of the name
    by_country: dict[str, tuple[PersonRec, ...]] = field(default_factory=dict)

    def at_war(self, country: str | None, day: dt.date | None) -> bool:
        span = self.conflicts.get(country or "")
        if span is None:
            return False
        start, end = span
        return day is None or ((start is None or start <= day) and (end is None or day < end))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


_JOINERS = str.maketrans("", "", " -\u2010\u2011\u2013")


def squeeze(folded: str) -> str:
    """Without spaces or hyphens: token boundaries do not matter in a look-up key."""
    return folded.translate(_JOINERS)


def alias_key(text: str) -> str:
    """A name's look-up key: folded (`storyline.text.fold`) and squeezed."""
    return squeeze(fold(text))


@dataclass(frozen=True)
class TitleLexicon:
    """`data/titles.toml`: titles by look-up key (plural forms included), honorifics, the
    modifier words a title phrase may hold, the words that end a role ("former"), word lists."""

    titles: dict[str, TitleRec]
    honorifics: dict[str, str]
    modifiers: frozenset[str]
    former: frozenset[str]
    words: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def title_lexicon() -> TitleLexicon:
    """The title lexicon, built once from the checked file."""
    data = title_data()
    titles: dict[str, TitleRec] = {}
    for phrase, spec in data["titles"].items():
        sector, *flags = spec.split()
        rec = TitleRec(phrase, None if sector == "-" else sector, frozenset(flags))
        titles.setdefault(alias_key(_plural_of(phrase)), rec)
    spelled: set[str] = set()  # "vice president" and "vice-president" share a key: the first listed is kept
    for phrase, spec in data["titles"].items():
        sector, *flags = spec.split()
        if alias_key(phrase) not in spelled:
            spelled.add(alias_key(phrase))
            titles[alias_key(phrase)] = TitleRec(phrase, None if sector == "-" else sector, frozenset(flags))
    mods = data["modifiers"]
    words = {name: frozenset(values) for name, values in data["words"].items()}
    return TitleLexicon(titles, dict(data["honorifics"]), frozenset(mods["words"]), frozenset(mods["former"]), words)


def _plural_of(phrase: str) -> str:
    """English plural of a title phrase ("chief of staff" -> "chiefs of staff")."""
    head, sep, tail = phrase.partition(" of ")
    words = head.split()
    last = words[-1]
    if last.endswith("man"):
        last = last[:-3] + "men"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "sh", "ch", "x")):
        last = last + "es"
    elif not last.endswith("."):
        last = last + "s"
    return " ".join([*words[:-1], last]) + sep + tail


@lru_cache(maxsize=4096)
def title_of(phrase: str) -> TitleRec | None:
    """The lexicon's longest title phrase inside `phrase` (a gazetteer role title)."""
    titles = title_lexicon().titles
    words = fold(phrase).replace("-", " ").split()
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            found = titles.get("".join(words[start:start + size]))
            if found is not None:
                return found
    return None


def _role(raw: list[Any], country: str) -> Role:
    title, start, end, *rest = raw
    if rest:
        cty, sector = rest[0].split("/")
    else:
        rec = title_of(title)
        cty, sector = country, (rec.sector if rec and rec.sector else "GOV")
    return Role(title, _date(start), _date(end), cty, sector)


def _person(raw: dict[str, Any]) -> PersonRec:
    roles = tuple(_role(r, raw["country"]) for r in raw["roles"])
    return PersonRec(raw["name"], raw["country"], raw.get("gender", ""), roles, tuple(raw.get("short", ())))


def _entry(kind: Kind, target: Target, alias: str) -> LexEntry:
    letters = [c for c in alias if c.isalpha()]
    exact = len(letters) >= 2 and all(c.isupper() for c in letters)
    return LexEntry(kind, target, alias, exact, bool(letters) and letters[0].isupper())


def _person_entries(data: dict[str, Any]) -> Iterator[tuple[str, LexEntry]]:
    for raw in merged_persons(data["persons"], officeholders()):
        person = _person(raw)
        for alias in (person.name, *raw.get("aliases", ())):
            yield alias, _entry("person", person, alias)
        for alias in person.short:
            yield alias, _entry("short", person, alias)


def merged_persons(persons: Iterable[dict[str, Any]], table: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The gazetteer's persons with the officeholder table's (`officeholders.py`): a table person
    whose name or alias is a gazetteer person's adds the terms that do not overlap a role of the
    same title there, and their surname forms; any other is a new person."""
    out = [dict(p, roles=list(p["roles"]), short=list(p.get("short", ()))) for p in persons]
    index = {alias_key(a): n for n, p in enumerate(out) for a in (p["name"], *p.get("aliases", ()))}
    for row in table:
        n = index.get(alias_key(row["name"]))
        if n is None:
            index[alias_key(row["name"])] = len(out)
            out.append(row)
            continue
        person = out[n]
        person["roles"] += [r for r in row["roles"] if not any(_same_term(r, old, person["country"]) for old in person["roles"])]
        person["short"] += [s for s in row["short"] if s not in person["short"]]
        person.setdefault("gender", row.get("gender", ""))
    return out


def _same_term(new: list[Any], old: list[Any], country: str) -> bool:
    """Two roles of one title and country whose spans overlap: the same term, written twice."""
    if fold(new[0]) != fold(old[0]) or (new[3:] or [country])[0][:3] != (old[3:] or [country])[0][:3]:
        return False
    return (old[2] is None or new[1] < old[2]) and (new[2] is None or old[1] is None or old[1] < new[2])


def _org_entries(data: dict[str, Any]) -> Iterator[tuple[str, LexEntry]]:
    for raw in data["organisations"]:
        changes = tuple((s, _date(a), _date(b)) for s, a, b in raw.get("sectors", ()))
        org = OrgRec(raw["name"], raw["country"], raw["sector"], "name", changes)
        for alias in (org.name, *raw.get("aliases", ())):
            yield alias, _entry("org", org, alias)
    for metonym in metonyms():
        if metonym.country is not None and metonym.sector is not None:
            org = OrgRec(metonym.name, metonym.country, metonym.sector, "metonym")
            for alias in metonym.names:
                yield alias, _entry("org", org, alias)
    for raw in data["parties"]:
        party = PartyRec(raw["name"], raw["country"], tuple((_date(a), _date(b)) for a, b in raw["governing"]))
        for alias in (party.name, *raw["aliases"]):
            yield alias, _entry("party", party, alias)
        for alias in raw["members"]:
            yield alias, _entry("member", party, alias)


def _country_entries() -> Iterator[tuple[str, LexEntry]]:
    for row in countries():
        country = CountryRec(row.iso3, row.name)
        cells: tuple[tuple[Kind, tuple[str, ...]], ...] = (
            ("country", row.names), ("demonym", row.adjectives), ("people", row.people), ("capital", row.capitals))
        for kind, aliases in cells:
            for alias in aliases:
                yield alias, _entry(kind, country, alias)


def _prefixes(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(key[:n] for key in keys for n in range(1, len(key) + 1))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Every look-up table, built once per process."""
    data = actors_data()
    names = _names(data)
    lexicon = title_lexicon()
    titles = lexicon.titles
    entries = [e for es in names.values() for e in es]
    countries = {e.target.country: e.target.name for e in entries if e.kind == "country" and isinstance(e.target, CountryRec)}
    persons = tuple({id(e.target): e.target for e in entries if e.kind == "person" and isinstance(e.target, PersonRec)}.values())
    return Gazetteer(
        names=names, name_prefixes=_prefixes(names), titles=titles, title_prefixes=_prefixes(titles),
        honorifics={alias_key(k): v for k, v in lexicon.honorifics.items()}, modifiers=lexicon.modifiers,
        former=lexicon.former, countries=countries, persons=persons,
        leader_titles={k: tuple(v) for k, v in data["leader_titles"].items()}, words=lexicon.words,
        conflicts={k: (_date(a), _date(b)) for k, (a, b) in data.get("armed_conflicts", {}).items()},
        lower_starts=frozenset(_first_piece(e.alias) for e in entries if not e.upper),
        title_starts=frozenset(_first_piece(p) for rec in titles.values() for p in (rec.phrase, _plural_of(rec.phrase))),
        given=_group(persons, lambda p: {fold(p.name).split()[0]}),
        family=_group(persons, lambda p: {fold(p.name).replace("-", " ").split()[-1]} if len(p.name.split()) > 1 else set()),
        by_country=_group(persons, lambda p: {r.country for r in p.roles}),
    )


def _names(data: dict[str, Any]) -> dict[str, tuple[LexEntry, ...]]:
    """Every alias's entries by look-up key, in a fixed order: persons, organisations (the
    government metonyms after them), parties, countries, regions."""
    names: dict[str, list[LexEntry]] = {}
    for alias, entry in (*_person_entries(data), *_org_entries(data), *_country_entries()):
        names.setdefault(alias_key(alias), []).append(entry)
    for alias, spec in data.get("regions", {}).items():
        entry = _entry("region", RegionRec(spec["country"], tuple(spec["when"])), alias)
        names.setdefault(alias_key(alias.removeprefix("the ")), []).append(entry)
    return {k: tuple(v) for k, v in names.items()}


def _first_piece(alias: str) -> str:
    """The look-up form of an alias's first word ("al-Nusra" -> "al", "secretary-general" -> "secretary")."""
    words = fold(alias).replace("\u2010", "-").replace("-", " ").split()
    return alias_key(words[0]) if words else ""


def _group(persons: Iterable[PersonRec], keys: Callable[[PersonRec], set[str]]) -> dict[str, tuple[PersonRec, ...]]:
    out: dict[str, list[PersonRec]] = {}
    for person in persons:
        for key in keys(person):
            out.setdefault(key, []).append(person)
    return {k: tuple(v) for k, v in out.items()}
