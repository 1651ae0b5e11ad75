"""Database: the tables, opening a store, and its schema.

SQLAlchemy Core over SQLite in WAL mode (one writer, many readers) by default; the same
code runs on a PostgreSQL URL. `storyline.store` reads and writes rows through what is here.

Concurrent writers (two `storyline process` runs, the server's uploads) are safe by
construction: every write transaction takes the write lock when it begins (`writing`:
SQLite's BEGIN IMMEDIATE, waiting up to the busy timeout), so what it reads before it writes
cannot change under it; rows are inserted with ON CONFLICT DO NOTHING (`insert_new`); the
schema is created or migrated inside such a transaction, checked again once the lock is held.

Every database problem (not a database, another program's database, an unknown schema
version, a read-only or damaged store, a full disk, a bad URL) is a `StorylineError` with a
`Problem` code: `connect` checks what it can up front, and the engine turns driver errors met
later into the same coded errors (`_problem`).
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
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
    create_engine,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import QueuePool

from .errors import Problem, StorylineError, fail
from .ontology import goldstein

SCHEMA_VERSION = 5  # 2: stories rebuilt from claims; the unused events.story_id dropped
                    # 3: the time of the statement is the event's (events.said, events.said_earlier)
                    # 4: events carry casualties and a Goldstein score; stories their outlets and sources
                    # 5: claims are bucketed by event family as well (stories relinked on upgrade)
BACKENDS = ("sqlite", "postgresql")
BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another writer's transaction
WRITE = "storyline_write"  # execution option: the connection's transactions take the write lock at once
SIDE_FILES = ("-wal", "-shm", "-journal")
metadata = MetaData()
CASUALTY_ROLES = ("killed", "wounded")                   # the fields of `model.Casualties`
COUNT_PARTS: tuple[tuple[str, type[Integer] | type[Text]], ...] = (
    ("min", Integer), ("max", Integer), ("text", Text), ("start", Integer), ("end", Integer))  # of `model.Count`
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
    *(Column(f"{role}_{part}", kind) for role in CASUALTY_ROLES for part, kind in COUNT_PARTS),
    Column("goldstein", Float),                          # Goldstein score of the CAMEO code
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
    Column("outlets", Integer, nullable=False, server_default="0"),   # distinct outlets of its claims
    Column("sources", Integer, nullable=False, server_default="0"),   # distinct sources (who says so)
    Column("claims", Integer, nullable=False),
    Column("first_published", Date),
    Column("updated", Date, index=True),
)

story_meta = Table(
    # what a story list needs beyond `stories`, written with each story (`store.rebuild`):
    # its significance, whether it is hidden by default, and a curated title
    "story_meta", metadata,
    Column("story_id", String(40), ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("changes", Integer, nullable=False),          # status changes along its claims
    Column("significance", Integer, nullable=False, index=True),   # `curation.significance`
    Column("generic", Integer, nullable=False),          # 1: no participant is named
    Column("title", Text),                               # from a rename edit; NULL: generated
)
edits = Table(
    # curation: merge, split, rename, reject; anchored on event ids (content hashes), which
    # survive relinking, and applied every time stories are built (`store.rebuild`)
    "edits", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("targets", JSON, nullable=False),             # the event ids the edit is about
    Column("payload", JSON, nullable=False),             # {"title": ...}, {"reason": ...}, {"stories": [...]}
    Column("who", String(256), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("undone_at", DateTime),                       # NULL: in force
)
# `storyline watch` (and the server's URL lists): every URL seen, with its latest fetch; a page
# listed by many feeds is one row, fetched once; a restart resumes from the rows left pending
sources = Table(
    "sources", metadata,
    Column("url", Text, primary_key=True),
    Column("host", String(256), index=True, nullable=False),
    Column("kind", String(8)),                           # feed, sitemap, page; NULL until fetched
    Column("named", Integer, nullable=False, server_default="0"),  # named by the user
    Column("parent", Text),                              # the feed or sitemap that listed it first
    Column("published", Date),                           # the publication date the listing gives
    Column("state", String(8), index=True, nullable=False),  # pending, stored, rejected, failed, listed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("status", Integer),                           # the last HTTP status
    Column("etag", Text),
    Column("last_modified", Text),
    Column("article_id", String(32)),
    Column("code", String(8)),                           # the last rejection's code
    Column("reason", Text),
    Column("first_seen", DateTime, nullable=False),
    Column("fetched_at", DateTime),
)
fetches = Table(
    "fetches", metadata,                                 # one row per HTTP request made
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, index=True, nullable=False),
    Column("host", String(256), nullable=False),
    Column("status", Integer),                           # NULL: no answer (timeout, refused)
    Column("code", String(8)),
    Column("bytes", Integer, nullable=False, server_default="0"),
    Column("seconds", Float, nullable=False, server_default="0"),
    Column("fetched_at", DateTime, nullable=False),
)


# Alerts (`storyline.alerts`): watch lists, the changes each has found, and every delivery attempt.
alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), unique=True, nullable=False),
    Column("actors", JSON, nullable=False),              # participant names (all must take part)
    Column("type", String(16)),
    Column("status", String(16)),
    Column("place", Text),
    Column("webhook", Text),
    Column("secret", Text),
    Column("email", Text),
    Column("created", DateTime, nullable=False),
)
alert_changes = Table(
    "alert_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("kind", String(8), nullable=False),           # "status" or "conflict"
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("event_id", String(40), nullable=False),      # the claim that made the change
    Column("story_id", String(40), nullable=False),
    Column("payload", JSON(none_as_null=True)),          # what is sent; NULL: a mark, never sent (baseline)
    Column("found", DateTime, nullable=False),
    UniqueConstraint("alert_id", "kind", "from_status", "to_status", "event_id", name="uq_alert_change"),
)
alert_deliveries = Table(
    "alert_deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("change_id", Integer, ForeignKey("alert_changes.id", ondelete="CASCADE"), index=True, nullable=False),
    Column("channel", String(8), nullable=False),        # "webhook" or "email"
    Column("attempt", Integer, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("outcome", String(12), nullable=False),       # "delivered" or "failed"
    Column("detail", Text),
)


# ---------------------------------------------------------------- opening a store
def connect(url: str, write: bool = True, rebuild: Callable[[Connection], object] | None = None) -> Engine:
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
        _prepare(engine, where, write, not read_only, rebuild)
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


def _prepare(engine: Engine, where: str, write: bool, can_write: bool,
             rebuild: Callable[[Connection], object] | None) -> None:
    """Check the schema with a plain read; create or migrate it, when needed, under the write
    lock (checked again there: another process may have done it meanwhile); after a migration,
    `rebuild` recomputes what is derived from the stored rows (the store's claims and stories)."""
    with engine.connect() as conn:
        found = _schema(conn, where)
    if found.ready or (found.version == SCHEMA_VERSION and not can_write):
        # a read-only store of this version that lacks a table added since (the alerts') is
        # read as it is: what reads such a table checks for it (`alerts.ready`)
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
        if rebuild is not None and found.version is not None and found.version < SCHEMA_VERSION:
            rebuild(conn)


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
    `_prepare` creates what is missing and its `rebuild` (`store._relink`) rebuilds every claim and story from the
    stored events (with their reach), all in one transaction."""
    _move_statement_times(conn)
    _add_figures(conn)
    conn.execute(text("DROP TABLE IF EXISTS claims"))
    conn.execute(text("DROP TABLE IF EXISTS story_meta"))  # derived from the stories, as they are
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


def _add_figures(conn: Connection) -> None:
    """Version 4: events carry their casualties (extracted from now on; an older event has
    none, as its text was read without looking for them) and the Goldstein score of their CAMEO
    code, which a stored event gets here from its code, as a new one does during extraction."""
    columns = _columns(conn, "events")
    for column in events.columns:
        if column.name not in columns and (column.name == "goldstein" or column.name.startswith(CASUALTY_ROLES)):
            kind = "FLOAT" if column.name == "goldstein" else "TEXT" if column.name.endswith("_text") else "INTEGER"
            conn.execute(text(f'ALTER TABLE events ADD COLUMN "{column.name}" {kind}'))
    codes = conn.execute(select(events.c.cameo).where(events.c.goldstein.is_(None)).distinct()).scalars().all()
    for code in codes:
        score = goldstein(code)
        if score is not None:
            conn.execute(update(events).where(events.c.cameo == code, events.c.goldstein.is_(None))
                         .values(goldstein=score))


def _columns(conn: Connection, table: str) -> set[str]:
    """The column names of a table as it is in the database (none when it does not exist)."""
    found = inspect(conn)
    return {c["name"] for c in found.get_columns(table)} if found.has_table(table) else set()


def insert_new(conn: Connection, table: Table) -> Insert:
    """An INSERT that skips rows whose key (or unique columns) is already stored: ON CONFLICT
    DO NOTHING, in SQLite's or PostgreSQL's dialect. Its rowcount says what was new."""
    maker = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    return maker(table).on_conflict_do_nothing()
