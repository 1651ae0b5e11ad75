"""`storyline eval stories`: the scorer's logic on invented groups and stories, its errors through
the real CLI, and one real end-to-end run on an invented two-article corpus."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import json_lines, run_cli
from storyline.evaluate.events import GoldActor
from storyline.evaluate.stories import Group, find_story, load_group, score, status_as_of, types_compatible
from storyline.model import Actor, Claim, Evidence, Story

D = dt.date
LEE, MOREAU = Actor("Alma Lee", "USA", "GOV"), Actor("Piet Moreau", "FRA", "GOV")
PAIR = (GoldActor("Alma Lee", "USA", "GOV"), GoldActor("Piet Moreau", "FRA", "GOV"))


def claim(article: str, published: D, status: str) -> Claim:
    return Claim(event_id=f"{article}-{status}", article_id=article, published=published, status=status, date=None,
                 location=None, attributed_to=None, outlet=None, evidence=Evidence("An invented sentence.", 0, 21))


def story(sid: str, claims: list[Claim], type_: str = "CONSULT", participants: tuple[Actor, ...] = (LEE, MOREAU)) -> Story:
    return Story(id=sid, type=type_, participants=participants, location=None, status=claims[-1].status,
                 conflict=False, claims=tuple(claims), articles=len({c.article_id for c in claims}))


def group(name: str, statuses: dict[str, str], type_: str = "CONSULT") -> Group:
    return Group(name, tuple(statuses), type_, PAIR, statuses)


PUBLISHED = {"a1": D(2031, 3, 1), "a2": D(2031, 3, 5), "a3": D(2031, 3, 9), "b1": D(2031, 6, 1)}


def test_status_as_of_is_the_last_claim_published_on_or_before_the_date() -> None:
    s = story("s1", [claim("a1", D(2031, 3, 1), "planned"), claim("a2", D(2031, 3, 5), "cancelled"),
                     claim("a3", D(2031, 3, 9), "occurred")])
    assert status_as_of(s, D(2031, 2, 28)) is None
    assert status_as_of(s, D(2031, 3, 1)) == "planned"
    assert status_as_of(s, D(2031, 3, 6)) == "cancelled"
    assert status_as_of(s, D(2031, 12, 1)) == "occurred"


def test_the_story_found_holds_most_of_the_groups_articles_and_must_fit_its_type_and_participants() -> None:
    g = group("summit", {"a1": "planned", "a2": "planned", "a3": "occurred"})
    small = story("s0", [claim("a1", D(2031, 3, 1), "planned")])
    big = story("s9", [claim("a1", D(2031, 3, 1), "planned"), claim("a2", D(2031, 3, 5), "planned")])
    wrong_type = story("s1", [claim(a, PUBLISHED[a], "occurred") for a in ("a1", "a2", "a3")], type_="ASSAULT")
    strangers = story("s2", [claim(a, PUBLISHED[a], "occurred") for a in ("a1", "a2", "a3")],
                      participants=(Actor("Someone Else", "DEU", "GOV"),))
    assert find_story(g, [small, big, wrong_type, strangers]) is big
    assert find_story(g, [wrong_type, strangers]) is None


def test_types_follow_golds_equal_pairs() -> None:
    assert types_compatible("SANCTION", "COERCE") and types_compatible("SUPPORT", "AGREE")
    assert types_compatible("CONSULT", "AGREE")  # a planned meeting coded as AGREE
    assert not types_compatible("SUPPORT", "CONSULT") and not types_compatible("RETREAT", "ASSAULT")


def test_scores_final_status_history_coverage_foreign_and_stories_per_article() -> None:
    summit = group("summit", {"a1": "planned", "a2": "cancelled", "a3": "occurred"})
    later = group("later", {"b1": "occurred"})
    merged = story("s1", [claim("a1", D(2031, 3, 1), "planned"), claim("a3", D(2031, 3, 9), "occurred"),
                          claim("b1", D(2031, 6, 1), "occurred")])
    noise = [story(f"n{i}", [claim("a2", D(2031, 3, 5), "planned")], type_="ACCUSE") for i in range(5)]
    got = score([summit, later], [merged, *noise], PUBLISHED, articles=4).as_dict()
    first, second = got["per_group"]
    assert first["story"] == second["story"] == "s1"
    # summit: as of a1 planned (right), a2 planned (gold cancelled: wrong), a3 occurred... but b1's
    # claim came later, so the final status is still occurred (right)
    assert (first["final_right"], first["history"], first["coverage"]) == (True, round(2 / 3, 4), round(2 / 3, 4))
    assert first["foreign_articles"] == ["b1"] and second["foreign_articles"] == ["a1", "a3"]
    assert got["final_status"] == 1.0 and got["history"] == 0.75  # 3 of the 4 group articles
    assert got["coverage_min"] == round(2 / 3, 4) and got["clean_groups"] == 0.0 and got["foreign"] == 3
    assert (got["stories"], got["stories_per_article"], got["articles_per_story"]) == (6, 1.5, round(4 / 6, 4))


def test_a_group_without_a_story_fails_every_measure() -> None:
    got = score([group("summit", {"a1": "planned"})], [], PUBLISHED, articles=1).as_dict()
    assert (got["final_status"], got["history"], got["coverage_min"], got["articles_per_story"]) == (0.0, 0.0, 0.0, 0.0)


def test_a_file_that_is_no_story_gold_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "story-bad.json"
    bad.write_text(json.dumps({"group": "g", "articles": ["x1"], "type": "CONSULT",
                               "participants": ["Alma Lee|USA|GOV"], "status_by_article": {"x1": "maybe"}}))
    with pytest.raises(Exception, match="story-bad.json: not a story gold file"):
        load_group(bad)
    result = run_cli("eval", "stories", str(bad), "--corpus", str(tmp_path))
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert b"story-bad.json: not a story gold file" in result.stderr
    missing = run_cli("eval", "stories", str(tmp_path / "story-none.json"))
    assert missing.returncode == 2 and b"no such file" in missing.stderr


@pytest.mark.slow
def test_an_invented_corpus_is_processed_in_publication_order_into_one_story(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {
        "x2": ("2031-03-12", "Lee and Moreau meet in Geneva\n\nU.S. President Alma Lee met French President "
                             "Piet Moreau in Geneva on Tuesday, the White House said."),
        "x1": ("2031-03-02", "Lee to meet Moreau\n\nU.S. President Alma Lee will meet French President Piet "
                             "Moreau in Geneva on March 10, the White House said on Sunday."),
    }
    for name, (_, text) in texts.items():
        (corpus / f"{name}.txt").write_text(text)
    (corpus / "index.jsonl").write_text("".join(json.dumps({"id": k, "published": v[0]}) + "\n" for k, v in texts.items()))
    gold = tmp_path / "story-geneva.json"
    gold.write_text(json.dumps({"group": "geneva", "articles": ["x1", "x2"], "type": "CONSULT",
                                "participants": ["Alma Lee|USA|GOV", "Piet Moreau|FRA|GOV"],
                                "status_by_article": {"x1": "planned", "x2": "occurred"}}))
    result = run_cli("eval", "stories", str(gold), "--corpus", str(corpus), "--format", "json")
    assert result.returncode == 0, result.stderr
    (got,) = json_lines(result.stdout)
    (one,) = got["per_group"]
    assert (one["coverage"], one["history"], one["final_right"]) == (1.0, 1.0, True), got
    assert got["articles"] == 2 and got["stories"] >= 1
