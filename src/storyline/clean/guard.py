"""Guards between cleaning and the NLP pipeline, for texts spaCy cannot take in time or at all.

spaCy's tokenizer splits prefixes and suffixes off a space-free chunk one at a time, each
step rescanning the rest of the chunk: quadratic in the chunk's punctuation. 16,000 "[" took
28 s, 37,000 "&" (HTML `&amp;` runs) minutes, and no alarm can interrupt it. Long runs of
punctuation and symbols are not prose, so they are removed (and recorded, as any removal):
"[[[[…", "&&&&…", emoji runs, and runs with single letters between the marks ("'s's's…",
"'s[)'s]…", which the tokenizer splits the same way). Runs of up to `MAX_SYMBOLS` characters
(ellipses, "|---|---|", "____" rules) stay as they are.

spaCy also refuses a text over `nlp.max_length` (1,000,000 characters by default) with its
E088 error; such a text is rejected here in storyline's words (`Reason.TOO_LONG`).
"""
from __future__ import annotations

import re

from ..model import Removed

MAX_SYMBOLS = 50
MAX_CHARS = 1_000_000  # spaCy's default `nlp.max_length`
# Punctuation and symbols (underscore included), possibly with single ASCII letters between them.
_SYMBOL_RUN = re.compile(r"(?:[^\w\s]|_)++(?:[A-Za-z](?:[^\w\s]|_)++)*+")
_SPACES = re.compile(r"[ \t]{2,}")
RULE, REASON = "symbol-run", "junk"


def guard_symbols(text: str) -> tuple[str, tuple[Removed, ...]]:
    """`text` (paragraphs separated by blank lines) without runs of more than `MAX_SYMBOLS`
    punctuation and symbol characters; paragraphs left empty are dropped."""
    removed: list[Removed] = []
    kept = []
    for para in text.split("\n\n"):
        pieces, last = [], 0
        for run in _SYMBOL_RUN.finditer(para):
            if run.end() - run.start() > MAX_SYMBOLS:
                removed.append(Removed(run.group(), REASON, RULE))
                pieces += [para[last:run.start()], " "]
                last = run.end()
        if pieces:
            para = _SPACES.sub(" ", "".join(pieces) + para[last:]).strip()
        if para:
            kept.append(para)
    return ("\n\n".join(kept), tuple(removed)) if removed else (text, ())
