"""The word lists of the time tagger (`data/timex.toml`) and the readers of single words.

Month and weekday names, numbers, units, seasons, parts of the day, frequencies, references
("now", "the future"), holidays and the tense cues: what each surface word means in TimeML.
`number` and `duration_value` turn counts and units into TimeML; `lower_words` and
`previous_word` are the normalised views of the text the builders and the tagger compare
words in.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


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

