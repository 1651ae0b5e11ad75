"""What a time expression means: the types every step of the tagger passes along.

A rule's builder reads its match into a `Reading` (TimeML type, `Sense`, mod); the tagger
anchors the sense into a `Timex`; the calendar places a sense as a `Point` (a period).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple

Tense = Literal["past", "present", "future"]
Kind = Literal["calendar", "relative", "ref", "duration", "set"]
Base = Literal["dct", "ref"]
Pick = Literal["tense", "last", "next", "this"]


class Sense(NamedTuple):
    """What a time expression means before it is anchored (immutable; a NamedTuple because one
    is built for every match on the hot path, five times faster than a frozen dataclass).

    calendar: names fields of the calendar (`year`, `month`, `day`, `weekday`, `quarter`,
      `half`, `season`, `decade`, `century`, `holiday`); missing years are found by `pick`.
    relative: moves `shift` units of `unit` from the anchor (`base` "dct") or from the
      discourse reference (`base` "ref"); `shift` None is an unknown amount.
    ref / duration / set: `literal` is the TimeML value.
    """

    kind: Kind
    year: int | None = None
    year_shift: int | None = None      # "July last year": the anchor's year + year_shift
    month: int | None = None
    day: int | None = None
    weekday: int | None = None         # 1 = Monday .. 7 = Sunday
    quarter: int | None = None
    half: int | None = None
    season: str | None = None          # SP, SU, FA, WI
    decade: int | None = None          # 199 for the 1990s
    century: int | None = None         # 19 for the 20th century
    holiday: str | None = None         # a rule of [holidays] in timex.toml
    unit: str | None = None
    shift: int | None = 0
    base: Base = "dct"
    pick: Pick = "tense"
    same_period: bool = False          # "a year ago" after "the third quarter": that quarter
    part: str | None = None            # time of day: MO AF EV NI, or a clock time "14:00"
    literal: str | None = None
    amount: int | None = None          # durations: how many `unit`s, when known
    forward: bool = False              # "within two weeks", "the next three days"
    clip: Literal["before", "after"] | None = None   # "earlier this month", "later this year"
    through: int | None = None         # the last day of a range in one month ("Feb. 27-28")


@dataclass(frozen=True)
class Timex:
    """One time expression found by `tag`, with offsets into the text given to it."""

    start: int
    end: int
    text: str
    type: str                          # DATE | TIME | DURATION | SET
    value: str                         # TimeML value, resolved against the dct
    mod: str | None = None             # TimeML mod: START, MID, END, APPROX, LESS_THAN ...
    sense: Sense | None = None
    tense: Tense | None = None         # tense guessed for the clause around the expression
    reference: Timex | None = None     # the discourse reference of an anaphoric expression
    rule: str = ""


class Point(NamedTuple):
    """A calendar period: its first day and its granularity (plus a time of day)."""

    first: dt.date
    gran: str
    part: str | None = None


class Reading(NamedTuple):
    """What a rule read from its match: the TimeML type, the meaning and a TimeML mod."""

    type: str
    sense: Sense
    mod: str | None = None


# reads a rule's match (in the whole text) into a Reading; None rejects the match
Builder = Callable[[re.Match[str], str], "Reading | None"]
