"""The time limit per article: extraction runs in a worker process that is killed when an
article takes too long, so one article never stalls `process`, the Dask `batch` or the server.

The slow input is no trick: 390 KB of ordinary sentences, which take the parser tens of
seconds (several on a fast machine), against a limit of 2 s.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import json_lines, run_cli
from storyline.model import Article, ArticleResult, Rejected
from storyline.settings import DEFAULT_MODEL
from storyline.worker import Worker
from web_server import running_server

SLOW = "The minister met the envoy in Paris on Tuesday, officials said. " * 6000
REPORT = "The foreign minister of Austria met the Chinese ambassador in Vienna on Monday, officials said."
OTHER = "The Kenyan president visited Ethiopia on Friday and signed a trade agreement, officials said."
ALL_CAPS_BOMB = "   ".join(["AB"] * 18) + " ?"
LIMIT = 2.0
RESTART = 120.0  # seconds a new worker process may take to load the model on a busy machine


def _article(text: str, name: str) -> Article:
    return Article(id=name, text=text, source=name)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow
def test_an_article_over_the_limit_is_stopped_and_the_next_one_done() -> None:
    with Worker(DEFAULT_MODEL, LIMIT) as worker:
        worker.start()
        first = worker.pid
        assert first is not None
        start = time.monotonic()
        slow, normal = worker.pipe([_article(SLOW, "slow"), _article(REPORT, "normal")])
        assert isinstance(slow, Rejected) and slow.code == "E020" and slow.source == "slow"
        assert "stopped after 2 s" in slow.reason
        assert isinstance(normal, ArticleResult) and normal.events     # done by a new worker process
        assert time.monotonic() - start < LIMIT + RESTART
        assert worker.pid != first and _gone(first)                   # the work really stopped


@pytest.mark.slow
def test_a_worker_process_that_dies_costs_only_its_article() -> None:
    with Worker(DEFAULT_MODEL, 600) as worker:
        worker.start()
        pid = worker.pid
        assert pid is not None
        threading.Timer(1.0, os.kill, (pid, signal.SIGKILL)).start()   # an out-of-memory kill, say
        slow, normal = worker.pipe([_article(SLOW, "slow"), _article(REPORT, "normal")])
        assert isinstance(slow, Rejected) and slow.code == "E099" and "SIGKILL" in slow.reason
        assert isinstance(normal, ArticleResult) and normal.events


@pytest.mark.slow
def test_process_records_the_slow_article_and_goes_on(tmp_path: Path, db: str) -> None:
    for name, text in (("a.txt", REPORT), ("b.txt", SLOW), ("c.txt", OTHER)):
        (tmp_path / name).write_text(text, "utf-8")
    files = [str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")]
    done = run_cli("process", *files, "--db", db, "--format", "json", "--time-limit", str(LIMIT), timeout=600)
    assert done.returncode == 0, done.stderr
    assert [r["article"]["text"] for r in json_lines(done.stdout)] == [REPORT, OTHER]
    assert "b.txt: stopped after 2 s, the time limit per article (--time-limit) [E020]" in done.stderr.decode()
    con = sqlite3.connect(db)
    try:
        assert con.execute("select code from rejections where source like '%b.txt'").fetchall() == [("E020",)]
    finally:
        con.close()
    again = run_cli("process", *files, "--db", db, "--format", "json", env={"STORYLINE_TIME_LIMIT": "2"}, timeout=600)
    assert again.returncode == 0 and "[E020]" in again.stderr.decode()   # the setting from the environment
    assert "2 article(s): 0 new, 2 already stored; 1 rejected" in again.stderr.decode()


@pytest.mark.parametrize("value", ["-1", "inf", "nan"])
def test_a_bad_time_limit_is_one_line(value: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT, "utf-8")
    done = run_cli("process", str(tmp_path / "a.txt"), "--db", str(tmp_path / "s.db"), "--time-limit", value)
    assert done.returncode == 2
    assert done.stderr.decode().startswith(f"storyline: error: --time-limit {value}") and b"Traceback" not in done.stderr


# ---------------------------------------------------------------- the server
def _upload_while_polling(client: httpx.Client, url: str, text: str) -> tuple[httpx.Response, list[float]]:
    """POST `text` in a thread; meanwhile GET /api/health every 50 ms and time each answer."""
    answer: dict[str, Any] = {}
    upload = threading.Thread(target=lambda: answer.update(response=httpx.post(
        f"{url}/api/articles", json={"text": text, "published": "2025-03-03"}, timeout=600)))
    upload.start()
    times = []
    while upload.is_alive():
        start = time.perf_counter()
        assert client.get("/api/health").status_code == 200
        times.append(time.perf_counter() - start)
        time.sleep(0.05)
    upload.join()
    return answer["response"], times


@pytest.mark.slow
def test_health_answers_within_a_second_while_hostile_uploads_run(tmp_path: Path) -> None:
    with running_server(tmp_path, "--time-limit", str(LIMIT)) as server, server.client(timeout=5) as client:
        for text, status, code in (
            ("[" * 100_000, 422, "E006"),          # 100 KB of "[": minutes in the tokenizer before
            (f"{OTHER}\n\n{ALL_CAPS_BOMB}", 201, None),  # the regex bomb: 34-63 s before
            (SLOW, 422, "E020"),                   # slow for real: stopped at the limit
        ):
            response, times = _upload_while_polling(client, server.url, text)
            assert response.status_code == status, response.text
            if code is not None:
                assert response.json()["error"]["detail"]["reason_code"] == code
            assert times and max(times) < 1.0, (code, max(times), len(times))
        assert len(times) > 10  # the slow upload kept the server busy while health answered
        after = client.post("/api/articles", json={"text": REPORT, "published": "2025-03-03"}, timeout=RESTART)
        assert after.status_code == 201 and after.json()["events"]  # a new worker process took over
