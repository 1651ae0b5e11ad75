"""The rules of the time tagger (`data/timex_rules.toml`), compiled once.

A rule is a regular expression whose `%NAME%` fragments are built from the word lists of
`data/timex.toml` (see `fragments`), with the builder that reads its match
(`builders.BUILDERS`, by the rule's name) and what the candidate search needs to try it
sparingly: how many words before its trigger a match may start (`reach`), the words it can
start with (`starts`) and the words that must be near (`needs`).

The declared starts cannot be wrong: the pattern is compiled behind a lookahead for them
(`fragments.start_pattern`), so a match can begin no other way, and the search skips a word
only where that lookahead would fail. A start left out narrows the rule, visibly, rather than
hiding matches the rule would find.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ...datafiles import ArrayOf, Key, Table, error_at, load_toml, read_text
from .builders import BUILDERS
from .fragments import DIGIT, fragments, start_pattern, start_prefix
from .sense import Builder
from .vocabulary import vocabulary


def compile_pattern(pattern: str, starts: Iterable[str] | None = None) -> re.Pattern[str]:
    """A rule's pattern with its fragments filled in, case-insensitive; with `starts` (start
    prefixes), behind a lookahead that lets a match begin only so."""
    known = fragments()
    expanded = _FRAGMENT.sub(lambda m: known[m.group(1)].pattern, pattern)
    if starts is not None:
        expanded = f"(?={start_pattern(starts)})(?:{expanded})"
    return re.compile(expanded, re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """One rule of timex_rules.toml, compiled; `priority` is its place in the file."""

    name: str
    pattern: re.Pattern[str]
    build: Builder
    priority: int
    reach: int                         # how many words a match may start before its trigger
    starts: tuple[str, ...] | None     # start prefixes a match begins with; None: anyhow
    needs: frozenset[str]              # words one of which must be near the trigger ("#": a number)
    needs_after: frozenset[str]        # words one of which must come right after the trigger
    needs_chars: tuple[str, ...]       # characters one of which must be just around the trigger


RULES_FILE = "timex_rules.toml"
_WORDS = Key(list, items=str)
RULES_SCHEMA = Table({"rule": ArrayOf(Table({
    "name": Key(str, required=True), "reach": Key(int, required=True),
    "pattern": Key(list, required=True, items=str),
    "starts": _WORDS, "needs": _WORDS, "needs_after": _WORDS, "needs_chars": _WORDS,
}), required=True)})
_FRAGMENT = re.compile(r"%([A-Z]+)%")
_START_WORD = re.compile(r"[a-z0-9][a-z0-9' .-]*")


class _Unfit(Exception):
    """A rule entry that cannot be compiled: the key at fault and why."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


@lru_cache(maxsize=1)
def rules() -> dict[str, Rule]:
    """The rules of data/timex_rules.toml, compiled, by name (in priority order)."""
    raw = load_toml(RULES_FILE, RULES_SCHEMA)
    return compile_rules(raw["rule"], read_text(RULES_FILE), RULES_FILE)


def compile_rules(items: list[dict[str, Any]], text: str, name: str) -> dict[str, Rule]:
    """Rule entries (parsed from the file `name` holding `text`) compiled; an entry that
    names no builder, a missing fragment or a bad pattern is a DataFileError at its line."""
    compiled: dict[str, Rule] = {}
    for rank, item in enumerate(items):
        try:
            if item["name"] in compiled:
                raise _Unfit("name", f"a second rule named {item['name']!r}")
            compiled[item["name"]] = _rule(item, rank)
        except _Unfit as unfit:
            raise error_at(name, text, ("rule", rank, unfit.key), unfit.message) from None
    return compiled


def _rule(item: dict[str, Any], rank: int) -> Rule:
    build = BUILDERS.get(item["name"])
    if build is None:
        raise _Unfit("name", f"no builder for a rule named {item['name']!r} (builders.BUILDERS)")
    if item["reach"] < 0:
        raise _Unfit("reach", "expected a count of words, 0 or more")
    starts = _starts(item["starts"]) if "starts" in item else None
    pattern = _pattern(item["pattern"], starts)
    needs = frozenset(word for entry in item.get("needs", ()) for word in _needed(entry))
    chars = tuple(item.get("needs_chars", ()))
    if any(len(char) != 1 for char in chars):
        raise _Unfit("needs_chars", "expected single characters")
    return Rule(item["name"], pattern, build, rank, item["reach"], starts, needs,
                frozenset(item.get("needs_after", ())), chars)


def _starts(entries: list[str]) -> tuple[str, ...]:
    """The start prefixes of a rule's declared starts: words ("the", "more than"), "#" for a
    digit, or a fragment ("%MONTH%": any word it can begin with)."""
    prefixes: set[str] = set()
    for entry in entries:
        fragment = _FRAGMENT.fullmatch(entry)
        if fragment and fragment[1] in fragments():
            prefixes |= fragments()[fragment[1]].starts
        elif entry == "#":
            prefixes.add(DIGIT)
        elif _START_WORD.fullmatch(entry):
            prefixes.add(start_prefix(entry))
        else:
            raise _Unfit("starts", f"{entry!r} is no lower-case word, \"#\" or known %FRAGMENT%")
    return tuple(sorted(prefixes))


def _pattern(pieces: list[str], starts: tuple[str, ...] | None) -> re.Pattern[str]:
    source = "".join(pieces)
    known = fragments()
    missing = [name for name in _FRAGMENT.findall(source) if name not in known]
    if missing:
        raise _Unfit("pattern", f"no fragment %{missing[0]}% (known: {', '.join(sorted(known))})")
    try:
        return compile_pattern(source, starts)
    except re.error as exc:
        raise _Unfit("pattern", f"not a regular expression: {exc}") from None


def _needed(entry: str) -> list[str]:
    """The words a `needs` entry stands for: itself, or a word list of timex.toml."""
    if not entry.startswith("@"):
        return [entry]
    v = vocabulary()
    lists = {"@numbers": list(v.numbers), "@frequencies": list(v.frequencies)}
    if entry not in lists:
        raise _Unfit("needs", f"no word list {entry!r} (known: {', '.join(sorted(lists))})")
    return lists[entry]
