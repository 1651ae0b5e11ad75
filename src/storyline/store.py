"""Store: articles, removals, rejections, events, actors, claims and stories in SQL.

SQLAlchemy Core over SQLite in WAL mode (one writer, many readers) by default; the same
code runs on a PostgreSQL URL. Writes are idempotent: an article id is a content hash, and
re-ingesting an article changes nothing. Each article is committed in its own transaction,
so a crash mid-batch leaves every committed article whole.

Concurrent writers (two `storyline process` runs, the server's uploads) are safe by
construction: every write transaction takes the write lock when it begins (`writing`:
SQLite's BEGIN IMMEDIATE, waiting up to the busy timeout), so what it reads before it writes
cannot change under it; rows are inserted with ON CONFLICT DO NOTHING; the schema is created
or migrated inside such a transaction, checked again once the lock is held.

Every database problem (not a database, another program's database, an unknown schema
version, a read-only or damaged store, a full disk, a bad URL) is a `StorylineError` with a
`Problem` code: `connect` checks what it can up front, and the engine turns driver errors met
later into the same coded errors (`_problem`).

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
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Insert,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import QueuePool

from . import stories as linking
from .errors import Problem, StorylineError, fail
from .model import (
    Actor,
    Article,
    ArticleResult,
    Attribution,
    Claim,
    Event,
    Evidence,
    Place,
    Rejected,
    Removed,
    Story,
    TimeSpan,
    actor_dict,
    to_dict,
)

SCHEMA_VERSION = 3  # 2: stories rebuilt from claims; the unused events.story_id dropped
                    # 3: the time of the statement is the event's (events.said, events.said_earlier)
BACKENDS = ("sqlite", "postgresql")
BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another writer's transaction
WRITE = "storyline_write"  # execution option: the connection's transactions take the write lock at once
SIDE_FILES = ("-wal", "-shm", "-journal")
metadata = MetaData()
log = logging.getLogger("storyline.store")
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
    Column("said", Date),                                # time of the statement, when the text gives it
    Column("said_earlier", Integer, nullable=False, server_default="0"),
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
claims = Table(
    "claims", metadata,
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("bucket", String(24), index=True, nullable=False),
    Column("story_id", String(40), index=True),          # NULL: not linked yet
    Column("seq", Integer),                              # place in the story's timeline
    Column("status", String(16)),                        # the status the claim implies
    Column("change", String(16)),
    Column("conflict", Integer, nullable=False, default=0),
)
stories = Table(
    "stories", metadata,
    Column("id", String(40), primary_key=True),
    Column("bucket", String(24), index=True, nullable=False),
    Column("type", String(16), nullable=False),
    Column("participants", JSON, nullable=False),
    Column("location", JSON),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("date_precision", String(16)),
    Column("date_text", Text),
    Column("status", String(16), index=True, nullable=False),
    Column("conflict", Integer, nullable=False, default=0),
    Column("articles", Integer, nullable=False),
    Column("claims", Integer, nullable=False),
    Column("first_published", Date),
    Column("updated", Date, index=True),
)


# ---------------------------------------------------------------- opening a store
def connect(url: str, write: bool = True) -> Engine:
    """An engine for the store at `url`, its schema created (or migrated) and checked.

    `write=False` (the read commands, the server): a store that cannot be written (a read-only
    file or folder) is opened read-only instead of refused; a write to it is then E103.
    """
    parsed = _parse(url)
    where = _where(parsed)
    path = sqlite_file(url)
    read_only = False
    if path is not None:
        _check_place(path, where)
        read_only = not _writable(path)
        if read_only and (write or not path.exists()):
            raise fail(where, Problem.READ_ONLY, detail="no permission to write the file or its folder")
    engine = _read_only_engine(path, where) if read_only and path is not None else _engine(parsed, url, where)
    try:
        _prepare(engine, where, write, can_write=not read_only)
    except BaseException:
        engine.dispose()
        raise
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite store (None for an in-memory one and for other databases)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def files(url: str) -> list[Path]:
    """The files an SQLite store is made of (the database, its WAL, shared memory and journal)."""
    path = sqlite_file(url)
    return [] if path is None else [path, *(path.with_name(path.name + s) for s in SIDE_FILES)]


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise fail(url, Problem.BAD_URL, detail="not a database URL: give a file path (SQLite) or "
                   "postgresql://USER@HOST/NAME") from None
    if parsed.get_backend_name() not in BACKENDS:
        raise fail(_where(parsed), Problem.BAD_URL, detail=f"unknown database scheme {parsed.drivername!r}: a "
                   "store is an SQLite file (a path) or a PostgreSQL database (postgresql://...)")
    return parsed


def _where(parsed: URL) -> str:
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def _check_place(path: Path, where: str) -> None:
    folder = path.resolve().parent
    if not folder.is_dir():
        raise fail(where, Problem.NO_FOLDER, folder=folder)
    if path.is_dir():
        raise fail(where, Problem.NOT_A_STORE, detail="it is a folder; give the name of a store file in it")
    if path.exists() and not path.is_file():
        raise fail(where, Problem.NOT_A_STORE, detail="not a regular file")


def _writable(path: Path) -> bool:
    """Whether SQLite can write the store: a new store needs its folder; an existing one needs
    the file, and the folder or the WAL's two files, which a writer keeps beside it."""
    folder = path.resolve().parent
    if not path.exists():
        return os.access(folder, os.W_OK | os.X_OK)
    if not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK | os.X_OK) or all(
        os.access(path.with_name(path.name + s), os.W_OK) for s in SIDE_FILES[:2])


def _engine(parsed: URL, url: str, where: str) -> Engine:
    try:
        engine = create_engine(url)
    except NoSuchModuleError:
        raise fail(where, Problem.BAD_URL, detail=f"unknown database driver {parsed.drivername!r}") from None
    except ImportError as exc:
        raise fail(where, Problem.BAD_URL, detail=f"the driver of {parsed.drivername!r} is not installed "
                   f"({exc}); install it with pip") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "handle_error", _on_error(where))
    return engine


def _read_only_engine(path: Path, where: str) -> Engine:
    """An engine that only reads: `mode=ro`, or `immutable=1` when SQLite could not even create
    the WAL's shared-memory file (a read-only folder); nothing is ever written."""
    shared = path.with_name(path.name + "-shm")
    mode = "mode=ro" if os.access(path.resolve().parent, os.W_OK) or shared.exists() else "immutable=1"
    uri = f"{path.resolve().as_uri()}?{mode}"
    engine = create_engine("sqlite://", poolclass=QueuePool,
                           creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    event.listen(engine, "connect", _read_only_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "handle_error", _on_error(where))
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite would begin a transaction only before the first write, so what a transaction
    # read first could change before it writes; the "begin" listener emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the write lock from its first statement: on SQLite
    BEGIN IMMEDIATE (waiting up to the busy timeout for another writer), on PostgreSQL a
    transaction-scoped advisory lock. What it reads cannot change before it writes."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(7453)"))
            yield conn


# SQLite's primary result codes that mean a problem with the store, not with storyline
SQLITE_PROBLEMS: dict[int, Problem] = {
    5: Problem.STORE_FAILED,    # SQLITE_BUSY: another writer held the lock past the busy timeout
    6: Problem.STORE_FAILED,    # SQLITE_LOCKED
    8: Problem.READ_ONLY,       # SQLITE_READONLY
    10: Problem.STORE_FAILED,   # SQLITE_IOERR
    11: Problem.DAMAGED,        # SQLITE_CORRUPT
    13: Problem.STORE_FAILED,   # SQLITE_FULL
    14: Problem.STORE_FAILED,   # SQLITE_CANTOPEN
    23: Problem.STORE_FAILED,   # SQLITE_AUTH
    26: Problem.NOT_A_STORE,    # SQLITE_NOTADB
}


def _problem(exc: BaseException, where: str, operational: bool = False) -> StorylineError | None:
    """The coded error for a driver error that is a problem of the store (None for others:
    those are storyline's own bugs, and keep their traceback). `operational`: SQLAlchemy
    classed it so (for PostgreSQL: unreachable, refused, out of space ...)."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        problem = SQLITE_PROBLEMS.get(code & 0xFF) if isinstance(code, int) else None
        return fail(where, problem, detail=str(exc)) if problem is not None else None
    if operational:
        return fail(where, Problem.STORE_FAILED, detail=(str(exc).strip().splitlines() or ["?"])[0])
    return None


def _on_error(where: str) -> Any:
    def handle(context: ExceptionContext) -> None:
        operational = isinstance(context.sqlalchemy_exception, OperationalError)
        problem = _problem(context.original_exception, where, operational)
        if problem is not None:
            raise problem from None
    return handle


# ---------------------------------------------------------------- the schema
@dataclass(frozen=True)
class _Schema:
    version: int | None    # None: an empty database (a new store)
    missing: tuple[str, ...]  # storyline's tables it lacks

    @property
    def ready(self) -> bool:
        return self.version == SCHEMA_VERSION and not self.missing


def _prepare(engine: Engine, where: str, write: bool, can_write: bool) -> None:
    """Check the schema with a plain read; create or migrate it, when needed, under the write
    lock (checked again there: another process may have done it meanwhile)."""
    with engine.connect() as conn:
        found = _schema(conn, where)
    if found.ready:
        if can_write:
            _use_wal(engine, where)
        if write:
            _check_pages(engine, where)
        return
    if not can_write:
        raise fail(where, Problem.READ_ONLY, detail="its schema must first be created or migrated by a command "
                   "that can write it")
    if found.version is None:
        _use_wal(engine, where)
    with writing(engine) as conn:
        found = _schema(conn, where)
        if found.version is not None and found.version < SCHEMA_VERSION:
            _migrate(conn)
        metadata.create_all(conn)
        _record_version(conn, found.version)
        if found.version is not None and found.version < SCHEMA_VERSION:
            _relink(conn)


def _schema(conn: Connection, where: str) -> _Schema:
    """The store's schema version and missing tables; E102 for another program's database,
    E104 for a version this storyline does not know."""
    look = inspect(conn)
    present = set(look.get_table_names())
    ours = set(metadata.tables)
    if not present:
        return _Schema(None, tuple(sorted(ours)))
    value = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar() \
        if "meta" in present else None
    if value is None and not present <= ours:
        raise fail(where, Problem.NOT_A_STORE, detail=f"it holds tables ({', '.join(sorted(present)[:4])}) and no "
                   "storyline schema version: another program's database?")
    version = _version(value, where)
    if version in (None, SCHEMA_VERSION):
        for name in sorted(present & ours):
            columns = {c["name"] for c in look.get_columns(name)}
            lacking = [c.name for c in metadata.tables[name].columns if c.name not in columns]
            if lacking:
                raise fail(where, Problem.NOT_A_STORE, detail=f"its table {name!r} lacks the column(s) "
                           f"{', '.join(lacking)}: another program's database?")
    return _Schema(version, tuple(sorted(ours - present)))


def _version(value: str | None, where: str) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit() or not 1 <= int(value) <= SCHEMA_VERSION:
        newer = value.strip().isdigit() and int(value) > SCHEMA_VERSION
        detail = (f"schema version {value} is newer than this storyline's ({SCHEMA_VERSION}): upgrade storyline"
                  if newer else f"unknown schema version {value[:40]!r} (this storyline knows 1 to {SCHEMA_VERSION})")
        raise fail(where, Problem.SCHEMA, detail=detail)
    return int(value)


def _use_wal(engine: Engine, where: str) -> None:
    """Put an SQLite store in WAL mode (readers beside one writer); kept in the file, so this
    changes something only for a new store. Outside any transaction, as SQLite requires."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        if driver.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            driver.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise _problem(exc, where) or exc from None
    finally:
        raw.close()


def _check_pages(engine: Engine, where: str) -> None:
    """Before writing to an SQLite store, make sure its pages are sound (a damaged store only
    gets worse with writes): `PRAGMA quick_check`, which reads every page once."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        found = conn.exec_driver_sql("PRAGMA quick_check(3)").scalars().all()
    if found != ["ok"]:
        raise fail(where, Problem.DAMAGED, detail="; ".join(str(f) for f in found)[:300])


def _record_version(conn: Connection, found: int | None) -> None:
    if found is None:
        conn.execute(insert_new(conn, meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
    elif found != SCHEMA_VERSION:
        conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))


def _migrate(conn: Connection) -> None:
    """To the current schema from an older one: the events keep what was computed from their
    text, claims and stories are dropped (version 1's stories table was never written), then
    `_prepare` creates what is missing and `_relink` rebuilds every claim and story from the
    stored events, all in one transaction."""
    _move_statement_times(conn)
    conn.execute(text("DROP TABLE IF EXISTS claims"))
    conn.execute(text("DROP TABLE IF EXISTS stories"))


def _move_statement_times(conn: Connection) -> None:
    """Version 3: the time of a statement moves from the claims (computed while saving) to the
    events (computed during extraction): the new columns take the claims' values, so a stored
    article keeps its statement times without being extracted again (version 1 had none)."""
    columns = _columns(conn, "events")
    if "said" not in columns:
        conn.execute(text("ALTER TABLE events ADD COLUMN said DATE"))
    if "said_earlier" not in columns:
        conn.execute(text("ALTER TABLE events ADD COLUMN said_earlier INTEGER NOT NULL DEFAULT 0"))
    if "said" in _columns(conn, "claims"):
        conn.execute(text(
            "UPDATE events SET said = (SELECT claims.said FROM claims WHERE claims.event_id = events.id), "
            "said_earlier = COALESCE((SELECT claims.earlier FROM claims WHERE claims.event_id = events.id), 0)"))


def _columns(conn: Connection, table: str) -> set[str]:
    """The column names of a table as it is in the database (none when it does not exist)."""
    found = inspect(conn)
    return {c["name"] for c in found.get_columns(table)} if found.has_table(table) else set()


def insert_new(conn: Connection, table: Table) -> Insert:
    """An INSERT that skips rows whose key (or unique columns) is already stored: ON CONFLICT
    DO NOTHING, in SQLite's or PostgreSQL's dialect. Its rowcount says what was new."""
    maker = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    return maker(table).on_conflict_do_nothing()


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
        {"event_id": r.event.id, "bucket": linking.bucket_key(r.event), "story_id": None, "seq": None,
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
        "claims": story.n_claims, "first_published": story.first_published, "updated": story.updated,
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
        earlier=ev.said_earlier,
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


def iter_stored_events(engine: Engine, status: str | None = None, since: dt.date | None = None,
                       actor: str | None = None, batch: int = 500) -> Iterator[StoredEvent]:
    """Every stored event with its context, in publication order then text order; filters as
    for stories, on the event (its status, its article's date, its actors and recipients)."""
    query = (
        select(events, articles.c.published, articles.c.outlet, articles.c.url, articles.c.title,
               claims.c.story_id, claims.c.status.label("claim_status"), claims.c.change)
        .select_from(events.join(articles, articles.c.id == events.c.article_id)
                     .outerjoin(claims, claims.c.event_id == events.c.id))
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
                                      r["story_id"], r["claim_status"], r["change"])
