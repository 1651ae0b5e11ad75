"""Words of several tokens: trigger phrases found by spaCy's matchers, and hyphenated compounds.

spaCy splits "cease-fire" into `cease - fire` and "air strike" into two tokens, so a rule word
that is more than one token can never be found by looking up one token's lemma. Such a word is
a phrase, matched once per sentence:

- a noun, adjective or preposition phrase ("air strike", "sit-down", "to blame") by the
  `Matcher`, as its words in sequence: every word by its lower-case form, the last one also by
  its lemma ("air strikes", "cease-fires"). The phrase is anchored on its last word, the head of
  an English compound ("air strike" on "strike", "cease-fire" on "fire");
- a verb phrase ("round up", "hold responsible") by the `DependencyMatcher`, as the verb (by
  lemma) with each further word among its dependents, wherever the parse put them ("rounded up
  dozens", "rounded dozens up", "held Russia responsible"). It is anchored on the verb.

The anchor is the token the argument-slot code of `triggers.py` reads. Which entries a phrase
has, and the order they are tried in, is the lexicon's (`lexicon.py`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

HYPHENS = ("-", "‐", "–")


@dataclass(frozen=True)
class Phrase:
    """A rule word of several tokens, and the part of speech of its entries."""

    text: str
    pos: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class PhraseMatch:
    """Where a phrase was found: its anchor token and every token it covers (doc indices)."""

    phrase: Phrase
    anchor: int
    tokens: frozenset[int]


@lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], Doc]:
    """spaCy's English tokenizer (the pipeline's own rules, without the trained model)."""
    return spacy.blank("en").tokenizer


@lru_cache(maxsize=4096)
def split(text: str) -> tuple[str, ...]:
    """The tokens spaCy makes of a rule word: one for "summit", three for "cease-fire"."""
    return tuple(token.text for token in _tokenizer()(text))


def hyphen_compound(words: Sequence[str]) -> bool:
    """ "cease-fire", "korean-american": words joined by hyphens and nothing else."""
    return len(words) >= 3 and len(words) % 2 == 1 and all(
        (w in HYPHENS) == (i % 2 == 1) for i, w in enumerate(words))


def hyphenated(token: Token) -> str | None:
    """The hyphenated compound a token is part of, lower-cased ("cease-fire" for `fire`, "would-be"
    for `be`), or None. Rule words compared with single tokens use it for their hyphenated forms."""
    doc = token.doc
    start = end = token.i
    while start >= 2 and doc[start - 1].text in HYPHENS and not doc[start - 2].whitespace_ \
            and not doc[start - 1].whitespace_:
        start -= 2
    while end + 2 < len(doc) and doc[end + 1].text in HYPHENS and not doc[end].whitespace_ \
            and not doc[end + 1].whitespace_:
        end += 2
    if start == end:
        return None
    return doc[start:end + 1].text.lower()


class PhraseFinder:
    """The matchers for the lexicon's phrases, built once per vocabulary.

    Matching costs more than the rest of trigger finding, so it is gated: a matcher runs on a
    sentence only when every word of one of its phrases is among the sentence's lower-case
    forms and lemmas (a set lookup over arrays read once per doc). Most sentences have none."""

    def __init__(self, vocab: Vocab, phrases: Iterable[Phrase]) -> None:
        self.sequences = Matcher(vocab)
        self.dependents = DependencyMatcher(vocab)
        self.by_label: dict[int, Phrase] = {}
        self.words: list[tuple[frozenset[int], Phrase]] = []   # (word hashes, phrase)
        for phrase in phrases:
            label = f"{phrase.pos} {phrase.text}"
            self.by_label[vocab.strings.add(label)] = phrase
            self.words.append((frozenset(vocab.strings.add(w) for w in phrase.words), phrase))
            if phrase.pos == "VERB":
                self.dependents.add(label, [_verb_pattern(phrase.words)])
            else:
                self.sequences.add(label, _sequence_patterns(phrase.words))
        self._doc: tuple[Doc, Any, list[tuple[frozenset[int], Phrase]]] | None = None

    def __call__(self, sent: Span) -> list[PhraseMatch]:
        """The phrases of a sentence, longest first (then leftmost)."""
        words, candidates = self._doc_words(sent.doc)
        if not candidates:
            return []
        present = set(words[sent.start:sent.end].ravel().tolist())
        kinds = {phrase.pos == "VERB" for needed, phrase in candidates if needed <= present
                 and (phrase.pos != "VERB" or _verb_heads(sent, phrase.words))}
        if not kinds:
            return []
        found: set[PhraseMatch] = set()
        if False in kinds:
            for match_id, start, end in self.sequences(sent):
                tokens = frozenset(range(sent.start + start, sent.start + end))
                found.add(PhraseMatch(self.by_label[match_id], sent.start + end - 1, tokens))
        if True in kinds:
            for match_id, ids in self.dependents(sent):
                tokens = frozenset(sent.start + i for i in ids)
                found.add(PhraseMatch(self.by_label[match_id], sent.start + ids[0], tokens))
        return sorted(found, key=lambda m: (-len(m.tokens), min(m.tokens), m.phrase.text))

    def _doc_words(self, doc: Doc) -> tuple[Any, list[tuple[frozenset[int], Phrase]]]:
        """The doc's (lower form, lemma) hashes per token, and the phrases all of whose words
        occur in it; kept for the doc's next sentence."""
        cached = self._doc
        if cached is None or cached[0] is not doc:
            words = doc.to_array(["LOWER", "LEMMA"])
            everywhere = set(words.ravel().tolist())
            cached = self._doc = (doc, words, [w for w in self.words if w[0] <= everywhere])
        return cached[1], cached[2]


def _verb_heads(sent: Span, words: Sequence[str]) -> bool:
    """Whether a verb of the sentence has the phrase's lemma and its other words among its
    dependents: what the verb pattern below needs to match. Checked first because the
    `DependencyMatcher` copies the whole document (`Span.as_doc`) for every sentence it reads."""
    verb, *rest = words
    return any(t.lemma_ == verb and t.pos_ == "VERB" and set(rest) <= {c.lower_ for c in t.children}
               for t in sent)


def _sequence_patterns(words: Sequence[str]) -> list[list[dict[str, Any]]]:
    exact = [{"LOWER": word} for word in words]
    inflected = [*exact[:-1], {"LEMMA": words[-1]}]
    return [exact, inflected]


def _verb_pattern(words: Sequence[str]) -> list[dict[str, Any]]:
    verb, *rest = words
    nodes: list[dict[str, Any]] = [{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": verb, "POS": "VERB"}}]
    for index, word in enumerate(rest):
        nodes.append({"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": f"w{index}", "RIGHT_ATTRS": {"LOWER": word}})
    return nodes
