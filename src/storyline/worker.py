"""Extraction in a child process, under a time limit per article that can really stop work.

spaCy's Cython code holds the GIL and no signal interrupts it, so the one sure way to stop an
article that takes too long is to kill the process working on it. A `Worker` keeps one child
process with the spaCy pipeline loaded, hands it articles (or, for uploads, whole documents to
clean and extract) and waits at most `time_limit` seconds for each answer. Past that it kills
the child (SIGKILL), records the article as rejected (`Reason.TIME_LIMIT`, E020) and starts a
new child for the next one; a child that dies (out of memory, a crash) costs its article only
(E099). Waiting on a socket, the parent holds no GIL: a web server stays responsive.

The child is a plain subprocess (`python -c` importing this module) talking over a socket pair
with `multiprocessing.connection` framing (pickled records): unlike `multiprocessing.Process`
it also starts from a Dask worker (a daemon process) and never re-runs the parent's __main__.
It loads the model and warms up (lexicons, gazetteers; the cleaning stack too when it is to
clean documents) before it says it is ready, so start-up never counts against an article's time.
"""
from __future__ import annotations

import atexit
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from .errors import Reason, StorylineError, reject
from .model import Article, ArticleResult, RawDocument, Rejected

if TYPE_CHECKING:
    from .extract import Extractor

START_TIMEOUT = 300.0  # seconds for a child to import spaCy, load the model and warm up
WARM_UP = RawDocument(
    id="warm-up", source="<warm-up>", kind="html", published=dt.date(2025, 1, 6),
    content="<html><body><article><p>The U.S. president met the Russian foreign minister in Paris on "
            "Monday, officials said.</p><p>Share this article</p></article></body></html>",
)
WARM_UP_ARTICLE = Article(id="warm-up", source="<warm-up>", published=dt.date(2025, 1, 6),
                          text="The U.S. president met the Russian foreign minister in Paris on Monday, officials said.")
Outcome = ArticleResult | Rejected


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    conn: Connection


class Worker:
    """A `pipeline.BatchExtractor` whose extraction runs in a child process, each article
    stopped after `time_limit` seconds (None or 0: no limit). `documents`: it will also
    clean (`analyse`), so its start-up loads the cleaning stack as well. Thread-safe: requests
    from several threads take turns. Use as a context manager, or call `close`."""

    def __init__(self, model: str, time_limit: float | None = None, documents: bool = False) -> None:
        self.model = model
        self.time_limit = time_limit or None
        self.documents = documents
        self._child: _Child | None = None
        self._lock = threading.Lock()
        self._cpu_done = 0.0                   # CPU seconds of children that have ended
        self._usage = (0.0, 0.0)               # the current child's CPU seconds and peak RSS (MB)
        self._peak_mb = 0.0
        _LIVE.add(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The child's process id (None before it starts)."""
        return self._child.process.pid if self._child is not None else None

    def start(self) -> None:
        """Start the child now (it starts on first use otherwise): a model that cannot be
        loaded is then a `StorylineError` before any input is read."""
        with self._lock:
            self._ensure()

    def pipe(self, articles: Sequence[Article]) -> list[Outcome]:
        """Each article's events, or its rejection (time limit, a dead child, an error)."""
        out: list[Outcome] = []
        with self._lock:
            pending = list(articles)
            while pending:
                child = self._send(("pipe", pending))
                answered = 0
                while answered < len(pending) and self._child is child:
                    out.append(self._answer(child, pending[answered].source))
                    answered += 1
                pending = pending[answered:]
        return out

    def analyse(self, doc: RawDocument, published: dt.date | None = None) -> Outcome:
        """`pipeline.analyse` (clean, then extract) of one document, in the child."""
        with self._lock:
            return self._answer(self._send(("analyse", doc, published)), doc.source)

    def usage(self) -> tuple[float, float]:
        """CPU seconds of every child so far, and the largest peak RSS (MB) of any."""
        return self._cpu_done + self._usage[0], max(self._peak_mb, self._usage[1])

    def close(self) -> None:
        """Stop the child: it exits when its socket closes (killed if it lingers, or at once
        when another thread is still waiting on it)."""
        if self._lock.acquire(timeout=1):
            try:
                self._stop(kill=False)
            finally:
                self._lock.release()
        elif (child := self._child) is not None:
            child.process.kill()

    # ------------------------------------------------------------ the child's life
    def _ensure(self) -> _Child:
        if self._child is None or self._child.process.poll() is not None:
            self._stop(kill=True)
            self._child = _spawn(self.model, self.documents)
        return self._child

    def _send(self, request: tuple[Any, ...]) -> _Child:
        """Send a request, to a new child if the current one has gone away meanwhile."""
        for attempt in (1, 2):
            child = self._ensure()
            try:
                child.conn.send(request)
                return child
            except OSError:
                if attempt == 2:
                    raise StorylineError("the extraction worker process cannot be reached") from None
                self._stop(kill=True)
        raise AssertionError("unreachable")

    def _answer(self, child: _Child, source: str) -> Outcome:
        """The child's next answer; past the time limit, or if the child dies, a rejection
        (and the child is gone)."""
        try:
            if child.conn.poll(self.time_limit):
                _, outcome, usage = child.conn.recv()
                self._usage = usage
                return outcome
        except (EOFError, OSError):
            code = self._stop(kill=True)
            return reject(source, Reason.FAILED, detail=f"the extraction worker process died ({_exit(code)})")
        self._stop(kill=True)
        return reject(source, Reason.TIME_LIMIT, limit=self.time_limit or 0)

    def _stop(self, kill: bool) -> int | None:
        child, self._child = self._child, None
        if child is None:
            return None
        self._cpu_done += self._usage[0]
        self._peak_mb, self._usage = max(self._peak_mb, self._usage[1]), (0.0, 0.0)
        return _end(child, kill)


_LIVE: weakref.WeakSet[Worker] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for worker in list(_LIVE):
        worker.close()


def _spawn(model: str, documents: bool) -> _Child:
    """Start a child and wait until it has loaded `model` and warmed up."""
    mine, theirs = socket.socketpair()
    root = str(Path(__file__).resolve().parents[1])  # so the child imports this very storyline
    code = f"import sys; sys.path.insert(0, {root!r}); from storyline.worker import main; main()"
    try:
        process = subprocess.Popen([sys.executable, "-c", code, str(theirs.fileno()), model, str(int(documents))],
                                   pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    finally:
        theirs.close()
    child = _Child(process, Connection(mine.detach()))
    try:
        if not child.conn.poll(START_TIMEOUT):
            raise StorylineError(f"the extraction worker process did not start within {START_TIMEOUT:g} s")
        kind, value = child.conn.recv()
    except (EOFError, OSError):
        raise StorylineError(f"the extraction worker process exited at start ({_exit(_end(child, True))})") from None
    except StorylineError:
        _end(child, True)
        raise
    if kind != "ready":
        _end(child, True)
        raise StorylineError(str(value))
    return child


def _end(child: _Child, kill: bool) -> int | None:
    """Close the socket (the child's cue to exit), kill it if asked or if it lingers; its exit code."""
    child.conn.close()
    if kill:
        child.process.kill()
    try:
        return child.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        child.process.kill()
        return child.process.wait()


def _exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


# ---------------------------------------------------------------- in the child
def main() -> None:
    """The child: load the model, say so, then answer requests until the socket closes."""
    fd, model, documents = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn = Connection(fd)
    try:
        extractor = _load(model, documents)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as its StorylineError
        conn.send(("error", str(exc) if isinstance(exc, StorylineError) else f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
            for outcome in _serve(request, extractor):
                conn.send(("done", outcome, (time.process_time(), peak_rss_mb())))
        except (EOFError, OSError):
            return  # the parent closed the socket, or is gone


def _load(model: str, documents: bool) -> Extractor:
    """The extractor, warmed up on a tiny document (cleaned too when `documents`)."""
    from .extract import default_extractor

    extractor = default_extractor(model)
    if documents:
        from .pipeline import analyse

        analyse(WARM_UP, None, extractor)
    else:
        extractor.pipe([WARM_UP_ARTICLE])
    return extractor


def _serve(request: tuple[Any, ...], extractor: Extractor) -> Iterator[Outcome]:
    """The outcomes of one request, one at a time (each is sent as soon as it is ready)."""
    if request[0] == "pipe":
        for article in request[1]:
            yield _outcome(article.source, _extract_one, extractor, article)
    elif request[0] == "analyse":
        from .pipeline import analyse

        doc, published = request[1], request[2]
        yield _outcome(doc.source, analyse, doc, published, extractor)


def _extract_one(extractor: Extractor, article: Article) -> Outcome:
    return extractor.pipe([article])[0]


def _outcome(source: str, work: Callable[..., Outcome], *args: Any) -> Outcome:
    try:
        return work(*args)
    except Exception as exc:  # noqa: BLE001 - one input's failure is its rejection, never the child's end
        return reject(source, Reason.FAILED, detail=f"{type(exc).__name__}: {exc}")


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far, in MB."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
