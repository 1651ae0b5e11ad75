"""Read queries the web app needs beyond `store`'s: filtered, paged lists of events, stories
and articles. SQLAlchemy Core against `store`'s tables; rows become the same typed records
(`Event`, `Story`) through `store`'s row converters, so the JSON is the CLI's.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Engine, Text, and_, cast, exists, func, literal, or_, select

from .. import store
from ..curation import SHOWN, Listing
from ..model import Story
from ..store import REACH_COLUMNS, StoredEvent, articles, claims, event_actors, events, reach_of_row, stories
from ..text import fold

T = TypeVar("T")
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000  # far past any store's rows; SQL's OFFSET is 64-bit: 2**63 was a 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


@dataclass(frozen=True)
class EventFilters:
    """Filters of the events table; every one given must hold."""

    actor: str | None = None        # words of an actor's or recipient's name, or a country code
    country: str | None = None      # ISO3 of an actor, a recipient or the place
    type: str | None = None         # PLOVER type
    status: str | None = None
    date_from: dt.date | None = None  # the event's own date span overlaps [date_from, date_to]
    date_to: dt.date | None = None
    text: str | None = None         # words in the evidence sentence

    def as_params(self) -> dict[str, str]:
        out = {k: v for k, v in (("actor", self.actor), ("country", self.country), ("type", self.type),
                                 ("status", self.status), ("q", self.text)) if v}
        out.update({k: v.isoformat() for k, v in (("from", self.date_from), ("to", self.date_to)) if v})
        return out


@dataclass(frozen=True)
class StoryFilters:
    text: str | None = None         # words in participants (name or country), type or place
    status: str | None = None
    since: dt.date | None = None    # last update on or after
    listing: Listing = SHOWN        # hidden ones too (`all`), `min_articles`, `order`

    def as_params(self) -> dict[str, str]:
        out = {k: v for k, v in (("q", self.text), ("status", self.status)) if v}
        if self.since:
            out["since"] = self.since.isoformat()
        return out | listing_params(self.listing)


def listing_params(listing: Listing) -> dict[str, str]:
    """The query parameters of a story list's options that differ from the default."""
    out = {"all": "true"} if listing.all else {}
    if listing.min_articles != SHOWN.min_articles:
        out["min_articles"] = str(listing.min_articles)
    if listing.order != SHOWN.order:
        out["order"] = listing.order
    return out


@dataclass(frozen=True)
class StoryPage(Page[Story]):
    hidden: int = 0                 # stories matching the filters that the listing hides


@dataclass(frozen=True)
class ArticleView:
    """An article page's material: the article, its events, and each event's story."""

    article: Any
    events: list[Any]
    story_of: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- events
def _words(text: str) -> list[str]:
    return [w for w in fold(text, ascii_only=True).split() if w]


def _like_word(column: Any, word: str) -> ColumnElement[bool]:
    """`word` is a whole word of `column` (lower case, a leading "~" of generic actors ignored)."""
    padded = literal(" ") + func.lower(func.replace(column, "~", "")) + literal(" ")
    return padded.contains(f" {word} ", autoescape=True)


def _actor_condition(query: str) -> ColumnElement[bool]:
    """As `stories.actor_matches`: a three-letter upper-case code is a country, else every word
    of the query is a word of the name."""
    if query.isupper() and len(query) == 3:
        match: ColumnElement[bool] = event_actors.c.country == query
    else:
        match = and_(*(_like_word(event_actors.c.name, w) for w in _words(query)))
    return exists(select(event_actors.c.event_id).where(event_actors.c.event_id == events.c.id, match))


def _event_conditions(f: EventFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.type:
        conditions.append(events.c.type == f.type.upper())
    if f.status:
        conditions.append(events.c.status == f.status)
    if f.date_from:
        conditions.append(func.coalesce(events.c.date_end, events.c.date_start) >= f.date_from)
    if f.date_to:
        conditions.append(events.c.date_start <= f.date_to)
    if f.text:
        sentence = func.lower(events.c.evidence_sentence)
        conditions.extend(sentence.contains(w, autoescape=True) for w in f.text.lower().split())
    if f.actor and _words(f.actor):
        conditions.append(_actor_condition(f.actor.strip()))
    if f.country:
        code = f.country.strip().upper()
        someone = exists(select(event_actors.c.event_id).where(event_actors.c.event_id == events.c.id,
                                                               event_actors.c.country == code))
        conditions.append(or_(someone, events.c.location["country"].as_string() == code))
    return conditions


def event_page(engine: Engine, filters: EventFilters, limit: int, offset: int) -> Page[StoredEvent]:
    """Events matching `filters`, newest publication first, then article and text order; not
    those rejected by an edit (they stay stored, marked)."""
    with engine.connect() as conn:
        rejected = sorted(store.rejected_events(conn))
    conditions = _event_conditions(filters) + ([events.c.id.not_in(rejected)] if rejected else [])
    base = (
        select(events, articles.c.published, articles.c.outlet, articles.c.url, articles.c.title,
               claims.c.story_id, claims.c.status.label("claim_status"), claims.c.change, *REACH_COLUMNS)
        .select_from(events.join(articles, articles.c.id == events.c.article_id)
                     .outerjoin(claims, claims.c.event_id == events.c.id)
                     .outerjoin(stories, stories.c.id == claims.c.story_id))
        .where(*conditions)
        .order_by(articles.c.published.desc().nulls_last(), events.c.article_id, events.c.seq)
        .limit(limit).offset(offset)
    )
    count = select(func.count()).select_from(events).where(*conditions)
    with engine.connect() as conn:
        total = int(conn.execute(count).scalar() or 0)
        rows = conn.execute(base).mappings().all()
        items = _stored_events(conn, rows)
    return Page(items, total, limit, offset)


def _stored_events(conn: Any, rows: Sequence[Any]) -> list[StoredEvent]:
    return [
        StoredEvent(ev, r["article_id"], r["published"], r["outlet"], r["url"], r["title"], r["story_id"],
                    r["claim_status"], r["change"], reach_of_row(r))
        for ev, r in zip(store.events_from_rows(conn, rows), rows, strict=True)
    ]


def load_event(engine: Engine, event_id: str) -> StoredEvent | None:
    query = (
        select(events, articles.c.published, articles.c.outlet, articles.c.url, articles.c.title,
               claims.c.story_id, claims.c.status.label("claim_status"), claims.c.change, *REACH_COLUMNS)
        .select_from(events.join(articles, articles.c.id == events.c.article_id)
                     .outerjoin(claims, claims.c.event_id == events.c.id)
                     .outerjoin(stories, stories.c.id == claims.c.story_id))
        .where(events.c.id == event_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
        found = _stored_events(conn, rows)
    return found[0] if found else None


# ---------------------------------------------------------------- stories
def _story_conditions(f: StoryFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.status:
        conditions.append(stories.c.status == f.status)
    if f.since:
        conditions.append(stories.c.updated >= f.since)
    if f.text:
        haystack = func.lower(cast(stories.c.participants, Text) + literal(" ") + stories.c.type + literal(" ")
                              + func.coalesce(cast(stories.c.location, Text), literal("")))
        conditions.extend(haystack.contains(w, autoescape=True) for w in _words(f.text))
    return conditions


def story_page(engine: Engine, filters: StoryFilters, limit: int, offset: int) -> StoryPage:
    """Stories (without claims) as `filters.listing` chooses and orders them (as
    `store.list_stories` does), with how many it hides."""
    conditions = _story_conditions(filters)
    shown = [*conditions, *store.listing_conditions(filters.listing)]
    query = store.story_select().where(*shown).order_by(*store.listing_order(filters.listing)).limit(limit).offset(offset)
    every = [*conditions, *store.listing_conditions(replace(filters.listing, all=True))]
    with engine.connect() as conn:
        total = int(conn.execute(_count(shown)).scalar() or 0)
        hidden = 0 if filters.listing.all else int(conn.execute(_count(every)).scalar() or 0) - total
        rows = conn.execute(query).mappings().all()
    return StoryPage([store.story_from_row(r) for r in rows], total, limit, offset, hidden)


def _count(conditions: Sequence[ColumnElement[bool]]) -> Any:
    return select(func.count()).select_from(store.STORY_FROM).where(*conditions)


def stories_by_id(engine: Engine, story_ids: Sequence[str]) -> list[Story]:
    """The given stories (without claims), latest update first."""
    if not story_ids:
        return []
    query = (store.story_select().where(stories.c.id.in_(list(story_ids)))
             .order_by(stories.c.updated.desc().nulls_last(), stories.c.articles.desc(), stories.c.id))
    with engine.connect() as conn:
        return [store.story_from_row(r) for r in conn.execute(query).mappings()]


def article_titles(engine: Engine, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Title, source and outlet of each article, for showing where a claim comes from."""
    if not article_ids:
        return {}
    query = select(articles.c.id, articles.c.title, articles.c.source, articles.c.outlet, articles.c.url).where(
        articles.c.id.in_(sorted(set(article_ids))))
    with engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(query).mappings()}


# ---------------------------------------------------------------- articles
def article_page(engine: Engine, limit: int, offset: int) -> Page[dict[str, Any]]:
    """Articles with their removal and event counts, newest publication first."""
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(articles)).scalar() or 0)
    return Page(list(store.list_articles(engine, limit, offset)), total, limit, offset)


def article_view(engine: Engine, article_id: str) -> ArticleView | None:
    """An article (by id or unique prefix), its events, and the story of each event."""
    article = store.load_article(engine, article_id)
    if article is None:
        return None
    found = store.load_events(engine, article.id)
    return ArticleView(article, found, stories_of(engine, [e.id for e in found]))


def stories_of(engine: Engine, event_ids: Sequence[str]) -> dict[str, str]:
    """The story id of each linked event."""
    if not event_ids:
        return {}
    query = select(claims.c.event_id, claims.c.story_id).where(
        claims.c.event_id.in_(list(event_ids)), claims.c.story_id.is_not(None))
    with engine.connect() as conn:
        return {r.event_id: r.story_id for r in conn.execute(query)}


def counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds (what a bad upload must leave unchanged)."""
    tables = {"articles": articles, "events": events, "stories": stories, "claims": claims,
              "rejections": store.rejections, "removals": store.removals, "event_actors": event_actors}
    with engine.connect() as conn:
        return {name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
                for name, table in tables.items()}
