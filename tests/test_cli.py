"""The CLI through a real subprocess: output contract, clean, show, articles, bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEED, json_lines, run_cli


@pytest.mark.slow
def test_process_json_prints_the_article_contract(db: str) -> None:
    result = run_cli("process", str(SEED), "--published", "2025-10-21", "--format", "json", "--db", db)
    assert result.returncode == 0, result.stderr
    (line,) = json_lines(result.stdout)
    article = line["article"]
    assert set(article) >= {"id", "title", "url", "outlet", "published", "published_source", "text", "removed"}
    assert article["published"] == "2025-10-21" and article["published_source"] == "user"
    assert article["removed"][0]["reason"] == "appeal"
    assert article["removed"][0]["text"].startswith("A Message from The Moscow Times:")
    assert isinstance(line["events"], list)
    assert b"1 new" in result.stderr


@pytest.mark.slow
def test_show_prints_the_text_and_the_removed_boilerplate_with_reasons(db: str) -> None:
    first = json_lines(run_cli("process", str(SEED), "--format", "json", "--db", db).stdout)[0]
    shown = run_cli("show", first["article"]["id"][:8], "--db", db, env={"COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout.decode()
    assert "removed (1)" in text and "appeal" in text and "Remind me later." in text
    as_json = json_lines(run_cli("show", first["article"]["id"], "--format", "json", "--db", db).stdout)[0]
    assert as_json["article"] == first["article"]
    missing = run_cli("show", "ffffffff", "--db", db)
    assert missing.returncode != 0 and b"not in the store" in missing.stderr


@pytest.mark.slow
def test_articles_lists_what_is_stored(db: str) -> None:
    run_cli("process", str(SEED), "--db", db)
    rows = json_lines(run_cli("articles", "--format", "json", "--db", db).stdout)
    assert len(rows) == 1 and rows[0]["removed"] == 1


def test_clean_json_has_one_line_per_input_and_no_store(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Headline here\n\nMerkel met Macron in Paris on Friday.\n\nADVERTISEMENT\n")
    result = run_cli("clean", str(SEED), str(other), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stdout)
    assert [set(x) for x in lines] == [{"path", "id", "title", "published", "text", "removed"}] * 2
    assert lines[1]["title"] == "Headline here" and lines[1]["text"] == "Merkel met Macron in Paris on Friday."
    assert lines[1]["removed"] == [{"text": "ADVERTISEMENT", "reason": "advert"}]
    assert not list(tmp_path.glob("*.db"))


@pytest.mark.slow
def test_stdin_is_read(db: str) -> None:
    result = run_cli("process", "-", "--format", "json", "--db", db, stdin=SEED.read_bytes())
    assert result.returncode == 0, result.stderr
    assert json_lines(result.stdout)[0]["article"]["text"].startswith("U.S. President Donald Trump")


def _one_line_error(result, name: str) -> str:
    err = result.stderr.decode()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if name in line]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.slow
def test_each_bad_input_alone_is_a_one_line_error_and_non_zero_exit(db: str, tmp_path: Path) -> None:
    cases = {
        "empty.txt": (b"", "empty input"),
        "binary.dat": (bytes(range(256)) * 50, "binary content"),
        "broken.jsonl": (b'{"text": "fine"\n', "not valid JSON"),
    }
    for name, (data, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = run_cli("process", str(path), "--db", db)
        assert result.returncode != 0, name
        assert reason in _one_line_error(result, name)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    result = run_cli("process", str(huge), "--db", db)
    assert result.returncode != 0 and "over the" in _one_line_error(result, "huge.txt")
    result = run_cli("process", str(tmp_path / "missing.txt"), "--db", db)
    assert result.returncode != 0 and "no such file" in _one_line_error(result, "missing.txt")
    result = run_cli("process", str(SEED), "--published", "21/10/2025", "--db", db)
    assert result.returncode == 2 and "expected a date" in _one_line_error(result, "--published")


@pytest.mark.slow
def test_broken_html_and_invalid_utf8_are_processed(db: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    sentence = "Putin and Erdogan met in Sochi on Monday to discuss Syria. "
    broken.write_text("<html><body><div><p>" + sentence * 8 + "<p><b>unclosed")
    bad_bytes = tmp_path / "bytes.txt"
    bad_bytes.write_bytes(b"Kim Jong Un met Moon Jae-in at Panmunjom on Friday \xff\xfe\x80.\n")
    result = run_cli("process", str(broken), str(bad_bytes), "--format", "json", "--db", db)
    assert result.returncode == 0, result.stderr
    texts = [x["article"]["text"] for x in json_lines(result.stdout)]
    assert "Putin and Erdogan met in Sochi" in texts[0] and "Kim Jong Un met Moon Jae-in" in texts[1]


@pytest.mark.slow
def test_in_a_batch_bad_inputs_are_recorded_and_counted_and_the_rest_goes_on(db: str, tmp_path: Path) -> None:
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.jsonl").write_text('{"text": "Macron visited Berlin on Friday to meet Merkel."}\nnot json\n')
    result = run_cli("process", str(tmp_path), "--format", "json", "--db", db)
    assert result.returncode == 0, result.stderr
    assert len(json_lines(result.stdout)) == 2
    assert b"2 article(s): 2 new, 0 already stored; 2 rejected" in result.stderr
    import sqlite3

    rows = sqlite3.connect(db).execute("select source, code from rejections order by source").fetchall()
    assert [(Path(s).name, c) for s, c in rows] == [("b.txt", "E002"), ("c.jsonl:2", "E005")]


@pytest.mark.slow
def test_db_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "env.db"
    result = run_cli("process", str(SEED), env={"STORYLINE_DB": str(path)}, cwd=tmp_path)
    assert result.returncode == 0 and path.exists()


@pytest.mark.slow
def test_missing_db_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("process", str(SEED), "--db", str(tmp_path / "no" / "such" / "x.db"))
    assert result.returncode == 2 and b"does not exist" in result.stderr and b"Traceback" not in result.stderr


def test_python_api_process() -> None:
    import storyline

    result = storyline.process(SEED.read_text("utf-8"), published="2025-10-21")
    assert result.article.published.isoformat() == "2025-10-21"
    assert "Remind me later" not in result.article.text
    assert json.loads(json.dumps(storyline.to_dict(result)))["article"]["id"] == result.article.id


# ---------------------------------------------------------------- hostile input (issue 11)
CALL_KREMLIN = "Putin spoke by telephone on Thursday with Trump, the Kremlin said."
CALL_WHITE_HOUSE = "Trump spoke by telephone on Thursday with Putin, the White House said."


@pytest.mark.slow
def test_publication_dates_outside_the_accepted_range_are_refused(db: str, tmp_path: Path) -> None:
    far = tmp_path / "far.jsonl"
    far.write_text("".join(json.dumps({"text": t, "published": "9999-12-31"}) + "\n"
                           for t in (CALL_KREMLIN, CALL_WHITE_HOUSE)), "utf-8")
    result = run_cli("process", str(far), "--db", db)
    assert result.returncode == 1 and "Traceback" not in result.stderr.decode()
    assert "outside 1900-01-01 .." in _one_line_error(result, "far.jsonl:1")
    assert "[E013]" in _one_line_error(result, "far.jsonl:2")
    for day in ("9999-12-31", "1899-12-31", "0001-01-01"):
        result = run_cli("process", str(SEED), "--published", day, "--db", db)
        assert result.returncode == 2 and "outside 1900-01-01 .." in _one_line_error(result, "--published")
    after = run_cli("process", str(SEED), "--published", "2025-10-21", "--format", "json", "--db", db)
    assert after.returncode == 0, after.stderr
    assert json_lines(after.stdout)[0]["article"]["published"] == "2025-10-21"


@pytest.mark.slow
def test_a_lone_surrogate_in_jsonl_does_not_stop_the_batch(db: str, tmp_path: Path) -> None:
    path = tmp_path / "surrogate.jsonl"
    path.write_text('{"text": "Macron met Scholz in Berlin on Friday, officials said. \\ud800"}\n'
                    '{"text": "Scholz met Macron in Paris on Monday, officials said."}\n', "utf-8")
    result = run_cli("process", str(path), "--format", "json", "--db", db)
    assert result.returncode == 0, result.stderr
    texts = [line["article"]["text"] for line in json_lines(result.stdout)]
    assert texts == ["Macron met Scholz in Berlin on Friday, officials said. \ufffd",
                     "Scholz met Macron in Paris on Monday, officials said."]


@pytest.mark.slow
def test_a_huge_json_number_is_no_crash(db: str, tmp_path: Path) -> None:
    path = tmp_path / "numbers.jsonl"
    path.write_text('{"text": "Macron met Scholz in Berlin on Friday.", "views": %s}\n{"text": [%s1%s]}\n'
                    % ("9" * 4301, "[" * 50_000, "]" * 50_000), "utf-8")
    result = run_cli("process", str(path), "--format", "json", "--db", db)
    assert result.returncode == 0, result.stderr
    assert len(json_lines(result.stdout)) == 1
    assert "[E005]" in _one_line_error(result, "numbers.jsonl:2")


@pytest.mark.slow
def test_file_names_that_are_not_utf8_are_processed_and_shown_escaped(db: str, tmp_path: Path) -> None:
    import os
    import sqlite3

    folder = tmp_path / "inputs"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"r\xe9union.txt"), "wb") as handle:
        handle.write(b"Macron met Scholz in Berlin on Friday, officials said.")
    with open(os.path.join(os.fsencode(folder), b"vide\xff.txt"), "wb") as handle:
        handle.write(b"")
    (folder / "plain.txt").write_text("Scholz met Macron in Paris on Monday, officials said.", "utf-8")
    result = run_cli("process", str(folder), "--format", "json", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "empty input" in _one_line_error(result, "vide\\xff.txt")
    con = sqlite3.connect(db)
    sources = sorted(Path(s).name for (s,) in con.execute("select source from articles"))
    assert sources == ["plain.txt", "r\\xe9union.txt"]
    assert [Path(s).name for (s,) in con.execute("select source from rejections")] == ["vide\\xff.txt"]


@pytest.mark.slow
def test_invisible_text_is_empty_input(db: str, tmp_path: Path) -> None:
    path = tmp_path / "invisible.txt"
    path.write_text("\u200b\u2060\ufeff\u200b\n", "utf-8")
    result = run_cli("process", str(path), "--db", db)
    assert result.returncode == 1 and "[E002]" in _one_line_error(result, "invisible.txt")


@pytest.mark.slow
def test_negative_limits_are_a_cli_error(db: str) -> None:
    for command in ("articles", "stories"):
        result = run_cli(command, "--limit", "-5", "--db", db)
        assert result.returncode == 2 and "--limit" in result.stderr.decode(), command
        assert "Traceback" not in result.stderr.decode()
    result = run_cli("process", str(SEED), "--max-bytes", "-1", "--db", db)
    assert result.returncode == 2 and "--max-bytes" in result.stderr.decode()


@pytest.mark.slow
def test_python_api_accepts_a_lone_surrogate_and_bounds_the_date() -> None:
    import datetime as dt

    import storyline

    result = storyline.process("Macron met Scholz in Berlin on Friday, officials said. \ud800")
    assert result.article.text.endswith("\ufffd")
    with pytest.raises(ValueError, match="outside 1900-01-01"):
        storyline.process("Macron met Scholz in Berlin on Friday.", published="9999-12-31")
    with pytest.raises(ValueError, match="outside 1900-01-01"):
        storyline.process("Macron met Scholz in Berlin on Friday.", published=dt.date(1066, 10, 14))


@pytest.mark.slow
def test_python_api_time_limit_stops_a_long_extraction_and_keeps_a_short_one() -> None:
    import storyline

    text = "The mayor of Valdora met the governor of Estrel in Corvo on Tuesday, aides said. "
    short = storyline.process(text, published="2024-05-08")
    limited = storyline.process(text, published="2024-05-08", time_limit=120)
    assert [e.type for e in limited.events] == [e.type for e in short.events] and short.events
    with pytest.raises(TimeoutError, match="time limit"):
        storyline.process(text * 400, published="2024-05-08", time_limit=0.05)


@pytest.mark.parametrize(("args", "command", "reason"), [
    (("process", "--no-such-option"), "process", "No such option: --no-such-option"),
    (("stories", "--limit", "many"), "stories", "Invalid value for '--limit'"),
    (("eval", "events"), "eval events", "Missing argument"),
    (("no-such-command",), "", "No such command"),
])
def test_usage_mistakes_are_one_line_with_the_command_and_where_help_is(args, command, reason):
    result = run_cli(*args)
    lines = result.stderr.decode().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr.decode()
    assert lines[0].startswith(f"storyline: error: {command + ': ' if command else ''}") and reason in lines[0]
    assert f"(see 'storyline {command + ' ' if command else ''}--help')" in lines[0]
    assert "Traceback" not in lines[0] and "╭" not in lines[0]
