"""PLOVER gold records (`peer/plover/PLOVER_GSR_CAMEO.txt`) scored through the product, and the
official CAMEO→PLOVER table.

The gold file is a JSON list of human-coded sentences in PLOVER v0.5b1 names; the first record
is a DOCUMENT note and is skipped. Old names are mapped to the current ones (DISAPPROVE and
INVESTIGATE → ACCUSE, DEMAND → REQUEST, FIGHT → ASSAULT). Predicted types are taken as given:
an answer in an old name is wrong.

What is scored is what `storyline process` outputs for the sentence (`answer_of` reads one
output line): the PLOVER category of each of its events, as `storyline export --format plover`
writes it (`ontology.plover_type` of type and status: a planned meeting is AGREE). A gold record
codes one event per sentence, so a record is right only when the product's events there have
exactly the gold category: one or more events, all of that category. No event is wrong, and so
is any extra event of another category. This is the strict reading, and the honest one: the
lenient "the gold category is among the sentence's events" gives a sentence with many events
many guesses, and "the event of the main trigger" needs a choice the output does not show (the
trigger), so it would score a classifier again rather than the product's output.

Scores: `accuracy` = records answered exactly right / all records (the gate); `found` = records
whose gold category is among the sentence's events / all records (the lenient reading, printed
beside it so that the gap, the records with an extra category, shows); per type, counted over
records (a record may answer several types): precision = of the records where the product output
the type, the share whose gold type it is; recall = of the records of that gold type, the share
where the product output it; `macro_f1` = mean F1 over the types present in the gold; `no_event`
and `several_types` count the records with no event and with events of two or more categories; a
confusion count of (gold, answer) pairs, an answer of several categories joined by "+". Actor
countries are reported, not gated: per side (the events' actors, their recipients), over the
records whose gold side has at least one code, the share where the set of predicted codes equals
the set of gold codes. Gold codes are upper-cased and a few non-ISO codes are normalised to
storyline's conventions (`COUNTRY_ALIASES`: transnational actors have country XXX; JAP, ITL and
VTN are misspelt ISO codes).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..ontology import plover_type

OLD_NAMES: Mapping[str, str] = {
    "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "DEMAND": "REQUEST", "FIGHT": "ASSAULT",
}
COUNTRY_ALIASES: Mapping[str, str] = {
    "IGO": "XXX", "NGO": "XXX", "IMG": "XXX", "ISM": "XXX", "JAP": "JPN", "ITL": "ITA", "VTN": "VNM",
}
_TABLE_LINE = re.compile(r"^\s*(\d+)\s*:\s*([A-Z]+)\s*(?:,\s*([^,]*))?")


@dataclass(frozen=True)
class PloverRecord:
    id: str
    text: str
    type: str
    original_type: str
    source_countries: tuple[str, ...]
    target_countries: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """What the product output for one gold sentence: the PLOVER categories of its events in text
    order without repeats (empty: no event) and the country codes of their actors and recipients."""

    types: tuple[str, ...]
    source_countries: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypeScore:
    type: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class PloverScores:
    accuracy: float
    found: float
    macro_f1: float
    n: int
    no_event: int
    several_types: int
    source_country_acc: float
    target_country_acc: float
    source_country_n: int
    target_country_n: int
    per_type: tuple[TypeScore, ...]
    confusion: tuple[tuple[str, str | None, int], ...]

    def as_dict(self) -> dict[str, float | int]:
        return {
            "accuracy": self.accuracy, "found": self.found, "macro_f1": self.macro_f1, "n": self.n,
            "no_event": self.no_event, "several_types": self.several_types,
            "source_country_acc": self.source_country_acc, "target_country_acc": self.target_country_acc,
        }


def _read_json(path: Path) -> Any:
    """Strict JSON first; then lenient (control characters in strings, trailing commas)."""
    raw = Path(path).read_text("utf-8")
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return json.loads(re.sub(r",(\s*[\]}])", r"\1", raw), strict=False)


def normalise_country(code: str) -> str:
    code = code.strip().upper()
    return COUNTRY_ALIASES.get(code, code)


def _countries(side: Any) -> tuple[str, ...]:
    if not isinstance(side, list):
        return ()
    codes = (a.get("code") for a in side if isinstance(a, Mapping))
    return tuple(normalise_country(c) for c in codes if isinstance(c, str) and c.strip())


def _record(data: Mapping[str, Any]) -> PloverRecord:
    original = str(data["event"]).upper()
    return PloverRecord(
        id=str(data.get("id") or ""), text=str(data["text"]), type=OLD_NAMES.get(original, original),
        original_type=original, source_countries=_countries(data.get("source")),
        target_countries=_countries(data.get("target")),
    )


def load_records(path: Path) -> list[PloverRecord]:
    """The scored records of the gold file (the DOCUMENT record is skipped)."""
    return [_record(r) for r in _read_json(path) if isinstance(r, Mapping) and r.get("event") != "DOCUMENT"]


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _type_scores(gold: Sequence[str], predicted: Sequence[frozenset[str]]) -> tuple[TypeScore, ...]:
    scores = []
    for name in sorted(set(gold)):
        tp = sum(g == name and name in p for g, p in zip(gold, predicted, strict=True))
        support, answered = gold.count(name), sum(name in p for p in predicted)
        precision = tp / answered if answered else 0.0
        recall = tp / support if support else 0.0
        scores.append(TypeScore(name, precision, recall, _f1(precision, recall), support, answered))
    return tuple(scores)


def _country_accuracy(gold: Sequence[tuple[str, ...]], predicted: Sequence[tuple[str, ...]]) -> tuple[float, int]:
    judged = [(set(g), {normalise_country(c) for c in p}) for g, p in zip(gold, predicted, strict=True) if g]
    right = sum(g == p for g, p in judged)
    return (right / len(judged) if judged else 0.0), len(judged)


def _label(types: frozenset[str]) -> str | None:
    return "+".join(sorted(types)) or None


def score(records: Sequence[PloverRecord], answers: Sequence[Answer]) -> PloverScores:
    if len(records) != len(answers):
        raise ValueError(f"{len(answers)} answers for {len(records)} records")
    gold = [r.type for r in records]
    predicted = [frozenset(a.types) for a in answers]
    per_type = _type_scores(gold, predicted)
    source_acc, source_n = _country_accuracy([r.source_countries for r in records], [a.source_countries for a in answers])
    target_acc, target_n = _country_accuracy([r.target_countries for r in records], [a.target_countries for a in answers])
    confusion = Counter((g, _label(p)) for g, p in zip(gold, predicted, strict=True))
    return PloverScores(
        accuracy=sum(p == {g} for g, p in zip(gold, predicted, strict=True)) / len(records) if records else 0.0,
        found=sum(g in p for g, p in zip(gold, predicted, strict=True)) / len(records) if records else 0.0,
        macro_f1=sum(t.f1 for t in per_type) / len(per_type) if per_type else 0.0,
        n=len(records), no_event=sum(not p for p in predicted), several_types=sum(len(p) > 1 for p in predicted),
        source_country_acc=source_acc, target_country_acc=target_acc,
        source_country_n=source_n, target_country_n=target_n, per_type=per_type,
        confusion=tuple(sorted(((g, p, n) for (g, p), n in confusion.items()), key=lambda c: (c[0], c[1] or ""))),
    )


def _countries_of(events: Sequence[Mapping[str, Any]], side: str) -> tuple[str, ...]:
    codes = {a.get("country") for e in events for a in e.get(side) or () if isinstance(a, Mapping)}
    return tuple(sorted(c for c in codes if isinstance(c, str) and c))


def answer_of(output: Mapping[str, Any] | None) -> Answer:
    """The answer in one line of `storyline process --format json` (None: the input was rejected,
    which is no event)."""
    events = [e for e in (output or {}).get("events") or () if isinstance(e, Mapping)]
    types = (plover_type(str(e.get("type") or ""), str(e.get("status") or "")) for e in events)
    return Answer(tuple(dict.fromkeys(types)), _countries_of(events, "actors"), _countries_of(events, "recipients"))


def evaluate(path: Path, process: Callable[[str], Mapping[str, Any] | None]) -> PloverScores:
    """Run every gold sentence through `process` (text → one `storyline process` output line, or
    None when the product rejects it) and score the product's answers."""
    records = load_records(path)
    return score(records, [answer_of(process(r.text)) for r in records])


def _table_entries(lines: Iterable[str]) -> Iterable[tuple[str, str, str | None]]:
    for line in lines:
        match = _TABLE_LINE.match(line.split("#", 1)[0])
        if match:
            mode = (match.group(3) or "").strip()
            yield match.group(1), match.group(2), mode or None


def load_cameo2plover(path: Path) -> dict[str, tuple[str, str | None]]:
    """CAMEO code → (PLOVER type, mode or None) from the official conversion table.

    Header lines (`04: CONSULT`) map the two-digit root. Where a code appears twice (root `08`
    heads both CONCEDE and RETREAT) the first entry is kept."""
    table: dict[str, tuple[str, str | None]] = {}
    for code, kind, mode in _table_entries(Path(path).read_text("utf-8").splitlines()):
        table.setdefault(code, (kind, mode))
    return table
