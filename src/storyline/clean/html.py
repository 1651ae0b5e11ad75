"""HTML main text and metadata with trafilatura; the publication date with htmldate."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import trafilatura
from htmldate import find_date
from trafilatura.settings import Document

for _noisy in ("trafilatura", "htmldate", "charset_normalizer"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class HtmlExtract:
    text: str
    title: str | None
    url: str | None
    outlet: str | None
    published: dt.date | None


def extract_html(html: str) -> HtmlExtract | None:
    """Main text and metadata of a page; None when no text at all can be found."""
    doc = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
    text = doc.text if isinstance(doc, Document) else None  # a Document unless as_dict=True
    if not text:
        text = trafilatura.extract(html, include_comments=False, favor_recall=True) or trafilatura.html2txt(html)
    if not text or not text.strip():
        return None
    return HtmlExtract(
        text=text,
        title=getattr(doc, "title", None),
        url=getattr(doc, "url", None),
        outlet=getattr(doc, "sitename", None),
        published=publication_date(html),
    )


def publication_date(html: str) -> dt.date | None:
    """The original publication date found by htmldate, or None."""
    try:
        found = find_date(html, original_date=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None
    return dt.date.fromisoformat(found) if found else None
