"""No file of the project quotes the development corpus or its gold.

Rules, tests and docstrings written from development sentences fit the development set and
say nothing about news in general (and the texts belong to their publishers: corpus/README.md).
So no text file under src/, tests/, bench/, examples/, quality/ or at the top (README, Makefile,
pyproject) may hold 8 or more consecutive words of a text in `../shared/corpus/` or of a gold
`evidence`, `keep` or `remove` string in `../shared/gold/`. Words are runs of letters and
digits, lower-cased; punctuation and line breaks do not separate a quotation, a "|" does (it
separates the alternatives of a pattern or the fields of a record, never words of a sentence).
The seed article is the bundled demo example (examples/), so it and its gold may be quoted, and
so may the official names of organisations in `NAMES` (any text about them spells them out).
Compressed and binary files are skipped.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SEED, shared_path

N = 8
WORD = re.compile(r"[^\W_]+")
SCANNED_DIRS = ("src", "tests", "bench", "examples", "quality", "docs")
SCANNED_TOP = ("*.md", "*.toml", "*.txt", "*.cfg", "Makefile")
SKIPPED_SUFFIXES = (".gz", ".bz2", ".xz", ".zip", ".parquet", ".png", ".jpg", ".ico", ".woff", ".woff2", ".pyc")
GOLD_KEYS = ("evidence", "keep", "remove")
# Official names of eight words or more, which the gazetteer must spell as the news does.
NAMES = (
    "the Organisation for the Prohibition of Chemical Weapons",
    "the Committee for the Peaceful Reunification of the Fatherland",
)

NGram = tuple[str, ...]


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def ngrams(text: str) -> set[NGram]:
    found = words(text)
    return {tuple(found[i:i + N]) for i in range(len(found) - N + 1)}


def gold_strings(data: Any) -> Iterator[str]:
    """Every `evidence`, `keep` and `remove` string of a gold file, at any depth."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in GOLD_KEYS:
                yield from [value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)]
            else:
                yield from gold_strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from gold_strings(item)


def gold_ngrams(paths: Iterable[Path]) -> set[NGram]:
    out: set[NGram] = set()
    for path in paths:
        for text in gold_strings(json.loads(path.read_text("utf-8"))):
            out |= ngrams(text)
    return out


@pytest.fixture(scope="module")
def forbidden() -> set[NGram]:
    corpus = shared_path("corpus")
    gold = shared_path("gold")
    quoted: set[NGram] = set()
    for path in sorted(corpus.glob("*.txt")):
        quoted |= ngrams(path.read_text("utf-8"))
    quoted |= gold_ngrams(p for p in sorted(gold.rglob("*.json")) if p.name != "seed.json")
    allowed = ngrams(SEED.read_text("utf-8")) | gold_ngrams([gold / "seed.json"])
    return quoted - allowed - {g for name in NAMES for g in ngrams(name)}


def scanned_files() -> Iterator[Path]:
    tops = (p for pattern in SCANNED_TOP for p in ROOT.glob(pattern))
    inner = (p for d in SCANNED_DIRS if (ROOT / d).is_dir() for p in (ROOT / d).rglob("*"))
    for path in sorted({*tops, *inner}):
        if path.is_file() and path.suffix not in SKIPPED_SUFFIXES and "__pycache__" not in path.parts:
            yield path


def text_of(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def quotations(text: str, forbidden: set[NGram]) -> list[tuple[int, str]]:
    """(line, quoted words) of every run of forbidden 8-grams in `text`, overlapping runs merged."""
    spans = [(m.start(), m.group().lower()) for m in WORD.finditer(text)]
    hits = [i for i in range(len(spans) - N + 1) if tuple(w for _, w in spans[i:i + N]) in forbidden
            and "|" not in text[spans[i][0]:spans[i + N - 1][0]]]
    runs: list[list[int]] = []
    for i in hits:
        if runs and i <= runs[-1][1]:
            runs[-1][1] = i + N
        else:
            runs.append([i, i + N])
    return [(text.count("\n", 0, spans[a][0]) + 1, " ".join(w for _, w in spans[a:b])) for a, b in runs]


def test_no_file_quotes_the_corpus_or_its_gold(forbidden: set[NGram]) -> None:
    found = []
    for path in scanned_files():
        text = text_of(path)
        for line, quoted in quotations(text or "", forbidden):
            found.append(f"{path.relative_to(ROOT)}:{line}: {quoted}")
    assert not found, f"{len(found)} quotation(s) of ../shared/corpus or gold:\n" + "\n".join(found)


def test_the_detector_finds_a_quotation_across_case_punctuation_and_lines(forbidden: set[NGram]) -> None:
    """A sentence of a development article, re-cased and broken over lines, is found; the
    seed, the demo example, is not; seven words are not a quotation."""
    article = shared_path("corpus", "101.txt").read_text("utf-8")
    quoted = words(article.split("\n\n", 1)[1])[20:32]
    disguised = "x = 1\n# " + " ".join(quoted[:5]).upper() + ",\n# " + " -- ".join(quoted[5:]) + "\n"
    ((line, found),) = quotations(disguised, forbidden)
    assert line == 2 and found == " ".join(quoted)
    assert quotations(" ".join(quoted[:N - 1]), forbidden) == []
    assert quotations(SEED.read_text("utf-8"), forbidden) == []
    assert quotations(" ".join(quoted[:6]) + " | " + " ".join(quoted[6:]), forbidden) == []
    assert {p.relative_to(ROOT).parts[0] for p in scanned_files()} >= {"src", "tests", "README.md"}
