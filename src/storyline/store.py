"""Store: articles, removals, rejections, events, actors, claims and stories in SQL.

The tables, opening a store and its schema are in `storyline.database` (re-exported here).
Writes are idempotent: an article id is a content hash, and re-ingesting an article changes
nothing. Each article is committed in its own transaction, so a crash mid-batch leaves every
committed article whole.

Stories: every event is a claim (`claims`) in a bucket of the same participants
(`stories.bucket_key`); an article is saved with its claims unlinked, and `link_pending`
rebuilds each bucket that has unlinked claims from all of the bucket's claims, replacing that
bucket's stories and nothing else. A crash between the two leaves unlinked claims, which the
next `link_pending` picks up.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from . import database
from . import stories as linking
from .database import BACKENDS as BACKENDS
from .database import CASUALTY_ROLES, COUNT_PARTS
from .database import SCHEMA_VERSION as SCHEMA_VERSION
from .database import articles as articles
from .database import claims as claims
from .database import event_actors as event_actors
from .database import events as events
from .database import files as files
from .database import insert_new as insert_new
from .database import meta as meta
from .database import metadata as metadata
from .database import rejections as rejections
from .database import removals as removals
from .database import sqlite_file as sqlite_file
from .database import stories as stories
from .database import writing as writing
from .model import (
    Actor,
    Article,
    ArticleResult,
    Attribution,
    Casualties,
    Claim,
    Count,
    Event,
    Evidence,
    Place,
    Reach,
    Rejected,
    Removed,
    Story,
    TimeSpan,
    actor_dict,
    to_dict,
)

log = logging.getLogger("storyline.store")


def connect(url: str, write: bool = True) -> Engine:
    """An engine for the store at `url` (`database.connect`: its schema created or migrated
    and checked); after a migration every claim and story is rebuilt from the stored events."""
    return database.connect(url, write, rebuild=_relink)


def has_article(conn: Connection, article_id: str) -> bool:
    return conn.execute(select(articles.c.id).where(articles.c.id == article_id)).first() is not None


def save_result(engine: Engine, result: ArticleResult) -> bool:
    """Store an article with its removals and events in one transaction; False if known."""
    article = result.article
    with writing(engine) as conn:
        if not conn.execute(insert_new(conn, articles).values(**_article_row(article))).rowcount:
            return False
        if article.removed:
            conn.execute(insert(removals), [
                {"article_id": article.id, "seq": i, "text": r.text, "reason": r.reason, "rule": r.rule}
                for i, r in enumerate(article.removed)
            ])
        for seq, ev in enumerate(result.events):
            _insert_event(conn, article.id, seq, ev)
        _insert_claims(conn, article, result.events)
    return True


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id, "source": article.source, "title": article.title, "url": article.url,
        "outlet": article.outlet, "published": article.published,
        "published_source": article.published_source, "text": article.text,
        "ingested_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
    }


def _insert_event(conn: Connection, article_id: str, seq: int, ev: Event) -> None:
    conn.execute(insert(events).values(
        id=ev.id, article_id=article_id, seq=seq, type=ev.type, mode=ev.mode, cameo=ev.cameo, quad=ev.quad,
        status=ev.status,
        date_start=ev.date.start if ev.date else None, date_end=ev.date.end if ev.date else None,
        date_precision=ev.date.precision if ev.date else None, date_text=ev.date.text if ev.date else None,
        location=to_dict(ev.location), attributed_to=to_dict(ev.attributed_to),
        evidence_sentence=ev.evidence.sentence, evidence_start=ev.evidence.start,
        evidence_end=ev.evidence.end, confidence=ev.confidence, said=ev.said, said_earlier=int(ev.said_earlier),
        goldstein=ev.goldstein, **casualty_columns(ev.casualties),
    ))
    rows = [_actor_row(ev.id, "actor", i, a) for i, a in enumerate(ev.actors)]
    rows += [_actor_row(ev.id, "recipient", i, a) for i, a in enumerate(ev.recipients)]
    if rows:
        conn.execute(insert(event_actors), rows)


def casualty_columns(casualties: Casualties | None) -> dict[str, Any]:
    """An event's casualties as the flat columns of the events table (`killed_min` ...)."""
    return {f"{role}_{part}": getattr(getattr(casualties, role, None), part, None)
            for role in CASUALTY_ROLES for part, _ in COUNT_PARTS}


def casualties_from(row: Any) -> Casualties | None:
    """The inverse of `casualty_columns`, for a row that may lack the columns (older data)."""
    counts = {}
    for role in CASUALTY_ROLES:
        text, start, end = (row.get(f"{role}_{part}") for part in ("text", "start", "end"))
        counts[role] = Count(row.get(f"{role}_min"), row.get(f"{role}_max"), text, start, end) \
            if text is not None and start is not None and end is not None else None
    return Casualties(**counts) if any(counts.values()) else None


def _actor_row(event_id: str, role: str, seq: int, actor: Actor) -> dict[str, Any]:
    return {"event_id": event_id, "role": role, "seq": seq, "name": actor.name, "country": actor.country,
            "sector": actor.sector, "text": actor.text, "start": actor.start, "end": actor.end}


def save_rejection(engine: Engine, rejected: Rejected) -> bool:
    """Record a rejection once per (source, code); False when it was already recorded."""
    with writing(engine) as conn:
        done = conn.execute(insert_new(conn, rejections).values(
            source=rejected.source, code=rejected.code, reason=rejected.reason,
            first_seen=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
    return bool(done.rowcount)


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
    return article_from_row(row, tuple(Removed(r["text"], r["reason"], r["rule"] or "") for r in removed))


def article_from_row(row: Any, removed: tuple[Removed, ...] = ()) -> Article:
    """An `Article` from a row of the articles table (and its removals, when they are needed)."""
    return Article(
        id=row["id"], text=row["text"], source=row["source"] or "", title=row["title"], url=row["url"],
        outlet=row["outlet"], published=row["published"], published_source=row["published_source"], removed=removed,
    )


def stored_result(engine: Engine, article_id: str) -> ArticleResult | None:
    """A stored article with its events, or None when the id is not stored."""
    with engine.connect() as conn:
        if not has_article(conn, article_id):
            return None
    article = load_article(engine, article_id)
    return ArticleResult(article, tuple(load_events(engine, article_id))) if article else None


def list_articles(engine: Engine, limit: int | None = None, offset: int = 0) -> Sequence[dict[str, Any]]:
    """Articles with their removal and event counts, newest publication first."""
    n_removed = select(func.count()).where(removals.c.article_id == articles.c.id).scalar_subquery()
    n_events = select(func.count()).where(events.c.article_id == articles.c.id).scalar_subquery()
    query = (
        select(articles.c.id, articles.c.published, articles.c.title, articles.c.outlet, articles.c.source,
               func.length(articles.c.text).label("chars"), n_removed.label("removed"), n_events.label("events"))
        .order_by(articles.c.published.desc().nulls_last(), articles.c.id)
        .limit(limit)
        .offset(offset)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def load_events(engine: Engine, article_id: str | None = None) -> list[Event]:
    """Stored events (of one article, or all), in article order then text order."""
    query = select(events).order_by(events.c.article_id, events.c.seq)
    if article_id is not None:
        query = query.where(events.c.article_id == article_id)
    with engine.connect() as conn:
        return events_from_rows(conn, conn.execute(query).mappings().all())


def events_from_rows(conn: Connection, rows: Sequence[Any]) -> list[Event]:
    """Events of rows selected from the events table (any join), with their actors."""
    people = _people(conn, [r["id"] for r in rows])
    return [_event_from_row(r, people.get(r["id"], {})) for r in rows]


def _people(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, list[Actor]]]:
    """The actors and recipients of the given events, by event id and role."""
    people: dict[str, dict[str, list[Actor]]] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        found = conn.execute(select(event_actors).where(event_actors.c.event_id.in_(chunk))
                             .order_by(event_actors.c.event_id, event_actors.c.role, event_actors.c.seq))
        for a in found.mappings():
            people.setdefault(a["event_id"], {}).setdefault(a["role"], []).append(
                Actor(a["name"], a["country"], a["sector"], a["text"] or "", a["start"], a["end"]))
    return people


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
        confidence=row["confidence"], said=row["said"], said_earlier=bool(row["said_earlier"]),
        casualties=casualties_from(row), goldstein=row["goldstein"],
    )


def list_rejections(engine: Engine) -> Sequence[dict[str, Any]]:
    with engine.connect() as conn:
        query = select(rejections.c.source, rejections.c.code, rejections.c.reason).order_by(rejections.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def dump(value: Any) -> str:
    return json.dumps(to_dict(value), ensure_ascii=False)


# ---------------------------------------------------------------- claims and stories
def _insert_claims(conn: Connection, article: Article, found: Sequence[Event]) -> None:
    """Each event of a new article as an unlinked claim in its bucket."""
    rows = [
        {"event_id": r.event.id, "bucket": linking.bucket_key(r.event, found), "story_id": None, "seq": None,
         "status": linking.implied_status(r), "change": None, "conflict": 0}
        for r in linking.reports_of(article, found)
    ]
    if rows:
        conn.execute(insert(claims), rows)


def link_pending(engine: Engine) -> list[str]:
    """Rebuild, in one transaction, the stories of every bucket with unlinked claims; the
    buckets rebuilt. Cheap when nothing is pending (one indexed query).

    Every run and upload calls this first, so a bucket that cannot be built (a bug in the
    rules, a row another program wrote) must not fail it: that bucket is left pending, with a
    warning, and tried again by the next call; the others are linked."""
    with writing(engine) as conn:
        return _link_pending(conn)


def _link_pending(conn: Connection) -> list[str]:
    buckets = sorted(conn.execute(select(claims.c.bucket).where(claims.c.story_id.is_(None)).distinct()).scalars())
    linked = [bucket for bucket in buckets if _build_bucket(conn, bucket) is not None]
    if len(linked) < len(buckets):
        log.warning("stories of %d bucket(s) not linked (see above); their claims stay pending and are tried "
                    "again on the next run", len(buckets) - len(linked))
    return linked


def _build_bucket(conn: Connection, bucket: str) -> list[Story] | None:
    """`rebuild`, or None when the bucket's claims cannot be read or linked (logged). A database
    error is not the bucket's fault and is raised."""
    try:
        return rebuild(conn, bucket)
    except SQLAlchemyError:
        raise
    except Exception as exc:  # noqa: BLE001 - one bucket must never stop every later run
        log.warning("stories of bucket %s not linked: %s: %s", bucket, type(exc).__name__, exc)
        return None


def relink(engine: Engine) -> int:
    """Recompute every claim and story from the stored events (after a schema migration or a
    change of the linking rules); the number of stories."""
    with writing(engine) as conn:
        return _relink(conn)


def _relink(conn: Connection) -> int:
    conn.execute(delete(stories))
    conn.execute(delete(claims))
    for article_id in conn.execute(select(articles.c.id).order_by(articles.c.id)).scalars().all():
        article = _article(conn, article_id)
        rows = conn.execute(select(events).where(events.c.article_id == article_id).order_by(events.c.seq)).mappings().all()
        _insert_claims(conn, article, events_from_rows(conn, rows))
    _link_pending(conn)
    return int(conn.execute(select(func.count()).select_from(stories)).scalar() or 0)


def _article(conn: Connection, article_id: str) -> Article:
    return article_from_row(conn.execute(select(articles).where(articles.c.id == article_id)).mappings().one())


def rebuild(conn: Connection, bucket: str) -> list[Story]:
    """Replace the stories of one bucket by those built from all of its claims."""
    built = linking.build(_bucket_reports(conn, bucket))
    conn.execute(delete(stories).where(stories.c.bucket == bucket))
    if built:
        conn.execute(insert(stories), [_story_row(s, bucket) for s in built])
    old = {r["event_id"]: r for r in conn.execute(select(claims).where(claims.c.bucket == bucket)).mappings()}
    changed = [
        {"eid": c.event_id, "story_id": s.id, "seq": seq, "status": c.status, "change": c.change, "conflict": int(c.conflict)}
        for s in built for seq, c in enumerate(s.claims)
        if _claim_state(old[c.event_id]) != (s.id, seq, c.status, c.change, int(c.conflict))
    ]
    if changed:
        conn.execute(update(claims).where(claims.c.event_id == bindparam("eid")).values(
            story_id=bindparam("story_id"), seq=bindparam("seq"), status=bindparam("status"),
            change=bindparam("change"), conflict=bindparam("conflict")), changed)
    return built


def _claim_state(row: Any) -> tuple[Any, ...]:
    return row["story_id"], row["seq"], row["status"], row["change"], row["conflict"]


def _bucket_reports(conn: Connection, bucket: str) -> list[linking.Report]:
    query = (
        select(events, articles.c.published, articles.c.outlet, articles.c.url)
        .select_from(claims.join(events, events.c.id == claims.c.event_id).join(articles, articles.c.id == events.c.article_id))
        .where(claims.c.bucket == bucket)
    )
    rows = conn.execute(query).mappings().all()
    return [
        linking.Report(ev, r["article_id"], r["published"], r["outlet"], r["url"])
        for ev, r in zip(events_from_rows(conn, rows), rows, strict=True)
    ]


def _story_row(story: Story, bucket: str) -> dict[str, Any]:
    date = story.date
    return {
        "id": story.id, "bucket": bucket, "type": story.type,
        "participants": [actor_dict(a) for a in story.participants], "location": to_dict(story.location),
        "date_start": date.start if date else None, "date_end": date.end if date else None,
        "date_precision": date.precision if date else None, "date_text": date.text if date else None,
        "status": story.status, "conflict": int(story.conflict), "articles": story.articles,
        "outlets": story.reach.outlets, "sources": story.reach.sources, "claims": story.n_claims,
        "first_published": story.first_published, "updated": story.updated,
    }


def story_from_row(row: Any, story_claims: Sequence[Claim] = ()) -> Story:
    date = None
    if row["date_precision"] is not None:
        date = TimeSpan(row["date_start"], row["date_end"], row["date_precision"], row["date_text"] or "")
    return Story(
        id=row["id"], type=row["type"], participants=tuple(Actor(**a) for a in row["participants"]),
        location=Place(**row["location"]) if row["location"] else None, status=row["status"],
        conflict=bool(row["conflict"]), claims=tuple(story_claims), date=date, articles=row["articles"],
        updated=row["updated"], first_published=row["first_published"], n_claims=row["claims"],
        reach=Reach(row["articles"], row["outlets"], row["sources"], row["claims"]),
    )


def list_stories(
    engine: Engine, status: str | None = None, since: dt.date | None = None, actor: str | None = None,
    limit: int | None = None,
) -> list[Story]:
    """Stories (without their claims), latest first: `status` is the current status, `since`
    the latest claim's publication date, `actor` a participant (`stories.actor_matches`)."""
    query = select(stories).order_by(stories.c.updated.desc().nulls_last(), stories.c.articles.desc(), stories.c.id)
    if status is not None:
        query = query.where(stories.c.status == status)
    if since is not None:
        query = query.where(stories.c.updated >= since)
    if actor is None and limit is not None:
        query = query.limit(limit)  # an actor is matched in Python, after the rows are read
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    found = [story_from_row(r) for r in rows]
    if actor is not None:
        found = [s for s in found if any(linking.actor_matches(actor, a) for a in s.participants)]
    return found[:limit] if limit is not None else found


def load_story(engine: Engine, story_id: str) -> Story | None:
    """A story with its claims in timeline order, by id or a unique id prefix (4+ characters)."""
    if len(story_id) < 4:
        return None
    with engine.connect() as conn:
        rows = conn.execute(select(stories).where(stories.c.id.startswith(story_id, autoescape=True)).limit(2)).mappings().all()
        if len(rows) != 1:
            return None
        query = (
            select(events, claims.c.status.label("claim_status"), claims.c.change,
                   claims.c.conflict, articles.c.published, articles.c.outlet, articles.c.url)
            .select_from(claims.join(events, events.c.id == claims.c.event_id)
                         .join(articles, articles.c.id == events.c.article_id))
            .where(claims.c.story_id == rows[0]["id"]).order_by(claims.c.seq)
        )
        found = [_claim_from_row(r) for r in conn.execute(query).mappings()]
    return story_from_row(rows[0], found)


def _claim_from_row(row: Any) -> Claim:
    ev = _event_from_row(row, {})
    return Claim(
        event_id=ev.id, article_id=row["article_id"], published=row["published"], status=row["claim_status"],
        date=ev.date, location=ev.location, attributed_to=ev.attributed_to, outlet=row["outlet"], evidence=ev.evidence,
        said=ev.said, change=row["change"], conflict=bool(row["conflict"]), type=ev.type, url=row["url"],
        earlier=ev.said_earlier, casualties=ev.casualties, goldstein=ev.goldstein,
    )


@dataclass(frozen=True)
class StoredEvent:
    """An event with its article's metadata and its story: one row of an export."""

    event: Event
    article_id: str
    published: dt.date | None
    outlet: str | None
    url: str | None
    title: str | None
    story_id: str | None
    claim_status: str | None
    change: str | None
    reach: Reach | None = None   # the reach of its story (None while it is not linked)


# the columns of a story's reach, selected beside an event joined to its story (`reach_of_row`)
REACH_COLUMNS = (stories.c.articles.label("reach_articles"), stories.c.outlets.label("reach_outlets"),
                 stories.c.sources.label("reach_sources"), stories.c.claims.label("reach_mentions"))


def reach_of_row(row: Any) -> Reach | None:
    """The reach selected with `REACH_COLUMNS`; None for an event not linked to a story."""
    if row["reach_articles"] is None:
        return None
    return Reach(row["reach_articles"], row["reach_outlets"], row["reach_sources"], row["reach_mentions"])


def iter_stored_events(engine: Engine, status: str | None = None, since: dt.date | None = None,
                       actor: str | None = None, batch: int = 500) -> Iterator[StoredEvent]:
    """Every stored event with its context, in publication order then text order; filters as
    for stories, on the event (its status, its article's date, its actors and recipients)."""
    query = (
        select(events, articles.c.published, articles.c.outlet, articles.c.url, articles.c.title,
               claims.c.story_id, claims.c.status.label("claim_status"), claims.c.change, *REACH_COLUMNS)
        .select_from(events.join(articles, articles.c.id == events.c.article_id)
                     .outerjoin(claims, claims.c.event_id == events.c.id)
                     .outerjoin(stories, stories.c.id == claims.c.story_id))
        .order_by(articles.c.published.nulls_first(), events.c.article_id, events.c.seq)
    )
    if status is not None:
        query = query.where(events.c.status == status)
    if since is not None:
        query = query.where(articles.c.published >= since)
    with engine.connect() as conn:
        result = conn.execute(query).mappings()
        while rows := result.fetchmany(batch):
            for ev, r in zip(events_from_rows(conn, rows), rows, strict=True):
                if actor is None or any(linking.actor_matches(actor, a) for a in ev.actors + ev.recipients):
                    yield StoredEvent(ev, r["article_id"], r["published"], r["outlet"], r["url"], r["title"],
                                      r["story_id"], r["claim_status"], r["change"], reach_of_row(r))
