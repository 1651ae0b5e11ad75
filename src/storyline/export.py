"""Exports of stored events and stories: PLOVER JSONL, a GDELT-style event table, CSV, Parquet.

- PLOVER: one JSON record per event with the fields of the PLOVER manual ("JSON Data Fields":
  `id`, `date`, `enddate`, `source`, `recipient`, `event`, `mode`, `context`, `quad_code`,
  `event_loc`, `event_text`, `text`, `text_info`, `cite_info`, `link`, `coder`). The event
  category is PLOVER's for storyline's status (`lexicon.plover_type`: a planned meeting is
  AGREE); storyline's own fields are prefixed `storyline_` (status, type, CAMEO code,
  attribution, where the date comes from, casualties as ranges). `link` is the story id:
  PLOVER's "common reference across multiple related events". An ASSAULT record carries the
  manual's supplementary fields for it, `dead` (number killed) and `injured` (number injured),
  when the text states them: the manual defines no fatality field for other categories.
- GDELT: one row per event with GDELT 2.0 event-table column names (CAMEO codes, QuadClass,
  GoldsteinScale, NumMentions / NumSources / NumArticles: the reach of the event's story, empty
  while it is not linked; actors, dates, source URL) and storyline's additions prefixed `SL_`
  (`SL_Killed`, `SL_Wounded`: the lower bound of the stated range, "at least 57" → 57, "dozens" →
  24, as ACLED records the most conservative figure); see README.
- CSV / Parquet: the `events` or `stories` table, typed columns (`data/export.toml`).

A file export never destroys anything: the store (and its -wal, -shm and -journal files) is
never a destination, an existing file is replaced only with `force`, and the export is written
to a temporary file beside the destination and renamed onto it when complete, so a failed
export (a full disk, a database error half-way) leaves the destination as it was.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from .datafiles import Key, Table, load_toml
from .errors import Problem, StorylineError, fail
from .model import Actor, Count, Place, Reach, Story, to_dict
from .ontology import plover_type
from .store import StoredEvent

FORMATS = ("plover", "gdelt", "csv", "parquet")
TABLES = ("events", "stories")
Row = dict[str, Any]


@dataclass(frozen=True)
class Spec:
    """`data/export.toml`, loaded once."""

    plover: dict[str, Any]
    quad: dict[str, int]
    columns: dict[str, dict[str, str]]


_COLUMNS = Table(other=Key(str, choices=frozenset({"string", "int", "float", "bool", "date"})), required=True)
SCHEMA = Table({
    "plover": Table({
        "required": Key(list, items=str, required=True), "coder": Key(str, required=True),
        "codebook": Key(str, required=True), "language": Key(str, required=True),
        "nonstate": Key(list, items=str, required=True), "quad": Table(other=Key(int), required=True),
    }, required=True),
    "gdelt": _COLUMNS, "events": _COLUMNS, "stories": _COLUMNS,
})


@lru_cache(maxsize=1)
def spec() -> Spec:
    raw = load_toml("export.toml", SCHEMA)
    plover = {k: v for k, v in raw["plover"].items() if k != "quad"}
    return Spec(plover, dict(raw["plover"]["quad"]), {t: dict(raw[t]) for t in ("gdelt", "events", "stories")})


# ---------------------------------------------------------------- PLOVER
def plover_record(item: StoredEvent) -> Row:
    """One event as a PLOVER record (only non-null fields besides the required ones)."""
    ev = item.event
    event = plover_type(ev.type, ev.status)
    start, end, source = _dates(item)
    record: Row = {
        "id": ev.id, "date": _iso(start), "enddate": _iso(end) if end != start else None,
        "source": [_plover_actor(a) for a in ev.actors], "recipient": [_plover_actor(a) for a in ev.recipients],
        "event": [event], "mode": [ev.mode] if ev.mode and event == ev.type else None, "context": None,
        "quad_code": spec().quad.get(event), "event_loc": _plover_place(ev.location),
        "event_text": [ev.evidence.sentence], "text": ev.evidence.sentence,
        "text_info": {"start": ev.evidence.start, "end": ev.evidence.end},
        "cite_info": _drop_none({"citation": item.article_id, "url": item.url, "title": item.title,
                                 "publication": item.outlet, "language": spec().plover["language"],
                                 "coder": spec().plover["coder"], "codebook": spec().plover["codebook"]}),
        "link": item.story_id, "coder": spec().plover["coder"],
        "storyline_status": ev.status, "storyline_event": ev.type, "storyline_mode": ev.mode, "cameo": ev.cameo,
        "storyline_attributed_to": _attribution(item), "storyline_date_source": source,
        "storyline_published": _iso(item.published), "storyline_casualties": to_dict(ev.casualties),
        **(_plover_casualties(item) if event == "ASSAULT" else {}),
    }
    required = set(spec().plover["required"])
    return {k: v for k, v in record.items() if v is not None or k in required}


def _plover_casualties(item: StoredEvent) -> Row:
    """The manual's ASSAULT fields `dead` and `injured` (integers): the lower bound of a range."""
    found = item.event.casualties
    return {"dead": _figure(found.killed if found else None), "injured": _figure(found.wounded if found else None)}


def _figure(count: Count | None) -> int | None:
    """A stated count as one number: its lower bound ("at least 57" → 57, "dozens" → 24)."""
    return count.min if count is not None else None


def _plover_actor(actor: Actor) -> Row:
    code = actor.country if actor.country and actor.country != "XXX" else None
    if code is None and actor.sector in spec().plover["nonstate"]:
        code = actor.sector
    return _drop_none({"code": code, "sector": actor.sector, "actor_text": actor.text or actor.name,
                       "identifier_text": actor.name})


def _plover_place(place: Place | None) -> Row | None:
    if place is None:
        return None
    return _drop_none({"geonameid": place.geonameid, "name": place.name, "latitude": place.lat,
                       "longitude": place.lon, "cc3": place.country})


def _attribution(item: StoredEvent) -> Row | None:
    who = item.event.attributed_to
    if who is None:
        return None
    return {"name": who.actor.name, "country": who.actor.country, "sector": who.actor.sector, "anonymous": who.anonymous}


def _drop_none(row: Row) -> Row:
    return {k: v for k, v in row.items() if v is not None}


def _dates(item: StoredEvent) -> tuple[dt.date | None, dt.date | None, str]:
    """The event's own date when the text gives it, else the publication date (as GDELT)."""
    date = item.event.date
    if date is not None and date.start is not None:
        return date.start, date.end or date.start, "event"
    return item.published, item.published, "published"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# ---------------------------------------------------------------- GDELT-style
def gdelt_row(item: StoredEvent) -> Row:
    ev = item.event
    start, end, source = _dates(item)
    one, two = _dyad(ev.actors, ev.recipients)
    cameo = ev.cameo or ""
    place = ev.location
    return {
        "GLOBALEVENTID": ev.id, "SQLDATE": _ymd(start), "MonthYear": start.year * 100 + start.month if start else None,
        "Year": start.year if start else None, "FractionDate": _fraction(start),
        **_gdelt_actor("Actor1", one), **_gdelt_actor("Actor2", two),
        "EventCode": cameo or None, "EventBaseCode": cameo[:3] or None, "EventRootCode": cameo[:2] or None,
        "QuadClass": ev.quad, "GoldsteinScale": ev.goldstein, **_gdelt_reach(item.reach),
        "ActionGeo_FullName": place.name if place else None,
        "ActionGeo_CountryCode": place.country if place else None, "ActionGeo_Lat": place.lat if place else None,
        "ActionGeo_Long": place.lon if place else None,
        "ActionGeo_FeatureID": str(place.geonameid) if place and place.geonameid else None,
        "DATEADDED": _ymd(item.published), "SOURCEURL": item.url, "SL_DateSource": source,
        "SL_EventEndDate": _ymd(end), "SL_Status": ev.status, "SL_PloverEvent": plover_type(ev.type, ev.status),
        "SL_Mode": ev.mode, "SL_AttributedTo": _actor_label(ev.attributed_to.actor) if ev.attributed_to else None,
        "SL_StoryID": item.story_id, "SL_ArticleID": item.article_id, "SL_Outlet": item.outlet,
        "SL_Killed": _figure(ev.casualties.killed if ev.casualties else None),
        "SL_Wounded": _figure(ev.casualties.wounded if ev.casualties else None),
    }


def _gdelt_reach(reach: Reach | None) -> Row:
    """GDELT's counts of an event's reports, from the reach of its story."""
    return {"NumMentions": reach.mentions if reach else None, "NumSources": reach.sources if reach else None,
            "NumArticles": reach.articles if reach else None}


def _dyad(actors: tuple[Actor, ...], recipients: tuple[Actor, ...]) -> tuple[Actor | None, Actor | None]:
    """GDELT's Actor1/Actor2: the first actor and the first recipient (a meeting without a
    recipient: its first two actors)."""
    if recipients:
        return (actors[0] if actors else None), recipients[0]
    return (actors[0] if actors else None), (actors[1] if len(actors) > 1 else None)


def _gdelt_actor(prefix: str, actor: Actor | None) -> Row:
    if actor is None:
        return {f"{prefix}{k}": None for k in ("Code", "Name", "CountryCode", "Type1Code")}
    country = actor.country if actor.country and actor.country != "XXX" else ""
    code = f"{country}{actor.sector or ''}" or None
    return {f"{prefix}Code": code, f"{prefix}Name": actor.name.lstrip("~").upper(),
            f"{prefix}CountryCode": country or None, f"{prefix}Type1Code": actor.sector}


def _ymd(day: dt.date | None) -> int | None:
    return int(day.strftime("%Y%m%d")) if day else None


def _fraction(day: dt.date | None) -> float | None:
    if day is None:
        return None
    length = (dt.date(day.year + 1, 1, 1) - dt.date(day.year, 1, 1)).days
    return round(day.year + day.timetuple().tm_yday / length, 4)


# ---------------------------------------------------------------- tables
def event_row(item: StoredEvent) -> Row:
    ev, date, place, who = item.event, item.event.date, item.event.location, item.event.attributed_to
    return {
        "event_id": ev.id, "article_id": item.article_id, "published": item.published, "outlet": item.outlet,
        "url": item.url, "title": item.title, "type": ev.type, "mode": ev.mode, "cameo": ev.cameo, "quad": ev.quad,
        "plover_event": plover_type(ev.type, ev.status), "status": ev.status,
        "date_start": date.start if date else None, "date_end": date.end if date else None,
        "date_precision": date.precision if date else None, "date_text": (date.text or None) if date else None,
        "location_name": place.name if place else None, "location_country": place.country if place else None,
        "location_lat": place.lat if place else None, "location_lon": place.lon if place else None,
        "location_geonameid": place.geonameid if place else None,
        "actors": _actors(ev.actors), "recipients": _actors(ev.recipients),
        "attributed_to": _actor_label(who.actor) if who else None,
        "attributed_anonymous": who.anonymous if who else None, "evidence": ev.evidence.sentence,
        "evidence_start": ev.evidence.start, "evidence_end": ev.evidence.end, "confidence": ev.confidence,
        "story_id": item.story_id, "claim_status": item.claim_status, "change": item.change,
        "goldstein": ev.goldstein, **_count_columns(ev.casualties.killed if ev.casualties else None, "killed"),
        **_count_columns(ev.casualties.wounded if ev.casualties else None, "wounded"),
        **{f"reach_{k}": getattr(item.reach, k) if item.reach else None for k in REACH_FIELDS},
    }


REACH_FIELDS = ("articles", "outlets", "sources", "mentions")


def _count_columns(count: Count | None, role: str) -> Row:
    return {f"{role}_min": count.min if count else None, f"{role}_max": count.max if count else None}


def story_row(story: Story) -> Row:
    date, place = story.date, story.location
    return {
        "story_id": story.id, "type": story.type, "participants": _actors(story.participants),
        "location_name": place.name if place else None, "location_country": place.country if place else None,
        "date_start": date.start if date else None, "date_end": date.end if date else None,
        "status": story.status, "conflict": story.conflict, "articles": story.articles,
        "outlets": story.reach.outlets, "sources": story.reach.sources, "claims": story.n_claims,
        "first_published": story.first_published, "updated": story.updated,
    }


def _actor_label(actor: Actor) -> str:
    """`Name|ISO3|SECTOR`, as in the gold files."""
    return f"{actor.name}|{actor.country or ''}|{actor.sector or ''}"


def _actors(actors: Iterable[Actor]) -> str | None:
    return "; ".join(_actor_label(a) for a in actors) or None


# ---------------------------------------------------------------- writers
def write_jsonl(records: Iterable[Row], out: TextIO) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_delimited(rows: Iterable[Row], columns: Iterable[str], out: TextIO, delimiter: str = ",") -> int:
    """CSV (or GDELT's tab-separated table) with a header line; dates as ISO, empty for null."""
    names = list(columns)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(names)
    n = 0
    for row in rows:
        writer.writerow([_cell(row[c]) for c in names])
        n += 1
    return n


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def arrow_schema(table: str) -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "date": pa.date32()}
    return pa.schema([(name, types[kind]) for name, kind in spec().columns[table].items()])


def write_parquet(rows: Iterable[Row], table: str, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = list(rows)
    pq.write_table(pa.Table.from_pylist(data, schema=arrow_schema(table)), path)
    return len(data)


def columns(table: str) -> list[str]:
    return list(spec().columns[table])


def rows(table: str, items: Iterable[Any]) -> Iterator[Row]:
    """The rows of `table` ("events", "stories" or "gdelt") from stored events or stories."""
    makers: dict[str, Callable[[Any], Row]] = {"events": event_row, "stories": story_row, "gdelt": gdelt_row}
    make = makers[table]
    return (make(item) for item in items)


def check_plover(record: Mapping[str, Any]) -> list[str]:
    """The required PLOVER fields a record lacks (empty when it is valid)."""
    return [k for k in spec().plover["required"] if k not in record]


def choose(format: str, table: str, out: Path | None) -> None:
    """Reject impossible combinations before anything is read."""
    if format not in FORMATS:
        raise StorylineError(f"--format {format!r}: expected one of {', '.join(FORMATS)}")
    if table not in TABLES:
        raise StorylineError(f"--table {table!r}: expected one of {', '.join(TABLES)}")
    if format in ("plover", "gdelt") and table != "events":
        raise StorylineError(f"--format {format} exports events; --table stories needs csv or parquet")
    if format == "parquet" and out is None:
        raise StorylineError("--format parquet writes a file: give --out PATH")
    if out is not None and not out.parent.is_dir():
        raise fail(str(out), Problem.NO_FOLDER, folder=out.parent)


def destination(out: Path, protected: Sequence[Path] = (), force: bool = False) -> None:
    """Refuse a destination that would destroy something: one of the `protected` files (the
    store's), whatever `force` says; a folder; an existing file unless `force`."""
    if _is_one_of(out, protected):
        raise fail(str(out), Problem.OVERWRITE, detail="this is the store (or one of its files); an export never "
                   "replaces it, choose another name")
    if out.is_dir():
        raise fail(str(out), Problem.OVERWRITE, detail="is a folder, give a file name")
    if out.is_file() and not force:
        raise fail(str(out), Problem.OVERWRITE, detail="exists; give --force to replace it")


def _is_one_of(path: Path, others: Sequence[Path]) -> bool:
    """`path` names one of `others`, under any spelling (relative, symbolic or hard link)."""
    resolved = path.resolve()
    for other in others:
        if resolved == other.resolve():
            return True
        if path.exists() and other.exists() and os.path.samefile(path, other):
            return True
    return False


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary file beside `out`, synced and renamed onto `out` when the block succeeds,
    removed when it fails. A device or a pipe (/dev/stdout) is written in place: nothing is
    replaced there."""
    if out.exists() and not out.is_file():
        yield out
        return
    part = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    part.open("xb").close()  # created with the user's umask, as `out` would be
    try:
        yield part
        with part.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)


def export(engine: Any, format: str, table: str, out: Path | None, stream: TextIO,
           status: str | None = None, since: dt.date | None = None, actor: str | None = None,
           force: bool = False, protected: Sequence[Path] = ()) -> int:
    """Write the chosen export to `out` (or `stream`); the number of records written. A write
    that fails (full disk, closed pipe) is a `StorylineError` naming the destination."""
    from . import store

    choose(format, table, out)
    if out is not None:
        destination(out, protected, force)
    if table == "stories":
        items: Iterable[Any] = store.list_stories(engine, status=status, since=since, actor=actor)
    else:
        items = store.iter_stored_events(engine, status=status, since=since, actor=actor)
    try:
        if out is None:
            written = _write(format, table, items, stream)
            stream.flush()
            return written
        with replacing(out) as path:
            if format == "parquet":
                return write_parquet(rows(table, items), table, path)
            with path.open("w", encoding="utf-8", newline="") as handle:
                return _write(format, table, items, handle)
    except BrokenPipeError:
        if out is None:  # the reader stopped reading (`| head`): not a failure of the export
            raise
        raise fail(str(out), Problem.WRITE_FAILED, detail="broken pipe") from None
    except OSError as exc:
        raise fail(str(out) if out is not None else "standard output", Problem.WRITE_FAILED,
                   detail=exc.strerror or str(exc)) from None


def _write(format: str, table: str, items: Iterable[Any], handle: TextIO) -> int:
    if format == "plover":
        return write_jsonl((plover_record(i) for i in items), handle)
    if format == "gdelt":
        return write_delimited(rows("gdelt", items), columns("gdelt"), handle, delimiter="\t")
    return write_delimited(rows(table, items), columns(table), handle)
