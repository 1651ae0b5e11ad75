"""Every rule file under storyline/data/ loads through its product loader, and a rule that can
never apply, or an unknown key, is an error naming the file and the line when it loads."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from storyline import export, ontology, stories
from storyline.clean import text as cleaning
from storyline.datafiles import DataFileError, Table, loads_toml, read_text
from storyline.extract import Extractor
from storyline.extract.actors.officeholders import officeholders
from storyline.extract.casualties import rules as casualty_rules
from storyline.extract.countries import countries
from storyline.extract.lexicon import build_cues, build_lexicon
from storyline.extract.metonyms import metonyms
from storyline.extract.roles import role_rules
from storyline.model import Article


def _extraction() -> object:
    """The gazetteers and time rules load on first use: one extraction loads them all."""
    text = "President Putin met Turkish President Erdogan in Sochi on Monday, the Kremlin said."
    return Extractor()(Article(id="rules", text=text, published=dt.date(2025, 10, 21)))


LOADERS: dict[str, Callable[[], object]] = {
    "events.toml": lambda: build_lexicon(read_text("events.toml")),
    "status.toml": lambda: build_cues(read_text("status.toml")),
    "cameo.toml": ontology.cameo_types,
    "goldstein.toml": ontology.goldstein_scale,
    "stories.toml": stories.rules,
    "cleaning.toml": cleaning.load_rules,
    "export.toml": export.spec,
    # the extraction stage's gazetteers and time rules, loaded by their own modules
    "metonyms.toml": metonyms, "demonyms.tsv": countries, "officeholders.tsv": officeholders,
    "roles.toml": role_rules, "casualties.toml": casualty_rules,
    "actors.json": _extraction, "titles.toml": _extraction,
    "places.toml": _extraction, "places_us_states.tsv": _extraction,
    "timex.toml": _extraction, "timex_rules.toml": _extraction,
}


def test_every_data_file_has_a_loader_here() -> None:
    files = {f.name for f in resources.files("storyline.data").iterdir()
             if f.is_file() and not f.name.startswith(("_", "."))}
    assert files == set(LOADERS), "a new data file needs its loader in LOADERS"


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_every_rule_file_loads_through_its_loader(name: str) -> None:
    loader = LOADERS[name]
    cache_clear = getattr(loader, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()  # load from the file, not from an earlier test's cache
    assert loader()


# ---------------------------------------------------------------- events.toml: dead entries
ENTRY = '''
[[trigger]]
lemma = "summit"
pos = "NOUN"
type = "CONSULT"
cameo = "040"
'''


def _load_events(tmp_path: Path, extra: str) -> DataFileError:
    """Append an entry to a copy of events.toml and load it; the error it raises."""
    path = tmp_path / "events.toml"
    path.write_text(read_text("events.toml") + extra, "utf-8")
    with pytest.raises(DataFileError) as caught:
        build_lexicon(path.read_text("utf-8"), str(path))
    return caught.value


def _line_of(text: str, extra: str, needle: str) -> int:
    """The line of the copy where `needle` (a line of the appended entry) is."""
    offset = len(text.splitlines())
    return offset + next(n for n, line in enumerate(extra.splitlines(), 1) if line.startswith(needle))


@pytest.mark.parametrize(("edit", "needle", "message"), [
    ('lemmaz = "x"', "lemmaz", "unknown key 'lemmaz'"),
    ('needs = ["subj"]', "needs", "slot 'subj' is never filled for a NOUN trigger"),
    ('roles = { gov_subj = "actor", subj = "actor" }', "roles", "slot 'subj' is never filled for a NOUN trigger"),
    ('roles = { poss = "actors" }', "roles", "'actors' is not one of actor, pooled, recipient"),
    ('needs = ["poss"]\nwithout = ["poss"]', "without", "slot 'poss' is both needed and excluded"),
    ('particle = "up"', "particle", "a particle is one word on a verb"),
    ('predicate = "negative"', "predicate", "predicate 'negative' needs"),
    ('min_actors = 2', "min_actors", "counts the subject"),
    ('modes = { meeting = "visit" }', "modes", "'meeting' is not one of the entry's words"),
    ('allow_no_obj = ["summit"]', "allow_no_obj", "allow_no_obj without obj_lemmas"),
    ('obj_lemmas = ["peace deal"]', "obj_lemmas", "'peace deal' is 2 tokens"),
    ('obj_classes = ["colour"]', "obj_classes", "class 'colour' is not defined under [classes]"),
    ('obj_not = ["colour"]', "obj_not", "class 'colour' is not defined under [classes]"),
    ('slot_classes = { "prep:with" = ["colour"] }', "slot_classes", "class 'colour' is not defined"),
    ('slot_classes = { subj = ["weapon"] }', "slot_classes", "slot 'subj' is never filled for a NOUN trigger"),
    ('allow_no_obj = ["summit"]\nobj_not = ["weapon"]', "allow_no_obj", "allow_no_obj without obj_lemmas or obj_classes"),
])
def test_an_entry_that_cannot_apply_names_the_file_and_line(tmp_path: Path, edit: str, needle: str, message: str) -> None:
    extra = ENTRY + edit + "\n"
    error = _load_events(tmp_path, extra)
    line = _line_of(read_text("events.toml"), extra, needle)
    assert str(error).startswith(f"{tmp_path / 'events.toml'}:{line}: "), str(error)
    assert message in str(error)


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ('lemma = "summit"', 'lemma = "Summit"', "lemma", "'Summit' is not lower case"),
    ('cameo = "040"', 'cameo = "049"', "cameo", "'049' is not a CAMEO code"),
    ('cameo = "040"', 'cameo = "190"', "cameo", "CAMEO 190 converts to ASSAULT, not CONSULT"),
    ('type = "CONSULT"', 'type = "MEET"', "type", "'MEET' is not one of"),
    ('pos = "NOUN"', 'pos = "ADV"', "pos", "'ADV' is not one of"),
    ('lemma = "summit"\npos = "NOUN"', 'lemma = "sit-in"\npos = "VERB"', "lemma",
     "a verb phrase is a verb and the words that depend on it"),
    ('lemma = "summit"', 'lemmas = ["summit", "summit"]', "lemmas", "'summit' is listed twice"),
])
def test_a_word_or_code_that_cannot_match_names_the_file_and_line(
        tmp_path: Path, old: str, new: str, needle: str, message: str) -> None:
    extra = ENTRY.replace(old, new)
    error = _load_events(tmp_path, extra)
    line = _line_of(read_text("events.toml"), extra, needle + " =")
    assert str(error).startswith(f"{tmp_path / 'events.toml'}:{line}: "), str(error)
    assert message in str(error)


def test_an_entry_after_one_that_always_applies_first_is_dead(tmp_path: Path) -> None:
    """The protest "demonstration" (no conditions) is tried first: a later attack
    "demonstration" noun would never be reached. Priority is file order, so the error names
    both lines."""
    extra = ENTRY.replace('lemma = "summit"', 'lemma = "demonstration"').replace('type = "CONSULT"', 'type = "ASSAULT"') \
        .replace('cameo = "040"', 'cameo = "190"') + 'needs_any = ["prep:on"]\n'
    error = _load_events(tmp_path, extra)
    text = read_text("events.toml")
    protest = text.index('lemmas = ["protest", "demonstration"')
    protest_line = text[:protest].count("\n")  # the [[trigger]] header above it
    expected = f"'demonstration' (NOUN) can never be ASSAULT here: the entry at line {protest_line} (PROTEST)"
    assert f":{_line_of(text, extra, 'lemma')}: {expected}" in str(error)


def test_an_object_class_counts_in_the_order_of_entries(tmp_path: Path) -> None:
    """ "fire" with a weapon for object is an attack; a later entry for "fire" a rocket (a word
    of the weapon class) would never be reached."""
    extra = ('\n[[trigger]]\nlemma = "fire"\npos = "VERB"\ntype = "ASSAULT"\ncameo = "190"\n'
             'obj_lemmas = ["rocket"]\n')
    error = _load_events(tmp_path, extra)
    text = read_text("events.toml")
    weapon = text.index('lemmas = ["fire", "set off"]')
    expected = f"'fire' (VERB) can never be ASSAULT here: the entry at line {text[:weapon].count(chr(10))} (ASSAULT)"
    assert f":{_line_of(text, extra, 'lemma')}: {expected}" in str(error)


def test_an_unknown_entity_label_in_a_class_names_the_file_and_line(tmp_path: Path) -> None:
    original = read_text("events.toml")
    old = 'entities = ["PERSON", "NORP"]'
    assert old in original
    edited = original.replace(old, 'entities = ["PERSON", "HUMAN"]', 1)
    line = next(n for n, text in enumerate(edited.splitlines(), 1) if "HUMAN" in text)
    path = tmp_path / "events.toml"
    path.write_text(edited, "utf-8")
    with pytest.raises(DataFileError) as caught:
        build_lexicon(path.read_text("utf-8"), str(path))
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert "'HUMAN' is not a named-entity label" in str(caught.value)


def test_the_shipped_events_file_has_phrases_and_no_dead_entry() -> None:
    lex = build_lexicon(read_text("events.toml"))
    phrases = {p.text for p in lex.phrases}
    assert {"air strike", "cease-fire", "sit-down", "phone call", "round up", "hold responsible"} <= phrases


# ---------------------------------------------------------------- status.toml
@pytest.mark.parametrize(("old", "new", "message"), [
    ('planned = ["will"', 'planned = ["Will"', "'Will' is not lower case"),
    ('planned = ["will"', 'planned = ["call off", "will"', "'call off' is 2 tokens"),
    ('planned = ["will"', 'planned = ["will", "will"', "'will' is listed twice"),
    ('[modals]\n', '[modals]\nmaybe = ["might"]\n', "unknown key 'maybe'"),
    ('needs_particle = ["call"', 'needs_particle = ["meet", "call"', "'meet' cancels with a particle only if"),
    ('threat = ["ASSAULT"', 'threat = ["ATTACK", "ASSAULT"', "'ATTACK' is not a PLOVER event type"),
    ('verbs = ["refuse"', 'verbs = ["Refuse"', "'Refuse' is not lower case"),
])
def test_a_cue_that_no_token_can_be_names_the_file_and_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    original = read_text("status.toml")
    assert old in original
    edited = original.replace(old, new, 1)
    key = new.splitlines()[-1].split(" =")[0] if "\n" in new else new.split(" =")[0]
    line = next(n for n, text in enumerate(edited.splitlines(), 1) if text.startswith(key))
    path = tmp_path / "status.toml"
    path.write_text(edited, "utf-8")
    with pytest.raises(DataFileError) as caught:
        build_cues(path.read_text("utf-8"), str(path))
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert message in str(caught.value)


def test_hyphenated_noun_modifiers_are_allowed_in_status_cues() -> None:
    assert "would-be" in build_cues(read_text("status.toml")).modifiers["hypothetical"]


# ---------------------------------------------------------------- other rule files
@pytest.mark.parametrize(("old", "new", "message"), [
    ('"043" = 2.8', '"043" = "2.8"', "expected a number"),
    ('"043" = 2.8', '"043" = 28.0', "28.0 is outside -10..+10"),
    ('"043" = 2.8', '"43x" = 2.8', "not a CAMEO code"),
])
def test_a_goldstein_entry_that_is_no_score_names_the_file_and_line(old: str, new: str, message: str) -> None:
    edited = read_text("goldstein.toml").replace(old, new, 1)
    line = next(n for n, text in enumerate(edited.splitlines(), 1) if text.startswith(new))
    with pytest.raises(DataFileError, match=rf"^goldstein.toml:{line}: .*{re.escape(message)}"):
        ontology.load_scale("goldstein.toml", edited)


@pytest.mark.parametrize(("name", "schema", "old", "new", "message"), [
    ("stories.toml", stories.SCHEMA, "max_gap_days = 180", "max_gap_dayz = 180", "unknown key 'max_gap_dayz'"),
    ("export.toml", export.SCHEMA, 'SQLDATE = "int"', 'SQLDATE = "integer"', "'integer' is not one of"),
    ("cleaning.toml", cleaning.SCHEMA, 'name = "remind-me"', 'nmae = "remind-me"', "unknown key 'nmae'"),
])
def test_other_rule_files_have_schemas(name: str, schema: Table, old: str, new: str, message: str) -> None:
    original = read_text(name)
    assert old in original
    edited = original.replace(old, new, 1)
    line = next(n for n, text in enumerate(edited.splitlines(), 1) if text.startswith(new))
    with pytest.raises(DataFileError, match=rf"^{re.escape(name)}:{line}: .*{re.escape(message)}"):
        loads_toml(name, edited, schema)
