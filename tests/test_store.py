"""The store: a real SQLite file in WAL mode, idempotent writes, crash safety."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED, run_cli, table_rows

from storyline import store
from storyline.model import ArticleResult
from storyline.pipeline import run
from storyline.settings import Settings, db_url


def test_sqlite_file_uses_wal_and_records_the_schema_version(db: str) -> None:
    store.connect(db_url(db))
    con = sqlite3.connect(db)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert con.execute("select value from meta where key='schema_version'").fetchone()[0] == str(store.SCHEMA_VERSION)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"articles", "removals", "rejections", "events", "event_actors", "stories"} <= tables


def test_a_newer_schema_is_refused(db: str) -> None:
    store.connect(db_url(db))
    con = sqlite3.connect(db)
    con.execute("update meta set value='999' where key='schema_version'")
    con.commit()
    result = run_cli("articles", "--db", db)
    assert result.returncode != 0
    assert b"schema version 999" in result.stderr and b"Traceback" not in result.stderr


def test_reprocessing_changes_nothing(db: str, tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"")
    inputs = [str(SEED), str(tmp_path / "bad.txt")]
    settings = Settings(db=db_url(db))
    first = run(inputs, settings)
    snapshot = table_rows(db)
    second = run(inputs, settings)
    assert (first.new, first.known, len(first.rejected)) == (1, 0, 1)
    assert (second.new, second.known, len(second.rejected)) == (0, 1, 1)
    assert table_rows(db) == snapshot
    assert len(snapshot["articles"]) == 1 and len(snapshot["rejections"]) == 1
    assert len(snapshot["removals"]) == 1


def test_article_round_trips_through_the_store(db: str) -> None:
    settings = Settings(db=db_url(db))
    seen: list[ArticleResult] = []
    run([str(SEED)], settings, on_item=lambda item, new: seen.append(item))
    engine = store.connect(settings.db)
    loaded = store.load_article(engine, seen[0].article.id[:6])
    assert loaded == seen[0].article


def test_a_crash_mid_batch_leaves_committed_articles_whole(db: str, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    body = SEED.read_text("utf-8")
    for i in range(400):
        (folder / f"{i:04d}.txt").write_text(f"Report number {i}.\n{body}", "utf-8")
    env = {**os.environ, "STORYLINE_DB": db}
    proc = subprocess.Popen([sys.executable, "-m", "storyline", "process", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    count = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if Path(db).exists():
            try:
                count = sqlite3.connect(db, timeout=5).execute("select count(*) from articles").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if count >= 20:
                break
    if proc.poll() is not None:
        pytest.fail("the batch finished before it could be interrupted")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    stored = con.execute("select count(*) from articles").fetchone()[0]
    assert 20 <= stored < 400
    orphans = con.execute(
        "select count(*) from articles a where (select count(*) from removals r where r.article_id = a.id) != 1"
    ).fetchone()[0]
    assert orphans == 0
    con.close()
    resumed = run_cli("process", str(folder), "--db", db)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{400 - stored} new, {stored} already stored".encode() in resumed.stderr
    assert sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0] == 400
