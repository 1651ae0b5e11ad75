"""Significance order, hidden stories and curation edits, on real SQLite stores built by the
real CLI from invented articles: merge, split, rename and reject survive processing a new
article about the same story and a full relink; undo; the same articles in another order (or
twice) with the same edits give the same stories; the API's edits through the real server."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import coded_error, json_lines, run_cli
from storyline import curation, store
from storyline.model import Actor, Claim, Evidence, Reach, Story
from storyline.output import story_dict
from storyline.settings import db_url
from web_server import running_server

pytestmark = pytest.mark.slow

# invented reports: a planned then held meeting, a trade agreement reported twice, a protest by
# unnamed people, and a third article about the meeting
ARTICLES = {
    "a1": ("2026-02-20", "Daily Ledger", "Leaders to meet in Lisbon\n\nChancellor Olaf Scholz will meet President Emmanuel "
           "Macron in Lisbon on March 3, officials said on Monday. The two leaders plan to discuss energy prices.\n\n"
           "Japan and South Korea signed a trade agreement in Tokyo on Sunday, the ministries said.\n\n"
           "People protested in Madrid against rising rents."),
    "a2": ("2026-03-04", "Morning Wire", "Lisbon talks held\n\nOlaf Scholz and Emmanuel Macron met in Lisbon on March 3, "
           "their offices said. The meeting lasted three hours.\n\nJapan and South Korea signed a trade agreement in "
           "Tokyo last month, officials recalled."),
    "a3": ("2026-03-05", "Evening Post", "After Lisbon\n\nOlaf Scholz and Emmanuel Macron met in Lisbon on March 3, aides "
           "said on Thursday. Both sides called the talks useful."),
}


def article(folder: Path, name: str) -> str:
    published, outlet, text = ARTICLES[name]
    path = folder / f"{name}.jsonl"
    path.write_text(json.dumps({"text": text, "published": published, "outlet": outlet,
                                "url": f"https://{name}.example/"}) + "\n", "utf-8")
    return str(path)


def ok(*args: str) -> Any:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr.decode()
    return result


def stories_of(db: str, *options: str) -> list[dict]:
    return json_lines(ok("stories", "--format", "json", "--db", db, *options).stdout)


def story(db: str, story_id: str) -> dict:
    return json_lines(ok("story", story_id, "--format", "json", "--db", db).stdout)[0]


def every_story(db: str) -> list[dict]:
    """Every story with its claims, by id, as `storyline story ID --format json` prints it
    (read through the library: one CLI run per story would take a second each)."""
    engine = store.connect(db_url(db), write=False)
    try:
        found = [store.load_story(engine, s.id) for s in store.list_stories(engine)]
        return sorted((story_dict(s, claims=True) for s in found if s is not None), key=lambda s: s["id"])
    finally:
        engine.dispose()


def holding(db: str, event_id: str) -> dict | None:
    return next((s for s in every_story(db) if event_id in events_of(s)), None)


def events_of(found: dict) -> list[str]:
    return [c["event"] for c in found["claims"]]


def event_id(db: str, words: str) -> str:
    """The id of the stored event whose evidence sentence holds these words (exactly one)."""
    engine = store.connect(db_url(db), write=False)
    try:
        found = [e.id for e in store.load_events(engine) if words in e.evidence.sentence]
    finally:
        engine.dispose()
    assert len(found) == 1, (words, found)
    return found[0]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with articles a1 and a2, processed by the real CLI in one run."""
    folder = tmp_path_factory.mktemp("base")
    ok("process", article(folder, "a1"), article(folder, "a2"), "--db", str(folder / "store.db"))
    return folder


def copy_of(base: Path, folder: Path) -> str:
    for path in base.glob("store.db*"):
        shutil.copy(path, folder / path.name)
    return str(folder / "store.db")


# ---------------------------------------------------------------- significance
def significance(found: dict) -> int:
    statuses = [c["status"] for c in found["claims"]]
    changes = sum(1 for a, b in zip(statuses, statuses[1:], strict=False) if a != b)
    return found["reach"]["sources"] + found["articles"] + changes


def test_lists_rank_by_significance_and_hide_one_claim_and_generic_stories(base: Path, tmp_path: Path) -> None:
    db = copy_of(base, tmp_path)
    everything = every_story(db)
    rank = sorted(everything, key=lambda s: (-significance(s), -dt.date.fromisoformat(s["updated"]).toordinal(), s["id"]))
    hidden = [s for s in everything if len(s["claims"]) == 1 or all(p["name"].startswith("~") for p in s["participants"])]
    assert hidden and len(hidden) < len(everything)
    listed = run_cli("stories", "--format", "json", "--db", db)
    shown = [s["id"] for s in json_lines(listed.stdout)]
    assert shown == [s["id"] for s in rank if s not in hidden]
    assert f"{len(hidden)} more stor" in listed.stderr.decode() and "--all to show" in listed.stderr.decode()
    assert [s["id"] for s in stories_of(db, "--all")] == [s["id"] for s in rank]
    latest = sorted(everything, key=lambda s: (-dt.date.fromisoformat(s["updated"]).toordinal(), -s["articles"], s["id"]))
    assert [s["id"] for s in stories_of(db, "--all", "--order", "latest")] == [s["id"] for s in latest]
    two = [s["id"] for s in rank if s["articles"] >= 2]
    assert [s["id"] for s in stories_of(db, "--min-articles", "2")] == two and two
    # the export keeps every story
    exported = ok("export", "--format", "csv", "--table", "stories", "--db", db).stdout.decode()
    assert len(exported.splitlines()) == len(everything) + 1


def invented_story(names: tuple[str, ...], claims: int, sources: int, articles: int, statuses: tuple[str, ...]) -> Story:
    claim = [Claim(event_id=f"e{i}", article_id="a", published=None, status=s, date=None, location=None,
                   attributed_to=None, outlet=None, evidence=Evidence("x", 0, 1)) for i, s in enumerate(statuses)]
    return Story(id="s", type="CONSULT", participants=tuple(Actor(n, "ESP", "GOV") for n in names), location=None,
                 status=statuses[-1], conflict=False, claims=tuple(claim), articles=articles, n_claims=claims,
                 reach=Reach(articles, 1, sources, claims))


def test_significance_and_hiding_follow_their_definition() -> None:
    turns = invented_story(("Ana Lopez", "Ben Ortiz"), 3, 2, 2, ("planned", "cancelled", "planned"))
    assert curation.changes(turns) == 2 and curation.significance(turns) == 2 + 2 + 2 and not curation.hidden(turns)
    assert curation.hidden(invented_story(("Ana Lopez", "Ben Ortiz"), 1, 1, 1, ("occurred",)))
    unnamed = invented_story(("~officials", "~people"), 4, 3, 3, ("occurred",) * 4)
    assert curation.generic(unnamed) and curation.hidden(unnamed)
    assert not curation.generic(invented_story(("~officials", "Ana Lopez"), 2, 1, 1, ("occurred",) * 2))


# ---------------------------------------------------------------- curation through the CLI
def edit(db: str, *args: str) -> None:
    ok(*args, "--by", "Robin", "--db", db)


def make_edits(db: str) -> dict[str, str]:
    """Merge the meeting with the trade agreement, split the meeting's plan off, rename the
    merged story, reject "The meeting lasted three hours"; the event ids involved."""
    ids = {"held": event_id(db, "met in Lisbon on March 3, their offices"), "plan": event_id(db, "will meet President"),
           "trade": event_id(db, "signed a trade agreement in Tokyo on Sunday"), "false": event_id(db, "lasted three hours")}
    meeting, trade = holding(db, ids["held"]), holding(db, ids["trade"])
    assert meeting and trade and meeting["id"] != trade["id"] and ids["plan"] in events_of(meeting)
    edit(db, "story", "merge", meeting["id"][:6], trade["id"])
    merged = holding(db, ids["held"])
    assert merged is not None
    edit(db, "story", "split", merged["id"], "--claims", ids["plan"][:8])
    merged = holding(db, ids["held"])
    assert merged is not None
    edit(db, "story", "rename", merged["id"], "Lisbon and Tokyo, as one")
    edit(db, "event", "reject", ids["false"][:8], "--reason", "an aside, not a meeting")
    return ids


def assert_edits_hold(db: str, ids: dict[str, str]) -> dict:
    stories = every_story(db)
    merged = next(s for s in stories if ids["held"] in events_of(s))
    assert ids["trade"] in events_of(merged) and ids["plan"] not in events_of(merged)     # merge, split
    assert merged["title"] == "Lisbon and Tokyo, as one"                                   # rename
    (plan,) = [s for s in stories if ids["plan"] in events_of(s)]
    assert events_of(plan) == [ids["plan"]]
    assert all(ids["false"] not in events_of(s) for s in stories)                         # reject
    exported = ok("export", "--format", "plover", "--db", db).stdout.decode()
    assert ids["false"] not in exported and ids["held"] in exported
    return merged


def test_edits_survive_a_new_article_and_a_relink(base: Path, tmp_path: Path) -> None:
    db = copy_of(base, tmp_path)
    ids = make_edits(db)
    assert_edits_hold(db, ids)
    ok("process", article(tmp_path, "a3"), "--db", db)
    merged = assert_edits_hold(db, ids)
    new = event_id(db, "aides said on Thursday")
    assert new in events_of(merged)                      # the new report joined the merged story
    ok("relink", "--db", db)
    assert assert_edits_hold(db, ids)["id"] == merged["id"]
    listed = json_lines(ok("edits", "--format", "json", "--db", db).stdout)
    assert [e["kind"] for e in listed] == ["merge", "split", "rename", "reject"]
    assert {e["who"] for e in listed} == {"Robin"} and listed[3]["reason"] == "an aside, not a meeting"
    ok("edits", "undo", str(listed[2]["id"]), "--db", db)
    ok("edits", "undo", str(listed[3]["id"]), "--db", db)
    back = holding(db, ids["held"])
    assert back is not None and back["title"] != "Lisbon and Tokyo, as one" and back["title"].startswith("Scholz–Macron")
    assert holding(db, ids["false"]) is not None
    assert "already undone" in run_cli("edits", "undo", str(listed[2]["id"]), "--db", db).stderr.decode()


def test_bad_ids_are_one_line_errors(base: Path, tmp_path: Path) -> None:
    db = copy_of(base, tmp_path)
    for args, words in ((("story", "merge", "ffffffff", "ffffeeee"), "not in the store"),
                        (("story", "rename", "abc", "A title"), "not in the store"),
                        (("event", "reject", "ffffffffff"), "not in the store"),
                        (("edits", "undo", "99"), "no such edit")):
        result = run_cli(*args, "--db", db)
        err = result.stderr.decode()
        assert result.returncode != 0 and words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    first = stories_of(db)[0]
    result = run_cli("story", "split", first["id"], "--claims", ",".join(events_of(story(db, first["id"]))), "--db", db)
    assert result.returncode != 0 and "nothing to split" in result.stderr.decode()
    assert "two or more" in run_cli("story", "merge", first["id"], first["id"][:6], "--db", db).stderr.decode()
    assert json_lines(ok("edits", "--format", "json", "--db", db).stdout) == []
    assert "E102" in coded_error(run_cli("edits", "--db", str(Path(article(tmp_path, "a1")))), "E102")


def test_same_stories_and_titles_in_any_order_or_twice_with_edits(base: Path, tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    first = copy_of(base, tmp_path / "one")
    ids = make_edits(first)
    ok("process", article(tmp_path, "a3"), "--db", first)
    other = str(tmp_path / "other.db")
    for name in ("a2", "a1"):
        ok("process", article(tmp_path, name), "--db", other)
    make_edits(other)
    ok("process", article(tmp_path, "a3"), article(tmp_path, "a1"), "--db", other)  # a1 for the second time
    assert every_story(other) == every_story(first)
    assert [s["title"] for s in stories_of(other)] == [s["title"] for s in stories_of(first)]
    assert_edits_hold(other, ids)


# ---------------------------------------------------------------- the API
@pytest.fixture
def client(base: Path, tmp_path: Path) -> Iterator[Any]:
    copy_of(base, tmp_path)
    with running_server(tmp_path) as server, server.client() as http:
        yield http


def test_api_lists_and_edits(client: Any) -> None:
    shown = client.get("/api/stories").json()
    every = client.get("/api/stories", params={"all": "true", "limit": 500}).json()
    assert shown["hidden"] == every["total"] - shown["total"] > 0 and every["hidden"] == 0
    assert {s["id"] for s in shown["items"]} < {s["id"] for s in every["items"]}
    assert all(s["articles"] >= 2 for s in client.get("/api/stories", params={"min_articles": 2}).json()["items"])
    meeting, trade = (s for s in shown["items"] if s["articles"] == 2)
    refused = client.post(f"/api/stories/{meeting['id']}/merge", json={"stories": [trade["id"]]},
                          headers={"Origin": "https://elsewhere.example"})
    assert refused.status_code == 403 and client.get("/api/edits").json() == []
    assert client.post("/api/stories/ffffffff/merge", json={"stories": [trade["id"]]}).status_code == 404
    done = client.post(f"/api/stories/{meeting['id'][:6]}/merge", json={"stories": [trade["id"]], "by": "Kim"})
    assert done.status_code == 200 and done.json()["kind"] == "merge" and done.json()["who"] == "Kim"
    merged = [s for s in client.get("/api/stories", params={"all": "true"}).json()["items"] if s["articles"] == 2]
    assert len(merged) == 1
    detail = client.get(f"/api/stories/{merged[0]['id']}").json()
    claims = [c["event"] for c in detail["claims"]]
    assert client.post(f"/api/stories/{merged[0]['id']}/split", json={"claims": claims}).status_code == 422
    assert client.post(f"/api/stories/{merged[0]['id']}/split", json={"claims": claims[:1]}).status_code == 200
    renamed = client.post(f"/api/stories/{merged[0]['id']}/rename", json={"title": "  Two   talks "})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Two talks"
    assert any(s["title"] == "Two talks" for s in client.get("/api/stories", params={"all": "true"}).json()["items"])
    rejected = client.post(f"/api/events/{claims[-1]}/reject", json={"reason": "invented"})
    assert rejected.status_code == 200
    assert all(e["id"] != claims[-1] for e in client.get("/api/events", params={"limit": 500}).json()["items"])
    assert client.post(f"/api/events/{claims[-1]}/reject", json={}).status_code == 422  # already rejected
    assert client.post(f"/api/edits/{rejected.json()['id']}/undo").status_code == 200
    assert any(e["id"] == claims[-1] for e in client.get("/api/events", params={"limit": 500}).json()["items"])
    assert [e["kind"] for e in client.get("/api/edits").json()] == ["merge", "split", "rename", "reject"]
    page = client.get("/stories").text
    assert "more stories hidden" in page and 'href="/stories?all=true"' in page
    assert "hidden" not in client.get("/stories", params={"all": "true"}).text.split("<table")[0].split("</form>")[-1]
