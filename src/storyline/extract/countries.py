"""The country table (`data/demonyms.tsv`): the one home of the countries' English names.

Actor resolution reads every column (a country is named, its adjective or people modify an
actor, its capital may act for its government); the place gazetteer reads the names: the common
name is the country's `Place` name, and every name is an alias beside pycountry's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..datafiles import DataFileError, read_text

NAME = "demonyms.tsv"
_ISO3 = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str  # the common English name: the actor's and the place's name
    others: tuple[str, ...]
    adjectives: tuple[str, ...]
    people: tuple[str, ...]
    capitals: tuple[str, ...]  # capitals and seats of government that act for the government

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.others)


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every row of the table, in file order; a malformed row is a `DataFileError` naming its line."""
    out: list[Country] = []
    seen: set[str] = set()
    for number, line in enumerate(read_text(NAME).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        country = _row(line, number)
        if country.iso3 in seen:
            raise DataFileError(f"{NAME}:{number}: {country.iso3} is listed twice")
        seen.add(country.iso3)
        out.append(country)
    return tuple(out)


def _row(line: str, number: int) -> Country:
    cells = line.split("\t")
    if len(cells) > 6:
        raise DataFileError(f"{NAME}:{number}: {len(cells)} columns, at most 6 (iso3, name, others, "
                            "adjectives, people, capitals)")
    iso3, name, others, adjectives, people, capitals = (cells + [""] * 6)[:6]
    if not _ISO3.fullmatch(iso3):
        raise DataFileError(f"{NAME}:{number}: {iso3!r} is not an ISO 3166 alpha-3 code")
    if not name.strip():
        raise DataFileError(f"{NAME}:{number}: {iso3} has no name")
    return Country(iso3, name.strip(), _split(others), _split(adjectives), _split(people), _split(capitals))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(filter(None, (part.strip() for part in cell.split("|"))))
