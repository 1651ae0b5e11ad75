"""Extraction: `Article` → `ArticleResult` with events. The whole NLP stage, and the only one:
outside this package only the faces that run it (`pipeline`, `worker`, `cli`) and `evaluate/`
import it or spaCy; the store and story linking read what it computed (`tests/test_layers.py`).

The steps, in the order one article goes through them:

1. `nlp`: the spaCy pipeline, loaded once per process (`load`), its meta checked.
2. `actors` (a package, one module per step): who is named: the gazetteer with dated roles
   (`data/actors.json`), titles and appositives (`data/titles.toml`), in-document
   coreference, metonymy, quotes and speakers; one `ActorIndex` for the whole document.
3. `timex` (a package): every time expression of the text, tagged once and resolved against
   the publication date (`data/timex.toml`, `data/timex_rules.toml`).
4. `triggers`: per sentence, the words that name an event (`data/events.toml`) and their
   argument slots from the dependency parse, mapped to actors. A word of one token is looked
   up by its lemma; a word of several ("air strike", "cease-fire", "round up") is a phrase,
   found by spaCy's `Matcher` and `DependencyMatcher` (`phrases`).
5. `status` and `attribution`: what the clause says of the event (occurred, planned,
   cancelled, denied, hypothetical) and who says so (`data/status.toml`).
6. `dating`: the event's own time, and the time of the statement that reports it.
7. `places`: where, from the offline gazetteer (`data/places.toml`).
8. `assemble`: the `Event` records, with evidence spans and ids; reports of the same planned
   happening in one article share their set day and place. `Extractor` runs steps 1-8.

What the steps share:
- `lexicon` loads the trigger dictionary and the cue words that steps 4-6 read (the reporting
  verbs that name a quote's speaker in step 2 too), checked against their schemas;
  `lexicon_checks` rejects, as the files load, an entry that could never apply, naming the
  file and line;
- `countries` (`data/demonyms.tsv`: country names, adjectives, peoples, capitals) and
  `metonyms` (`data/metonyms.toml`: "the Kremlin", "the White House") load the tables that
  steps 2 and 7 both read.
"""
from __future__ import annotations

from .assemble import Extractor, classify, default_extractor, extract

__all__ = ["Extractor", "classify", "default_extractor", "extract"]
