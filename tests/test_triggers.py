"""Triggers on the real model: every word of events.toml can be found at its part of speech,
phrases of several tokens are triggers read on their head token, the longer match wins, and
the slot builders fill only the slots the rules may name. Sentences are invented."""
from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from conftest import SEED, shared_path
from storyline.evaluate.plover import load_cameo2plover
from storyline.extract import classify
from storyline.extract import nlp as nlp_module
from storyline.extract.actors import resolve_actors
from storyline.extract.lexicon import Lexicon, cues, lexicon
from storyline.extract.lexicon_checks import PREP, SLOTS
from storyline.extract.phrases import split
from storyline.extract.status import status_of
from storyline.extract.triggers import (
    POS_OF,
    Trigger,
    find_triggers,
    noun_slots,
    predicate_slots,
    verb_slots,
)
from storyline.ontology import cameo_types

# Tiny sentences that put a word in its part of speech; a word is found if any one does.
TEMPLATES = {
    "VERB": ("They will {w} the city.", "They want to {w} them.", "They {w} with them."),
    "NOUN": ("They discussed the {w}.", "The {w} was long.", "They spoke of {w}."),
    "ADJ": ("They are {w} for it.", "They are {w}."),
    "ADP": ("They are {w} it.",),
}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return nlp_module.load()


def _found(doc: Doc, word: str, pos: str, lex: Lexicon) -> bool:
    """Whether the lookup that find_triggers uses sees `word` at `pos` in the doc."""
    if len(split(word)) > 1:
        return any(m.phrase.text == word and m.phrase.pos == pos for s in doc.sents for m in lex.find_phrases(s))
    return any(t.lemma_.lower() == word and POS_OF.get(t.pos_) == pos for t in doc)


def _unfound(nlp: Language, words: list[tuple[str, str]], lex: Lexicon) -> list[tuple[str, str]]:
    sentences = [(word, pos, t.format(w=word)) for word, pos in words for t in TEMPLATES[pos]]
    found = {(word, pos) for (word, pos, _), doc in zip(sentences, nlp.pipe(s for *_, s in sentences), strict=True)
             if _found(doc, word, pos, lex)}
    return [key for key in words if key not in found]


@pytest.mark.slow
def test_every_trigger_word_is_found_at_its_part_of_speech(nlp: Language) -> None:
    """A word spaCy lemmatizes otherwise ("talks" → talk) or tags otherwise could never match."""
    lex = lexicon()
    assert not _unfound(nlp, sorted(lex.by_key), lex)


@pytest.mark.slow
def test_word_lists_compared_with_lemmas_hold_lemmas(nlp: Language) -> None:
    lex, cue = lexicon(), cues()
    lists = {"VERB": lex.support_verbs | lex.happening_verbs | lex.particle_verbs | cue.reporting_verbs,
             "NOUN": lex.group_nouns}
    words = [(w, pos) for pos, found in lists.items() for w in sorted(found)]
    assert not _unfound(nlp, words, lex)


def test_rule_words_are_split_as_the_model_splits_them(nlp: Language) -> None:
    """Phrases are built with spaCy's English tokenizer rules; the model's must agree."""
    for word, _ in lexicon().by_key:
        assert [t.text for t in nlp.tokenizer(word)] == list(split(word)), word


def test_the_cameo_codes_are_the_official_tables() -> None:
    official = load_cameo2plover(shared_path("peer", "plover", "CAMEO2PLOVER-2021.txt"))
    assert dict(cameo_types()) == {code: kind for code, (kind, _) in official.items()}


# ---------------------------------------------------------------- invented sentences
def _triggers(nlp: Language, text: str) -> list[Trigger]:
    doc = nlp(text)
    actors = resolve_actors(doc, None)
    return [t for sent in doc.sents for t in find_triggers(sent, lexicon(), actors)]


def _types(nlp: Language, text: str) -> list[tuple[str, str, str]]:
    return [(t.token.text, t.pattern.lemma, t.pattern.type) for t in _triggers(nlp, text)]


@pytest.mark.parametrize(("text", "kind"), [
    ("The president held a sit-down with the prime minister.", "CONSULT"),
    ("An air strike on the city killed ten people.", "ASSAULT"),
    ("Israel launched an air strike on the port.", "ASSAULT"),
    ("The chancellor had a phone call with the French president.", "CONSULT"),
    ("The navies held war games near the island.", "COOPERATE"),
    ("The United States held Russia responsible for the poisoning.", "ACCUSE"),
    ("Police rounded up dozens of students.", "COERCE"),
    ("The government shut down the newspaper.", "COERCE"),
    ("Prisoners began a hunger strike.", "PROTEST"),
    ("Israeli jets struck the port.", "ASSAULT"),
    ("Dock workers struck for higher pay.", "PROTEST"),
])
def test_the_main_event_of_a_sentence(nlp: Language, text: str, kind: str) -> None:
    found = classify(nlp(text))
    assert found is not None and found.type == kind, (found, _types(nlp, text))


@pytest.mark.parametrize(("text", "head", "phrase", "kind"), [
    ("They agreed to a cease-fire.", "fire", "cease-fire", "RETREAT"),
    ("The president held a sit-down with the prime minister.", "down", "sit-down", "CONSULT"),
    ("An air strike killed ten people.", "strike", "air strike", "ASSAULT"),
    ("The air strikes on the port continued.", "strikes", "air strike", "ASSAULT"),
    ("Police rounded dozens of students up.", "rounded", "round up", "COERCE"),
    ("The minister backed down on the tax.", "backed", "back down", "CONCEDE"),
    ("Russia is to blame for the attack.", "blame", "to blame", "ACCUSE"),
    ("The army handed over the prisoners to the Red Cross.", "handed", "hand over", "RETREAT"),
    ("NATO warned of a military build-up on the border.", "up", "build-up", "MOBILIZE"),
])
def test_phrases_are_triggers_on_their_head_token(nlp: Language, text: str, head: str, phrase: str, kind: str) -> None:
    assert (head, phrase, kind) in _types(nlp, text)


def test_the_longer_match_wins_and_its_words_are_no_arguments(nlp: Language) -> None:
    """ "air strike" is never the "strike" of workers, and "air" is not its compound."""
    (trigger,) = [t for t in _triggers(nlp, "An air strike killed ten people.") if t.token.text == "strike"]
    assert trigger.pattern.type == "ASSAULT" and trigger.pattern.mode == "aerial"
    assert trigger.slot("compound") == ()
    held = _types(nlp, "The United States held Russia responsible for the poisoning.")
    assert [k for _, _, k in held].count("ACCUSE") == 1 and not any(w == "responsible" for w, _, _ in held)


def test_a_phrase_that_does_not_hold_leaves_its_words_alone(nlp: Language) -> None:
    """ "want to blame" is no predicate "to blame": the verb "blame" is read alone."""
    assert ("blame", "blame", "ACCUSE") in _types(nlp, "They want to blame Russia for the attack.")


def test_hold_with_an_event_for_object_carries_it(nlp: Language) -> None:
    """ "held talks" is no detention; "held two activists" is."""
    assert not any(k == "COERCE" for *_, k in _types(nlp, "The two sides held talks in Geneva."))
    assert ("held", "hold", "COERCE") in _types(nlp, "Police held two activists.")


def test_hyphenated_object_words_match_the_whole_compound(nlp: Language) -> None:
    """ "reached a cease-fire": the object is the compound, and the verb is the event."""
    types = _types(nlp, "The rebels reached a cease-fire with the army.")
    assert ("reached", "reach", "AGREE") in types


@pytest.mark.parametrize(("text", "status"), [
    ("The would-be summit collapsed.", "hypothetical"),
    ("The called-off summit was rescheduled.", "cancelled"),
])
def test_hyphenated_noun_modifiers_give_the_status(nlp: Language, text: str, status: str) -> None:
    (summit,) = [t for t in nlp(text) if t.text == "summit"]
    assert status_of(summit, cues()) == status


# ---------------------------------------------------------------- slots
SLOT_TEXT = [
    "Putin met Erdogan in Sochi on Monday and spoke by phone with Macron, who had called him.",
    "The freed prisoners were handed over to the Red Cross, which welcomed their release.",
    "Russia called the expulsions a provocative gesture and agreed to meet Kim.",
    "China's support for the deal between Iran and the United States was clear.",
    "The president gave the delegation a warm welcome; Russia was behind the attack.",
]


def test_slot_builders_fill_only_the_slots_the_rules_may_name(nlp: Language) -> None:
    lex = lexicon()
    texts = [*SLOT_TEXT, SEED.read_text("utf-8")]
    seen: dict[str, set[str]] = {"VERB": set(), "NOUN": set(), "ADJ": set()}
    for doc in nlp.pipe(texts):
        for token in doc:
            pos = POS_OF.get(token.pos_)
            if pos == "VERB":
                seen[pos] |= set(verb_slots(token))
            elif pos == "NOUN":
                seen[pos] |= set(noun_slots(token, lex))
            elif pos in ("ADJ", "ADP"):
                seen["ADJ"] |= set(predicate_slots(token))
    for pos, names in seen.items():
        assert {n for n in names if not n.startswith(PREP)} <= SLOTS[pos], pos
    assert {"subj", "obj", "predicate", "xcomp_obj", "dative", "phone", "modified"} <= seen["VERB"]
    assert {"poss", "compound", "amod", "obj", "governor", "gov_subj"} <= seen["NOUN"]
