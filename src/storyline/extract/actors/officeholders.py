"""The officeholder table (`data/officeholders.tsv`): heads of state and government of every
UN member state from 2000 on, foreign and defence ministers, leaders of armed groups and heads
of international organisations, one row per term.

Broad data about the world rather than a list of the people one corpus happens to name: a
story about any country at any date since 2000 finds its leader by name ("Tinubu"), by
description ("the Nigerian president") and with the sector of the office held that day.

Each row becomes a role of a person record in the shape of `data/actors.json`'s persons
(`{name, country, gender, short, roles: [[title, from, to, "CTY/SEC"?]]}`), so the gazetteer
reads both sources alike; `gazetteer.py` merges a row into an existing person of the same name.
A malformed row is a `DataFileError` naming the file, the line and the reason.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from ...datafiles import DataFileError, read_text
from ...model import SECTORS
from ..countries import countries

NAME = "officeholders.tsv"
_COLUMNS = ("country", "office", "name", "from", "to", "gender", "short", "nationality")
_OFFICE_COUNTRY = re.compile(r"([A-Z]{3})(?:/([A-Z]{3}))?")
_MONTH = re.compile(r"\d{4}-\d{2}")


@lru_cache(maxsize=1)
def officeholders() -> tuple[dict[str, Any], ...]:
    """Every person of the table with all their terms, in file order of first appearance."""
    return parse_officeholders(read_text(NAME))


def parse_officeholders(text: str) -> tuple[dict[str, Any], ...]:
    """The table's rows grouped by person, each checked (`DataFileError` at the first bad row)."""
    known = {c.iso3 for c in countries()} | {"XXX"}
    people: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            _add_row(people, dict(zip(_COLUMNS, line.split("\t"), strict=False)), line.count("\t") + 1, known)
        except ValueError as exc:
            raise DataFileError(f"{NAME}:{number}: {exc}") from None
    for person in people.values():
        if person["country"] == "XXX":
            raise DataFileError(f"{NAME}: {person['name']!r} holds only international offices and has no nationality")
    return tuple(people.values())


def _add_row(people: dict[str, dict[str, Any]], row: dict[str, str], width: int, known: set[str]) -> None:
    if not 5 <= width <= len(_COLUMNS):
        raise ValueError(f"{width} columns, expected 5 to {len(_COLUMNS)} ({', '.join(_COLUMNS)})")
    found = _OFFICE_COUNTRY.fullmatch(row["country"])
    if found is None or found[1] not in known:
        raise ValueError(f"{row['country']!r} is not a known ISO3 country (or XXX), optionally /SECTOR")
    country, sector = found[1], found[2] or ("IGO" if found[1] == "XXX" else None)
    if sector is not None and sector not in SECTORS:
        raise ValueError(f"{sector!r} is not a sector")
    name, office = row["name"].strip(), row["office"].strip()
    if not name or not office:
        raise ValueError("a row needs an office and a name")
    start, end = _day(row["from"]), _day(row["to"])
    if start is None or (end is not None and end < start):
        raise ValueError(f"the term of {name!r} needs a start, and an end (if any) after it")
    gender, nationality = row.get("gender", "").strip(), row.get("nationality", "").strip()
    if gender not in ("", "m", "f") or (nationality and nationality not in known):
        raise ValueError(f"gender must be m or f and nationality a known ISO3 code ({name!r})")
    person = people.setdefault(name, {"name": name, "country": "XXX", "roles": [], "short": []})
    if person["country"] == "XXX":
        person["country"] = country if country != "XXX" else (nationality or "XXX")
    if gender and "gender" not in person:
        person["gender"] = gender
    person["short"] += [s.strip() for s in row.get("short", "").split("|") if s.strip() and s.strip() not in person["short"]]
    role: list[Any] = [office, start.isoformat(), end.isoformat() if end else None]
    if sector is not None or country != person["country"]:
        if sector is None:
            raise ValueError(f"{name!r} holds an office outside their country: give it as {country}/SECTOR")
        role.append(f"{country}/{sector}")
    person["roles"].append(role)


def _day(text: str | None) -> dt.date | None:
    """An ISO date, or a month (YYYY-MM, the day unknown: read as the 1st); empty: none."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text + "-01" if _MONTH.fullmatch(text) else text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or YYYY-MM)") from None
