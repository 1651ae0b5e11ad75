"""Tagging: the time expressions of a text, anchored in order of appearance.

Candidates (see `candidates`) are anchored left to right so that an anaphoric expression
("the following day", "that year") reads against the latest date before it that is fine
enough for it. Where the text leaves the year or week open, the tense of the clause is
guessed from the nearest tense cue in the sentence ("said", "will", "-ed").
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import NamedTuple

from .calendar import FISCAL, RANK, format_point, point_of, unresolved_value
from .candidates import Candidate, find_candidates, select_longest, widen
from .sense import Point, Sense, Tense, Timex
from .vocabulary import vocabulary

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


# --- tagging -----------------------------------------------------------------------------

class _Referent(NamedTuple):
    timex: Timex
    point: Point


def _reference(sense: Sense, referents: list[_Referent]) -> _Referent | None:
    """The discourse reference an expression is read against, if it needs one."""
    if sense.same_period:
        fiscal = next((r for r in reversed(referents) if r.point.gran in FISCAL), None)
        if fiscal is not None or sense.kind == "calendar":
            return fiscal
    if sense.base != "ref" or not referents:
        return None
    rank = RANK[sense.unit or "day"]
    return next((r for r in reversed(referents) if RANK[r.point.gran] >= rank), referents[-1])


def _needs_tense(sense: Sense) -> bool:
    return sense.kind == "calendar" and sense.year is None and sense.decade is None and sense.century is None


def _anchor(text: str, cand: Candidate, dct: dt.date | None, referents: list[_Referent]) -> Timex:
    reading = cand.reading
    sense = reading.sense
    tense = guess_tense(text, cand.start, cand.end) if _needs_tense(sense) else None
    referent = _reference(sense, referents)
    point = point_of(sense, dct, tense, referent.point if referent else None, guessed=True)
    if sense.literal is not None:
        value = sense.literal
    elif point is not None:
        value = format_point(point)
    else:
        value = unresolved_value(sense)
    timex = Timex(cand.start, cand.end, text[cand.start:cand.end], reading.type, value, reading.mod, sense,
                  tense, referent.timex if referent else None, cand.rule.name)
    if point is not None and sense.kind in ("calendar", "relative") and not sense.same_period:
        referents.append(_Referent(timex, point))
    return timex


def tag(text: str, dct: dt.date | None) -> list[Timex]:
    """Every time expression of `text`, with TimeML type and value relative to `dct`."""
    chosen = select_longest(list(find_candidates(text)))
    referents: list[_Referent] = []
    found: list[Timex] = []
    floor = 0
    for cand in chosen:
        cand = widen(text, cand, floor)
        found.append(_anchor(text, cand, dct, referents))
        floor = cand.end
    return found

