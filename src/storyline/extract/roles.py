"""Role rules that hold for every trigger of a kind (`data/roles.toml`), loaded once and checked.

events.toml names, per trigger word, which slot is the actor and which the recipient. Some
readings are properties of English, not of one word: "against X" is the target of any hostile
act, "between X and Y" the two sides of a shared one; the subject of "arrived for the talks"
attends them; a name whose entity label is a thing or a place is nobody's actor. They live here
once instead of in every entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..datafiles import ArrayOf, Key, Table, error_at, loads_toml, read_text
from ..ontology import PLOVER_TYPES
from .lexicon_checks import ROLES

NAME = "roles.toml"
_WORDS = Key(list, items=str, required=True)
_SCHEMA = Table({
    "preposition": ArrayOf(Table({
        "word": Key(str, required=True),
        "role": Key(str, required=True, choices=frozenset(ROLES)),
        "types": _WORDS,
    }), required=True),
    "verbs": Table({"motion": _WORDS, "not_participant": _WORDS, "aiming": _WORDS, "attendance_preps": _WORDS,
                    "responding": _WORDS}, required=True),
    "nouns": Table({"involvement": _WORDS}, required=True),
    "types": Table(dict.fromkeys(("request", "charge", "addressee", "infinitive_target", "attended", "own_forces"), _WORDS),
                   required=True),
    "names": Table({"not_actor_labels": _WORDS}, required=True),
})


@dataclass(frozen=True)
class RoleRules:
    """Default roles of prepositions by event type, and the word lists the role readers use."""

    prepositions: dict[str, tuple[tuple[str, str], ...]]   # event type -> ((slot, role), ...)
    motion_verbs: frozenset[str]
    not_participant_verbs: frozenset[str]
    aiming_verbs: frozenset[str]
    attendance_preps: frozenset[str]
    responding_verbs: frozenset[str]
    involvement_nouns: frozenset[str]
    not_actor_labels: frozenset[str]
    types: dict[str, frozenset[str]]   # request, charge, addressee, infinitive_target: event types

    def defaults(self, event_type: str) -> tuple[tuple[str, str], ...]:
        return self.prepositions.get(event_type, ())


@lru_cache(maxsize=1)
def role_rules() -> RoleRules:
    return build_role_rules(read_text(NAME))


def build_role_rules(text: str, name: str = NAME) -> RoleRules:
    """The rules of a roles.toml text, checked (every type a PLOVER type, every word lower
    case); `name` is the file its errors name."""
    raw = loads_toml(name, text, _SCHEMA)
    by_type: dict[str, list[tuple[str, str]]] = {}
    for index, entry in enumerate(raw["preposition"]):
        unknown = [t for t in entry["types"] if t not in PLOVER_TYPES]
        if unknown or entry["word"] != entry["word"].lower().strip():
            problem = f"unknown event type {unknown[0]!r}" if unknown else "the word must be lower case"
            raise error_at(name, text, ("preposition", index), problem)
        for event_type in entry["types"]:
            by_type.setdefault(event_type, []).append((f"prep:{entry['word']}", entry["role"]))
    for kind, found in raw["types"].items():
        unknown = [t for t in found if t not in PLOVER_TYPES]
        if unknown:
            raise error_at(name, text, ("types", kind), f"unknown event type {unknown[0]!r}")
    verbs, names = raw["verbs"], raw["names"]
    return RoleRules(
        prepositions={k: tuple(v) for k, v in by_type.items()},
        motion_verbs=frozenset(verbs["motion"]), not_participant_verbs=frozenset(verbs["not_participant"]),
        aiming_verbs=frozenset(verbs["aiming"]), attendance_preps=frozenset(verbs["attendance_preps"]),
        responding_verbs=frozenset(verbs["responding"]), involvement_nouns=frozenset(raw["nouns"]["involvement"]),
        not_actor_labels=frozenset(names["not_actor_labels"]),
        types={kind: frozenset(found) for kind, found in raw["types"].items()},
    )
