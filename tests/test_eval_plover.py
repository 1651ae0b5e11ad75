"""PLOVER gold records: loading, old-name mapping, scoring the product's output for each record
(exact: every event of the sentence in the gold category), and the CAMEO→PLOVER table."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import json_lines, run_cli, shared_path
from storyline.evaluate.plover import (
    Answer,
    PloverRecord,
    answer_of,
    evaluate,
    load_cameo2plover,
    load_records,
    score,
)

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}


@pytest.fixture(scope="module")
def gold_path() -> Path:
    return shared_path("peer", "plover", "PLOVER_GSR_CAMEO.txt")


@pytest.fixture(scope="module")
def records(gold_path: Path) -> list[PloverRecord]:
    return load_records(gold_path)


def test_loader_skips_the_document_record_and_maps_old_names(records: list[PloverRecord]) -> None:
    assert len(records) == 322
    assert all(r.original_type != "DOCUMENT" for r in records)
    types = Counter(r.type for r in records)
    assert set(types) == PLOVER_TYPES
    original = Counter(r.original_type for r in records)
    assert types["ACCUSE"] == original["DISAPPROVE"] + original["INVESTIGATE"] == 25
    assert types["REQUEST"] == original["DEMAND"] == 34
    assert types["ASSAULT"] == original["ASSAULT"] + original["FIGHT"] == 32
    first = records[0]
    assert (first.type, first.source_countries, first.target_countries) == ("AGREE", ("HUN", "ROU"), ())


def test_country_codes_are_normalised(records: list[PloverRecord]) -> None:
    by_id = {r.id: r for r in records}
    assert by_id["PLOVER-GSR01-AGREE-0002"].source_countries == ("XXX",)   # APEC, coded IGO
    assert by_id["PLOVER-GSR01-AGREE-0002"].target_countries == ("JPN",)   # coded JAP
    assert by_id["PLOVER-GSR01-AGREE-0007"].target_countries == ()        # target is a stray string


def test_always_agree_scores_the_agree_share(gold_path: Path, records: list[PloverRecord]) -> None:
    scores = evaluate(gold_path, lambda text: {"events": [{"type": "AGREE", "status": "occurred"}]})
    share = sum(r.type == "AGREE" for r in records) / len(records)
    assert share == 40 / 322
    assert scores.accuracy == pytest.approx(share)
    agree = next(t for t in scores.per_type if t.type == "AGREE")
    assert (agree.precision, agree.recall, agree.support, agree.predicted) == (pytest.approx(share), 1.0, 40, 322)
    assert scores.macro_f1 == pytest.approx(agree.f1 / 16)
    assert scores.as_dict() == {"accuracy": pytest.approx(share), "found": pytest.approx(share),
                                "macro_f1": pytest.approx(agree.f1 / 16), "n": 322,
                                "no_event": 0, "several_types": 0,
                                "source_country_acc": 0.0, "target_country_acc": 0.0}
    assert ("REJECT", "AGREE", 34) in scores.confusion


def test_a_perfect_oracle_scores_one(gold_path: Path, records: list[PloverRecord]) -> None:
    answers = iter(records)

    def oracle(text: str) -> dict:
        record = next(answers)
        assert record.text == text
        return {"events": [{"type": record.type, "status": "occurred",
                            "actors": [{"country": c} for c in record.source_countries],
                            "recipients": [{"country": c} for c in record.target_countries]}]}

    scores = evaluate(gold_path, oracle)
    assert (scores.accuracy, scores.macro_f1, scores.n) == (1.0, 1.0, 322)
    assert (scores.source_country_acc, scores.target_country_acc) == (1.0, 1.0)
    assert scores.source_country_n > 300 and scores.target_country_n > 250
    assert all(g == p for g, p, _ in scores.confusion)


def test_no_answer_and_old_names_count_wrong(records: list[PloverRecord]) -> None:
    silent = score(records, [Answer(())] * len(records))
    assert (silent.accuracy, silent.macro_f1, silent.no_event) == (0.0, 0.0, 322)
    assert all(p is None for _, p, _ in silent.confusion)
    old = score(records, [Answer(("DEMAND" if r.type == "REQUEST" else r.type,)) for r in records])
    assert old.accuracy == pytest.approx(1 - 34 / 322)
    with pytest.raises(ValueError):
        score(records, [])


def test_country_accuracy_compares_code_sets_per_side(records: list[PloverRecord]) -> None:
    answers = [Answer((r.type,), tuple(reversed(r.source_countries)), ("ZZZ",)) for r in records]
    scores = score(records, answers)
    assert scores.source_country_acc == 1.0 and scores.target_country_acc == 0.0


def test_a_record_is_right_only_when_every_event_has_the_gold_type(records: list[PloverRecord]) -> None:
    """A second event of another category costs the record (and that category's precision);
    a repeat of the gold category does not."""
    extra = score(records, [Answer((r.type, "ASSAULT" if r.type != "ASSAULT" else "AID")) for r in records])
    assert extra.accuracy == 0.0 and extra.several_types == 322
    assert extra.found == 1.0  # the lenient reading takes every one of them
    assault = next(t for t in extra.per_type if t.type == "ASSAULT")
    assert (assault.recall, assault.predicted, assault.support) == (1.0, 322, 32)
    assert assault.precision == pytest.approx(32 / 322)
    assert all(t.recall == 1.0 for t in extra.per_type)
    assert ("AGREE", "AGREE+ASSAULT", 40) in extra.confusion
    repeated = score(records, [Answer((r.type, r.type)) for r in records])
    assert (repeated.accuracy, repeated.macro_f1, repeated.several_types) == (1.0, 1.0, 0)


def test_the_answer_is_the_plover_category_of_each_output_event() -> None:
    """As `storyline export --format plover` writes it: a planned meeting is AGREE, a threatened
    strike THREATEN, an occurred one itself; countries are pooled per side over the events."""
    def event(kind: str, status: str, actors: tuple[str, ...] = (), recipients: tuple[str, ...] = ()) -> dict:
        return {"type": kind, "status": status, "actors": [{"name": "x", "country": c} for c in actors],
                "recipients": [{"name": "y", "country": c} for c in recipients]}

    assert answer_of({"events": [event("CONSULT", "planned", ("PER",), ("CHL",))]}) == Answer(("AGREE",), ("PER",), ("CHL",))
    assert answer_of({"events": [event("ASSAULT", "hypothetical")]}).types == ("THREATEN",)
    assert answer_of({"events": [event("CONSULT", "occurred", ("NOR",)), event("AGREE", "occurred", ("SWE",), ("FIN",)),
                                 event("CONSULT", "cancelled")]}) == Answer(("CONSULT", "AGREE"), ("NOR", "SWE"), ("FIN",))
    assert answer_of({"events": []}) == answer_of(None) == Answer(())


def test_lenient_parsing(tmp_path: Path) -> None:
    path = tmp_path / "gsr.txt"
    path.write_text('[{"event": "DOCUMENT", "text": "x"},\n'
                    '{"id": "a", "event": "FIGHT", "text": "Rebels\tattacked.", "source": [{"code": "syr"}],},\n]',
                    "utf-8")
    (record,) = load_records(path)
    assert (record.type, record.original_type, record.source_countries) == ("ASSAULT", "FIGHT", ("SYR",))


def test_cameo_to_plover_table() -> None:
    table = load_cameo2plover(shared_path("peer", "plover", "CAMEO2PLOVER-2021.txt"))
    assert len(table) == 274  # 276 rows, two codes listed twice
    assert table["041"] == ("CONSULT", "phone")
    assert table["057"] == ("SUPPORT", None)
    assert table["036"] == ("AGREE", None)
    assert table["0813"] == ("RETREAT", None)   # a comment with a colon in it
    assert table["08"] == ("CONCEDE", None)     # first of two headers
    assert table["1323"] == ("THREATEN", "restrict")
    assert {kind for kind, _ in table.values()} == PLOVER_TYPES


# Invented sentences with the type a PLOVER coder would give them: a meeting, a meeting and a
# signing in one sentence (two events, one gold type), an attack, an appeal, and no event at all.
INVENTED = (
    ("CONSULT", "Emmanuel Macron met Olaf Scholz in Paris on Tuesday to discuss energy prices."),
    ("CONSULT", "Pedro Sanchez met Antonio Costa in Lisbon and the two leaders signed a water-sharing treaty."),
    ("ASSAULT", "Rebel fighters attacked an army post near the Malian border on Sunday, killing four soldiers."),
    ("REQUEST", "The United Nations urged Ethiopia to open its roads to aid convoys."),
    ("AGREE", "The afternoon was mild and the market stalls stayed open late."),
)


@pytest.mark.slow
def test_eval_plover_scores_what_process_outputs(tmp_path: Path, db: str) -> None:
    """`eval plover` gives each record the answer of `storyline process` on that sentence."""
    records = [{"event": "DOCUMENT", "text": "invented records"}]
    records += [{"id": f"r{i}", "event": kind, "text": text} for i, (kind, text) in enumerate(INVENTED)]
    gold = tmp_path / "gsr.txt"
    gold.write_text(json.dumps(records), "utf-8")
    files = []
    for i, (_, text) in enumerate(INVENTED):
        files.append(tmp_path / f"s{i}.txt")
        files[-1].write_text(text, "utf-8")
    processed = run_cli("process", *map(str, files), "--format", "json", "--db", db)
    assert processed.returncode == 0, processed.stderr
    by_text = {line["article"]["text"]: line for line in json_lines(processed.stdout)}
    answers = [answer_of(by_text.get(text)) for _, text in INVENTED]
    expected = score(load_records(gold), answers)
    assert expected.no_event >= 1 and expected.several_types >= 1, answers
    result = run_cli("eval", "plover", str(gold), "--format", "json")
    assert result.returncode == 0, result.stderr
    (scores,) = json_lines(result.stdout)
    assert scores == pytest.approx(expected.as_dict()), answers
    assert 0 < scores["accuracy"] < 1


def test_eval_plover_names_a_missing_file(tmp_path: Path) -> None:
    result = run_cli("eval", "plover", str(tmp_path / "none.txt"))
    assert result.returncode != 0
    assert "none.txt: no such file" in result.stderr.decode("utf-8")
    assert b"Traceback" not in result.stderr
