"""Story titles: one line a person can read, generated from the happening.

"<participants> <type in words> in <place>, <date> — <current status>", for example
"Lee–Moreau meeting in Geneva, 3–4 Mar 2031 — held". Every part comes from the story (its
participants, type, place, date and status) and the words from `data/stories.toml` `[titles]`;
a part the story lacks is left out. The title is a function of the story alone, so the same
reports in any order give the same title, and it is computed where a story is shown (the CLI,
the JSON, the API and the pages), never stored; only a title a person gave (a rename edit,
`storyline.curation`) is stored, and then shown instead.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .datafiles import load_toml
from .model import Actor, Story, TimeSpan
from .stories import SCHEMA, country_table

DASH = "–"  # between participants and between the days of a range
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # not the locale's


@dataclass(frozen=True)
class Words:
    max_participants: int
    family_name_first: frozenset[str]
    institution_words: frozenset[str]
    types: dict[str, str]
    status: dict[str, str]
    status_by_type: dict[str, dict[str, str]]


@lru_cache(maxsize=1)
def words() -> Words:
    raw = load_toml("stories.toml", SCHEMA)["titles"]
    return Words(raw["max_participants"], frozenset(raw["family_name_first"]), frozenset(raw["institution_words"]),
                 dict(raw["types"]), dict(raw["status"]), {k: dict(v) for k, v in raw["status_by_type"].items()})


def short_name(actor: Actor) -> str:
    """How a title names a participant: a person by the family name, a country or an
    institution whole, a generic actor by its country's adjective ("~officials" of USA:
    "American officials")."""
    w, name = words(), actor.name.strip()
    country = country_table().get(actor.country or "")
    if name.startswith("~"):
        rest = name[1:].replace("_", " ").strip() or (actor.sector or "").lower()
        return f"{country[1]} {rest}" if country else rest
    parts = name.split()
    if len(parts) < 2 or (country and name == country[0]) or any(p in w.institution_words for p in parts):
        return name
    if not all(p[:1].isupper() for p in parts):
        return name
    return parts[0] if actor.country in w.family_name_first else parts[-1]


def participants_text(actors: Sequence[Actor]) -> str:
    """The participants' short names; a country is left out where one of its people is named
    (in a story of leaders, "the two countries" are their sides)."""
    people = {a.country for a in actors if not _is_country(a) and not a.name.startswith("~")}
    names = list(dict.fromkeys(short_name(a) for a in actors if not (_is_country(a) and a.country in people)))
    limit = words().max_participants
    shown = DASH.join(names[:limit])
    return f"{shown} and others" if len(names) > limit else shown


def _is_country(actor: Actor) -> bool:
    known = country_table().get(actor.country or "")
    return known is not None and actor.name == known[0]


def date_text(span: TimeSpan | None) -> str:
    """A date as people write it: "12 Jun 2018", "27–28 Feb 2019", "Feb 2019", "2019",
    "28 Feb – 1 Mar 2019"."""
    if span is None or span.start is None:
        return ""
    start, end = span.start, span.end or span.start
    if start == end:
        return _day(start, year=True)
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year)
    if (start.year, start.month) == (end.year, end.month):
        if start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]:
            return f"{MONTHS[start.month - 1]} {start.year}"
        return f"{start.day}{DASH}{end.day} {MONTHS[start.month - 1]} {start.year}"
    return f"{_day(start, year=start.year != end.year)} {DASH} {_day(end, year=True)}"


def _day(day: dt.date, year: bool) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if year else "")


def status_text(story: Story) -> str:
    w = words()
    return w.status_by_type.get(story.type, {}).get(story.status) or w.status.get(story.status, story.status)


def title(story: Story) -> str:
    """The story's one-line title (see the module docstring); a curated title (`storyline
    story rename`) when the story has one."""
    if story.title:
        return story.title
    what = words().types.get(story.type, story.type.lower())
    who = participants_text(story.participants)
    head = f"{who} {what}" if who else what[:1].upper() + what[1:]
    if story.location is not None and story.location.name:
        head += f" in {story.location.name}"
    when = date_text(story.date)
    if when:
        head += f", {when}"
    return f"{head} — {status_text(story)}"
