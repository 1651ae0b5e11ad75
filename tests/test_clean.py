"""Cleaning: the seed and the development gold keep/remove strings, and recorded reasons."""
from __future__ import annotations

import glob
import json
from pathlib import Path

import pytest

from conftest import SEED, gold, shared_path
from storyline.clean import clean, clean_text, load_rules
from storyline.ingest import read_path
from storyline.model import Article


def _norm(text: str) -> str:
    return " ".join(text.split())


def _clean_file(path) -> Article:
    (doc,) = list(read_path(str(path), 10_000_000))
    article = clean(doc)
    assert isinstance(article, Article)
    return article


def test_seed_keeps_the_report_and_drops_the_appeal() -> None:
    expected = gold("seed.json")
    article = _clean_file(SEED)
    text = _norm(article.text)
    for keep in expected["keep"]:
        assert _norm(keep) in text
    for remove in expected["remove"]:
        assert _norm(remove) not in text
    assert {r.reason for r in article.removed} == {"appeal"}
    assert text.endswith("due to his personal chemistry with the Russian leader.")


@pytest.mark.quality
def test_dev_gold_keep_and_remove_rates() -> None:
    kept = keep_total = gone = remove_total = 0
    for path in sorted(glob.glob(str(shared_path("gold", "dev") / "0*.json"))):
        expected = json.loads(Path(path).read_text("utf-8"))
        text = _norm(_clean_file(shared_path(expected["file"])).text)
        kept += sum(_norm(k) in text for k in expected["keep"])
        keep_total += len(expected["keep"])
        gone += sum(_norm(r) not in text for r in expected["remove"])
        remove_total += len(expected["remove"])
    assert keep_total > 20 and remove_total > 40
    assert kept / keep_total >= 0.97, f"kept {kept}/{keep_total}"
    assert gone / remove_total >= 0.95, f"removed {gone}/{remove_total}"


def test_every_removal_is_recorded_with_reason_and_rule() -> None:
    article = _clean_file(shared_path("corpus", "001.txt"))
    reasons = {(r.reason, r.rule) for r in article.removed}
    assert ("advert", "advert") in reasons and ("link-junk", "name-link-headlines") in reasons
    junk = [r.text for r in article.removed if r.reason == "link-junk"]
    assert junk[0].startswith("Donald John TrumpGOP") and junk[0].endswith("MORE")
    assert "meeting between President Trump and Kim Jong Un" in article.text


def test_rules_are_data_of_every_kind() -> None:
    rules = load_rules()
    assert rules.tail and rules.line and rules.inline and rules.repeat
    assert len({r.name for r in rules.line}) == len(rules.line)


def test_generic_boilerplate_lines() -> None:
    text = "\n".join([
        "This article is more than 5 years old",
        "Kim Jong Un and Moon Jae-in shake hands at the border on Friday.",
        "President Moon said on Friday that the two leaders had agreed to meet again.",
        "We use cookies to improve your experience. Accept cookies",
        "Share this article",
        "Read more: Five things to know about the summit",
        "The two leaders are expected to meet again in the autumn, officials said.",
    ])
    cleaned, removed = clean_text(text)
    assert cleaned.split("\n\n") == [
        "President Moon said on Friday that the two leaders had agreed to meet again.",
        "The two leaders are expected to meet again in the autumn, officials said.",
    ]
    assert [r.reason for r in removed] == ["notice", "caption", "cookie", "share", "related"]


def test_a_text_of_only_boilerplate_is_rejected() -> None:
    from storyline.ingest import make_document

    result = clean(make_document("x.txt", "ADVERTISEMENT\n\nShare this article\n", "text"))
    assert not isinstance(result, Article) and result.code == "E006"
