"""Throughput, scaling and memory of `storyline batch`, against spaCy alone, in one run.

    python bench/throughput.py [--articles N] [--large M] [--workers W] [--rounds R] [--format json]

Corpus: ../shared/corpus/NNN.txt repeated to N files (default 2,000) in a temporary folder.
Every copy gets a line of its own ("Copy 17 of the report.") after the headline, so no two
copies share a content hash (deduplication would skip them) and no cache sees a text twice.

What is timed, and why the comparison is fair:
- storyline: `storyline.batch.run` (read the files, partition, clean, parse, extract, write
  Parquet) on a warm local cluster of W worker processes of one thread each (W = the cores,
  2 here): what `storyline batch --workers W` does once it has started. Start-up (cluster and
  model load: seconds, whatever N) is reported apart as `startup_s`, not counted.
- spaCy alone: `nlp.pipe` with the same components (the pipeline storyline loads:
  `storyline.extract.nlp.load`, same model and excluded components, batch_size 16 as
  `Extractor.pipe`) over the same cleaned texts, in the same number of processes: the same
  warm cluster and the same partitions, each task only `nlp.pipe(texts)`. Both sides get the
  same cores, processes and partitioning, so the ratio is storyline's own cost (cleaning,
  actors, time, places, events, Parquet, reading), not a difference in parallelism. Dask's
  cost per task (milliseconds) is nothing against seconds per partition. A per-core
  comparison (storyline on W cores against spaCy on one, divided by W) was not used: it
  assumes spaCy alone would not scale as well as storyline does.
- scaling: the same batch on a 1-worker cluster and on the W-worker cluster;
  `speedup_2_workers` = time(1 worker) / time(W workers).
- turns: the machine is shared and its load drifts, so the corpus is cut in `--rounds`
  slices (default 2) and, slice after slice, storyline on W workers, spaCy alone on W
  workers and storyline on 1 worker take turns; their times are summed.
- memory: each task reports the peak RSS of the worker process that ran it (getrusage).
  `peak_rss_mb` is the largest over workers for N articles (the spaCy-alone tasks ran in
  the same processes and need less); `peak_rss_mb_large` is the same on a fresh cluster for
  M articles (default 10,000; `--large 0` skips it): flat when `rss_growth` (large / N)
  stays near 1.
- CPU time: these machines are shared, and other processes' load lowers wall-clock figures
  (the speed-up most). `cpu_ratio_vs_spacy` compares the CPU seconds both sides spent (in
  the tasks, plus this process: reading, writing, scheduling), which load does not change.

The machine is shared: the load average before and after is printed with the figures.
Progress goes to stderr; `--format json` prints one line on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from distributed import Client

from storyline import batch
from storyline.clean import clean
from storyline.ingest import read_path
from storyline.model import Article
from storyline.settings import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("STORYLINE_SHARED", ROOT.parent / "shared")) / "corpus"
MAX_BYTES = 10_000_000


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build_corpus(folder: Path, count: int) -> list[str]:
    """`count` distinct files made from the corpus articles, in a stable order."""
    sources = [p.read_text("utf-8") for p in sorted(CORPUS.glob("[0-9]*.txt"))]
    if not sources:
        sys.exit(f"bench: no corpus texts in {CORPUS}")
    paths = []
    for i in range(count):
        headline, _, body = sources[i % len(sources)].partition("\n\n")
        path = folder / f"a{i:05d}.txt"
        path.write_text(f"{headline}\n\nCopy {i} of the report.\n{body}", "utf-8")
        paths.append(str(path))
    return paths


def cleaned_texts(paths: Sequence[str]) -> list[str]:
    texts = []
    for path in paths:
        (doc,) = read_path(path, MAX_BYTES)
        article = clean(doc)
        assert isinstance(article, Article), article
        texts.append(article.text)
    return texts


def spacy_only(texts: list[str], model: str) -> float:
    """On a worker: only the spaCy pipeline storyline loads, over the texts; the CPU seconds."""
    from storyline.extract import default_extractor

    nlp = default_extractor(model).nlp  # here, in the Dask worker (batch extracts in its child process)
    cpu = time.process_time()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    return time.process_time() - cpu


@contextmanager
def local_cluster(workers: int) -> Iterator[tuple[Client, float]]:
    """A fresh local cluster like `storyline batch` starts, with the model loaded; its start-up time."""
    start = time.perf_counter()
    with batch.cluster(workers=workers) as client:
        batch.warm_workers(client, DEFAULT_MODEL)
        yield client, time.perf_counter() - start


@dataclass
class Timing:
    """Wall and CPU seconds (summed over rounds) and the peak worker RSS of one contender."""

    seconds: float = 0.0
    cpu: float = 0.0
    rss_mb: float = 0.0


def time_batch(client: Client, paths: Sequence[str], out: Path, size: int, into: Timing) -> None:
    """A timed `batch.run`; its CPU time counts the tasks and this process (reading, writing, scheduler)."""
    shutil.rmtree(out, ignore_errors=True)
    cpu = time.process_time()
    summary = batch.run(paths, batch.BatchOptions(out=out, partition_size=size), client)
    assert summary.articles == len(paths) and summary.rejected == 0, summary
    into.seconds += summary.seconds
    into.cpu += summary.cpu_seconds + time.process_time() - cpu
    into.rss_mb = max(into.rss_mb, summary.peak_rss_mb)
    log(f"batch, {len(client.nthreads())} worker(s): {summary.articles} articles in {summary.seconds:.1f} s "
        f"({summary.articles / summary.seconds:.2f}/s), peak worker RSS {summary.peak_rss_mb:.0f} MB")


def time_spacy(client: Client, texts: Sequence[str], size: int, into: Timing) -> None:
    """spaCy alone over the texts, in the same partitions on the same workers."""
    start, cpu = time.perf_counter(), time.process_time()
    futures = [
        client.submit(spacy_only, list(texts[i:i + size]), DEFAULT_MODEL, pure=False, priority=-i)
        for i in range(0, len(texts), size)
    ]
    task_cpu = sum(client.gather(futures))
    seconds = time.perf_counter() - start
    into.seconds += seconds
    into.cpu += task_cpu + time.process_time() - cpu
    log(f"spaCy alone: {len(texts)} texts in {seconds:.1f} s ({len(texts) / seconds:.2f}/s)")


def rounds_of(items: Sequence[str], rounds: int) -> list[Sequence[str]]:
    step = -(-len(items) // rounds)
    return [items[i:i + step] for i in range(0, len(items), step)]


def compare(paths: Sequence[str], texts: Sequence[str], out: Path, workers: int, size: int,
            rounds: int) -> tuple[Timing, Timing, Timing, float]:
    """(storyline on W workers, spaCy alone on W workers, storyline on 1 worker, start-up s).

    Both clusters stay up, and the three contenders take turns on each round's slice of
    the corpus, so a change in the machine's load hits all three alike."""
    many, spacy, one = Timing(), Timing(), Timing()
    with local_cluster(workers) as (client, startup), local_cluster(1) as (single, _):
        log(f"{workers} workers started in {startup:.1f} s")
        for chunk, chunk_texts in zip(rounds_of(paths, rounds), rounds_of(texts, rounds), strict=True):
            time_batch(client, chunk, out, size, many)
            time_spacy(client, chunk_texts, size, spacy)
            time_batch(single, chunk, out, size, one)
    return many, spacy, one, startup


def measure(articles: int, large: int, workers: int, size: int, rounds: int) -> dict[str, object]:
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        paths = build_corpus(folder / "in", max(articles, large))
        small = paths[:articles]
        texts = cleaned_texts(small)
        words = sum(len(t.split()) for t in texts)
        log(f"corpus: {len(paths)} files; {articles} articles, {words} words to time")
        many, spacy, one, startup = compare(small, texts, folder / "out", workers, size, rounds)
        big = Timing()
        if large:
            with local_cluster(workers) as (client, _):
                time_batch(client, paths[:large], folder / "out", size, big)
    result: dict[str, object] = {
        "articles": articles, "words": words, "workers": workers, "partition_size": size, "rounds": rounds,
        "articles_per_s": round(articles / many.seconds, 2), "words_per_s": round(words / many.seconds),
        "spacy_articles_per_s": round(articles / spacy.seconds, 2), "spacy_words_per_s": round(words / spacy.seconds),
        "ratio_vs_spacy": round(spacy.seconds / many.seconds, 3),
        "cpu_ratio_vs_spacy": round(spacy.cpu / many.cpu, 3),
        "seconds_1_worker": round(one.seconds, 1), "seconds_2_workers": round(many.seconds, 1),
        "speedup_2_workers": round(one.seconds / many.seconds, 3),
        "peak_rss_mb": round(max(many.rss_mb, one.rss_mb), 1), "startup_s": round(startup, 1),
    }
    if large:
        result.update({
            "large_articles": large, "large_articles_per_s": round(large / big.seconds, 2),
            "peak_rss_mb_large": round(big.rss_mb, 1), "rss_growth": round(big.rss_mb / many.rss_mb, 3),
        })
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}, {platform.platform()}"
    result["loadavg_before_after"] = [round(load_start[0], 2), round(os.getloadavg()[0], 2)]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles timed (default 2,000)")
    parser.add_argument("--large", type=int, default=10_000, help="articles of the memory run (0: skip)")
    parser.add_argument("--workers", type=int, default=batch.cores(), help="workers of the parallel runs")
    parser.add_argument("--partition-size", type=int, default=batch.DEFAULT_PARTITION)
    parser.add_argument("--rounds", type=int, default=2, help="turns the contenders take (see above)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} not found (../shared beside the checkout)")
    result = measure(args.articles, args.large, args.workers, args.partition_size, args.rounds)
    if args.format == "json":
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
