"""The web app and JSON API, through the real `storyline serve` process over HTTP.

One server per module holds the seed (posted through the API); tests that need an empty or a
busy store start their own. Every error is checked for the one error shape.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter

from conftest import ROOT, SEED, coded_error, read_only, run_cli
from storyline import store
from storyline.errors import Reason, reject
from storyline.settings import db_url
from storyline.web import schemas
from web_server import HOST, Server, free_port, running_server

# Every test here talks to a real `storyline serve` (started once per module, model and
# worker process included): server tests are slow.
pytestmark = pytest.mark.slow
MAX_BYTES = 200_000
PUBLISHED = "2025-10-21"
SEED_TEXT = SEED.read_text("utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("web"), max_bytes=MAX_BYTES) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def seeded(client: httpx.Client) -> dict[str, Any]:
    """The seed, posted once as JSON: the response body."""
    response = client.post("/api/articles", json={"text": SEED_TEXT, "published": PUBLISHED})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
def summit(client: httpx.Client, seeded: dict[str, Any]) -> dict[str, Any]:
    """The Trump–Putin Budapest story of the seed (planned, then cancelled)."""
    found = client.get("/api/stories", params={"q": "Trump Putin", "status": "cancelled"}).json()
    assert found["total"] == 1, found
    return client.get(f"/api/stories/{found['items'][0]['id']}").json()


def error_of(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response's error object, checked to be the one error shape."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def conforms(model: Any, value: Any) -> None:
    TypeAdapter(model).validate_python(value)


# ---------------------------------------------------------------- POST an article
def test_posting_the_seed_returns_its_events_and_stories(seeded: dict[str, Any]) -> None:
    conforms(schemas.StoredArticleOut, seeded)
    assert seeded["stored"] is True and seeded["stories"]
    article = seeded["article"]
    assert article["published"] == PUBLISHED and article["published_source"] == "user"
    assert article["removed"][0]["reason"] == "appeal"
    calls = [e for e in seeded["events"] if e["type"] == "CONSULT" and e["mode"] == "phone"
             and {a["name"] for a in e["actors"]} == {"Marco Rubio"}]
    assert calls and calls[0]["date"]["start"] == "2025-10-20"
    for event in seeded["events"]:
        ev = event["evidence"]
        assert article["text"][ev["start"]:ev["end"]] == ev["sentence"]


def test_posting_the_same_article_again_changes_nothing(client: httpx.Client, seeded: dict[str, Any]) -> None:
    before = client.get("/api/stats").json()
    again = client.post("/api/articles", json={"text": SEED_TEXT, "published": PUBLISHED})
    assert again.status_code == 200 and again.json()["stored"] is False
    assert again.json()["article"]["id"] == seeded["article"]["id"]
    assert [e["id"] for e in again.json()["events"]] == [e["id"] for e in seeded["events"]]
    assert client.get("/api/stats").json() == before


def test_text_plain_and_multipart_bodies_are_accepted(client: httpx.Client, seeded: dict[str, Any]) -> None:
    raw = client.post("/api/articles", params={"published": PUBLISHED}, content=SEED_TEXT.encode(),
                      headers={"content-type": "text/plain; charset=utf-8"})
    form = client.post("/api/articles", data={"published": PUBLISHED},
                       files={"file": ("seed.txt", SEED_TEXT.encode(), "text/plain")})
    urlencoded = client.post("/api/articles", data={"text": SEED_TEXT, "published": PUBLISHED})
    for response in (raw, form, urlencoded):
        assert response.status_code == 200, response.text  # the seed is already stored
        assert response.json()["article"]["id"] == seeded["article"]["id"]


def test_html_is_cleaned_and_its_events_extracted(client: httpx.Client) -> None:
    html = ("<html><head><title>Talks</title></head><body><article><h1>Talks in Geneva</h1>"
            "<p>Russian Foreign Minister Sergei Lavrov met U.S. Secretary of State Marco Rubio in Geneva on Monday, "
            "the ministries said.</p><p>Both sides called the talks useful and agreed to meet again.</p>"
            "</article></body></html>")
    response = client.post("/api/articles", json={"html": html, "published": "2025-11-04", "outlet": "Example"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert "<p>" not in body["article"]["text"] and "Lavrov" in body["article"]["text"]
    assert any(e["type"] == "CONSULT" for e in body["events"])


# ---------------------------------------------------------------- reading the API
def test_story_api_shows_planned_then_cancelled_with_sources(summit: dict[str, Any]) -> None:
    conforms(schemas.StoryDetailOut, summit)
    statuses = [c["status"] for c in summit["claims"]]
    assert "planned" in statuses and "cancelled" in statuses
    assert statuses.index("planned") < statuses.index("cancelled")
    assert summit["status"] == "cancelled" and summit["conflict"] is True
    assert summit["title"].startswith("Trump–Putin meeting in Budapest, ") and summit["title"].endswith(" — called off")
    assert {c["change"] for c in summit["claims"]} >= {"announced", "called off"}
    says = {(c["attributed_to"] or {}).get("name") for c in summit["claims"]}
    assert {"Donald Trump", "Kremlin"} <= says
    assert any(c["attributed_to"] and c["attributed_to"]["anonymous"] for c in summit["claims"])


def test_story_list_search_status_and_paging(client: httpx.Client, seeded: dict[str, Any]) -> None:
    every = client.get("/api/stories", params={"limit": 500, "all": "true"}).json()
    conforms(schemas.StoryPageOut, every)
    assert every["total"] == len(every["items"]) >= 5 and every["hidden"] == 0
    shown = client.get("/api/stories", params={"limit": 500}).json()
    assert shown["total"] + shown["hidden"] == every["total"] and shown["hidden"] > 0
    first, second = (client.get("/api/stories", params={"limit": 2, "offset": o, "all": "true"}).json() for o in (0, 2))
    assert [s["id"] for s in first["items"] + second["items"]] == [s["id"] for s in every["items"][:4]]
    rubio = client.get("/api/stories", params={"q": "rubio lavrov"}).json()["items"]
    assert rubio and all({"Marco Rubio", "Sergei Lavrov"} <= {p["name"] for p in s["participants"]} for s in rubio)
    occurred = client.get("/api/stories", params={"status": "occurred"}).json()["items"]
    assert occurred and all(s["status"] == "occurred" for s in occurred)
    assert client.get("/api/stories", params={"since": "2030-01-01"}).json()["total"] == 0


def test_story_prefix_and_unknown_story(client: httpx.Client, summit: dict[str, Any]) -> None:
    assert client.get(f"/api/stories/{summit['id'][:6]}").json()["id"] == summit["id"]
    error_of(client.get("/api/stories/ffffffffffff"), 404, "not_found")


@pytest.mark.parametrize(("params", "check"), [
    ({"actor": "Putin"}, lambda e: any("Putin" in a["name"] for a in e["actors"] + e["recipients"])),
    ({"actor": "RUS"}, lambda e: any(a["country"] == "RUS" for a in e["actors"] + e["recipients"])),
    ({"country": "HUN"}, lambda e: (e["location"] or {}).get("country") == "HUN"),
    ({"type": "consult"}, lambda e: e["type"] == "CONSULT"),
    ({"status": "planned"}, lambda e: e["status"] == "planned"),
    ({"from": "2025-10-16", "to": "2025-10-16"}, lambda e: e["date"]["start"] <= "2025-10-16" <= e["date"]["end"]),
    ({"q": "Budapest"}, lambda e: "budapest" in e["evidence"]["sentence"].lower()),
])
def test_event_filters(client: httpx.Client, seeded: dict[str, Any], params: dict[str, str], check: Any) -> None:
    page = client.get("/api/events", params={**params, "limit": 500}).json()
    conforms(schemas.PageOut[schemas.ListedEventOut], page)
    assert page["items"], params
    assert all(check(e) for e in page["items"]), params
    assert page["total"] < client.get("/api/events", params={"limit": 1}).json()["total"]


def test_event_paging_and_lookup(client: httpx.Client, seeded: dict[str, Any]) -> None:
    whole = client.get("/api/events", params={"limit": 500}).json()
    pages = [client.get("/api/events", params={"limit": 5, "offset": o}).json() for o in range(0, whole["total"], 5)]
    assert [e["id"] for p in pages for e in p["items"]] == [e["id"] for e in whole["items"]]
    assert all(p["total"] == whole["total"] for p in pages)
    one = whole["items"][0]
    got = client.get(f"/api/events/{one['id']}").json()
    conforms(schemas.ListedEventOut, got)
    assert got == one and got["article"] and got["story"]
    error_of(client.get("/api/events/0000000000000000"), 404, "not_found")


def test_articles_list_and_get(client: httpx.Client, seeded: dict[str, Any]) -> None:
    listed = client.get("/api/articles").json()
    conforms(schemas.PageOut[schemas.ArticleRowOut], listed)
    row = next(a for a in listed["items"] if a["id"] == seeded["article"]["id"])
    assert row["events"] == len(seeded["events"]) and row["removed"] == 1
    got = client.get(f"/api/articles/{seeded['article']['id'][:8]}").json()
    conforms(schemas.ArticleResultOut, got)
    assert got["article"] == seeded["article"] and got["events"] == seeded["events"]
    assert sorted(got["stories"]) == sorted(seeded["stories"])
    error_of(client.get("/api/articles/ffffffff"), 404, "not_found")


def test_openapi_documents_every_endpoint_and_the_error_shape(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path, method in [("/api/stories", "get"), ("/api/stories/{story_id}", "get"), ("/api/events", "get"),
                         ("/api/events/{event_id}", "get"), ("/api/articles", "get"), ("/api/articles", "post"),
                         ("/api/articles/{article_id}", "get"), ("/api/url-lists", "post")]:
        assert method in paths[path], (path, method)
    post = paths["/api/articles"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data",
                                                   "application/x-www-form-urlencoded", "text/plain", "text/html"}
    for status in ("403", "413", "415", "422"):
        assert post["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "HTTPValidationError" not in json.dumps(schema)  # FastAPI's own 422 shape is never documented


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/api/nothing-here", 404, "not_found"),
    ("GET", "/api/stories/zz", 404, "not_found"),
    ("DELETE", "/api/stories", 405, "method_not_allowed"),
    ("GET", "/api/stories?status=maybe", 422, "validation_error"),
    ("GET", "/api/stories?limit=0", 422, "validation_error"),
    ("GET", "/api/stories?since=yesterday", 422, "validation_error"),
    ("GET", "/api/events?from=2025-02-30", 422, "validation_error"),
    ("GET", "/api/events?offset=-1", 422, "validation_error"),
    ("GET", "/api/articles?limit=100000", 422, "validation_error"),
])
def test_every_api_error_has_the_one_shape(
        client: httpx.Client, method: str, path: str, status: int, code: str) -> None:
    error = error_of(client.request(method, path), status, code)
    if status == 422:
        assert error["detail"] and {"loc", "msg", "type"} <= set(error["detail"][0])


@pytest.mark.parametrize(("path", "status"), [("/no-such-page", 404), ("/stories/ffffffffffff", 404),
                                              ("/articles/ffffffff", 404), ("/events?status=maybe", 422),
                                              ("/events?from=notadate", 422), ("/stories?limit=x", 422)])
def test_page_errors_show_the_same_code_in_html(client: httpx.Client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status and response.headers["content-type"].startswith("text/html")
    assert ("not_found" if status == 404 else "validation_error") in response.text


BIG = b"word " * (MAX_BYTES // 5 + 100)              # over the upload cap, inside the body allowance
HUGE = b"x" * (MAX_BYTES * 3)                       # over the request body limit


def _chunks(data: bytes, size: int = 65536) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


BAD_UPLOADS: list[tuple[str, dict[str, Any], int, str]] = [
    ("binary file", {"files": {"file": ("blob.bin", bytes(range(256)) * 64, "application/octet-stream")}}, 415,
     "unsupported_media_type"),
    ("png named .txt", {"files": {"file": ("a.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 500, "text/plain")}}, 415,
     "unsupported_media_type"),
    ("pdf body", {"content": b"%PDF-1.7\n...", "headers": {"content-type": "text/plain"}}, 415,
     "unsupported_media_type"),
    ("empty file", {"files": {"file": ("empty.txt", b"", "text/plain")}}, 422, "empty_upload"),
    ("blank text", {"content": b"  \n\t\n", "headers": {"content-type": "text/plain"}}, 422, "empty_upload"),
    ("empty form", {"data": {"published": PUBLISHED}, "files": {"none": ("", b"", "text/plain")}}, 422, "empty_upload"),
    ("over the cap", {"files": {"file": ("big.txt", BIG, "text/plain")}}, 413, "payload_too_large"),
    ("huge body", {"content": HUGE, "headers": {"content-type": "text/plain"}}, 413, "payload_too_large"),
    ("huge chunked body", {"content": _chunks(HUGE), "headers": {"content-type": "text/plain"}}, 413,
     "payload_too_large"),
    ("wrong content type", {"content": b"hello", "headers": {"content-type": "application/pdf"}}, 415,
     "unsupported_media_type"),
    ("no content type", {"content": b"hello"}, 415, "unsupported_media_type"),
    ("html without text", {"content": b"<html><body><script>var x = 1;</script></body></html>",
                           "headers": {"content-type": "text/html"}}, 422, "no_article_text"),
    ("two jsonl records", {"files": {"file": ("a.jsonl", b'{"text": "One."}\n{"text": "Two."}\n', "text/plain")}},
     422, "bad_upload"),
    ("url list", {"files": {"file": ("urls.txt", b"https://example.org/a\n", "text/plain")}}, 422, "url_list"),
    ("url list as text", {"content": b"https://example.org/a\n", "headers": {"content-type": "text/plain"}}, 422,
     "url_list"),
    ("form text over the cap", {"data": {"text": "word " * (MAX_BYTES // 5 + 100)}, "files": {"x": ("", b"", "")}},
     413, "payload_too_large"),
    ("urlencoded text over the cap", {"data": {"text": "word " * (MAX_BYTES // 5 + 100)}}, 413, "payload_too_large"),
    ("from another site", {"json": {"text": SEED_TEXT + "\nMore."}, "headers": {"origin": "http://evil.example"}},
     403, "forbidden_origin"),
    ("bad date", {"json": {"text": "Putin met Trump.", "published": "21/10/2025"}}, 422, "validation_error"),
    ("date after the range", {"json": {"text": "Putin spoke by telephone on Thursday with Trump, the Kremlin said.",
                                       "published": "9999-12-31"}}, 422, "validation_error"),
    ("date before the range", {"content": b"Trump spoke by telephone on Thursday with Putin.", "params": {
        "published": "1899-12-31"}, "headers": {"content-type": "text/plain"}}, 422, "validation_error"),
    ("form date after the range", {"data": {"text": "Putin met Trump.", "published": "9999-12-31"}}, 422,
     "validation_error"),
    ("jsonl record dated 9999", {"files": {"file": ("a.jsonl", b'{"text": "Putin met Trump.", "published": '
                                                               b'"9999-12-31"}\n', "text/plain")}}, 422, "bad_upload"),
    ("text and html", {"json": {"text": "a", "html": "<p>b</p>"}}, 422, "validation_error"),
    ("unknown field", {"json": {"text": "a", "body": "b"}}, 422, "validation_error"),
    ("broken json", {"content": b'{"text": ', "headers": {"content-type": "application/json"}}, 422,
     "validation_error"),
]


@pytest.mark.parametrize(("name", "request_args", "status", "code"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_uploads_get_the_error_shape_and_leave_the_store_unchanged(
        client: httpx.Client, seeded: dict[str, Any], name: str, request_args: dict[str, Any], status: int,
        code: str) -> None:
    before = client.get("/api/stats").json()
    error_of(client.post("/api/articles", **request_args), status, code)
    assert client.get("/api/stats").json() == before, name


def test_a_lone_surrogate_in_an_upload_is_replaced_not_a_server_error(client: httpx.Client) -> None:
    record = b'{"text": "The mayor met the union leaders in the capital on Monday. \\ud800 Talks go on."}\n'
    response = client.post("/api/articles", files={"file": ("one.jsonl", record, "text/plain")})
    assert response.status_code == 201, response.text[:500]
    assert "capital on Monday. \ufffd Talks go on." in response.json()["article"]["text"]
    error_of(client.post("/api/articles", content=b'{"text": "a \\ud800"}',
                         headers={"content-type": "application/json"}), 422, "validation_error")


def test_bad_uploads_through_the_form_show_the_error_and_store_nothing(
        client: httpx.Client, seeded: dict[str, Any]) -> None:
    before = client.get("/api/stats").json()
    for files, status, code in [({"file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")}, 415,
                                  "unsupported_media_type"),
                                ({"file": ("big.txt", BIG, "text/plain")}, 413, "payload_too_large"),
                                ({"file": ("e.txt", b"", "text/plain")}, 422, "empty_upload")]:
        response = client.post("/upload", files=files)
        assert response.status_code == status and code in response.text and "Nothing was stored" in response.text
    assert client.get("/api/stats").json() == before


def test_url_lists_are_fetched_and_failures_recorded(client: httpx.Client) -> None:
    """Hosts under .invalid never resolve (RFC 2606): each URL is tried and recorded as E038;
    the fetching itself is tested against real servers in test_watch.py."""
    urls = b"# two pages\nhttps://news.example.invalid/1\n\nhttp://news.example.invalid/2\n"
    before = client.get("/api/stats").json()
    done = client.post("/api/url-lists", content=urls, headers={"content-type": "text/plain"})
    assert done.status_code == 200, done.text
    conforms(schemas.UrlListOut, done.json())
    body = done.json()
    assert body["urls"] == 2 and body["recorded"] == 2 and body["stored"] == []
    assert all(r["code"] == "E038" and "news.example.invalid" in r["reason"] for r in body["rejected"])
    after = client.get("/api/stats").json()
    assert after["rejections"] == before["rejections"] + 2 and after["articles"] == before["articles"]
    again = client.post("/upload", files={"file": ("urls.txt", urls, "text/plain")})
    assert again.status_code == 200 and "https://news.example.invalid/1" in again.text and "E038" in again.text
    assert client.get("/api/stats").json() == after  # recorded once per URL
    listed = client.get("/api/rejections").json()
    assert {"https://news.example.invalid/1", "http://news.example.invalid/2"} <= {r["source"] for r in listed}
    watch = client.get("/watch")
    assert watch.status_code == 200 and "https://news.example.invalid/1" in watch.text and "E038" in watch.text
    error_of(client.post("/api/url-lists", content=b"not a url\n", headers={"content-type": "text/plain"}),
             422, "bad_upload")


# ---------------------------------------------------------------- pages
def test_pages_render_the_seed(client: httpx.Client, seeded: dict[str, Any], summit: dict[str, Any]) -> None:
    article_id = seeded["article"]["id"]
    article = client.get(f"/articles/{article_id}")
    assert article.status_code == 200
    for event in seeded["events"]:
        assert f'id="ev-{event["id"]}"' in article.text
    assert article.text.count('<mark class="evidence"') >= 1 and "Remind me later." in article.text
    assert "appeal" in article.text
    story = client.get(f"/stories/{summit['id']}").text
    assert "status-planned" in story and "status-cancelled" in story and "called off" in story
    assert f'href="/articles/{article_id}#ev-' in story and 'class="side side-cancelled"' in story
    stories = client.get("/stories", params={"q": "Trump Putin", "status": "cancelled"}).text
    assert f'href="/stories/{summit["id"]}"' in stories
    events = client.get("/events", params={"actor": "Putin", "status": "cancelled"}).text
    assert "status-cancelled" in events and "status-occurred" not in events
    for path in ("/articles", "/upload", "/docs", "/static/style.css", "/static/app.js"):
        assert client.get(path).status_code == 200, path


def test_pages_escape_article_text_and_send_a_strict_csp(client: httpx.Client) -> None:
    text = ("Hostile <script>alert('x')</script> markup\n\nPutin met Trump in Budapest on Friday, "
            "<img src=x onerror=alert(1)> the Kremlin said.")
    posted = client.post("/api/articles", json={"text": text, "published": PUBLISHED,
                                                  "url": "javascript:alert(1)"})
    assert posted.status_code == 201, posted.text
    page = client.get(f"/articles/{posted.json()['article']['id']}")
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert "<img src=x" not in page.text and 'href="javascript:' not in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


# ---------------------------------------------------------------- under load and faults
def _variants(folder: Path, count: int) -> Path:
    """`count` distinct articles (different content hashes) made from the seed."""
    folder.mkdir()
    for i in range(count):
        (folder / f"a{i:03d}.txt").write_text(f"{SEED_TEXT}\n\nUpdate {i}: Lavrov met Rubio in Geneva on Monday.\n",
                                              "utf-8")
    return folder


def test_reads_keep_answering_while_a_batch_ingest_writes(tmp_path: Path) -> None:
    count = 40  # more than one extraction batch (32): the store holds 32 while the rest is extracted
    inputs = _variants(tmp_path / "inputs", count)
    with running_server(tmp_path) as server, server.client(timeout=30) as client:
        env = {k: v for k, v in os.environ.items() if k != "STORYLINE_DB"}
        batch = subprocess.Popen(
            [sys.executable, "-m", "storyline", "process", str(inputs), "--published", PUBLISHED, "--db",
             str(server.db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        seen, failures, slowest = set(), [], 0.0
        deadline = time.monotonic() + 300
        try:
            while batch.poll() is None and time.monotonic() < deadline:
                for path in ("/api/articles?limit=1", "/api/stories?limit=20", "/api/events?limit=20", "/stories"):
                    began = time.perf_counter()
                    response = client.get(path)
                    slowest = max(slowest, time.perf_counter() - began)
                    if response.status_code != 200:
                        failures.append((path, response.status_code, response.text[:200]))
                    elif path.startswith("/api/articles"):
                        seen.add(response.json()["total"])
        finally:
            if batch.poll() is None:
                batch.kill()
            _, stderr = batch.communicate(timeout=60)
        assert batch.returncode == 0, stderr.decode()[-2000:]
        assert not failures, failures[:3]
        assert len(seen - {0, count}) >= 1, f"no read saw the batch half-way: {sorted(seen)}"
        assert slowest < 10, f"a read took {slowest:.1f} s during the batch"
        assert client.get("/api/articles").json()["total"] == count


def test_tiny_load_run_has_no_errors(server: Server, seeded: dict[str, Any]) -> None:
    """A small bounded run of `bench/load.py` (the real figures come from running it by hand)."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), "--url", server.url, "--clients", "4",
                           "--seconds", "2", "--json"], capture_output=True, timeout=120)
    result = json.loads(done.stdout)
    assert done.returncode == 0 and result["errors"] == 0, result
    assert result["requests"] > 0 and set(result["endpoints"]) >= {"story", "events"}


# ---------------------------------------------------------------- hostile requests and addresses
HUGE_NUMBERS = [str(2 ** 63), str(2 ** 64 + 5), "9" * 40]


@pytest.mark.parametrize("path", ["/api/stories", "/api/events", "/api/articles"])
def test_huge_offsets_are_a_validation_error_not_a_crash(client: httpx.Client, path: str) -> None:
    for number in HUGE_NUMBERS:
        error = error_of(client.get(path, params={"offset": number}), 422, "validation_error")
        assert error["detail"][0]["loc"][-1] == "offset"
    assert client.get(path, params={"offset": 10 ** 9}).json()["items"] == []


@pytest.mark.parametrize("path", ["/stories", "/events", "/articles"])
def test_huge_offsets_on_pages_are_a_validation_error(client: httpx.Client, path: str) -> None:
    for number in HUGE_NUMBERS:
        response = client.get(path, params={"offset": number})
        assert response.status_code == 422 and "validation_error" in response.text, response.text[:300]


def test_unknown_host_headers_are_refused(client: httpx.Client, server: Server, seeded: dict[str, Any]) -> None:
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 sends its own
    name as Host (and as Origin, so the Origin check alone would let its writes through)."""
    port = server.url.rsplit(":", 1)[1]
    before = client.get("/api/stats").json()
    for path in ("/api/health", "/api/stories", "/stories"):
        error = error_of(client.get(path, headers={"host": f"evil.example:{port}"}), 400, "unknown_host")
        assert "evil.example" in error["message"] and "--allowed-host" in error["message"]
    rebound = {"host": f"evil.example:{port}", "origin": f"http://evil.example:{port}"}
    error_of(client.post("/api/url-lists", content=b"https://example.org/x\n",
                         headers={**rebound, "content-type": "text/plain"}), 400, "unknown_host")
    assert client.get("/api/stats").json() == before
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "LOCALHOST"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host


def test_all_interfaces_warn_and_allowed_hosts_are_answered(tmp_path: Path) -> None:
    with running_server(tmp_path, "--host", "0.0.0.0", "--allowed-host", "news.example.org") as server, \
            server.client(timeout=30) as client:
        assert client.get("/api/health", headers={"host": "news.example.org"}).status_code == 200
        assert client.get("/api/health", headers={"host": "NEWS.example.org:8080"}).status_code == 200
        error_of(client.get("/api/health", headers={"host": "other.example.org"}), 400, "unknown_host")
        log = server.log_tail()
    warning = [line for line in log.splitlines() if "warning" in line.lower()]
    assert warning and "0.0.0.0" in warning[0] and "no authentication" in warning[0], log


def test_loopback_serves_without_a_warning(server: Server) -> None:
    assert "warning" not in server.log_tail().lower()


def test_a_port_that_cannot_be_used_is_one_coded_line(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    assert "99999" in coded_error(run_cli("serve", "--db", db, "--port", "99999", timeout=60), "E120")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert port in coded_error(run_cli("serve", "--db", db, "--port", port, timeout=60), "E120")
    assert "no.such.host.invalid" in coded_error(
        run_cli("serve", "--db", db, "--host", "no.such.host.invalid", "--port", str(free_port()), timeout=60),
        "E120")


def test_a_read_only_store_is_served_and_writes_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "store.db"
    engine = store.connect(db_url(str(db)))
    store.save_rejection(engine, reject("https://example.org/old", Reason.UNREADABLE, detail="not fetched"))
    engine.dispose()
    with read_only(db, folder), running_server(tmp_path, "--db", str(db)) as server, \
            server.client(timeout=30) as client:
        assert [r["source"] for r in client.get("/api/rejections").json()] == ["https://example.org/old"]
        assert client.get("/stories").status_code == 200
        error = error_of(client.post("/api/url-lists", content=b"https://example.org/new\n",
                                     headers={"content-type": "text/plain"}), 503, "read_only_store")
        assert error["detail"]["reason_code"] == "E103"
        assert client.get("/api/stats").json()["rejections"] == 1
