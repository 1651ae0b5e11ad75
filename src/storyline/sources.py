"""The record of every URL `storyline watch` (and the server's URL lists) has seen: the
`sources` table (one row per URL, with its latest fetch and outcome) and the `fetches` table
(one row per HTTP request).

A page's row is written when a feed or sitemap lists it (state `pending`, with the listing's
publication date) and settled when the pipeline has stored or rejected it (`stored`,
`rejected`; `failed` for a passing failure, tried again in a later round). Rows are keyed by
URL, so a page listed by many feeds is one row, fetched once; a restart takes up the rows left
pending. A feed's row keeps its ETag and Last-Modified for the next conditional GET; they are
written in the same transaction as the pages it lists, so a crash cannot keep the one without
the other.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, desc, func, select, update

from .database import articles, fetches, insert_new, sources, writing
from .errors import PASSING, printable
from .fetch import Fetched, Request, host_of
from .model import ArticleResult, Rejected
from .store import save_rejection

DONE = ("stored", "rejected")
CHUNK = 500


@dataclass(frozen=True)
class Listed:
    """A URL a feed or sitemap lists, with the publication date it gives (if any)."""

    url: str
    published: dt.date | None = None


@dataclass(frozen=True)
class Pending:
    """A page to fetch: its URL, the listing's date, and the URL that listed it."""

    url: str
    published: dt.date | None
    parent: str | None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def row(engine: Engine, url: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        found = conn.execute(select(sources).where(sources.c.url == url)).mappings().first()
    return dict(found) if found is not None else None


def name(engine: Engine, url: str) -> None:
    """Record `url` as named by the user (a new row, or an old one marked named)."""
    with writing(engine) as conn:
        conn.execute(insert_new(conn, sources).values(_new(url, None, None, named=1)))
        conn.execute(update(sources).where(sources.c.url == url).values(named=1))


def _new(url: str, parent: str | None, published: dt.date | None, named: int = 0,
         kind: str | None = None) -> dict[str, Any]:
    return {"url": url, "host": host_of(url)[:256], "kind": kind, "named": named, "parent": parent,
            "published": published, "state": "pending", "first_seen": now()}


def record_listing(engine: Engine, url: str, kind: str, fetched: Fetched, listed: Sequence[Listed]) -> int:
    """A feed or sitemap fetched: its validators, and the URLs it lists (new ones only; a
    child of a sitemap index is a sitemap). The number of new URLs."""
    child = "sitemap" if kind == "index" else "page"
    with writing(engine) as conn:
        conn.execute(update(sources).where(sources.c.url == url).values(
            kind=kind, state="listed", status=fetched.status, etag=fetched.etag, last_modified=fetched.last_modified,
            code=None, reason=None, fetched_at=now(), attempts=sources.c.attempts + 1))
        added = 0
        for start in range(0, len(listed), CHUNK):
            rows = [_new(item.url, url, item.published, kind=child) for item in listed[start:start + CHUNK]]
            added += conn.execute(insert_new(conn, sources), rows).rowcount
    return added


def record_unchanged(engine: Engine, url: str) -> None:
    with writing(engine) as conn:
        conn.execute(update(sources).where(sources.c.url == url).values(
            status=304, code=None, reason=None, fetched_at=now(), attempts=sources.c.attempts + 1))


def record_failure(engine: Engine, url: str, rejected: Rejected) -> None:
    """A feed, sitemap or named page that could not be fetched or read: its row and a
    rejection (recorded once per URL and code)."""
    state = "failed" if rejected.code in PASSING else "rejected"
    with writing(engine) as conn:
        conn.execute(update(sources).where(sources.c.url == url).values(
            state=state, code=rejected.code, reason=rejected.reason, fetched_at=now(),
            attempts=sources.c.attempts + 1))
    save_rejection(engine, rejected)


def record_page(engine: Engine, url: str, outcome: ArticleResult | Rejected, status: int | None) -> None:
    """A page's outcome once the pipeline has stored or rejected it."""
    if isinstance(outcome, ArticleResult):
        values: dict[str, Any] = {"state": "stored", "article_id": outcome.article.id, "code": None, "reason": None}
    else:
        values = {"state": "failed" if outcome.code in PASSING else "rejected", "code": outcome.code,
                  "reason": outcome.reason}
    with writing(engine) as conn:
        conn.execute(insert_new(conn, sources).values(_new(url, None, None, kind="page")))
        conn.execute(update(sources).where(sources.c.url == url).values(
            kind="page", status=status, fetched_at=now(), attempts=sources.c.attempts + 1, **values))


def pending(engine: Engine, attempts: int) -> list[Pending]:
    """The pages left to fetch: never fetched, or failed for a passing reason fewer than
    `attempts` times; oldest first."""
    query = (select(sources.c.url, sources.c.published, sources.c.parent)
             .where(sources.c.kind == "page", sources.c.state.in_(("pending", "failed")), sources.c.attempts < attempts)
             .order_by(sources.c.first_seen, sources.c.url))
    with engine.connect() as conn:
        return [Pending(r.url, r.published, r.parent) for r in conn.execute(query)]


def children(engine: Engine, url: str) -> list[str]:
    """The sitemaps a sitemap index listed."""
    query = select(sources.c.url).where(sources.c.parent == url, sources.c.kind.in_(("sitemap", "index")))
    with engine.connect() as conn:
        return list(conn.execute(query.order_by(sources.c.url)).scalars())


def settle_stored(engine: Engine, urls: Iterable[str]) -> set[str]:
    """The URLs among `urls` whose article is stored already (a run stopped between storing
    it and settling its row): settled now, so they are not fetched again."""
    wanted = list(urls)
    done: dict[str, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            found = conn.execute(select(articles.c.source, articles.c.id).where(articles.c.source.in_(chunk)))
            done.update({r.source: r.id for r in found})
    if done:
        with writing(engine) as conn:
            for url, article_id in done.items():
                conn.execute(update(sources).where(sources.c.url == url).values(state="stored", article_id=article_id))
    return set(done)


def log_request(engine: Engine) -> Any:
    """A `Fetcher.on_request` that records each request in `fetches`."""
    def record(request: Request) -> None:
        with writing(engine) as conn:
            conn.execute(fetches.insert().values(
                url=printable(request.url), host=host_of(request.url)[:256], status=request.status, code=request.code,
                bytes=request.bytes, seconds=round(request.seconds, 4), fetched_at=now()))
    return record


def watched(engine: Engine) -> list[dict[str, Any]]:
    """The sources the user named, with their latest fetch and what they listed and stored."""
    child = sources.alias("child")
    listed = select(func.count()).select_from(child).where(child.c.parent == sources.c.url).scalar_subquery()
    stored = (select(func.count()).select_from(child)
              .where(child.c.parent == sources.c.url, child.c.state == "stored").scalar_subquery())
    query = (select(sources, listed.label("listed"), stored.label("stored"))
             .where(sources.c.named == 1).order_by(sources.c.url))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def problems(engine: Engine, limit: int = 50) -> list[dict[str, Any]]:
    """The latest URLs that were rejected or failed, newest first."""
    query = (select(sources).where(sources.c.state.in_(("rejected", "failed")))
             .order_by(desc(sources.c.fetched_at), sources.c.url).limit(limit))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]

