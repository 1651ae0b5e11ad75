"""Throughput of event extraction against the spaCy model alone, on the same texts.

    python bench/extract_throughput.py [--repeat N] [--rounds R] [--format json]

Cleans the development corpus (../shared/corpus) once, then times, in the same process and
interleaved (these machines are noisy): (a) `nlp.pipe` over the texts, (b) storyline's full
extraction (`Extractor.pipe`: the same parse plus actors, time, places, events). Prints
articles/s for both and the ratio (b)/(a); the issue's budget is ≤ 1.3.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from storyline.clean import clean
from storyline.extract import Extractor
from storyline.ingest import read_path
from storyline.model import Article

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus(repeat: int) -> list[Article]:
    articles = []
    for path in sorted(CORPUS.glob("[0-9]*.txt")):
        doc = next(iter(read_path(str(path), 10_000_000)))
        article = clean(doc)
        assert isinstance(article, Article), article
        articles.append(article)
    return articles * repeat


def timed(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(repeat: int, rounds: int) -> dict[str, float]:
    articles = corpus(repeat)
    extractor = Extractor()
    texts = [a.text for a in articles]
    extractor.pipe(articles[:4])  # warm up: lexicons, gazetteers, model
    spacy_times, full_times = [], []
    for _ in range(rounds):
        spacy_times.append(timed(lambda: list(extractor.nlp.pipe(texts, batch_size=16))))
        full_times.append(timed(lambda: extractor.pipe(articles)))
    spacy_s, full_s = statistics.median(spacy_times), statistics.median(full_times)
    words = sum(len(t.split()) for t in texts)
    return {
        "articles": len(articles), "words": words,
        "spacy_articles_per_s": len(articles) / spacy_s, "articles_per_s": len(articles) / full_s,
        "words_per_s": words / full_s, "ratio_vs_spacy": full_s / spacy_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="copies of the 13-article corpus")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds (median)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} not found (../shared beside the checkout)")
    result = measure(args.repeat, args.rounds)
    if args.format == "json":
        print(json.dumps(result))
    else:
        print(f"{result['articles']} articles, {result['words']} words")
        print(f"spaCy alone      {result['spacy_articles_per_s']:8.1f} articles/s")
        print(f"full extraction  {result['articles_per_s']:8.1f} articles/s  ({result['words_per_s']:.0f} words/s)")
        print(f"ratio (full / spaCy time) {result['ratio_vs_spacy']:.3f}   budget 1.3")


if __name__ == "__main__":
    main()
