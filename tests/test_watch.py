"""`storyline watch` against real loopback HTTP servers the tests start (`news_server.py`):
feeds, sitemaps, robots.txt, conditional GET, hanging and failing servers, redirect loops,
many hosts, a crash mid-round, and the SSRF rule. No mock of httpx or feedparser: every byte
goes over a socket. Article texts are invented.

The fast tests run rounds in this process without the spaCy model (`pipeline.run` with no
extractor stores the cleaned articles without events); the CLI tests run the real command,
model and all.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import run_cli
from news_server import HTML, RSS, TEXT, Site, conditional, html_article, rss, sites
from storyline import store
from storyline.errors import Reason, StorylineError
from storyline.fetch import Fetched, Fetcher, address_kind, refusal
from storyline.model import Rejected
from storyline.settings import Settings, db_url
from storyline.sources import log_request
from storyline.watch import Round, Watch, duration, named_sources, run_round
from web_server import free_port

FAST = {"STORYLINE_FETCH_DELAY": "0.01", "STORYLINE_FETCH_BACKOFF": "0.01", "STORYLINE_FETCH_TIMEOUT": "2"}
CHILE = html_article("Chile and Norway sign a fishing pact", [
    "The trade ministers of Chile and Norway signed a fishing agreement in Oslo on Tuesday, officials said.",
    "The pact sets quotas for salmon exports over the next five years, according to a joint statement.",
    "Negotiators had met three times in Santiago since the spring before reaching the deal."])
KENYA = html_article("Kenyan president to visit Ghana next month", [
    "Kenya's president will travel to Accra next month for talks with Ghana's leader on regional trade, "
    "his office said on Monday.",
    "The two governments plan to sign an accord on visa-free travel during the visit.",
    "Officials in Nairobi said the trip had been planned since January."])
NOV30 = dt.date(2026, 11, 30)


def tiny(n: int) -> bytes:
    """A tiny invented text article, different for every n."""
    return (f"Harbour council vote number {n}\n\nThe harbour council of Port Velden voted {n} times on the new "
            f"ferry timetable, its chair said on Friday.\n").encode()


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[Watch]:
    with watching(tmp_path) as watch:
        yield watch


@contextmanager
def watching(folder: Path, delay: float = 0.01, timeout: float = 1.0, retries: int = 2) -> Iterator[Watch]:
    """A `Watch` over a new store in `folder`, with short pauses (no extractor: no model)."""
    folder.mkdir(exist_ok=True)
    base = Settings(db=db_url(str(folder / "watch.db")))
    fetching = dataclasses.replace(base.fetch, delay=delay, backoff=0.01, timeout=timeout, retries=retries)
    settings = dataclasses.replace(base, fetch=fetching)
    engine = store.connect(settings.db)
    try:
        with Fetcher(settings.fetch, settings.max_bytes, log_request(engine)) as fetcher:
            yield Watch(settings, engine, fetcher)
    finally:
        engine.dispose()


def rows(watch: Watch, query: str) -> list[tuple]:
    path = str(watch.settings.db).removeprefix("sqlite:///")
    with sqlite3.connect(path) as con:
        return con.execute(query).fetchall()


def state_of(watch: Watch) -> dict[str, tuple]:
    return {url.rsplit("/", 1)[-1]: (state, code) for url, state, code in rows(watch, "select url, state, code from sources")}


def news_site(site: Site) -> None:
    site.routes["/a.html"] = (200, HTML, CHILE)
    site.routes["/b.html"] = (200, HTML, KENYA)
    site.routes["/feed.xml"] = conditional(rss([(f"{site.url}/a.html", NOV30), (f"{site.url}/b.html", None)]), RSS, '"v1"')


def test_a_feed_is_stored_with_its_dates_and_an_unchanged_feed_costs_one_304(watcher: Watch) -> None:
    with sites(1) as (site,):
        news_site(site)
        first = run_round(watcher, [f"{site.url}/feed.xml"])
        assert (first.summary.new, first.listed, first.unchanged) == (2, 2, 0)
        stored = dict(rows(watcher, "select url, published from articles"))
        assert stored == {f"{site.url}/a.html": "2026-11-30", f"{site.url}/b.html": None}  # the feed's date
        assert rows(watcher, "select published_source from articles where published is not null") == [("feed",)]
        before = len(site.paths())
        second = run_round(watcher, [f"{site.url}/feed.xml"])
        assert (second.summary.articles, second.unchanged, second.pages) == (0, 1, 0)
        assert site.paths()[before:] == ["/feed.xml"]  # robots.txt kept, no page asked for again
        assert site.log[-1][2].get("if-none-match") == '"v1"'
        assert rows(watcher, "select status from fetches order by id desc limit 1") == [(304,)]


def test_robots_txt_disallowed_paths_are_never_requested(watcher: Watch) -> None:
    with sites(1) as (site,):
        news_site(site)
        site.routes["/robots.txt"] = (200, TEXT, b"User-agent: *\nDisallow: /private/\n")
        site.routes["/private/c.html"] = (200, HTML, KENYA)
        site.routes["/feed.xml"] = (200, {"Content-Type": RSS}, rss([(f"{site.url}/private/c.html", None),
                                                                     (f"{site.url}/a.html", None)]))
        done = run_round(watcher, [f"{site.url}/feed.xml", f"{site.url}/private/feed.xml"])
        assert not [p for p in site.paths() if p.startswith("/private/")]
        assert done.summary.new == 1 and [r.code for r in done.failed] == [Reason.ROBOTS.value]
        assert state_of(watcher)["c.html"] == ("rejected", Reason.ROBOTS.value)
        assert (f"{site.url}/private/c.html", Reason.ROBOTS.value) in rows(watcher, "select source, code from rejections")


def test_a_hanging_server_is_timed_out_and_the_round_goes_on(tmp_path: Path) -> None:
    def hang(_: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        time.sleep(4)
        return 200, HTML, CHILE

    with sites(1) as (site,):
        news_site(site)
        site.routes["/hang.html"] = hang
        site.routes["/feed.xml"] = (200, {"Content-Type": RSS}, rss([(f"{site.url}/hang.html", None),
                                                                     (f"{site.url}/b.html", None)]))
        with watching(tmp_path, timeout=0.3, retries=1) as watch:
            started = time.monotonic()
            done = run_round(watch, [f"{site.url}/feed.xml"])
            assert time.monotonic() - started < 3.5
            assert done.summary.new == 1 and site.paths().count("/hang.html") == 2  # one retry
            assert state_of(watch)["hang.html"] == ("failed", Reason.TIMED_OUT.value)  # a later round tries again


def test_malformed_feeds_errors_and_redirect_loops_are_recorded_rejections(watcher: Watch) -> None:
    with sites(1) as (site,):
        news_site(site)
        site.routes["/broken.xml"] = (200, {"Content-Type": RSS}, b'<?xml version="1.0"?><rss><channel><item><lin')
        site.routes["/500.html"] = (500, TEXT, b"oops")
        site.routes["/loop1"] = (302, {"Location": "/loop2"}, b"")
        site.routes["/loop2"] = (302, {"Location": "/loop1"}, b"")
        listed = ["/500.html", "/loop1", "/gone.html", "/a.html"]
        site.routes["/feed.xml"] = (200, {"Content-Type": RSS}, rss([(site.url + p, None) for p in listed]))
        done = run_round(watcher, [f"{site.url}/broken.xml", f"{site.url}/feed.xml"])
        assert done.summary.new == 1 and [r.code for r in done.failed] == [Reason.NOT_FEED.value]
        assert site.paths().count("/500.html") == 3  # two retries
        found = state_of(watcher)
        assert found["500.html"] == ("failed", Reason.SERVER_FAILED.value)
        assert found["loop1"] == ("rejected", Reason.REDIRECTS.value)
        assert found["gone.html"] == ("rejected", Reason.HTTP_STATUS.value)
        codes = {code for (code,) in rows(watcher, "select code from rejections")}
        assert codes == {Reason.NOT_FEED.value, Reason.SERVER_FAILED.value, Reason.REDIRECTS.value,
                         Reason.HTTP_STATUS.value}
        reason = rows(watcher, f"select reason from rejections where code = '{Reason.REDIRECTS.value}'")[0][0]
        assert "redirect loop" in reason and "/loop2" in reason


def test_a_page_listed_by_two_feeds_and_a_sitemap_is_fetched_once(watcher: Watch) -> None:
    with sites(1) as (site,):
        news_site(site)
        site.routes["/other.xml"] = (200, {"Content-Type": RSS}, rss([(f"{site.url}/a.html", NOV30)], "Other"))
        sitemap = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   f"<url><loc>{site.url}/a.html</loc></url><url><loc>{site.url}/b.html</loc>"
                   "<lastmod>2026-11-29</lastmod></url></urlset>").encode()
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, sitemap)
        index = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f"<sitemap><loc>{site.url}/sitemap.xml</loc></sitemap></sitemapindex>").encode()
        site.routes["/index.xml"] = (200, {"Content-Type": "application/xml"}, index)
        done = run_round(watcher, [f"{site.url}/feed.xml", f"{site.url}/other.xml", f"{site.url}/index.xml"])
        assert done.summary.new == 2 and done.pages == 2
        assert site.paths().count("/a.html") == 1 and site.paths().count("/b.html") == 1
        assert "/sitemap.xml" in site.paths()


def test_a_named_page_is_an_article_and_is_fetched_once(watcher: Watch) -> None:
    with sites(1) as (site,):
        news_site(site)
        assert run_round(watcher, [f"{site.url}/b.html"]).summary.new == 1
        assert run_round(watcher, [f"{site.url}/b.html"]).sources == 0
        assert site.paths().count("/b.html") == 1


def test_sources_and_durations_are_read_or_refused_clearly(tmp_path: Path) -> None:
    listing = tmp_path / "sources.txt"
    listing.write_text("# my feeds\nhttp://127.0.0.1:9/feed.xml\n\nftp://example.invalid/x\nhttps://a.invalid/s.xml\n")
    urls, bad = named_sources([str(listing), "http://127.0.0.1:9/feed.xml#top", str(tmp_path / "none.txt")])
    assert urls == ["http://127.0.0.1:9/feed.xml", "https://a.invalid/s.xml"]
    assert [(r.source, r.code) for r in bad] == [(f"{listing}:4", Reason.REFUSED.value),
                                                 (str(tmp_path / "none.txt"), Reason.NOT_FOUND.value)]
    assert [duration(t) for t in ("30s", "15m", "1h", "90")] == [30, 900, 3600, 90]
    for text in ("0s", "soon", "-5m", ""):
        with pytest.raises(StorylineError):
            duration(text)


def test_ssrf_refusal_checks_the_scheme_and_every_address() -> None:
    assert refusal("https://8.8.8.8/feed") is None
    for url, kind in [("http://127.0.0.1/x", "loopback"), ("http://localhost:8000/", "loopback"),
                      ("http://[::1]/", "loopback"), ("http://10.1.2.3/", "private"),
                      ("http://169.254.169.254/latest/meta-data/", "link-local"), ("http://[::ffff:192.168.0.1]/", "private"),
                      ("http://0.0.0.0/", "unspecified"), ("http://100.64.0.1/", "non-public")]:
        problem = refusal(url)
        assert problem is not None and f", a {kind} address" in problem, (url, problem)
    assert "only http and https" in (refusal("file:///etc/passwd") or "")
    assert "only http and https" in (refusal("gopher://example.invalid/") or "")
    assert address_kind("2001:4860:4860::8888") is None and address_kind("fe80::1%eth0") == "link-local"


def test_a_public_fetch_refuses_loopback_and_a_redirect_into_it(tmp_path: Path) -> None:
    with sites(1) as (site,):
        news_site(site)
        site.routes["/jump"] = (302, {"Location": f"{site.url}/a.html"}, b"")
        with watching(tmp_path) as watch:
            got = watch.fetcher.get(f"{site.url}/a.html", private=False)
            assert isinstance(got, Rejected) and got.code == Reason.REFUSED.value and "loopback" in got.reason
            assert site.paths() == []
            again = watch.fetcher.get(f"{site.url}/jump", private=True)
            assert isinstance(again, Fetched) and again.status == 200 and again.url == f"{site.url}/a.html"


def test_a_size_cap_stops_a_large_page(tmp_path: Path) -> None:
    with sites(1) as (site,):
        site.routes["/big.html"] = (200, HTML, b"<p>" + b"word " * 50_000 + b"</p>")
        with Fetcher(Settings().fetch, 10_000) as small:
            got = small.get(f"{site.url}/big.html", private=True)
        assert isinstance(got, Rejected) and got.code == Reason.TOO_LARGE.value


# ---------------------------------------------------------------- the real command
@pytest.mark.slow
def test_watch_once_twice_through_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    with sites(1) as (site,):
        news_site(site)
        first = run_cli("watch", f"{site.url}/feed.xml", "--once", "--db", db, env=FAST)
        err = first.stderr.decode()
        assert first.returncode == 0 and "Traceback" not in err, err
        assert "2 new" in err and "Chile and Norway" in first.stdout.decode()
        second = run_cli("watch", f"{site.url}/feed.xml", "--once", "--db", db, env=FAST)
        assert second.returncode == 0 and "(1 unchanged" in second.stderr.decode() and not second.stdout.strip()
        assert site.paths().count("/a.html") == 1 and site.paths()[-1] == "/feed.xml"
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from events").fetchone()[0] > 0
    bad = run_cli("watch", str(tmp_path / "missing.txt"), "--once", "--db", db)
    assert bad.returncode == 2 and "no source to watch" in bad.stderr.decode()


@pytest.mark.slow
def test_many_items_across_five_hosts_keep_per_host_spacing_and_flat_memory(tmp_path: Path) -> None:
    delay = 0.02
    with sites(5) as hosts:
        for h, site in enumerate(hosts):
            for n in range(200):
                site.routes[f"/n{n}.txt"] = (200, TEXT, tiny(h * 1000 + n))
            site.routes["/feed.xml"] = (200, {"Content-Type": RSS}, rss([(f"{site.url}/n{n}.txt", None) for n in range(200)]))
        small = _round_memory(tmp_path / "small", hosts, delay, 20)
        tracemalloc.start()
        started = time.monotonic()
        done = _round(tmp_path / "big", hosts, delay)
        seconds = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert done.summary.new == 1000 and done.pages == 1000
        for site in hosts:
            pages = [(t, p) for t, p, _ in site.log if p.startswith("/n")]
            assert len(pages) == 200 + 20 and len({p for _, p in pages[20:]}) == 200  # each page once per store
            times = sorted(t for t, _ in pages[20:])
            assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= delay * 0.9
        assert seconds < 200 * delay * 5 + 30, seconds  # hosts side by side, not one after another
    print(f"1000 pages, 5 hosts: {seconds:.1f} s, peak traced {peak / 1e6:.1f} MB (20 pages per host: {small / 1e6:.1f} MB)")
    assert peak < small * 3 + 4e6


def _round(folder: Path, hosts: list[Site], delay: float, per_host: int | None = None) -> Round:
    if per_host is not None:
        for site in hosts:
            site.routes["/feed.xml"] = (200, {"Content-Type": RSS},
                                        rss([(f"{site.url}/n{n}.txt", None) for n in range(per_host)]))
    with watching(folder, delay=delay) as watch:
        return run_round(watch, [f"{site.url}/feed.xml" for site in hosts])


def _round_memory(folder: Path, hosts: list[Site], delay: float, per_host: int) -> int:
    tracemalloc.start()
    _round(folder, hosts, delay, per_host)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    for site in hosts:
        site.routes["/feed.xml"] = (200, {"Content-Type": RSS}, rss([(f"{site.url}/n{n}.txt", None) for n in range(200)]))
    return peak


@pytest.mark.slow
def test_kill_9_mid_round_then_again_loses_nothing_and_refetches_nothing_stored(tmp_path: Path) -> None:
    db = str(tmp_path / "kill.db")

    def slow(n: int):  # noqa: ANN202 - a route
        def answer(_: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
            time.sleep(0.15)
            return 200, TEXT, tiny(n)
        return answer

    with sites(1) as (site,):
        for n in range(40):
            site.routes[f"/n{n}.txt"] = slow(n)
        site.routes["/feed.xml"] = (200, {"Content-Type": RSS}, rss([(f"{site.url}/n{n}.txt", None) for n in range(40)]))
        args = [sys.executable, "-m", "storyline", "watch", f"{site.url}/feed.xml", "--once", "--db", db]
        env = {**os.environ, **FAST}
        env.pop("STORYLINE_DB", None)
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while _stored(db) < 8 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        before = set(_stored_sources(db))
        assert 8 <= len(before) < 40, len(before)
        asked_before = len(site.log)
        again = run_cli("watch", f"{site.url}/feed.xml", "--once", "--db", db, env=FAST)
        assert again.returncode == 0, again.stderr.decode()
        asked_after = [site.url + p for _, p, _ in site.log[asked_before:]]
    assert not before & set(asked_after), "a stored page was fetched again"
    assert len(set(_stored_sources(db))) == 40  # nothing lost
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from sources where state != 'stored' and kind = 'page'").fetchone()[0] == 0
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"


def _stored(db: str) -> int:
    return len(_stored_sources(db))


def _stored_sources(db: str) -> list[str]:
    if not Path(db).exists():
        return []
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return [s for (s,) in con.execute("select source from articles")]
    except sqlite3.OperationalError:
        return []


@pytest.mark.slow
def test_sigterm_stops_a_watch_between_rounds_cleanly(tmp_path: Path) -> None:
    db = str(tmp_path / "term.db")
    with sites(1) as (site,):
        news_site(site)
        env = {**os.environ, **FAST}
        env.pop("STORYLINE_DB", None)
        process = subprocess.Popen([sys.executable, "-m", "storyline", "watch", f"{site.url}/feed.xml", "--every", "1h",
                                    "--db", db], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while _stored(db) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    text = err.decode()
    assert process.returncode == 0 and "Traceback" not in text, text
    assert "round 1:" in text and "SIGTERM: stopping" in text


@pytest.mark.slow
def test_upload_url_lists_fetch_loopback_only_with_allow_private_fetch(tmp_path: Path) -> None:
    from web_server import running_server

    with sites(1) as (site,):
        news_site(site)
        urls = f"{site.url}/a.html\n".encode()
        with running_server(_folder(tmp_path, "closed")) as server, server.client() as client:
            body = client.post("/api/url-lists", content=urls, headers={"content-type": "text/plain"}).json()
            assert body["stored"] == [] and [r["code"] for r in body["rejected"]] == [Reason.REFUSED.value]
            assert "loopback" in body["rejected"][0]["reason"] and site.paths() == []
        with running_server(_folder(tmp_path, "open"), "--allow-private-fetch") as server, server.client() as client:
            body = client.post("/api/url-lists", content=urls, headers={"content-type": "text/plain"}).json()
            assert body["rejected"] == [] and [s["url"] for s in body["stored"]] == [f"{site.url}/a.html"]
            article = client.get(f"/api/articles/{body['stored'][0]['article']}").json()
            assert "fishing agreement" in article["article"]["text"]
            again = client.post("/api/url-lists", content=urls, headers={"content-type": "text/plain"}).json()
            assert again["stored"] == body["stored"] and site.paths().count("/a.html") == 1  # fetched once
            page = client.get("/watch")
            assert page.status_code == 200 and f"{site.url}/a.html" in page.text


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


def test_a_watch_whose_every_source_fails_is_one_line_each_and_exit_1(tmp_path: Path) -> None:
    db = str(tmp_path / "fail.db")
    with sites(1) as (site,):
        site.routes["/notes.xml"] = (200, {"Content-Type": "application/xml"}, b"<?xml version='1.0'?><notes><n>1</n></notes>")
        closed = f"http://127.0.0.1:{free_port()}/feed.xml"  # nothing listens there
        result = run_cli("watch", f"{site.url}/gone.xml", f"{site.url}/notes.xml", closed, "--once", "--db", db, env=FAST)
    err = result.stderr.decode()
    lines = [line for line in err.splitlines() if line.strip()]
    assert result.returncode == 1 and "Traceback" not in err, err
    assert len(lines) == 4 and "[E030]" in lines[0] and "404" in lines[0] and "[E035]" in lines[1], err
    assert "robots.txt: cannot connect" in lines[2] and "[E032]" in lines[2]
    assert "round 1: 3 source(s) fetched (0 unchanged, 3 failed)" in lines[3]
    with sqlite3.connect(db) as con:
        assert {c for (c,) in con.execute("select code from rejections")} == {"E030", "E035", "E032"}
        assert con.execute(f"select state from sources where url = '{closed}'").fetchone() == ("failed",)


def test_a_public_listing_may_not_lead_to_an_internal_page_and_redirects_are_bounded(tmp_path: Path) -> None:
    from storyline.watch import internal_origin

    assert internal_origin("http://127.0.0.1:8080/feed.xml") and internal_origin("http://10.0.0.7/sitemap.xml")
    assert not internal_origin("https://8.8.8.8/feed.xml") and not internal_origin(None)
    with sites(1) as (site,), watching(tmp_path) as watch:
        for n in range(8):
            site.routes[f"/r{n}"] = (301, {"Location": f"/r{n + 1}"}, b"")
        got = watch.fetcher.get(f"{site.url}/r0", private=True)
        assert isinstance(got, Rejected) and got.code == Reason.REDIRECTS.value and "more than 5 redirects" in got.reason
        assert site.paths().count("/r5") == 1 and "/r6" not in site.paths()
