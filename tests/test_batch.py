"""`storyline batch` and `storyline load`: a real Dask LocalCluster (2 worker processes), real
spaCy, real Parquet and a real SQLite store, on a few corpus articles, a JSONL file and a small
WARC built here with warcio (one HTML page dated in the page, one dated only by its record, an
image, a 404, and a broken record)."""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import signal
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import json_lines, run_cli, shared_path, table_rows
from storyline import batch, store, tables
from storyline.model import Actor, Article, ArticleResult, Attribution, Event, Evidence, TimeSpan
from storyline.output import result_dict
from storyline.settings import db_url

PAGE = """<!doctype html><html><head><title>{title}</title>{meta}</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>{title}</h1>
<p>The foreign ministers of France and Germany met in {city} on Tuesday to discuss new sanctions
against Russia, officials said.</p>
<p>French Foreign Minister Jean-Noel Barrot told reporters that the two countries would present
a joint proposal to the European Union next week.</p>
<p>German officials said the talks had been productive and that a further meeting was planned
in Paris in April.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""
DATED = "https://news.example.org/world/berlin-talks"
UNDATED = "https://news.example.org/world/vienna-talks"
PARTITION = 4
TOO_LONG = 1_050_000  # characters: over spaCy's nlp.max_length, so cleaning rejects it (E021)


def _response(writer: WARCWriter, uri: str, status: str, content_type: str, body: bytes, date: str) -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": date}))


def write_warc(path: Path) -> None:
    """A gzipped WARC under a name that does not say so: it must be sniffed."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "storyline tests"}))
        meta = '<meta property="article:published_time" content="2024-03-05T09:00:00Z">'
        _response(writer, DATED, "200 OK", "text/html; charset=utf-8",
                  PAGE.format(title="Ministers meet in Berlin", meta=meta, city="Berlin").encode(), "2024-03-07T10:00:00Z")
        _response(writer, UNDATED, "200 OK", "text/html",
                  PAGE.format(title="Ministers meet in Vienna", meta="", city="Vienna").encode(), "2024-03-08T10:00:00Z")
        _response(writer, "https://news.example.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64),
                  "2024-03-08T10:00:00Z")
        _response(writer, "https://news.example.org/gone", "404 Not Found", "text/html",
                  b"<html><body>Not found</body></html>", "2024-03-08T10:00:00Z")
        fh.write(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\n<html>truncated")


def write_jsonl(path: Path) -> None:
    records = [
        {"text": "Chinese President Xi Jinping met Brazilian President Luiz Inacio Lula da Silva in Beijing "
                 "on Friday. The two leaders signed a trade agreement, state media said.",
         "url": "https://example.org/xi-lula", "outlet": "Example Wire", "published": "2024-05-10"},
        {"html": "<html><body><article><p>Kenyan police arrested dozens of protesters in Nairobi on Tuesday, "
                 "the interior ministry said.</p><p>The protesters had demanded the withdrawal of a finance "
                 "bill.</p></article></body></html>", "published": "2024-06-25"},
    ]
    lines = [json.dumps(r) for r in records] + ["{not json"]
    path.write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    corpus = shared_path("corpus")
    folder = tmp_path_factory.mktemp("inputs")
    write_jsonl(folder / "wire.jsonl")
    write_warc(folder / "crawl.dat")
    (folder / "huge.txt").write_text("The minister met the ambassador in Paris. " * (TOO_LONG // 42 + 1), "utf-8")
    short = [str(corpus / f"{n}.txt") for n in ("005", "002", "025")]
    return [*short, str(corpus / "00[5].txt"), str(folder / "wire.jsonl"), str(folder / "crawl.dat"), str(folder / "huge.txt")]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def first(inputs: list[str], client: Client, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, batch.BatchSummary]:
    out = tmp_path_factory.mktemp("batch") / "out"
    summary = batch.run(inputs, batch.BatchOptions(out=out, partition_size=PARTITION), client)
    return out, summary


def read(out: Path, table: str) -> list[dict]:
    return pq.read_table(out / table).to_pylist()


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_batch_writes_every_table_per_partition(first: tuple[Path, batch.BatchSummary]) -> None:
    out, summary = first
    # 3 corpus articles + 2 JSONL + 2 WARC pages; the 4th input repeats 005 (a duplicate)
    assert (summary.articles, summary.duplicates, summary.failed_partitions) == (7, 1, 0)
    assert summary.partitions == 3 and summary.events > 10
    for name in tables.TABLES:
        found = sorted(p.name for p in (out / name).iterdir())
        assert found == [f"part-{i:05d}.parquet" for i in range(3)], name
        assert pq.read_schema(out / name / "part-00000.parquet").equals(tables.SCHEMAS[name]), name
    manifest = json.loads((out / batch.MANIFEST).read_text("utf-8"))
    assert (manifest["partitions"], manifest["articles"], manifest["events"]) == (3, 7, summary.events)


@pytest.mark.slow
def test_articles_keep_their_metadata_and_warc_dates(first: tuple[Path, batch.BatchSummary]) -> None:
    out, _ = first
    articles = {a["url"] or a["source"]: a for a in read(out, "articles")}
    assert len(articles) == 7
    dated, undated = articles[DATED], articles[UNDATED]
    assert (str(dated["published"]), dated["published_source"]) == ("2024-03-05", "htmldate")  # the page's date wins
    assert (str(undated["published"]), undated["published_source"]) == ("2024-03-08", "warc")   # else the record's
    assert "Subscribe" not in dated["text"] and "Berlin" in dated["text"]
    xi = articles["https://example.org/xi-lula"]
    assert (xi["outlet"], str(xi["published"]), xi["published_source"]) == ("Example Wire", "2024-05-10", "input")


@pytest.mark.slow
def test_events_are_flat_typed_rows_linked_to_articles_and_actors(first: tuple[Path, batch.BatchSummary]) -> None:
    out, summary = first
    events, actors = read(out, "events"), read(out, "actors")
    texts = {a["id"]: a["text"] for a in read(out, "articles")}
    assert len(events) == summary.events and {e["article_id"] for e in events} <= set(texts)
    assert len({e["id"] for e in events}) == len(events)
    assert {a["event_id"] for a in actors} <= {e["id"] for e in events}
    xi = next(a for a in read(out, "articles") if a["url"] == "https://example.org/xi-lula")
    theirs = [e for e in events if e["article_id"] == xi["id"]]
    names = {a["name"] for a in actors if a["event_id"] in {e["id"] for e in theirs}}
    assert theirs and "Xi Jinping" in names
    for event in events:  # offsets point into the cleaned text, as in the JSON contract
        assert texts[event["article_id"]][event["evidence_start"]:event["evidence_end"]] == event["evidence_sentence"]


@pytest.mark.slow
def test_every_failure_is_a_rejection_with_its_reason(first: tuple[Path, batch.BatchSummary], inputs: list[str]) -> None:
    out, summary = first
    rejected = {(r["source"].rsplit("/", 1)[-1], r["code"]): r["reason"] for r in read(out, "rejections")}
    assert summary.rejected == len(rejected) == 5
    assert ("wire.jsonl:3", "E005") in rejected                       # a line that is not JSON
    assert "image/png" in rejected[("crawl.dat:4", "E011")]            # not an HTML response
    assert "404" in rejected[("crawl.dat:5", "E011")]
    assert ("crawl.dat:6", "E012") in rejected                        # the broken record
    assert "1,000,000" in rejected[("huge.txt", "E021")]               # too long for the parser


@pytest.mark.slow
def test_a_rerun_writes_the_same_files_and_drops_stale_partitions(
    first: tuple[Path, batch.BatchSummary], inputs: list[str], client: Client,
) -> None:
    out, summary = first
    before = files(out)
    stale = out / "events" / "part-00042.parquet"
    stale.write_bytes(b"left over by a larger run")
    again = batch.run(inputs, batch.BatchOptions(out=out, partition_size=PARTITION), client)
    assert not stale.exists()
    assert files(out) == before
    assert (again.articles, again.events, again.rejected) == (summary.articles, summary.events, summary.rejected)


@pytest.mark.slow
def test_a_killed_worker_is_retried_and_nothing_is_lost(
    first: tuple[Path, batch.BatchSummary], inputs: list[str], client: Client, tmp_path: Path,
) -> None:
    out, _ = first

    class KillOnFirst:
        killed: list[int] = []

        def submitted(self, index: int) -> None:
            pass

        def completed(self, stats: batch.PartitionStats) -> None:
            if not self.killed:  # kill the other worker, which is busy with the next partition
                pids = client.run(os.getpid)
                victim = next(p for p in pids.values() if not stats.worker.endswith(f":{p}"))
                os.kill(victim, signal.SIGKILL)
                self.killed.append(victim)

        def read_all(self, partitions: int) -> None:
            pass

    again = batch.run(inputs, batch.BatchOptions(out=tmp_path / "out", partition_size=PARTITION), client, KillOnFirst())
    assert KillOnFirst.killed and again.failed_partitions == 0
    for name in tables.TABLES:
        assert read(tmp_path / "out", name) == read(out, name), name


@pytest.mark.slow
def test_load_stores_everything_once_and_links_stories(first: tuple[Path, batch.BatchSummary], db: str) -> None:
    out, summary = first
    result = run_cli("load", str(out), "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    (loaded,) = json_lines(result.stdout)
    assert (loaded["new"], loaded["known"], loaded["events"]) == (7, 0, summary.events)
    assert loaded["rejections_new"] == 5
    snapshot = table_rows(db)
    result = run_cli("load", str(out), "--db", db, "--format", "json")
    (again,) = json_lines(result.stdout)
    assert (again["new"], again["known"], again["rejections_new"]) == (0, 7, 0)
    assert table_rows(db) == snapshot
    assert len(snapshot["articles"]) == 7 and len(snapshot["events"]) == summary.events
    if "claims" in snapshot:  # story linking (store.link_pending) ran over the loaded events
        assert len(snapshot["stories"]) > 0


@pytest.mark.slow
def test_the_store_holds_what_the_parquet_says(first: tuple[Path, batch.BatchSummary], db: str) -> None:
    out, _ = first
    assert run_cli("load", str(out), "--db", db).returncode == 0
    engine = store.connect(db_url(db))
    for index in range(3):
        for result in tables.to_results(batch.read_partition(out, index)):
            stored = store.stored_result(engine, result.article.id)
            assert stored is not None and result_dict(stored) == result_dict(result)


@pytest.mark.slow
def test_the_cli_joins_a_running_cluster(client: Client, tmp_path: Path, inputs: list[str]) -> None:
    jsonl = next(p for p in inputs if p.endswith(".jsonl"))
    address = client.scheduler.address
    result = run_cli("batch", jsonl, "--out", str(tmp_path / "out"), "--scheduler", address, "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    (summary,) = json_lines(result.stdout)
    assert (summary["articles"], summary["rejected"], summary["partitions"]) == (2, 1, 1)
    assert b"dask dashboard: http" in result.stderr


@pytest.mark.slow
def test_an_article_over_the_time_limit_is_a_rejection_and_the_rest_is_done(client: Client, tmp_path: Path) -> None:
    slow = tmp_path / "slow.txt"  # 390 KB of plain sentences: tens of seconds of parsing, over 2 s
    slow.write_text("The minister met the envoy in Paris on Tuesday, officials said. " * 6000, "utf-8")
    normal = str(shared_path("corpus") / "005.txt")
    out = tmp_path / "out"
    result = run_cli("batch", str(slow), normal, "--out", str(out), "--scheduler", client.scheduler.address,
                     "--time-limit", "2", "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    (summary,) = json_lines(result.stdout)
    assert (summary["articles"], summary["rejected"], summary["failed_partitions"]) == (1, 1, 0)
    (rejected,) = read(out, "rejections")
    assert (rejected["source"], rejected["code"]) == (str(slow), "E020")
    assert "stopped after 2 s" in rejected["reason"]


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:9", "--workers", "2"], b"not both"),
    (["--scheduler", "tcp://127.0.0.1:9"], b"cannot reach the Dask scheduler"),
])
def test_bad_cluster_options_are_one_line_errors(tmp_path: Path, args: list[str], message: bytes) -> None:
    result = run_cli("batch", str(tmp_path), "--out", str(tmp_path / "out"), *args)
    assert result.returncode == 2 and message in result.stderr
    assert b"Traceback" not in result.stderr


def test_load_refuses_a_folder_that_is_no_batch_output(tmp_path: Path, db: str) -> None:
    result = run_cli("load", str(tmp_path), "--db", db)
    assert result.returncode == 2 and b"not a `storyline batch` output" in result.stderr


def test_the_time_of_a_statement_round_trips_and_format_1_outputs_still_load() -> None:
    """`said` and `said_earlier` are typed columns of the events table; an output written before
    they existed (format 1) loads with no statement times rather than failing."""
    people = (Actor("Ana Example", "ESP", "GOV", "Ana Example", 0, 11), Actor("Ben Example", "PRT", "GOV", "Ben Example", 16, 27))
    event = Event(id="e1", type="CONSULT", mode=None, cameo="040", quad=1, actors=people[:1], recipients=people[1:],
                  status="occurred", date=TimeSpan(dt.date(2024, 5, 8), dt.date(2024, 5, 8), "day", "Wednesday", "2024-05-08"),
                  location=None, attributed_to=Attribution(people[0]), evidence=Evidence("Ana Example met Ben Example.", 0, 28),
                  confidence=0.9, said=dt.date(2024, 5, 9), said_earlier=True)
    article = Article(id="a1", text="Ana Example met Ben Example.", source="t.txt", published=dt.date(2024, 5, 10))
    written = tables.to_tables([ArticleResult(article, (event,))], [])
    assert written["events"].schema.field("said").type == pa.date32()
    assert written["events"].schema.field("said_earlier").type == pa.bool_()
    assert tables.to_results(written) == [ArticleResult(article, (event,))]
    old = {**written, "events": written["events"].drop_columns(["said", "said_earlier"])}
    (loaded,) = tables.to_results(old)
    assert loaded.events == (replace(event, said=None, said_earlier=False),)


@pytest.mark.slow
def test_hostile_records_are_rejections_or_articles_never_a_stopped_batch(client: Client, tmp_path: Path) -> None:
    """A lone surrogate, a number over 4,300 digits and a date in year 9999 in JSONL; a WARC
    record dated 9999 (its date is dropped, the page stays an article)."""
    jsonl = tmp_path / "odd.jsonl"
    jsonl.write_text(
        '{"text": "The foreign ministers of Chile and Peru met in Lima on Tuesday, officials said. \\ud800"}\n'
        '{"text": "The prime ministers of Spain and Portugal met in Madrid on Monday.", "views": %s}\n'
        '{"text": "The presidents of Ghana and Togo met in Accra on Friday.", "published": "9999-12-31"}\n'
        % ("9" * 5000), "utf-8")
    with (tmp_path / "far.warc").open("wb") as fh:
        _response(WARCWriter(fh, gzip=False), UNDATED, "200 OK", "text/html",
                  PAGE.format(title="Ministers meet in Vienna", meta="", city="Vienna").encode(), "9999-12-31T10:00:00Z")
    out = tmp_path / "out"
    result = run_cli("batch", str(jsonl), str(tmp_path / "far.warc"), "--out", str(out), "--scheduler",
                     client.scheduler.address, "--format", "json")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    (summary,) = json_lines(result.stdout)
    assert (summary["articles"], summary["rejected"]) == (3, 1)
    assert [r["code"] for r in read(out, "rejections")] == ["E013"]
    articles = read(out, "articles")
    assert [a["published"] for a in articles if a["url"] == UNDATED] == [None]
    assert any(a["text"].endswith("Lima on Tuesday, officials said. \ufffd") for a in articles)
