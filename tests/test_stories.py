"""Stories on real SQLite files with the real model: the seed's Budapest summit and the Rubio–Lavrov
meeting, the 2018 Trump–Kim summit across eight articles, order independence, incremental
linking, the Syria and Skripal groups, the CLI, and the schema migration."""
from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import SEED, gold, json_lines, run_cli, shared_path
from storyline import pipeline, store, stories
from storyline.extract import Extractor
from storyline.model import Actor, Attribution, Event, Evidence, TimeSpan
from storyline.output import story_dict
from storyline.settings import Settings, db_url

NK = ("001", "002", "003", "004", "005", "006", "007", "008")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def corpus_index() -> dict[str, dict]:
    lines = shared_path("corpus", "index.jsonl").read_text("utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def corpus_input(folder: Path, name: str) -> Path:
    """A corpus article as a one-line JSONL input with its outlet, URL and publication date."""
    meta = corpus_index()[name]
    path = folder / f"{name}.jsonl"
    record = {"text": shared_path("corpus", f"{name}.txt").read_text("utf-8"), "url": meta["url"],
              "outlet": meta["outlet"], "published": meta["published"]}
    path.write_text(json.dumps(record) + "\n", "utf-8")
    return path


def process(db: str, names: Iterable[str], extractor: Extractor, folder: Path, link_every: int = 1) -> None:
    """Each article in its own run, in the order given ("seed" is the bundled example)."""
    settings = Settings(db=db_url(db))
    for name in names:
        if name == "seed":
            pipeline.run([str(SEED)], settings, published=dt.date(2025, 10, 21), extractor=extractor, link_every=link_every)
        else:
            pipeline.run([str(corpus_input(folder, name))], settings, extractor=extractor, link_every=link_every)


def snapshot(db: str) -> list[dict]:
    """Every story with its claims, as `storyline story ID --format json` prints it."""
    engine = store.connect(db_url(db))
    found = [store.load_story(engine, s.id) for s in store.list_stories(engine)]
    return sorted((story_dict(s, claims=True) for s in found if s is not None), key=lambda d: d["id"])


def names(story: dict) -> set[str]:
    return {p["name"] for p in story["participants"]}


def says(claim: dict) -> str | None:
    return claim["attributed_to"]["name"] if claim["attributed_to"] else None


def collapse(values: Sequence[str]) -> list[str]:
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def is_subsequence(wanted: Sequence[str], seen: Sequence[str]) -> bool:
    it = iter(seen)
    return all(any(w == s for s in it) for w in wanted)


@pytest.fixture(scope="module")
def nk_db(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> str:
    """The seed and articles 001–008, each processed with its publication date, in that order."""
    folder = tmp_path_factory.mktemp("nk")
    db = str(folder / "store.db")
    process(db, ("seed", *NK), extractor, folder)
    return db


# ---------------------------------------------------------------- the seed
def test_seed_budapest_summit_is_one_story_planned_then_cancelled(nk_db: str) -> None:
    everything = snapshot(nk_db)
    summits = [s for s in everything if names(s) == {"Donald Trump", "Vladimir Putin"}
               and any(c["location"] and c["location"]["name"] == "Budapest" for c in s["claims"])]
    assert len(summits) == 1, [s["id"] for s in summits]
    (summit,) = summits
    claims = summit["claims"]
    statuses = [c["status"] for c in claims]
    assert collapse(statuses) == ["planned", "cancelled"], statuses
    assert says(claims[0]) == "Donald Trump" and claims[0]["change"] == "announced"
    assert claims[0]["earlier"] and not claims[0]["conflict"]      # "days after Trump said ..."
    called_off = next(c for c in claims if c["status"] == "cancelled")
    assert called_off["change"] == "called off" and called_off["attributed_to"]["anonymous"]
    assert called_off["attributed_to"]["country"] == "USA" and called_off["said"] == "2025-10-21"
    kremlin = [c for c in claims if says(c) == "Kremlin"]
    assert len(kremlin) == 1 and "precise timeframe" in kremlin[0]["evidence"]["sentence"]
    assert kremlin[0]["conflict"] and called_off["conflict"]       # said the same Tuesday, side by side
    assert summit["status"] == "cancelled" and summit["conflict"] and summit["type"] == "CONSULT"
    assert summit["location"]["country"] == "HUN"
    # the phone call of October 16 and the August meeting in Alaska are other happenings
    assert "occurred" not in statuses
    held = [s for s in everything if names(s) == {"Donald Trump", "Vladimir Putin"} and s["status"] == "occurred"]
    assert {c["date"]["start"] for s in held for c in s["claims"] if c["date"]} >= {"2025-08-01", "2025-10-16"}


def test_seed_rubio_lavrov_meeting_is_its_own_story_apart_from_their_call(nk_db: str) -> None:
    pair = [s for s in snapshot(nk_db) if names(s) == {"Marco Rubio", "Sergei Lavrov"}]
    meeting = [s for s in pair if s["status"] != "occurred"]
    assert len(meeting) == 1, pair
    claims = meeting[0]["claims"]
    assert [c["status"] for c in claims] == ["planned", "cancelled"]
    assert says(claims[0]) == "Donald Trump" and claims[1]["attributed_to"]["anonymous"]
    assert claims[1]["change"] == "called off" and meeting[0]["status"] == "cancelled"
    assert claims[0]["earlier"] and not meeting[0]["conflict"]     # "after Trump said that ...": a change
    call = [s for s in pair if s["status"] == "occurred"]
    assert len(call) == 1 and call[0]["date"]["start"] == "2025-10-20"
    assert all(c["status"] == "occurred" for c in call[0]["claims"])


# ---------------------------------------------------------------- the 2018 Trump–Kim summit
def nk_summit(db: str) -> dict:
    pairs = [s for s in snapshot(db) if names(s) == {"Donald Trump", "Kim Jong Un"} and s["type"] == "CONSULT"]
    return max(pairs, key=lambda s: (s["articles"], len(s["claims"])))


def test_nk_summit_history_across_eight_articles(nk_db: str) -> None:
    expected = gold("dev/story-nk-summit-2018.json")
    summit = nk_summit(nk_db)
    index = corpus_index()
    published = {index[n]["published"]: n for n in NK}
    history = [(h["published"], h["status"]) for h in summit["history"]]
    assert [p for p, _ in history] == sorted(p for p, _ in history)          # publication order
    assert summit["articles"] == len(expected["articles"]) == 8
    assert {published[p] for p, _ in history} == set(NK)
    statuses = [s for _, s in history]
    assert is_subsequence(["planned", "cancelled", "planned", "occurred"], collapse(statuses)), history
    agree = sum(expected["status_by_article"][published[p]] == s for p, s in history)
    assert agree >= 6, history                                              # measured 7 of 8 (003 differs)
    assert summit["status"] == "occurred" and summit["location"]["name"] == "Singapore"
    assert summit["location"]["country"] == expected["location"]["country"]
    assert summit["date"]["start"] == summit["date"]["end"] == "2018-06-12"
    changes = [c["change"] for c in summit["claims"] if c["change"]]
    assert {"announced", "called off", "revived", "held"} <= set(changes), changes
    first_held = next(c for c in summit["claims"] if c["change"] == "held")
    assert first_held["published"] == "2018-06-12" and first_held["location"]["name"] == "Singapore"


def test_claims_are_ordered_by_publication_then_time_of_statement(nk_db: str) -> None:
    summit = nk_summit(nk_db)
    keys = [(c["published"], c["said"] or c["published"]) for c in summit["claims"]]
    assert keys == sorted(keys)
    said_earlier = [c for c in summit["claims"] if c["said"] and c["said"] < c["published"]]
    assert said_earlier, "no statement dated before its article (e.g. 'Trump on Tuesday declared')"


# ---------------------------------------------------------------- order independence
@pytest.mark.slow
def test_any_order_or_twice_gives_the_same_stories(nk_db: str, tmp_path: Path, extractor: Extractor) -> None:
    articles = ("seed", *NK)
    reverse = str(tmp_path / "reverse.db")
    process(reverse, reversed(articles), extractor, tmp_path)
    shuffled = str(tmp_path / "shuffled.db")
    order = list(articles)
    random.Random(4).shuffle(order)
    process(shuffled, order + order[:4], extractor, tmp_path, link_every=3)   # some twice, linked in rounds
    reference = snapshot(nk_db)
    assert len(reference) > 100
    assert snapshot(reverse) == reference
    assert snapshot(shuffled) == reference
    tables = "select * from stories order by id", "select * from claims order by event_id"
    for query in tables:
        rows = [sqlite3.connect(path).execute(query).fetchall() for path in (nk_db, reverse, shuffled)]
        assert rows[0] == rows[1] == rows[2]


def test_build_is_a_function_of_the_set_of_reports(nk_db: str) -> None:
    engine = store.connect(db_url(nk_db))
    with engine.connect() as conn:
        bucket = conn.execute(sqlite_biggest_bucket()).scalar()
        reports = store._bucket_reports(conn, bucket)
    assert len(reports) >= 20
    reference = stories.build(reports)
    for seed in range(5):
        shuffled = list(reports)
        random.Random(seed).shuffle(shuffled)
        assert stories.build(shuffled) == reference


def sqlite_biggest_bucket():  # noqa: ANN201  (an SQLAlchemy select)
    from sqlalchemy import func, select

    return select(store.claims.c.bucket).group_by(store.claims.c.bucket).order_by(func.count().desc()).limit(1)


def test_a_new_article_only_rebuilds_the_stories_of_its_own_participants(tmp_path: Path, extractor: Extractor) -> None:
    db = str(tmp_path / "store.db")
    process(db, ("seed", "002"), extractor, tmp_path)
    con = sqlite3.connect(db)
    before = {row[0]: row for row in con.execute("select * from stories")}
    process(db, ("007",), extractor, tmp_path)
    after = {row[0]: row for row in con.execute("select * from stories")}
    article = con.execute("select id from articles where url like '%csmonitor%'").fetchone()[0]
    touched = {b for (b,) in con.execute(
        "select distinct c.bucket from claims c join events e on e.id = c.event_id where e.article_id = ?", (article,))}
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    buckets = {row[1] for k in changed for row in (before.get(k), after.get(k)) if row}
    assert changed and buckets <= touched
    assert con.execute("select count(*) from claims where story_id is null").fetchone()[0] == 0
    summit = nk_summit(db)
    assert summit["articles"] == 2 and [h["status"] for h in summit["history"]] == ["planned", "occurred"]


# ---------------------------------------------------------------- the other two story groups
def test_syria_deal_and_ceasefire(tmp_path: Path, extractor: Extractor) -> None:
    db = str(tmp_path / "store.db")
    process(db, ("012", "013"), extractor, tmp_path)
    everything = snapshot(db)
    deal = [s for s in everything if names(s) == {"United States", "Russia"} and s["type"] == "AGREE"]
    assert len(deal) == 1 and deal[0]["articles"] == 2 and deal[0]["status"] == "occurred"
    truce = [s for s in everything if s["type"] == "RETREAT" and "Syria" in names(s)
             and any(p["sector"] == "REB" for p in s["participants"])]
    assert truce and truce[0]["date"]["start"] == "2016-09-12"
    assert truce[0]["claims"][0]["status"] == "planned" and truce[0]["claims"][0]["published"] == "2016-09-10"


def test_skripal_expulsions_link_across_outlets(tmp_path: Path, extractor: Extractor) -> None:
    db = str(tmp_path / "store.db")
    process(db, ("024", "025", "026"), extractor, tmp_path)
    everything = snapshot(db)
    uk = [s for s in everything if s["type"] == "SANCTION" and {"United Kingdom", "~diplomats"} <= names(s)]
    assert uk and max(s["articles"] for s in uk) >= 2
    russia = [s for s in everything if s["type"] == "SANCTION" and {"Russia", "~diplomats"} <= names(s)
              and any(p["country"] == "GBR" for p in s["participants"])]
    assert russia and russia[0]["claims"][0]["status"] == "planned"


# ---------------------------------------------------------------- CLI
def test_stories_cli_json_filters_and_errors(nk_db: str) -> None:
    result = run_cli("stories", "--actor", "Kim Jong Un", "--format", "json", "--db", nk_db)
    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stdout)
    assert lines and all(set(line) >= {"id", "type", "participants", "location", "status", "conflict", "articles"}
                         for line in lines)
    assert all(any(p["name"] == "Kim Jong Un" for p in line["participants"]) for line in lines)
    assert all(set(p) == {"name", "country", "sector"} for line in lines for p in line["participants"])
    assert lines[0]["articles"] == 8 and lines[0]["status"] == "occurred"       # latest, most articles first
    cancelled = json_lines(run_cli("stories", "--status", "cancelled", "--since", "2025-01-01", "--format", "json",
                                   "--db", nk_db).stdout)
    assert cancelled and {s["status"] for s in cancelled} == {"cancelled"}
    assert all(s["updated"] >= "2025-01-01" for s in cancelled)
    by_country = json_lines(run_cli("stories", "--actor", "PRK", "--format", "json", "--db", nk_db).stdout)
    assert len(by_country) > len(lines)
    bad = run_cli("stories", "--status", "maybe", "--db", nk_db)
    assert bad.returncode != 0 and bad.stderr.decode().startswith("storyline: error: --status 'maybe'")
    assert b"Traceback" not in bad.stderr


def test_story_cli_prints_the_timeline(nk_db: str) -> None:
    summit = nk_summit(nk_db)
    result = run_cli("story", summit["id"][:8], "--format", "json", "--db", nk_db)
    assert result.returncode == 0, result.stderr
    (shown,) = json_lines(result.stdout)
    assert shown == summit
    assert shown["title"] in {f"{pair} meeting in Singapore, 12 Jun 2018 — held" for pair in ("Trump–Kim", "Kim–Trump")}
    for claim in shown["claims"]:
        assert set(claim) >= {"published", "status", "date", "location", "attributed_to", "article", "outlet", "evidence"}
    assert {c["outlet"] for c in shown["claims"]} >= {"Politico", "Reuters", "Fox News"}
    table = run_cli("story", summit["id"], "--db", nk_db, env={"COLUMNS": "250"})
    text = table.stdout.decode()
    assert table.returncode == 0 and "timeline" in text and "called off" in text and "Singapore" in text
    assert "Politico" in text and "2018-05-24" in text
    missing = run_cli("story", "ffffffff", "--db", nk_db)
    assert missing.returncode != 0 and b"not in the store" in missing.stderr
    listed = run_cli("stories", "--actor", "Kim", "--db", nk_db, "--limit", "3", env={"COLUMNS": "250"})
    assert listed.returncode == 0 and summit["id"] in listed.stdout.decode()
    assert "meeting in Singapore, 12 Jun 2018 — held" in listed.stdout.decode()


# ---------------------------------------------------------------- schema
def test_a_version_1_store_is_migrated_and_its_stories_rebuilt(nk_db: str, tmp_path: Path) -> None:
    db = str(tmp_path / "old.db")
    src = sqlite3.connect(nk_db)
    src.backup(dst := sqlite3.connect(db))
    src.close()
    dst.executescript("""
        drop table claims; drop table stories;
        create table stories (id varchar(40) primary key, type varchar(16) not null, participants json not null,
                              location json, status varchar(16) not null, conflict integer not null, updated date);
        update meta set value = '1' where key = 'schema_version';
    """)
    dst.commit()
    dst.close()
    assert snapshot(db) == snapshot(nk_db)
    version = sqlite3.connect(db).execute("select value from meta where key='schema_version'").fetchone()[0]
    assert version == str(store.SCHEMA_VERSION)


def test_a_version_4_store_is_relinked_into_the_buckets_of_version_5(nk_db: str, tmp_path: Path) -> None:
    """Version 5 buckets claims by event family too: a store linked by version 4's buckets
    (here: every claim in one stale bucket) is relinked on upgrade, to the stories of a new store."""
    db = str(tmp_path / "v4.db")
    src = sqlite3.connect(nk_db)
    src.backup(dst := sqlite3.connect(db))
    src.close()
    dst.executescript("update claims set bucket = 'stale'; update meta set value = '4' where key = 'schema_version';")
    dst.commit()
    dst.close()
    assert snapshot(db) == snapshot(nk_db)
    again = sqlite3.connect(db)
    assert again.execute("select value from meta where key='schema_version'").fetchone()[0] == str(store.SCHEMA_VERSION)
    assert again.execute("select count(*) from claims where bucket = 'stale'").fetchone()[0] == 0


def test_a_version_2_store_keeps_its_statement_times(nk_db: str, tmp_path: Path) -> None:
    """Version 2 kept the time of a statement with the claims; version 3 keeps it with the
    event: the upgrade moves it, so the stories stay as they were without extracting again."""
    db = str(tmp_path / "v2.db")
    src = sqlite3.connect(nk_db)
    src.backup(dst := sqlite3.connect(db))
    src.close()
    dst.executescript("""
        alter table claims add column said date;
        alter table claims add column earlier integer not null default 0;
        update claims set said = (select said from events where events.id = claims.event_id),
                          earlier = (select said_earlier from events where events.id = claims.event_id);
        alter table events drop column said;
        alter table events drop column said_earlier;
        update meta set value = '2' where key = 'schema_version';
    """)
    dst.commit()
    assert dst.execute("select count(*) from claims where said is not null").fetchone()[0] > 0
    dst.close()
    assert snapshot(db) == snapshot(nk_db)
    again = sqlite3.connect(db)
    assert again.execute("select value from meta where key='schema_version'").fetchone()[0] == str(store.SCHEMA_VERSION)
    assert "said" not in {row[1] for row in again.execute("pragma table_info(claims)")}


# ---------------------------------------------------------------- rules, on hand-built records
def make_event(eid: str, kind: str, status: str, people: Sequence[tuple[str, str]], mode: str | None = None,
               day: dt.date | None = None, source: Actor | None = None) -> Event:
    actors = tuple(Actor(name, country, "GOV") for name, country in people)
    date = TimeSpan(day, day, "day", text="June 12") if day else None
    return Event(id=eid, type=kind, mode=mode, cameo="036" if kind == "AGREE" else "040", quad=1, actors=actors[:1],
                 recipients=actors[1:], status=status, date=date, location=None,
                 attributed_to=Attribution(source) if source else None, evidence=Evidence("...", 0, 3))


def report(event: Event, published: str, article: str = "a") -> stories.Report:
    return stories.Report(event, article, dt.date.fromisoformat(published))


def test_an_agreed_future_meeting_joins_the_meeting_and_a_call_stays_apart() -> None:
    pair = (("Donald Trump", "USA"), ("Kim Jong Un", "PRK"))
    agree = report(make_event("e1", "AGREE", "planned", pair), "2018-03-11", "a1")
    meeting = report(make_event("e2", "CONSULT", "occurred", pair, day=dt.date(2018, 6, 12)), "2018-06-13", "a2")
    call = report(make_event("e3", "CONSULT", "occurred", pair, mode="phone"), "2018-06-20", "a3")
    keys = {stories.bucket_key(r.event) for r in (agree, meeting, call)}
    assert len(keys) == 1                                                  # same participants, one bucket
    built = stories.build([call, meeting, agree])
    assert [[c.event_id for c in s.claims] for s in built if s.n_claims > 1] == [["e1", "e2"]]
    (summit,) = [s for s in built if s.n_claims > 1]
    assert [c.change for c in summit.claims] == ["announced", "held"] and summit.type == "CONSULT"
    alone = stories.build([agree])                                         # no meeting on record: a deal
    assert alone[0].type == "AGREE" and stories.family("AGREE") == "deal"


def test_a_plan_made_after_a_held_meeting_is_a_new_story() -> None:
    pair = (("Donald Trump", "USA"), ("Vladimir Putin", "RUS"))
    held = report(make_event("h", "CONSULT", "occurred", pair, day=dt.date(2025, 8, 15)), "2025-08-16", "a1")
    plan = report(make_event("p", "CONSULT", "planned", pair), "2025-10-16", "a2")
    off = report(make_event("c", "CONSULT", "cancelled", pair), "2025-10-21", "a3")
    built = stories.build([off, plan, held])
    assert sorted([c.event_id for c in s.claims] for s in built) == [["h"], ["p", "c"]]
    assert stories.build([held, plan, off]) == built


def test_claims_are_ordered_by_the_statement_time_the_event_carries() -> None:
    """The time of a statement comes with the event (extraction reads it from the text): a
    statement dated Tuesday comes before the article's other claims, one put before the
    article's present ("days after X said") next, whatever the lifecycle of their statuses."""
    pair = (("Donald Trump", "USA"), ("Vladimir Putin", "RUS"))
    tuesday = replace(make_event("a", "CONSULT", "cancelled", pair), said=dt.date(2025, 10, 21))
    earlier = replace(make_event("b", "CONSULT", "cancelled", pair), said_earlier=True)
    now = make_event("c", "CONSULT", "planned", pair)
    (built,) = stories.build([report(e, "2025-10-23") for e in (now, earlier, tuesday)])
    assert [(c.event_id, c.said, c.earlier) for c in built.claims] == [
        ("a", dt.date(2025, 10, 21), False), ("b", None, True), ("c", None, False)]
    (plain,) = stories.build([report(replace(e, said=None, said_earlier=False), "2025-10-23") for e in (now, earlier, tuesday)])
    assert [c.event_id for c in plain.claims] == ["c", "a", "b"]        # then: plan before cancellation


def test_linking_and_the_store_import_no_nlp() -> None:
    """Story linking and the store read what extraction stored; they never load spaCy or the
    extraction stage (a fresh interpreter, so nothing else imported them first)."""
    code = ("import sys, storyline.store, storyline.stories; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'spacy' or m.startswith('storyline.extract')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_linking_never_overflows_whatever_the_dates() -> None:
    pair = (("Donald Trump", "USA"), ("Vladimir Putin", "RUS"))
    edges = [dt.date.min, dt.date(1, 1, 2), dt.date(1900, 1, 1), dt.date(9999, 12, 30), dt.date.max]
    reports = []
    for i, day in enumerate(edges):
        for status in ("occurred", "planned", "cancelled", "denied"):
            event = make_event(f"e{i}{status}", "CONSULT", status, pair, day=day)
            reports.append(stories.Report(replace(event, said=day), f"a{i}", day))
            reports.append(stories.Report(replace(event, id=f"u{i}{status}", date=None), f"b{i}", day))
            reports.append(stories.Report(replace(event, id=f"n{i}{status}"), f"c{i}", None))
    built = stories.build(reports)
    assert sum(s.n_claims for s in built) == len(reports)
    assert stories.build(list(reversed(reports))) == built


CALL = ("Putin spoke by telephone on Thursday with Trump, the Kremlin said.",
        "Trump spoke by telephone on Thursday with Putin, the White House said.")


def _legacy_articles(extractor: Extractor, published: dt.date, texts: Sequence[str] = CALL) -> list:
    """Two reports of one call analysed with `published` (a store written before the date
    bound may hold dates no input may carry any more)."""
    from storyline.ingest import make_document

    return [pipeline.analyse(make_document(f"<old {i}>", t, "text"), published, extractor) for i, t in enumerate(texts)]


def _pending(db: str) -> int:
    return sqlite3.connect(db).execute("select count(*) from claims where story_id is null").fetchone()[0]


@pytest.mark.slow
def test_a_store_holding_year_9999_dates_still_links_and_every_later_run_works(
        tmp_path: Path, extractor: Extractor) -> None:
    db = str(tmp_path / "store.db")
    engine = store.connect(db_url(db))
    for result in _legacy_articles(extractor, dt.date(9999, 12, 31)):
        store.save_result(engine, result)
    assert _pending(db) > 0
    later = run_cli("process", str(SEED), "--published", "2025-10-21", "--db", db)
    assert later.returncode == 0, later.stderr.decode()[-2000:]
    assert _pending(db) == 0
    (call,) = [s for s in snapshot(db) if len({c["article"] for c in s["claims"]}) == 2]
    assert {c["published"] for c in call["claims"]} == {"9999-12-31"}


@pytest.mark.slow
def test_a_bucket_that_cannot_be_linked_never_stops_later_runs(tmp_path: Path, extractor: Extractor) -> None:
    db = str(tmp_path / "store.db")
    engine = store.connect(db_url(db))
    texts = ("Macron spoke by telephone on Thursday with Scholz, the Elysee said.",
             "Scholz spoke by telephone on Thursday with Macron, the chancellery said.")
    old = _legacy_articles(extractor, dt.date(2025, 10, 16), texts)
    for result in old:
        store.save_result(engine, result)
    con = sqlite3.connect(db)
    con.execute("update events set date_start = 'the day after never'")  # a row no reader can parse
    con.commit()
    broken = sum(len(r.events) for r in old)
    later = run_cli("process", str(SEED), "--published", "2025-10-21", "--db", db)
    assert later.returncode == 0 and b"Traceback" not in later.stderr, later.stderr.decode()[-2000:]
    assert b"not linked" in later.stderr
    assert broken > 0 and _pending(db) == broken  # the seed is linked; the broken bucket waits
    con.execute("update events set date_start = null where date_start = 'the day after never'")
    con.commit()
    again = run_cli("process", str(SEED), "--published", "2025-10-21", "--db", db)
    assert again.returncode == 0 and _pending(db) == 0
