"""Live news end to end: `storyline watch` over a real loopback news site and `storyline
alerts` to a real loopback webhook receiver, both started here; the Atom feed through the real
`storyline serve`. The site's feed first lists an (invented) announcement of a Trump–Putin
meeting in Budapest, then also the seed article, which says there are no immediate plans."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import httpx
import pytest

from conftest import SEED, run_cli
from news_server import RSS, TEXT, conditional, rss, sites
from test_alerts import BUDAPEST, Receiver, _add, _log, receiver  # noqa: F401 - the fixture
from test_watch import FAST as FETCH_FAST
from test_watch import _stored_sources, tiny
from web_server import running_server

FAST = {**FETCH_FAST, "STORYLINE_ALERT_ATTEMPTS": "2", "STORYLINE_ALERT_BACKOFF": "0.05", "STORYLINE_ALERT_TIMEOUT": "5"}


def _watch(db: str, feed: str) -> str:
    result = run_cli("watch", feed, "--once", "--db", db, env=FAST)
    err = result.stderr.decode()
    assert result.returncode == 0 and "Traceback" not in err, err
    return err


@pytest.mark.slow
def test_a_watched_site_announcing_then_calling_off_a_meeting_sends_one_alert_and_one_feed_entry(
        tmp_path: Path, receiver: Receiver) -> None:  # noqa: F811 - the fixture
    db = str(tmp_path / "store.db")  # the store `running_server` serves
    _add(db, "putin", "--actor", "Putin", "--webhook", receiver.url)
    with sites(1) as (site,):
        announced, seed = f"{site.url}/budapest.txt", f"{site.url}/seed.txt"
        site.routes["/budapest.txt"] = (200, TEXT, BUDAPEST.encode())
        site.routes["/seed.txt"] = (200, TEXT, SEED.read_bytes())
        site.routes["/feed.xml"] = conditional(rss([(announced, dt.date(2025, 10, 17))]), RSS, '"one"')
        _watch(db, f"{site.url}/feed.xml")
        assert receiver.posts == []                       # a new plan is no change
        site.routes["/feed.xml"] = conditional(
            rss([(seed, dt.date(2025, 10, 21)), (announced, dt.date(2025, 10, 17))]), RSS, '"two"')
        _watch(db, f"{site.url}/feed.xml")
        (sent,) = receiver.bodies()
        assert (sent["alert"], sent["change"]["from"], sent["change"]["to"]) == ("putin", "planned", "cancelled")
        assert sent["change"]["claim"]["url"] == seed and sent["change"]["at"] == "2025-10-21"
        assert "no immediate plans to meet" in sent["change"]["claim"]["evidence"]
        assert sent["story"]["location"]["name"] == "Budapest"
        for _ in range(2):                                # more rounds: nothing fetched again, nothing sent
            _watch(db, f"{site.url}/feed.xml")
        assert len(receiver.posts) == 1
        assert site.paths().count("/seed.txt") == 1 and site.paths().count("/budapest.txt") == 1
    (entry,) = _log(db)
    assert [d["outcome"] for d in entry["deliveries"]] == ["delivered"]
    with running_server(tmp_path) as server:
        parsed = feedparser.parse(httpx.get(f"{server.url}/alerts/putin.atom", timeout=30).content)
    (item,) = parsed.entries
    assert "planned → cancelled" in item.title and "no immediate plans to meet" in item.summary
    assert item.id.endswith(sent["change"]["claim"]["event"])


@pytest.mark.slow
def test_a_round_killed_mid_way_loses_nothing_and_the_next_sends_the_alert_once(
        tmp_path: Path, receiver: Receiver) -> None:  # noqa: F811 - the fixture
    db = str(tmp_path / "store.db")
    _add(db, "putin", "--actor", "Putin", "--webhook", receiver.url)

    def slow(n: int):  # noqa: ANN202 - a route
        def answer(_: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
            time.sleep(0.2)
            return 200, TEXT, tiny(n)
        return answer

    with sites(1) as (site,):
        announced, seed = f"{site.url}/budapest.txt", f"{site.url}/seed.txt"
        site.routes["/budapest.txt"] = (200, TEXT, BUDAPEST.encode())
        site.routes["/seed.txt"] = (200, TEXT, SEED.read_bytes())
        site.routes["/feed.xml"] = (200, {"Content-Type": RSS}, rss([(announced, dt.date(2025, 10, 17))]))
        _watch(db, f"{site.url}/feed.xml")
        pages = [f"{site.url}/n{n}.txt" for n in range(70)]
        for n in range(70):
            site.routes[f"/n{n}.txt"] = slow(n)
        site.routes["/feed.xml"] = (200, {"Content-Type": RSS}, rss([(seed, dt.date(2025, 10, 21)), *((p, None) for p in pages)]))
        env = {k: v for k, v in {**os.environ, **FAST}.items() if k != "STORYLINE_DB"}
        running = subprocess.Popen([sys.executable, "-m", "storyline", "watch", f"{site.url}/feed.xml", "--once",
                                    "--db", db], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while len(_stored_sources(db)) < 8 and running.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        running.send_signal(signal.SIGKILL)
        running.wait(timeout=30)
        stored = set(_stored_sources(db))
        assert 8 <= len(stored) < 72 and seed in stored, len(stored)
        asked_before = len(site.log)
        _watch(db, f"{site.url}/feed.xml")
        _watch(db, f"{site.url}/feed.xml")
        asked_after = {site.url + path for _, path, _ in site.log[asked_before:]}
        assert set(_stored_sources(db)) == {announced, seed, *pages}      # nothing lost
        assert not stored & asked_after, "a stored page was fetched again"
    (sent,) = receiver.bodies()                                            # the change, sent once
    assert (sent["change"]["from"], sent["change"]["to"]) == ("planned", "cancelled")
    assert sent["change"]["claim"]["url"] == seed
