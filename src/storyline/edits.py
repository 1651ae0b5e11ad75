"""Curation edits: merge, split, rename, reject, undo — recorded in the store's `edits` table
with who made them and when, and applied at once to the stories they touch.

Each operation takes ids as a person sees them (a story id or a unique prefix of 4+
characters, an event id or prefix), records the event ids behind them (`model.Edit`: what
survives relinking), and rebuilds the buckets of stories the change touches, before and after
it (`curation` explains what each kind of edit does; `store.rebuild_group` applies them). One
transaction per operation: an edit is recorded and applied, or neither.
"""
from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from . import store
from .errors import StorylineError
from .model import Edit
from .store import articles, claims, edits, events, stories, writing

MIN_PREFIX = 4
MAX_TITLE = 300


class EditError(StorylineError):
    """A curation command that cannot be done; `missing`: an id names nothing (or several)."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def default_who() -> str:
    """Who makes an edit when not told (`--by`): the user the command runs as."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def merge(engine: Engine, story_ids: Sequence[str], who: str) -> Edit:
    """The claims of these stories are one story."""
    with writing(engine) as conn:
        found = list(dict.fromkeys(_story(conn, s) for s in story_ids))
        if len(found) < 2:
            raise EditError("merge: give two or more different stories")
        targets = [e for s in found for e in _claims_of(conn, s)]
        return _record(conn, "merge", targets, {"stories": found}, who)


def split(engine: Engine, story_id: str, claim_ids: Sequence[str], who: str) -> Edit:
    """These claims of the story are a story of their own."""
    with writing(engine) as conn:
        story = _story(conn, story_id)
        own = _claims_of(conn, story)
        chosen = list(dict.fromkeys(_claim(c, own, story) for c in claim_ids))
        if not chosen:
            raise EditError("split: give the claims (event ids) that are a story of their own with --claims")
        if len(chosen) == len(own):
            raise EditError(f"split: these are all of story {story}'s claims: nothing to split off")
        return _record(conn, "split", chosen, {"stories": [story]}, who)


def rename(engine: Engine, story_id: str, title: str, who: str) -> Edit:
    """The story is titled `title` (one line), also once new reports join it."""
    clean = " ".join(title.split())
    if not clean or len(clean) > MAX_TITLE:
        raise EditError(f"rename: the title must be 1 to {MAX_TITLE} characters on one line")
    with writing(engine) as conn:
        story = _story(conn, story_id)
        return _record(conn, "rename", _claims_of(conn, story), {"title": clean, "stories": [story]}, who)


def reject(engine: Engine, event_id: str, reason: str | None, who: str) -> Edit:
    """The event is false: no claim of any story, left out of exports; it stays stored."""
    with writing(engine) as conn:
        event = _event(conn, event_id)
        done = next((e for e in store.edits_in_force(conn) if e.kind == "reject" and event in e.events), None)
        if done is not None:
            raise EditError(f"event {event}: already rejected (edit {done.id})")
        return _record(conn, "reject", [event], {"reason": " ".join((reason or "").split()) or None}, who)


def undo(engine: Engine, edit_id: int) -> Edit:
    """Take an edit back: the stories are rebuilt as if it had never been made."""
    with writing(engine) as conn:
        row = conn.execute(select(edits).where(edits.c.id == edit_id)).mappings().first()
        if row is None:
            raise EditError(f"edit {edit_id}: no such edit", missing=True)
        edit = store.edit_from_row(row)
        if edit.undone_at is not None:
            raise EditError(f"edit {edit_id}: already undone ({edit.undone_at:%Y-%m-%d %H:%M})")
        before = _tied_buckets(conn, edit.events)
        conn.execute(update(edits).where(edits.c.id == edit_id).values(undone_at=_now()))
        if edit.kind == "reject":
            _restore_claims(conn, edit.events)
        _rebuild(conn, before | _tied_buckets(conn, edit.events))
        return store.edit_from_row(conn.execute(select(edits).where(edits.c.id == edit_id)).mappings().one())


def list_edits(engine: Engine) -> list[Edit]:
    """Every edit, undone ones included, in the order they were made."""
    with engine.connect() as conn:
        return [store.edit_from_row(r) for r in conn.execute(select(edits).order_by(edits.c.id)).mappings()]


# ---------------------------------------------------------------- recording and applying
def _record(conn: Connection, kind: str, targets: Sequence[str], payload: dict[str, Any], who: str) -> Edit:
    """Insert the edit and rebuild the stories of the buckets it touches (before and after)."""
    before = _tied_buckets(conn, targets)
    if kind == "reject":
        conn.execute(delete(claims).where(claims.c.event_id.in_(list(targets))))
    who = " ".join(who.split())[:256] or default_who()
    new_id = conn.execute(insert(edits).values(kind=kind, targets=list(targets), payload=payload, who=who,
                                               at=_now())).inserted_primary_key
    assert new_id is not None
    _rebuild(conn, before | _tied_buckets(conn, targets))
    return store.edit_from_row(conn.execute(select(edits).where(edits.c.id == new_id[0])).mappings().one())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _tied_buckets(conn: Connection, event_ids: Iterable[str]) -> set[str]:
    """The buckets of these events' claims, with every bucket the edits in force tie to them."""
    wanted = sorted(set(event_ids))
    own: set[str] = set()
    for chunk in (wanted[i:i + 500] for i in range(0, len(wanted), 500)):
        own.update(conn.execute(select(claims.c.bucket).where(claims.c.event_id.in_(chunk))).scalars())
    tied = store.ties(conn, store.edits_in_force(conn))
    return {b for bucket in own for b in tied.get(bucket, {bucket})}


def _rebuild(conn: Connection, buckets: set[str]) -> None:
    """Rebuild these buckets' stories under the edits in force, each group of tied buckets
    as one; every old story of them goes first (an undone merge leaves one spanning two)."""
    in_force = store.edits_in_force(conn)
    tied = store.ties(conn, in_force)
    groups = {tied.get(b, frozenset({b})) for b in buckets}
    store.drop_stories(conn, {b for g in groups for b in g})
    for group in sorted(groups, key=sorted):
        store.rebuild_group(conn, group, in_force)


def _restore_claims(conn: Connection, event_ids: Iterable[str]) -> None:
    """Claims again for events no longer rejected (unlinked: the rebuild links them)."""
    rejected = store.rejected_events(conn)
    for event_id in sorted(set(event_ids) - rejected):
        article_id = conn.execute(select(events.c.article_id).where(events.c.id == event_id)).scalar()
        if article_id is None:
            continue
        rows = conn.execute(select(events).where(events.c.article_id == article_id).order_by(events.c.seq)).mappings().all()
        article = store.article_from_row(conn.execute(select(articles).where(articles.c.id == article_id)).mappings().one())
        store.insert_claims(conn, article, store.events_from_rows(conn, rows), rejected, only={event_id})


# ---------------------------------------------------------------- ids
def _story(conn: Connection, given: str) -> str:
    """A story id from an id or a unique prefix (4+ characters)."""
    found = _by_prefix(conn, stories.c.id, given)
    if len(found) != 1:
        raise EditError(f"story {given!r}: not in the store (or the prefix is ambiguous)", missing=True)
    return found[0]


def _event(conn: Connection, given: str) -> str:
    found = _by_prefix(conn, events.c.id, given)
    if len(found) != 1:
        raise EditError(f"event {given!r}: not in the store (or the prefix is ambiguous)", missing=True)
    return found[0]


def _by_prefix(conn: Connection, column: Any, given: str) -> list[str]:
    given = given.strip()
    if len(given) < MIN_PREFIX:
        return []
    return list(conn.execute(select(column).where(column.startswith(given, autoescape=True)).limit(2)).scalars())


def _claims_of(conn: Connection, story: str) -> list[str]:
    return list(conn.execute(select(claims.c.event_id).where(claims.c.story_id == story).order_by(claims.c.seq)).scalars())


def _claim(given: str, own: Sequence[str], story: str) -> str:
    """One of the story's claims by its event id or a unique prefix (4+ characters)."""
    given = given.strip()
    found = [e for e in own if e.startswith(given)] if len(given) >= MIN_PREFIX else []
    if len(found) != 1:
        raise EditError(f"claim {given!r}: not a claim of story {story} (or the prefix is ambiguous); "
                        "`storyline story ID` lists them", missing=True)
    return found[0]
