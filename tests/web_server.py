"""The real `storyline serve` process for the web tests: started on a free loopback port,
waited for, and stopped (SIGTERM, then SIGKILL) — no in-process test client."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Server:
    url: str
    db: Path
    log: Path
    process: subprocess.Popen[bytes]

    def client(self, timeout: float = 120.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text("utf-8", errors="replace")[-chars:] if self.log.exists() else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(folder: Path, *extra: str, max_bytes: int | None = None) -> Iterator[Server]:
    """`python -m storyline serve --db <folder>/store.db --port <free>` until the block ends."""
    db, log = folder / "store.db", folder / "server.log"
    port = free_port()
    args = [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--host", HOST, "--port", str(port),
            "--no-access-log", *extra]
    if max_bytes is not None:
        args += ["--max-bytes", str(max_bytes)]
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_DB"}
    with log.open("wb") as sink:
        process = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://{HOST}:{port}", db, log, process)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(process)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
