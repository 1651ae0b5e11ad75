"""Government metonyms (`data/metonyms.toml`): one list that two stages read.

Actor resolution reads each entry with a sector as an actor ("the Kremlin said" -> Russia's
government); the place gazetteer reads every name as never a place, and an entry's site as the
building a literal reading resolves to ("welcomed him to the White House").
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..datafiles import ArrayOf, Key, Table, error_at, load_toml, read_text

NAME = "metonyms.toml"
_SCHEMA = Table({"metonym": ArrayOf(Table({
    "name": Key(str, required=True),
    "aliases": Key(list, items=str),
    "country": Key(str),
    "sector": Key(str),
    "stands_for": Key(str, required=True),
    "site": Table({"name": Key(str), "lat": Key(float, required=True), "lon": Key(float, required=True)}),
    "also_places": Key(list, items=str),
}), required=True)})


@dataclass(frozen=True)
class Site:
    """Where a metonym stands: what a literal reading of its name locates."""

    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Metonym:
    name: str
    aliases: tuple[str, ...]
    country: str | None
    sector: str | None  # None: not an actor, only never a place
    stands_for: str
    site: Site | None
    also_places: frozenset[str]  # names that name a real place too: not blocked as places

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@lru_cache(maxsize=1)
def metonyms() -> tuple[Metonym, ...]:
    """Every entry of `data/metonyms.toml`, checked (schema, then the cross-field rules)."""
    raw = load_toml(NAME, _SCHEMA)
    out = tuple(_metonym(entry) for entry in raw["metonym"])
    for index, metonym in enumerate(out):
        problem = _problem(metonym)
        if problem:
            raise error_at(NAME, read_text(NAME), ("metonym", index), problem)
    return out


def _metonym(entry: dict[str, Any]) -> Metonym:
    site = entry.get("site")
    return Metonym(
        entry["name"], tuple(entry.get("aliases", ())), entry.get("country"), entry.get("sector"),
        entry["stands_for"],
        Site(site.get("name", entry["name"]), float(site["lat"]), float(site["lon"])) if site else None,
        frozenset(entry.get("also_places", ())),
    )


def _problem(metonym: Metonym) -> str | None:
    if metonym.sector is not None and metonym.country is None:
        return f"{metonym.name!r} has a sector but no country: an actor needs both"
    stray = sorted(metonym.also_places - set(metonym.names))
    if stray:
        return f"also_places names {stray[0]!r}, which is not a name of {metonym.name!r}"
    return None
