"""The store: a real SQLite file in WAL mode, idempotent writes, crash safety."""
from __future__ import annotations

import importlib.util
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEED, coded_error, read_only, run_cli, shared_path, table_rows
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


@pytest.mark.parametrize(("value", "message"), [("999", "schema version 999 is newer"),
                                              ("0", "unknown schema version '0'"), ("two", "unknown schema version")])
def test_a_newer_or_unknown_schema_is_refused(db: str, value: str, message: str) -> None:
    store.connect(db_url(db))
    con = sqlite3.connect(db)
    con.execute("update meta set value=? where key='schema_version'", (value,))
    con.commit()
    assert message in coded_error(run_cli("articles", "--db", db), "E104")
    assert con.execute("select value from meta").fetchall() == [(value,)]  # nothing migrated


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


@pytest.mark.slow
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


# ---------------------------------------------------------------- concurrent writers
def corpus_variants(folder: Path, count: int) -> Path:
    """`count` distinct articles: the corpus texts in turn, each with a numbered invented line."""
    texts = sorted(shared_path("corpus").glob("*.txt"))
    folder.mkdir()
    for i in range(count):
        body = texts[i % len(texts)].read_text("utf-8")
        (folder / f"v{i:03d}.txt").write_text(f"{body}\n\nArchive note {i}: the clerk filed this copy at dusk.\n",
                                              "utf-8")
    return folder


def _process(inputs: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_DB"}
    return subprocess.Popen([sys.executable, "-m", "storyline", "process", str(inputs), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


@pytest.mark.slow
def test_commands_opening_a_new_store_at_once_create_it_once(tmp_path: Path) -> None:
    """Six commands racing to create one store (the old code: "table meta already exists")."""
    db = tmp_path / "new.db"
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_DB"}
    racers = [subprocess.Popen([sys.executable, "-m", "storyline", "articles", "--db", str(db)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(6)]
    errors = [proc.communicate(timeout=120)[1].decode("utf-8", errors="replace") for proc in racers]
    assert [proc.returncode for proc in racers] == [0] * 6, errors
    assert not any(errors), errors
    assert table_rows(str(db))["meta"] == [("schema_version", str(store.SCHEMA_VERSION))]
    assert set(table_rows(str(db))) >= set(store.metadata.tables)


@pytest.mark.slow
def test_two_concurrent_runs_onto_a_new_store_give_the_rows_of_one_run(tmp_path: Path) -> None:
    inputs = corpus_variants(tmp_path / "inputs", 200)
    single, both = tmp_path / "single.db", tmp_path / "both.db"
    runs = [_process(inputs, single), _process(inputs, both), _process(inputs, both)]
    errors = [proc.communicate(timeout=1800)[1].decode("utf-8", errors="replace") for proc in runs]
    for proc, err in zip(runs, errors, strict=True):
        assert proc.returncode == 0 and "Traceback" not in err, err[-3000:]
    new = [int(re.search(r"(\d+) new, (\d+) already stored", err).group(1)) for err in errors]  # type: ignore[union-attr]
    assert new[0] == 200 and new[1] + new[2] == 200, errors
    expected = table_rows(str(single))
    assert len(expected["articles"]) == 200 and len(expected["stories"]) > 50
    assert table_rows(str(both)) == expected


# ---------------------------------------------------------------- every store problem is one coded line
@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the seed, made once by the CLI; tests work on copies."""
    db = tmp_path_factory.mktemp("template") / "store.db"
    done = run_cli("process", str(SEED), "--published", "2025-10-21", "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


def copy_store(template: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / "store.db"
    with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def test_a_file_or_folder_that_is_not_a_store(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("Shopping list: bread, milk.\n" * 100, "utf-8")
    assert "not a storyline store" in coded_error(run_cli("articles", "--db", str(text)), "E102")
    assert "not a storyline store" in coded_error(run_cli("stories", "--db", str(text)), "E102")
    assert "folder" in coded_error(run_cli("articles", "--db", str(tmp_path)), "E102")
    assert text.read_text("utf-8").startswith("Shopping list")


def test_another_programs_database_is_left_untouched(tmp_path: Path) -> None:
    foreign = tmp_path / "shop.db"
    with sqlite3.connect(foreign) as con:
        con.execute("create table articles (sku text primary key, price real)")
        con.execute("insert into articles values ('A-1', 2.5)")
    before = foreign.read_bytes()
    assert "another program" in coded_error(run_cli("articles", "--db", str(foreign)), "E102")
    assert foreign.read_bytes() == before and not Path(f"{foreign}-wal").exists()
    other = tmp_path / "notes.db"
    with sqlite3.connect(other) as con:
        con.execute("create table notes (body text)")
    assert "another program" in coded_error(run_cli("articles", "--db", str(other)), "E102")


@pytest.mark.parametrize("url", ["postgresql://reader@localhost/news", "mongodb://localhost/news", "://news"])
def test_a_database_url_without_its_driver_or_with_an_unknown_scheme(url: str) -> None:
    expected = "E107" if url.startswith("postgresql") and importlib.util.find_spec("psycopg") else "E105"
    line = coded_error(run_cli("articles", "--db", url), expected)
    assert "reader@" not in line or "localhost" in line


READ_ONLY_WAYS = ("file", "file and folder")  # the file alone; with its folder (no -wal or -shm possible)


def _locked(db: Path, way: str) -> tuple[Path, ...]:
    return (db,) if way == "file" else (db, db.parent)


@pytest.mark.slow
@pytest.mark.parametrize("way", READ_ONLY_WAYS)
def test_a_read_only_store_can_be_read(template: Path, tmp_path: Path, way: str) -> None:
    db = copy_store(template, tmp_path / "ro")
    expected = table_rows(str(db))
    with read_only(*_locked(db, way)):
        listed = run_cli("articles", "--format", "json", "--db", str(db))
        assert listed.returncode == 0 and b"Traceback" not in listed.stderr, listed.stderr
        assert len(listed.stdout.splitlines()) == 1
        exported = run_cli("export", "--format", "csv", "--db", str(db))
        assert exported.returncode == 0 and len(exported.stdout.splitlines()) > 10, exported.stderr
    assert table_rows(str(db)) == expected


@pytest.mark.slow
@pytest.mark.parametrize("way", READ_ONLY_WAYS)
def test_a_read_only_store_refuses_writes_in_one_line(template: Path, tmp_path: Path, way: str) -> None:
    db = copy_store(template, tmp_path / "ro")
    expected = table_rows(str(db))
    other = tmp_path / "other.txt"
    other.write_text("Ministers of Chile and Peru met in Lima on Tuesday to sign a fishing accord.\n", "utf-8")
    with read_only(*_locked(db, way)):
        assert "read-only" in coded_error(run_cli("process", str(other), "--db", str(db)), "E103")
    assert table_rows(str(db)) == expected


@pytest.mark.slow
def test_a_store_with_a_damaged_page_is_noticed(template: Path, tmp_path: Path) -> None:
    db = copy_store(template, tmp_path / "damaged")
    with sqlite3.connect(db) as con:
        size = con.execute("pragma page_size").fetchone()[0]
        page = con.execute("select max(pageno) from dbstat where name = 'events'").fetchone()[0]
    with db.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(bytes(range(256)) * (size // 256))
    more = tmp_path / "more.txt"
    more.write_text("Ministers of Chile and Peru met in Lima on Tuesday to sign a fishing accord.\n", "utf-8")
    assert "damaged" in coded_error(run_cli("process", str(more), "--db", str(db)), "E106")
    assert "damaged" in coded_error(run_cli("export", "--format", "plover", "--db", str(db)), "E106")


@pytest.mark.slow
def test_a_full_disk_under_the_store_is_one_coded_line(template: Path, tmp_path: Path) -> None:
    """A file size limit just over the store's size: the next writes cannot grow it."""
    db = copy_store(template, tmp_path / "full")
    before = table_rows(str(db))
    limit = db.stat().st_size + 8192
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for i in range(30):
        (inputs / f"n{i}.txt").write_text(f"Note {i}. " + SEED.read_text("utf-8"), "utf-8")

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "storyline", "process", str(inputs), "--db", str(db)],
                          capture_output=True, preexec_fn=small_files, timeout=600,
                          env={k: v for k, v in os.environ.items() if k != "STORYLINE_DB"})
    assert "database error" in coded_error(done, "E107")
    assert set(before["articles"]) <= set(table_rows(str(db))["articles"])
    assert sqlite3.connect(db).execute("pragma integrity_check").fetchone()[0] == "ok"
