"""Rule-based English time tagger (TimeML TIMEX3), in the spirit of HeidelTime.

`tag(text, dct)` finds time expressions with TempEval-3 (TimeML TIMEX3) extents and gives
each a TimeML type (DATE, TIME, DURATION, SET) and value, resolved against the document
creation time `dct` and, for anaphoric expressions ("the following day", "that year", "two
days later"), against the latest date mentioned before them that is fine enough for them
(the discourse reference; the `dct` when there is none). Without a `dct`, expressions
relative to it keep X placeholders (`XXXX-WXX-4`, `XXXX-08`); nothing is guessed. Extents
follow TimeML: determiners and modifiers such as "the", "about", "early" are in, a possessive
"'s", prepositions and "earlier"/"later" are out ("earlier this month" is "this month"; the
span `resolve` gives still stops at the anchor). Where the text leaves the year or week
open, `tag` places the expression by the tense it guesses from the nearest tense cue in the
sentence ("said", "will", "-ed"); a dated day within 90 days of the `dct` keeps its year.

`resolve(timex, anchor, tense)` turns an expression into the calendar span it names as an
event date, relative to `anchor` (the time of the statement, chosen by the caller) and the
tense of the clause. Choices made where English is open:

- A weekday or a month without a year is placed by tense: in a past-tense clause the latest
  such day (month) on or before the anchor, in a future-tense clause the first one on or
  after it. The anchor's own day counts in both directions: news style names the day of
  publication by its weekday ("the Senate will vote Tuesday" in a Tuesday paper is that
  Tuesday). "last Friday" / "next Friday" exclude the anchor's day. `tense` None means the
  tense `tag` guessed; when that is unknown too, the nearest occurrence wins (a weekday:
  the latest on or before the anchor).
- "earlier this month" runs from the month's first day to the anchor, "later this year"
  from the anchor to the year's end; the precision stays the unit's.
- Durations and sets name no date: `resolve` gives None, except "within two weeks" and
  "the next three days", which span anchor .. anchor + N units (precision "range").
- PRESENT_REF, PAST_REF and FUTURE_REF give None.

How it works: the rules are regular expressions in `data/timex_rules.toml`, compiled once
with fragments built from the word lists of `data/timex.toml`; each has a builder here that
reads its match into a `Sense`, the structured meaning. One scan of the text finds trigger
words (a month, a weekday, a unit, "now", a year ...); each rule is tried only at the few
word starts just before a trigger that can begin it, so time costs grow with the number of
time expressions, not with the length of the text. Candidates are reduced to the longest
non-overlapping ones, widened by modifiers ("early", "the end of"), and resolved left to
right so that anaphoric expressions see the latest date before them.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
import re._constants as sre
import re._parser as sre_parse
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, NamedTuple

from .model import TimeSpan

Tense = Literal["past", "present", "future"]
Kind = Literal["calendar", "relative", "ref", "duration", "set"]
Base = Literal["dct", "ref"]
Pick = Literal["tense", "last", "next", "this"]

# calendar units, coarse to fine; "weekend" sits with "week"
GRANULARITIES: tuple[str, ...] = (
    "century", "decade", "year", "half", "quarter", "season", "month", "week", "weekend", "day",
)
_RANK = {name: rank for rank, name in enumerate(GRANULARITIES)}
_RANK["weekend"] = _RANK["week"]
_PRECISION = {"half": "range", "century": "range", "weekend": "range"}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_SEASON_OF_MONTH = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}
_MONTHS_IN = {"day": 0, "week": 0, "weekend": 0, "month": 1, "quarter": 3, "season": 3, "half": 6,
              "year": 12, "decade": 120, "century": 1200}


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


# --- vocabulary --------------------------------------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    months: dict[str, int]
    ambiguous_months: frozenset[str]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    ordinals: dict[str, int]
    units: dict[str, tuple[str, int, bool]]
    seasons: dict[str, str]
    parts: dict[str, str]
    frequencies: dict[str, str]
    references: dict[str, str]
    holidays: dict[str, str]
    vague: tuple[str, ...]
    future_cues: frozenset[str]
    past_cues: frozenset[str]
    not_past: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The word lists of data/timex.toml."""
    raw: dict[str, Any] = tomllib.loads(
        resources.files("storyline.data").joinpath("timex.toml").read_text("utf-8"))
    return Vocabulary(
        months={**raw["months"], **raw["month_abbreviations"]},
        ambiguous_months=frozenset(raw["ambiguous_months"]["words"]),
        weekdays={**raw["weekdays"], **raw["weekday_abbreviations"]},
        numbers=dict(raw["numbers"]), ordinals=dict(raw["ordinals"]),
        units={key: (v[0], int(v[1]), bool(v[2])) for key, v in raw["units"].items()},
        seasons=dict(raw["seasons"]), parts=dict(raw["parts_of_day"]),
        frequencies=dict(raw["frequencies"]), references=dict(raw["references"]),
        holidays=dict(raw["holidays"]), vague=tuple(raw["vague_numbers"]["words"]),
        future_cues=frozenset(raw["tense"]["future"]), past_cues=frozenset(raw["tense"]["past"]),
        not_past=frozenset(raw["tense"]["not_past"]),
    )


# --- regular expressions -----------------------------------------------------------------

def _alternation(words: Iterable[str]) -> str:
    """Words as a regex alternation, longest first; a space matches any run of space."""
    forms = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in forms)


def _cased(words: list[str]) -> str:
    """Capitalised or upper-case forms only, whatever the pattern's flags."""
    return "(?-i:" + _alternation([w.title() for w in words] + [w.upper() for w in words]) + ")"


@lru_cache(maxsize=1)
def _fragments() -> dict[str, str]:
    v = vocabulary()
    full = [w for w, n in v.months.items() if len(w) > 4 or w in ("june", "july")]
    plain = [w for w in full if w not in v.ambiguous_months]
    abbreviations = [w for w in v.months if w not in full and w not in v.ambiguous_months]
    month = (f"(?:{_alternation(plain)}|{_cased(sorted(v.ambiguous_months))}"
             f"|{_cased(abbreviations)}(?:\\.|(?=\\s*\\d)))")
    weekdays = [w for w in v.weekdays if len(w) > 5]
    weekday = f"(?:{_alternation(weekdays)}|{_cased([w for w in v.weekdays if len(w) <= 5])}\\.)"
    atoms = _alternation([w for w in v.numbers if " " not in w and w not in ("a", "an", "single")]
                         + ["thousand"])
    # bounded: "one hundred and twenty-five thousand three hundred" is 7 words; an unbounded
    # repeat rescanned a run of number words from each of its words (quadratic)
    numwords = f"(?:{atoms})(?:[\\s-]+(?:and[\\s-]+)?(?:{atoms})){{0,9}}"
    number = (r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?:a\s+)?couple\s+of|a\s+dozen|half\s+a\s+dozen"
              f"|{numwords}|an?|single)")
    units = r"(?:millenni(?:um|a)|centur(?:y|ies)|decades?|years?|months?|quarters?|fortnights?|weeks?|days?|hours?|minutes?|seconds?)"
    return {
        "MONTH": month, "WEEKDAY": weekday, "NUM": number, "NUMWORDS": numwords, "UNIT": units,
        "DAY": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|[.,:/]\d|\s*(?:%|percent|per\s+cent|million|billion))",
        "YEAR": r"(?<![\d,.$£€])(?:1\d|20)\d\d(?!\d|[.,]\d)",
        "VAGUE": f"(?:{_alternation(v.vague)})",
        "PART": _alternation([p for p in v.parts if p != "overnight"]),
        "SEASON": _alternation(v.seasons),
        "ORD": _alternation(v.ordinals),
        "HOLIDAY": _alternation(v.holidays),
        "FREQ": _alternation(v.frequencies),
        "REF": _alternation(v.references),
        "DMOD": (r"(?:about|around|approximately|roughly|nearly|almost|more\s+than|less\s+than|fewer\s+than"
                 r"|over(?!\s+the\b)|under(?!\s+the\b)|at\s+least|at\s+most|up\s+to|no\s+more\s+than|no\s+less\s+than|not\s+more\s+than"
                 r"|just|only|some|barely|exactly|within|upwards\s+of|close\s+to|well\s+over|just\s+over"
                 r"|just\s+under|an\s+estimated)"),
    }


def _compile(pattern: str) -> re.Pattern[str]:
    fragments = _fragments()
    expanded = re.sub(r"%([A-Z]+)%", lambda m: fragments[m.group(1)], pattern)
    return re.compile(expanded, re.IGNORECASE)


# --- reading a match ---------------------------------------------------------------------

class Reading(NamedTuple):
    """What a rule read from its match: the TimeML type, the meaning and a TimeML mod."""

    type: str
    sense: Sense
    mod: str | None = None


Builder = Callable[[re.Match[str], str], "Reading | None"]

_PICKS: dict[str, Pick] = {"last": "last", "past": "last", "next": "next", "coming": "next",
                           "this": "this", "the coming": "next", "the past": "last",
                           "the previous": "last", "the following": "next", "the next": "next"}
_YEAR_SHIFT = {"last": -1, "this": 0, "next": 1}
_MONTH_CONTEXT = frozenset({
    "in", "since", "until", "till", "by", "of", "from", "to", "through", "during", "before", "after",
    "early", "late", "mid", "last", "next", "this", "end", "beginning", "and", "or", "between",
    "for", "on", "around", "about", "each", "every", "start", "middle", "throughout", "into"})
_SEASON_CONTEXT = _MONTH_CONTEXT - {"and", "or", "of", "to", "for", "on"} | {"over"}
_APPROX = {"about", "around", "approximately", "roughly", "some", "close to", "an estimated"}
_LESS = {"nearly", "almost", "under", "less than", "fewer than", "just under", "barely", "within"}
_AT_MOST = {"at most", "up to", "no more than", "not more than"}
_MORE = {"more than", "over", "well over", "just over", "upwards of"}
_AT_LEAST = {"at least", "no less than"}
_NEWSPAPERS = re.compile(r"\s+(?:Times|Telegraph|Express|Mirror|Herald|Post|Independent|Mail|Star|Sport)\b")
_RATE_BEFORE = re.compile(
    r"(?:\d|%|percent|cents?|dollars?|euros?|pounds?|million|billion|trillion|once|twice|times|thrice"
    r"|barrels|tons|tonnes|hours|miles)\s*$", re.IGNORECASE)


def _words(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _previous_word(text: str, pos: int) -> str:
    """The word just before `pos` (only spaces or hyphens between), lower-cased; "" if none."""
    head = text[max(0, pos - 24):pos].rstrip(" \t\n-")
    if not head or not head[-1].isalpha():
        return ""
    word = head.replace("-", " ").split()[-1]
    at = len(word)
    while at and word[at - 1].isascii() and word[at - 1].isalpha():
        at -= 1
    return word[at:].lower()


def _month(word: str | None) -> int | None:
    return vocabulary().months.get(word.lower().rstrip(".")) if word else None


def _weekday(word: str | None) -> int | None:
    return vocabulary().weekdays.get(word.lower().rstrip(".")) if word else None


def _day(word: str | None) -> int | None:
    return int(re.sub(r"\D", "", word)) if word else None


@lru_cache(maxsize=1024)
def number(text: str) -> int | None:
    """A count written in digits or words ("twenty-four", "a couple of"); None if not one."""
    words = _words(text).replace(",", "")
    numbers = vocabulary().numbers
    if words.isdigit():
        return int(words)
    if words in numbers:
        return numbers[words]
    total = current = 0
    for word in re.split(r"[\s-]+", words):
        if word == "and":
            continue
        if word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        elif word in numbers and word not in ("a", "an"):
            current += numbers[word]
        else:
            return None
    return total + current


@lru_cache(maxsize=1024)
def _amount(text: str, half: str | None) -> float | None:
    """A count that may be a decimal or have "and a half"."""
    words = _words(text)
    value: float | None = float(words) if re.fullmatch(r"\d+\.\d+", words) else number(words)
    return None if value is None else value + (0.5 if half else 0)


@lru_cache(maxsize=256)
def _unit(word: str) -> str:
    word = word.lower()
    return {"centuries": "century", "millennia": "millennium"}.get(word, word.rstrip("s"))


@lru_cache(maxsize=1024)
def duration_value(count: float | None, unit: str) -> str:
    """TimeML value of `count` `unit`s: P2W, PT5H, P2Y6M; PXY when the count is unknown."""
    letter, times, clock = vocabulary().units[unit]
    prefix = "PT" if clock else "P"
    if count is None:
        return f"{prefix}X{'DE' if unit == 'decade' else 'CE' if unit == 'century' else letter}"
    total = count * times
    if total != int(total):
        smaller = {("Y", False): (12, "M", False), ("W", False): (7, "D", False),
                   ("D", False): (24, "H", True), ("H", True): (60, "M", True),
                   ("M", True): (60, "S", True)}.get((letter, clock))
        if smaller and total * smaller[0] == int(total * smaller[0]):
            whole, rest = int(total), round((total - int(total)) * smaller[0])
            if smaller[2] and not clock:
                return f"P{whole}{letter}T{rest}{smaller[1]}" if whole else f"PT{rest}{smaller[1]}"
            return f"{prefix}{whole}{letter}{rest}{smaller[1]}" if whole else f"{prefix}{rest}{smaller[1]}"
        return f"{prefix}{total:g}{letter}"
    return f"{prefix}{int(total)}{letter}"


_MODS = {**{w: "APPROX" for w in _APPROX}, **{w: "LESS_THAN" for w in _LESS},
         **{w: "EQUAL_OR_LESS" for w in _AT_MOST}, **{w: "MORE_THAN" for w in _MORE},
         **{w: "EQUAL_OR_MORE" for w in _AT_LEAST}}


def _mod(word: str | None) -> str | None:
    """The TimeML mod of a duration's modifier ("nearly": LESS_THAN)."""
    return _MODS.get(_words(word)) if word else None


def _build_iso(m: re.Match[str], text: str) -> Reading | None:
    if m["y"]:
        part = f"{m['t']}:{m['mi']}" if m["t"] else None
        sense = Sense("calendar", year=int(m["y"]), month=int(m["m"]), day=int(m["d"]), part=part)
        return Reading("TIME" if part else "DATE", sense)
    year = int(m["us_y"])
    year = year if year > 999 else year + (2000 if year < 50 else 1900)
    return Reading("DATE", Sense("calendar", year=year, month=int(m["us_m"]), day=int(m["us_d"])))


def _build_date(m: re.Match[str], text: str) -> Reading | None:
    name = m["month"] or m["month2"]
    month, day = _month(name), _day(m["day"] or m["day2"])
    year = int(m["year"] or m["year2"] or 0) or None
    if month is None:
        return None
    loose = day is None and year is None and not m["dir"] and not m["ys"]
    if loose and name.lower() in vocabulary().ambiguous_months:
        if _previous_word(text, m.start()) not in _MONTH_CONTEXT:
            return None
    if loose and m["wd"]:
        return None
    sense = Sense("calendar", year=year, year_shift=_YEAR_SHIFT.get((m["ys"] or "").lower()), month=month,
                  day=day, weekday=_weekday(m["wd"]), pick=_PICKS.get((m["dir"] or "").lower(), "tense"))
    return Reading("DATE", sense)


def _build_year(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", Sense("calendar", year=int(m["year"])))


def _build_year_words(m: re.Match[str], text: str) -> Reading | None:
    if m["c"]:
        rest = number(m["y"])
        return Reading("DATE", Sense("calendar", year=1900 + rest)) if rest and 10 <= rest <= 99 else None
    rest = number(m["y2"]) if m["y2"] else 0
    return Reading("DATE", Sense("calendar", year=2000 + rest)) if rest is not None and rest < 100 else None


_DECADE_WORDS = {"twenties": 192, "thirties": 193, "forties": 194, "fifties": 195, "sixties": 196,
                 "seventies": 197, "eighties": 198, "nineties": 199}


def _build_decade(m: re.Match[str], text: str) -> Reading | None:
    if m["c"]:
        decade = int(m["c"]) * 10 + int(m["d"])
    elif m["d2"]:
        decade = (200 if m["d2"] in "01" else 190) + int(m["d2"])
    else:
        decade = _DECADE_WORDS[m["dw"].lower()]
    return Reading("DATE", Sense("calendar", decade=decade))


def _build_century(m: re.Match[str], text: str) -> Reading | None:
    word = m["ord"].lower()
    count = int(re.sub(r"\D", "", word)) if word[0].isdigit() else vocabulary().ordinals.get(word, 0)
    return Reading("DATE", Sense("calendar", century=count - 1)) if 1 <= count <= 21 else None


def _build_weekday(m: re.Match[str], text: str) -> Reading | None:
    weekday = _weekday(m["wd"])
    if weekday is None or _NEWSPAPERS.match(text, m.end("wd")):
        return None
    part = vocabulary().parts[m["part"].lower()] if m["part"] else None
    direction = _words(m["dir"] or "")
    if m["pl"] or m["ppl"] or direction in ("every", "each"):
        return Reading("SET", Sense("set", literal=f"XXXX-WXX-{weekday}" + (f"T{part}" if part else "")))
    sense = Sense("calendar", weekday=weekday, part=part, pick=_PICKS.get(direction, "tense"))
    return Reading("TIME" if part else "DATE", sense)


_RELDAY = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "the day before yesterday": -2,
           "the day after tomorrow": 2}


def _build_relday(m: re.Match[str], text: str) -> Reading | None:
    word = _words(m["w"])
    part = vocabulary().parts[m["part"].lower()] if m["part"] else ("NI" if word == "tonight" else None)
    sense = Sense("relative", unit="day", shift=_RELDAY[word], part=part)
    return Reading("TIME" if part else "DATE", sense)


_ZERO = frozenset({"this", "current", "the current", "the present", "that", "that same", "the same",
                   "the very same"})
_MINUS = frozenset({"last", "past", "previous", "the past", "the last", "the previous", "the latest",
                    "the most recent", "the prior", "the preceding", "this past"})
_REF_DETS = frozenset({"that", "that same", "the same", "the very same", "the previous", "the prior",
                       "the preceding", "the following", "the ensuing"})


def _build_relunit(m: re.Match[str], text: str) -> Reading | None:
    det, unit = _words(m["det"]), m["unit"].lower()
    shift = 0 if det in _ZERO else -1 if det in _MINUS else 1
    base: Base = "ref" if det in _REF_DETS or (det == "the next" and unit in ("day", *vocabulary().parts)) else "dct"
    v = vocabulary()
    if unit in v.parts:
        return Reading("TIME", Sense("relative", unit="day", shift=shift, base=base, part=v.parts[unit]))
    if unit in v.seasons:
        pick: Pick = "tense" if base == "ref" else ("last", "this", "next")[shift + 1]
        return Reading("DATE", Sense("calendar", season=v.seasons[unit], pick=pick))
    if unit == "day" and base != "ref":
        return None
    if unit == "period":
        if det not in ("the latest", "the most recent", "the current", "this"):
            return None
        unit = "quarter"
    return Reading("DATE", Sense("relative", unit=unit, shift=shift, base=base))


_EDGE_MOD = {"end": "END", "close": "END", "rest": "END", "remainder": "END", "second half": "END",
             "beginning": "START", "start": "START", "turn": "START", "first half": "START", "middle": "MID"}


def _build_edge(m: re.Match[str], text: str) -> Reading | None:
    unit = (m["unit"] or m["unit2"] or m["unit3"]).lower()
    mod = _EDGE_MOD.get(_words(m["edge"] or ""), "END")
    return Reading("DATE", Sense("relative", unit=unit, shift=0), mod)


def _build_week_of(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", _day_sense(m["date"])._replace(unit=m["unit"].lower()))


def _build_the_year(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", Sense("relative", unit="year", shift=0))


def _build_weekend(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", Sense("calendar", unit="weekend"))


_AGO_SIGN = {"ago": -1, "earlier": -1, "back": -1, "before": -1, "later": 1, "hence": 1, "from now": 1,
             "from today": 1, "after": 1}
_CALENDAR_STEP = {"fortnight": ("week", 2), "decade": ("year", 10), "century": ("year", 100),
                  "millennium": ("year", 1000)}


def _build_ago(m: re.Match[str], text: str) -> Reading | None:
    direction = _words(m["dir"])
    if direction in ("before", "after") and not re.match(r"\s*(?:[.,;:)]|$)", text[m.end():m.end() + 2]):
        return None
    sign = _AGO_SIGN[direction]
    base: Base = "ref" if direction in ("earlier", "later", "before", "after") else "dct"
    count = _amount(m["num"], m["half"]) if m["num"] else None
    if count is None:
        return Reading("DATE", Sense("ref", literal="PAST_REF" if sign < 0 else "FUTURE_REF"))
    unit = _unit(m["unit"])
    if unit in ("hour", "minute", "second"):
        return None
    gran, times = _CALENDAR_STEP.get(unit, (unit, 1))
    if count != int(count):
        gran, times, count = ("month", 12, count) if gran == "year" else (gran, 1, round(count))
    sense = Sense("relative", unit=gran, shift=sign * int(count * times), base=base,
                  same_period=gran == "year")
    return Reading("DATE", sense, _mod(m["mod"]))


_FORWARD = ("next", "coming", "upcoming")


def _build_duration(m: re.Match[str], text: str) -> Reading | None:
    unit, said = _unit(m["unit"]), _words(m["num"])
    if said in ("a", "an", "single") and unit in ("second", "quarter"):
        return None
    if (m["suffix"] or "").lower() == "-old" or (m["unit"].lower() == "quarters" and "-" in m.group(0)):
        return None
    count = _amount(m["num"], m["half"])
    if count is None:
        return None
    letter, times, clock = vocabulary().units[unit]
    if said in ("a", "an") and not m["mod"] and not m["ctx"] and _RATE_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return Reading("SET", Sense("set", literal=f"{'PT' if clock else 'P'}{times}{letter}"))
    ctx, mod = _words(m["ctx"] or ""), _words(m["mod"] or "")
    forward = mod == "within" or any(ctx.endswith(word) for word in _FORWARD)
    sense = Sense("duration", literal=duration_value(count, unit), unit=unit,
                  amount=int(count) if count == int(count) else None, forward=forward)
    return Reading("DURATION", sense, _mod(mod))


_HALF_UNIT = {"hour": "PT30M", "day": "PT12H", "year": "P6M", "century": "P50Y", "decade": "P5Y"}


def _build_half_unit(m: re.Match[str], text: str) -> Reading | None:
    unit = (m["unit"] or m["unit2"]).lower()
    return Reading("DURATION", Sense("duration", literal=_HALF_UNIT[unit]), _mod(m["mod"]))


def _build_vague_duration(m: re.Match[str], text: str) -> Reading | None:
    unit, ctx = _unit(m["unit"]), _words(m["ctx"] or "")
    forward = any(word in ctx for word in _FORWARD)
    sense = Sense("duration", literal=duration_value(None, unit), unit=unit, forward=forward)
    return Reading("DURATION", sense, _mod(m["mod"]))


def _build_same_period(m: re.Match[str], text: str) -> Reading | None:
    year = m["y"] or m["y2"]
    if year:
        return Reading("DATE", Sense("calendar", year=int(year), same_period=True))
    said = _words(m.group(0))
    back = bool(m["bare"] or m["back"]) or any(w in said for w in ("year-", "prior-year", "previous-year"))
    return Reading("DATE", Sense("relative", unit="year", shift=-1 if back else 0, base="ref", same_period=True))


_ORDINAL_QUARTER = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
                    "4th": 4, "final": 4, "last": 4, "latter": 4}


def _build_quarter(m: re.Match[str], text: str) -> Reading | None:
    said = m["ord"].lower()
    which = _ORDINAL_QUARTER[said]
    if m["h"] and which == 4:
        which = 2
    if (m["h"] and which > 2) or (m["q"] and said in ("last", "latter")):
        return None
    year = m["y1"] or m["y2"] or m["y3"]
    shift = _YEAR_SHIFT.get((m["ys"] or m["ys2"] or m["ys3"] or "").lower())
    if m["back"] and not year:
        shift = -1
    sense = Sense("calendar", year=int(year) if year else None, year_shift=shift)
    return Reading("DATE", sense._replace(half=which) if m["h"] else sense._replace(quarter=which))


def _build_latest_quarter(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", Sense("relative", unit="quarter", shift=-1))


def _build_set(m: re.Match[str], text: str) -> Reading | None:
    v = vocabulary()
    if m["fw"]:
        attributive = _previous_word(text, m.start()) in _DETERMINERS and _next_word(text, m.end()) in _ECONOMIC
        return None if attributive else Reading("SET", Sense("set", literal=v.frequencies[m["fw"].lower()]))
    if m["freq"]:
        letter, times, clock = v.units[_unit(m["unit2"])]
        return Reading("SET", Sense("set", literal=f"{'PT' if clock else 'P'}{times}{letter}"))
    word = m["unit"].lower()
    count = number(m["num"]) if m["num"] else 1
    if _unit(word) in v.units and count:
        return Reading("SET", Sense("set", literal=duration_value(count, _unit(word))))
    if m.group(0).lower().startswith("per"):
        return None
    literal = (f"XXXX-{_month(word):02d}" if _month(word) else f"XXXX-{v.seasons[word]}" if word in v.seasons
               else f"XXXX-XX-XXT{v.parts[word]}" if word in v.parts else "XXXX-WXX-WE" if word == "weekend"
               else "P1D")
    return Reading("SET", Sense("set", literal=literal))


_NEXT_WORD = re.compile(r"[\s,]*([A-Za-z]+)")
_ECONOMIC = frozenset({"dividend", "dividends", "results", "report", "reports", "earnings", "loss", "losses",
                       "profit", "profits", "payment", "payments", "volume", "sales", "revenue", "figures",
                       "statement", "statements", "rate", "rates", "meeting", "meetings", "output"})
_DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "our", "your", "average", "first",
                          "initial", "regular", "usual", "this", "that"})


def _next_word(text: str, pos: int) -> str:
    found = _NEXT_WORD.match(text, pos, pos + 30)
    return found.group(1) if found else ""


def _build_ref(m: re.Match[str], text: str) -> Reading | None:
    said = _words(m["w"])
    before, after = _previous_word(text, m.start()), _next_word(text, m.end())
    if said == "soon" and (before == "as" or after in ("after", "as")):
        return None
    if said in ("previously", "formerly") and re.fullmatch(r"[a-z]+(?:ed|en)|said", after):
        return None
    if said in ("the moment", "the present") and before not in ("at", "for", "until", "to"):
        return None
    return Reading("DATE", Sense("ref", literal=vocabulary().references[said]))


def _clock(m: re.Match[str]) -> str | None:
    if m["h"]:
        twelve, minute = int(m["h"]) % 12, int(m["mi"] or 0)
        return f"{twelve + (12 if m['ap'].lower().startswith('p') else 0):02d}:{minute:02d}"
    if m["h24"]:
        return f"{int(m['h24']):02d}:{m['mi24']}"
    if m["noon"]:
        return "24:00" if m["noon"].lower() == "midnight" else "12:00"
    hour = number(m["hw"])
    if hour is None or not 1 <= hour <= 12:
        return None
    return f"{hour % 12 + (0 if m['tp'].lower() == 'morning' else 12):02d}:00"


def _day_sense(said: str) -> Sense:
    word = _words(said)
    if word in _RELDAY:
        return Sense("relative", unit="day", shift=_RELDAY[word])
    weekday = _weekday(word)
    if weekday:
        return Sense("calendar", weekday=weekday)
    tokens = re.findall(r"[A-Za-z]+|\d+", said)
    year = next((int(t) for t in tokens if len(t) == 4 and t.isdigit()), None)
    day = next((int(t) for t in tokens if t.isdigit() and len(t) <= 2), None)
    return Sense("calendar", year=year, month=_month(tokens[0]), day=day)


def _build_time(m: re.Match[str], text: str) -> Reading | None:
    clock = _clock(m)
    if clock is None:
        return None
    said = m["day1"] or m["day2"]
    base = _day_sense(said) if said else Sense("relative", unit="day", shift=0)
    return Reading("TIME", base._replace(part=clock))


def _build_holiday(m: re.Match[str], text: str) -> Reading | None:
    sense = Sense("calendar", holiday=_words(m["h"]), year=int(m["year"]) if m["year"] else None,
                  pick=_PICKS.get((m["dir"] or "").lower(), "tense"))
    return Reading("DATE", sense)


def _build_season(m: re.Match[str], text: str) -> Reading | None:
    word, year = (m["season"] or m["season2"]).lower(), m["year"] or m["year2"]
    direction = _words(m["dir"] or "")
    if not year and direction in ("", "the", "early", "late", "mid"):
        start = m.start("dir") if direction == "the" else m.start()
        if _previous_word(text, start) not in _SEASON_CONTEXT and direction not in ("early", "late", "mid"):
            return None
    mod = {"early": "START", "late": "END", "mid": "MID"}.get(direction)
    sense = Sense("calendar", season=vocabulary().seasons[word], year=int(year) if year else None,
                  pick=_PICKS.get(direction, "tense"))
    return Reading("DATE", sense, mod)


_BUILDERS: dict[str, Builder] = {
    "iso": _build_iso, "date": _build_date, "year": _build_year, "year_words": _build_year_words,
    "decade": _build_decade, "century": _build_century, "weekday": _build_weekday,
    "relday": _build_relday, "relunit": _build_relunit, "edge": _build_edge, "weekend": _build_weekend, "week_of": _build_week_of, "the_year": _build_the_year,
    "ago": _build_ago, "duration": _build_duration, "half_unit": _build_half_unit,
    "vague_duration": _build_vague_duration, "same_period": _build_same_period,
    "quarter": _build_quarter, "latest_quarter": _build_latest_quarter, "set": _build_set,
    "ref": _build_ref, "time": _build_time, "holiday": _build_holiday, "season": _build_season,
}


# --- finding candidates ------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    build: Builder
    priority: int
    reach: int                         # how many words a match may start before its trigger
    starts: tuple[str, ...] | None     # how a match can begin (first letters), None: anyhow
    needs: frozenset[str]              # words one of which must be near the trigger ("#": a number)
    needs_after: frozenset[str]        # words one of which must come right after the trigger
    needs_chars: tuple[str, ...]       # characters one of which must be just around the trigger


class Candidate(NamedTuple):
    start: int
    end: int
    reading: Reading
    rule: Rule


@lru_cache(maxsize=1)
def rules() -> dict[str, Rule]:
    """The rules of data/timex_rules.toml, compiled, by name (in priority order)."""
    raw: dict[str, Any] = tomllib.loads(
        resources.files("storyline.data").joinpath("timex_rules.toml").read_text("utf-8"))
    return {item["name"]: _rule(item, rank) for rank, item in enumerate(raw["rule"])}


def _rule(item: dict[str, Any], rank: int) -> Rule:
    pattern = _compile("".join(item["pattern"]))
    v = vocabulary()
    lists = {"@numbers": list(v.numbers), "@frequencies": list(v.frequencies)}
    needs = frozenset(word for entry in item.get("needs", ()) for word in lists.get(entry, [entry]))
    return Rule(item["name"], pattern, _BUILDERS[item["name"]], rank, int(item["reach"]),
                first_letters(pattern), needs, frozenset(item.get("needs_after", ())),
                tuple(item.get("needs_chars", ())))


def first_letters(pattern: re.Pattern[str], size: int = 6) -> tuple[str, ...] | None:
    """How a match of `pattern` can begin, read off the parsed pattern: up to `size`
    lower-case letters ("0" for a digit), with a space after a word that ends there ("a "
    is the word "a", "jan" any word so beginning); None when it could begin otherwise.

    It only saves match attempts: if the (private) parser of `re` changes shape, the answer
    is None and every position is tried, with the same results.
    """
    try:
        found = _firsts(list(sre_parse.parse(pattern.pattern, pattern.flags)), size, False)
    except (AttributeError, TypeError, ValueError, IndexError):
        return None
    return None if "" in found else tuple(sorted(found))


def _firsts(items: list[Any], size: int, inner: bool) -> set[str]:
    if not items:
        return {" " if inner else ""}
    if size == 0:
        return {""}
    op, arg = items[0]
    rest = items[1:]
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return _firsts(rest, size, inner)
    if op is sre.LITERAL:
        char = chr(arg).lower()
        if char.isalpha():
            return {char + tail for tail in _firsts(rest, size - 1, True)}
        return {"0" if char.isdigit() else " " if inner else ""}
    if op is sre.IN:
        return _class_firsts(arg, inner)
    if op is sre.BRANCH:
        return set().union(*(_firsts(list(branch) + rest, size, inner) for branch in arg[1]))
    if op is sre.SUBPATTERN:
        return _firsts(list(arg[3]) + rest, size, inner)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, body = arg
        once = _firsts(list(body) + rest, size, inner) if high == 1 else _firsts(list(body), size, inner)
        return once | _firsts(rest, size, inner) if low == 0 else once
    return {""}


def _class_firsts(items: list[Any], inner: bool) -> set[str]:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            chars.add(chr(arg))
        elif op is sre.RANGE and arg[1] - arg[0] < 30:
            chars.update(chr(code) for code in range(arg[0], arg[1] + 1))
        elif op is sre.CATEGORY and arg is sre.CATEGORY_DIGIT:
            chars.add("0")
        elif op is sre.CATEGORY and arg is sre.CATEGORY_SPACE and inner:
            chars.add(" ")
        else:
            return {""}
    if all(char.isalnum() for char in chars):
        return {"0" if char.isdigit() else char.lower() for char in chars}
    return {" "} if inner and not any(char.isalnum() for char in chars) else {""}


# --- triggers: the words without which no rule can match -----------------------------------

_CLOCK = re.compile(r"(?<!\d)\d{1,2}:[0-5]\d(?!\d)")   # matched only where a colon is
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~’‘“”—–\u00a0\n\t\r\f\v"
# the lower-cased text with punctuation made spaces and digits zeros: "1990s" is "0000s"
_WORDS_ONLY = str.maketrans({**{c: " " for c in _PUNCTUATION}, **{c: "0" for c in "123456789"}})

class _Trigger(NamedTuple):
    rules: tuple[Rule, ...]
    reach: int                         # the largest reach of its rules
    needs: dict[str, frozenset[str]]   # rule -> words one of which must be near (Rule.needs)
    pre_checked: bool                  # whether some rule has needs to check before it is tried
    check: str | None = None           # "upper": capitalised only ("May"); "digit": after a number


@lru_cache(maxsize=1)
def _trigger_table() -> dict[str, _Trigger]:
    """Trigger word -> the rules it can start (a phrase of the vocabulary triggers by its last word)."""
    v = vocabulary()
    table: dict[str, set[str]] = {}

    phrases: dict[tuple[str, str], set[str]] = {}   # (trigger word, rule) -> other words of its phrases

    def add(words: Any, *names: str, exact: bool = False) -> None:
        for phrase in words:
            tokens = [phrase] if exact else phrase.lower().translate(_WORDS_ONLY).split()
            table.setdefault(tokens[-1], set()).update(names)
            for name in names:
                phrases.setdefault((tokens[-1], name), set()).update(tokens[:-1] or [""])

    units = list(v.units) + ["centuries", "millennia"]
    plural = [u + "s" for u in v.units if not u.startswith(("centur", "millenni"))] + ["centuries", "millennia"]
    calendar_units = ("year", "month", "week", "weekend", "quarter", "decade", "century", "day", "half", "period")
    add(units + plural, "duration", "ago", "set")
    add(plural, "vague_duration")
    add(calendar_units, "relunit")
    add(("year", "month", "week", "quarter", "decade", "century"), "edge")
    add(("quarter", "quarters", "half"), "quarter")
    add(("quarter", "period", "half", "year"), "same_period")
    add(("half",), "half_unit")
    add(("quarter",), "latest_quarter")
    add(("weekend",), "weekend")
    add(("year",), "the_year")
    add(("century",), "century")
    add(v.months, "date", "week_of", "set")
    add(v.weekdays, "weekday")
    add([w + "s" for w in v.weekdays if len(w) > 5], "weekday")
    add(v.parts, "relunit", "relday", "weekday", "set", "time")
    add(v.seasons, "season", "relunit", "set")
    add(_RELDAY, "relday")
    add(("noon", "midnight", "midday", "clock"), "time")
    add(v.references, "ref")
    add(v.frequencies, "set")
    add(v.holidays, "holiday")
    add(_DECADE_WORDS, "decade")
    add(("nineteen", "thousand"), "year_words")
    add(("0000",), "iso", "year")
    add(("0000s", "00s"), "decade")
    add(("a m", "p m", "am", "pm", "0:00"), "time", exact=True)
    compiled = rules()
    cased = {w for w in [*v.months, *v.weekdays] if len(w) <= 5 or w in v.ambiguous_months}
    after_digit = {"a m", "p m", "am", "pm"}
    return {word: _trigger(tuple(rule for name, rule in compiled.items() if name in names), phrases, word,
                           "upper" if word in cased else "digit" if word in after_digit else None)
            for word, names in table.items()}


def _trigger(found: tuple[Rule, ...], phrases: dict[tuple[str, str], set[str]], word: str,
             check: str | None) -> _Trigger:
    needs = {rule.name: rule.needs for rule in found if rule.needs}
    for rule in found:
        others = phrases.get((word, rule.name), {""})
        if rule.name in ("ref", "holiday") and "" not in others:
            needs[rule.name] = frozenset(others)
    pre_checked = bool(needs) or any(rule.needs_after or rule.needs_chars for rule in found)
    return _Trigger(found, max(rule.reach for rule in found), needs, pre_checked, check)


def _trie(words: list[str]) -> str:
    """A regex alternation of words factored by common prefixes (fast to scan)."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(tree)


def _trie_node(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _trie_node(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


@lru_cache(maxsize=1)
def _trigger_pattern() -> re.Pattern[str]:
    """Trigger words between spaces, in a text whose non-letters are all spaces."""
    return re.compile(" (" + _trie(sorted(_trigger_table())) + ")(?= )")


def words_only(text: str) -> str:
    """The text lower-cased, punctuation made spaces, digits zeros, other characters "?" or
    spaces: same length, so offsets carry over; ASCII, so translating is fast."""
    return text.encode("ascii", "replace").decode("ascii").lower().translate(_WORDS_ONLY)


def _triggers(text: str, words: str) -> Iterator[tuple[int, int, str]]:
    """Where trigger words are (`words`: see _WORDS_ONLY), with their keys in the trigger table."""
    for found in _trigger_pattern().finditer(" " + words + " "):
        yield found.start(), found.end() - 1, found.group(1)
    colon = text.find(":")
    while colon >= 0:
        clock = _CLOCK.match(text, max(0, colon - 2)) or _CLOCK.match(text, max(0, colon - 1))
        if clock is not None:
            yield clock.start(), clock.end(), "0:00"
        colon = text.find(":", colon + 1)


@lru_cache(maxsize=16384)
def _rules_at(key: str, word: str, back: int) -> tuple[Rule, ...]:
    """The rules of trigger `key` that can start at `word`, `back` words before the trigger."""
    trigger = _trigger_table()[key]
    probe = word + " "
    return tuple(rule for rule in trigger.rules
                 if rule.reach >= back and (rule.starts is None or probe.startswith(rule.starts)))


def _word_starts(words: str, pos: int, word: str, count: int) -> list[tuple[int, str]]:
    """The starts of up to `count` words before `pos`, then `pos` (where `word` is), with
    their words, nearest first. In `words` (see _WORDS_ONLY) a word is a run of letters or
    digits ("year's" is two)."""
    floor = max(0, pos - 10 * count)
    window = words[floor:pos]
    found: list[tuple[int, str]] = [(pos, word)]
    end = len(window)
    for token in window.split()[:-count - 1:-1]:
        end = window.rfind(token, 0, end)
        found.append((floor + end, token))
    return found


def _checked(text: str, start: int, check: str) -> bool:
    if check == "upper":
        return text[start].isupper()
    before = text[max(0, start - 3):start].rstrip()
    return bool(before) and before[-1].isdigit()


def _blocked(text: str, words: str, start: int, end: int, trigger: _Trigger) -> set[str]:
    """The trigger's rules whose needs are not met around it ("#" stands for a number)."""
    window = words[max(0, start - 60):end + 24]
    near = set(window.split())
    if "0" in window:
        near.add("#")
    blocked = {name for name, needed in trigger.needs.items() if near.isdisjoint(needed)}
    following = words[end:end + 16].split()[:2]
    around = text[max(0, start - 6):end + 1]
    for rule in trigger.rules:
        if rule.needs_after and rule.needs_after.isdisjoint(following):
            blocked.add(rule.name)
        if rule.needs_chars and not any(char in around for char in rule.needs_chars):
            blocked.add(rule.name)
    return blocked


def _candidates(text: str) -> Iterator[Candidate]:
    """Every rule's match that covers a trigger word, starting at one of the words before it.

    Per rule, the leftmost accepted match wins; matches are tried once per position.
    """
    tried: dict[tuple[int, str], Candidate | None] = {}
    words = words_only(text)
    table = _trigger_table()
    for start, end, key in _triggers(text, words):
        trigger = table[key]
        if trigger.check is not None and not _checked(text, start, trigger.check):
            continue
        blocked: set[str] | None = None if trigger.pre_checked else set()
        starts = _word_starts(words, start, key, trigger.reach)
        back = len(starts)
        for pos, word in reversed(starts):
            back -= 1
            for rule in _rules_at(key, word, back):
                if blocked is None:
                    blocked = _blocked(text, words, start, end, trigger)
                if rule.name in blocked:
                    continue
                attempt = (pos, rule.name)
                if attempt in tried:
                    found = tried[attempt]
                else:
                    found = tried[attempt] = _try(rule, text, pos)
                    if found is not None:
                        yield found
                if found is not None and found.end > start:
                    blocked.add(rule.name)          # its leftmost match is found


def _try(rule: Rule, text: str, pos: int) -> Candidate | None:
    match = rule.pattern.match(text, pos)
    reading = rule.build(match, text) if match is not None else None
    return Candidate(match.start(), match.end(), reading, rule) if match and reading else None


def _select(candidates: list[Candidate]) -> list[Candidate]:
    """The longest candidates that do not overlap (ties: the rule listed first)."""
    chosen: list[Candidate] = []
    starts: list[int] = []                       # starts of the chosen, sorted; they never overlap
    for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.rule.priority, c.start)):
        at = bisect.bisect_left(starts, cand.start)
        before = chosen[at - 1] if at else None
        after = chosen[at] if at < len(chosen) else None
        if (before is None or before.end <= cand.start) and (after is None or cand.end <= after.start):
            starts.insert(at, cand.start)
            chosen.insert(at, cand)
    return chosen


_LEFT_MODIFIER = re.compile(
    r"\b(?P<mod>(?:the\s+)?(?:early|late|mid)|earlier|later|around|about|approximately|roughly|sometime"
    r"|the\s+(?:very\s+)?(?:end|beginning|start|middle|close|rest|remainder|turn|first\s+half|second\s+half"
    r"|early\s+part|latter\s+part|first\s+part)\s+of)[\s-]+$", re.IGNORECASE)
_MODIFIER_ENDS = frozenset({"early", "late", "mid", "earlier", "later", "around", "about", "approximately",
                            "roughly", "sometime", "of"})
_WIDEN_MOD = {"early": "START", "beginning": "START", "start": "START", "turn": "START", "first": "START",
              "late": "END", "end": "END", "close": "END", "rest": "END", "remainder": "END",
              "second": "END", "latter": "END", "mid": "MID", "middle": "MID", "around": "APPROX",
              "about": "APPROX", "approximately": "APPROX", "roughly": "APPROX"}


def _widen(text: str, cand: Candidate, floor: int) -> Candidate:
    """Take a modifier just before a date into its extent: "early 1990", "the end of this week"."""
    if cand.rule.name == "decade" and cand.start and text[cand.start - 1] in "'’":
        return cand._replace(start=cand.start - 1)
    if cand.reading.type not in ("DATE", "TIME") or cand.reading.sense.kind == "ref":
        return cand
    before = _previous_word(text, cand.start)
    if before not in _MODIFIER_ENDS:
        return cand
    found = _LEFT_MODIFIER.search(text, max(floor, cand.start - 40), cand.start)
    if not found:
        return cand
    words = _words(found["mod"]).split()
    key = next((w for w in words if w in _WIDEN_MOD or w in ("earlier", "later")), "")
    reading = cand.reading
    if key in ("earlier", "later"):   # TimeML leaves them out of the extent; the span keeps them
        sense = reading.sense._replace(clip="before" if key == "earlier" else "after")
        return cand._replace(reading=reading._replace(sense=sense))
    if key:
        reading = reading._replace(mod=_WIDEN_MOD[key])
    return cand._replace(start=found.start(), reading=reading)


# --- tense of the clause -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?;][\"”’)]*\s+(?=[\"“‘(]?[A-Z])|\n")
_STRIP = ".,;:!?\"()[]{}“”‘’'`—–"


@lru_cache(maxsize=8192)
def _cue(token: str) -> Tense | None:
    """The tense a word signals, if any ("will": future, "said" or "-ed": past)."""
    v = vocabulary()
    word = token.lower().replace("’", "'").strip(_STRIP).rsplit("-", 1)[-1]
    if word.endswith("n't"):
        word = word[:-3]
    elif word.endswith("'ll"):
        return "future"
    if word in v.future_cues:
        return "future"
    if word in v.past_cues or (word.endswith("ed") and len(word) > 4 and word not in v.not_past):
        return "past"
    return None


def _sentence_start(text: str, lo: int, start: int) -> int:
    """Where the sentence holding `start` begins, searching no further back than `lo`."""
    for mark in ("\n", ". ", "? ", "! ", "; "):
        at = text.rfind(mark, lo, start)
        while at >= 0 and mark != "\n" and not _SENTENCE_END.match(text, at):
            at = text.rfind(mark, lo, at)
        if at >= 0:
            lo = at + len(mark)
    return lo


def guess_tense(text: str, start: int, end: int) -> Tense | None:
    """The tense of the clause around text[start:end]: the nearest tense cue within the
    sentence (a crude split: punctuation before a capital, newlines), at most 12 words away
    on either side (on a tie, the one before)."""
    lo, hi = _sentence_start(text, max(0, start - 100), start), min(len(text), end + 100)
    stop = _SENTENCE_END.search(text, end, hi)
    hi = stop.start() if stop else hi
    before = text[lo:start].split()[::-1][:12]
    after = text[end:hi].split()[:12]
    for distance in range(12):
        for words in (before, after):
            if distance < len(words) and (tense := _cue(words[distance])) is not None:
                return tense
    return None


# --- calendar arithmetic -----------------------------------------------------------------

def _add_months(first: dt.date, months: int) -> dt.date:
    year, month = divmod(first.month - 1 + months, 12)
    return dt.date(first.year + year, month + 1, 1)


def _floor(day: dt.date, gran: str) -> dt.date:
    if gran == "day":
        return day
    if gran in ("week", "weekend"):
        return day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=5 if gran == "weekend" else 0)
    if gran == "season":
        month = 12 if day.month < 3 else day.month // 3 * 3
        return dt.date(day.year - (day.month < 3), month, 1)
    if gran in ("decade", "century"):
        size = 10 if gran == "decade" else 100
        return dt.date(max(1, day.year // size * size), 1, 1)
    months = _MONTHS_IN[gran]
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


def _step(first: dt.date, gran: str, count: int) -> dt.date:
    if gran == "day":
        return first + dt.timedelta(days=count)
    if gran in ("week", "weekend"):
        return first + dt.timedelta(weeks=count)
    return _add_months(first, _MONTHS_IN[gran] * count)


def _last(point: Point) -> dt.date:
    if point.gran == "day":
        return point.first
    if point.gran == "weekend":
        return point.first + dt.timedelta(days=1)
    return _step(point.first, point.gran, 1) - dt.timedelta(days=1)


def format_point(point: Point) -> str:
    """The TimeML value of a calendar period."""
    first, gran = point.first, point.gran
    if gran == "day":
        text = first.isoformat()
    elif gran in ("week", "weekend"):
        iso_year, iso_week, _ = first.isocalendar()
        text = f"{iso_year:04d}-W{iso_week:02d}" + ("-WE" if gran == "weekend" else "")
    elif gran == "month":
        text = f"{first.year:04d}-{first.month:02d}"
    elif gran == "quarter":
        text = f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
    elif gran == "half":
        text = f"{first.year:04d}-H{(first.month - 1) // 6 + 1}"
    elif gran == "season":
        text = f"{first.year:04d}-{_SEASON_OF_MONTH.get(first.month, 'XX')}"
    else:
        text = {"year": f"{first.year:04d}", "decade": f"{first.year // 10:03d}",
                "century": f"{first.year // 100:02d}"}[gran]
    return f"{text}T{point.part}" if point.part else text


def _easter(year: int) -> dt.date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _holiday(name: str, year: int) -> dt.date:
    rule = vocabulary().holidays[name]
    if rule.startswith("easter"):
        return _easter(year) + dt.timedelta(days=int(rule[6:] or 0))
    if ":" not in rule:
        month_s, day_s = rule.split("-")
        return dt.date(year, int(month_s), int(day_s))
    month_s, nth_s, rest = rule.split(":")
    weekday_s, _, extra = rest.partition("+")
    month, nth, weekday = int(month_s), int(nth_s), int(weekday_s)
    if nth < 0:
        last = _add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
        found = last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)
    else:
        first = dt.date(year, month, 1)
        found = first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    return found + dt.timedelta(days=int(extra or 0))


# --- from a sense to a calendar period ---------------------------------------------------

def _period(sense: Sense, year: int) -> Point | None:
    """The period a calendar sense names in a given year."""
    if sense.holiday:
        return Point(_holiday(sense.holiday, year), "day")
    if sense.month and sense.day:
        return Point(dt.date(year, sense.month, sense.day), "day")
    if sense.month:
        return Point(dt.date(year, sense.month, 1), "month")
    if sense.quarter:
        return Point(dt.date(year, 3 * sense.quarter - 2, 1), "quarter")
    if sense.half:
        return Point(dt.date(year, 6 * sense.half - 5, 1), "half")
    if sense.season:
        return Point(dt.date(year, _SEASON_START[sense.season], 1), "season")
    return Point(dt.date(year, 1, 1), "year")


def _choose(points: list[Point], anchor: dt.date, how: str) -> Point | None:
    if how == "last":
        found = [p for p in points if _last(p) < anchor]
        return found[-1] if found else None
    if how == "next":
        return next((p for p in points if p.first > anchor), None)
    if how == "past":
        found = [p for p in points if p.first <= anchor]
        return found[-1] if found else None
    if how == "future":
        return next((p for p in points if _last(p) >= anchor), None)
    return min(points, key=lambda p: max((p.first - anchor).days, (anchor - _last(p)).days, 0))


_GUESS_WINDOW = 90   # days: a dated day this close to the anchor keeps the anchor's year


def _place(sense: Sense, anchor: dt.date, tense: Tense | None, guessed: bool = False) -> Point | None:
    """A calendar name without a year (or a weekday): its occurrence around the anchor.

    Quarters and halves follow a past tense only ("will report third-quarter results" is
    about the quarter just ended); otherwise the nearest one is taken. When the tense was
    only guessed, a day within _GUESS_WINDOW days of the anchor stays in the anchor's year
    (news style leaves out the current year: "the deadline of Jan. 14" in a Jan. 5 report).
    """
    if sense.pick == "tense" and not (sense.quarter or sense.half or sense.season or sense.holiday):
        quick = _quick_place(sense, anchor, tense, guessed)
        if quick is not None:
            return quick
    if sense.month is None and (sense.weekday or sense.unit == "weekend"):
        monday = anchor - dt.timedelta(days=anchor.weekday())
        offset = sense.weekday - 1 if sense.weekday else 5
        gran = "day" if sense.weekday else "weekend"
        points = [Point(monday + dt.timedelta(days=7 * k + offset), gran) for k in (-1, 0, 1)]
        default = "past"
    else:
        points = [p for k in (-1, 0, 1) if (p := _period(sense, anchor.year + k)) is not None]
        matching = [p for p in points if sense.weekday and p.first.isoweekday() == sense.weekday]
        if sense.day and len(matching) == 1:
            return matching[0]
        default = "nearest"
        if (sense.quarter or sense.half) and tense == "future":
            tense = None
    if sense.pick == "this":
        return points[1]
    if sense.pick in ("last", "next"):
        return _choose(points, anchor, sense.pick)
    how = {"past": "past", "future": "future"}.get(tense or "", default)
    if guessed and how != "nearest" and (sense.day or sense.holiday) and len(points) == 3:
        if abs((points[1].first - anchor).days) <= _GUESS_WINDOW:
            return points[1]
    return _choose(points, anchor, how)


def _quick_place(sense: Sense, anchor: dt.date, tense: Tense | None, guessed: bool) -> Point | None:
    """`_place` for the common cases (a weekday, a month, a month and day; past or future
    tense), by arithmetic; None for the others."""
    if sense.weekday and sense.month is None and sense.unit is None:
        if tense == "future":
            return Point(anchor + dt.timedelta(days=(sense.weekday - anchor.isoweekday()) % 7), "day")
        return Point(anchor - dt.timedelta(days=(anchor.isoweekday() - sense.weekday) % 7), "day")
    if not sense.month or sense.unit is not None or sense.weekday or tense not in ("past", "future"):
        return None
    day = sense.day or 1
    if sense.day and guessed:
        try:
            this_year = dt.date(anchor.year, sense.month, sense.day)
        except ValueError:
            return None
        if abs((this_year - anchor).days) <= _GUESS_WINDOW:
            return Point(this_year, "day")
    if tense == "past":
        year = anchor.year if (sense.month, day) <= (anchor.month, anchor.day) else anchor.year - 1
    else:
        later = (sense.month, sense.day) >= (anchor.month, anchor.day) if sense.day else sense.month >= anchor.month
        year = anchor.year if later else anchor.year + 1
    return _period(sense, year)


_FISCAL = ("quarter", "half")


def _relative(sense: Sense, anchor: dt.date | None, reference: Point | None) -> Point | None:
    if sense.same_period and reference is not None and reference.gran in _FISCAL and sense.unit == "year":
        return Point(_add_months(reference.first, 12 * (sense.shift or 0)), reference.gran)
    base = reference if sense.base == "ref" and reference is not None else (
        Point(anchor, "day") if anchor else None)
    unit = sense.unit or "day"
    if base is None or sense.shift is None:
        return None
    if _RANK[base.gran] < _RANK[unit]:
        return base._replace(part=None) if sense.shift == 0 else None
    return Point(_step(_floor(base.first, unit), unit, sense.shift), unit)


def _point(sense: Sense, anchor: dt.date | None, tense: Tense | None, reference: Point | None,
           guessed: bool = False) -> Point | None:
    try:
        point = _calendar_point(sense, anchor, tense, reference, guessed) if sense.kind == "calendar" else (
            _relative(sense, anchor, reference) if sense.kind == "relative" else None)
    except (ValueError, OverflowError):
        return None
    if point is not None and sense.part and point.gran == "day":
        return point._replace(part=sense.part)
    return point


def _calendar_point(sense: Sense, anchor: dt.date | None, tense: Tense | None,
                    reference: Point | None, guessed: bool) -> Point | None:
    if sense.decade is not None:
        return Point(dt.date(max(1, sense.decade * 10), 1, 1), "decade")
    if sense.century is not None:
        return Point(dt.date(max(1, sense.century * 100), 1, 1), "century")
    if sense.same_period and sense.year is not None:
        if reference is not None and reference.gran in _FISCAL:
            return reference._replace(first=reference.first.replace(year=sense.year))
        return Point(dt.date(sense.year, 1, 1), "year")
    year = sense.year
    if year is None and sense.year_shift is not None and anchor is not None:
        year = anchor.year + sense.year_shift
    if year is not None:
        point = _period(sense, year)
    else:
        point = _place(sense, anchor, tense, guessed) if anchor is not None else None
    if point is not None and point.gran == "day" and sense.unit in ("week", "weekend"):
        return Point(_floor(point.first, sense.unit), sense.unit)
    return point


_UNRESOLVED = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
               "quarter": "XXXX-QX", "half": "XXXX-HX", "season": "XXXX-XX", "year": "XXXX",
               "decade": "XXX", "century": "XX"}


def unresolved_value(sense: Sense) -> str:
    """The value with X placeholders for what the text leaves to the (unknown) anchor."""
    year = f"{sense.year:04d}" if sense.year is not None else "XXXX"
    if sense.kind != "calendar":
        text = _UNRESOLVED.get(sense.unit or "day", "XXXX-XX-XX")
    elif sense.holiday:
        rule = vocabulary().holidays[sense.holiday]
        text = f"{year}-{rule}" if re.fullmatch(r"\d\d-\d\d", rule) else f"{year}-XX-XX"
    elif sense.month:
        text = f"{year}-{sense.month:02d}" + (f"-{sense.day:02d}" if sense.day else "")
    elif sense.weekday:
        text = f"{year}-WXX-{sense.weekday}"
    elif sense.quarter or sense.half:
        text = f"{year}-Q{sense.quarter}" if sense.quarter else f"{year}-H{sense.half}"
    elif sense.season:
        text = f"{year}-{sense.season}"
    else:
        text = "XXXX-WXX-WE" if sense.unit == "weekend" else year
    return f"{text}T{sense.part}" if sense.part else text


# --- tagging -----------------------------------------------------------------------------

class _Referent(NamedTuple):
    timex: Timex
    point: Point


def _reference(sense: Sense, referents: list[_Referent]) -> _Referent | None:
    """The discourse reference an expression is read against, if it needs one."""
    if sense.same_period:
        fiscal = next((r for r in reversed(referents) if r.point.gran in _FISCAL), None)
        if fiscal is not None or sense.kind == "calendar":
            return fiscal
    if sense.base != "ref" or not referents:
        return None
    rank = _RANK[sense.unit or "day"]
    return next((r for r in reversed(referents) if _RANK[r.point.gran] >= rank), referents[-1])


def _needs_tense(sense: Sense) -> bool:
    return sense.kind == "calendar" and sense.year is None and sense.decade is None and sense.century is None


def _anchor(text: str, cand: Candidate, dct: dt.date | None, referents: list[_Referent]) -> Timex:
    reading = cand.reading
    sense = reading.sense
    tense = guess_tense(text, cand.start, cand.end) if _needs_tense(sense) else None
    referent = _reference(sense, referents)
    point = _point(sense, dct, tense, referent.point if referent else None, guessed=True)
    if sense.literal is not None:
        value = sense.literal
    else:
        value = format_point(point) if point is not None else unresolved_value(sense)
    timex = Timex(cand.start, cand.end, text[cand.start:cand.end], reading.type, value, reading.mod, sense,
                  tense, referent.timex if referent else None, cand.rule.name)
    if point is not None and sense.kind in ("calendar", "relative") and not sense.same_period:
        referents.append(_Referent(timex, point))
    return timex


def tag(text: str, dct: dt.date | None) -> list[Timex]:
    """Every time expression of `text`, with TimeML type and value relative to `dct`."""
    chosen = _select(list(_candidates(text)))
    referents: list[_Referent] = []
    found: list[Timex] = []
    floor = 0
    for cand in chosen:
        cand = _widen(text, cand, floor)
        found.append(_anchor(text, cand, dct, referents))
        floor = cand.end
    return found


# --- resolving to a calendar span --------------------------------------------------------

def _timex_point(timex: Timex, anchor: dt.date | None, tense: Tense | None, guessed: bool) -> Point | None:
    sense = timex.sense
    if sense is None:
        return _parse_value(timex.value)
    reference = timex.reference
    base = _timex_point(reference, anchor, reference.tense, True) if reference is not None else None
    return _point(sense, anchor, tense, base, guessed)


_VALUE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), gran) for pattern, gran in (
        (r"(\d{4})-(\d\d)-(\d\d)", "day"), (r"(\d{4})-W(\d\d)", "week"), (r"(\d{4})-(\d\d)", "month"),
        (r"(\d{4})-Q([1-4])", "quarter"), (r"(\d{4})-H([12])", "half"), (r"(\d{4})-(SP|SU|FA|WI)", "season"),
        (r"(\d{4})", "year"), (r"(\d{3})", "decade"), (r"(\d{2})", "century")))


def _parse_value(value: str) -> Point | None:
    """A calendar period from an absolute TimeML value (for a Timex built without a sense)."""
    head = value.split("T")[0]
    for pattern, gran in _VALUE_FORMS:
        found = pattern.fullmatch(head)
        if not found:
            continue
        try:
            return _value_point(found, gran)
        except ValueError:
            return None
    return None


def _value_point(found: re.Match[str], gran: str) -> Point:
    number_ = int(found.group(1))
    if gran == "day":
        return Point(dt.date(number_, int(found.group(2)), int(found.group(3))), gran)
    if gran == "week":
        return Point(dt.date.fromisocalendar(number_, int(found.group(2)), 1), gran)
    if gran in ("month", "quarter", "half"):
        size = {"month": 1, "quarter": 3, "half": 6}[gran]
        return Point(dt.date(number_, (int(found.group(2)) - 1) * size + 1, 1), gran)
    if gran == "season":
        return Point(dt.date(number_, _SEASON_START[found.group(2)], 1), gran)
    size = {"year": 1, "decade": 10, "century": 100}[gran]
    return Point(dt.date(max(1, number_ * size), 1, 1), gran)


def _add(day: dt.date, unit: str, count: int) -> dt.date:
    if unit in ("hour", "minute", "second"):
        seconds = count * {"hour": 3600, "minute": 60, "second": 1}[unit]
        return (dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)).date()
    days = {"day": 1, "night": 1, "week": 7, "fortnight": 14}.get(unit)
    if days:
        return day + dt.timedelta(days=days * count)
    months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200, "millennium": 12000}[unit]
    moved = _add_months(day.replace(day=1), months * count)
    last = _add_months(moved, 1) - dt.timedelta(days=1)
    return moved.replace(day=min(day.day, last.day))


def _within(timex: Timex, anchor: dt.date | None) -> TimeSpan | None:
    sense = timex.sense
    if anchor is None or sense is None or not sense.forward or not sense.amount or not sense.unit:
        return None
    if sense.unit == "weekend":
        return None
    try:
        end = _add(anchor, sense.unit, sense.amount)
    except (ValueError, OverflowError, KeyError):
        return None
    return TimeSpan(anchor, end, "range", timex.text, timex.value)


def resolve(timex: Timex, anchor: dt.date | None, tense: Tense | None = None) -> TimeSpan | None:
    """The calendar span `timex` names as an event date, said at `anchor` in a clause of `tense`.

    `tense` None uses the tense `tag` guessed for the clause. See the module docstring for
    the choices made; None when the expression names no date or cannot be anchored.
    """
    sense = timex.sense
    if sense is not None and sense.kind == "duration":
        return _within(timex, anchor)
    if sense is not None and sense.kind not in ("calendar", "relative"):
        return None
    point = _timex_point(timex, anchor, tense or timex.tense, tense is None)
    if point is None:
        return None
    try:
        first, last = point.first, _last(point)
    except (ValueError, OverflowError):          # a period reaching past 9999-12-31
        first, last = point.first, dt.date.max
    if sense is not None and sense.clip and anchor is not None and first <= anchor <= last:
        first, last = (first, anchor) if sense.clip == "before" else (anchor, last)
    return TimeSpan(first, last, _PRECISION.get(point.gran, point.gran), timex.text, format_point(point))
