"""Text helpers every layer shares (extraction, story linking, the web queries, evaluation),
kept at the bottom of the package so none of them has to import another's.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@lru_cache(maxsize=65536)
def fold(text: str, *, ascii_only: bool = False) -> str:
    """The form names and words are compared in: case-folded, accents dropped ("Zelenskyy" =
    "ZELENSKYY", "Erdoğan" = "Erdogan"), curly and grave apostrophes straight, whitespace runs
    one space.

    `ascii_only` drops instead every character without an ASCII base (ø, ł, curly quotes,
    non-Latin letters) and leaves apostrophes as they are: the story keys are built so
    (`stories.participant_key`), and stored story ids are hashes of them.
    """
    if ascii_only:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    elif text.isascii():
        plain = text.replace("`", "'")
    else:
        decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())
