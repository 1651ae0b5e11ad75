"""The pages in a real headless Chromium (Debian's `chromium`, driven by Playwright), against
the real `storyline serve` process: upload the seed through the form, open its Trump–Putin
story, see planned → cancelled on the timeline, follow the evidence link to the highlighted
sentence. Screenshots of every page go to `test-artifacts/`.

In CI (CI set) a missing browser fails the tests; elsewhere it skips them.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT, SEED
from web_server import Server, running_server

pytestmark = pytest.mark.slow  # a real server and a real browser
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
BUDAPEST = "has no immediate plans to meet Russian counterpart Vladimir Putin"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs Debian's chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("browser"), max_bytes=200_000) as running:
        yield running


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems
    yield tab
    context.close()


def shot(page: Any, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def stats(server: Server) -> dict[str, int]:
    return httpx.get(f"{server.url}/api/stats", timeout=30).json()


def test_seed_upload_story_timeline_and_evidence(page: Any, server: Server) -> None:
    page.goto("/upload")
    shot(page, "01-upload-form")
    page.set_input_files("input[name=file]", str(SEED))
    page.fill("input[name=published]", "2025-10-21")
    with page.expect_navigation():
        page.click("form.upload button[type=submit]")
    assert re.search(r"/articles/[0-9a-f]{16}\?uploaded=(new|known)$", page.url), page.url
    assert "Stored:" in page.inner_text(".notice") or "already stored" in page.inner_text(".notice")
    shot(page, "02-article-uploaded")

    page.goto("/stories")
    page.fill("input[name=q]", "Trump Putin")
    page.select_option("select[name=status]", "cancelled")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    rows = page.locator("table.stories tbody tr")
    assert rows.count() == 1
    assert "cancelled" in rows.first.inner_text() and "conflicting sources" in rows.first.inner_text()
    assert rows.first.locator("a.story-link").inner_text().endswith("— called off")
    shot(page, "03-stories")
    with page.expect_navigation():
        rows.first.locator("a.story-link").click()

    # the story's title heads its page; the timeline: planned, then cancelled, each by colour and
    # label, the change marked
    assert page.locator("h1").inner_text().startswith("Trump–Putin meeting in Budapest")
    path = page.locator("ol.status-path .status").all_inner_texts()
    assert [s.strip("● ").strip() for s in path] == ["planned", "cancelled"]
    statuses = page.locator("ol.timeline li.claim").evaluate_all("els => els.map(e => e.dataset.status)")
    assert statuses.index("planned") < statuses.index("cancelled")
    called_off = page.locator("li.claim.changed", has_text="called off")
    assert called_off.count() == 1 and called_off.get_attribute("data-status") == "cancelled"
    colours = {s: page.locator(f"ol.timeline .status-{s}").first.evaluate("e => getComputedStyle(e).backgroundColor")
               for s in ("planned", "cancelled")}
    assert colours["planned"] != colours["cancelled"]
    assert page.locator(".side-by-side .side-planned").count() == 1
    assert page.locator(".side-by-side .side-cancelled").count() == 1
    shot(page, "04-story")

    # follow the evidence link of the cancellation to the highlighted sentence
    link = called_off.locator("a.evidence-link")
    target = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(target)
    current = page.locator("mark.evidence.current")
    current.first.wait_for()
    assert BUDAPEST in " ".join(current.all_inner_texts())
    assert current.first.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    box, height = current.first.bounding_box(), page.viewport_size["height"]
    assert box is not None and 0 <= box["y"] < height, (box, height)
    event_id = target.split("#ev-")[1]
    assert "current" in (page.locator(f"#event-{event_id}").get_attribute("class") or "")
    assert page.locator("section.removed").inner_text().count("appeal") >= 1
    shot(page, "05-article-evidence", full=False)
    assert not page.problems, page.problems


def test_events_table_filters_and_pages(page: Any, server: Server) -> None:
    seeded = httpx.post(f"{server.url}/api/articles", json={"text": SEED.read_text("utf-8"), "published": "2025-10-21"},
                        timeout=120)
    assert seeded.status_code in (200, 201), seeded.text  # 200: the form upload above stored it already
    page.goto("/events")
    page.fill("input[name=actor]", "Putin")
    page.select_option("select[name=status]", "planned")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    rows = page.locator("table.events tbody tr")
    assert rows.count() >= 1
    assert all("planned" in t for t in rows.locator("td:nth-child(2)").all_inner_texts())
    shot(page, "06-events-filtered")
    page.goto("/events?limit=5")
    with page.expect_navigation():
        page.click("a[rel=next]")
    assert "offset=5" in page.url and page.locator("table.events tbody tr").count() == 5
    shot(page, "07-events-page-2")
    assert not page.problems, page.problems


def test_bad_upload_in_the_form_shows_the_error_and_stores_nothing(page: Any, server: Server, tmp_path: Path) -> None:
    before = stats(server)
    picture = tmp_path / "photo.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    page.goto("/upload")
    page.set_input_files("input[name=file]", str(picture))
    with page.expect_navigation() as navigation:
        page.click("form.upload button[type=submit]")
    assert navigation.value.status == 415
    assert "unsupported_media_type" in page.inner_text(".error-box")
    shot(page, "08-upload-error")
    assert stats(server) == before


def test_api_page(page: Any, server: Server) -> None:
    page.goto("/docs")
    assert page.locator("section.endpoint").count() >= 9
    shot(page, "09-api-docs")
    assert not page.problems, page.problems


def test_watch_page(page: Any, server: Server) -> None:
    httpx.post(f"{server.url}/api/url-lists", content=b"https://feeds.example.invalid/rss\n",
               headers={"content-type": "text/plain"}, timeout=60)
    page.goto("/watch")
    assert page.locator("h1").inner_text() == "Watch"
    assert "https://feeds.example.invalid/rss" in page.inner_text("main")
    assert page.locator("nav a[aria-current=page]").inner_text() == "Watch"
    shot(page, "10-watch")
    assert not page.problems, page.problems
