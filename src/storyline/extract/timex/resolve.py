"""Resolving: the calendar span a tagged expression names as an event date.

The caller chooses the anchor (the time of the statement) and may force the tense of the
clause; see the package docstring for the choices made where English is open.
"""
from __future__ import annotations

import datetime as dt
import re

from ...model import TimeSpan
from .calendar import (
    PRECISION,
    SEASON_START,
    add_months,
    format_point,
    last_day,
    point_of,
)
from .sense import Point, Tense, Timex


def _timex_point(timex: Timex, anchor: dt.date | None, tense: Tense | None, guessed: bool) -> Point | None:
    sense = timex.sense
    if sense is None:
        return _parse_value(timex.value)
    reference = timex.reference
    base = _timex_point(reference, anchor, reference.tense, True) if reference is not None else None
    return point_of(sense, anchor, tense, base, guessed)


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
        return Point(dt.date(number_, SEASON_START[found.group(2)], 1), gran)
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
    moved = add_months(day.replace(day=1), months * count)
    last = add_months(moved, 1) - dt.timedelta(days=1)
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


def resolve(timex: Timex, anchor: dt.date | None, tense: Tense | None = None,
            guessed: bool | None = None) -> TimeSpan | None:
    """The calendar span `timex` names as an event date, said at `anchor` in a clause of `tense`.

    `tense` None uses the tense `tag` guessed for the clause. `guessed` says the tense is a
    guess (by default: when `tense` is None), so that a day without a year close to the anchor
    keeps the anchor's year whatever the tense (see `calendar._place`). See the module
    docstring for the choices made; None when the expression names no date or cannot be
    anchored.
    """
    sense = timex.sense
    if sense is not None and sense.kind == "duration":
        return _within(timex, anchor)
    if sense is not None and sense.kind not in ("calendar", "relative"):
        return None
    point = _timex_point(timex, anchor, tense or timex.tense, tense is None if guessed is None else guessed)
    if point is None:
        return None
    try:
        first, last = point.first, last_day(point)
    except (ValueError, OverflowError):          # a period reaching past 9999-12-31
        first, last = point.first, dt.date.max
    if sense is not None and sense.clip and anchor is not None and first <= anchor <= last:
        first, last = (first, anchor) if sense.clip == "before" else (anchor, last)
    if sense is not None and sense.through and point.gran == "day":
        return _through(first, sense.through, timex, point)
    return TimeSpan(first, last, PRECISION.get(point.gran, point.gran), timex.text, format_point(point))


def _through(first: dt.date, through: int, timex: Timex, point: Point) -> TimeSpan:
    """A day range in one month ("the Feb. 27-28 summit"): from the day placed in the calendar,
    whose year the first day decides as for a single day, to the range's last day."""
    try:
        last = first.replace(day=through)
    except ValueError:          # "Feb. 28-30": no such last day; the first day stands alone
        return TimeSpan(first, first, "day", timex.text, format_point(point))
    return TimeSpan(first, last, "range", timex.text, format_point(point))
