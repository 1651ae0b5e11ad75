"""Clean: `RawDocument` → `Article` (HTML extraction, the text-level cleaner, then the guards
that keep out what the NLP pipeline cannot take: see `guard.py`). Every path to extraction
(`process`, `batch`, uploads, the Python API) goes through `clean`."""
from __future__ import annotations

import datetime as dt
import re
from itertools import islice

from ..errors import Reason, reject
from ..ingest import plausible_date
from ..model import Article, RawDocument, Rejected
from .guard import MAX_CHARS, guard_symbols
from .html import extract_html
from .text import clean_text, load_rules

__all__ = ["MIN_WORDS", "clean", "clean_text", "load_rules", "words"]

# The least an article is: one report of who did what ("Kim met Moon."). Fewer words are a
# fragment, noise or a decoder's guess at random bytes, not an article.
MIN_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{2,}")  # a token is a word when it holds two letters in a row


def words(text: str, at_most: int = MIN_WORDS) -> int:
    """The words in `text` (tokens between white space that hold two letters in a row), counted
    up to `at_most`."""
    return sum(1 for _ in islice((t for t in text.split() if _WORD.search(t)), at_most))


def clean(doc: RawDocument, published: dt.date | None = None) -> Article | Rejected:
    """Clean one document. `published` (the user's date) wins over any found in the input."""
    title, url, outlet = doc.title, doc.url, doc.outlet
    date, date_source = doc.published, doc.published_source
    text = doc.content
    if doc.kind == "html":
        found = extract_html(doc.content)
        if found is None:
            return reject(doc.source, Reason.NO_TEXT, detail=" from the HTML")
        text = found.text
        title, url, outlet = title or found.title, url or found.url, outlet or found.outlet
        if date is None and plausible_date(found.published) is not None:
            date, date_source = found.published, "htmldate"
    if published is not None:
        date, date_source = published, "user"
    cleaned, removed = clean_text(text, title)
    cleaned, junk = guard_symbols(cleaned)
    if not cleaned.strip():
        return reject(doc.source, Reason.NO_TEXT, detail=": everything left was boilerplate")
    if words(cleaned) < MIN_WORDS:
        return reject(doc.source, Reason.NO_TEXT, detail=f": fewer than {MIN_WORDS} words")
    if len(cleaned) > MAX_CHARS:
        return reject(doc.source, Reason.TOO_LONG, size=len(cleaned), cap=MAX_CHARS)
    return Article(
        id=doc.id, text=cleaned, source=doc.source, title=title, url=url, outlet=outlet,
        published=date, published_source=date_source, removed=removed + junk,
    )
