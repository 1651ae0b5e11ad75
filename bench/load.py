"""Loopback load test of `storyline serve`: concurrent clients against the story and events
endpoints for a bounded time and request count; reports p50/p99 latency and errors.

    python bench/load.py                       # 20 clients, 30 s, own server on a seeded temp store
    python bench/load.py --clients 4 --seconds 3 --json
    python bench/load.py --url http://127.0.0.1:8000 --story ID   # a server already running

Only loopback targets are accepted. Each client is a thread with one keep-alive connection;
the clients run in this process, so on a small machine they share the CPU with the server
and the figures are an upper bound of the latency a remote client would see.
"""
from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "moscow-times-2025-10-21.txt"
MAX_REQUESTS = 200_000


@dataclass
class Tally:
    """Latencies (seconds) and errors per endpoint, shared by the client threads."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    def add(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.count += 1
            self.latencies.setdefault(name, []).append(seconds)
            if error is not None:
                self.errors.setdefault(name, []).append(error)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    address = socket.gethostbyname(host) if host != "::1" else host
    if not ipaddress.ip_address(address).is_loopback:
        raise SystemExit(f"{url}: only loopback targets are allowed")
    return host, parts.port or 80


def client(host: str, port: int, paths: list[tuple[str, str]], tally: Tally, stop: float, offset: int) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    i = offset
    while time.monotonic() < stop and tally.count < MAX_REQUESTS:
        name, path = paths[i % len(paths)]
        i += 1
        began = time.perf_counter()
        error = None
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                error = f"HTTP {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        tally.add(name, time.perf_counter() - began, error)
    conn.close()


def targets(story: str) -> list[tuple[str, str]]:
    return [
        ("story", f"/api/stories/{story}"),
        ("stories", "/api/stories?q=Putin"),
        ("events", "/api/events?actor=Putin&limit=20"),
        ("events_filtered", "/api/events?type=CONSULT&status=planned&from=2025-10-01&to=2025-10-31"),
        ("story_page", f"/stories/{story}"),
    ]


def run(url: str, story: str, clients: int, seconds: float) -> dict[str, object]:
    host, port = loopback(url)
    tally = Tally()
    stop = time.monotonic() + seconds
    paths = targets(story)
    threads = [threading.Thread(target=client, args=(host, port, paths, tally, stop, n), daemon=True)
               for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - began
    return report(tally, clients, elapsed)


def report(tally: Tally, clients: int, elapsed: float) -> dict[str, object]:
    every = [x for values in tally.latencies.values() for x in values]
    per = {
        name: {"requests": len(v), "errors": len(tally.errors.get(name, [])),
               "p50_ms": round(percentile(v, 50) * 1000, 1), "p99_ms": round(percentile(v, 99) * 1000, 1)}
        for name, v in sorted(tally.latencies.items())
    }
    errors = sum(len(v) for v in tally.errors.values())
    return {
        "clients": clients, "seconds": round(elapsed, 1), "requests": len(every), "errors": errors,
        "rps": round(len(every) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(every, 50) * 1000, 1), "p99_ms": round(percentile(every, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(every) * 1000, 1) if every else None,
        "endpoints": per, "first_errors": [e for v in tally.errors.values() for e in v][:5],
    }


@contextmanager
def own_server(db: Path) -> Iterator[str]:
    """A seeded store and `storyline serve` on a free loopback port."""
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_DB"}
    subprocess.run([sys.executable, "-m", "storyline", "process", str(SEED), "--published", "2025-10-21",
                    "--db", str(db)], check=True, capture_output=True, env=env, timeout=600)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port),
                                "--no-access-log"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    host, port = loopback(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def first_story(url: str) -> str:
    host, port = loopback(url)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", "/api/stories?q=Trump+Putin&status=cancelled&limit=1")
    items = json.loads(conn.getresponse().read())["items"] or []
    if not items:
        conn.request("GET", "/api/stories?limit=1")
        items = json.loads(conn.getresponse().read())["items"]
    if not items:
        raise SystemExit(f"{url}: the store has no story to load")
    return str(items[0]["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="A running server (loopback only); default: start one on a seeded temp store")
    parser.add_argument("--story", help="Story id to load (default: the seed's Trump–Putin story, or the first)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--json", action="store_true", help="Print one JSON line")
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 0 < args.seconds <= 600):
        raise SystemExit("--clients must be 1–200 and --seconds 0–600")
    with tempfile.TemporaryDirectory() as folder, (
            own_server(Path(folder) / "load.db") if args.url is None else _given(args.url)) as url:
        result = run(url, args.story or first_story(url), args.clients, args.seconds)
    print(json.dumps(result) if args.json else _table(result))
    sys.exit(1 if result["errors"] else 0)


@contextmanager
def _given(url: str) -> Iterator[str]:
    loopback(url)
    yield url.rstrip("/")


def _table(result: dict[str, object]) -> str:
    lines = [f"{result['clients']} clients, {result['seconds']} s: {result['requests']} requests "
             f"({result['rps']}/s), {result['errors']} errors, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms"]
    endpoints = result["endpoints"]
    assert isinstance(endpoints, dict)
    for name, row in endpoints.items():
        lines.append(f"  {name:16} {row['requests']:6} req  p50 {row['p50_ms']:7} ms  p99 {row['p99_ms']:7} ms  "
                     f"errors {row['errors']}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
