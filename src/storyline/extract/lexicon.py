"""The trigger dictionary (`data/events.toml`) and the status/attribution cues
(`data/status.toml`), loaded once and indexed for constant-time lookups."""
from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from ..ontology import QUAD_BY_ROOT

@dataclass(frozen=True)
class Pattern:
    """One trigger pattern: a lemma of a part of speech and what it means."""

    lemma: str
    pos: str
    type: str
    cameo: str
    mode: str | None = None
    roles: tuple[tuple[str, str], ...] = ()
    needs: frozenset[str] = frozenset()
    needs_any: frozenset[str] = frozenset()
    without: frozenset[str] = frozenset()
    obj_lemmas: frozenset[str] = frozenset()
    allow_no_obj: bool = False
    actor_slots: frozenset[str] = frozenset()
    particle: str | None = None
    predicate: str | None = None
    min_actors: int = 0
    reporter_is_actor: bool = False

    @property
    def quad(self) -> int | None:
        return QUAD_BY_ROOT.get(self.cameo[:2])


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
    quote_verbs: frozenset[str] = frozenset()  # frame a direct quote only (its speaker)


@dataclass(frozen=True)
class Lexicon:
    by_key: dict[tuple[str, str], tuple[Pattern, ...]]
    support_verbs: frozenset[str]
    happening_verbs: frozenset[str]
    group_nouns: frozenset[str] = field(default=frozenset())
    particle_verbs: frozenset[str] = field(default=frozenset())

    def candidates(self, lemma: str, pos: str) -> tuple[Pattern, ...]:
        return self.by_key.get((lemma, pos), ())


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("storyline.data").joinpath(name).read_text("utf-8"))


def _patterns(entry: dict[str, Any]) -> list[Pattern]:
    lemmas = entry.get("lemmas") or [entry["lemma"]]
    modes = entry.get("modes", {})
    allow = set(entry.get("allow_no_obj", []))
    return [
        Pattern(
            lemma=lemma, pos=entry["pos"], type=entry["type"], cameo=entry["cameo"],
            mode=modes.get(lemma, entry.get("mode")), roles=tuple(entry.get("roles", {}).items()),
            needs=frozenset(entry.get("needs", [])), needs_any=frozenset(entry.get("needs_any", [])),
            without=frozenset(entry.get("without", [])), obj_lemmas=frozenset(entry.get("obj_lemmas", [])),
            allow_no_obj=lemma in allow, actor_slots=frozenset(entry.get("actor_slots", [])),
            particle=entry.get("particle"), predicate=entry.get("predicate"),
            min_actors=entry.get("min_actors", 0), reporter_is_actor=entry.get("reporter_is_actor", False),
        )
        for lemma in lemmas
    ]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = _read("events.toml")
    index: dict[tuple[str, str], list[Pattern]] = defaultdict(list)
    for entry in raw["trigger"]:
        for pattern in _patterns(entry):
            index[(pattern.lemma, pattern.pos)].append(pattern)
    verbs = raw.get("verbs", {})
    return Lexicon(
        by_key={key: tuple(value) for key, value in index.items()},
        support_verbs=frozenset(verbs.get("support", [])),
        happening_verbs=frozenset(verbs.get("happening", [])),
        group_nouns=frozenset(verbs.get("group_nouns", [])),
        particle_verbs=frozenset(verbs.get("particle_verbs", [])),
    )


@lru_cache(maxsize=1)
def cues() -> Cues:
    raw = _read("status.toml")
    fs = frozenset
    return Cues(
        modal_planned=fs(raw["modals"]["planned"]), modal_hypothetical=fs(raw["modals"]["hypothetical"]),
        conditional=fs(raw["conditional"]["marks"]),
        governors={k: fs(v) for k, v in raw["governors"].items()},
        cancel_particles=fs(raw["particles"]["cancel"]), needs_particle=fs(raw["particles"]["needs_particle"]),
        modifiers={k: fs(v) for k, v in raw["modifiers"].items()},
        plan_nouns=fs(raw["negated_plan"]["nouns"]), unnecessary=fs(raw["negated_plan"]["unnecessary"]),
        reporting_verbs=fs(raw["reporting"]["verbs"]), reporting_nouns=fs(raw["reporting"]["nouns"]),
        anonymity=fs(raw["reporting"]["anonymity"]), quote_verbs=fs(raw["reporting"].get("quote_verbs", [])),
    )


@lru_cache(maxsize=1)
def polarity() -> dict[str, frozenset[str]]:
    """Evaluative words by polarity ("a provocative gesture", "a productive call")."""
    raw = _read("events.toml").get("polarity", {})
    return {name: frozenset(words) for name, words in raw.items()}
