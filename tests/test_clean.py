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
    for path in sorted(glob.glob(str(shared_path("gold", "dev") / "[0-9]*.json"))):  # every article of the dev gold
        expected = json.loads(Path(path).read_text("utf-8"))
        text = _norm(_clean_file(shared_path(expected["file"])).text)
        kept += sum(_norm(k) in text for k in expected["keep"])
        keep_total += len(expected["keep"])
        gone += sum(_norm(r) not in text for r in expected["remove"])
        remove_total += len(expected["remove"])
    assert keep_total > 100 and remove_total > 90
    assert kept / keep_total >= 0.98, f"kept {kept}/{keep_total}"
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


# ---------------------------------------------------------------- boilerplate by shape
# Every text below is invented. Each test mixes real report sentences (which must all survive)
# with boilerplate of one class in several outlets' shapes (which must all go).
def _split(lines: list[str]) -> tuple[list[str], tuple[str, ...]]:
    cleaned, removed = clean_text("\n".join(lines))
    return cleaned.split("\n\n"), tuple(r.reason for r in removed)


REPORT = [
    "The defence minister of Norland met her counterpart from Vesta in Talin on Tuesday, officials said.",
    "The talks covered the disputed river border and a pending arms sale.",
    "\u201cWe made real progress,\u201d the minister told reporters after the meeting.",
]


@pytest.mark.parametrize("caption", [
    "The two ministers shake hands before their talks in Talin, March 3, 2021. Jana Kowal/Getty Images",
    "Protesters gather outside the parliament in Orsk on Monday. (Piet Van Dam/Northern Press via AP)",
    "Minister Ana Ruiz at the harbour, May 2, 2019 (Omar Haddad/Reuters)",
    "Soldiers stand guard at a checkpoint near Lomo. Pool/Karl Berg/Kremlin via REUTERS",
    "A convoy crosses the river at dawn. REUTERS/Lena Ostrova",
    "Rescue workers search the rubble after the quake struck the old town. (AFP)",
    "Villagers wait for food aid in the north of the country. Hide caption",
    "Photo: Samir Aziz/Corbis",
    "Pictured: the new bridge over the Vel river, which opened in May",
    "Gallery: Floods in the south of Norland",
    "Credit: Norland Ministry of Defence",
    "FILE - Troops parade in Orsk on May 9, 2018. (AP Photo/Ivan Petrov, File)",
])
def test_captions_ending_in_a_credit_go_whatever_the_agency(caption: str) -> None:
    kept, reasons = _split([REPORT[0], caption, *REPORT[1:]])
    assert kept == REPORT and reasons == ("caption",)


@pytest.mark.parametrize("sentence", [
    "The union federation, the AFL-CIO, backed the deal, its president said via Twitter.",
    "Officials at Reuters/Ipsos said the poll of 1,000 adults was taken on Friday.",
    "The photographer, who works for Getty Images, was detained for two hours.",
    "A police spokesman said the officer would face no charges.",
])
def test_report_sentences_that_mention_credits_stay(sentence: str) -> None:
    kept, reasons = _split([REPORT[0], sentence])
    assert kept == [REPORT[0], sentence] and reasons == ()


@pytest.mark.parametrize("links", [
    ["More:What the river treaty means for farmers", "More:Five things to know about the Vesta talks"],
    ["Analysis:Why Norland wants the arms sale now"],
    ["More On This...", "Related Coverage", "Most Read"],
    ["Listen to this article", "4 min read"],
])
def test_link_labels_go_anywhere(links: list[str]) -> None:
    kept, reasons = _split([REPORT[0], *links, *REPORT[1:]])
    assert kept == REPORT and reasons


@pytest.mark.parametrize(("head", "tail"), [
    ([], ["Vesta votes on new constitution", "Drought hits grain exports across the region",
          "Opposition leader freed in Talin"]),
    (["Jonas Ek and Priya Raman", "Northern Wire"], ["Pension reform passes first reading", "Storm closes ports"]),
    (["By Ana Ruiz", "NORTHERN WIRE"], []),
])
def test_link_lists_after_the_report_and_byline_blocks_before_it_go(head: list[str], tail: list[str]) -> None:
    kept, reasons = _split([*head, *REPORT, *tail])
    assert kept == REPORT and set(reasons) <= {"link-list", "byline"} and reasons


def test_a_summary_above_the_report_stays_without_its_label() -> None:
    summary = ["The minister met her Vestan counterpart", "Talks covered the border and arms sales"]
    kept, reasons = _split([f"Story highlights {summary[0]}", summary[1], *REPORT])
    assert kept == [*summary, *REPORT] and reasons == ("related",)


@pytest.mark.parametrize("lines", [
    # a run inside the report: the article's own list
    [REPORT[0], "Tariffs on grain", "Quotas on steel", REPORT[1]],
    # a long run at the end: the page's own schedule
    [*REPORT, *(f"March {day} – Talin, Harbour Hall" for day in range(1, 11))],
    # questions, asides in parentheses and marked list items are not members
    [*REPORT, "Will the border reopen?", "- a customs post at Lomo", "- a ferry to Orsk"],
    [*REPORT, "(Chart: grain exports by month)", "(Map: the river border)"],
])
def test_short_lines_inside_the_report_or_in_long_lists_stay(lines: list[str]) -> None:
    kept, reasons = _split(lines)
    assert kept == lines and reasons == ()


@pytest.mark.parametrize("byline", [
    ["By Kofi Mensah"],
    ["Anneke de Vries", "Northern Wire"],
    ["By Lin Wei, Jonas Ek | Northern Wire"],
])
def test_bylines_on_lines_of_their_own_go(byline: list[str]) -> None:
    kept, reasons = _split([*byline, *REPORT])
    assert kept == REPORT and set(reasons) <= {"byline", "link-list"} and reasons


@pytest.mark.parametrize("prompt", [
    "Follow us on Twitter @NorlandNews",
    "Follow Ines Moreau on Instagram @inesmoreau",
    "Click here for more from Channel 9.",
    "Tap to read the full interview",
    "Get the Morning Brief newsletter. This site is protected by recaptcha",
])
def test_follow_click_and_newsletter_prompts_go(prompt: str) -> None:
    kept, reasons = _split([*REPORT, prompt])
    assert kept == REPORT and len(reasons) == 1


def test_embeds_pointers_go_and_a_tweet_keeps_its_text() -> None:
    tweet = "Great talks today with my friend from Vesta"
    signed = f"{tweet} pic.twitter.com/AbC123xyz \u2014 Ana Ruiz (@AnaRuizNL) March 3, 2021"
    kept, reasons = _split([REPORT[0], signed, "Watch the press conference below:", REPORT[1], REPORT[2],
                            "Read the full text of the treaty below:", "Norland\u2013Vesta river treaty"])
    assert kept == [REPORT[0], tweet, *REPORT[1:]] and reasons == ("embed", "embed", "embed")


@pytest.mark.parametrize("lines", [
    # a lone sub-heading in sentence case between paragraphs
    [REPORT[0], "The road ahead", REPORT[1]],
    # short one-sentence paragraphs that end like sentences
    ["Norland denied it.", "Vesta did not comment.", "Talks resume on Friday."],
    # a quoted question and a reply
    ["\u201cWhy now?\u201d", "\u201cBecause the river is rising,\u201d the minister said."],
    # a colon introducing the quote that follows
    ["In a statement, the ministry said:", "\u201cThe border will stay open to trade.\u201d"],
])
def test_short_lines_of_real_prose_stay(lines: list[str]) -> None:
    kept, reasons = _split(lines)
    assert kept == lines and reasons == ()


def test_runs_need_two_short_unended_lines() -> None:
    rule = load_rules().run[0]
    assert rule.member("Drought hits grain exports") and not rule.member("Drought hit grain exports.")
    assert not rule.member(" ".join(["word"] * (rule.max_words + 1)))
    kept, reasons = _split([REPORT[0], "Drought hits grain exports", REPORT[1]])
    assert kept == [REPORT[0], "Drought hits grain exports", REPORT[1]] and reasons == ()


@pytest.mark.parametrize("line", [
    "By Lin Wei, Staff Writer | March 3, 2021",
    "By: Omar Haddad",
    "TALIN \u2014",
    "NEW ORSK, Norland (Northern Wire) -",
    "Updated 10:32 GMT, March 3, 2021",
    "Published on 4 June 2020 at 08:15",
])
def test_bylines_datelines_and_timestamps_on_their_own_line_go(line: str) -> None:
    kept, reasons = _split([line, *REPORT])
    assert kept == REPORT and reasons == ("byline",)


@pytest.mark.parametrize("sentence", [
    "By Tuesday evening, the army had pulled back from the river.",
    "Published in 2019, the report found that the border fence had failed.",
    "TALIN \u2014 The defence minister met her counterpart on Tuesday.",
])
def test_sentences_that_start_like_bylines_stay(sentence: str) -> None:
    kept, reasons = _split([sentence, *REPORT])
    assert kept == [sentence, *REPORT] and reasons == ()


@pytest.mark.parametrize("notice", [
    "Copyright 2021 Northern Wire. All rights reserved.",
    "This story has been updated with the minister's comments.",
    "Correction: An earlier version misspelled the name of the river.",
    "Northern Wire writers Lin Wei in Talin and Jonas Ek in Orsk contributed.",
    "Sign up to receive our daily briefing",
    "Already a subscriber? Log in to continue reading",
    "You have reached your free article limit for this month.",
    "Embed from Getty Images",
    "\u2014 Reuters",
    "Share",
    "READ: The treaty in full",
])
def test_notices_credits_and_sign_ups_go(notice: str) -> None:
    kept, reasons = _split([*REPORT, notice])
    assert kept == REPORT and len(reasons) == 1
