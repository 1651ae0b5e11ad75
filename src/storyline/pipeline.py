"""The storyline pipeline.

Stages, each a plain function over the typed records of `model.py`. DESIGN.md's "Pipeline"
table lists the same stages, with the steps of extraction (nlp, actors, time, places, events)
as rows of their own; here they are one stage, the `extract/` package:

1. ingest  (`ingest.py`)  files, globs, directories, JSONL, stdin → `RawDocument` | `Rejected`
   (`storyline batch` also reads WARC files, `warc.py`)
2. clean   (`clean/`)     `RawDocument` → `Article`: HTML main text (`html.py`), then the text
   cleaner (`text.py`, rules in `data/cleaning.toml`) and the guards before the parser (`guard.py`)
3. extract (`extract/`)   `Article` → events: `nlp`, `actors/`, `timex/`, `triggers` (with
   `phrases`), `status`, `attribution`, `dating`, `places`, `assemble` (see its docstring);
   the CLI, `batch` and the server's uploads run it in a worker process under a time limit
   per article (`worker.py`); `process` runs it in this process
4. store   (`store.py`)   everything → SQL, idempotently, one transaction per article
5. stories (`stories.py`) stored articles' events linked into stories: only the buckets
   (participants) of new events are rebuilt, never the corpus; once per `link_every` new
   articles (a bucket rebuild costs its size, so a large batch links in rounds) and at the end.
   Linking reads the stored events (`store.link_pending`), so it comes after the store, not
   before it as in DESIGN.md's table.

`process` runs stages 1–3 on one text; `run` runs all five over many inputs (files, or documents
`watch.py` has fetched).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine

from . import store as db
from .clean import clean
from .errors import Reason, reject
from .ingest import date_out_of_range, make_document, read_inputs
from .model import Article, ArticleResult, ContentKind, RawDocument, Rejected
from .settings import DEFAULT_MODEL, Settings

Extractor = Callable[..., ArticleResult]
BATCH = 32


class BatchExtractor(Protocol):
    """Anything that extracts events from many articles at once: `extract.Extractor` in this
    process, or `worker.Worker` in a child process under a time limit per article (which
    answers a rejection for an article it had to stop)."""

    def pipe(self, articles: Sequence[Article]) -> Sequence[ArticleResult | Rejected]: ...


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


def process(text_or_html: str, published: dt.date | str | None = None, model: str | None = None,
            time_limit: float | None = None) -> ArticleResult:
    """Python API: one article's text or HTML in, its cleaned article and events out.

    ValueError for a malformed or implausible date (outside `ingest.date_range`) and for an
    input that is no article (the rejection's message). With `time_limit` (seconds), cleaning
    and extraction run in a child process (`worker.Worker`, as `storyline process` does) that
    is stopped past the limit: TimeoutError, instead of an unbounded wait on a pathological input."""
    date = dt.date.fromisoformat(published) if isinstance(published, str) else published
    problem = date_out_of_range(date) if date is not None else None
    if problem:
        raise ValueError(f"published {date}: {problem}, the publication dates accepted")
    stripped = text_or_html.lstrip()[:1024].lower()
    kind: ContentKind = "html" if stripped.startswith(("<!doctype", "<html")) or "<body" in stripped else "text"
    doc = make_document("<python>", text_or_html, kind)
    result = doc if isinstance(doc, Rejected) else _analyse_now(doc, date, model, time_limit)
    if isinstance(result, Rejected):
        raise (TimeoutError if result.code == Reason.TIME_LIMIT else ValueError)(result.message())
    return result


def _analyse_now(doc: RawDocument, published: dt.date | None, model: str | None,
                 time_limit: float | None) -> ArticleResult | Rejected:
    """`analyse` in this process, or in a time-limited child process when a limit is given."""
    from .extract import default_extractor
    from .worker import Worker

    if not time_limit:
        return analyse(doc, published, default_extractor(model))
    with Worker(model or DEFAULT_MODEL, time_limit, documents=True) as worker:
        return worker.analyse(doc, published)


def run(
    paths: Iterable[str],
    settings: Settings,
    published: dt.date | None = None,
    extractor: BatchExtractor | None = None,
    save: bool = True,
    on_item: Callable[[ArticleResult | Rejected, bool], None] | None = None,
    link_every: int = BATCH,
    items: Iterable[RawDocument | Rejected] | None = None,
    engine: Engine | None = None,
) -> Summary:
    """Ingest, clean, extract and (when `save`) store every input; never stops on bad input.

    `items`: documents read elsewhere (`storyline watch` fetches them), taken instead of
    reading `paths`; they go through the same stages, in the order given. `engine`: the store
    to use when the caller holds one open (a watch runs round after round), else `settings.db`.

    Articles are extracted in batches (one `nlp.pipe` call per batch); each article is then
    stored in its own transaction, in input order, and linked into stories every `link_every`
    new articles and at the end (`link_every=1`: after each article).
    """
    engine = (engine or db.connect(settings.db)) if save else None
    if engine is not None:
        db.link_pending(engine)  # what an interrupted run left unlinked
    summary = Summary()
    unlinked = 0
    stored = (lambda article_id: db.stored_result(engine, article_id)) if engine is not None else (lambda _: None)
    inputs = read_inputs(paths, settings.max_bytes) if items is None else items
    for outcome, known in _outcomes(inputs, published, extractor, stored):
        is_new = False
        if isinstance(outcome, Rejected):
            summary.rejected.append(outcome)
            if engine is not None:
                db.save_rejection(engine, outcome)
        else:
            is_new = not known and (db.save_result(engine, outcome) if engine is not None else True)
            summary.new, summary.known = summary.new + is_new, summary.known + (not is_new)
            unlinked += is_new and engine is not None
            if unlinked >= link_every and engine is not None:
                db.link_pending(engine)
                unlinked = 0
        if on_item is not None:
            on_item(outcome, is_new)
    if unlinked and engine is not None:
        db.link_pending(engine)
    return summary


def _outcomes(
    items: Iterable[RawDocument | Rejected],
    published: dt.date | None,
    extractor: BatchExtractor | None,
    stored: Callable[[str], ArticleResult | None],
) -> Iterator[tuple[ArticleResult | Rejected, bool]]:
    """Each input's result, and whether it was already stored (then it is not re-extracted)."""
    batch: list[Article | Rejected | ArticleResult] = []
    for item in items:
        known = stored(item.id) if isinstance(item, RawDocument) else None
        batch.append(known if known is not None else _clean_one(item, published))
        if len(batch) >= BATCH:
            yield from _extract_batch(batch, extractor)
            batch = []
    yield from _extract_batch(batch, extractor)


def _clean_one(item: RawDocument | Rejected, published: dt.date | None) -> Article | Rejected:
    if isinstance(item, Rejected):
        return item
    try:
        return clean(item, published)
    except (ValueError, RuntimeError, RecursionError, MemoryError) as exc:
        return reject(item.source, Reason.FAILED, detail=f"{type(exc).__name__}: {exc}")


def _extract_batch(
    batch: Sequence[Article | Rejected | ArticleResult], extractor: BatchExtractor | None
) -> Iterator[tuple[ArticleResult | Rejected, bool]]:
    articles = [a for a in batch if isinstance(a, Article)]
    if extractor is None or not articles:
        results: Iterator[ArticleResult | Rejected] = iter([ArticleResult(a) for a in articles])
    else:
        results = iter(safe_pipe(extractor, articles))
    for item in batch:
        if isinstance(item, Article):
            yield next(results), False
        else:
            yield item, isinstance(item, ArticleResult)


def safe_pipe(extractor: BatchExtractor, articles: Sequence[Article]) -> list[ArticleResult | Rejected]:
    """The batch at once; if it fails, each article alone, so one bad article is one rejection."""
    try:
        return list(extractor.pipe(articles))
    except Exception:  # noqa: BLE001 - isolate the failing article below
        out: list[ArticleResult | Rejected] = []
        for article in articles:
            try:
                out.extend(extractor.pipe([article]))
            except Exception as exc:  # noqa: BLE001 - recorded as a rejection, never lost silently
                out.append(reject(article.source, Reason.FAILED, detail=f"{type(exc).__name__}: {exc}"))
        return out
