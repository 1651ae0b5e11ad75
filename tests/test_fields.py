"""Issue 14's event fields on real SQLite files, the real CLI and the real server: the Goldstein
score of every code of GDELT's table, casualties and Goldstein through the store (schema 4,
migrated from 3), the batch Parquet tables and the exports (the GDELT table read by pandas),
a story's reach and figures in its JSON, the CLI and the web pages, and the reach of the 2018
summit story counted again from the store's own tables.

Casualties are built here as data (`Casualties` on hand-made events, invented sentences), as
extraction fills them on another branch."""
from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import tomllib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import storyline
from conftest import ROOT, gold, run_cli
from storyline import store, stories, tables
from storyline.extract import Extractor
from storyline.extract.lexicon import Pattern
from storyline.model import (
    Actor,
    Article,
    ArticleResult,
    Attribution,
    Casualties,
    Count,
    Event,
    Evidence,
    TimeSpan,
)
from storyline.ontology import cameo_types, goldstein, goldstein_scale
from storyline.settings import db_url
from storyline.text import fold
from storyline.web.schemas import ArticleResultOut, ListedEventOut, StoryDetailOut, StoryOut
from test_stories import nk_summit, process
from web_server import running_server

TABLE = tomllib.loads((ROOT / "src" / "storyline" / "data" / "goldstein.toml").read_text("utf-8"))["scale"]


# ---------------------------------------------------------------- Goldstein
def test_the_data_file_is_gdelts_whole_table() -> None:
    assert len(TABLE) == 311 and dict(goldstein_scale()) == TABLE
    assert TABLE["0874"] == 10.0 and TABLE["011"] == -0.1 and TABLE["182"] == -9.5 and TABLE["1823"] == -10.0
    assert all(-10 <= v <= 10 for v in TABLE.values())


@pytest.mark.parametrize("code", sorted(TABLE))
def test_an_event_of_every_code_of_the_table_gets_its_value(code: str) -> None:
    """Extraction takes an event's score from its trigger pattern's CAMEO code."""
    pattern = Pattern(lemma="meet", pos="VERB", type="CONSULT", cameo=code)
    assert pattern.goldstein == goldstein(code) == TABLE[code]


def test_a_code_the_table_lacks_takes_its_parents_value() -> None:
    """CAMEO 1.1b3 lists 1213 and 1214, GDELT's table does not: they take 121's value."""
    assert goldstein("1213") == goldstein("1214") == TABLE["121"] == -4.0
    assert goldstein(None) is None and goldstein("99") is None
    assert all(goldstein(code) is not None for code in cameo_types())   # every code a trigger may carry


def test_extracted_events_carry_the_tables_value() -> None:
    text = ("The defence ministers of Norland and Sudria met in Valport on Monday. On Tuesday, rebels "
            "attacked an army convoy near the border, and hundreds of farmers protested against the new tax.")
    result = storyline.process(text, published="2024-03-06")
    assert {e.type for e in result.events} >= {"CONSULT", "ASSAULT"}, result.events
    for event in result.events:
        assert event.cameo and event.goldstein == goldstein(event.cameo), event


# ---------------------------------------------------------------- stored and exported
KILLED = Count(12, None, "at least 12 people", 60, 78)
WOUNDED = Count(24, 99, "dozens", 91, 97)
TEXT_A = ("Rebels of the Amber Front shelled the town of Karvel on Monday, killing at least 12 people and "
          "injuring dozens, police said.")
TEXT_B = "The Amber Front attack on Karvel on Monday killed 20 people, the health ministry of Norland said."
FRONT = Actor("Amber Front", "NRL", "REB", "Rebels of the Amber Front", 0, 25)
TOWN = Actor("~civilians", "NRL", "CVL", "the town of Karvel", 38, 56)


def assault(eid: str, text: str, casualties: Casualties | None, source: Attribution | None) -> Event:
    return Event(
        id=eid, type="ASSAULT", mode="heavy-weapons", cameo="190", quad=4, actors=(FRONT,), recipients=(TOWN,),
        status="occurred", date=TimeSpan(dt.date(2024, 3, 4), dt.date(2024, 3, 4), "day", "Monday"),
        location=None, attributed_to=source, evidence=Evidence(text, 0, len(text)), confidence=0.9,
        casualties=casualties, goldstein=goldstein("190"),
    )


POLICE = Attribution(Actor("police", "NRL", "COP"))
MINISTRY = Attribution(Actor("Norland health ministry", "NRL", "GOV"))
RESULTS = (
    ArticleResult(Article("a" * 32, TEXT_A, outlet="Norland Times", published=dt.date(2024, 3, 5)),
                  (assault("ev-a", TEXT_A, Casualties(KILLED, WOUNDED), POLICE),)),
    ArticleResult(Article("b" * 32, TEXT_B, outlet="Sudria Post", published=dt.date(2024, 3, 6)),
                  (assault("ev-b", TEXT_B, Casualties(Count(20, 20, "20 people", 58, 67)), MINISTRY),)),
    ArticleResult(Article("c" * 32, TEXT_B + " ", outlet="Sudria Post", published=dt.date(2024, 3, 7)),
                  (assault("ev-c", TEXT_B, None, None),)),
)


def build(db: str) -> None:
    engine = store.connect(db_url(db))
    for result in RESULTS:
        store.save_result(engine, result)
    store.link_pending(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("fields") / "store.db")
    build(path)
    return path


def the_story(db: str) -> str:
    (story,) = store.list_stories(store.connect(db_url(db), write=False))
    return story.id


def test_the_store_keeps_casualties_and_goldstein_and_stays_idempotent(db: str) -> None:
    engine = store.connect(db_url(db))
    assert [store.stored_result(engine, r.article.id) for r in RESULTS] == list(RESULTS)
    assert not any(store.save_result(engine, r) for r in RESULTS)               # re-running changes nothing
    row = sqlite3.connect(db).execute("select killed_min, killed_max, wounded_text, goldstein from events "
                                      "where id = 'ev-a'").fetchone()
    assert row == (12, None, "dozens", -10.0)


def test_reach_and_figures_of_the_story(db: str) -> None:
    engine = store.connect(db_url(db), write=False)
    story = store.load_story(engine, the_story(db))
    assert story is not None and len(story.claims) == 3
    # three articles, two outlets; sources: the police, the ministry, and the Sudria Post itself
    assert (story.reach.articles, story.reach.outlets, story.reach.sources, story.reach.mentions) == (3, 2, 3, 3)
    shown = json.loads(run_cli("story", story.id, "--db", db, "--format", "json").stdout)
    StoryDetailOut.model_validate(shown)
    assert shown["reach"] == {"articles": 3, "outlets": 2, "sources": 3, "mentions": 3}
    killed = shown["figures"]["killed"]
    assert killed["latest"]["min"] == 20 and killed["latest"]["attributed_to"]["name"] == "Norland health ministry"
    assert killed["highest"]["min"] == 20 and killed["highest"]["outlet"] == "Sudria Post"
    assert shown["figures"]["wounded"]["latest"]["text"] == "dozens"
    assert shown["figures"]["wounded"]["highest"]["attributed_to"]["name"] == "police"
    assert shown["figures"]["goldstein"] == -10.0
    assert shown["claims"][0]["casualties"]["killed"]["text"] == "at least 12 people"
    listed = [json.loads(line) for line in run_cli("stories", "--db", db, "--format", "json").stdout.splitlines()]
    assert [s["reach"] for s in listed] == [shown["reach"]] and StoryOut.model_validate(listed[0])
    table = run_cli("story", story.id, "--db", db, env={"COLUMNS": "200"}).stdout.decode()
    head = table.split("timeline")[0]
    assert "killed (highest)" in head and '20 ("20 people")' in head and "-10.00" in head
    assert "24..99" in head and "says police" in head


def test_the_highest_figure_is_the_larger_lower_bound_and_an_open_range_beats_a_closed_one() -> None:
    reports = [stories.Report(assault(f"ev-{i}", TEXT_A, Casualties(count), POLICE), f"art-{i}",
                              dt.date(2024, 3, 5 + i), "Norland Times")
               for i, count in enumerate((Count(30, 30, "30", 0, 2), Count(30, None, "at least 30", 0, 11),
                                          Count(12, 12, "12", 0, 2)))]
    (story,) = stories.build(reports)
    found = stories.figures(story)
    assert found.killed_highest is not None and found.killed_highest.count.text == "at least 30"
    assert found.killed_latest is not None and found.killed_latest.count.text == "12"
    assert found.killed_latest.article_id == "art-2" and found.wounded_latest is None
    assert found.goldstein == -10.0 and story.reach.sources == 1 and story.reach.outlets == 1


def test_gdelt_export_loads_in_pandas_with_numeric_columns(db: str) -> None:
    out = run_cli("export", "--format", "gdelt", "--db", db)
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.BytesIO(out.stdout), sep="\t", dtype_backend="numpy_nullable")
    assert str(frame["GoldsteinScale"].dtype) == "Float64"
    for column in ("NumMentions", "NumSources", "NumArticles", "SL_Killed", "SL_Wounded"):
        assert str(frame[column].dtype) == "Int64", (column, frame[column].dtype)
    rows = frame.set_index("GLOBALEVENTID")
    assert rows.loc["ev-a", "SL_Killed"] == 12 and rows.loc["ev-a", "SL_Wounded"] == 24    # lower bounds
    assert rows.loc["ev-b", "SL_Killed"] == 20 and pd.isna(rows.loc["ev-b", "SL_Wounded"])
    assert pd.isna(rows.loc["ev-c", "SL_Killed"])
    assert set(rows["GoldsteinScale"]) == {-10.0}
    assert set(rows["NumMentions"]) == {3} and set(rows["NumSources"]) == {3} and set(rows["NumArticles"]) == {3}
    plain = pd.read_csv(io.BytesIO(out.stdout), sep="\t")   # without nullable types: still numbers
    assert all(pd.api.types.is_numeric_dtype(plain[c]) for c in ("GoldsteinScale", "NumArticles", "SL_Killed"))


def test_plover_records_of_assaults_carry_dead_and_injured(db: str) -> None:
    out = run_cli("export", "--format", "plover", "--db", db)
    records = {r["id"]: r for r in map(json.loads, out.stdout.splitlines())}
    assert records["ev-a"]["dead"] == 12 and records["ev-a"]["injured"] == 24
    assert records["ev-a"]["storyline_casualties"]["killed"] == {"min": 12, "max": None, "text": "at least 12 people",
                                                                 "start": 60, "end": 78}
    assert records["ev-b"]["dead"] == 20 and "injured" not in records["ev-b"] and "dead" not in records["ev-c"]


def test_csv_and_parquet_tables_carry_the_new_columns(db: str, tmp_path: Path) -> None:
    events = tmp_path / "events.parquet"
    assert run_cli("export", "--format", "parquet", "--out", str(events), "--db", db).returncode == 0
    frame = pd.read_parquet(events).set_index("event_id")
    assert frame.loc["ev-a", "killed_min"] == 12 and frame.loc["ev-a", "wounded_max"] == 99
    assert frame.loc["ev-a", "goldstein"] == -10.0 and frame.loc["ev-c", "reach_outlets"] == 2
    stories = tmp_path / "stories.csv"
    assert run_cli("export", "--format", "csv", "--table", "stories", "--out", str(stories), "--db", db).returncode == 0
    row = pd.read_csv(stories).iloc[0]
    assert (row["articles"], row["outlets"], row["sources"], row["claims"]) == (3, 2, 3, 3)


# ---------------------------------------------------------------- schema and batch tables
def test_a_version_3_store_gets_goldstein_from_its_codes(db: str, tmp_path: Path) -> None:
    old = str(tmp_path / "v3.db")
    src = sqlite3.connect(db)
    src.backup(dst := sqlite3.connect(old))
    src.close()
    dropped = [f"{r}_{p}" for r in ("killed", "wounded") for p in ("min", "max", "text", "start", "end")]
    dst.executescript("".join(f'alter table events drop column "{c}";' for c in (*dropped, "goldstein")) + """
        alter table stories drop column outlets; alter table stories drop column sources;
        update meta set value = '3' where key = 'schema_version';
    """)
    dst.commit()
    dst.close()
    engine = store.connect(db_url(old))
    found = store.load_events(engine)
    assert [e.goldstein for e in found] == [-10.0] * 3 and all(e.casualties is None for e in found)
    (story,) = store.list_stories(engine)
    assert (story.reach.outlets, story.reach.sources) == (2, 3)
    assert sqlite3.connect(old).execute("select value from meta").fetchone()[0] == str(store.SCHEMA_VERSION)
    again = store.connect(db_url(old))          # opening it again changes nothing
    assert store.load_events(again) == found


def test_batch_tables_round_trip_and_older_formats_get_goldstein() -> None:
    parts = tables.to_tables(list(RESULTS), [])
    assert tables.to_results(parts) == list(RESULTS)
    names = [n for n in parts["events"].column_names if n == "goldstein" or n.startswith(("killed_", "wounded_"))]
    older = {**parts, "events": parts["events"].drop_columns(names)}
    back = tables.to_results(older)
    assert [e.goldstein for r in back for e in r.events] == [-10.0] * 3
    assert all(e.casualties is None for r in back for e in r.events)
    assert isinstance(parts["events"], pa.Table)


# ---------------------------------------------------------------- web
def test_web_story_list_and_page_show_reach_and_figures(tmp_path: Path) -> None:
    build(str(tmp_path / "store.db"))
    with running_server(tmp_path) as server, server.client() as client:
        page = client.get("/stories").text
        assert "<th>Outlets</th>" in page and "<th>Sources</th>" in page
        story_id = client.get("/api/stories").json()["items"][0]["id"]
        detail = client.get(f"/stories/{story_id}").text
        assert "Killed, highest report" in detail and "Wounded, latest report" in detail
        assert "Norland health ministry" in detail and "-10.00" in detail
        StoryDetailOut.model_validate(client.get(f"/api/stories/{story_id}").json())
        ArticleResultOut.model_validate(client.get(f"/api/articles/{'a' * 32}").json())
        card = client.get(f"/articles/{'a' * 32}").text
        assert 'Killed</dt><dd>12.. (&#34;at least 12 people&#34;)' in card and "Goldstein -10.0" in card
        assert 'wounded: 24..99 (&#34;dozens&#34;)' in detail
        items = client.get("/api/events").json()["items"]
        for item in items:
            ListedEventOut.model_validate(item)
        assert {i["reach"]["articles"] for i in items} == {3} and {i["goldstein"] for i in items} == {-10.0}


# ---------------------------------------------------------------- the 2018 summit
def count_from_tables(db: str, story_id: str) -> tuple[int, int]:
    """Distinct articles and outlets of a story's claims, counted in SQL from the stored rows."""
    query = ("select count(distinct a.id), count(distinct a.outlet) from claims c join events e on e.id = c.event_id "
             "join articles a on a.id = e.article_id where c.story_id = ?")
    articles, outlets = sqlite3.connect(db).execute(query, (story_id,)).fetchone()
    return articles, outlets


@pytest.mark.slow
def test_the_2018_summit_reach_equals_its_distinct_articles_and_outlets(tmp_path: Path) -> None:
    group = gold("dev/story-nk-summit-2018.json")
    db = str(tmp_path / "nk.db")
    process(db, group["articles"], Extractor(), tmp_path)
    summit = nk_summit(db)
    articles, outlets = count_from_tables(db, summit["id"])
    assert summit["reach"]["articles"] == articles == summit["articles"] == len(group["articles"])
    assert summit["reach"]["outlets"] == outlets >= 3
    assert summit["reach"]["mentions"] == len(summit["claims"])
    sources = {(fold(who["name"], ascii_only=True), who["country"] or "") if (who := c["attributed_to"])
               else ("outlet", c["outlet"] or c["article"]) for c in summit["claims"]}
    assert summit["reach"]["sources"] == len(sources) > 1
