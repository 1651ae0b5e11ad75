"""Every regular expression of storyline's rule files, and adversarial strings to run them on.

Run as a script (`python tests/rule_regexes.py SIZE`) it searches every pattern in every
adversarial string of about SIZE characters and prints one JSON line before each search
(`{"start": ...}`) and one after (`{"seconds": ...}`), so that the test running it in a
subprocess can kill it at a deadline and still say which pattern on which string hung.

Patterns come from the loaders (`clean.load_rules`, `extract.timex.rules.rules`: what the code really
compiles, fragments expanded) and, for any other data file, from every string that looks like
a regular expression, so a rule file added later is searched too.
"""
from __future__ import annotations

import json
import re
import sys
import time
import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import Any

from storyline.clean import load_rules
from storyline.extract.timex.rules import rules as timex_rules

LOADED = ("cleaning.toml", "timex_rules.toml")   # read through their loaders
REGEX_HINTS = re.compile(r"\(\?|\\[bswdSWDB]|\[\^|\.[*+?]|[^\\]\{\d+,\d*\}")

# Characters of every class a rule may quantify over, each run alone.
RUN_CHARS = ("a", "A", "z", "1", " ", "\t", "\n", ".", ",", ";", ":", "-", "–", "—", "'", "’", '"', "“", "(", ")",
             "[", "]", "&", "|", "/", "?", "!", "_", "#", "@", "$", "%", "*", "é", "É", "あ", "\u200b", "😀", "©")
# Short units repeated: words, capital runs, spacing and punctuation around words.
UNITS = (
    "the ", "The ", "THE ", "a ", "A ", "AB ", "AB   ", "A1 ", "1 ", "12 ", "2024 ", "said ", "and ", "of the ",
    "Word ", "Word, ", "Word. ", "Mr. ", "U.S. ", "a.", "a-", "a'", "'s", " - ", "- ", ". ", ", ", ": ", "(A) ",
    "Trump ", "Trump TrumpGOP senators balk at the plan. ", "Donald John TrumpGOP ", "MORE ", "x MORE",
    "pic.twitter.com/a - ", "(@a) ", "Photo: A", "REUTERS/A ", "© 2020 ", "http://a.b/ ", "1:00 ", "p.m. ",
    "January ", "Jan. ", "Monday ", "last ", "next ", "week ", "years ", "ago ", "the week of ", "one ", "twenty-one ",
    "in the morning ", "early ", "the end of ", "2024-01-01 ", "1/2/",
)


def rule_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(where, compiled pattern) for every regular expression of every rule file."""
    rules = load_rules()
    found: list[tuple[str, re.Pattern[str] | None]] = []
    for tail in rules.tail:
        found += [(f"cleaning.toml tail {tail.name} start", tail.start), (f"cleaning.toml tail {tail.name} end", tail.end)]
    for line in rules.line:
        found += [(f"cleaning.toml line {line.name}", line.pattern), (f"cleaning.toml line {line.name} unless", line.unless)]
    found += [(f"cleaning.toml run {run.name} sentence_end", run.sentence_end) for run in rules.run]
    found += [(f"cleaning.toml inline {rule.name}", rule.pattern) for rule in rules.inline]
    found += [(f"timex_rules.toml {name}", rule.pattern) for name, rule in timex_rules().items()]
    found += other_files()
    return [(where, pattern) for where, pattern in found if pattern is not None]


def other_files() -> list[tuple[str, re.Pattern[str] | None]]:
    """Regex-looking strings of the data files that have no loader here."""
    found: list[tuple[str, re.Pattern[str] | None]] = []
    for entry in sorted(resources.files("storyline.data").iterdir(), key=lambda e: e.name):
        if entry.name in LOADED or not entry.name.endswith((".toml", ".json")):
            continue
        text = entry.read_text("utf-8")
        data = tomllib.loads(text) if entry.name.endswith(".toml") else json.loads(text)
        for where, value in _strings(data, entry.name):
            if REGEX_HINTS.search(value):
                try:
                    found.append((where, re.compile(value)))
                except re.error:
                    continue  # a word list entry that only looks like a pattern
    return found


def _strings(data: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield where, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{where} {key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, f"{where}[{index}]")


def pattern_words(pattern: str) -> list[str]:
    """The longest words written in the pattern (a near-match starts with one)."""
    literal = re.sub(r"\\[A-Za-z]|\(\?P[<=]\w+[>)]", " ", pattern)  # no escapes (\sMORE), no group names
    return sorted(set(re.findall(r"[A-Za-z]{3,}", literal)), key=lambda w: (len(w), w))[-6:]


def near_matches(words: list[str]) -> list[str]:
    """Units made of the pattern's own words: its near-matches, repeated."""
    units = []
    for word in words:
        units += [f"{word} ", f"{word.upper()}   ", f"{word.capitalize()}, ", word]
    if len(words) > 1:
        units.append(" ".join(words) + " ")
    return units


def cases(pattern: str, size: int) -> Iterator[tuple[str, str]]:
    """(name, string of about `size` characters): runs, repeats, and both ending oddly."""
    for char in RUN_CHARS:
        yield f"run {char!r}", char * size
    words = pattern_words(pattern)
    for word in words:  # a near-match, then a long run of what its next piece may take
        for sep in ("", " ", "/"):
            for char in ("A", "a", "1", " "):
                yield f"{word + sep!r} + run {char!r}", word + sep + char * size
                yield f"{word + sep!r} + run {char!r} + '|'", word + sep + char * size + "|"
        for lead in ("and ", "The "):  # words every piece may take, the word, then a long tail
            yield f"{lead!r} * 16 + {word!r} + repeat 'x '", lead * 16 + f"{word} " + "x " * (size // 2)
    for unit in (*UNITS, *near_matches(words)):
        body = unit * max(1, size // len(unit))
        yield f"repeat {unit!r}", body
        yield f"repeat {unit!r} + ' ?'", body + " ?"
        yield f"'x ' + repeat {unit!r} + '|'", "x " + body + "|"
    yield "all-caps words, wide spacing", "   ".join(["AB"] * max(1, size // 5)) + " ?"


def main(size: int) -> None:
    """Search every pattern in every case; a JSON line before and after each search."""
    for where, pattern in rule_patterns():
        for name, text in cases(pattern.pattern, size):
            print(json.dumps({"start": where, "case": name}), flush=True)
            begin = time.perf_counter()
            pattern.search(text)
            print(json.dumps({"seconds": time.perf_counter() - begin}), flush=True)
    print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
