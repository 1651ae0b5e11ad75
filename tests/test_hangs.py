"""Inputs that used to hang: cleaning rules that backtrack, and texts spaCy's tokenizer is
quadratic on. Each runs in a subprocess with a deadline, so a regression fails instead of
hanging the suite."""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, json_lines, run_cli
from rule_regexes import rule_patterns
from storyline.clean import clean
from storyline.ingest import make_document
from storyline.model import Article, Rejected

ALL_CAPS_BOMB = "   ".join(["AB"] * 18) + " ?"           # 34-63 s before
NAME_LINK_LINE = "Trump TrumpGOP senators balk at the plan. "  # a name link with no MORE after it
STARTUP = 60.0  # seconds to import storyline and compile every rule in a subprocess
REPORT = "The foreign minister met the ambassador in Vienna on Monday, officials said."


def bounded(code: str, seconds: float) -> str:
    """Run `code` in a fresh interpreter; fail (not hang) when it takes over `seconds`."""
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=seconds,
                              check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {seconds} s: {code[:120]}")
    assert done.returncode == 0, done.stderr[-2000:]
    return f"{done.stdout}{time.perf_counter() - start:.1f}"


# ---------------------------------------------------------------- every rule, adversarial strings
def search_all_rules(size: int, budget: float, deadline: float) -> list[tuple[str, str, float]]:
    """Run tests/rule_regexes.py over strings of `size`; fail on a search over `budget` seconds
    or when the whole run passes `deadline` (naming the pattern and string it was on)."""
    process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "rule_regexes.py"), str(size)],
                               stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()] + [lines.put("")],
                     daemon=True).start()
    end, current, slow = time.monotonic() + deadline, ("", ""), []
    try:
        while True:
            wait = budget * 4 if current[0] else STARTUP  # the first line comes after the imports
            try:
                line = lines.get(timeout=max(0.1, min(wait, end - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"{current[0] or 'start-up'} still searching {current[1]!r} ({size} characters) "
                            f"after {wait} s, or the run is over its {deadline} s")
            if not line:
                pytest.fail(f"tests/rule_regexes.py stopped early (exit {process.wait()}) after {current}")
            record = json.loads(line)
            if record.get("done"):
                return slow
            if "start" in record:
                current = (record["start"], record["case"])
            elif record["seconds"] > budget:
                slow.append((*current, round(record["seconds"], 2)))
    finally:
        process.kill()
        process.wait()


def test_no_rule_backtracks_exponentially() -> None:
    """Short strings: a rule that backtracks exponentially (like the old all-caps-link) hangs here."""
    assert search_all_rules(400, budget=0.25, deadline=120) == []


@pytest.mark.slow
def test_no_rule_is_quadratic_on_long_strings() -> None:
    """100,000-character strings: a rule whose every start rescans the line (like the old
    name-link `.*?\\sMORE`) takes seconds here, a linear one milliseconds."""
    assert search_all_rules(100_000, budget=1.5, deadline=1200) == []


def test_rule_files_with_patterns_are_all_found() -> None:
    patterns = rule_patterns()
    assert {where.split()[0] for where, _ in patterns} == {"cleaning.toml", "timex_rules.toml"}
    assert len(patterns) > 40


# ---------------------------------------------------------------- item 2: the all-caps bomb
def test_all_caps_bomb_is_cleaned_at_once() -> None:
    code = ("from storyline.clean import clean_text; "
            f"text, removed = clean_text({ALL_CAPS_BOMB!r}); print(len(text), len(removed))")
    out = bounded(code, 10)
    assert out.startswith(f"{len(ALL_CAPS_BOMB)} 0\n"), out  # a question in capitals is kept, as before


# ---------------------------------------------------------------- item 4: the name-link rule
def test_name_link_rule_is_linear_without_more() -> None:
    code = ("from storyline.clean import clean_text; "  # 336 KB on one line: 19 s before
            f"text, removed = clean_text({NAME_LINK_LINE!r} * 8000); print(len(removed))")
    assert bounded(code, 10).startswith("0\n")


def test_name_link_rule_is_linear_with_many_links() -> None:
    line = "Trump TrumpGOP senators balk at the plan MORE said "  # 6,000 removals in one paragraph
    code = ("from storyline.clean import clean_text; "
            f"text, removed = clean_text({line!r} * 6000); print(len(removed), text.count('Trump'), text.count('MORE'))")
    assert bounded(code, 10).startswith("6000 6000 0\n")


# ---------------------------------------------------------------- item 3: guards before the tokenizer
def _cleaned(text: str, kind: str = "text") -> Article | Rejected:
    doc = make_document("<test>", text, kind)
    assert not isinstance(doc, Rejected)
    return clean(doc)


def test_long_punctuation_runs_are_cut_and_recorded() -> None:
    article = _cleaned(f"{REPORT} {'[' * 16_000}\n\n{REPORT} {'&' * 60} {'?!' * 500}")
    assert isinstance(article, Article)
    assert article.text == f"{REPORT}\n\n{REPORT}"
    junk = [r for r in article.removed if r.rule == "symbol-run"]
    assert [len(r.text) for r in junk] == [16_000, 60, 1000] and {r.reason for r in junk} == {"junk"}


def test_runs_of_affixes_between_letters_are_cut() -> None:
    """ "'s's's…" and mixes of "'s", "[" and ")": the tokenizer splits each off one at a time."""
    mixed = "".join(("'s", "[", ")")[i * i % 3] for i in range(3000))
    article = _cleaned(f"{REPORT} {'’s' * 2000} {mixed}")
    assert isinstance(article, Article) and article.text.startswith(REPORT) and len(article.text) < len(REPORT) + 6
    assert [len(r.text) > 3000 for r in article.removed] == [True, True]


def test_ordinary_punctuation_is_left_alone() -> None:
    text = 'He said: "No..." (U.S.-led, p.m.). Then — "why?!" — ***** 50%… [sic] ____ |---|---|'
    article = _cleaned(text)
    assert isinstance(article, Article) and article.text == text and not article.removed


def test_entity_runs_in_html_are_cut() -> None:
    html = f"<html><body><article><p>{REPORT}</p><p>{'&amp;' * 17_600}</p></article></body></html>"
    article = _cleaned(html, "html")
    assert isinstance(article, Article) and "&&&&&&&&" not in article.text and REPORT in article.text


def test_text_of_punctuation_only_is_no_text() -> None:
    rejected = _cleaned("[" * 100_000)
    assert isinstance(rejected, Rejected) and rejected.code == "E006"


def test_text_over_the_parser_limit_is_a_coded_rejection() -> None:
    rejected = _cleaned(f"{REPORT}\n\n" * 13_000)  # 1.04 million characters once cleaned
    assert isinstance(rejected, Rejected) and rejected.code == "E021", rejected
    assert "1,000,000" in rejected.reason and "E088" not in rejected.reason


@pytest.mark.slow
def test_hostile_texts_go_through_process_quickly(tmp_path: Path, db: str) -> None:
    """16,000 '[' took 28 s; 88 KB of `&amp;` in HTML 39 s; over 1,000,000 characters was spaCy's E088."""
    (tmp_path / "brackets.txt").write_text(f"{REPORT} {'[' * 40_000}", "utf-8")
    (tmp_path / "amp.html").write_text(f"<html><body><article><p>{REPORT}</p><p>{'&amp;' * 37_000}</p>"
                                       "</article></body></html>", "utf-8")
    (tmp_path / "caps.txt").write_text(f"{REPORT}\n\n{ALL_CAPS_BOMB}", "utf-8")
    (tmp_path / "huge.txt").write_text(f"{REPORT}\n\n" * 13_000, "utf-8")
    start = time.perf_counter()
    done = run_cli("process", str(tmp_path / "*.*"), "--db", db, "--format", "json", timeout=120)
    assert done.returncode == 0, done.stderr
    assert time.perf_counter() - start < 60
    assert len(json_lines(done.stdout)) == 3
    errors = done.stderr.decode()
    assert "huge.txt" in errors and "[E021]" in errors and "E088" not in errors


@pytest.mark.slow
@pytest.mark.parametrize("chain", [
    "Gunmen raided the depot on Friday, seizing 4 rifles" + " and seizing 4 rifles" * 1500 + ".",
    "The envoy greeted the press on Friday" + " and greeted the press" * 1500 + " and said troops shelled the port.",
])
def test_a_thousand_coordinated_verbs_are_walked_without_recursion(chain: str) -> None:
    """A chain of coordinated verbs is as deep as it is long: walks up or down it (the date of
    a verb's conjuncts, the source of a reporting verb) are loops, not recursion (RecursionError)."""
    code = (f"import storyline; r = storyline.process({chain!r} + '\\n\\nOfficials confirmed it.', '2024-05-02');"
            " print(len(r.events))")
    assert int(bounded(code, STARTUP + 60).split()[0]) > 0
