"""The word lists of the time tagger (`data/timex.toml`) and the readers of single words.

Month and weekday names, numbers, units, seasons, parts of the day, frequencies, references
("now", "the future"), holidays and the tense cues: what each surface word means in TimeML.
`number` and `duration_value` turn counts and units into TimeML; `lower_words` and
`previous_word` are the normalised views of the text the builders and the tagger compare
words in.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ...datafiles import Key, Path, Table, error_at, load_toml, read_text


@dataclass(frozen=True)
class Vocabulary:
    """The word lists, by what they mean; a phrase matches any run of space between its words."""

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


VOCABULARY_FILE = "timex.toml"


def _words_to(kind: type, choices: frozenset[str] | None = None) -> Table:
    """A table of words (lower case) to what each means."""
    return Table(other=Key(kind, choices=choices), required=True)


_WORD_LIST = Key(list, required=True, items=str)
VOCABULARY_SCHEMA = Table({
    "months": _words_to(int), "month_abbreviations": _words_to(int),
    "ambiguous_months": Table({"words": _WORD_LIST}, required=True),
    "weekdays": _words_to(int), "weekday_abbreviations": _words_to(int),
    "numbers": _words_to(int), "ordinals": _words_to(int),
    "vague_numbers": Table({"words": _WORD_LIST}, required=True),
    "units": _words_to(list),
    "seasons": _words_to(str, frozenset({"SP", "SU", "FA", "WI"})),
    "parts_of_day": _words_to(str, frozenset({"MO", "AF", "EV", "NI"})),
    "frequencies": _words_to(str),
    "references": _words_to(str, frozenset({"PRESENT_REF", "PAST_REF", "FUTURE_REF"})),
    "holidays": _words_to(str),
    "tense": Table({"future": _WORD_LIST, "past": _WORD_LIST, "not_past": _WORD_LIST}, required=True),
})
_LISTS = frozenset({"ambiguous_months", "vague_numbers", "tense"})   # tables of word lists
_RANGES = {"months": (1, 12), "month_abbreviations": (1, 12), "weekdays": (1, 7),
           "weekday_abbreviations": (1, 7)}
# "MM-DD", "MM:n:weekday" (+ days; n = -1: the last) or "easter" (+/- days): see _holiday
_HOLIDAY_RULE = re.compile(r"(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|1[0-2]):(?:-1|[1-5]):[1-7](?:\+\d+)?"
                           r"|easter(?:[+-]\d+)?")


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The word lists of data/timex.toml, checked at load: a key or value that does not fit
    is a DataFileError naming the file and the line."""
    raw = load_toml(VOCABULARY_FILE, VOCABULARY_SCHEMA)
    for path, message in vocabulary_problems(raw):
        raise error_at(VOCABULARY_FILE, read_text(VOCABULARY_FILE), path, message)
    return Vocabulary(
        months={**raw["months"], **raw["month_abbreviations"]},
        ambiguous_months=frozenset(raw["ambiguous_months"]["words"]),
        weekdays={**raw["weekdays"], **raw["weekday_abbreviations"]},
        numbers=dict(raw["numbers"]), ordinals=dict(raw["ordinals"]),
        units={key: (v[0], v[1], v[2]) for key, v in raw["units"].items()},
        seasons=dict(raw["seasons"]), parts=dict(raw["parts_of_day"]),
        frequencies=dict(raw["frequencies"]), references=dict(raw["references"]),
        holidays=dict(raw["holidays"]), vague=tuple(raw["vague_numbers"]["words"]),
        future_cues=frozenset(raw["tense"]["future"]), past_cues=frozenset(raw["tense"]["past"]),
        not_past=frozenset(raw["tense"]["not_past"]),
    )


def vocabulary_problems(raw: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """What the schema cannot say about a parsed timex.toml: words in the form the tagger
    compares them in (lower case, single spaces, ' not ’), numbers in range, the shape of
    units and holiday rules, ambiguous months that are months."""
    for table, words in raw.items():
        lists = words.items() if table in _LISTS else [(word, [word]) for word in words]
        for key, entries in lists:
            for word in entries:
                if word != lower_words(word):
                    yield (table, key), f"write {word!r} as {lower_words(word)!r}"
                elif table != "tense" and not word[:1].isalnum():   # rules start at a word's letter
                    yield (table, key), f"{word!r} does not begin with a letter or a digit"
    for table, (low, high) in _RANGES.items():
        for word, value in raw.get(table, {}).items():
            if not low <= value <= high:
                yield (table, word), f"{value} is not between {low} and {high}"
    for unit, value in raw.get("units", {}).items():
        if [type(v) for v in value] != [str, int, bool]:
            yield ("units", unit), "expected [TimeML letter, how many, whether a clock unit]"
    for name, rule in raw.get("holidays", {}).items():
        if not _HOLIDAY_RULE.fullmatch(rule):
            yield ("holidays", name), f"{rule!r} is not MM-DD, MM:n:weekday[+days] or easter[+-days]"
    months = raw.get("months", {})
    for word in raw.get("ambiguous_months", {}).get("words", []):
        if word not in months:
            yield ("ambiguous_months", "words"), f"{word!r} is not in [months]"


def lower_words(text: str) -> str:
    """`text` lower-cased, single-spaced, with ’ as ' (the form the word lists use)."""
    return " ".join(text.lower().replace("’", "'").split())


def previous_word(text: str, pos: int) -> str:
    """The word just before `pos` (only spaces or hyphens between), lower-cased; "" if none."""
    head = text[max(0, pos - 24):pos].rstrip(" \t\n-")
    if not head or not head[-1].isalpha():
        return ""
    word = head.replace("-", " ").split()[-1]
    at = len(word)
    while at and word[at - 1].isascii() and word[at - 1].isalpha():
        at -= 1
    return word[at:].lower()


@lru_cache(maxsize=1024)
def number(text: str) -> int | None:
    """A count written in digits or words ("twenty-four", "a couple of"); None if not one."""
    words = lower_words(text).replace(",", "")
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

