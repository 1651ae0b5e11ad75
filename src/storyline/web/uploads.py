"""Uploads: bytes from a form or the API → one stored article with its events and stories.

The stages are the CLI's (`ingest.read_bytes` sniffing and size cap, `pipeline.analyse`
cleaning and extraction, `store.save_result`, `store.link_pending`); only the orchestration
differs: one document per request, and a bad upload is an error response that leaves the
store unchanged (the CLI records a rejection; here the client gets it back instead).

Cleaning and extraction run in the extraction worker process (`worker.Worker`), under the time
limit per article: CPU-bound spaCy code holds the GIL, so run in a thread of the server it
would stall every other request (the health check included) for as long as it took, and no
thread can be stopped. An upload past the limit is a 422 with reason code E020.

URL lists: a file whose every line is an http(s) URL is a URL list; each URL is fetched by
`storyline watch`'s code (`watch.fetch_page`: robots.txt, a pause per host, timeouts, size
cap, bounded redirects) and stored as an upload, or recorded as a rejection. Fetching a URL a
client names is a server-side request forgery risk, so only public addresses are fetched
(`fetch.refusal`, checked at every redirect) unless the server was started with
`--allow-private-fetch`; every URL is recorded in the `sources` table, and one stored or
rejected before is not fetched again.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from .. import pipeline, sources, store
from ..errors import Reason, StorylineError, reject
from ..fetch import Fetcher
from ..ingest import date_out_of_range, decode, make_document, read_bytes, sniff_binary
from ..model import ArticleResult, ContentKind, RawDocument, Rejected
from ..settings import Settings
from ..sources import Pending
from ..watch import fetch_page
from ..worker import Worker
from .errors import ApiError
from .queries import stories_of

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MAX_URLS = 10_000


@dataclass(frozen=True)
class Upload:
    """One upload as received: its bytes, what the client says it is, and its metadata."""

    source: str
    data: bytes
    kind: ContentKind | None = None        # None: sniff, as for a file on the command line
    published: dt.date | None = None
    meta: dict[str, str] = field(default_factory=dict)  # url, title, outlet


@dataclass(frozen=True)
class Stored:
    """The outcome of an article upload."""

    result: ArticleResult
    new: bool
    stories: list[str]


@dataclass(frozen=True)
class UrlList:
    """The outcome of a URL-list upload: the URLs, the articles stored (URL, article id) and
    the rejections (`recorded`: how many of them were new to the store)."""

    urls: list[str]
    stored: list[tuple[str, str]]
    rejected: list[Rejected]
    recorded: int


class Processor:
    """Runs uploads through the pipeline, one at a time (one writer). By default each runs in
    the extraction worker process, started (the model loaded) on the first upload; an
    `extractor` given here runs in the server's own threads instead, with no time limit."""

    def __init__(self, engine: Engine, settings: Settings, extractor: pipeline.Extractor | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self._extractor = extractor
        self._worker = Worker(settings.model, settings.time_limit, documents=True) if extractor is None else None
        self._lock = threading.Lock()

    def _analyse(self, doc: RawDocument, published: dt.date | None) -> ArticleResult:
        """Clean and extract `doc`; ApiError when it is rejected or the model cannot be loaded."""
        outcome = self._outcome(doc, published)
        if isinstance(outcome, Rejected):
            raise ApiError.from_rejection(outcome)
        return outcome

    def _outcome(self, doc: RawDocument, published: dt.date | None) -> ArticleResult | Rejected:
        """Clean and extract `doc`; ApiError (503) only when the model cannot be loaded."""
        if self._worker is None:
            assert self._extractor is not None
            return _analyse(doc, published, self._extractor)
        try:
            return self._worker.analyse(doc, published)
        except StorylineError as exc:
            raise ApiError(503, "model_unavailable", f"the spaCy pipeline {self.settings.model!r} cannot be loaded",
                           {"error": str(exc)}) from exc

    def close(self) -> None:
        """Stop the extraction worker process (it also stops when the server exits)."""
        if self._worker is not None:
            self._worker.close()

    def article(self, upload: Upload) -> Stored:
        """Store one article from `upload` (or return it as stored before); ApiError when bad."""
        doc = document(upload, self.settings.max_bytes)
        with self._lock:
            known = store.stored_result(self.engine, doc.id)
            if known is not None:
                return Stored(known, False, self._stories(known))
            result = self._analyse(doc, upload.published)
            store.save_result(self.engine, result)
            store.link_pending(self.engine)
        return Stored(result, True, self._stories(result))

    def url_list(self, urls: list[str]) -> UrlList:
        """Fetch and store every URL (public addresses only, unless `allow_private_fetch`)."""
        stored: list[tuple[str, str]] = []
        rejected: list[Rejected] = []
        recorded = 0
        settings = self.settings
        with self._lock, Fetcher(settings.fetch, settings.max_bytes, sources.log_request(self.engine)) as fetcher:
            for url in urls:
                outcome = self._fetched(fetcher, url)
                if isinstance(outcome, Rejected):
                    rejected.append(outcome)
                    recorded += store.save_rejection(self.engine, outcome)
                else:
                    stored.append((url, outcome.article.id))
            store.link_pending(self.engine)
        return UrlList(urls, stored, rejected, recorded)

    def _fetched(self, fetcher: Fetcher, url: str) -> ArticleResult | Rejected:
        """One URL's article or rejection: as recorded when it was settled before, else fetched,
        analysed, stored and recorded."""
        row = sources.row(self.engine, url) or {}
        known = store.stored_result(self.engine, row["article_id"]) if row.get("article_id") else None
        if known is not None:
            return known
        if row.get("state") == "rejected" and row.get("code"):
            return Rejected(url, row["code"], row["reason"] or "")
        sources.name(self.engine, url)
        item, status = fetch_page(fetcher, Pending(url, None, None), self.settings.allow_private_fetch)
        outcome = item if isinstance(item, Rejected) else self._outcome(item, None)
        if isinstance(outcome, ArticleResult):
            outcome = store.stored_result(self.engine, outcome.article.id) or outcome
            store.save_result(self.engine, outcome)
        sources.record_page(self.engine, url, outcome, status)
        return outcome

    def _stories(self, result: ArticleResult) -> list[str]:
        linked = stories_of(self.engine, [e.id for e in result.events])
        return sorted(set(linked.values()))


def _analyse(doc: RawDocument, published: dt.date | None, extractor: pipeline.Extractor) -> ArticleResult:
    try:
        outcome = pipeline.analyse(doc, published, extractor)
    except Exception as exc:  # noqa: BLE001 - the CLI records this as a rejection; here it is the response
        outcome = reject(doc.source, Reason.FAILED, detail=f"{type(exc).__name__}: {exc}")
    if isinstance(outcome, Rejected):
        raise ApiError.from_rejection(outcome)
    return outcome


def _check_bytes(source: str, data: bytes, max_bytes: int) -> None:
    """Size, emptiness and binary content: the checks `ingest.read_bytes` makes first."""
    if len(data) > max_bytes:
        raise ApiError.from_rejection(reject(source, Reason.TOO_LARGE, size=len(data), cap=max_bytes))
    if not data.strip():
        raise ApiError.from_rejection(reject(source, Reason.EMPTY))
    binary = sniff_binary(data)
    if binary is not None:
        raise ApiError.from_rejection(reject(source, Reason.BINARY, detail=binary))


def document(upload: Upload, max_bytes: int) -> RawDocument:
    """The one document of an upload; ApiError for anything else (the store is not touched)."""
    problem = date_out_of_range(upload.published) if upload.published is not None else None
    if problem:
        raise _date_error("published", f"{upload.published}: {problem}, the publication dates accepted",
                          "date_out_of_range")
    _check_bytes(upload.source, upload.data, max_bytes)
    if upload.kind is not None:
        text, encoding = decode(upload.data)
        items: list[RawDocument | Rejected] = [make_document(upload.source, text, upload.kind, encoding=encoding,
                                                             **_meta(upload))]
    else:
        items = list(read_bytes(upload.source, upload.data, max_bytes))
    bad = [i for i in items if isinstance(i, Rejected)]
    if bad:
        raise ApiError.from_rejection(bad[0])
    if len(items) != 1:
        raise ApiError(422, "bad_upload", f"{upload.source}: {len(items)} JSONL records; upload one article at a time "
                       "(`storyline process` takes JSONL files)", {"records": len(items)})
    doc = items[0]
    assert isinstance(doc, RawDocument)
    return doc


def _meta(upload: Upload) -> dict[str, Any]:
    return {k: v for k, v in upload.meta.items() if k in ("url", "title", "outlet") and v}


def url_list(data: bytes) -> list[str] | None:
    """The URLs when `data` is a URL list (every non-blank, non-# line an http(s) URL), else None."""
    if not data.strip() or sniff_binary(data) is not None or len(data) > MAX_URLS * 2048:
        return None
    text, _ = decode(data)
    lines = [line.strip() for line in text.splitlines()]
    urls = [line for line in lines if line and not line.startswith("#")]
    if not urls or len(urls) > MAX_URLS or not all(_URL.match(u) for u in urls):
        return None
    return list(dict.fromkeys(urls))


def parse_date(value: str | None, field_name: str = "published") -> dt.date | None:
    """A YYYY-MM-DD form or query value; a 422 in the one error shape when malformed."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise _date_error(field_name, f"invalid date {value!r}: expected YYYY-MM-DD", "date_parsing") from None


def _date_error(field_name: str, message: str, kind: str) -> ApiError:
    """A bad date as a 422 in the shape of FastAPI's own validation errors."""
    return ApiError(422, "validation_error", f"{field_name}: {message}",
                    [{"loc": [field_name], "msg": message, "type": kind}])

