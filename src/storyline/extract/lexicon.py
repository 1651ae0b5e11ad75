"""The trigger dictionary (`data/events.toml`) and the status/attribution cues
(`data/status.toml`), loaded once, checked against their schemas and indexed.

A trigger entry names words (`lemma`/`lemmas`) of one part of speech and what they mean. A word
spaCy keeps as one token is looked up by the lower-cased lemma of each token (`candidates`); a
word of several tokens ("air strike", "cease-fire", "round up") is a phrase, found by spaCy's
matchers (`phrases.py`). For one word, the entries are tried in file order and the first whose
conditions hold is the trigger; a phrase goes before the words it covers (the longer match
wins). An entry that can never apply (`lexicon_checks.py`) or an unknown key is an error naming
the file and line when the file loads, never a silent no-match.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any

import numpy
from numpy.typing import NDArray
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..datafiles import ArrayOf, Key, Table, error_at, loads_toml, read_text
from ..ontology import PLOVER_TYPES, QUAD_BY_ROOT, goldstein
from .lexicon_checks import POSES, ROLES, Pos, Role, check_events, check_status
from .phrases import Phrase, PhraseFinder, PhraseMatch, split


@dataclass(frozen=True)
class Pattern:
    """One trigger pattern: a word of a part of speech and what it means. `entry` is the index
    of its `[[trigger]]` in the file."""

    lemma: str
    pos: Pos
    type: str
    cameo: str
    mode: str | None = None
    roles: tuple[tuple[str, Role], ...] = ()
    needs: frozenset[str] = frozenset()
    needs_any: frozenset[str] = frozenset()
    without: frozenset[str] = frozenset()
    obj_lemmas: frozenset[str] = frozenset()
    obj_entities: frozenset[str] = frozenset()
    not_lemmas: frozenset[str] = frozenset()
    not_entities: frozenset[str] = frozenset()
    slot_words: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = ()
    allow_no_obj: bool = False
    actor_slots: frozenset[str] = frozenset()
    particle: str | None = None
    predicate: str | None = None
    min_actors: int = 0
    reporter_is_actor: bool = False
    entry: int = -1

    @property
    def quad(self) -> int | None:
        return QUAD_BY_ROOT.get(self.cameo[:2])

    @property
    def goldstein(self) -> float | None:
        """The Goldstein score of its CAMEO code (`ontology.goldstein`)."""
        return goldstein(self.cameo)

    @property
    def restricts_obj(self) -> bool:
        """Whether the object must be one of some words or named entities."""
        return bool(self.obj_lemmas or self.obj_entities)


@dataclass(frozen=True)
class Cues:
    """Status and attribution cue words, by kind."""

    modal_planned: frozenset[str]
    modal_hypothetical: frozenset[str]
    conditional: frozenset[str]
    governors: dict[str, frozenset[str]]
    cancel_particles: frozenset[str]
    needs_particle: frozenset[str]
    modifiers: dict[str, frozenset[str]]
    plan_nouns: frozenset[str]
    unnecessary: frozenset[str]
    reporting_verbs: frozenset[str]
    reporting_nouns: frozenset[str]
    anonymity: frozenset[str]
    quote_verbs: frozenset[str]   # frame a direct quote only (its speaker): not a source of attribution
    threat_types: frozenset[str] = frozenset()    # a speaker's own conditional act of these types threatens
    threat_marks: frozenset[str] = frozenset()    # the conditions: "if", "unless"
    intent_types: frozenset[str] = frozenset()    # a speaker's own future act of these types is an intent (AGREE)
    warning_verbs: frozenset[str] = frozenset()   # threaten when the warned clause is the speaker's side's act
    own_side: frozenset[str] = frozenset()        # "the country" in a warning: the speaker's own state
    plotting: frozenset[str] = frozenset()        # a hostile act another party plotted: an accusation
    begin_particles: frozenset[str] = frozenset()  # on a verb whose subject is the event, it begins: "broke out"
    question_marks: frozenset[str] = frozenset()   # open an object clause that is a question: "asked if"
    question_verbs: frozenset[str] = frozenset()   # whose "if" clause is a question
    time_marks: frozenset[str] = frozenset()       # open a time clause: "will sign when he arrives"
    refusal_verbs: frozenset[str] = frozenset()    # cancel an infinitive they govern: "refused to meet"
    ending_verbs: frozenset[str] = frozenset()     # their subject was held and ended: "the talks ended"
    occasion_nouns: frozenset[str] = frozenset()   # "the last time he meets her": spoken of, not held
    absent_preps: frozenset[str] = frozenset()     # their object did not happen: "without a deal"


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Trigger patterns by (word, part of speech), single words and phrases alike."""

    by_key: Mapping[tuple[str, str], tuple[Pattern, ...]]
    support_verbs: frozenset[str]
    happening_verbs: frozenset[str]
    group_nouns: frozenset[str] = frozenset()
    particle_verbs: frozenset[str] = frozenset()
    partitives: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()   # the words of [classes.person]: nouns for people
    claiming: frozenset[str] = frozenset()
    credit: frozenset[str] = frozenset()
    phrases: tuple[Phrase, ...] = ()
    polarity: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _finder: list[tuple[Vocab, PhraseFinder]] = field(default_factory=list, init=False, repr=False)
    _word_lemmas: dict[int, bool] = field(default_factory=dict, init=False, repr=False)
    _last_doc: list[tuple[Doc, NDArray[numpy.intp]]] = field(default_factory=list, init=False, repr=False)

    def candidates(self, lemma: str, pos: str) -> tuple[Pattern, ...]:
        return self.by_key.get((lemma, pos), ())

    @cached_property
    def words(self) -> frozenset[str]:
        """Every trigger word, of any part of speech."""
        return frozenset(word for word, _ in self.by_key)

    def word_tokens(self, sent: Span) -> list[int]:
        """Doc indices of the sentence's tokens whose lemma, lower-cased, is a trigger word of
        some part of speech: the only tokens `candidates` has patterns for. Read from the doc's
        lemma array once per doc, so trigger finding looks at a few tokens in a hundred."""
        doc = sent.doc
        last = self._last_doc[0] if self._last_doc else None
        if last is None or last[0] is not doc:
            last = (doc, self._word_positions(doc))
            self._last_doc[:] = [last]
        positions = last[1]
        start, end = positions.searchsorted([sent.start, sent.end])
        return [int(i) for i in positions[start:end]]

    def _word_positions(self, doc: Doc) -> NDArray[numpy.intp]:
        lemmas = doc.to_array("LEMMA")
        known, strings, words = self._word_lemmas, doc.vocab.strings, self.words
        good = []
        for lemma in numpy.unique(lemmas).tolist():
            found = known.get(lemma)
            if found is None:
                found = known[lemma] = strings[lemma].lower() in words
            if found:
                good.append(lemma)
        return numpy.flatnonzero(numpy.isin(lemmas, good))

    def find_phrases(self, sent: Span) -> list[PhraseMatch]:
        """The phrases of a sentence, longest first; the matchers are built on first use, for
        the vocabulary of the pipeline in use."""
        vocab = sent.doc.vocab
        last = self._finder[0] if self._finder else None
        if last is None or last[0] is not vocab:
            last = (vocab, PhraseFinder(vocab, self.phrases))
            self._finder[:] = [last]
        return last[1](sent)


# ---------------------------------------------------------------- events.toml
_WORDS = Key(list, items=str)
TRIGGER = Table({
    "lemma": Key(str), "lemmas": _WORDS,
    "pos": Key(str, required=True, choices=frozenset(POSES)),
    "type": Key(str, required=True, choices=frozenset(PLOVER_TYPES)),
    "cameo": Key(str, required=True),
    "mode": Key(str), "modes": Table(other=Key(str)),
    "roles": Table(other=Key(str, choices=frozenset(ROLES))),
    "needs": _WORDS, "needs_any": _WORDS, "without": _WORDS, "actor_slots": _WORDS,
    "obj_lemmas": _WORDS, "obj_classes": _WORDS, "obj_not": _WORDS, "allow_no_obj": _WORDS,
    "slot_classes": Table(other=_WORDS),
    "particle": Key(str), "predicate": Key(str), "min_actors": Key(int), "reporter_is_actor": Key(bool),
})
EVENTS = Table({
    "verbs": Table({name: Key(list, items=str, required=True)
                    for name in ("support", "happening", "particle_verbs", "group_nouns", "partitives",
                                 "claiming", "credit")}),
    "polarity": Table(other=_WORDS),
    "classes": Table(other=Table({"words": _WORDS, "entities": _WORDS})),
    "trigger": ArrayOf(TRIGGER, required=True),
})


def words_of(entry: Mapping[str, Any]) -> list[str]:
    """An entry's words: `lemmas`, or its one `lemma`."""
    if "lemmas" in entry:
        return list(entry["lemmas"])
    return [entry["lemma"]] if "lemma" in entry else []


def _class_members(classes: Mapping[str, Any], names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The words and entity labels of the named semantic classes (`[classes]`)."""
    found = [classes[name] for name in names if name in classes]
    return (frozenset(w for c in found for w in c.get("words", [])),
            frozenset(e for c in found for e in c.get("entities", [])))


def _patterns(entry: Mapping[str, Any], index: int, classes: Mapping[str, Any]) -> list[Pattern]:
    modes = entry.get("modes", {})
    allow = set(entry.get("allow_no_obj", []))
    words, entities = _class_members(classes, entry.get("obj_classes", []))
    not_words, not_entities = _class_members(classes, entry.get("obj_not", []))
    slot_words = tuple((slot, *_class_members(classes, names)) for slot, names in entry.get("slot_classes", {}).items())
    return [
        Pattern(
            lemma=lemma, pos=entry["pos"], type=entry["type"], cameo=entry["cameo"],
            mode=modes.get(lemma, entry.get("mode")), roles=tuple(entry.get("roles", {}).items()),
            needs=frozenset(entry.get("needs", [])), needs_any=frozenset(entry.get("needs_any", [])),
            without=frozenset(entry.get("without", [])), obj_lemmas=frozenset(entry.get("obj_lemmas", [])) | words,
            obj_entities=entities, not_lemmas=not_words, not_entities=not_entities, slot_words=slot_words,
            allow_no_obj=lemma in allow, actor_slots=frozenset(entry.get("actor_slots", [])),
            particle=entry.get("particle"), predicate=entry.get("predicate"),
            min_actors=entry.get("min_actors", 0), reporter_is_actor=entry.get("reporter_is_actor", False),
            entry=index,
        )
        for lemma in words_of(entry)
    ]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return build_lexicon(read_text("events.toml"))


def build_lexicon(text: str, name: str = "events.toml") -> Lexicon:
    """The lexicon of an events.toml text, checked; `name` is the file its errors name."""
    raw = loads_toml(name, text, EVENTS)
    index: dict[tuple[str, str], list[Pattern]] = defaultdict(list)
    for number, entry in enumerate(raw["trigger"]):
        for pattern in _patterns(entry, number, raw.get("classes", {})):
            index[(pattern.lemma, pattern.pos)].append(pattern)
    by_key = {key: tuple(value) for key, value in index.items()}
    for path, message in check_events(raw, by_key, text):
        raise error_at(name, text, path, message)
    verbs = raw.get("verbs", {})
    return Lexicon(
        by_key=by_key,
        support_verbs=frozenset(verbs.get("support", [])),
        happening_verbs=frozenset(verbs.get("happening", [])),
        group_nouns=frozenset(verbs.get("group_nouns", [])),
        particle_verbs=frozenset(verbs.get("particle_verbs", [])),
        partitives=frozenset(verbs.get("partitives", [])),
        people=_class_members(raw.get("classes", {}), ["person"])[0],
        claiming=frozenset(verbs.get("claiming", [])),
        credit=frozenset(verbs.get("credit", [])),
        phrases=tuple(Phrase(word, pos, split(word)) for word, pos in by_key if len(split(word)) > 1),
        polarity=MappingProxyType({k: frozenset(v) for k, v in raw.get("polarity", {}).items()}),
    )


def polarity() -> Mapping[str, frozenset[str]]:
    """Evaluative words by polarity ("a provocative gesture", "a productive call")."""
    return lexicon().polarity


# ---------------------------------------------------------------- status.toml
def _lists(*names: str) -> Table:
    return Table({name: Key(list, items=str, required=True) for name in names}, required=True)


STATUS = Table({
    "modals": _lists("planned", "hypothetical"),
    "conditional": _lists("marks"),
    "governors": _lists("cancelled", "denied", "planned", "hypothetical"),
    "particles": _lists("cancel", "needs_particle", "begin"),
    "modifiers": _lists("planned", "hypothetical", "cancelled", "absent"),
    "negated_plan": _lists("nouns", "unnecessary"),
    "reporting": _lists("verbs", "nouns", "anonymity", "quote_verbs"),
    "commitment": _lists("threat", "marks", "intent", "warning", "own_side", "plotting"),
    "question": _lists("marks", "verbs"),
    "time": _lists("marks"),
    "refusal": _lists("verbs"),
    "ending": _lists("verbs", "occasions"),
})


@lru_cache(maxsize=1)
def cues() -> Cues:
    return build_cues(read_text("status.toml"))


def build_cues(text: str, name: str = "status.toml") -> Cues:
    """The cues of a status.toml text, checked; `name` is the file its errors name."""
    raw = loads_toml(name, text, STATUS)
    for path, message in check_status(raw):
        raise error_at(name, text, path, message)
    fs = frozenset
    return Cues(
        modal_planned=fs(raw["modals"]["planned"]), modal_hypothetical=fs(raw["modals"]["hypothetical"]),
        conditional=fs(raw["conditional"]["marks"]),
        governors={k: fs(v) for k, v in raw["governors"].items()},
        cancel_particles=fs(raw["particles"]["cancel"]), needs_particle=fs(raw["particles"]["needs_particle"]),
        begin_particles=fs(raw["particles"]["begin"]),
        modifiers={k: fs(v) for k, v in raw["modifiers"].items()},
        plan_nouns=fs(raw["negated_plan"]["nouns"]), unnecessary=fs(raw["negated_plan"]["unnecessary"]),
        reporting_verbs=fs(raw["reporting"]["verbs"]), reporting_nouns=fs(raw["reporting"]["nouns"]),
        anonymity=fs(raw["reporting"]["anonymity"]), quote_verbs=fs(raw["reporting"]["quote_verbs"]),
        threat_types=fs(raw["commitment"]["threat"]), threat_marks=fs(raw["commitment"]["marks"]),
        intent_types=fs(raw["commitment"]["intent"]), warning_verbs=fs(raw["commitment"]["warning"]),
        own_side=fs(raw["commitment"]["own_side"]), plotting=fs(raw["commitment"]["plotting"]),
        question_marks=fs(raw["question"]["marks"]), question_verbs=fs(raw["question"]["verbs"]),
        time_marks=fs(raw["time"]["marks"]), refusal_verbs=fs(raw["refusal"]["verbs"]),
        ending_verbs=fs(raw["ending"]["verbs"]), occasion_nouns=fs(raw["ending"]["occasions"]),
        absent_preps=fs(raw["modifiers"]["absent"]),
    )
