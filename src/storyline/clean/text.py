"""The text-level cleaner: drops appeals, prompts, captions and link junk by data rules.

Works on paragraphs (non-empty lines). Rules come from `data/cleaning.toml`; this module
only knows the rule kinds (tail, run, line, inline, repeat), never a site or a phrase.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..datafiles import ArrayOf, Key, Table, load_toml
from ..model import Removed

_SENTENCE_END = re.compile(r"[.!?][\"”’')]*\s+[A-Z“\"]")
_SPACES = re.compile(r"[ \t]{2,}")
MAX_PASSES = 8  # inline passes over one paragraph: real text needs two at most


@dataclass(frozen=True)
class LineRule:
    name: str
    reason: str
    pattern: re.Pattern[str]
    max_words: int | None = None
    single_sentence: bool = False
    unless: re.Pattern[str] | None = None

    def matches(self, paragraph: str) -> bool:
        if self.max_words is not None and len(paragraph.split()) > self.max_words:
            return False
        if self.single_sentence and _SENTENCE_END.search(paragraph):
            return False
        if self.unless is not None and self.unless.search(paragraph):
            return False
        return self.pattern.search(paragraph) is not None


@dataclass(frozen=True)
class TailRule:
    name: str
    reason: str
    start: re.Pattern[str]
    end: re.Pattern[str] | None
    max_paragraphs: int


@dataclass(frozen=True)
class RunRule:
    """Consecutive short paragraphs that do not end like a sentence: a list of links or
    headlines, a byline block. Prose ends its paragraphs with a full stop; a lone short one is
    a sub-heading, so only runs of `min_paragraphs` or more go. `at` says where a run may be:
    `head` (before the report's first sentence), `tail` (after its last), or `anywhere`.
    A member also has at least `min_capitalised` of its words capitalised."""

    name: str
    reason: str
    max_words: int
    min_paragraphs: int
    max_paragraphs: int
    sentence_end: re.Pattern[str]
    at: str = "anywhere"
    min_capitalised: float = 0.0

    def member(self, paragraph: str) -> bool:
        words = paragraph.split()
        return (len(words) <= self.max_words and not self.sentence_end.search(paragraph)
                and capitalised_share(words) >= self.min_capitalised)

    def placed(self, start: int, end: int, total: int) -> bool:
        """A run of paragraphs `start`..`end` (exclusive) of `total` is where this rule looks."""
        return {"head": start == 0, "tail": end == total}.get(self.at, True)


@dataclass(frozen=True)
class InlineRule:
    name: str
    reason: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Rules:
    tail: tuple[TailRule, ...]
    run: tuple[RunRule, ...]
    line: tuple[LineRule, ...]
    inline: tuple[InlineRule, ...]
    repeat: tuple[tuple[str, str], ...]


def capitalised_share(words: list[str]) -> float:
    """The share of `words` (those with a letter) whose first letter is a capital: near 1 in
    names, titles and outlets ("Jane Roe and John Doe", "THE DAILY PLANET"), low in prose."""
    firsts = [next((c for c in word if c.isalpha()), "") for word in words]
    letters = [c for c in firsts if c]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _compile(value: str | None) -> re.Pattern[str] | None:
    return re.compile(value) if value else None


_NAMED = {"name": Key(str, required=True), "reason": Key(str, required=True)}
SCHEMA = Table({
    "tail": ArrayOf(Table({**_NAMED, "start": Key(str, required=True), "end": Key(str), "max_paragraphs": Key(int)})),
    "run": ArrayOf(Table({**_NAMED, "max_words": Key(int, required=True), "min_paragraphs": Key(int, required=True),
                          "max_paragraphs": Key(int, required=True), "sentence_end": Key(str, required=True),
                          "at": Key(str, choices=frozenset({"head", "tail", "anywhere"})),
                          "min_capitalised": Key((float, int))})),
    "line": ArrayOf(Table({**_NAMED, "pattern": Key(str, required=True), "max_words": Key(int),
                           "single_sentence": Key(bool), "unless": Key(str)})),
    "inline": ArrayOf(Table({**_NAMED, "pattern": Key(str, required=True)})),
    "repeat": ArrayOf(Table(_NAMED)),
})


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Read and compile `data/cleaning.toml` once per process."""
    raw = load_toml("cleaning.toml", SCHEMA)
    return Rules(
        tail=tuple(
            TailRule(r["name"], r["reason"], re.compile(r["start"]), _compile(r.get("end")), r.get("max_paragraphs", 15))
            for r in raw.get("tail", [])
        ),
        run=tuple(
            RunRule(r["name"], r["reason"], r["max_words"], r["min_paragraphs"], r["max_paragraphs"],
                    re.compile(r["sentence_end"]), r.get("at", "anywhere"), float(r.get("min_capitalised", 0.0)))
            for r in raw.get("run", [])
        ),
        line=tuple(
            LineRule(
                r["name"], r["reason"], re.compile(r["pattern"]), r.get("max_words"),
                r.get("single_sentence", False), _compile(r.get("unless")),
            )
            for r in raw.get("line", [])
        ),
        inline=tuple(InlineRule(r["name"], r["reason"], re.compile(r["pattern"])) for r in raw.get("inline", [])),
        repeat=tuple((r["name"], r["reason"]) for r in raw.get("repeat", [])),
    )


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def clean_text(text: str, title: str | None = None, rules: Rules | None = None) -> tuple[str, tuple[Removed, ...]]:
    """Return the cleaned text (paragraphs joined by blank lines) and what was removed."""
    rules = rules or load_rules()
    paras = paragraphs(text)
    removed: list[Removed] = []
    paras = _drop_tail(paras, rules.tail, removed)
    paras = _drop_repeated_title(paras, title, rules.repeat, removed)
    kept: list[str] = []
    for para in paras:
        rule = next((r for r in rules.line if r.matches(para)), None)
        if rule is not None:
            removed.append(Removed(para, rule.reason, rule.name))
            continue
        para = _strip_inline(para, rules.inline, removed)
        if para:
            kept.append(para)
    for run in rules.run:  # last: the lines between a list's items ("Advertisement") are gone
        kept = _drop_runs(kept, run, removed)
    return "\n\n".join(kept), tuple(removed)


def _drop_tail(paras: list[str], rules: tuple[TailRule, ...], removed: list[Removed]) -> list[str]:
    for rule in rules:
        for index, para in enumerate(paras):
            if not rule.start.search(para) or len(paras) - index - 1 > rule.max_paragraphs:
                continue
            stop = _tail_end(paras, index, rule)
            removed.append(Removed("\n".join(paras[index:stop]), rule.reason, rule.name))
            paras = paras[:index] + paras[stop:]
            break
    return paras


def _tail_end(paras: list[str], index: int, rule: TailRule) -> int:
    if rule.end is None:
        return len(paras)
    for later in range(index, len(paras)):
        if rule.end.search(paras[later]):
            return later + 1
    return len(paras)


def _drop_runs(paras: list[str], rule: RunRule, removed: list[Removed]) -> list[str]:
    """`paras` without the runs of `rule.min_paragraphs` to `rule.max_paragraphs` consecutive
    members where the rule looks. A longer run and a text that is all one run are the page's
    own list (a schedule, tour dates), not boilerplate."""
    kept: list[str] = []
    start = 0
    for end in range(len(paras) + 1):
        if end < len(paras) and rule.member(paras[end]):
            continue
        whole = start == 0 and end == len(paras)
        if rule.min_paragraphs <= end - start <= rule.max_paragraphs and not whole and rule.placed(start, end, len(paras)):
            removed.append(Removed("\n".join(paras[start:end]), rule.reason, rule.name))
        else:
            kept += paras[start:end]
        kept += paras[end:end + 1]
        start = end + 1
    return kept


def _drop_repeated_title(
    paras: list[str], title: str | None, rules: tuple[tuple[str, str], ...], removed: list[Removed]
) -> list[str]:
    if not rules or not title or not paras or paras[0].strip().casefold() != title.strip().casefold():
        return paras
    name, reason = rules[0]
    removed.append(Removed(paras[0], reason, name))
    return paras[1:]


def _strip_inline(para: str, rules: tuple[InlineRule, ...], removed: list[Removed]) -> str:
    for rule in rules:
        para = _strip_rule(para, rule, removed)
    return para


def _strip_rule(para: str, rule: InlineRule, removed: list[Removed]) -> str:
    """Every match of `rule`, removed in one left-to-right pass (linear: searching again from
    the start after each removal was quadratic in the matches); again while a removal joined
    text into a new match, at most `MAX_PASSES` times."""
    group = "junk" if "junk" in rule.pattern.groupindex else 0
    for _ in range(MAX_PASSES):
        pieces: list[str] = []
        last = 0
        for match in rule.pattern.finditer(para):
            start, end = match.span(group)
            if start == end:  # nothing to remove: the rule is done with this paragraph
                return _SPACES.sub(" ", "".join(pieces) + para[last:]).strip() if pieces else para
            removed.append(Removed(para[start:end].strip(), rule.reason, rule.name))
            pieces += [para[last:start], " "]
            last = end
        if not pieces:
            return para
        para = _SPACES.sub(" ", "".join(pieces) + para[last:]).strip()
    return para
