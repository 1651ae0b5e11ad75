"""Casualties: how many an event killed and wounded, as its own clause states it.

ACLED's core number. A casualty word (a verb like "killed", a noun like "deaths" or "57 dead",
a "death toll") governs a number phrase; the phrase's words are resolved to a range
(`resolve`: "dozens" = 24..99, "at least 57" = 57..open); the parse then says which event the
count belongs to: the event word is the casualty verb's subject ("the attack killed 12"), the
object of its preposition ("dozens were injured in the clashes"), the verb or noun its
participle or relative clause hangs on ("struck the town, killing 12", "a bombing that left 57
dead"), or a clause of time on it ("died when police opened fire"). The walk stops at the
first event it meets, so a count that belongs to another event of the sentence ("came a week
after a raid that killed 12") never reaches this one. Words and rules: `data/casualties.toml`.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from ..datafiles import Key, Path, Table, error_at, loads_toml, read_text
from ..model import Casualties, Count, Event
from ..ontology import PLOVER_TYPES

NAME = "casualties.toml"
HEDGE_KINDS = frozenset({"exact", "at_least", "more_than", "up_to", "below", "range"})
KINDS = ("killed", "wounded")
_WORDS = Key(list, items=str, required=True)
_SIDE = Table({"verbs": _WORDS, "intransitive": _WORDS, "nouns": _WORDS, "adjectives": _WORDS}, required=True)
_SCHEMA = Table({
    "event_types": Key(list, items=str, required=True, choices=frozenset(PLOVER_TYPES)),
    "numbers": Table(other=Key(int), required=True),
    "multipliers": Table(other=Key(int), required=True),
    "vague": Table(other=Key(list, items=int), required=True),
    "hedges": Table(other=Key(str, choices=HEDGE_KINDS), required=True),
    "killed": _SIDE, "wounded": _SIDE,
    "lives": Table({"verbs": _WORDS}, required=True),
    "links": Table(dict.fromkeys(("result_verbs", "toll_nouns", "toll_preps", "event_preps", "clause_marks",
                                 "negators"), _WORDS),
                   required=True),
})
# A real sentence states a few counts; a list or junk the parser could not split ("killed 5 and
# killed 5 and ...") must not make the walk quadratic.
MAX_MENTIONS = 32
MAX_COORDINATED = 8
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[^\W\d_]+|[-\u2013\u2014]")
NumberRange = tuple[int | None, int | None]


@dataclass(frozen=True)
class Side:
    """The words of one kind of casualty (killed or wounded)."""

    verbs: frozenset[str]
    intransitive: frozenset[str]
    nouns: frozenset[str]
    adjectives: frozenset[str]


@dataclass(frozen=True)
class Rules:
    event_types: frozenset[str]
    numbers: dict[str, int]
    multipliers: dict[str, int]
    vague: dict[tuple[str, ...], tuple[int, int]]
    hedges: dict[tuple[str, ...], str]
    sides: dict[str, Side]
    life_verbs: frozenset[str]
    links: dict[str, frozenset[str]]

    def kind_of(self, word: str, part: str) -> str | None:
        """killed / wounded for a lemma used as `part` (verbs, intransitive, nouns, adjectives)."""
        return next((kind for kind, side in self.sides.items() if word in getattr(side, part)), None)


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The words of data/casualties.toml."""
    return build_rules(read_text(NAME))


def build_rules(text: str, name: str = NAME) -> Rules:
    """The rules of a casualties.toml text, checked (schema; words lower case; vague ranges of
    two ordered numbers); `name` is the file its errors name."""
    raw = loads_toml(name, text, _SCHEMA)
    for path, message in _problems(raw):
        raise error_at(name, text, path, message)
    return Rules(
        event_types=frozenset(raw["event_types"]), numbers=dict(raw["numbers"]), multipliers=dict(raw["multipliers"]),
        vague={tuple(k.split()): (v[0], v[1]) for k, v in raw["vague"].items()},
        hedges={tuple(k.split()): v for k, v in raw["hedges"].items()},
        sides={kind: Side(*(frozenset(raw[kind][part]) for part in ("verbs", "intransitive", "nouns", "adjectives")))
               for kind in KINDS},
        life_verbs=frozenset(raw["lives"]["verbs"]),
        links={name: frozenset(words) for name, words in raw["links"].items()},
    )


def _problems(raw: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    for table in ("numbers", "multipliers", "vague", "hedges"):
        for word in raw[table]:
            if word != " ".join(word.lower().split()):
                yield (table, word), f"{word!r} is not lower case with single spaces"
    for word, bounds in raw["vague"].items():
        if len(bounds) != 2 or bounds[0] > bounds[1]:
            yield ("vague", word), f"{word!r} needs [min, max] with min <= max"
    for kind in (*KINDS, "lives", "links"):
        for part, words in raw[kind].items():
            bad = next((w for w in words if w != w.lower()), None)
            if bad is not None:
                yield (kind, part), f"{bad!r} is not lower case"


# ---------------------------------------------------------------- resolving a number phrase

def words_of(text: str) -> list[str]:
    """The words of a number phrase, lower case; a dash between two digits is "to" ("10-15"),
    elsewhere it joins ("twenty-five")."""
    raw = _TOKEN.findall(text.lower())
    out: list[str] = []
    for i, word in enumerate(raw):
        if word in "-\u2013\u2014":
            if 0 < i < len(raw) - 1 and raw[i - 1][0].isdigit() and raw[i + 1][0].isdigit():
                out.append("to")
            continue
        out.append(word)
    return out


def read_number(words: Sequence[str], table: Rules | None = None) -> int | None:
    """An exact number: digits ("10,000", "1.5 million") or number words ("two hundred and
    fifty", "a dozen"); None when any word is not part of one."""
    r = table or rules()
    total, current, seen = 0, 0.0, False
    for index, word in enumerate(words):
        if word[0].isdigit():
            try:
                current, seen = float(word.replace(",", "")), True
            except ValueError:
                return None
        elif word in r.numbers:
            current, seen = current + r.numbers[word], True
        elif word in ("a", "an") and index == 0:
            current = 1
        elif word in r.multipliers and (seen or current):
            current, seen = current * r.multipliers[word], True
            if r.multipliers[word] >= 1000:
                total, current = total + int(current), 0
        elif word != "and" or not seen:
            return None
    return int(total + current) if seen else None


def _vague(words: Sequence[str], r: Rules) -> tuple[int, int] | None:
    """A quantity without a number: "dozens", "several hundred", "tens of thousands"."""
    for cut in range(len(words), 0, -1):
        bounds = r.vague.get(tuple(words[:cut]))
        if bounds is None:
            continue
        rest = [w for w in words[cut:] if w != "of"]
        if not rest:
            return bounds
        unit = r.multipliers.get(rest[0]) or r.multipliers.get(rest[0].removesuffix("s"))
        if len(rest) == 1 and unit:
            return bounds[0] * unit, bounds[1] * unit
        return None
    return None


def _value(words: Sequence[str], r: Rules) -> tuple[int, int] | None:
    number = read_number(words, r)
    return (number, number) if number is not None else _vague(words, r)


def resolve(text: str, table: Rules | None = None) -> NumberRange | None:
    """The range a number phrase states ("at least 57" -> (57, None), "dozens" -> (24, 99),
    "between 10 and 15" -> (10, 15), "up to 40" -> (None, 40)); None when it states none."""
    r = table or rules()
    words = words_of(text)
    hedge = "exact"
    for cut in range(min(3, len(words) - 1), 0, -1):
        if tuple(words[:cut]) in r.hedges:
            hedge, words = r.hedges[tuple(words[:cut])], words[cut:]
            break
    for sep in ("to", "and", "or"):
        if sep in words[1:-1] and (hedge == "range" or sep != "and"):
            at = words.index(sep, 1)
            low, high = _value(words[:at], r), _value(words[at + 1:], r)
            if low is not None and high is not None and low[0] <= high[1]:
                return low[0], high[1]
    value = _value(words, r) if hedge != "range" else None   # "between 10" and no other end
    return None if value is None else _hedged(hedge, value)


def _hedged(hedge: str, value: tuple[int, int]) -> NumberRange:
    low, high = value
    exact = low == high
    if hedge == "at_least":
        return low, None
    if hedge == "more_than":
        return (low + 1 if exact else low), None
    if hedge == "up_to":
        return None, high
    if hedge == "below":
        return None, (high - 1 if exact else high)
    return low, high


# ---------------------------------------------------------------- number phrases in the parse

def _is_number(token: Token, r: Rules) -> bool:
    """A word that can head a count. The tagger's DATE on a bare figure is not trusted: in a
    slot that holds the victims ("killing 8, a month after") it is a number."""
    word = token.lower_
    if token.ent_type_ in _NOT_COUNTS or (token.ent_type_ in ("DATE", "TIME") and not word.isdigit()):
        return False
    return (token.like_num or token.ent_type_ == "CARDINAL" or word in r.numbers or word in r.multipliers
            or any(key[0] == word for key in r.vague))


_NOT_COUNTS = ("MONEY", "PERCENT", "ORDINAL", "QUANTITY")
_JOINERS = ("and", "to", "or", "-", "\u2013", "of", "a", "an")


def count_at(token: Token, r: Rules | None = None) -> Count | None:
    """The count a number token heads, with its hedge and range ("at least 57", "between 10
    and 15", "up to 40", "tens of thousands"), resolved; offsets are the doc's (the article's)."""
    r = r or rules()
    doc = token.doc
    start, end = token.left_edge.i, token.i + 1
    while end < len(doc) and doc[end].head.i in range(start, end + 1) and doc[end].i <= token.right_edge.i \
            and (_is_number(doc[end], r) or doc[end].lower_ in _JOINERS):
        end += 1
    ent = next((e for e in doc.ents if e.start <= token.i < e.end and e.label_ == "CARDINAL"), None)
    if ent is not None:
        start, end = min(start, ent.start), max(end, ent.end)
    while end > token.i + 1 and doc[end - 1].lower_ in _JOINERS:
        end -= 1
    for first in range(_hedge_start(doc, start, r), token.i + 1):   # "another 12": the words that resolve
        if first > 0 and doc[first - 1].lower_ in r.links["negators"]:
            return None   # "no one was killed", "not one person": no count
        span = doc[first:end]
        bounds = resolve(span.text, r)
        if bounds is not None:
            return Count(bounds[0], bounds[1], span.text, span.start_char, span.end_char)
    return None


def _hedge_start(doc: Doc, start: int, r: Rules) -> int:
    """Take in a hedge the parser left outside the number's subtree ("killed up to 40")."""
    for size in (3, 2, 1):
        words = tuple(t.lower_ for t in doc[max(0, start - size):start])
        if len(words) == size and (words in r.hedges or (size == 1 and words[0] in ("a", "an")
                                                         and doc[start].lower_ in r.multipliers)):
            return start - size
    return start


def _number_of(np: Token, r: Rules) -> Token | None:
    """The number token of a noun phrase: the phrase itself ("killed 12", "dozens were hurt"),
    its number modifier ("130 people", "several people"), or that of its "of" object ("the
    lives of 14 people")."""
    if _is_number(np, r):
        return np
    for child in np.children:
        if child.dep_ in ("nummod", "quantmod", "amod") and _is_number(child, r):
            return child
    for prep in np.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.i != np.i:
                    child_number = next((c for c in obj.children if c.dep_ in ("nummod", "quantmod", "amod")
                                         and _is_number(c, r)), None)
                    if _is_number(obj, r) or child_number is not None:
                        return obj if _is_number(obj, r) else child_number
    return None


# ---------------------------------------------------------------- casualty words in a sentence

@dataclass(frozen=True)
class Mention:
    """One stated count: its kind, the word it hangs on (where the walk to its event starts),
    and, for a toll, the event its own preposition names ("the toll from the bombing")."""

    kind: str
    count: Count
    anchor: Token
    toll: bool = False


def mentions(sent: Span, r: Rules | None = None) -> list[Mention]:
    """Every killed or wounded count the sentence states, in text order."""
    r = r or rules()
    out: list[Mention] = []
    for token in sent:
        found = _verb_mention(token, r) or _noun_mention(token, r) or _toll_mention(token, r)
        if found is not None:
            out.append(found)
            if len(out) == MAX_MENTIONS:
                break
    return out


def _verb_mention(verb: Token, r: Rules) -> Mention | None:
    """ "killed 130 people", "dozens were injured", "30 people died", "left 12 people dead",
    "shot three protesters dead"."""
    if verb.pos_ not in ("VERB", "AUX", "ADJ"):
        return None
    lemma = verb.lemma_.lower()
    kind = r.kind_of(lemma, "verbs") or r.kind_of(lemma, "intransitive")
    slots = ["dobj", "nsubjpass"]
    if kind is None and lemma in r.links["result_verbs"]:
        kind = _result_state(verb, r)
    elif kind is not None and (r.kind_of(lemma, "intransitive") or _participle(verb)):
        slots.append("nsubj")   # "30 people died", "12 killed and 30 wounded"
    if kind is None:
        return None
    for child in verb.children:
        number = _number_of(child, r) if child.dep_ in slots else None
        count = count_at(number, r) if number is not None else None
        if count is not None:
            return Mention(kind, _with_coordinated(count, child, verb, r), verb)
    return None


def _with_coordinated(count: Count, np: Token, verb: Token, r: Rules) -> Count:
    """ "killed five police officers and at least two bystanders": the counts of coordinated
    groups of victims add up (an open bound stays open); the parser hangs the second group on
    the noun or on the verb. A coordinated casualty word is its own count ("57 dead and 100
    wounded")."""
    counts, last = [count], np
    others = [*np.conjuncts] if np.pos_ in ("NOUN", "PROPN", "NUM") else []
    others += [c for c in verb.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]
    for other in sorted(others, key=lambda t: t.i):
        if other.i < np.i or r.kind_of(other.lemma_.lower(), "nouns") or r.kind_of(other.lower_, "adjectives"):
            continue
        number = _number_of(other, r)
        more = count_at(number, r) if number is not None and number is not np else None
        if more is not None:
            counts.append(more)
            last = other
    if len(counts) == 1:
        return count
    low = None if any(c.min is None for c in counts) else sum(c.min or 0 for c in counts)
    high = None if any(c.max is None for c in counts) else sum(c.max or 0 for c in counts)
    start, end = counts[0].start, last.right_edge.idx + len(last.right_edge)
    return Count(low, high, np.doc.text[start:end], start, end)


def _result_state(verb: Token, r: Rules) -> str | None:
    """The state a result verb gives its object: "left 12 people dead" (as the parse hangs it on
    the verb, or as the word right after the object: "leaving 14 soldiers wounded")."""
    states = [c for c in verb.children if c.dep_ in ("oprd", "acomp", "ccomp", "xcomp", "advmod", "amod")]
    doc = verb.doc
    states += [doc[o.right_edge.i + 1] for o in verb.children if o.dep_ == "dobj" and o.right_edge.i + 1 < len(doc)]
    return next((k for s in states for k in [r.kind_of(s.lemma_.lower(), "adjectives") or r.kind_of(s.lower_, "adjectives")]
                 if k), None)


def _participle(verb: Token) -> bool:
    """ "30 wounded": a bare participle whose subject is what it happened to."""
    return verb.tag_ == "VBN" and not any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)


def _noun_mention(noun: Token, r: Rules) -> Mention | None:
    """ "12 deaths", "at least 57 dead", "dozens of injuries", "claimed 14 lives", "the lives
    of 14 people", "the killing of nine protesters", "left 57 dead and 100 wounded"."""
    lemma = noun.lemma_.lower()
    if noun.pos_ in ("NOUN", "PROPN", "ADJ"):
        kind = r.kind_of(lemma, "nouns") or r.kind_of(noun.lower_, "nouns")
    else:   # "wounded", "injured" tagged as a participle but used as a noun ("100 wounded")
        kind = r.kind_of(noun.lower_, "nouns") if noun.dep_ in ("oprd", "conj", "dobj", "attr") else None
    if kind is None and lemma == "life" and noun.head.lemma_.lower() in r.life_verbs:
        kind = "killed"
    if kind is None:
        return None
    number = _number_of(noun, r) if not _is_number(noun, r) else None
    if number is None and noun.dep_ == "pobj" and noun.head.lower_ == "of" and _is_number(noun.head.head, r):
        number = noun.head.head   # "dozens of injuries"
    before = noun.doc[noun.i - 1] if noun.i > noun.sent.start else None
    if number is None and before is not None and noun.dep_ not in ("amod", "compound") and _is_number(before, r):
        number = before   # "57 dead and more than 100 wounded": the parser hung 100 on "dead"
    count = count_at(number, r) if number is not None else None
    return Mention(kind, count, noun) if count is not None else None


def _toll_mention(toll: Token, r: Rules) -> Mention | None:
    """ "the death toll rose to 40 (from 31)", "stood at 40", "reached 40", "a toll of 40",
    "raising the toll to 40": a revised toll gives its new figure."""
    if toll.lemma_.lower() not in r.links["toll_nouns"] or toll.pos_ != "NOUN":
        return None
    kind = next((k for c in toll.children if c.dep_ in ("compound", "amod")
                 for k in [r.kind_of(c.lemma_.lower(), "nouns")] if k), "killed")
    verb = toll.head if toll.dep_ in ("nsubj", "nsubjpass", "dobj") else None
    holders = [toll] + ([verb] if verb is not None else [])
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ in r.links["toll_preps"]:
                numbers = [o for o in child.children if o.dep_ == "pobj" and _is_number(o, r)]
            elif holder is verb and child.dep_ in ("dobj", "attr") and toll.dep_ != "dobj":
                numbers = [n for n in [_number_of(child, r)] if n is not None]
            else:
                continue
            count = count_at(numbers[0], r) if numbers else None
            if count is not None:
                return Mention(kind, count, toll, toll=True)
    return None


# ---------------------------------------------------------------- which event a count belongs to

_NOMINAL = ("dobj", "nsubj", "nsubjpass", "pobj", "prep", "attr", "oprd", "appos", "conj", "npadvmod", "agent")
_CLAUSAL = ("advcl", "conj", "xcomp", "pcomp")


def owners(mention: Mention, events: frozenset[int], r: Rules | None = None) -> list[int]:
    """The event tokens a count belongs to: the casualty word itself when it is an event
    ("gunmen killed 12 villagers"), and the first other event its clause names or hangs on."""
    r = r or rules()
    anchor = mention.anchor
    found = [anchor.i] if anchor.i in events else []
    for member in [anchor, *_coordinated(anchor, r)]:
        named = _named_event(member, events, r)
        if named is not None:
            return [*found, named]
    return [*found, *_governing_events(anchor, events, r)]


def _coordinated(verb: Token, r: Rules) -> list[Token]:
    """The casualty verbs coordinated with this one ("12 were killed and 30 wounded in the
    attack": the attack is named on the second)."""
    group = [t for t in verb.conjuncts if r.kind_of(t.lemma_.lower(), "verbs") or r.kind_of(t.lemma_.lower(), "intransitive")]
    return group[:MAX_COORDINATED]


def _named_event(word: Token, events: frozenset[int], r: Rules) -> int | None:
    """An event the word's own clause names: its subject or object ("the attack killed 12",
    "the clashes caused 12 deaths"), the object of an event preposition ("killed in the
    attack", "the toll from the bombing"), or a clause of time ("died when police fired")."""
    for child in word.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj", "dobj") and child.i in events:
            return child.i
        if child.dep_ in ("prep", "agent") and child.lower_ in r.links["event_preps"] | {"by"}:
            hit = next((o.i for o in child.children if o.dep_ == "pobj" and o.i in events), None)
            if hit is not None:
                return hit
        if child.dep_ == "advcl" and child.i in events and any(
                m.dep_ in ("mark", "advmod") and m.lower_ in r.links["clause_marks"] for m in child.children):
            return child.i
    return None


def _governing_events(word: Token, events: frozenset[int], r: Rules) -> list[int]:
    """Up the parse from a casualty word to the event it is said of: through the verb that
    governs a casualty noun ("the bombing left 57 dead"), a participle's or coordinated
    verb's head ("struck the town, killing 12"), or a relative clause's noun ("an attack that
    killed 130"). Casualty verbs that are events on the way are kept and passed; the first
    other event ends the walk. A clause with its own actor is not the head's ("rebels attacked
    and the army killed 12")."""
    out: list[int] = []
    h = word
    for _ in range(8):
        dep, head = h.dep_, h.head
        if head.i == h.i:
            return out
        if dep in ("relcl", "acl"):
            noun = _noun_event(head, events)
            return [*out, noun] if noun is not None else out
        if dep in _CLAUSAL and h.pos_ in ("VERB", "AUX") and _own_subject(h, r):
            return out
        if dep not in _NOMINAL and dep not in _CLAUSAL:
            return out
        if head.i in events:
            out.append(head.i)
            if not _is_casualty_verb(head, r):
                return out
        elif head.pos_ in ("VERB", "AUX"):
            named = _named_event(head, events, r)
            if named is not None:
                return [*out, named]
        h = head
    return out


def _is_casualty_verb(token: Token, r: Rules) -> bool:
    lemma = token.lemma_.lower()
    return token.pos_ == "VERB" and bool(r.kind_of(lemma, "verbs") or r.kind_of(lemma, "intransitive"))


def _own_subject(clause: Token, r: Rules) -> bool:
    """The clause names its own doer (not a count of victims)."""
    return any(c.dep_ in ("nsubj", "csubj") and _number_of(c, r) is None for c in clause.children)


def _noun_event(noun: Token, events: frozenset[int]) -> int | None:
    """The event noun a relative clause is on: the noun itself, or the event noun whose phrase
    holds it ("an attack on the village that killed 12", "a bombing in Kabul, which left")."""
    for _ in range(3):
        if noun.i in events:
            return noun.i
        if noun.dep_ in ("pobj", "appos") and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("NOUN", "PROPN"):
            noun = noun.head.head
        elif noun.dep_ == "appos":
            noun = noun.head
        else:
            return None
    return noun.i if noun.i in events else None


# ---------------------------------------------------------------- onto the events

def with_casualties(sent: Span, triggers: Sequence[Token], events: Sequence[Event]) -> list[Event]:
    """The sentence's events, those of a casualty type given the counts that belong to them
    (a revised toll over an earlier figure, else the first stated)."""
    r = rules()
    if not any(e.type in r.event_types for e in events):
        return list(events)
    at = frozenset(t.i for t in triggers)
    found: dict[int, dict[str, Mention]] = {}
    for mention in mentions(sent, r):
        for owner in owners(mention, at, r):
            held = found.setdefault(owner, {})
            if mention.kind not in held or (mention.toll and not held[mention.kind].toll):
                held[mention.kind] = mention
    out = []
    for token, event in zip(triggers, events, strict=True):
        counts = found.get(token.i)
        if counts and event.type in r.event_types:
            killed, wounded = (counts[k].count if k in counts else None for k in KINDS)
            event = dataclasses.replace(event, casualties=Casualties(killed=killed, wounded=wounded))
        out.append(event)
    return out
