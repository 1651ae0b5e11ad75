"""The actor gazetteer's data files, read once and checked at load: `data/titles.toml` through
`storyline.datafiles` with its schema, `data/actors.json` against the same kind of schema plus
the positional rows it holds (a role is `[title, from, to, "CTY/SEC"?]`).

A problem is a `DataFileError` that names the file, the line and the entry
(`actors.json:57: 'CHN/GVO' is not COUNTRY/SECTOR in persons[41].roles[2]`), raised when the
gazetteer is first built, not a wrong actor later. JSON keeps no line numbers: the line is that
of the entry's name in the text.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ...datafiles import (
    ArrayOf,
    DataFileError,
    Key,
    Path,
    Table,
    check,
    error_at,
    load_toml,
    read_text,
    render,
)
from ...model import SECTORS

ACTORS = "actors.json"
TITLES = "titles.toml"
WORD_LISTS = ("locative_prepositions", "host_nouns", "reciprocal_verbs", "inert_verbs", "particles", "numbers",
              "statement_nouns", "issue_verbs", "determiners")
TITLE_FLAGS = frozenset({"leader", "unique", "group", "state", "org", "country", "foreign", "defence", "diplomat",
                         "spokes", "f", "m", "person"})

_STRINGS = Key(list, items=str)
_TITLES_SCHEMA = Table({
    "titles": Table(other=Key(str), required=True),
    "honorifics": Table(other=Key(str), required=True),
    "modifiers": Table({"words": Key(list, items=str, required=True), "former": Key(list, items=str, required=True)},
                       required=True),
    "words": Table({name: Key(list, items=str, required=True) for name in WORD_LISTS}, required=True),
})
_ACTORS_SCHEMA = Table({
    "_about": _STRINGS,
    "persons": ArrayOf(Table({
        "name": Key(str, required=True), "country": Key(str, required=True),
        "gender": Key(str, choices=frozenset({"m", "f"})), "aliases": _STRINGS, "short": _STRINGS,
        "roles": Key(list, items=list, required=True),
    }), required=True),
    "organisations": ArrayOf(Table({
        "name": Key(str, required=True), "country": Key(str, required=True),
        "sector": Key(str, required=True, choices=frozenset(SECTORS)), "aliases": _STRINGS,
        "sectors": Key(list, items=list),
    }), required=True),
    "parties": ArrayOf(Table({
        "name": Key(str, required=True), "country": Key(str, required=True), "aliases": Key(list, items=str, required=True),
        "members": Key(list, items=str, required=True), "governing": Key(list, items=list, required=True),
    }), required=True),
    "leader_titles": Table(other=_STRINGS, required=True),
    "armed_conflicts": Table(other=Key(list)),
    "regions": Table(other=Table({"country": Key(str, required=True), "when": Key(list, items=str, required=True)})),
})
_COUNTRY = re.compile(r"[A-Z]{3}")
_COUNTRY_SECTOR = re.compile(r"([A-Z]{3})/([A-Z]{3})")


@lru_cache(maxsize=1)
def title_data() -> dict[str, Any]:
    """`data/titles.toml`, checked: its schema, then each title's "SECTOR flag ..." spec."""
    raw = load_toml(TITLES, _TITLES_SCHEMA)
    for phrase, spec in raw["titles"].items():
        problem = _title_problem(spec)
        if problem:
            raise error_at(TITLES, read_text(TITLES), ("titles", phrase), problem)
    return raw


def _title_problem(spec: str) -> str | None:
    sector, *flags = spec.split() or [""]
    if sector != "-" and sector not in SECTORS:
        return f"{sector!r} is not a sector (one of {', '.join(SECTORS)}, or '-')"
    unknown = [f for f in flags if f not in TITLE_FLAGS]
    return f"unknown flag {unknown[0]!r}" if unknown else None


@lru_cache(maxsize=1)
def actors_data() -> dict[str, Any]:
    """`data/actors.json`, checked (`parse_actors`)."""
    return parse_actors(read_text(ACTORS))


def parse_actors(text: str) -> dict[str, Any]:
    """The gazetteer JSON, checked: valid JSON, the schema, then the positional rows."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{ACTORS}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    for path, message in (*check(raw, _ACTORS_SCHEMA), *_row_problems(raw)):
        raise DataFileError(_where(raw, text, path, message))
    return raw


def _where(raw: dict[str, Any], text: str, path: Path, message: str) -> str:
    """`actors.json:LINE: message in persons[12].roles[0]`, LINE that of the entry's name."""
    line = _entry_line(raw, text, path)
    head = f"{ACTORS}:{line}" if line else ACTORS
    return f"{head}: {message} in {render(path)}" if path else f"{head}: {message}"


def _entry_line(raw: dict[str, Any], text: str, path: Path) -> int | None:
    """The line of the entry `path` points into: its "name" for list entries, its key in a
    table ("leader_titles", "armed_conflicts"), else the section's key."""
    if not path:
        return None
    start = text.find(f'"{path[0]}":')
    if len(path) >= 2 and isinstance(path[1], int):
        entry = raw[str(path[0])][path[1]]
        name = entry.get("name") if isinstance(entry, dict) else None
        needle = f'"name": {json.dumps(name, ensure_ascii=False)}' if isinstance(name, str) else None
    else:
        needle = json.dumps(path[1], ensure_ascii=False) + ":" if len(path) >= 2 else None
    found = text.find(needle, max(start, 0)) if needle else start
    return text.count("\n", 0, found) + 1 if found >= 0 else None


def _row_problems(raw: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """What the schema cannot see: country codes, and the rows it sees only as lists (roles,
    sector changes, governing and war spans)."""
    for section in ("persons", "organisations", "parties"):
        for n, entry in enumerate(raw[section]):
            if not _COUNTRY.fullmatch(entry["country"]):
                yield (section, n, "country"), f"{entry['country']!r} is not an ISO3 country code"
    for n, person in enumerate(raw["persons"]):
        for k, role in enumerate(person["roles"]):
            yield from _role_problems(role, ("persons", n, "roles", k))
    for n, org in enumerate(raw["organisations"]):
        for k, change in enumerate(org.get("sectors", ())):
            yield from _span_problems(change, ("organisations", n, "sectors", k), head="sector")
    for n, party in enumerate(raw["parties"]):
        for k, span in enumerate(party["governing"]):
            yield from _span_problems(span, ("parties", n, "governing", k))
    for country, span in raw.get("armed_conflicts", {}).items():
        yield from _span_problems(span, ("armed_conflicts", country))
    if "default" not in raw["leader_titles"]:
        yield ("leader_titles",), "missing required key 'default'"


def _role_problems(role: list[Any], path: Path) -> Iterator[tuple[Path, str]]:
    if not 3 <= len(role) <= 4 or not isinstance(role[0], str):
        yield path, "a role is [title, from, to, \"CTY/SEC\"?]"
        return
    yield from _span_problems(role[1:3], path)
    if len(role) == 4:
        found = _COUNTRY_SECTOR.fullmatch(role[3]) if isinstance(role[3], str) else None
        if found is None or found[2] not in SECTORS:
            yield path, f"{role[3]!r} is not COUNTRY/SECTOR"


def _span_problems(row: list[Any], path: Path, head: str | None = None) -> Iterator[tuple[Path, str]]:
    """`[from, to]` (after a sector when `head` says so): ISO dates or null, from before to."""
    if head is not None:
        if not row or row[0] not in SECTORS:
            yield path, f"a {head} change is [SECTOR, from, to] with a known sector"
            return
        row = row[1:]
    if len(row) != 2 or not all(v is None or _is_date(v) for v in row):
        yield path, "expected [from, to]: ISO dates (YYYY-MM-DD) or null"
    elif row[0] and row[1] and row[0] > row[1]:
        yield path, f"ends ({row[1]}) before it starts ({row[0]})"


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
