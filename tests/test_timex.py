"""The time tagger (storyline.extract.timex) and its TempEval-3 scorer (storyline.evaluate.time)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import SEED, json_lines, run_cli
from storyline.errors import StorylineError
from storyline.evaluate.time import evaluate, read_tml
from storyline.extract.timex import Tense, Timex, resolve, tag
from storyline.model import TimeSpan

D = dt.date
PUBLISHED = D(2025, 10, 21)  # a Tuesday


def found(text: str, dct: dt.date | None) -> dict[str, list[Timex]]:
    """The tagged expressions of `text` by their text, in order."""
    out: dict[str, list[Timex]] = {}
    for timex in tag(text, dct):
        out.setdefault(timex.text, []).append(timex)
    return out


def only(text: str, dct: dt.date | None = PUBLISHED) -> Timex:
    (timex,) = tag(text, dct)
    return timex


def span(timex: Timex, anchor: dt.date | None,
         tense: Tense | None = None) -> tuple[dt.date | None, dt.date | None, str] | None:
    result = resolve(timex, anchor, tense)
    return None if result is None else (result.start, result.end, result.precision)


# --- the seed article ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed() -> tuple[str, dict[str, list[Timex]]]:
    text = SEED.read_text("utf-8")
    return text, found(text, PUBLISHED)


def test_seed_weekdays_are_the_latest_such_day_on_or_before_publication(seed) -> None:
    _, timexes = seed
    assert [t.value for t in timexes["Tuesday"]] == ["2025-10-21", "2025-10-21"]
    assert [t.value for t in timexes["Monday"]] == ["2025-10-20"]
    assert [t.value for t in timexes["Thursday"]] == ["2025-10-16"]
    assert span(timexes["Tuesday"][0], PUBLISHED, "past") == (D(2025, 10, 21), D(2025, 10, 21), "day")


def test_seed_this_week_is_the_monday_to_sunday_week(seed) -> None:
    _, timexes = seed
    (this_week,) = timexes["this week"]
    assert (this_week.type, this_week.value) == ("DATE", "2025-W43")
    assert span(this_week, PUBLISHED) == (D(2025, 10, 20), D(2025, 10, 26), "week")


def test_seed_within_two_weeks_is_one_duration_spanning_from_the_statement(seed) -> None:
    _, timexes = seed
    both = timexes["within two weeks"]
    assert len(both) == 2 and "two weeks" not in timexes
    assert {(t.type, t.value) for t in both} == {("DURATION", "P2W")}
    assert resolve(both[0], D(2025, 10, 16)) == TimeSpan(
        D(2025, 10, 16), D(2025, 10, 30), "range", "within two weeks", "P2W")


def test_seed_the_following_day_follows_thursday_not_the_publication_day(seed) -> None:
    _, timexes = seed
    (following,) = timexes["the following day"]
    assert following.value == "2025-10-17"
    assert following.reference is not None and following.reference.text == "Thursday"
    assert span(following, PUBLISHED) == (D(2025, 10, 17), D(2025, 10, 17), "day")


def test_seed_months(seed) -> None:
    _, timexes = seed
    (august,) = timexes["August"]
    assert august.value == "2025-08"
    assert span(august, PUBLISHED, "past") == (D(2025, 8, 1), D(2025, 8, 31), "month")
    (february,) = timexes["February 2022"]
    assert february.value == "2022-02"
    assert span(february, PUBLISHED) == (D(2022, 2, 1), D(2022, 2, 28), "month")


def test_seed_tuesday_is_not_merged_with_days(seed) -> None:
    text, timexes = seed
    first = text.index("Tuesday, days")
    assert any(t.start == first and t.end == first + len("Tuesday") for t in timexes["Tuesday"])
    assert not any("," in name for name in timexes)


def test_seed_offsets_point_into_the_text(seed) -> None:
    text, timexes = seed
    everything = [t for group in timexes.values() for t in group]
    assert len(everything) >= 12
    assert all(text[t.start:t.end] == t.text for t in everything)


def test_cli_prints_one_json_line_per_expression() -> None:
    result = run_cli("timex", str(SEED), "--published", "2025-10-21", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert {"start", "end", "text", "type", "value"} <= set(rows[0])
    assert {"text": "the following day", "type": "DATE", "value": "2025-10-17"}.items() <= next(
        row for row in rows if row["text"] == "the following day").items()


# --- the GOLD.md rules for resolve ---------------------------------------------------------

@pytest.mark.parametrize(("text", "tense", "expected"), [
    ("It happened on Tuesday.", "past", D(2025, 10, 21)),     # the anchor's own day counts
    ("It happened on Wednesday.", "past", D(2025, 10, 15)),
    ("It will happen on Tuesday.", "future", D(2025, 10, 21)),  # on or after: the same day too
    ("It will happen on Wednesday.", "future", D(2025, 10, 22)),
    ("It will happen on Monday.", "future", D(2025, 10, 27)),
    ("It happened last Tuesday.", None, D(2025, 10, 14)),       # "last" excludes the anchor's day
    ("It will happen next Tuesday.", None, D(2025, 10, 28)),
])
def test_weekdays_follow_the_tense_of_the_clause(text: str, tense: Tense | None, expected: dt.date) -> None:
    assert span(only(text), PUBLISHED, tense) == (expected, expected, "day")


def test_months_follow_the_tense_of_the_clause() -> None:
    august = only("He visited in August.")
    assert span(august, PUBLISHED, "past") == (D(2025, 8, 1), D(2025, 8, 31), "month")
    assert span(august, PUBLISHED, "future") == (D(2026, 8, 1), D(2026, 8, 31), "month")
    december = only("He will visit in December.")
    assert december.value == "2025-12"
    assert span(december, PUBLISHED, "past") == (D(2024, 12, 1), D(2024, 12, 31), "month")


@pytest.mark.parametrize("text", ["June 12", "June 12, 2018", "12 June 2018", "2018-06-12", "June 12th",
                                  "Tuesday, June 12"])
def test_explicit_dates_are_one_day(text: str) -> None:
    timex = only(f"The summit was set for {text}.", D(2018, 5, 24))
    assert timex.text == text and timex.value == "2018-06-12"
    assert span(timex, D(2018, 5, 24)) == (D(2018, 6, 12), D(2018, 6, 12), "day")


@pytest.mark.parametrize(("text", "value", "first", "last", "precision"), [
    ("last year", "2024", D(2024, 1, 1), D(2024, 12, 31), "year"),
    ("next month", "2025-11", D(2025, 11, 1), D(2025, 11, 30), "month"),
    ("last week", "2025-W42", D(2025, 10, 13), D(2025, 10, 19), "week"),
    ("earlier this month", "2025-10", D(2025, 10, 1), D(2025, 10, 21), "month"),
    ("later this year", "2025", D(2025, 10, 21), D(2025, 12, 31), "year"),
    ("yesterday", "2025-10-20", D(2025, 10, 20), D(2025, 10, 20), "day"),
    ("today", "2025-10-21", D(2025, 10, 21), D(2025, 10, 21), "day"),
    ("tomorrow", "2025-10-22", D(2025, 10, 22), D(2025, 10, 22), "day"),
    ("the third quarter", "2025-Q3", D(2025, 7, 1), D(2025, 9, 30), "quarter"),
    ("this summer", "2025-SU", D(2025, 6, 1), D(2025, 8, 31), "season"),
    ("the 1990s", "199", D(1990, 1, 1), D(1999, 12, 31), "decade"),
    ("three years ago", "2022", D(2022, 1, 1), D(2022, 12, 31), "year"),
])
def test_relative_expressions(text: str, value: str, first: dt.date, last: dt.date, precision: str) -> None:
    timex = only(f"They said it was {text}.")
    extent = text.removeprefix("earlier ").removeprefix("later ")   # TimeML leaves these out
    assert (timex.text, timex.value) == (extent, value)
    assert span(timex, PUBLISHED) == (first, last, precision)


def test_durations_and_sets_name_no_date_except_within_and_the_next() -> None:
    timexes = found("They met for two weeks, every Tuesday, daily, and will meet in the next 10 days.", PUBLISHED)
    assert span(timexes["two weeks"][0], PUBLISHED) is None
    assert (timexes["every Tuesday"][0].type, timexes["every Tuesday"][0].value) == ("SET", "XXXX-WXX-2")
    assert span(timexes["every Tuesday"][0], PUBLISHED) is None
    assert span(timexes["daily"][0], PUBLISHED) is None
    assert span(timexes["the next 10 days"][0], PUBLISHED) == (D(2025, 10, 21), D(2025, 10, 31), "range")


def test_present_past_and_future_references_name_no_date() -> None:
    timexes = found("Now it is quiet; recently it was not, and soon it will be again.", PUBLISHED)
    assert [t.value for t in tag("Now it is quiet; recently it was not, and soon it will be again.", PUBLISHED)] == [
        "PRESENT_REF", "PAST_REF", "FUTURE_REF"]
    assert all(span(group[0], PUBLISHED) is None for group in timexes.values())


def test_without_an_anchor_only_absolute_expressions_resolve() -> None:
    assert span(only("It happened on Thursday."), None) is None
    assert span(only("It happened last year."), None) is None
    assert span(only("It happened on June 12, 2018."), None) == (D(2018, 6, 12), D(2018, 6, 12), "day")


def test_a_timex_built_from_json_resolves_from_its_value() -> None:
    week = Timex(0, 9, "this week", "DATE", "2025-W43")
    assert span(week, None) == (D(2025, 10, 20), D(2025, 10, 26), "week")
    assert span(Timex(0, 4, "2022", "DATE", "2022"), None) == (D(2022, 1, 1), D(2022, 12, 31), "year")
    assert span(Timex(0, 3, "now", "DATE", "PRESENT_REF"), PUBLISHED) is None


# --- without a document creation time -----------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("on Thursday", "XXXX-WXX-4"), ("in August", "XXXX-08"), ("yesterday", "XXXX-XX-XX"),
    ("this week", "XXXX-WXX"), ("last year", "XXXX"), ("on June 12", "XXXX-06-12"),
    ("on June 12, 2018", "2018-06-12"), ("for two weeks", "P2W"),
])
def test_without_a_dct_relative_values_keep_placeholders(text: str, value: str) -> None:
    assert only(f"It happened {text}.", None).value == value


def test_without_a_dct_the_discourse_reference_still_anchors() -> None:
    timexes = found("The talks opened on June 3, 2018. The following day, they broke down.", None)
    assert timexes["The following day"][0].value == "2018-06-04"
    unresolved = found("They spoke on Thursday and met the following day.", None)
    assert unresolved["the following day"][0].value == "XXXX-XX-XX"


# --- generic cases -------------------------------------------------------------------------

def test_times_of_day_carry_their_date() -> None:
    timexes = found("It began at 2:30 p.m. ET on Friday and ended Saturday morning, before noon.", D(2013, 3, 22))
    assert [(t.type, t.value) for t in tag("It began at 2:30 p.m. ET on Friday.", D(2013, 3, 22))] == [
        ("TIME", "2013-03-22T14:30")]
    assert (timexes["Saturday morning"][0].type, timexes["Saturday morning"][0].value) == ("TIME", "2013-03-16TMO")
    assert timexes["noon"][0].value == "2013-03-22T12:00"


def test_anaphoric_expressions_read_the_latest_date_before_them() -> None:
    timexes = found("Profit rose in the third quarter of 2012. A year earlier it fell. "
                    "The plant opened on May 2, 2010; two days later it closed.", D(2013, 3, 22))
    assert timexes["the third quarter of 2012"][0].value == "2012-Q3"
    assert timexes["A year earlier"][0].value == "2011-Q3"
    assert timexes["two days later"][0].value == "2010-05-04"


def test_durations() -> None:
    values = {t.text: t.value for t in tag(
        "It lasted about six months, then two and a half years, half an hour, the past 18 months, "
        "several weeks and a decade.", PUBLISHED)}
    assert values == {"about six months": "P6M", "two and a half years": "P2Y6M", "half an hour": "PT30M",
                      "the past 18 months": "P18M", "several weeks": "PXW", "a decade": "P10Y"}


@pytest.mark.parametrize("text", [
    "May I ask a question?", "The march on Washington was peaceful.", "He writes for the Sunday Times.",
    "Profits rose 10 percent to $1,990 million.", "He said 2,000 people came.", "She is 6-year-old's mother.",
])
def test_no_time_expression(text: str) -> None:
    assert tag(text, PUBLISHED) == []


def test_offsets_survive_non_ascii_text() -> None:
    text = "İstanbul — „Am Dienstag“ 🎉 talks resumed on Tuesday — and again last week."
    timexes = tag(text, PUBLISHED)
    assert [t.text for t in timexes] == ["Tuesday", "last week"]
    assert all(text[t.start:t.end] == t.text for t in timexes)


# --- the TempEval-3 scorer -----------------------------------------------------------------

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>doc</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2013-03-22" functionInDocument="CREATION_TIME">March 22, 2013</TIMEX3></DCT>
<TEXT>
Six deaths were <EVENT eid="e1" class="REPORTING">reported</EVENT> <TIMEX3 tid="t1" type="DATE" value="2013-03-22">Friday</TIMEX3>
&amp; more came <TIMEX3 tid="t2" type="DURATION" value="P1W">within a week</TIMEX3>.
</TEXT>
</TimeML>
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "gold" / "nested"
    folder.mkdir(parents=True)
    (folder / "doc.tml").write_text(TML, "utf-8")
    (tmp_path / "doc.tml.TE3input").write_text(TML, "utf-8")   # not a .tml: skipped
    return tmp_path


def test_read_tml_keeps_offsets_into_the_plain_text(corpus: Path) -> None:
    document = read_tml(corpus / "gold" / "nested" / "doc.tml")
    assert document.dct == D(2013, 3, 22)
    assert "<" not in document.text and "&" in document.text
    assert [(g.text, g.type, g.value) for g in document.gold] == [
        ("Friday", "DATE", "2013-03-22"), ("within a week", "DURATION", "P1W")]
    assert all(document.text[g.start:g.end] == g.text for g in document.gold)


def test_scores_count_relaxed_strict_and_value_matches(corpus: Path) -> None:
    def tagger(text: str, dct: dt.date | None) -> list[Timex]:
        friday, week = text.index("Friday"), text.index("a week")
        return [Timex(friday, friday + 6, "Friday", "DATE", "2013-03-22"),          # exact, right value
                Timex(week, week + 6, "a week", "DURATION", "P2W"),                 # overlap, wrong value
                Timex(0, 3, "Six", "DATE", "XXXX")]                                 # spurious

    scores = evaluate(corpus, tagger).as_dict()
    assert (scores["documents"], scores["gold"], scores["predicted"]) == (1, 2, 3)
    assert scores["precision"] == pytest.approx(2 / 3, abs=1e-4) and scores["recall"] == 1.0
    assert scores["strict_precision"] == pytest.approx(1 / 3, abs=1e-4) and scores["strict_recall"] == 0.5
    assert scores["value_accuracy"] == 0.5 and scores["type_accuracy"] == 1.0
    assert scores["value_f1"] == pytest.approx(0.5 * scores["relaxed_f1"], abs=1e-4)


def test_the_real_tagger_scores_the_sample_perfectly(corpus: Path) -> None:
    scores = evaluate(corpus).as_dict()
    assert scores["value_f1"] == 1.0 and scores["strict_f1"] == 1.0


def test_a_malformed_file_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.tml").write_text("<TimeML><TEXT>unclosed</TimeML>", "utf-8")
    with pytest.raises(StorylineError, match="bad.tml: not well-formed TimeML"):
        evaluate(tmp_path)


# --- day ranges in one month -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "extent", "first", "last"), [
    ("The ministers meet on Nov. 4-5 in Lisbon.", "Nov. 4-5", D(2025, 11, 4), D(2025, 11, 5)),
    ("The forum of 12–14 November drew few guests.", "12–14 November", D(2025, 11, 12), D(2025, 11, 14)),
    ("Talks will run from November 2 to 3 in Accra.", "November 2 to 3", D(2025, 11, 2), D(2025, 11, 3)),
    ("The Dec. 8 through 10 conference in Oslo is set.", "Dec. 8 through 10", D(2025, 12, 8), D(2025, 12, 10)),
    ("The talks on March 3-4, 2026 are the first.", "March 3-4, 2026", D(2026, 3, 3), D(2026, 3, 4)),
])
def test_a_day_range_in_one_month_is_one_expression(text: str, extent: str, first: dt.date, last: dt.date) -> None:
    timex = only(text)
    assert timex.text == extent
    assert span(timex, PUBLISHED, "future") == (first, last, "range")


@pytest.mark.parametrize(("text", "tense", "first"), [
    # the range's year is placed by its first day, as a single day's would be
    ("The Oct. 14-15 summit in Doha ended without a deal.", "past", D(2025, 10, 14)),
    ("The summit of 2–3 October was cut short.", "past", D(2025, 10, 2)),
    ("Leaders will gather on Jan. 20-22 in Davos.", "future", D(2026, 1, 20)),
    ("Leaders gathered on Jan. 20-22 in Davos.", "past", D(2025, 1, 20)),
])
def test_a_day_range_takes_its_year_from_the_tense_like_a_day(text: str, tense: Tense, first: dt.date) -> None:
    timex = only(text)
    found = span(timex, PUBLISHED, tense)
    assert found is not None and found[0] == first and found[2] == "range"


@pytest.mark.parametrize("text", [
    "Prices rose on May 5-10 percent of stores.",       # a percentage is no day
    "The Feb. 30-31 meeting",                          # no such days: no range
])
def test_what_is_not_a_day_range(text: str) -> None:
    for timex in tag(text, PUBLISHED):
        result = resolve(timex, PUBLISHED, "future")
        assert result is None or result.precision != "range"


@pytest.mark.parametrize(("text", "tense", "anchor", "first"), [
    # the tense a status gives is a guess: a day within a few weeks of the statement keeps its
    # year even against it ("before the October 28 meeting" a week ahead; called off a day ago)
    ("It came before the October 28 meeting.", "past", PUBLISHED, D(2025, 10, 28)),
    ("The Oct. 19-20 talks were scrapped.", "future", PUBLISHED, D(2025, 10, 19)),
    ("They called off the October 15 visit.", "present", PUBLISHED, D(2025, 10, 15)),
    # ... but across the turn of a year, or far from it, the tense decides
    ("They met on December 28.", "past", D(2026, 1, 5), D(2025, 12, 28)),
    ("They will meet on January 3.", "future", D(2026, 12, 30), D(2027, 1, 3)),
    ("They met on June 9.", "past", D(2026, 10, 21), D(2026, 6, 9)),
])
def test_a_guessed_tense_keeps_a_near_day_in_its_year(text: str, tense: Tense, anchor: dt.date,
                                                       first: dt.date) -> None:
    result = resolve(only(text, anchor), anchor, tense, guessed=True)
    assert result is not None and result.start == first


def test_a_called_off_month_is_the_nearest() -> None:
    # "present" is neither tense: a called-off happening may have been due either side
    result = resolve(only("The September summit was called off."), PUBLISHED, "present", guessed=True)
    assert result is not None and (result.start, result.end) == (D(2025, 9, 1), D(2025, 9, 30))
    result = resolve(only("The November summit was called off."), PUBLISHED, "present", guessed=True)
    assert result is not None and result.start == D(2025, 11, 1)
