"""Batch: many inputs → Parquet on a Dask cluster (`storyline batch`), and back (`storyline load`).

1. read     (here, on the client) files, globs, directories, JSONL and WARC (`warc.py`) →
            `RawDocument` | `Rejected`, in a stable order; a document already seen in this
            run (same content hash) is counted as a duplicate and skipped
2. split    consecutive runs of `partition_size` items are partitions 0, 1, 2 ...: the same
            input always gives the same partitions
3. process  (on a worker, one task per partition) clean, then extract in the worker's
            extraction process (`worker.Worker`, the spaCy model loaded once per Dask worker,
            `worker_extractor`), which stops an article past the time limit; a document that
            fails or runs over is a rejection with its reason; a task whose worker dies is
            retried by Dask
4. write    (here) each partition as five Parquet files, `OUT/<table>/part-NNNNN.parquet`
            (`tables.py`), written atomically and overwritten on a rerun; `OUT/_batch.json`
            says how many partitions the last run wrote

Documents travel to the workers and rows back, so a remote cluster needs no shared file
system. At most a few partitions per worker are in flight, so memory stays flat however
large the input. `load` stores the Parquet into the SQL store (idempotent: an article id is
a content hash) and links the new articles into stories.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import dask
import pyarrow as pa
import pyarrow.parquet as pq

from . import pipeline, store
from .alerts import after_linking
from .clean import clean
from .errors import Reason, StorylineError, reject
from .ingest import STDIN, Item, expand, read_inputs, read_path
from .model import Article, ArticleResult, RawDocument, Rejected
from .settings import DEFAULT_MAX_BYTES, DEFAULT_MODEL, DEFAULT_TIME_LIMIT, Settings
from .tables import TABLES, rejection, to_results, to_tables
from .warc import WARC_DATE, is_warc, read_warc
from .worker import WARM_UP, Worker, peak_rss_mb

if TYPE_CHECKING:
    from dask.typing import Key
    from distributed import Client, Future
    from sqlalchemy import Engine

DEFAULT_PARTITION = 64
RETRIES = 2
IN_FLIGHT_PER_WORKER = 2
MANIFEST = "_batch.json"
MANIFEST_FORMAT = 3    # 2: events carry `said` and `said_earlier`; 3: casualties and `goldstein`
READABLE_FORMATS = (1, 2, 3)
# A local cluster's housekeeping, made cheaper: no statistical profiler in the workers (it
# feeds only the dashboard's profile page) and slower polling; about 4 % of the CPU back.
LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.scheduler.work-stealing-interval": "1s",
}


# ---------------------------------------------------------------- records
@dataclass(frozen=True)
class Partition:
    """A slice of the input, processed by one task."""

    index: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class PartitionStats:
    """What one task did, and the peak memory of the worker process that ran it."""

    index: int
    articles: int
    events: int
    rejected: int
    words: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    worker: str
    failed: bool = False


@dataclass(frozen=True)
class PartitionOutput:
    stats: PartitionStats
    tables: dict[str, pa.Table]


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    published: dt.date | None = None
    model: str = DEFAULT_MODEL
    max_bytes: int = DEFAULT_MAX_BYTES
    partition_size: int = DEFAULT_PARTITION
    time_limit: float | None = DEFAULT_TIME_LIMIT  # seconds per article; None or 0: no limit


@dataclass
class BatchSummary:
    """Totals of a batch run; `workers` maps each worker process to its peak RSS (MB)."""

    partitions: int = 0
    articles: int = 0
    events: int = 0
    rejected: int = 0
    duplicates: int = 0
    words: int = 0
    failed_partitions: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0           # in the tasks, summed over workers
    workers: dict[str, float] = field(default_factory=dict)

    def add(self, stats: PartitionStats) -> None:
        self.partitions += 1
        self.articles += stats.articles
        self.events += stats.events
        self.rejected += stats.rejected
        self.words += stats.words
        self.cpu_seconds += stats.cpu_seconds
        self.failed_partitions += stats.failed
        if stats.worker:
            self.workers[stats.worker] = max(self.workers.get(stats.worker, 0.0), stats.peak_rss_mb)

    @property
    def peak_rss_mb(self) -> float:
        return max(self.workers.values(), default=0.0)

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "peak_rss_mb": round(self.peak_rss_mb, 1),
                "articles_per_s": round(self.articles / self.seconds, 2) if self.seconds else None}


class Listener(Protocol):
    """Progress: told when a partition is submitted, when one is done, and when reading ends."""

    def submitted(self, index: int) -> None: ...

    def completed(self, stats: PartitionStats) -> None: ...

    def read_all(self, partitions: int) -> None: ...


class _Silent:
    def submitted(self, index: int) -> None:
        pass

    def completed(self, stats: PartitionStats) -> None:
        pass

    def read_all(self, partitions: int) -> None:
        pass


# ---------------------------------------------------------------- 1-2. read and split
def read_documents(paths: Iterable[str], max_bytes: int, skip: Path | None = None) -> Iterator[Item]:
    """Every document (or rejection) under `paths`, WARC files included, in a stable order;
    files under `skip` (the output folder, when it lies inside an input folder) are left out."""
    skipped = skip.resolve() if skip is not None else None
    for entry in expand(paths):
        if isinstance(entry, Rejected):
            yield entry
        elif skipped is not None and entry != STDIN and Path(entry).resolve().is_relative_to(skipped):
            continue
        elif entry == STDIN:
            yield from read_inputs([STDIN], max_bytes)
        elif is_warc(entry):
            yield from read_warc(entry, max_bytes)
        else:
            yield from read_path(entry, max_bytes)


@dataclass
class Dedup:
    """Drops documents whose content was already seen in this run."""

    seen: set[str] = field(default_factory=set)
    duplicates: int = 0

    def keep(self, item: Item) -> bool:
        if isinstance(item, Rejected):
            return True
        if item.id in self.seen:
            self.duplicates += 1
            return False
        self.seen.add(item.id)
        return True


def partitions(items: Iterable[Item], size: int, dedup: Dedup) -> Iterator[Partition]:
    """Consecutive runs of `size` items (after dropping duplicates), numbered from 0."""
    chunk: list[Item] = []
    index = 0
    for item in items:
        if not dedup.keep(item):
            continue
        chunk.append(item)
        if len(chunk) >= size:
            yield Partition(index, tuple(chunk))
            chunk, index = [], index + 1
    if chunk:
        yield Partition(index, tuple(chunk))


# ---------------------------------------------------------------- 3. process (on a worker)
_WORKERS: dict[str, Worker] = {}
_WORKERS_LOCK = threading.Lock()


def worker_extractor(model: str, time_limit: float | None = DEFAULT_TIME_LIMIT) -> Worker:
    """The extraction process of this Dask worker for `model` (one, whatever the time limit)."""
    with _WORKERS_LOCK:
        extractor = _WORKERS.get(model)
        if extractor is None:
            extractor = _WORKERS[model] = Worker(model, time_limit)
        extractor.time_limit = time_limit or None
        return extractor


def warm(model: str, time_limit: float | None = DEFAULT_TIME_LIMIT) -> int:
    """Load the cleaning rules here and the model in this worker's extraction process (which
    warms its lexicons and gazetteers) before any partition arrives; the worker's pid."""
    clean_document(WARM_UP, None)
    worker_extractor(model, time_limit).start()
    return os.getpid()


def process_partition(partition: Partition, published: dt.date | None, model: str,
                      time_limit: float | None = DEFAULT_TIME_LIMIT) -> PartitionOutput:
    """Clean and extract one partition; every item comes back as an article or a rejection.
    CPU and peak memory count this process and its extraction process."""
    start, cpu = time.perf_counter(), time.process_time()
    extractor = worker_extractor(model, time_limit)
    child_cpu = extractor.usage()[0]
    cleaned = [_clean_item(item, published) for item in partition.items]
    articles = [a for a in cleaned if isinstance(a, Article)]
    extracted: list[ArticleResult | Rejected] = []
    for i in range(0, len(articles), pipeline.BATCH):
        extracted.extend(pipeline.safe_pipe(extractor, articles[i:i + pipeline.BATCH]))
    found = iter(extracted)
    outcomes = [next(found) if isinstance(item, Article) else item for item in cleaned]
    results = [o for o in outcomes if isinstance(o, ArticleResult)]
    rejected = [o for o in outcomes if isinstance(o, Rejected)]
    child_cpu_now, child_peak = extractor.usage()
    stats = PartitionStats(
        index=partition.index, articles=len(results), events=sum(len(r.events) for r in results),
        rejected=len(rejected), words=sum(len(r.article.text.split()) for r in results),
        seconds=time.perf_counter() - start, cpu_seconds=time.process_time() - cpu + child_cpu_now - child_cpu,
        peak_rss_mb=peak_rss_mb() + child_peak, worker=f"{os.uname().nodename}:{os.getpid()}",
    )
    return PartitionOutput(stats, to_tables(results, rejected))


def _clean_item(item: Item, published: dt.date | None) -> Article | Rejected:
    if isinstance(item, Rejected):
        return item
    try:
        return clean_document(item, published)
    except Exception as exc:  # noqa: BLE001 - recorded as a rejection, never lost silently
        return reject(item.source, Reason.FAILED, detail=f"{type(exc).__name__}: {exc}")


def clean_document(doc: RawDocument, published: dt.date | None) -> Article | Rejected:
    """`clean`, except that a WARC record's date is only a fallback: the page's own date wins."""
    if doc.published_source != WARC_DATE:
        return clean(doc, published)
    article = clean(dataclasses.replace(doc, published=None, published_source=None), published)
    if isinstance(article, Article) and article.published is None:
        article = dataclasses.replace(article, published=doc.published, published_source=WARC_DATE)
    return article


def failed_output(partition: Partition, error: BaseException) -> PartitionOutput:
    """A partition whose task failed for good: each of its documents becomes a rejection."""
    why = f"the worker failed on partition {partition.index}: {type(error).__name__}: {error}"
    rejected = [
        item if isinstance(item, Rejected) else reject(item.source, Reason.FAILED, detail=why)
        for item in partition.items
    ]
    stats = PartitionStats(partition.index, 0, 0, len(rejected), 0, 0.0, 0.0, 0.0, "", failed=True)
    return PartitionOutput(stats, to_tables([], rejected))


# ---------------------------------------------------------------- 4. write
def part_path(out: Path, table: str, index: int) -> Path:
    return out / table / f"part-{index:05d}.parquet"


def write_partition(out: Path, output: PartitionOutput) -> None:
    """Write (or overwrite) one partition's files; each appears whole or not at all."""
    for name, table in output.tables.items():
        path = part_path(out, name, output.stats.index)
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)


def prepare_output(out: Path) -> None:
    """Create the table folders; drop the manifest, so that `load` refuses the folder until
    this run has written every partition."""
    if out.exists() and not out.is_dir():
        raise StorylineError(f"--out {out}: exists and is not a directory")
    try:
        for name in TABLES:
            (out / name).mkdir(parents=True, exist_ok=True)
        (out / MANIFEST).unlink(missing_ok=True)
    except OSError as exc:
        raise StorylineError(f"--out {out}: cannot create it: {exc.strerror or exc}") from None


def finish_output(out: Path, summary: BatchSummary) -> None:
    """Drop partitions a previous, larger run left behind, and write the manifest."""
    for name in TABLES:
        for path in (out / name).glob("part-*.parquet*"):
            number = path.name.removeprefix("part-").split(".")[0]
            if not number.isdigit() or int(number) >= summary.partitions or path.suffix == ".tmp":
                path.unlink()
    manifest = {
        "format": MANIFEST_FORMAT, "partitions": summary.partitions, "tables": list(TABLES),
        "articles": summary.articles, "events": summary.events, "rejected": summary.rejected,
        "duplicates": summary.duplicates,
    }
    tmp = out / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    os.replace(tmp, out / MANIFEST)


# ---------------------------------------------------------------- the cluster
@contextmanager
def cluster(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a new local one with `workers` processes
    (default: one per core) of one thread each."""
    from distributed import Client, LocalCluster

    if scheduler and workers:
        raise StorylineError("give --scheduler (join a cluster) or --workers (start one), not both")
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise StorylineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    if workers is not None and workers < 1:
        raise StorylineError(f"--workers {workers}: need at least 1")
    with dask.config.set(LOCAL_CONFIG), LocalCluster(
        n_workers=workers or cores(), threads_per_worker=1, processes=True, dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as local, Client(local) as client:
        yield client


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def dashboard(client: Client) -> str:
    """The dashboard link, with a hint when bokeh (which serves it) is not installed."""
    link = client.dashboard_link
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return f"{link} (needs `pip install bokeh>=3.1` to show)"
    return link


def warm_workers(client: Client, model: str, time_limit: float | None = DEFAULT_TIME_LIMIT) -> dict[str, int]:
    """Load the spaCy model on every worker now, so a missing model is one clear error."""
    try:
        return client.run(warm, model, time_limit)
    except StorylineError:
        raise
    except Exception as exc:  # noqa: BLE001 - a worker's error, reported as one line
        raise StorylineError(f"the workers cannot load the model {model!r}: {type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------- the run
def run(paths: Sequence[str], options: BatchOptions, client: Client, listener: Listener | None = None) -> BatchSummary:
    """Read, partition, process on the cluster and write Parquet under `options.out`."""
    if options.partition_size < 1:
        raise StorylineError(f"--partition-size {options.partition_size}: need at least 1")
    prepare_output(options.out)
    warm_workers(client, options.model, options.time_limit)
    start = time.perf_counter()
    summary, dedup = BatchSummary(), Dedup()
    items = read_documents(paths, options.max_bytes, skip=options.out)
    _schedule(client, partitions(items, options.partition_size, dedup), options, summary, listener or _Silent())
    summary.duplicates = dedup.duplicates
    summary.seconds = time.perf_counter() - start
    finish_output(options.out, summary)
    return summary


def _schedule(client: Client, parts: Iterable[Partition], options: BatchOptions, summary: BatchSummary,
              listener: Listener) -> None:
    """Submit partitions as they are read, at most a few per worker in flight (so memory stays
    flat), and write each one as soon as it is done."""
    from distributed import as_completed

    limit = max(2, IN_FLIGHT_PER_WORKER * sum(client.nthreads().values()) + 1)
    run_id = uuid.uuid4().hex[:8]
    done = as_completed()
    pending: dict[Key, Partition] = {}
    for part in parts:
        future = client.submit(
            process_partition, part, options.published, options.model, options.time_limit,
            key=f"storyline-{run_id}-{part.index:05d}",
            retries=RETRIES, pure=False, priority=-part.index,
        )
        pending[future.key] = part
        done.add(future)
        listener.submitted(part.index)
        while done.count() >= limit:
            _collect(next(done), pending, options.out, summary, listener)
    listener.read_all(summary.partitions + len(pending))
    for future in done:
        _collect(future, pending, options.out, summary, listener)


def _collect(future: Future, pending: dict[Key, Partition], out: Path, summary: BatchSummary, listener: Listener) -> None:
    part = pending.pop(future.key)
    output = future.result() if future.status == "finished" else failed_output(part, _error(future))
    future.release()
    write_partition(out, output)
    summary.add(output.stats)
    listener.completed(output.stats)


def _error(future: Future) -> BaseException:
    try:
        return future.exception() or RuntimeError(f"task {future.status}")
    except Exception as exc:  # noqa: BLE001 - a cancelled task has no exception of its own
        return exc


# ---------------------------------------------------------------- load
@dataclass
class LoadSummary:
    """What `load` stored: new and already-known articles and rejections, and stories linked."""

    partitions: int = 0
    new: int = 0
    known: int = 0
    events: int = 0
    rejections_new: int = 0
    rejections_known: int = 0
    buckets_linked: int = 0
    alerts_sent: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise StorylineError(f"{directory}: not a `storyline batch` output (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text("utf-8"))
        partitions_ = int(manifest["partitions"])
    except (ValueError, KeyError, TypeError) as exc:
        raise StorylineError(f"{path}: unreadable manifest ({type(exc).__name__}: {exc})") from None
    if manifest.get("format") not in READABLE_FORMATS:
        raise StorylineError(f"{path}: format {manifest.get('format')!r}, this storyline reads {READABLE_FORMATS}")
    return {**manifest, "partitions": partitions_}


def read_partition(directory: Path, index: int) -> dict[str, pa.Table]:
    tables = {}
    for name in TABLES:
        path = part_path(directory, name, index)
        try:
            tables[name] = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise StorylineError(f"{path}: cannot read it: {exc}") from None
    return tables


def load(directory: Path, engine: Engine, on_partition: Callable[[int], None] | None = None,
         settings: Settings | None = None) -> LoadSummary:
    """Store every article and rejection of a batch output (idempotently), then link stories
    and send what the watch lists found (`alerts.after_linking`)."""
    manifest = read_manifest(directory)
    summary = LoadSummary(partitions=manifest["partitions"])
    for index in range(manifest["partitions"]):
        tables = read_partition(directory, index)
        for result in to_results(tables):
            is_new = store.save_result(engine, result)
            summary.new, summary.known = summary.new + is_new, summary.known + (not is_new)
            summary.events += len(result.events) if is_new else 0
        for row in tables["rejections"].to_pylist():
            is_new = store.save_rejection(engine, rejection(row))
            summary.rejections_new += is_new
            summary.rejections_known += not is_new
        if on_partition is not None:
            on_partition(index)
    summary.buckets_linked = len(store.link_pending(engine))
    summary.alerts_sent = after_linking(engine, settings or Settings()).delivered
    return summary
