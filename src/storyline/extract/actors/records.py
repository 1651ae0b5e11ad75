"""The gazetteer's records: people with dated roles, organisations, parties, countries and
elliptic regions, titles, and the entries that index them by alias.

An entry's `kind` says how an alias names its record, and fixes the record's type:

    person, short                       -> PersonRec  (full name; a surname that may stand alone)
    org                                 -> OrgRec
    party, member                       -> PartyRec   (the party's name; "Republican", "Tory")
    country, demonym, people, capital   -> CountryRec ("Russia", "Russian", "Russians", "Moscow")
    region                              -> RegionRec  ("the North")

`LexEntry.target` is typed as the union; `Item.record` (mentions.py) narrows it by kind.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

PersonKind = Literal["person", "short"]
PartyKind = Literal["party", "member"]
CountryKind = Literal["country", "demonym", "people", "capital"]
Kind = Literal[PersonKind, "org", PartyKind, CountryKind, "region"]


def _covers(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """`day` falls in [start, end) (an open end: still true)."""
    return (start is None or start <= day) and (end is None or day < end)


@dataclass(frozen=True)
class Role:
    """A title held from `start` to `end` (None: open), with the country and sector it gives."""

    title: str
    start: dt.date | None
    end: dt.date | None
    country: str
    sector: str


@dataclass(frozen=True)
class PersonRec:
    name: str
    country: str
    gender: str
    roles: tuple[Role, ...]
    short: tuple[str, ...]

    def role_at(self, day: dt.date | None) -> Role | None:
        """The role held on `day` (first listed wins), else the latest earlier one, else the first."""
        if not self.roles:
            return None
        if day is None:
            return self.roles[-1]
        for role in self.roles:
            if _covers(role.start, role.end, day):
                return role
        past = [r for r in self.roles if r.end is not None and r.end <= day]
        return max(past, key=lambda r: r.end or day) if past else self.roles[0]

    def holds(self, day: dt.date | None) -> tuple[Role, ...]:
        """Roles held on `day` (all roles when no date is known)."""
        if day is None:
            return self.roles
        return tuple(r for r in self.roles if _covers(r.start, r.end, day))

    def active(self, day: dt.date | None) -> bool:
        return day is None or bool(self.holds(day))


@dataclass(frozen=True)
class OrgRec:
    """An organisation; a metonym ("the Kremlin", "the State Department") speaks for a government."""

    name: str
    country: str
    sector: str
    kind: Literal["metonym", "name"]
    changes: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()

    def sector_at(self, day: dt.date | None) -> str:
        for sector, start, end in self.changes:
            if day is not None and _covers(start, end, day):
                return sector
        return self.sector


@dataclass(frozen=True)
class PartyRec:
    """A party: its members are PTY while it governs, OPP otherwise."""

    name: str
    country: str
    governing: tuple[tuple[dt.date | None, dt.date | None], ...]

    def sector_at(self, day: dt.date | None) -> str:
        if day is None:
            return "PTY"
        return "PTY" if any(_covers(start, end, day) for start, end in self.governing) else "OPP"


@dataclass(frozen=True)
class CountryRec:
    """A country: ISO3 code and the common English name (the actor name)."""

    country: str
    name: str


@dataclass(frozen=True)
class RegionRec:
    """An elliptic name for `country`, read so only when the article names one of `when`."""

    country: str
    when: tuple[str, ...]


Target = PersonRec | OrgRec | PartyRec | CountryRec | RegionRec


@dataclass(frozen=True)
class TitleRec:
    phrase: str
    sector: str | None
    flags: frozenset[str]

    @property
    def head(self) -> str:
        words = self.phrase.split(" of ")[0].split()
        return words[-1] if words else self.phrase

    @property
    def person(self) -> bool:
        return not (self.flags & {"group", "state", "org", "country"})


@dataclass(frozen=True)
class LexEntry:
    """One gazetteer alias: what it names and how it must be matched."""

    kind: Kind
    target: Target
    alias: str
    exact: bool  # acronym-like: match the token text exactly (case-sensitive)
    upper: bool  # the alias starts with a capital: so must the text
