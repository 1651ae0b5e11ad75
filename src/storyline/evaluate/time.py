"""TempEval-3 scoring of the time tagger (storyline.extract.timex).

Every `.tml` file under a folder (searched recursively) is read as TimeML: the plain text
is the content of <TEXT> with its tags stripped (offsets refer to that plain text); the
document creation time is the TIMEX3 with functionInDocument="CREATION_TIME" inside <DCT>
(input, not scored); the gold expressions are the TIMEX3 inside <TEXT>.

Predicted spans are paired with gold one-to-one, by character overlap (relaxed) and by exact
extent (strict). Value and type accuracy are measured over the relaxed pairs, and the value
F1 is value accuracy × relaxed F1 (the TempEval-3 definition).
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import StorylineError
from ..extract.timex import Timex, tag

Tagger = Callable[[str, "dt.date | None"], Sequence[Timex]]


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class TimeDocument:
    name: str
    text: str
    dct: dt.date | None
    gold: tuple[GoldTimex, ...]


@dataclass(frozen=True)
class Counts:
    """Tallies for one document (or summed over many)."""

    gold: int = 0
    predicted: int = 0
    relaxed: int = 0
    strict: int = 0
    value: int = 0
    type: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.gold + other.gold, self.predicted + other.predicted,
                      self.relaxed + other.relaxed, self.strict + other.strict,
                      self.value + other.value, self.type + other.type)


@dataclass(frozen=True)
class TimeScores:
    documents: int
    counts: Counts

    @property
    def precision(self) -> float:
        return _ratio(self.counts.relaxed, self.counts.predicted)

    @property
    def recall(self) -> float:
        return _ratio(self.counts.relaxed, self.counts.gold)

    @property
    def relaxed_f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def strict_precision(self) -> float:
        return _ratio(self.counts.strict, self.counts.predicted)

    @property
    def strict_recall(self) -> float:
        return _ratio(self.counts.strict, self.counts.gold)

    @property
    def strict_f1(self) -> float:
        return _f1(self.strict_precision, self.strict_recall)

    @property
    def value_accuracy(self) -> float:
        return _ratio(self.counts.value, self.counts.relaxed)

    @property
    def type_accuracy(self) -> float:
        return _ratio(self.counts.type, self.counts.relaxed)

    @property
    def value_f1(self) -> float:
        return self.value_accuracy * self.relaxed_f1

    def as_dict(self) -> dict[str, float | int]:
        names = ("value_f1", "relaxed_f1", "strict_f1", "precision", "recall", "strict_precision",
                 "strict_recall", "value_accuracy", "type_accuracy")
        scores: dict[str, float | int] = {name: round(getattr(self, name), 4) for name in names}
        return {**scores, "documents": self.documents, "gold": self.counts.gold,
                "predicted": self.counts.predicted}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --- reading TimeML ----------------------------------------------------------------------

def _flatten(element: ET.Element, parts: list[str], found: list[GoldTimex], offset: int) -> int:
    """Append the element's text (tags stripped) to `parts`; collect its TIMEX3 with offsets.

    The gold `text` is filled in later, once the whole plain text is known.
    """
    start = offset
    if element.text:
        parts.append(element.text)
        offset += len(element.text)
    for child in element:
        offset = _flatten(child, parts, found, offset)
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    if element.tag == "TIMEX3":
        found.append(GoldTimex(start, offset, "", element.get("type", ""), element.get("value", "")))
    return offset


def _dct(root: ET.Element) -> dt.date | None:
    """The creation time: the CREATION_TIME TIMEX3 of <DCT> (of the document if <DCT> lacks one)."""
    holder = root.find(".//DCT")
    candidates = list(holder.iter("TIMEX3")) if holder is not None else []
    for timex in candidates + list(root.iter("TIMEX3")):
        if timex.get("functionInDocument") == "CREATION_TIME":
            value = timex.get("value", "")
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                return None
    return None


def read_tml(path: Path) -> TimeDocument:
    """One TimeML file: plain text of <TEXT>, its DCT, and its gold TIMEX3."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise StorylineError(f"{path}: not well-formed TimeML ({exc})") from None
    body = root.find(".//TEXT")
    parts: list[str] = []
    found: list[GoldTimex] = []
    if body is not None:
        _flatten(body, parts, found, 0)
    text = "".join(parts)
    gold = tuple(sorted((replace(g, text=text[g.start:g.end]) for g in found), key=lambda g: (g.start, g.end)))
    return TimeDocument(path.name, text, _dct(root), gold)


def read_directory(directory: Path) -> list[TimeDocument]:
    return [read_tml(path) for path in sorted(directory.rglob("*.tml"))]


# --- matching ----------------------------------------------------------------------------

def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def match(gold: Sequence[GoldTimex], predicted: Sequence[Timex]) -> list[tuple[GoldTimex, Timex]]:
    """One-to-one relaxed pairs: each gold takes the free prediction it overlaps most (on a
    tie, the one whose extent is closest to its own)."""
    free = list(predicted)
    pairs: list[tuple[GoldTimex, Timex]] = []
    for item in gold:
        span = (item.start, item.end)
        best = max(free, key=lambda p: (_overlap(span, (p.start, p.end)), -abs(p.start - item.start)
                                        - abs(p.end - item.end)), default=None)
        if best is not None and _overlap(span, (best.start, best.end)) > 0:
            free.remove(best)
            pairs.append((item, best))
    return pairs


def score_document(document: TimeDocument, predicted: Sequence[Timex]) -> Counts:
    pairs = match(document.gold, predicted)
    return Counts(
        gold=len(document.gold), predicted=len(predicted), relaxed=len(pairs),
        strict=sum(g.start == p.start and g.end == p.end for g, p in pairs),
        value=sum(g.value == p.value for g, p in pairs),
        type=sum(g.type == p.type for g, p in pairs),
    )


def score(documents: Iterable[TimeDocument], tagger: Tagger = tag) -> TimeScores:
    total, count = Counts(), 0
    for document in documents:
        total, count = total + score_document(document, tagger(document.text, document.dct)), count + 1
    return TimeScores(count, total)


def evaluate(directory: Path, tagger: Tagger = tag) -> TimeScores:
    """Score the tagger on every .tml file under `directory`."""
    return score(read_directory(directory), tagger)
