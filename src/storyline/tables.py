"""Flat, typed Arrow tables for `storyline batch` output, and back to records for `load`.

Five tables, one Parquet file of each per partition: `articles`, `removals`, `events`,
`actors` (an event's actors and recipients, one row each) and `rejections`. Field names are
those of the JSON output (`output.result_dict`, DESIGN.md's contract); nested objects are
flattened with `_` (`date.start` → `date_start`, `location.name` → `location_name`), as in the
SQL store.
Outputs of format 1 (before the events carried `said` and `said_earlier`) still load, without
the times of their statements; outputs of formats 1 and 2 (before the events carried their
casualties, `killed_min` ..., and `goldstein`) load without casualties, their Goldstein score
taken from the CAMEO code as the store's migration does.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from .model import (
    Actor,
    Article,
    ArticleResult,
    Attribution,
    Event,
    Evidence,
    Place,
    Rejected,
    Removed,
    TimeSpan,
)
from .ontology import goldstein
from .store import article_from_row, casualties_from, casualty_columns

Row = dict[str, Any]
_S, _I, _F, _D = pa.string(), pa.int32(), pa.float64(), pa.date32()

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("id", _S), ("source", _S), ("title", _S), ("url", _S), ("outlet", _S), ("published", _D),
        ("published_source", _S), ("text", _S),
    ]),
    "removals": pa.schema([("article_id", _S), ("seq", _I), ("text", _S), ("reason", _S), ("rule", _S)]),
    "events": pa.schema([
        ("id", _S), ("article_id", _S), ("seq", _I), ("type", _S), ("mode", _S), ("cameo", _S),
        ("quad", _I), ("status", _S),
        ("date_start", _D), ("date_end", _D), ("date_precision", _S), ("date_text", _S), ("date_value", _S),
        ("location_name", _S), ("location_country", _S), ("location_lat", _F), ("location_lon", _F),
        ("location_geonameid", pa.int64()),
        ("attributed_to_name", _S), ("attributed_to_country", _S), ("attributed_to_sector", _S),
        ("attributed_to_text", _S), ("attributed_to_start", _I), ("attributed_to_end", _I),
        ("attributed_to_anonymous", pa.bool_()),
        ("evidence_sentence", _S), ("evidence_start", _I), ("evidence_end", _I), ("confidence", _F),
        ("said", _D), ("said_earlier", pa.bool_()),
        *((f"{role}_{part}", _S if part == "text" else _I) for role in ("killed", "wounded")
          for part in ("min", "max", "text", "start", "end")),
        ("goldstein", _F),
    ]),
    "actors": pa.schema([
        ("event_id", _S), ("role", _S), ("seq", _I), ("name", _S), ("country", _S), ("sector", _S),
        ("text", _S), ("start", _I), ("end", _I),
    ]),
    "rejections": pa.schema([("source", _S), ("code", _S), ("reason", _S)]),
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)
ROLES = ("actor", "recipient")


def to_tables(results: Sequence[ArticleResult], rejected: Sequence[Rejected]) -> dict[str, pa.Table]:
    """One partition's results as the five tables, rows in input order."""
    rows: dict[str, list[Row]] = {name: [] for name in TABLES}
    for result in results:
        rows["articles"].append(article_row(result.article))
        rows["removals"].extend(removal_rows(result.article))
        for seq, event in enumerate(result.events):
            rows["events"].append(event_row(result.article.id, seq, event))
            rows["actors"].extend(actor_rows(event))
    rows["rejections"] = [{"source": r.source, "code": r.code, "reason": r.reason} for r in rejected]
    return {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in TABLES}


def article_row(article: Article) -> Row:
    return {
        "id": article.id, "source": article.source, "title": article.title, "url": article.url,
        "outlet": article.outlet, "published": article.published,
        "published_source": article.published_source, "text": article.text,
    }


def removal_rows(article: Article) -> list[Row]:
    return [{"article_id": article.id, "seq": i, "text": r.text, "reason": r.reason, "rule": r.rule}
            for i, r in enumerate(article.removed)]


def event_row(article_id: str, seq: int, event: Event) -> Row:
    row: Row = {
        "id": event.id, "article_id": article_id, "seq": seq, "type": event.type, "mode": event.mode,
        "cameo": event.cameo, "quad": event.quad, "status": event.status,
        "evidence_sentence": event.evidence.sentence, "evidence_start": event.evidence.start,
        "evidence_end": event.evidence.end, "confidence": event.confidence,
        "said": event.said, "said_earlier": event.said_earlier, "goldstein": event.goldstein,
        **casualty_columns(event.casualties),
    }
    row.update(_flat("date", event.date, ("start", "end", "precision", "text", "value")))
    row.update(_flat("location", event.location, ("name", "country", "lat", "lon", "geonameid")))
    said = event.attributed_to
    row.update(_flat("attributed_to", said.actor if said else None, ("name", "country", "sector", "text", "start", "end")))
    row["attributed_to_anonymous"] = said.anonymous if said else None
    return row


def _flat(prefix: str, record: object, fields: Iterable[str]) -> Row:
    return {f"{prefix}_{name}": getattr(record, name) if record is not None else None for name in fields}


def actor_rows(event: Event) -> list[Row]:
    return [
        {"event_id": event.id, "role": role, "seq": seq, "name": a.name, "country": a.country,
         "sector": a.sector, "text": a.text, "start": a.start, "end": a.end}
        for role, people in zip(ROLES, (event.actors, event.recipients), strict=True)
        for seq, a in enumerate(people)
    ]


def rejection(row: Mapping[str, Any]) -> Rejected:
    return Rejected(source=row["source"], code=row["code"], reason=row["reason"])


def to_results(tables: Mapping[str, pa.Table]) -> list[ArticleResult]:
    """Rebuild one partition's `ArticleResult`s from its tables (the inverse of `to_tables`)."""
    removed: dict[str, list[Row]] = defaultdict(list)
    for row in tables["removals"].to_pylist():
        removed[row["article_id"]].append(row)
    people: dict[str, dict[str, list[Actor]]] = defaultdict(lambda: defaultdict(list))
    for row in sorted(tables["actors"].to_pylist(), key=lambda r: (r["event_id"], r["role"], r["seq"])):
        people[row["event_id"]][row["role"]].append(_actor(row, ""))
    events: dict[str, list[Event]] = defaultdict(list)
    for row in sorted(tables["events"].to_pylist(), key=lambda r: (r["article_id"], r["seq"])):
        events[row["article_id"]].append(_event(row, people[row["id"]]))
    return [
        ArticleResult(article_from_row(row, _removed(removed[row["id"]])), tuple(events[row["id"]]))
        for row in tables["articles"].to_pylist()
    ]


def _removed(rows: list[Row]) -> tuple[Removed, ...]:
    return tuple(Removed(r["text"], r["reason"], r["rule"] or "") for r in sorted(rows, key=lambda r: r["seq"]))


def _actor(row: Row, prefix: str) -> Actor:
    return Actor(row[f"{prefix}name"], row[f"{prefix}country"], row[f"{prefix}sector"],
                 row[f"{prefix}text"] or "", row[f"{prefix}start"], row[f"{prefix}end"])


def _event(row: Row, people: Mapping[str, list[Actor]]) -> Event:
    date = None
    if row["date_precision"] is not None:
        date = TimeSpan(row["date_start"], row["date_end"], row["date_precision"], row["date_text"] or "", row["date_value"])
    location = None
    if row["location_name"] is not None:
        location = Place(row["location_name"], row["location_country"], row["location_lat"],
                         row["location_lon"], row["location_geonameid"])
    said = None
    if row["attributed_to_name"] is not None:
        said = Attribution(_actor(row, "attributed_to_"), bool(row["attributed_to_anonymous"]))
    return Event(
        id=row["id"], type=row["type"], mode=row["mode"], cameo=row["cameo"], quad=row["quad"],
        actors=tuple(people.get("actor", ())), recipients=tuple(people.get("recipient", ())),
        status=row["status"], date=date, location=location, attributed_to=said,
        evidence=Evidence(row["evidence_sentence"], row["evidence_start"], row["evidence_end"]),
        confidence=row["confidence"], said=row.get("said"), said_earlier=bool(row.get("said_earlier")),
        casualties=casualties_from(row),
        goldstein=row["goldstein"] if "goldstein" in row else goldstein(row["cameo"]),
    )
