"""Placing a sense in the calendar: periods, their arithmetic and their TimeML values.

A `Point` is a calendar period (its first day and granularity). `point_of` places a sense
against an anchor day, the tense of its clause and the discourse reference: a year-less
month or weekday by tense (`_place`), a relative one by steps of its unit (`_relative`).
`format_point` writes a period as TimeML, `unresolved_value` keeps X placeholders for what
only an anchor could tell.
"""
from __future__ import annotations

import datetime as dt
import re

from .sense import Point, Sense, Tense
from .vocabulary import vocabulary

# calendar units, coarse to fine; "weekend" sits with "week"
GRANULARITIES: tuple[str, ...] = (
    "century", "decade", "year", "half", "quarter", "season", "month", "week", "weekend", "day",
)
RANK = {name: rank for rank, name in enumerate(GRANULARITIES)}
RANK["weekend"] = RANK["week"]
PRECISION = {"half": "range", "century": "range", "weekend": "range"}
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_SEASON_OF_MONTH = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}
_MONTHS_IN = {"day": 0, "week": 0, "weekend": 0, "month": 1, "quarter": 3, "season": 3, "half": 6,
              "year": 12, "decade": 120, "century": 1200}


# --- calendar arithmetic -----------------------------------------------------------------

def add_months(first: dt.date, months: int) -> dt.date:
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
    return add_months(first, _MONTHS_IN[gran] * count)


def last_day(point: Point) -> dt.date:
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
        last = add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
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
        return Point(dt.date(year, SEASON_START[sense.season], 1), "season")
    return Point(dt.date(year, 1, 1), "year")


def _choose(points: list[Point], anchor: dt.date, how: str) -> Point | None:
    if how == "last":
        found = [p for p in points if last_day(p) < anchor]
        return found[-1] if found else None
    if how == "next":
        return next((p for p in points if p.first > anchor), None)
    if how == "past":
        found = [p for p in points if p.first <= anchor]
        return found[-1] if found else None
    if how == "future":
        return next((p for p in points if last_day(p) >= anchor), None)
    return min(points, key=lambda p: max((p.first - anchor).days, (anchor - last_day(p)).days, 0))


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
    dated = guessed and how != "nearest" and (sense.day or sense.holiday) and len(points) == 3
    if dated and abs((points[1].first - anchor).days) <= _GUESS_WINDOW:
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


FISCAL = ("quarter", "half")


def _relative(sense: Sense, anchor: dt.date | None, reference: Point | None) -> Point | None:
    if sense.same_period and reference is not None and reference.gran in FISCAL and sense.unit == "year":
        return Point(add_months(reference.first, 12 * (sense.shift or 0)), reference.gran)
    base = reference if sense.base == "ref" and reference is not None else (
        Point(anchor, "day") if anchor else None)
    unit = sense.unit or "day"
    if base is None or sense.shift is None:
        return None
    if RANK[base.gran] < RANK[unit]:
        return base._replace(part=None) if sense.shift == 0 else None
    return Point(_step(_floor(base.first, unit), unit, sense.shift), unit)


def point_of(sense: Sense, anchor: dt.date | None, tense: Tense | None, reference: Point | None,
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
        if reference is not None and reference.gran in FISCAL:
            return reference._replace(first=reference.first.replace(year=sense.year))
        return Point(dt.date(sense.year, 1, 1), "year")
    year = sense.year
    if year is None and sense.year_shift is not None and anchor is not None:
        year = anchor.year + sense.year_shift
    if year is not None:
        point = _period(sense, year)
    elif anchor is not None:
        point = _place(sense, anchor, tense, guessed)
    else:
        point = None
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


