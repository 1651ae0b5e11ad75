"""What the rules in `data/events.toml` and `data/status.toml` may say, and the checks, run when
the files load, that every entry can apply at all.

The schema (`lexicon.py`) rejects unknown keys, wrong types, a part of speech the lookup never
uses and a type that is not one of PLOVER's 16. These checks reject an entry nothing in a text
could ever select, with the file and line:

- a word the lookup cannot see: not lower case (tokens are compared lower-cased), spaces at its
  ends or doubled, a verb phrase whose further words are not words ("sit-in" as a verb), a word
  listed twice;
- a slot (in `roles`, `needs`, `needs_any`, `without`, `actor_slots`) that the builders in
  `triggers.py` never fill for the entry's part of speech (`SLOTS`: a noun has no "subj");
- conditions that cannot hold together: a slot both needed and excluded, every `needs_any`
  slot excluded, a particle on a non-verb, `predicate` or `min_actors` where that slot is never
  filled, `obj_lemmas` with every object slot excluded or a word no object token can be (one
  with a space), `allow_no_obj` or `modes` for a word the entry does not list;
- a semantic class (`obj_classes`, `obj_not`) that `[classes]` does not define, a class word no
  token can be, or an entity label spaCy's English models never give;
- a CAMEO code not in `data/cameo.toml`, or filed there under another type;
- an entry after another of the same word and part of speech whose conditions hold whenever
  its own do: entries are tried in file order, so it is never reached.

Whether spaCy's lemmatizer gives an entry's lemma at all ("talks" is lemmatized `talk`) needs
the model: tests/test_triggers.py runs every entry's words through it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, get_args

from ..datafiles import Path, locate
from ..ontology import PLOVER_TYPES, cameo_types
from .phrases import hyphen_compound, split

if TYPE_CHECKING:
    from .lexicon import Pattern

Pos = Literal["VERB", "NOUN", "ADJ", "ADP"]
Role = Literal["actor", "recipient", "pooled"]
POSES: tuple[Pos, ...] = get_args(Pos)
ROLES: tuple[Role, ...] = get_args(Role)

# The argument slots the builders in triggers.py fill, by the trigger's part of speech (a test
# holds the builders to this list). Any trigger also has "prep:<word>", the object of a
# preposition on it. `obj_owner` is a role-only slot: whose the object is.
PREP = "prep:"
OBJ_OWNER = "obj_owner"
_ANY_POS = frozenset({"dative", "particle", "phone"})
SLOTS: Mapping[str, frozenset[str]] = MappingProxyType({
    "VERB": _ANY_POS | {"subj", "obj", "modified", "predicate", "xcomp", "xcomp_obj", "prep_obj", "event_obj"},
    "NOUN": _ANY_POS | {"poss", "compound", "amod", "obj", "governor", "gov_subj"},
    "ADJ": _ANY_POS | {"subj", "obj", "xcomp", "xcomp_obj"},
    "ADP": _ANY_POS | {"subj", "obj", "xcomp", "xcomp_obj"},
})
_SLOT_LISTS = ("needs", "needs_any", "without", "actor_slots")
# The named-entity labels of spaCy's English pipelines (OntoNotes), for `[classes]` entities.
ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
                           "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
Problems = Iterator[tuple[Path, str]]


def check_events(raw: Mapping[str, Any], by_key: Mapping[tuple[str, str], Sequence[Pattern]], text: str) -> Problems:
    """Every entry of events.toml that can never apply, as (path, message)."""
    for name, words in raw.get("verbs", {}).items():
        yield from word_list(words, ("verbs", name))
    for name, words in raw.get("polarity", {}).items():
        yield from word_list(words, ("polarity", name))
    polarity = frozenset(raw.get("polarity", {}))
    classes = raw.get("classes", {})
    yield from _classes(classes)
    for index, entry in enumerate(raw["trigger"]):
        yield from _entry(entry, ("trigger", index), polarity)
        yield from _class_names(entry, ("trigger", index), frozenset(classes))
    yield from _shadowed(raw["trigger"], by_key, text)


def _classes(classes: Mapping[str, Any]) -> Problems:
    """Semantic classes: words a token can be, entity labels the model gives."""
    for name, members in classes.items():
        yield from word_list(members.get("words", []), ("classes", name, "words"), hyphens=True)
        for label in sorted(set(members.get("entities", [])) - ENTITY_LABELS):
            yield ("classes", name, "entities"), f"{label!r} is not a named-entity label of spaCy's English models"


def _class_names(entry: Mapping[str, Any], path: Path, defined: frozenset[str]) -> Problems:
    """Every class an entry names (`obj_classes`, `obj_not`, `slot_classes`) is defined."""
    named = [*(("obj_classes", n) for n in entry.get("obj_classes", [])),
             *(("obj_not", n) for n in entry.get("obj_not", [])),
             *(("slot_classes", n) for names in entry.get("slot_classes", {}).values() for n in names)]
    for key, name in named:
        if name not in defined:
            yield (*path, key), f"class {name!r} is not defined under [classes]"


# status.toml lists that hold event types, not words.
TYPE_LISTS = frozenset({("commitment", "threat"), ("commitment", "intent")})


def check_status(raw: Mapping[str, Any]) -> Problems:
    """Cue words of status.toml that no token can be. Noun modifiers may be hyphenated
    ("would-be"): status.py compares them with the compound a token is part of."""
    for table, lists in raw.items():
        for name, words in lists.items():
            if (table, name) in TYPE_LISTS:
                yield from (((table, name), f"{w!r} is not a PLOVER event type") for w in words if w not in PLOVER_TYPES)
            else:
                yield from word_list(words, (table, name), hyphens=table == "modifiers")
    cancelling = set(raw["governors"]["cancelled"])
    for word in raw["particles"]["needs_particle"]:
        if word not in cancelling:
            yield ("particles", "needs_particle"), f"{word!r} cancels with a particle only if it is a governor that cancels"


def word_list(words: Iterable[str], path: Path, hyphens: bool = False) -> Problems:
    """Words compared with one token's lower-case form or lemma: one token each, listed once."""
    for word, count in Counter(words).items():
        problem = _spelling(word) or _one_token(word, hyphens)
        if problem:
            yield path, problem
        elif count > 1:
            yield path, f"{word!r} is listed twice"


def _spelling(word: str) -> str | None:
    if not word or word != word.strip() or "  " in word:
        return f"{word!r}: spaces at the ends or doubled become tokens of their own"
    if word != word.lower():
        return f"{word!r} is not lower case: tokens are compared lower-cased"
    return None


def _one_token(word: str, hyphens: bool) -> str | None:
    tokens = split(word)
    if len(tokens) == 1 or (hyphens and hyphen_compound(tokens)):
        return None
    return f"{word!r} is {len(tokens)} tokens ({' '.join(tokens)}) where one token is compared"


# ---------------------------------------------------------------- one entry
def _entry(entry: Mapping[str, Any], path: Path, polarity: frozenset[str]) -> Problems:
    if ("lemma" in entry) == ("lemmas" in entry):
        yield path, "give either `lemma` or `lemmas`"
        return
    key = "lemmas" if "lemmas" in entry else "lemma"
    words = entry[key] if key == "lemmas" else [entry[key]]
    if not words:
        yield (*path, key), "no words"
    for word, count in Counter(words).items():
        problem = _spelling(word) or _phrase(word, entry["pos"])
        if problem or count > 1:
            yield (*path, key), problem or f"{word!r} is listed twice"
    yield from _cameo(entry, path)
    yield from _slots(entry, path)
    yield from _conditions(entry, path, frozenset(words), polarity)


def _phrase(word: str, pos: str) -> str | None:
    """A verb phrase is found as the verb and the words that depend on it: each a word."""
    tokens = split(word)
    if pos == "VERB" and len(tokens) > 1 and not all(t.isalpha() for t in tokens):
        return f"{word!r} as a verb: a verb phrase is a verb and the words that depend on it, not {' '.join(tokens)}"
    return None


def _cameo(entry: Mapping[str, Any], path: Path) -> Problems:
    code, kind = entry["cameo"], entry["type"]
    filed = cameo_types().get(code)
    if filed is None:
        yield (*path, "cameo"), f"{code!r} is not a CAMEO code with a PLOVER type (data/cameo.toml)"
    elif filed != kind:
        yield (*path, "cameo"), f"CAMEO {code} converts to {filed}, not {kind}"


def _slots(entry: Mapping[str, Any], path: Path) -> Problems:
    pos = entry["pos"]
    for key in ("roles", "slot_classes"):
        for slot in entry.get(key, {}):
            if slot != OBJ_OWNER and not slot_filled(slot, pos):
                yield (*path, key), _unfilled(slot, pos)
    for name in _SLOT_LISTS:
        for slot in entry.get(name, []):
            if not slot_filled(slot, pos):
                yield (*path, name), _unfilled(slot, pos)


def slot_filled(slot: str, pos: str) -> bool:
    """Whether the builders ever fill `slot` for a trigger of this part of speech."""
    if slot.startswith(PREP):
        word = slot[len(PREP):]
        return word.isalpha() and word == word.lower() and len(split(word)) == 1
    return slot in SLOTS[pos]


def _unfilled(slot: str, pos: str) -> str:
    return f"slot {slot!r} is never filled for a {pos} trigger (it has {', '.join(sorted(SLOTS[pos]))}, {PREP}<word>)"


def _conditions(entry: Mapping[str, Any], path: Path, words: frozenset[str], polarity: frozenset[str]) -> Problems:
    pos = entry["pos"]
    needs, needs_any, without, actors = (frozenset(entry.get(k, [])) for k in _SLOT_LISTS)
    if (needs | actors) & without:
        yield (*path, "without"), f"slot {min((needs | actors) & without)!r} is both needed and excluded"
    if needs_any and needs_any <= without:
        yield (*path, "needs_any"), "every slot of needs_any is excluded by without"
    if "particle" in entry and (pos != "VERB" or "particle" in without or len(split(entry["particle"])) != 1):
        yield (*path, "particle"), "a particle is one word on a verb whose particle slot is not excluded"
    predicate = entry.get("predicate")
    if predicate is not None and (predicate not in polarity or not slot_filled("predicate", pos) or "predicate" in without):
        yield (*path, "predicate"), f"predicate {entry['predicate']!r} needs a [polarity] list and a {pos} with a predicate slot"
    if entry.get("min_actors", 0) and (not slot_filled("subj", pos) or "subj" in without):
        yield (*path, "min_actors"), f"min_actors counts the subject, which a {pos} trigger does not have"
    yield from _objects(entry, path, words, without)
    for key in ("allow_no_obj", "modes"):
        strange = sorted(set(entry.get(key, ())) - words)
        if strange:
            yield (*path, key), f"{strange[0]!r} is not one of the entry's words"


def _objects(entry: Mapping[str, Any], path: Path, words: frozenset[str], without: frozenset[str]) -> Problems:
    objects = entry.get("obj_lemmas", [])
    yield from word_list(objects, (*path, "obj_lemmas"), hyphens=True)
    restricted = objects or entry.get("obj_classes")
    if entry.get("allow_no_obj") and not restricted:
        yield (*path, "allow_no_obj"), "allow_no_obj without obj_lemmas or obj_classes"
    fillable = {"obj", "prep_obj"} & SLOTS[entry["pos"]] - without
    if (restricted or entry.get("obj_not")) and not fillable and not entry.get("allow_no_obj"):
        yield (*path, "obj_lemmas"), "an object condition with every object slot excluded"


# ---------------------------------------------------------------- order
def _shadowed(entries: Sequence[Mapping[str, Any]], by_key: Mapping[tuple[str, str], Sequence[Pattern]], text: str) -> Problems:
    """An entry after one that applies whenever it would (same word, same part of speech)."""
    for (word, pos), patterns in by_key.items():
        for position, later in enumerate(patterns):
            earlier = next((p for p in patterns[:position] if implies(later, p)), None)
            if earlier is None:
                continue
            key = "lemmas" if "lemmas" in entries[later.entry] else "lemma"
            line = locate(text, ("trigger", earlier.entry))
            yield ("trigger", later.entry, key), (
                f"{word!r} ({pos}) can never be {later.type} here: the entry at line {line} ({earlier.type}) "
                "is tried first and applies whenever this one would")


def implies(later: Pattern, earlier: Pattern) -> bool:
    """Whether `earlier`'s conditions hold whenever `later`'s do."""
    sure = later.needs | later.actor_slots | {name for name, on in (
        ("particle", later.particle), ("predicate", later.predicate), ("subj", later.min_actors)) if on}
    needs_any = (not earlier.needs_any or bool(earlier.needs_any & sure)
                 or bool(later.needs_any) and later.needs_any <= earlier.needs_any)
    objects = (not earlier.restricts_obj or later.restricts_obj and later.obj_lemmas <= earlier.obj_lemmas
               and later.obj_entities <= earlier.obj_entities and (earlier.allow_no_obj or not later.allow_no_obj))
    excluded = (earlier.not_lemmas <= later.not_lemmas and earlier.not_entities <= later.not_entities
                and set(earlier.slot_words) <= set(later.slot_words))
    return (earlier.needs <= sure and needs_any and objects and excluded and earlier.without <= later.without
            and earlier.particle in (None, later.particle) and earlier.predicate in (None, later.predicate)
            and earlier.min_actors <= later.min_actors and earlier.actor_slots <= later.actor_slots)
