"""Store: articles, removals, rejections, events, actors and stories in SQL.

SQLAlchemy Core over SQLite in WAL mode (one writer, many readers) by default; the same
code runs on a PostgreSQL URL. Writes are idempotent: an article id is a content hash, and
re-ingesting an article changes nothing. Each article is committed in its own transaction,
so a crash mid-batch leaves every committed article whole.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON, Column, Connection, Date, DateTime, Engine, Float, ForeignKey, Integer, MetaData,
    String, Table, Text, UniqueConstraint, create_engine, event, func, insert, select,
)
from sqlalchemy.engine import make_url

from .errors import StorylineError
from .model import Actor, Article, ArticleResult, Attribution, Event, Evidence, Place, Rejected, Removed, TimeSpan, to_dict

SCHEMA_VERSION = 1
metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)
articles = Table(
    "articles", metadata,
    Column("id", String(32), primary_key=True),
    Column("source", Text),
    Column("title", Text),
    Column("url", Text),
    Column("outlet", String(256)),
    Column("published", Date, index=True),
    Column("published_source", String(16)),
    Column("text", Text, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
)
removals = Table(
    "removals", metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("rule", String(64)),
)
rejections = Table(
    "rejections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("code", String(8), nullable=False),
    Column("reason", Text, nullable=False),
    Column("first_seen", DateTime, nullable=False),
    UniqueConstraint("source", "code", name="uq_rejection"),
)
events = Table(
    "events", metadata,
    Column("id", String(40), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(16), index=True, nullable=False),
    Column("mode", String(32)),
    Column("cameo", String(8)),
    Column("quad", Integer),
    Column("status", String(16), index=True, nullable=False),
    Column("date_start", Date, index=True),
    Column("date_end", Date),
    Column("date_precision", String(16)),
    Column("date_text", Text),
    Column("location", JSON),
    Column("attributed_to", JSON),
    Column("evidence_sentence", Text, nullable=False),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("confidence", Float),
    Column("story_id", String(40), index=True),
)
event_actors = Table(
    "event_actors", metadata,
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("name", String(256), index=True, nullable=False),
    Column("country", String(3), index=True),
    Column("sector", String(3)),
    Column("text", Text),
    Column("start", Integer),
    Column("end", Integer),
)
stories = Table(
    "stories", metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("participants", JSON, nullable=False),
    Column("location", JSON),
    Column("status", String(16), nullable=False),
    Column("conflict", Integer, nullable=False, default=0),
    Column("updated", Date),
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def connect(url: str) -> Engine:
    """An engine for `url`, with the schema created and its version checked."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise StorylineError(f"{parsed.database}: the folder {folder} does not exist")
    engine = create_engine(url, future=True)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    _check_version(engine, url)
    return engine


def _check_version(engine: Engine, url: str) -> None:
    with engine.begin() as conn:
        found = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        if found is None:
            conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
        elif int(found) > SCHEMA_VERSION:
            raise StorylineError(f"{url}: schema version {found} is newer than this storyline ({SCHEMA_VERSION})")


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as conn:
        yield conn


def has_article(conn: Connection, article_id: str) -> bool:
    return conn.execute(select(articles.c.id).where(articles.c.id == article_id)).first() is not None


def save_result(engine: Engine, result: ArticleResult) -> bool:
    """Store an article with its removals and events in one transaction; False if known."""
    article = result.article
    with engine.begin() as conn:
        if has_article(conn, article.id):
            return False
        conn.execute(insert(articles).values(**_article_row(article)))
        if article.removed:
            conn.execute(insert(removals), [
                {"article_id": article.id, "seq": i, "text": r.text, "reason": r.reason, "rule": r.rule}
                for i, r in enumerate(article.removed)
            ])
        for seq, ev in enumerate(result.events):
            _insert_event(conn, article.id, seq, ev)
    return True


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id, "source": article.source, "title": article.title, "url": article.url,
        "outlet": article.outlet, "published": article.published,
        "published_source": article.published_source, "text": article.text,
        "ingested_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
    }


def _insert_event(conn: Connection, article_id: str, seq: int, ev: Event) -> None:
    conn.execute(insert(events).values(
        id=ev.id, article_id=article_id, seq=seq, type=ev.type, mode=ev.mode, cameo=ev.cameo, quad=ev.quad,
        status=ev.status,
        date_start=ev.date.start if ev.date else None, date_end=ev.date.end if ev.date else None,
        date_precision=ev.date.precision if ev.date else None, date_text=ev.date.text if ev.date else None,
        location=to_dict(ev.location), attributed_to=to_dict(ev.attributed_to),
        evidence_sentence=ev.evidence.sentence, evidence_start=ev.evidence.start,
        evidence_end=ev.evidence.end, confidence=ev.confidence,
    ))
    rows = [_actor_row(ev.id, "actor", i, a) for i, a in enumerate(ev.actors)]
    rows += [_actor_row(ev.id, "recipient", i, a) for i, a in enumerate(ev.recipients)]
    if rows:
        conn.execute(insert(event_actors), rows)


def _actor_row(event_id: str, role: str, seq: int, actor: Actor) -> dict[str, Any]:
    return {"event_id": event_id, "role": role, "seq": seq, "name": actor.name, "country": actor.country,
            "sector": actor.sector, "text": actor.text, "start": actor.start, "end": actor.end}


def save_rejection(engine: Engine, rejected: Rejected) -> bool:
    """Record a rejection once per (source, code); False when it was already recorded."""
    with engine.begin() as conn:
        known = conn.execute(select(rejections.c.id).where(
            rejections.c.source == rejected.source, rejections.c.code == rejected.code)).first()
        if known is not None:
            return False
        conn.execute(insert(rejections).values(
            source=rejected.source, code=rejected.code, reason=rejected.reason,
            first_seen=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))
    return True


def load_article(engine: Engine, article_id: str) -> Article | None:
    """An article by id or by a unique id prefix (at least 4 characters)."""
    with engine.connect() as conn:
        query = select(articles).where(articles.c.id.startswith(article_id, autoescape=True)).limit(2)
        rows = conn.execute(query).mappings().all() if len(article_id) >= 4 else []
        if len(rows) != 1:
            return None
        row = rows[0]
        removed = conn.execute(
            select(removals).where(removals.c.article_id == row["id"]).order_by(removals.c.seq)
        ).mappings().all()
    return Article(
        id=row["id"], text=row["text"], source=row["source"] or "", title=row["title"], url=row["url"],
        outlet=row["outlet"], published=row["published"], published_source=row["published_source"],
        removed=tuple(Removed(r["text"], r["reason"], r["rule"] or "") for r in removed),
    )


def stored_result(engine: Engine, article_id: str) -> ArticleResult | None:
    """A stored article with its events, or None when the id is not stored."""
    with engine.connect() as conn:
        if not has_article(conn, article_id):
            return None
    article = load_article(engine, article_id)
    return ArticleResult(article, tuple(load_events(engine, article_id))) if article else None


def list_articles(engine: Engine, limit: int | None = None) -> Sequence[dict[str, Any]]:
    """Articles with their removal and event counts, newest publication first."""
    n_removed = select(func.count()).where(removals.c.article_id == articles.c.id).scalar_subquery()
    n_events = select(func.count()).where(events.c.article_id == articles.c.id).scalar_subquery()
    query = (
        select(articles.c.id, articles.c.published, articles.c.title, articles.c.outlet, articles.c.source,
               func.length(articles.c.text).label("chars"), n_removed.label("removed"), n_events.label("events"))
        .order_by(articles.c.published.desc().nulls_last(), articles.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def load_events(engine: Engine, article_id: str | None = None) -> list[Event]:
    """Stored events (of one article, or all), in article order then text order."""
    query = select(events).order_by(events.c.article_id, events.c.seq)
    if article_id is not None:
        query = query.where(events.c.article_id == article_id)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
        ids = [r["id"] for r in rows]
        people: dict[str, dict[str, list[Actor]]] = {}
        for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
            found = conn.execute(select(event_actors).where(event_actors.c.event_id.in_(chunk))
                                 .order_by(event_actors.c.event_id, event_actors.c.role, event_actors.c.seq))
            for a in found.mappings():
                people.setdefault(a["event_id"], {}).setdefault(a["role"], []).append(
                    Actor(a["name"], a["country"], a["sector"], a["text"] or "", a["start"], a["end"]))
    return [_event_from_row(r, people.get(r["id"], {})) for r in rows]


def _event_from_row(row: Any, people: dict[str, list[Actor]]) -> Event:
    date = None
    if row["date_precision"] is not None:
        date = TimeSpan(row["date_start"], row["date_end"], row["date_precision"], row["date_text"] or "")
    location = Place(**row["location"]) if row["location"] else None
    attributed = None
    if row["attributed_to"]:
        data = dict(row["attributed_to"])
        anonymous = bool(data.pop("anonymous", False))
        attributed = Attribution(Actor(**data), anonymous)
    return Event(
        id=row["id"], type=row["type"], mode=row["mode"], cameo=row["cameo"], quad=row["quad"],
        actors=tuple(people.get("actor", [])), recipients=tuple(people.get("recipient", [])),
        status=row["status"], date=date, location=location, attributed_to=attributed,
        evidence=Evidence(row["evidence_sentence"], row["evidence_start"], row["evidence_end"]),
        confidence=row["confidence"],
    )


def list_rejections(engine: Engine) -> Sequence[dict[str, Any]]:
    with engine.connect() as conn:
        query = select(rejections.c.source, rejections.c.code, rejections.c.reason).order_by(rejections.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def dump(value: Any) -> str:
    return json.dumps(to_dict(value), ensure_ascii=False)
