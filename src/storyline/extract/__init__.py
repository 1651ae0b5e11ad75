"""Extraction: `Article` → `ArticleResult` with events. The whole NLP stage, and the only one:
nothing outside this package imports spaCy or the time tagger.

The steps, in the order one article goes through them:

1. `nlp`: the spaCy pipeline, loaded once per process (`load`), its meta checked.
2. `actors` (a package, one module per step): who is named: the gazetteer with dated roles
   (`data/actors.json`), titles and appositives (`data/titles.toml`), in-document
   coreference, metonymy, quotes and speakers; one `ActorIndex` for the whole document.
3. `timex`: every time expression of the text, tagged once and resolved against the
   publication date (`data/timex.toml`, `data/timex_rules.toml`).
4. `triggers`: per sentence, the words that name an event (`data/events.toml`) and their
   argument slots from the dependency parse, mapped to actors.
5. `status` and `attribution`: what the clause says of the event (occurred, planned,
   cancelled, denied, hypothetical) and who says so (`data/status.toml`).
6. `dating`: the event's own time, and the time of the statement that reports it.
7. `places`: where, from the offline gazetteer (`data/places.toml`).
8. `assemble`: the `Event` records, with evidence spans and ids; reports of the same planned
   happening in one article share their set day and place.

`lexicon` loads the trigger dictionary and the cue words that steps 4-6 share (the reporting
verbs that name a quote's speaker in step 2 too); `countries` (`data/demonyms.tsv`) and
`metonyms` (`data/metonyms.toml`) load the country names and government metonyms that steps 2
and 7 share.
"""
from __future__ import annotations

from .assemble import Extractor, classify, default_extractor, extract

__all__ = ["Extractor", "classify", "default_extractor", "extract"]
