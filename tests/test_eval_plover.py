"""PLOVER gold records: loading, old-name mapping, scoring, and the CAMEO→PLOVER table."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import shared_path
from storyline.evaluate.plover import (
    ClassifiedSentence,
    PloverRecord,
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
    scores = evaluate(gold_path, lambda text: ClassifiedSentence("AGREE"))
    share = sum(r.type == "AGREE" for r in records) / len(records)
    assert share == 40 / 322
    assert scores.accuracy == pytest.approx(share)
    agree = next(t for t in scores.per_type if t.type == "AGREE")
    assert (agree.precision, agree.recall, agree.support, agree.predicted) == (pytest.approx(share), 1.0, 40, 322)
    assert scores.macro_f1 == pytest.approx(agree.f1 / 16)
    assert scores.as_dict() == {"accuracy": pytest.approx(share), "macro_f1": pytest.approx(agree.f1 / 16), "n": 322,
                                "source_country_acc": 0.0, "target_country_acc": 0.0}
    assert ("REJECT", "AGREE", 34) in scores.confusion


def test_a_perfect_oracle_scores_one(gold_path: Path, records: list[PloverRecord]) -> None:
    answers = iter(records)

    def oracle(text: str) -> ClassifiedSentence:
        record = next(answers)
        assert record.text == text
        return ClassifiedSentence(record.type, record.source_countries, record.target_countries)

    scores = evaluate(gold_path, oracle)
    assert (scores.accuracy, scores.macro_f1, scores.n) == (1.0, 1.0, 322)
    assert (scores.source_country_acc, scores.target_country_acc) == (1.0, 1.0)
    assert scores.source_country_n > 300 and scores.target_country_n > 250
    assert all(g == p for g, p, _ in scores.confusion)


def test_no_answer_and_old_names_count_wrong(records: list[PloverRecord]) -> None:
    silent = score(records, [None] * len(records))
    assert (silent.accuracy, silent.macro_f1) == (0.0, 0.0)
    assert all(p is None for _, p, _ in silent.confusion)
    old = score(records, [ClassifiedSentence("DEMAND" if r.type == "REQUEST" else r.type) for r in records])
    assert old.accuracy == pytest.approx(1 - 34 / 322)
    with pytest.raises(ValueError):
        score(records, [])


def test_country_accuracy_compares_code_sets_per_side(records: list[PloverRecord]) -> None:
    answers = [ClassifiedSentence(r.type, tuple(reversed(r.source_countries)), ("ZZZ",)) for r in records]
    scores = score(records, answers)
    assert scores.source_country_acc == 1.0 and scores.target_country_acc == 0.0


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
