"""Article-extraction quality, scored exactly as scrapinghub/article-extraction-benchmark does.

Tokens are `\\w+` matches (case kept); 4-gram shingles are compared as multisets; each
document's tp/fp/fn are normalised to sum to 1; precision and recall are means over the
documents where they are defined; F1 is the harmonic mean of those means.
"""
from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"\w+", re.UNICODE)
Counts = tuple[float, float, float]


@dataclass(frozen=True)
class ExtractionScore:
    precision: float
    recall: float
    f1: float
    documents: int

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "documents": self.documents}


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def shingle_counts(true: str, pred: str) -> Counts:
    gold, found = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in gold.keys() | found.keys():
        g, p = gold.get(key, 0), found.get(key, 0)
        tp, fp, fn = tp + min(g, p), fp + max(0, p - g), fn + max(0, g - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def score(counts: Iterable[Counts]) -> ExtractionScore:
    items = list(counts)
    precision = statistics.mean(_precision(*c) for c in items if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in items if c[0] + c[2] > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ExtractionScore(precision, recall, f1, len(items))


def load_benchmark(directory: Path) -> dict[str, str]:
    """Ground-truth article bodies by item id."""
    truth = json.loads((directory / "ground-truth.json").read_text("utf-8"))
    return {key: value.get("articleBody") or "" for key, value in truth.items()}


def read_page(directory: Path, item: str) -> str:
    with gzip.open(directory / "html" / f"{item}.html.gz", "rt", encoding="utf-8", errors="replace") as handle:
        return handle.read()


def evaluate(
    directory: Path,
    extract: Callable[[str], str],
    progress: Callable[[Iterable[str]], Iterable[str]] = lambda items: items,
) -> ExtractionScore:
    """Run `extract` (HTML → text) on every page of the benchmark and score it."""
    truth = load_benchmark(directory)
    return score(shingle_counts(truth[item], extract(read_page(directory, item))) for item in progress(sorted(truth)))


def score_outputs(directory: Path, outputs: dict[str, dict[str, str | None]]) -> ExtractionScore:
    """Score another system's stored outputs (`reference-outputs/*.json` layout)."""
    truth = load_benchmark(directory)
    return score(shingle_counts(truth[k], (outputs.get(k) or {}).get("articleBody") or "") for k in sorted(truth))
