"""Alerts for real: the CLI in a subprocess over a real store, a real loopback webhook receiver
(threaded http.server) and a real SMTP server (aiosmtpd) started here, the Atom feed through
the real `storyline serve`, parsed by feedparser. The articles are invented."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest
from aiosmtpd.controller import Controller

from conftest import SEED, coded_error, json_lines, read_only, run_cli
from storyline import alerts, store
from storyline.settings import Settings, db_url
from web_server import HOST, free_port, running_server

ANNOUNCED = ("Macron and Lula to meet in Lisbon\n\n"
             "French President Emmanuel Macron will meet Brazilian President Luiz Inacio Lula da Silva in Lisbon "
             "next week, the Elysee Palace announced on Monday.\n"
             "The two presidents are expected to sign a trade accord during the visit, aides said.\n")
CALLED_OFF = ("Lisbon talks between Macron and Lula called off\n\n"
              "The meeting between French President Emmanuel Macron and Brazilian President Luiz Inacio Lula da Silva "
              "in Lisbon has been called off, the Elysee Palace said on Thursday.\n")
REVIVED = ("Macron and Lula revive Lisbon meeting\n\n"
           "French President Emmanuel Macron will meet Brazilian President Luiz Inacio Lula da Silva in Lisbon after "
           "all later this month, the Elysee Palace said on Saturday.\n")
BUDAPEST = """Trump and Putin agree to hold a summit in Hungary

U.S. President Donald Trump will meet Russian President Vladimir Putin in Budapest next week, the White House announced on Friday.
The two leaders are expected to discuss a ceasefire, officials told reporters in Washington.
"""
FAST = {"STORYLINE_ALERT_ATTEMPTS": "2", "STORYLINE_ALERT_BACKOFF": "0.05", "STORYLINE_ALERT_TIMEOUT": "5"}


@dataclass
class Receiver:
    """A webhook receiver on loopback: records every POST; answers `status` (settable)."""

    url: str
    status: int = 200
    hang: float = 0.0   # seconds to wait before answering
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.posts]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
            time.sleep(state.hang)
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    state.url = f"http://{HOST}:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, "utf-8")
    return str(path)


def _process(db: str, path: str, published: str | None = None, env: dict[str, str] | None = None) -> str:
    args = ["process", path, "--db", db] + (["--published", published] if published else [])
    result = run_cli(*args, env={**FAST, **(env or {})})
    assert result.returncode == 0, result.stderr.decode()
    return result.stderr.decode()


def _add(db: str, *args: str) -> None:
    result = run_cli("alerts", "add", *args, "--db", db)
    assert result.returncode == 0, result.stderr.decode()


def _log(db: str) -> list[dict[str, Any]]:
    result = run_cli("alerts", "log", "--format", "json", "--db", db)
    assert result.returncode == 0, result.stderr.decode()
    return json_lines(result.stdout)


def _signed(secret: str, headers: dict[str, str], body: bytes) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers.get("x-storyline-signature", ""), expected)


@pytest.mark.slow
def test_a_called_off_meeting_is_one_signed_alert_never_sent_twice_and_in_the_feed(
        tmp_path: Path, receiver: Receiver) -> None:
    db = str(tmp_path / "store.db")
    announced, called_off = _write(tmp_path, "announced.txt", ANNOUNCED), _write(tmp_path, "off.txt", CALLED_OFF)
    _add(db, "lisbon", "--actor", "macron", "--type", "consult", "--webhook", receiver.url, "--secret", "s3cret")
    _process(db, announced, "2026-03-02")
    assert receiver.posts == []  # a new plan is not a change
    assert "1 new change(s); 1 delivered" in _process(db, called_off, "2026-03-05")
    (headers, body), = receiver.posts
    assert _signed("s3cret", headers, body) and not _signed("other", headers, body)
    sent = json.loads(body)
    assert sent["alert"] == "lisbon"
    assert (sent["change"]["from"], sent["change"]["to"], sent["change"]["label"]) == ("planned", "cancelled", "called off")
    assert "has been called off" in sent["change"]["claim"]["evidence"]
    assert sent["change"]["at"] == "2026-03-05" and sent["change"]["claim"]["attributed_to"]["country"] == "FRA"
    story = sent["story"]
    assert story["status"] == "cancelled" and story["url"] == f"/stories/{story['id']}"
    assert {p["name"] for p in story["participants"]} == {"Emmanuel Macron", "Luiz Inácio Lula da Silva"}
    assert set(story) == {"id", "title", "status", "participants", "location", "date", "url"}

    # the same articles again, in one run, and the stories relinked: nothing new is sent
    run_cli("process", announced, called_off, "--db", db, env=FAST)
    engine = store.connect(db_url(db))
    store.relink(engine)
    assert alerts.after_linking(engine, Settings(db=db_url(db))) == alerts.Outcome()
    engine.dispose()
    _process(db, called_off, "2026-03-05")
    assert len(receiver.posts) == 1

    # a watch list added now takes the present as its baseline: nothing of the past is sent
    _add(db, "late", "--actor", "Lula", "--webhook", receiver.url)
    _process(db, called_off)
    assert len(receiver.posts) == 1
    (entry,) = _log(db)
    assert entry["alert"] == "lisbon"
    assert [(d["channel"], d["outcome"]) for d in entry["deliveries"]] == [("webhook", "delivered")]

    with running_server(tmp_path) as server:
        answer = httpx.get(f"{server.url}/alerts/lisbon.atom", timeout=30)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(answer.content)
        assert not parsed.bozo, parsed.bozo_exception
        (item,) = parsed.entries
        assert "planned → cancelled" in item.title and "has been called off" in item.summary
        assert item.link == f"{server.url}{story['url']}" and item.id.endswith(sent["change"]["claim"]["event"])
        assert parsed.feed.id and parsed.feed.updated
        assert feedparser.parse(httpx.get(f"{server.url}/alerts/late.atom", timeout=30).content).entries == []
        assert httpx.get(f"{server.url}/alerts/nobody.atom", timeout=30).status_code == 404
        _alert_me_on_changes(server.url, story["id"], receiver)


def _alert_me_on_changes(url: str, story_id: str, receiver: Receiver) -> None:
    """The story page's form makes a feed-only watch list (cross-site posts refused); an
    upload that revives the meeting reaches it and the webhook of the CLI's watch list."""
    with httpx.Client(base_url=url, timeout=120) as client:
        assert f'action="/stories/{story_id}/alert"' in client.get(f"/stories/{story_id}").text
        form = {"name": "lisbon-web"}
        evil = {"Origin": "http://evil.example"}
        assert client.post(f"/stories/{story_id}/alert", data=form, headers=evil).status_code == 403
        made = client.post(f"/stories/{story_id}/alert", data=form, headers={"Origin": url})
        assert made.status_code == 303 and made.headers["location"].startswith(f"/stories/{story_id}?alert=lisbon-web")
        assert "/alerts/lisbon-web.atom" in client.get(made.headers["location"]).text
        assert client.post(f"/stories/{story_id}/alert", data=form).status_code == 409
        assert feedparser.parse(client.get("/alerts/lisbon-web.atom").content).entries == []
        uploaded = client.post("/upload", data={"text": REVIVED, "published": "2026-03-07"})
        assert uploaded.status_code == 303, uploaded.text
        (entry,) = feedparser.parse(client.get("/alerts/lisbon-web.atom").content).entries
    assert "cancelled → planned" in entry.title and "after all" in entry.summary
    revived = sorted((b["alert"], b["change"]["from"], b["change"]["to"]) for b in receiver.bodies()[1:])
    assert revived == [("late", "cancelled", "planned"), ("lisbon", "cancelled", "planned")]  # both watch Lula


class Inbox:
    """aiosmtpd's handler: every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname=HOST, port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.mark.slow
def test_failed_deliveries_are_retried_recorded_and_sent_on_the_next_run_and_mail_goes_by_smtp(
        tmp_path: Path, receiver: Receiver, smtp: tuple[Inbox, int]) -> None:
    db = str(tmp_path / "store.db")
    inbox, port = smtp
    mail = {"STORYLINE_SMTP_HOST": HOST, "STORYLINE_SMTP_PORT": str(port), "STORYLINE_SMTP_FROM": "alerts@storyline.test"}
    closed = f"http://{HOST}:{free_port()}/nobody-listens"
    _add(db, "flaky", "--actor", "Emmanuel Macron", "--webhook", receiver.url)
    _add(db, "down", "--actor", "FRA", "--webhook", closed)
    _add(db, "mail", "--actor", "Lula", "--status", "cancelled", "--email", "desk@storyline.test")
    _process(db, _write(tmp_path, "a.txt", ANNOUNCED), "2026-03-02", mail)
    receiver.status = 500
    said = _process(db, _write(tmp_path, "b.txt", CALLED_OFF), "2026-03-05", mail)
    assert "3 new change(s); 1 delivered, 2 failed" in said
    assert len(receiver.posts) == 2  # two attempts (STORYLINE_ALERT_ATTEMPTS), both answered 500
    (message,) = inbox.messages
    assert message["To"] == "desk@storyline.test" and "planned → cancelled" in message["Subject"]
    assert message["From"] == "alerts@storyline.test"
    assert "has been called off" in message.get_payload(decode=True).decode()
    tries = {e["alert"]: [(d["attempt"], d["outcome"], d["detail"]) for d in e["deliveries"]] for e in _log(db)}
    assert [t[:2] for t in tries["flaky"]] == [(1, "failed"), (2, "failed")] and "HTTP 500" in tries["flaky"][0][2]
    assert [t[:2] for t in tries["down"]] == [(1, "failed"), (2, "failed")] and "Connect" in tries["down"][0][2]
    assert tries["mail"] == [(1, "delivered", None)]

    receiver.status = 200
    assert "0 new change(s); 1 delivered, 1 failed" in _process(db, str(tmp_path / "b.txt"), None, mail)
    assert len(receiver.posts) == 3 and receiver.bodies()[2] == receiver.bodies()[0]
    assert receiver.posts[2][0]["x-storyline-delivery"] == receiver.posts[0][0]["x-storyline-delivery"]
    assert len(inbox.messages) == 1
    flaky = next(e for e in _log(db) if e["alert"] == "flaky")
    assert [(d["attempt"], d["outcome"]) for d in flaky["deliveries"]][-1] == (3, "delivered")


@pytest.mark.slow
def test_announced_in_budapest_then_the_seed_article_is_one_planned_to_cancelled_alert(
        tmp_path: Path, receiver: Receiver) -> None:
    db = str(tmp_path / "store.db")
    _add(db, "putin", "--actor", "Putin", "--webhook", receiver.url)
    _process(db, _write(tmp_path, "budapest.txt", BUDAPEST), "2025-10-17")
    assert receiver.posts == []
    _process(db, str(SEED), "2025-10-21")
    (sent,) = receiver.bodies()
    assert (sent["change"]["from"], sent["change"]["to"]) == ("planned", "cancelled")
    assert sent["story"]["location"]["name"] == "Budapest"
    assert "no immediate plans to meet" in sent["change"]["claim"]["evidence"]
    _process(db, str(SEED), "2025-10-21")
    assert len(receiver.posts) == 1


@pytest.mark.slow  # many CLI runs
def test_alerts_add_list_remove_log_and_their_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    _add(db, "summits", "--actor", "Putin", "--actor", "Trump", "--type", "CONSULT", "--place", "Hungary",
         "--webhook", "https://hooks.example.org/x", "--secret", "k")
    _add(db, "plans", "--status", "planned")
    listed = json_lines(run_cli("alerts", "list", "--format", "json", "--db", db).stdout)
    assert [a["name"] for a in listed] == ["plans", "summits"]
    assert listed[1] | {"created": None} == {
        "name": "summits", "actors": ["Putin", "Trump"], "type": "CONSULT", "status": None, "place": "Hungary",
        "webhook": "https://hooks.example.org/x", "signed": True, "email": None, "feed": "/alerts/summits.atom",
        "created": None}
    assert "secret" not in listed[1]
    table = run_cli("alerts", "list", "--db", db).stdout.decode()
    assert "summits" in table and "actor Putin" in table
    bad = [
        (("add", "summits"), "already exists"),
        (("add", "x", "--webhook", "ftp://h/x"), "--webhook"),
        (("add", "x", "--type", "PARTY"), "--type"),
        (("add", "x", "--status", "postponed"), "--status"),
        (("add", "x", "--email", "nobody"), "--email"),
        (("add", "bad name"), "a name is"),
        (("remove", "nobody"), "no such alert"),
        (("log", "nobody"), "no such alert"),
    ]
    for args, words in bad:
        result = run_cli("alerts", *args, "--db", db)
        lines = result.stderr.decode().strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and words in lines[0], (args, lines)
    assert run_cli("alerts", "log", "--format", "json", "--db", db).stdout == b""
    removed = run_cli("alerts", "remove", "summits", "--db", db)
    assert removed.returncode == 0 and "removed" in removed.stdout.decode()
    after = json_lines(run_cli("alerts", "list", "--format", "json", "--db", db).stdout)
    assert [a["name"] for a in after] == ["plans"]


@pytest.mark.slow  # many CLI runs
def test_a_read_only_store_from_before_alerts_is_still_read(tmp_path: Path) -> None:
    db = tmp_path / "ro" / "store.db"
    db.parent.mkdir()
    assert run_cli("articles", "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as con:  # as a store written before the alert tables existed
        for table in ("alert_deliveries", "alert_changes", "alerts"):
            con.execute(f"drop table {table}")
    with read_only(db, db.parent):
        for args in (("articles",), ("stories",), ("alerts", "list"), ("alerts", "log")):
            result = run_cli(*args, "--format", "json", "--db", str(db))
            assert result.returncode == 0 and result.stdout.strip() == b"", (args, result.stderr)
        assert "read-only" in coded_error(run_cli("alerts", "add", "x", "--db", str(db)), "E103")


@pytest.mark.slow
def test_a_run_killed_while_it_delivers_loses_nothing_and_records_the_change_once(
        tmp_path: Path, receiver: Receiver) -> None:
    db = str(tmp_path / "store.db")
    _add(db, "lisbon", "--actor", "Macron", "--webhook", receiver.url)
    _process(db, _write(tmp_path, "a.txt", ANNOUNCED), "2026-03-02")
    receiver.hang = 30
    args = [sys.executable, "-m", "storyline", "process", _write(tmp_path, "b.txt", CALLED_OFF), "--published",
            "2026-03-05", "--db", db]
    running = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "STORYLINE_ALERT_TIMEOUT": "300"})
    deadline = time.monotonic() + 300
    while not receiver.posts and time.monotonic() < deadline and running.poll() is None:
        time.sleep(0.1)
    running.send_signal(signal.SIGKILL)  # in the middle of the POST: the change is recorded, the attempt not
    running.wait(timeout=30)
    assert len(receiver.posts) == 1
    (entry,) = _log(db)
    assert entry["deliveries"] == []
    receiver.hang = 0
    assert "0 new change(s); 1 delivered" in _process(db, str(tmp_path / "b.txt"))
    first, second = (headers["x-storyline-delivery"] for headers, _ in receiver.posts)
    assert first == second  # the receiver can tell the resend of one change
    (entry,) = _log(db)
    assert [(d["attempt"], d["outcome"]) for d in entry["deliveries"]] == [(1, "delivered")]
    _process(db, str(tmp_path / "b.txt"))
    assert len(receiver.posts) == 2
