"""The storyline pipeline.

Stages, each a plain function over typed records (see DESIGN.md):

1. ingest  (`ingest.py`)  files, globs, directories, JSONL, stdin → `RawDocument` | `Rejected`
2. clean   (`clean/`)     `RawDocument` → `Article`: HTML main text, then the text cleaner
3. extract (`extract.py`) `Article` → events: actors, time, places, status, attribution
4. store   (`store.py`)   everything → SQL, idempotently, one transaction per article

`process` runs stages 1–3 on one text; `run` runs all four over many inputs.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .clean import clean
from .errors import Reason, reject
from .ingest import make_document, read_inputs
from .model import ArticleResult, RawDocument, Rejected
from .settings import Settings
from . import store as db

Extractor = Callable[..., ArticleResult]


@dataclass
class Summary:
    """What a run did: new and already-known articles, and rejections."""

    new: int = 0
    known: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return self.new + self.known


def analyse(doc: RawDocument, published: dt.date | None = None, extractor: Extractor | None = None) -> ArticleResult | Rejected:
    """Clean one document and, when an extractor is given, extract its events."""
    article = clean(doc, published)
    if isinstance(article, Rejected):
        return article
    return extractor(article) if extractor is not None else ArticleResult(article)


def process(text_or_html: str, published: dt.date | str | None = None, extractor: Extractor | None = None) -> ArticleResult:
    """Python API: one article's text or HTML in, its cleaned article (and events) out."""
    date = dt.date.fromisoformat(published) if isinstance(published, str) else published
    stripped = text_or_html.lstrip()[:1024].lower()
    kind = "html" if stripped.startswith(("<!doctype", "<html")) or "<body" in stripped else "text"
    doc = make_document("<python>", text_or_html, kind)
    result = doc if isinstance(doc, Rejected) else analyse(doc, date, extractor)
    if isinstance(result, Rejected):
        raise ValueError(result.message())
    return result


def run(
    paths: Iterable[str],
    settings: Settings,
    published: dt.date | None = None,
    extractor: Extractor | None = None,
    save: bool = True,
    on_item: Callable[[ArticleResult | Rejected, bool], None] | None = None,
) -> Summary:
    """Ingest, clean, extract and (when `save`) store every input; never stops on bad input."""
    engine = db.connect(settings.db) if save else None
    summary = Summary()
    for item in read_inputs(paths, settings.max_bytes):
        outcome = _one(item, published, extractor)
        is_new = False
        if isinstance(outcome, Rejected):
            summary.rejected.append(outcome)
            if engine is not None:
                db.save_rejection(engine, outcome)
        else:
            is_new = db.save_result(engine, outcome) if engine is not None else True
            summary.new, summary.known = summary.new + is_new, summary.known + (not is_new)
        if on_item is not None:
            on_item(outcome, is_new)
    return summary


def _one(item: RawDocument | Rejected, published: dt.date | None, extractor: Extractor | None) -> ArticleResult | Rejected:
    if isinstance(item, Rejected):
        return item
    try:
        return analyse(item, published, extractor)
    except (ValueError, RuntimeError, RecursionError, MemoryError) as exc:
        return reject(item.source, Reason.FAILED, detail=f"{type(exc).__name__}: {exc}")
