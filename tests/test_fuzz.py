"""Fuzzing: generated hostile inputs and the saved adversarial cases, through the real pipeline.

The Hypothesis tests draw texts, HTML, JSONL, dates, bytes and mutated invented articles
(tests/fuzz_strategies.py) at small sizes, with a fixed seed (`derandomize`) and a bounded
number of examples, and run each through ingest, `pipeline.run` into a new SQLite store (twice)
and `storyline.process` with the real spaCy pipeline; `fuzz_strategies.check` holds every
input to the invariants: no exception but coded ones (E099, "processing failed", counts as a
crash), nothing lost, the same store after a second run, offsets inside the text, 10 s at most.

The saved cases (tests/fuzz_cases, one per reproducer of the Reliability issue and per find of
the long run) are replayed by `bench/fuzz.py --replay`, each in a watched child process, so a
hang fails its case instead of stalling the suite. The long run is `python bench/fuzz.py
--cases 10000` (README, "Robustness").
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, table_rows
from fuzz_strategies import CI, Case, articles, check, dated, html_docs, jsonl_files, raw_bytes, texts

CASES = ROOT / "tests" / "fuzz_cases"
FUZZ = ROOT / "bench" / "fuzz.py"
INDEX = tomllib.loads((CASES / "index.toml").read_text("utf-8"))["case"]

def fuzz_settings(examples: int) -> Any:
    """A fixed seed and a bounded number of examples, so CI runs the same inputs every time."""
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])


@pytest.fixture(scope="module")
def extractor() -> Any:
    from storyline.extract import default_extractor

    return default_extractor()


def assert_holds(case: Case, extractor: Any) -> None:
    """`case` through the pipeline into a new store: every invariant holds."""
    with tempfile.TemporaryDirectory() as folder:
        report = check(case, Path(folder) / "input", Path(folder) / "store.db", extractor)
    assert report.ok, json.dumps(report.as_dict())


@fuzz_settings(80)
@given(case=texts(CI))
def test_any_text_is_an_article_or_a_coded_rejection(case: Case, extractor: Any) -> None:
    assert_holds(case, extractor)


@fuzz_settings(60)
@given(case=html_docs(CI))
def test_any_html_is_an_article_or_a_coded_rejection(case: Case, extractor: Any) -> None:
    assert_holds(case, extractor)


@fuzz_settings(60)
@given(case=jsonl_files(CI))
def test_any_jsonl_gives_one_outcome_per_line(case: Case, extractor: Any) -> None:
    assert_holds(case, extractor)


@fuzz_settings(60)
@given(case=dated())
def test_any_date_is_taken_refused_or_dropped_never_a_crash(case: Case, extractor: Any) -> None:
    assert_holds(case, extractor)


@fuzz_settings(50)
@given(case=raw_bytes(CI))
def test_any_bytes_are_an_article_or_a_coded_rejection(case: Case, extractor: Any) -> None:
    assert_holds(case, extractor)


@pytest.mark.slow
@fuzz_settings(80)
@given(case=articles(CI))
def test_mutated_articles_hold_every_invariant(case: Case, extractor: Any) -> None:
    assert_holds(case, extractor)


@pytest.mark.slow
@fuzz_settings(25)
@given(case=st.one_of(articles(CI), jsonl_files(CI), html_docs(CI)))
def test_the_same_input_gives_the_same_store_in_two_new_stores(case: Case, extractor: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        stores = [Path(folder) / "one.db", Path(folder) / "two.db"]
        reports = [check(case, Path(folder) / "input", db, extractor) for db in stores]
        assert all(r.ok for r in reports), [r.as_dict() for r in reports]
        assert table_rows(str(stores[0])) == table_rows(str(stores[1]))


# --- the saved cases ---------------------------------------------------------------------------


def replay(folder: Path, *args: str, timeout: float = 600) -> tuple[int, dict[str, Any]]:
    """`bench/fuzz.py --replay folder ... --format json`: its exit status and summary."""
    done = subprocess.run([sys.executable, str(FUZZ), "--replay", str(folder), "--format", "json", *args],
                          capture_output=True, text=True, timeout=timeout)
    assert done.stdout.strip(), done.stderr[-3000:]
    return done.returncode, json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def replayed() -> dict[str, dict[str, Any]]:
    """Every saved case that can run here, replayed once, by file."""
    _, summary = replay(CASES, "--kill-after", "30")
    return {r["label"]: r for r in summary["reports"]}


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"] for e in INDEX])
def test_saved_case(entry: dict[str, Any], replayed: dict[str, dict[str, Any]]) -> None:
    report = replayed[entry["file"]]
    assert report["crash"] is None and not report["problems"], report


def test_every_saved_file_is_in_the_index() -> None:
    files = {p.name for p in CASES.iterdir() if p.name != "index.toml"}
    assert files == {c["file"] for c in INDEX}


def test_the_saved_non_utf8_name_is_not_utf8() -> None:
    (entry,) = [c for c in INDEX if "name" in c]
    with pytest.raises(UnicodeDecodeError):
        entry["name"].encode("ascii").decode("unicode_escape").encode("latin-1").decode("utf-8")


@pytest.mark.slow
def test_a_hang_is_killed_counted_and_the_run_goes_on(tmp_path: Path) -> None:
    """The watchdog: a case not done within --kill-after is a hang, its child is replaced, and
    the next case still runs (here a long article, well over a minute's work, against a 5 s limit,
    then a short one, which has 5 s for a new child's first case)."""
    long_text = " ".join(f"Talks between Putin and Erdogan in Sochi went on for day {i}." for i in range(8000))
    (tmp_path / "long.txt").write_text(long_text)
    (tmp_path / "short.txt").write_text("Macron met Scholz in Berlin on Friday, officials said.")
    (tmp_path / "index.toml").write_text('[[case]]\nfile = "long.txt"\n\n[[case]]\nfile = "short.txt"\n')
    status, summary = replay(tmp_path, "--kill-after", "5")
    assert status == 1
    assert (summary["hangs"], summary["restarts"], summary["cases"]) == (1, 1, 2)
    hung, short = summary["reports"]
    assert hung["label"] == "long.txt" and hung["problems"] == ["hung: killed after 5 s"]
    assert short["label"] == "short.txt" and short["articles"] == 1 and not short["problems"]


@pytest.mark.slow
def test_the_long_run_command_splits_cases_by_category(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(FUZZ), "--cases", "20", "--small", "--format", "json"],
                          capture_output=True, text=True, timeout=600)
    summary = json.loads(done.stdout.splitlines()[-1])
    assert summary["cases"] == 20 and sum(summary["by_category"].values()) == 20
    assert set(summary["by_category"]) == {"article", "bytes", "date", "html", "jsonl", "text"}
    assert summary["by_category"]["article"] > summary["by_category"]["bytes"]
    assert (summary["crashes"], summary["hangs"], summary["over_10s"]) == (0, 0, 0)
    assert done.returncode == 0, done.stderr[-2000:]
