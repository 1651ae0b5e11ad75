"""The verb-phrase gate of `phrases.PhraseFinder` on the real model: the `DependencyMatcher`
(which copies the whole document for each sentence it reads) runs only where a verb of the
phrase's lemma heads the phrase's other words, and the gate never hides a match the matcher
would find. Sentences are invented."""
from __future__ import annotations

import pytest
from spacy.language import Language

from storyline.extract import nlp as nlp_module
from storyline.extract.lexicon import lexicon
from storyline.extract.phrases import _verb_heads

SENTENCES = [
    "Police rounded up forty protesters outside the ministry in Tallinn.",
    "Police rounded forty protesters up outside the ministry in Tallinn.",
    "The minister held the militia responsible for the blast near Osh.",
    "The cabinet finally gave in to the demands of the striking nurses.",
    "Vilnius ruled out any talks with the new junta.",
    "The envoy gave a speech in Riga and then flew home.",
    "Up in the hills, soldiers rounded the corner and met the convoy.",
    "She held a meeting in Quito; nobody was responsible for the delay.",
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return nlp_module.load()


@pytest.mark.parametrize("text", SENTENCES)
def test_the_gate_passes_every_verb_phrase_the_matcher_finds(nlp: Language, text: str) -> None:
    lex = lexicon()
    sent = next(iter(nlp(text).sents))
    lex.find_phrases(sent)   # builds the finder for this vocabulary
    finder = lex._finder[0][1]
    matched = {finder.by_label[key].words for key, _ in finder.dependents(sent)}
    for words in matched:
        assert _verb_heads(sent, words), (text, words)
    found = {m.phrase.words for m in lex.find_phrases(sent) if m.phrase.pos == "VERB"}
    assert found == matched, (text, found, matched)


@pytest.mark.parametrize(("text", "words", "heads"), [
    ("Police rounded up forty protesters in Tallinn.", ("round", "up"), True),
    ("The cabinet gave in to the nurses.", ("give", "in"), True),
    ("The envoy who lives in Riga gave a speech.", ("give", "in"), False),
    ("She held a meeting; nobody was responsible for the delay.", ("hold", "responsible"), False),
])
def test_the_gate_needs_the_verb_to_head_the_other_words(nlp: Language, text: str,
                                                       words: tuple[str, ...], heads: bool) -> None:
    sent = next(iter(nlp(text).sents))
    assert _verb_heads(sent, words) is heads
