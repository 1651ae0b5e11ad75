"""Exports through the real CLI on a real store: PLOVER JSONL, the GDELT-style table, CSV and
Parquet of events and stories, filters, errors, and the README's column documentation."""
from __future__ import annotations

import csv
import io
import json
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import ROOT, coded_error, run_cli, table_rows
from storyline import export, store
from storyline.extract import Extractor
from storyline.model import STATUSES
from storyline.settings import db_url
from test_stories import process

PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("export")
    path = str(folder / "store.db")
    process(path, ("seed", "002", "004", "007"), Extractor(), folder)
    return path


def count(db: str, query: str) -> int:
    return sqlite3.connect(db).execute(query).fetchone()[0]


def test_plover_jsonl_has_the_required_fields_on_every_line(db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    result = run_cli("export", "--format", "plover", "--out", str(out), "--db", db)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == count(db, "select count(*) from events") > 40
    for record in records:
        assert not export.check_plover(record), record
        assert record["id"] and record["date"] and isinstance(record["source"], list)
        assert len(record["event"]) == 1 and record["event"][0] in PLOVER_TYPES
        assert record["storyline_status"] in STATUSES and record["link"]
        assert all(set(a) <= {"code", "sector", "actor_text", "identifier_text"} for a in record["source"])
    planned = [r for r in records if r["storyline_event"] == "CONSULT" and r["storyline_status"] == "planned"]
    assert planned and all(r["event"] == ["AGREE"] and r["quad_code"] == 1 for r in planned)
    held = [r for r in records if r["storyline_event"] == "CONSULT" and r["storyline_status"] == "occurred"]
    assert held and all(r["event"] == ["CONSULT"] for r in held)
    singapore = [r for r in records if r.get("event_loc", {}).get("name") == "Singapore"]
    assert singapore and all(r["event_loc"]["cc3"] == "SGP" for r in singapore)
    with_url = [r for r in records if "url" in r["cite_info"]]
    assert {r["cite_info"]["publication"] for r in with_url} == {"Fox News", "Politico", "The Christian Science Monitor"}
    links = dict(sqlite3.connect(db).execute("select event_id, story_id from claims"))
    assert all(links[r["id"]] == r["link"] for r in records)


def test_gdelt_table_has_the_documented_columns(db: str) -> None:
    result = run_cli("export", "--format", "gdelt", "--db", db)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8")), delimiter="\t"))
    header = result.stdout.decode("utf-8").splitlines()[0].split("\t")
    assert header == export.columns("gdelt")
    readme = (ROOT / "README.md").read_text("utf-8")
    assert all(f"`{name}`" in readme for name in header), [n for n in header if f"`{n}`" not in readme]
    assert len(rows) == count(db, "select count(*) from events")
    for row in rows:
        assert row["EventRootCode"] == row["EventCode"][:2] and row["QuadClass"] in {"1", "2", "3", "4"}
        assert len(row["SQLDATE"]) == 8 and row["MonthYear"] == row["SQLDATE"][:6]
    held = [r for r in rows if r["SOURCEURL"].startswith("https://www.csmonitor.com") and r["SL_Status"] == "occurred"
            and r["EventCode"].startswith("04") and r["ActionGeo_FullName"] == "Singapore"]
    assert held and held[0]["SQLDATE"] == "20180612" and held[0]["SL_DateSource"] == "event"
    assert {held[0]["Actor1CountryCode"], held[0]["Actor2CountryCode"]} == {"USA", "PRK"}


def test_csv_of_events_and_stories(db: str, tmp_path: Path) -> None:
    for table, query in (("events", "select count(*) from events"), ("stories", "select count(*) from stories")):
        out = tmp_path / f"{table}.csv"
        result = run_cli("export", "--format", "csv", "--table", table, "--out", str(out), "--db", db)
        assert result.returncode == 0, result.stderr
        with out.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
        assert reader.fieldnames == export.columns(table) and len(rows) == count(db, query)
    budapest = [r for r in rows if r["location_name"] == "Budapest"]
    assert budapest and budapest[0]["status"] == "cancelled" and budapest[0]["conflict"] == "True"


def test_parquet_reads_back_into_the_same_rows(db: str, tmp_path: Path) -> None:
    engine = store.connect(db_url(db))
    expected = {
        "events": list(export.rows("events", store.iter_stored_events(engine))),
        "stories": list(export.rows("stories", store.list_stories(engine))),
    }
    for table, rows in expected.items():
        out = tmp_path / f"{table}.parquet"
        result = run_cli("export", "--format", "parquet", "--table", table, "--out", str(out), "--db", db)
        assert result.returncode == 0, result.stderr
        read = pq.read_table(out)
        assert read.schema == export.arrow_schema(table)
        assert read.to_pylist() == rows and len(rows) > 10


def test_filters_select_what_they_name(db: str) -> None:
    def lines(*args: str) -> list[dict]:
        result = run_cli("export", "--format", "plover", *args, "--db", db)
        assert result.returncode == 0, result.stderr
        return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]

    planned = lines("--status", "planned")
    assert planned and {r["storyline_status"] for r in planned} == {"planned"}
    putin = lines("--actor", "Putin")
    assert putin and all(any(a["identifier_text"] == "Vladimir Putin" for a in r["source"] + r.get("recipient", []))
                         for r in putin)
    recent = lines("--since", "2018-06-01")
    assert recent and {r["storyline_published"] for r in recent} == {"2018-06-12", "2025-10-21"}


def test_export_errors_are_one_line(db: str, tmp_path: Path) -> None:
    for args, message in (
        (("--format", "parquet"), b"--format parquet writes a file"),
        (("--format", "xml"), b"--format 'xml'"),
        (("--format", "plover", "--table", "stories"), b"--table stories needs csv or parquet"),
        (("--format", "csv", "--out", str(tmp_path / "missing" / "x.csv")), b"does not exist"),
    ):
        result = run_cli("export", *args, "--db", db)
        assert result.returncode != 0 and message in result.stderr, (args, result.stderr)
        assert len(result.stderr.decode().strip().splitlines()) == 1


def test_a_reader_that_stops_reading_ends_the_export_quietly(db: str) -> None:
    """`storyline export | head`: the pipe closes before the export is written; the command
    stops with the shell's SIGPIPE status (141) and says nothing (no E111, no traceback)."""
    child = subprocess.Popen([sys.executable, "-m", "storyline", "export", "--format", "csv", "--db", db],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=600) == 141 and stderr == b"", stderr


# ---------------------------------------------------------------- destinations and faults
def copy_of(db: str, path: Path) -> str:
    """A copy of the module's store (for tests that could damage it)."""
    with sqlite3.connect(db) as source, sqlite3.connect(path) as target:
        source.backup(target)
    return str(path)


def test_export_never_overwrites_the_store_even_with_force(db: str, tmp_path: Path) -> None:
    mine = copy_of(db, tmp_path / "store.db")
    before = table_rows(mine)
    alias = tmp_path / "alias.parquet"
    alias.symlink_to(mine)
    for target, force in ((mine, ("--force",)), (f"{mine}-wal", ()), (str(alias), ("--force",))):
        result = run_cli("export", "--format", "parquet", "--out", target, *force, "--db", mine)
        assert "the store" in coded_error(result, "E110"), (target, force)
    assert table_rows(mine) == before
    assert sqlite3.connect(mine).execute("pragma integrity_check").fetchone()[0] == "ok"


def test_an_existing_file_is_replaced_only_with_force(db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    out.write_text("keep me\n", "utf-8")
    refused = run_cli("export", "--format", "csv", "--out", str(out), "--db", db)
    assert "--force" in coded_error(refused, "E110")
    assert out.read_text("utf-8") == "keep me\n"
    forced = run_cli("export", "--format", "csv", "--out", str(out), "--force", "--db", db)
    assert forced.returncode == 0, forced.stderr
    assert out.read_text("utf-8").splitlines()[0].split(",") == export.columns("events")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]  # no temporary file left


def test_an_export_that_fails_half_way_leaves_no_half_file(db: str, tmp_path: Path) -> None:
    """A file size limit (as a full disk) stops the write after 40 KB: the old file stays whole."""
    out = tmp_path / "events.jsonl"
    out.write_text("previous export\n", "utf-8")
    limit = 40_000

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "storyline", "export", "--format", "plover", "--out", str(out),
                           "--force", "--db", db], capture_output=True, preexec_fn=small_files, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "STORYLINE_DB"})
    assert str(out) in coded_error(done, "E111")
    assert out.read_text("utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl"]
    full = run_cli("export", "--format", "plover", "--db", db)
    assert len(full.stdout) > limit  # the limit really cut the export short


def test_export_to_a_folder_or_a_full_disk_is_one_coded_line(db: str, tmp_path: Path) -> None:
    assert "is a folder" in coded_error(run_cli("export", "--out", str(tmp_path), "--db", db), "E110")
    assert "No space left" in coded_error(run_cli("export", "--out", "/dev/full", "--db", db), "E111")
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "storyline", "export", "--format", "gdelt", "--db", db],
                              stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert "No space left" in coded_error(done, "E111")
