"""The pieces the rules are written with, and how the tagger sees the start of a word.

`fragments()` are the `%NAME%` parts of the rules' patterns (`%MONTH%`, `%NUM%` ...), built
from the word lists of `data/timex.toml`; each knows the words it can begin with, so a rule
can declare its starts by fragment. `words_only` is the view of the text the candidate
search scans (lower case, punctuation as spaces, digits as "0"); a word's *start prefix*
(`start_prefix`) is how a rule's start is compared with a word of that view, and
`start_pattern` is the same comparison as a regular expression on the text itself, so that a
rule's pattern can be held to its declared starts.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from .vocabulary import vocabulary

_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~’‘“”—–\u00a0\n\t\r\f\v"
# the lower-cased text with punctuation made spaces and digits zeros: "1990s" is "0000s"
WORDS_ONLY = str.maketrans({**dict.fromkeys(_PUNCTUATION, " "), **dict.fromkeys("123456789", "0")})


def words_only(text: str) -> str:
    """The text lower-cased, punctuation made spaces, digits zeros, other characters "?" or
    spaces: same length, so offsets carry over; ASCII, so translating is fast."""
    return text.encode("ascii", "replace").decode("ascii").lower().translate(WORDS_ONLY)


# --- start prefixes ----------------------------------------------------------------------

PREFIX = 6          # letters of a word a start prefix keeps
DIGIT = "0"         # the start prefix of anything that begins with a digit


def start_prefix(word: str) -> str:
    """How a match beginning with `word` begins, in the words_only view: its first word, cut
    to PREFIX letters, with a space if the word ends sooner ("a " is the word "a", "januar"
    any word so beginning); a digit is DIGIT whatever follows. A word of the text is taken
    where the prefix is a start of the word plus a space."""
    first = words_only(word).split()[0]
    return DIGIT if first[0] == DIGIT else (first + " ")[:PREFIX]


def _shown_as() -> dict[str, str]:
    """What words_only makes of each character -> the characters it makes so (ASCII only:
    the others all become spaces)."""
    shown: dict[str, str] = {}
    for char in map(chr, range(128)):
        shown[words_only(char)] = shown.get(words_only(char), "") + char
    return shown


_SHOWN_AS = _shown_as()
# what continues a word in the words_only view (str.split() ends it at anything else)
_IN_A_WORD = "".join(chars for shown, chars in _SHOWN_AS.items() if not shown.isspace())


def start_pattern(prefixes: Iterable[str]) -> str:
    """A regex that matches at a position of the text exactly where the words_only word there,
    plus a space, begins with one of `prefixes` (the test `candidates._rules_at` makes); case
    is matched by the character classes, so the pattern's own flags do not change it."""
    return "(?-i:" + trie(sorted(set(prefixes)), _start_char) + ")"


def _start_char(char: str) -> str:
    if char == " ":
        return f"(?![{_escape(_IN_A_WORD)}])"      # the word ends: a space, punctuation, the end
    return f"[{_escape(_SHOWN_AS[char])}]"


def _escape(chars: str) -> str:
    return "".join(c if c.isalnum() else f"\\x{ord(c):02x}" for c in chars)


def trie(words: list[str], render: Callable[[str], str] = re.escape) -> str:
    """A regex alternation of words factored by common prefixes (fast to scan); `render`
    writes one character."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(tree, render)


def _trie_node(node: dict[str, Any], render: Callable[[str], str]) -> str:
    branches = [render(char) + _trie_node(child, render) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


# --- fragments ---------------------------------------------------------------------------

class Fragment(NamedTuple):
    """A `%NAME%` piece of the rules' patterns and the start prefixes of its matches."""

    pattern: str
    starts: frozenset[str]


def _phrase(word: str) -> str:
    """A word or phrase as a regex: a space matches any run of space, ' either apostrophe."""
    return re.escape(word).replace(r"\ ", r"\s+").replace("'", "['’]")


def _words(words: Iterable[str], ordered: bool = False) -> Fragment:
    """Words as an alternation, longest first (or in the order given)."""
    forms = list(words) if ordered else sorted(set(words), key=lambda w: (-len(w), w))
    return Fragment("|".join(_phrase(w) for w in forms), frozenset(start_prefix(w) for w in forms))


def _cased(words: list[str]) -> Fragment:
    """Capitalised or upper-case forms only, whatever the pattern's flags."""
    inner = _words([w.title() for w in words] + [w.upper() for w in words])
    return Fragment("(?-i:" + inner.pattern + ")", inner.starts)


def _group(*parts: Fragment | str, after: str = "") -> Fragment:
    """Alternatives in a non-capturing group (a plain string is a digits-only piece)."""
    pieces = [p if isinstance(p, Fragment) else Fragment(p, frozenset({DIGIT})) for p in parts]
    return Fragment("(?:" + "|".join(p.pattern for p in pieces) + ")" + after,
                    frozenset().union(*(p.starts for p in pieces)))


_UNITS = ("millennium", "millennia", "century", "centuries", "decades", "decade", "years", "year",
          "months", "month", "quarters", "quarter", "fortnights", "fortnight", "weeks", "week", "days",
          "day", "hours", "hour", "minutes", "minute", "seconds", "second")
# modifiers of a duration, in the order they are tried ("just" before "just over")
_DURATION_MODIFIERS = (
    "about", "around", "approximately", "roughly", "nearly", "almost", "more than", "less than",
    "fewer than", "over", "under", "at least", "at most", "up to", "no more than", "no less than",
    "not more than", "just", "only", "some", "barely", "exactly", "within", "upwards of", "close to",
    "well over", "just over", "just under", "an estimated")
_NOT_BEFORE_THE = r"(?!\s+the\b)"     # "over the weekend" is no duration modifier


@lru_cache(maxsize=1)
def fragments() -> dict[str, Fragment]:
    """The fragments by name, built from the word lists of timex.toml."""
    v = vocabulary()
    numwords = _numwords([w for w in v.numbers if " " not in w and w not in ("a", "an", "single")]
                         + ["thousand"])
    return {
        "MONTH": _month(), "WEEKDAY": _weekday(), "NUMWORDS": numwords,
        "NUM": _group(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?",
                      _words(("a couple of", "couple of", "a dozen", "half a dozen"), ordered=True),
                      numwords, _words(("an", "a", "single"), ordered=True)),
        "UNIT": _group(_words(_UNITS, ordered=True)),
        "DAY": _group(r"3[01]|[12]\d|0?[1-9]",
                      after=r"(?:st|nd|rd|th)?(?!\d|[.,:/]\d|\s*(?:%|percent|per\s+cent|million|billion))"),
        "YEAR": Fragment(r"(?<![\d,.$£€])(?:1\d|20)\d\d(?!\d|[.,]\d)", frozenset({DIGIT})),
        "VAGUE": _group(_words(v.vague)),
        "PART": _words([p for p in v.parts if p != "overnight"]),
        "SEASON": _words(v.seasons), "ORD": _words(v.ordinals), "HOLIDAY": _words(v.holidays),
        "FREQ": _words(v.frequencies), "REF": _words(v.references),
        "DMOD": _group(_duration_modifiers()),
    }


def _month() -> Fragment:
    v = vocabulary()
    full = [w for w in v.months if len(w) > 4 or w in ("june", "july")]
    plain = [w for w in full if w not in v.ambiguous_months]
    abbreviations = [w for w in v.months if w not in full and w not in v.ambiguous_months]
    abbreviated = _cased(abbreviations)
    return _group(_words(plain), _cased(sorted(v.ambiguous_months)),
                  abbreviated._replace(pattern=abbreviated.pattern + r"(?:\.|(?=\s*\d))"))


def _weekday() -> Fragment:
    v = vocabulary()
    short = _cased([w for w in v.weekdays if len(w) <= 5])
    return _group(_words([w for w in v.weekdays if len(w) > 5]), short._replace(pattern=short.pattern + r"\."))


def _numwords(atoms: list[str]) -> Fragment:
    """Numbers in words: "twenty-four", "one hundred and five". Bounded: "one hundred and
    twenty-five thousand three hundred" is 7 words; an unbounded repeat rescanned a run of
    number words from each of its words (quadratic)."""
    words = _words(atoms)
    return Fragment(f"(?:{words.pattern})(?:[\\s-]+(?:and[\\s-]+)?(?:{words.pattern})){{0,9}}", words.starts)


def _duration_modifiers() -> Fragment:
    words = _words(_DURATION_MODIFIERS, ordered=True)
    pattern = "|".join(_phrase(w) + (_NOT_BEFORE_THE if w in ("over", "under") else "")
                       for w in _DURATION_MODIFIERS)
    return words._replace(pattern=pattern)
