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

How it works, module by module, in the order a text goes through them:

- `vocabulary`: the word lists of `data/timex.toml` (months, numbers, units, holidays, tense
  cues ...).
- `fragments`: the pieces the rules are written with (`%MONTH%`, `%NUM%` ...), built from
  the word lists, and `words_only`, the view of the text the search scans.
- `rules`: the regular expressions of `data/timex_rules.toml`, compiled once, each held to
  the words it declares it can start with.
- `candidates`: one scan of the text finds trigger words (a month, a weekday, a unit, "now",
  a year ...); each rule is tried only at the few word starts just before a trigger that
  can begin it, so time costs grow with the number of time expressions, not with the length
  of the text. Candidates are reduced to the longest non-overlapping ones and widened by
  modifiers ("early", "the end of").
- `builders`: each rule's builder reads its match into a `Sense` (`sense`), the structured
  meaning, or rejects it.
- `tagger`: `tag` anchors the candidates left to right, so that anaphoric expressions see
  the latest date before them, guessing the tense of the clause where the text leaves the
  year or week open.
- `calendar`: calendar arithmetic, and placing a sense in the calendar as a period.
- `resolve`: `resolve`, the span an expression names as an event date.
"""
from __future__ import annotations

from .calendar import GRANULARITIES, format_point, unresolved_value
from .fragments import words_only
from .resolve import resolve
from .rules import Rule
from .sense import Point, Reading, Sense, Tense, Timex
from .tagger import guess_tense, tag
from .vocabulary import Vocabulary, duration_value, number

__all__ = [
    "GRANULARITIES", "Point", "Reading", "Rule", "Sense", "Tense", "Timex", "Vocabulary",
    "duration_value", "format_point", "guess_tense", "number", "resolve", "tag",
    "unresolved_value", "words_only",
]
