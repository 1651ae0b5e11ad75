"""Real loopback HTTP servers for the watch tests: a threaded `http.server` per host (one
port = one host), serving what a test puts in `routes`, and logging every request with the
time it arrived, so that a test can check what was asked for, how often and how far apart."""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Site:
    """One host: its routes (path → answer, or a callable giving one) and its request log."""

    port: int = 0
    routes: dict[str, Answer | Callable[[dict[str, str]], Answer]] = field(default_factory=dict)
    log: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        with self.lock:
            return [path for _, path, _ in self.log]

    def times(self) -> list[float]:
        with self.lock:
            return [t for t, _, _ in self.log]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            headers = {k.lower(): v for k, v in self.headers.items()}
            with site.lock:
                site.log.append((time.monotonic(), self.path, headers))
            route = site.routes.get(self.path)
            status, extra, body = (404, {}, b"not here") if route is None else route(headers) if callable(route) else route
            try:
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **extra}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (a size cap, a timeout): what is being tested

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


@contextmanager
def sites(count: int = 1) -> Iterator[list[Site]]:
    """`count` hosts on free loopback ports until the block ends."""
    made = [Site() for _ in range(count)]
    servers = []
    for site in made:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
        server.daemon_threads = True
        server.block_on_close = False
        site.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    try:
        yield made
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def conditional(body: bytes, content_type: str, etag: str) -> Callable[[dict[str, str]], Answer]:
    """An answer with an ETag that answers 304 to a request that sends it back."""
    def answer(headers: dict[str, str]) -> Answer:
        if headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": content_type, "ETag": etag}, body
    return answer


def rss(items: list[tuple[str, dt.date | None]], title: str = "Invented News") -> bytes:
    """An RSS 2.0 feed listing `items` (absolute link, publication date)."""
    entries = "".join(
        f"<item><title>item {i}</title><link>{link}</link>"
        + (f"<pubDate>{format_datetime(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC))}</pubDate>"
           if day else "") + "</item>"
        for i, (link, day) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://127.0.0.1/</link><description>x</description>{entries}</channel></rss>").encode()


def html_article(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
            "</article></body></html>").encode()


HTML = {"Content-Type": "text/html; charset=utf-8"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}
RSS = "application/rss+xml"
