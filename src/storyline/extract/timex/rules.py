"""The rules of the time tagger (`data/timex_rules.toml`), compiled once.

A rule is a regular expression whose `%NAME%` fragments are built from the word lists of
`data/timex.toml`, with the builder that reads its match (`builders.BUILDERS`, by the rule's
name) and what the candidate search needs to try it sparingly: how many words before its
trigger a match may start (`reach`), which words it can start with, and the words that must
be near. `words_only` is the view of the text the search scans.
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ...datafiles import ArrayOf, Key, Table, error_at, load_toml, read_text
from .builders import BUILDERS
from .sense import Builder
from .vocabulary import vocabulary


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
    numwords = f"(?:{atoms})(?:[\\s-]+(?:and[\\s-]+)?(?:{atoms}))*"
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


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A rule's pattern with its fragments filled in, case-insensitive."""
    fragments = _fragments()
    expanded = re.sub(r"%([A-Z]+)%", lambda m: fragments[m.group(1)], pattern)
    return re.compile(expanded, re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """One rule of timex_rules.toml, compiled; `priority` is its place in the file."""

    name: str
    pattern: re.Pattern[str]
    build: Builder
    priority: int
    reach: int                         # how many words a match may start before its trigger
    starts: tuple[str, ...] | None     # how a match can begin (first letters), None: anyhow
    needs: frozenset[str]              # words one of which must be near the trigger ("#": a number)
    needs_after: frozenset[str]        # words one of which must come right after the trigger
    needs_chars: tuple[str, ...]       # characters one of which must be just around the trigger


RULES_FILE = "timex_rules.toml"
_WORDS = Key(list, items=str)
RULES_SCHEMA = Table({"rule": ArrayOf(Table({
    "name": Key(str, required=True), "reach": Key(int, required=True),
    "pattern": Key(list, required=True, items=str),
    "needs": _WORDS, "needs_after": _WORDS, "needs_chars": _WORDS,
}), required=True)})
_FRAGMENT = re.compile(r"%([A-Z]+)%")


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
    pattern = _pattern(item["pattern"])
    needs = frozenset(word for entry in item.get("needs", ()) for word in _needed(entry))
    chars = tuple(item.get("needs_chars", ()))
    if any(len(char) != 1 for char in chars):
        raise _Unfit("needs_chars", "expected single characters")
    return Rule(item["name"], pattern, build, rank, item["reach"], first_letters(pattern), needs,
                frozenset(item.get("needs_after", ())), chars)


def _pattern(pieces: list[str]) -> re.Pattern[str]:
    source = "".join(pieces)
    known = _fragments()
    missing = [name for name in _FRAGMENT.findall(source) if name not in known]
    if missing:
        raise _Unfit("pattern", f"no fragment %{missing[0]}% (known: {', '.join(sorted(known))})")
    try:
        return compile_pattern(source)
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


_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~’‘“”—–\u00a0\n\t\r\f\v"
# the lower-cased text with punctuation made spaces and digits zeros: "1990s" is "0000s"
WORDS_ONLY = str.maketrans({**{c: " " for c in _PUNCTUATION}, **{c: "0" for c in "123456789"}})


def trie(words: list[str]) -> str:
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


def words_only(text: str) -> str:
    """The text lower-cased, punctuation made spaces, digits zeros, other characters "?" or
    spaces: same length, so offsets carry over; ASCII, so translating is fast."""
    return text.encode("ascii", "replace").decode("ascii").lower().translate(WORDS_ONLY)
