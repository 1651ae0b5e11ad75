"""`storyline watch`: rounds that fetch what is new at the sources the user names and process
it exactly as `storyline process` does (`pipeline.run`, given the fetched documents).

A round: (1) each named source is fetched with a conditional GET (`fetch.Fetcher`); an RSS or
Atom feed (feedparser) or a sitemap (lxml; a sitemap index's sitemaps are followed
`sitemap_depth` deep) adds the URLs it lists to the record (`sources.py`), a 304 adds nothing,
a page is itself an article; (2) every page left pending in the record, from this round or an
earlier, stopped one, is fetched (several hosts at once, each politely) and handed to the
pipeline in order, with the listing's publication date (else cleaning finds one); (3) the
pipeline cleans, extracts, stores and links as for files; each page's row is settled with its
outcome. A stop request (`stop` set: SIGINT, SIGTERM) ends the round between articles.

Which addresses: `watch` fetches whatever address the user names (their choice, an intranet
feed included); a URL found in a feed or sitemap, and every redirect, may lead to an internal
(loopback, private, link-local ...) address only when the source that led to it was itself
internal: a public feed cannot send storyline into the user's network.
"""
from __future__ import annotations

import datetime as dt
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path
from urllib.parse import urljoin

import feedparser
from lxml import etree
from sqlalchemy import Engine

from . import pipeline, sources
from .errors import Reason, StorylineError, printable, reject
from .fetch import Fetched, Fetcher, host_of, is_internal
from .ingest import decode, make_document, plausible_date, sniff_binary, sniff_kind
from .model import ArticleResult, RawDocument, Rejected
from .settings import Settings
from .sources import Listed, Pending

Item = RawDocument | Rejected
OnItem = Callable[[ArticleResult | Rejected, bool], None]
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass
class Watch:
    """What a round needs: settings, the store, the fetcher, the extractor and the hooks."""

    settings: Settings
    engine: Engine
    fetcher: Fetcher
    extractor: pipeline.BatchExtractor | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    on_item: OnItem | None = None
    on_reject: Callable[[Rejected], None] | None = None   # a source that failed
    on_pages: Callable[[int], None] | None = None         # the pages this round will fetch


@dataclass
class Round:
    """What a round did."""

    sources: int = 0
    unchanged: int = 0
    listed: int = 0
    pages: int = 0
    failed: list[Rejected] = field(default_factory=list)
    summary: pipeline.Summary = field(default_factory=pipeline.Summary)


def duration(text: str) -> float:
    """Seconds in "30s", "15m", "1h", "1d" (or a plain number of seconds)."""
    value = text.strip().lower()
    unit = _UNITS.get(value[-1:], 0)
    number = value[:-1] if unit else value
    try:
        seconds = float(number) * (unit or 1)
    except ValueError:
        seconds = -1
    if not 0 < seconds < 10 ** 9:
        raise StorylineError(f"--every {text!r}: expected a duration such as 30s, 15m, 1h")
    return seconds


def named_sources(args: Iterable[str]) -> tuple[list[str], list[Rejected]]:
    """The URLs named on the command line or listed in files (one per line, # comments)."""
    urls: list[str] = []
    bad: list[Rejected] = []
    for arg in args:
        if "://" in arg:
            urls.append(arg.strip())
            continue
        try:
            lines = Path(arg).expanduser().read_text("utf-8", errors="replace").splitlines()
        except OSError as exc:
            bad.append(reject(arg, Reason.NOT_FOUND if isinstance(exc, FileNotFoundError) else Reason.UNREADABLE,
                              detail=exc.strerror or type(exc).__name__))
            continue
        for number, line in enumerate(lines, start=1):
            entry = line.strip()
            if entry and not entry.startswith("#"):
                ok = entry.lower().startswith(("http://", "https://"))
                (urls.append(entry) if ok else
                 bad.append(reject(f"{arg}:{number}", Reason.REFUSED, detail=f"not an http(s) URL: {entry[:200]!r}")))
    return list(dict.fromkeys(u.split("#")[0] for u in urls)), bad


def run_round(watch: Watch, urls: Sequence[str]) -> Round:
    """One round over the named `urls`; never stops on a bad source or page."""
    done = Round()
    first: list[tuple[str, Item, int | None]] = []
    for url in urls:
        if watch.stop.is_set():
            break
        first.extend(_visit(watch, url, is_internal(url), 0, done, named=True))
    named = {url for url, _, _ in first}
    todo = [p for p in sources.pending(watch.engine, watch.settings.fetch.page_attempts) if p.url not in named]
    settled = sources.settle_stored(watch.engine, [p.url for p in todo])
    todo = [p for p in todo if p.url not in settled]
    done.pages = len(first) + len(todo)
    if watch.on_pages is not None:
        watch.on_pages(done.pages)
    order: deque[tuple[str, int | None]] = deque()

    def settle(outcome: ArticleResult | Rejected, is_new: bool) -> None:
        url, status = order.popleft()
        sources.record_page(watch.engine, url, outcome, status)
        if watch.on_item is not None:
            watch.on_item(outcome, is_new)

    items = _items(watch, first, todo, order)
    done.summary = pipeline.run([], watch.settings, extractor=watch.extractor, on_item=settle, items=items,
                                engine=watch.engine)
    return done


def _visit(watch: Watch, url: str, private: bool, depth: int, done: Round,
           named: bool = False) -> list[tuple[str, Item, int | None]]:
    """Fetch one feed, sitemap or named page; the named page's document, if it is one."""
    if named:
        sources.name(watch.engine, url)
    row = sources.row(watch.engine, url) or {}
    if row.get("kind") == "page" and row.get("state") in sources.DONE:
        return []  # a page is fetched once
    got = watch.fetcher.get(url, private=private, etag=row.get("etag"), last_modified=row.get("last_modified"))
    done.sources += 1
    if isinstance(got, Rejected):
        return _failed(watch, url, got, done)
    if got.status == 304:
        sources.record_unchanged(watch.engine, url)
        done.unchanged += 1
        return _children(watch, sources.children(watch.engine, url), row.get("kind"), private, depth, done)
    found = listing(url, got, watch.settings.fetch.max_listed)
    if isinstance(found, Rejected):
        return _failed(watch, url, found, done)
    if found is None:
        return [(url, document(url, got, None), got.status)]
    kind, listed = found
    done.listed += sources.record_listing(watch.engine, url, kind, got, listed)
    inner = private and is_internal(got.url)
    return _children(watch, [item.url for item in listed], kind, inner, depth, done)


def _children(watch: Watch, urls: list[str], kind: object, private: bool, depth: int,
              done: Round) -> list[tuple[str, Item, int | None]]:
    """The sitemaps of a sitemap index, visited in turn (none for a feed or a sitemap)."""
    if kind != "index" or depth >= watch.settings.fetch.sitemap_depth:
        return []
    found: list[tuple[str, Item, int | None]] = []
    for child in urls:
        if not watch.stop.is_set():
            found.extend(_visit(watch, child, private, depth + 1, done))
    return found


def _failed(watch: Watch, url: str, rejected: Rejected, done: Round) -> list[tuple[str, Item, int | None]]:
    sources.record_failure(watch.engine, url, rejected)
    done.failed.append(rejected)
    if watch.on_reject is not None:
        watch.on_reject(rejected)
    return []


def listing(url: str, fetched: Fetched, limit: int) -> tuple[str, list[Listed]] | Rejected | None:
    """("feed" | "sitemap" | "index", the URLs listed) for a feed or sitemap; None for a page
    (HTML or text); a rejection for XML that is neither, or a feed too broken to read."""
    body = fetched.body
    head = body[:2048].lstrip().lower()
    if head.startswith(b"<") and (b"<urlset" in body[:4096] or b"<sitemapindex" in body[:4096]):
        found = _sitemap(url, body, fetched.url, limit)
        if found is not None:
            return found
    xml = head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) or "xml" in fetched.content_type
    if not xml and (sniff_kind(body) == "html" or "html" in fetched.content_type or not head.startswith(b"<")):
        return None
    parsed = feedparser.parse(body, response_headers={"content-location": fetched.url})
    listed = _entries(parsed.entries, fetched.url, limit)
    if not parsed.get("version") or (parsed.get("bozo") and not listed):
        problem = parsed.get("bozo_exception") or "no RSS, Atom or sitemap root element"
        return reject(url, Reason.NOT_FEED, detail=f"XML that is not a feed or a sitemap ({problem})")
    return "feed", listed  # a feed a little broken is read for what it lists, as feed readers do


def _entries(entries: Sequence[dict], base: str, limit: int) -> list[Listed]:
    found: dict[str, Listed] = {}
    for entry in entries[:limit]:
        link = _absolute(base, entry.get("link"))
        if link is not None and link not in found:
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            day = plausible_date(dt.date(*stamp[:3])) if stamp else None
            found[link] = Listed(link, day)
    return list(found.values())


def _sitemap(url: str, body: bytes, base: str, limit: int) -> tuple[str, list[Listed]] | None:
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        return None
    found: dict[str, Listed] = {}
    for node in root.iterchildren("{*}url", "{*}sitemap"):
        link = _absolute(base, node.findtext("{*}loc"))
        if link is not None and len(found) < limit:
            day = node.findtext(".//{*}publication_date") or node.findtext("{*}lastmod") or ""
            found.setdefault(link, Listed(link, plausible_date(_day(day))))
    return ("index" if kind == "sitemapindex" else "sitemap"), list(found.values())


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _absolute(base: str, link: object) -> str | None:
    """An http(s) URL from a feed's or sitemap's link (relative ones resolved), no fragment."""
    if not isinstance(link, str) or not link.strip():
        return None
    url = printable(urljoin(base, link.strip()).split("#")[0])
    return url if url.lower().startswith(("http://", "https://")) else None


def document(url: str, fetched: Fetched, published: dt.date | None) -> Item:
    """A fetched page as the pipeline's input: HTML or text, with the listing's date."""
    body = fetched.body
    if not body.strip():
        return reject(url, Reason.EMPTY)
    binary = sniff_binary(body)
    if binary is not None:
        return reject(url, Reason.BINARY, detail=binary)
    text, encoding = decode(body)
    kind = "html" if "html" in fetched.content_type else sniff_kind(body)
    return make_document(url, text, kind, url=fetched.url, published=published,
                         published_source="feed" if published else None, encoding=encoding)


def fetch_page(fetcher: Fetcher, page: Pending, private: bool) -> tuple[Item, int | None]:
    """One page fetched and made a document (or a rejection), with the HTTP status."""
    got = fetcher.get(page.url, private=private)
    if isinstance(got, Rejected):
        return got, None
    return document(page.url, got, page.published), got.status


def _items(watch: Watch, first: list[tuple[str, Item, int | None]], todo: list[Pending],
           order: deque[tuple[str, int | None]]) -> Iterator[Item]:
    """The named pages, then the pending ones fetched in a pool (a bounded window ahead, hosts
    interleaved so that they are fetched side by side), in order, until `stop` is set."""
    for url, item, status in first:
        if watch.stop.is_set():
            return
        order.append((url, status))
        yield item
    workers = max(watch.settings.fetch.workers, 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        window: deque[tuple[Pending, Future[tuple[Item, int | None]]]] = deque()
        pages = iter(interleave(todo))
        try:
            while True:
                while len(window) < workers * 4 and (page := next(pages, None)) is not None:
                    window.append((page, pool.submit(fetch_page, watch.fetcher, page, internal_origin(page.parent))))
                if not window or watch.stop.is_set():
                    return
                page, future = window.popleft()
                item, status = future.result()
                order.append((page.url, status))
                yield item
        finally:
            for _, future in window:
                future.cancel()


@lru_cache(maxsize=1024)
def internal_origin(parent: str | None) -> bool:
    """Whether a listed page may be on an internal address: when what listed it was."""
    return parent is not None and is_internal(parent)


def interleave(pages: Sequence[Pending]) -> list[Pending]:
    """Pages ordered host by host in turn (a, b, c, a, b, c ...), each host's in its order."""
    by_host: dict[str, list[Pending]] = {}
    for page in pages:
        by_host.setdefault(host_of(page.url), []).append(page)
    return [p for turn in zip_longest(*by_host.values()) for p in turn if p is not None]


def rounds(watch: Watch, urls: Sequence[str], every: float | None, on_round: Callable[[int, Round], None]) -> int:
    """Round after round, `every` seconds apart (None: one round), until `stop` is set; the
    number of rounds run."""
    number = 0
    while not watch.stop.is_set():
        number += 1
        on_round(number, run_round(watch, urls))
        if every is None or watch.stop.wait(every):
            break
    return number


@contextmanager
def stop_on_signals(stop: threading.Event, notice: Callable[[str], None]) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` (the round ends after the current article); a second
    one interrupts at once."""
    def handle(signum: int, _frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        notice(f"{signal.Signals(signum).name}: stopping after the current article (again to stop at once)")

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
