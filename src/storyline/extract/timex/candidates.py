"""Finding candidates: where in a text the rules are tried, and which matches are kept.

One scan of `words_only(text)` finds the trigger words (a month, a weekday, a unit, "now", a
year ...); each rule a trigger can start is tried only at the few word starts just before it
that the rule can begin with, so time costs grow with the number of time expressions, not
with the length of the text. The candidates are then reduced to the longest non-overlapping
ones (`select_longest`) and widened by the modifiers before them (`widen`: "early",
"the end of").
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from ...datafiles import error_at, read_text
from .builders import DECADE_WORDS, RELATIVE_DAYS
from .fragments import WORDS_ONLY, trie, words_only
from .rules import RULES_FILE, Rule, rules
from .sense import Reading
from .vocabulary import lower_words, previous_word, vocabulary


class Candidate(NamedTuple):
    """A rule's accepted match: its extent in the text and what the builder read."""

    start: int
    end: int
    reading: Reading
    rule: Rule


# --- triggers: the words without which no rule can match -----------------------------------

_CLOCK = re.compile(r"(?<!\d)\d{1,2}:[0-5]\d(?!\d)")   # matched only where a colon is


class _Trigger(NamedTuple):
    """The rules a trigger word can start, and what to check before trying them."""

    rules: tuple[Rule, ...]
    reach: int                         # the largest reach of its rules
    needs: dict[str, frozenset[str]]   # rule -> words one of which must be near (Rule.needs)
    pre_checked: bool                  # whether some rule has needs to check before it is tried
    check: str | None = None           # "upper": capitalised only ("May"); "digit": after a number


_Phrases = dict[tuple[str, str], set[str]]    # (trigger word, rule) -> other words of its phrases


@lru_cache(maxsize=1)
def _trigger_table() -> dict[str, _Trigger]:
    """Trigger word -> the rules it can start; a rule no word triggers could never match, so it
    is a DataFileError at its line in timex_rules.toml."""
    compiled = rules()
    for name in untriggered(compiled):
        raise error_at(RULES_FILE, read_text(RULES_FILE), ("rule", compiled[name].priority, "name"),
                       f"no trigger word starts rule {name!r} (candidates._trigger_words): it can never match")
    table, phrases = _trigger_words()
    v = vocabulary()
    cased = {w for w in [*v.months, *v.weekdays] if len(w) <= 5 or w in v.ambiguous_months}
    after_digit = {"a m", "p m", "am", "pm"}
    return {word: _trigger(tuple(rule for name, rule in compiled.items() if name in names), phrases, word,
                           "upper" if word in cased else "digit" if word in after_digit else None)
            for word, names in table.items()}


def untriggered(compiled: dict[str, Rule]) -> list[str]:
    """The rules no trigger word starts: they could never be tried."""
    table, _ = _trigger_words()
    triggered = set().union(*table.values())
    return [name for name in compiled if name not in triggered]


def _trigger_words() -> tuple[dict[str, set[str]], _Phrases]:
    """Trigger word -> the names of the rules it can start (a phrase of the vocabulary triggers
    by its last word), and the other words of those phrases."""
    v = vocabulary()
    table: dict[str, set[str]] = {}
    phrases: _Phrases = {}

    def add(words: Iterable[str], *names: str, exact: bool = False) -> None:
        for phrase in words:
            tokens = [phrase] if exact else phrase.lower().translate(WORDS_ONLY).split()
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
    add(RELATIVE_DAYS, "relday")
    add(("noon", "midnight", "midday", "clock"), "time")
    add(v.references, "ref")
    add(v.frequencies, "set")
    add(v.holidays, "holiday")
    add(DECADE_WORDS, "decade")
    add(("nineteen", "thousand"), "year_words")
    add(("0000",), "iso", "year")
    add(("0000s", "00s"), "decade")
    add(("a m", "p m", "am", "pm", "0:00"), "time", exact=True)
    return table, phrases


def _trigger(found: tuple[Rule, ...], phrases: _Phrases, word: str,
             check: str | None) -> _Trigger:
    needs = {rule.name: rule.needs for rule in found if rule.needs}
    for rule in found:
        others = phrases.get((word, rule.name), {""})
        if rule.name in ("ref", "holiday") and "" not in others:
            needs[rule.name] = frozenset(others)
    pre_checked = bool(needs) or any(rule.needs_after or rule.needs_chars for rule in found)
    return _Trigger(found, max(rule.reach for rule in found), needs, pre_checked, check)


@lru_cache(maxsize=1)
def _trigger_pattern() -> re.Pattern[str]:
    """Trigger words between spaces, in a text whose non-letters are all spaces."""
    return re.compile(" (" + trie(sorted(_trigger_table())) + ")(?= )")


def _triggers(text: str, words: str) -> Iterator[tuple[int, int, str]]:
    """Where trigger words are (`words`: see WORDS_ONLY), with their keys in the trigger table."""
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
    their words, nearest first. In `words` (see WORDS_ONLY) a word is a run of letters or
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


def find_candidates(text: str) -> Iterator[Candidate]:
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


def select_longest(candidates: list[Candidate]) -> list[Candidate]:
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


def widen(text: str, cand: Candidate, floor: int) -> Candidate:
    """Take a modifier just before a date into its extent: "early 1990", "the end of this week"."""
    if cand.rule.name == "decade" and cand.start and text[cand.start - 1] in "'’":
        return cand._replace(start=cand.start - 1)
    if cand.reading.type not in ("DATE", "TIME") or cand.reading.sense.kind == "ref":
        return cand
    before = previous_word(text, cand.start)
    if before not in _MODIFIER_ENDS:
        return cand
    found = _LEFT_MODIFIER.search(text, max(floor, cand.start - 40), cand.start)
    if not found:
        return cand
    words = lower_words(found["mod"]).split()
    key = next((w for w in words if w in _WIDEN_MOD or w in ("earlier", "later")), "")
    reading = cand.reading
    if key in ("earlier", "later"):   # TimeML leaves them out of the extent; the span keeps them
        sense = reading.sense._replace(clip="before" if key == "earlier" else "after")
        return cand._replace(reading=reading._replace(sense=sense))
    if key:
        reading = reading._replace(mod=_WIDEN_MOD[key])
    return cand._replace(start=found.start(), reading=reading)

