"""Casualties (issue 14): number phrases resolved to ranges, the killed and wounded counts of
ASSAULT, COERCE and PROTEST events on invented sentences through the real pipeline (≥ 0.9
exactly right), offsets that slice the article text, and the JSON output of `process`."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from conftest import json_lines, run_cli
from storyline.clean import clean
from storyline.datafiles import DataFileError, read_text
from storyline.extract import Extractor
from storyline.extract.assemble import _event_id
from storyline.extract.casualties import build_rules, read_number, resolve, words_of
from storyline.ingest import make_document
from storyline.model import Count, Event

CASES = tomllib.loads((Path(__file__).parent / "casualty_cases.toml").read_text("utf-8"))["case"]
FLOOR = 0.9
Bounds = tuple[int | None, int | None] | None


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


# ---------------------------------------------------------------- pure: number phrases

@pytest.mark.parametrize(("text", "bounds"), [
    ("57", (57, 57)), ("10,000", (10000, 10000)), ("twelve", (12, 12)), ("Twenty-three", (23, 23)),
    ("two hundred and fifty", (250, 250)), ("1.5 million", (1500000, 1500000)), ("a dozen", (12, 12)),
    ("two dozen", (24, 24)), ("half a dozen", (6, 6)),
    ("at least 57", (57, None)), ("no fewer than 8", (8, None)), ("more than 200", (201, None)),
    ("over 70", (71, None)), ("more than a dozen", (13, None)),
    ("up to 40", (None, 40)), ("as many as 50", (None, 50)), ("nearly 300", (None, 299)), ("almost 40", (None, 39)),
    ("about 30", (30, 30)), ("some 30", (30, 30)), ("around two dozen", (24, 24)),
    ("10 to 15", (10, 15)), ("10-15", (10, 15)), ("between 10 and 15", (10, 15)), ("four or five", (4, 5)),
    ("dozens", (24, 99)), ("scores", (40, 199)), ("hundreds", (200, 999)), ("several", (3, 9)),
    ("a few", (2, 5)), ("several hundred", (300, 900)), ("tens of thousands", (20000, 99000)),
    ("at least dozens", (24, None)),
])
def test_number_phrases_resolve_to_ranges(text: str, bounds: Bounds) -> None:
    assert resolve(text) == bounds


@pytest.mark.parametrize("text", ["many", "the", "a number of", "ten and the", "between 10", ""])
def test_words_that_state_no_number_resolve_to_none(text: str) -> None:
    assert resolve(text) is None


def test_number_words_and_dashes() -> None:
    assert words_of("twenty-five") == ["twenty", "five"]
    assert words_of("10\u201315") == ["10", "to", "15"]
    assert read_number(["two", "hundred", "and", "fifty"]) == 250
    assert read_number(["and", "two"]) is None
    assert read_number(["two", "people"]) is None


def test_a_bad_entry_in_the_data_file_names_its_line() -> None:
    text = read_text("casualties.toml").replace('"at least" = "at_least"', '"at least" = "atleast"')
    line = text.splitlines().index('"at least" = "atleast"') + 1
    with pytest.raises(DataFileError, match=rf"^casualties\.toml:{line}: 'atleast' is not one of"):
        build_rules(text)
    backwards = read_text("casualties.toml").replace("dozens = [24, 99]", "dozens = [99, 24]")
    with pytest.raises(DataFileError, match=r"'dozens' needs \[min, max\]"):
        build_rules(backwards)


# ---------------------------------------------------------------- the invented sentences

def _bounds(value: str | None) -> Bounds:
    if value is None:
        return None
    low, _, high = value.partition("..")
    if not _:
        return int(low), int(low)
    return (int(low) if low else None), (int(high) if high else None)


def _got(count: Count | None) -> Bounds:
    return None if count is None else (count.min, count.max)


def _case_event(extractor: Extractor, case: dict[str, Any]) -> tuple[str, Event | None]:
    """The article text and the event of the case's type on its trigger word (None: not found)."""
    article = clean(make_document("case.txt", case["sentence"], "text"), dt.date(2025, 10, 21))
    found = re.search(rf"\b{re.escape(case['trigger'])}\b", article.text)
    assert found, case
    wanted = _event_id(article.id, found.start(), case["type"])
    events = [e for e in extractor(article).events if e.id == wanted]
    return article.text, (events[0] if events else None)


def test_killed_and_wounded_of_the_invented_sentences(extractor: Extractor, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(CASES) >= 40
    wrong = []
    for case in CASES:
        text, event = _case_event(extractor, case)
        casualties = event.casualties if event is not None else None
        got = (_got(casualties.killed), _got(casualties.wounded)) if casualties else (None, None)
        expected = (_bounds(case.get("killed")), _bounds(case.get("wounded")))
        if event is None or got != expected:
            wrong.append((case["sentence"], case["trigger"], "no event" if event is None else got, expected))
        for count in (casualties.killed, casualties.wounded) if casualties else ():
            if count is not None:
                assert text[count.start:count.end] == count.text, (case, count)
    fraction = 1 - len(wrong) / len(CASES)
    with capsys.disabled():
        print(f"\ncasualties exactly right: {len(CASES) - len(wrong)}/{len(CASES)} = {fraction:.3f}")
        for item in wrong:
            print("  wrong:", item)
    assert fraction >= FLOOR, wrong


def test_other_event_types_carry_no_casualties(extractor: Extractor) -> None:
    text = "Rebels accused the army of an attack that killed 40 villagers, and the two sides met in Kigali."
    article = clean(make_document("t.txt", text, "text"), dt.date(2025, 10, 21))
    events = extractor(article).events
    assert any(e.casualties for e in events if e.type == "ASSAULT"), events
    assert all(e.casualties is None for e in events if e.type not in ("ASSAULT", "COERCE", "PROTEST")), events


@pytest.mark.slow
def test_process_json_carries_casualties_with_offsets_into_the_text(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text("Militants attacked a market in the north on Monday.\n\n"
                      "Gunmen attacked a bus near the border, killing at least 14 passengers and wounding dozens.\n",
                      "utf-8")
    result = run_cli("process", str(source), "--published", "2025-10-21", "--format", "json",
                     "--db", str(tmp_path / "store.db"))
    assert result.returncode == 0, result.stderr
    (output,) = json_lines(result.stdout)
    text = output["article"]["text"]
    attacks = [e for e in output["events"] if e["casualties"]]
    assert attacks, output["events"]
    casualties = attacks[0]["casualties"]
    assert set(casualties) == {"killed", "wounded"}
    assert {k: v for k, v in casualties["killed"].items() if k in ("min", "max", "text")} == \
        {"min": 14, "max": None, "text": "at least 14"}
    assert (casualties["wounded"]["min"], casualties["wounded"]["max"]) == (24, 99)
    for count in casualties.values():
        assert text[count["start"]:count["end"]] == count["text"]
    quiet = [e for e in output["events"] if "market" in e["evidence"]["sentence"]]
    assert quiet and all(e["casualties"] is None for e in quiet)
