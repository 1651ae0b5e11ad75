"""Polite and safe HTTP for `storyline watch` and the server's URL lists (httpx).

Polite: a clear User-Agent; robots.txt obeyed (fetched once per host and kept for
`robots_ttl`; a robots.txt that cannot be fetched for a server error or a timeout means "fetch
nothing there", as RFC 9309 says; a missing one means "fetch anything"); a robots Crawl-delay
obeyed up to `max_crawl_delay`; `per_host` requests at once to a host, `delay` seconds between
two; conditional GET (ETag, Last-Modified) so an unchanged feed costs one 304.

Safe: every request has a timeout, and a whole answer must arrive within it (a server that
trickles bytes is stopped too); bodies are streamed and stopped at the size cap; redirects are
followed by hand, at most `max_redirects`, a loop is named as one; timeouts, refused
connections and 5xx/429 answers are retried `retries` times with doubling pauses. Every failure
is a coded `Rejected` value (`errors.Reason`), never an exception.

Server-side request forgery: `refusal(url)` says why a URL must not be fetched when only
public addresses are allowed (not http(s); a host that resolves to a loopback, link-local,
private, shared, multicast or reserved address: every address is checked). It is checked
before every hop of a redirect chain. The address is resolved again when connecting, so a DNS
answer that changes in between (rebinding) is not caught; the server's URL lists accept that
window, as the check keeps out every URL that names or resolves to an internal address.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from .errors import PASSING, Reason, reject
from .model import Rejected
from .settings import FetchSettings

REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ROBOTS_AGENT = "storyline"
Log = Callable[["Request"], None]


@dataclass(frozen=True)
class Fetched:
    """A successful answer (200) or a 304 to a conditional GET; `url` is where it came from
    after redirects."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Request:
    """One HTTP request made, for the record (`fetches` table)."""

    url: str
    status: int | None
    code: str | None
    bytes: int
    seconds: float


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass
class _Host:
    slots: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0
    robots: RobotFileParser | None = None
    robots_at: float = 0.0
    robots_error: Rejected | None = None  # why robots.txt could not be fetched (then nothing is)


def host_of(url: str) -> str:
    """The host part that politeness is counted by: scheme, name and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def refusal(url: str) -> str | None:
    """Why `url` may not be fetched when only public addresses are allowed, or None. A host
    that does not resolve is not refused here: the request fails on its own (E032)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return f"only http and https URLs are fetched, not {parts.scheme or 'a relative URL'!r}"
    if not parts.hostname:
        return "the URL has no host"
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return None
    for *_, address in found:
        kind = address_kind(str(address[0]))
        if kind is not None:
            return f"{parts.hostname} is at {address[0]}, a {kind} address; only public addresses are fetched"
    return None


def address_kind(address: str) -> str | None:
    """"loopback", "private" ... for an address that is not public, None for a public one."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


def is_internal(url: str) -> bool:
    """Whether `url`'s host names or resolves to an address that is not public."""
    return refusal(url) is not None and urlsplit(url).scheme.lower() in ("http", "https")


class Fetcher:
    """GETs with the politeness and limits of `FetchSettings`; thread-safe (one per process)."""

    def __init__(self, settings: FetchSettings, max_bytes: int, on_request: Log | None = None) -> None:
        self.settings = settings
        self.max_bytes = max_bytes
        self.on_request = on_request
        self._client = httpx.Client(
            follow_redirects=False, timeout=httpx.Timeout(settings.timeout), trust_env=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=max(settings.workers, 1) * 2),
        )
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, private: bool, etag: str | None = None,
            last_modified: str | None = None) -> Fetched | Rejected:
        """GET `url` politely; `private`: internal addresses may be fetched (else `refusal`)."""
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        return self._follow(url, private, headers, robots=True)

    def _follow(self, url: str, private: bool, headers: dict[str, str], robots: bool) -> Fetched | Rejected:
        chain = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            problem = self._forbidden(url, current, private, robots)
            if problem is not None:
                return problem
            answer = self._request(url, current, headers if current == url else {})
            if isinstance(answer, Rejected):
                return answer
            target = answer.headers.get("location")
            if answer.status not in REDIRECTS or not target:
                return _result(url, current, answer)
            current = urljoin(current, target.strip()).split("#")[0]
            if current in chain:
                return reject(url, Reason.REDIRECTS, detail=f"redirect loop: {' → '.join([*chain, current])}")
            chain.append(current)
        return reject(url, Reason.REDIRECTS, detail=f"more than {self.settings.max_redirects} redirects "
                      f"(last to {current})")

    def _forbidden(self, source: str, url: str, private: bool, robots: bool) -> Rejected | None:
        problem = None if private else refusal(url)
        if problem is None and urlsplit(url).scheme.lower() not in ("http", "https"):
            problem = refusal(url)
        if problem is not None:
            return reject(source, Reason.REFUSED, detail=problem)
        if robots and not self._robots(url, private).can_fetch(ROBOTS_AGENT, url):
            failed = self._host(host_of(url)).robots_error
            if failed is not None:  # the host did not answer: say so, and a later round tries again
                return Rejected(source, failed.code, f"{host_of(url)}/robots.txt: {failed.reason}")
            return reject(source, Reason.ROBOTS, detail=f"{host_of(url)}/robots.txt disallows {urlsplit(url).path or '/'}")
        return None

    def _host(self, host: str) -> _Host:
        with self._lock:
            found = self._hosts.get(host)
            if found is None:
                found = self._hosts[host] = _Host(threading.BoundedSemaphore(max(self.settings.per_host, 1)))
            return found

    def _robots(self, url: str, private: bool) -> RobotFileParser:
        """The host's robots rules, fetched when missing or older than `robots_ttl`."""
        host = self._host(host_of(url))
        with host.robots_lock:
            ttl = self.settings.robots_ttl if host.robots_error is None else self.settings.robots_retry
            if host.robots is None or time.monotonic() - host.robots_at > ttl:
                host.robots, host.robots_error = self._read_robots(host_of(url), private)
                host.robots_at = time.monotonic()
            return host.robots

    def _read_robots(self, base: str, private: bool) -> tuple[RobotFileParser, Rejected | None]:
        """The rules, and the failure when the host could not say (then nothing is allowed)."""
        parser = RobotFileParser(f"{base}/robots.txt")
        got = self._follow(f"{base}/robots.txt", private, {}, robots=False)
        if isinstance(got, Fetched):
            parser.parse(got.body.decode("utf-8", "replace").splitlines())
            return parser, None
        if got.code in PASSING:
            parser.parse(["User-agent: *", "Disallow: /"])  # RFC 9309: unreachable means complete disallow
            return parser, got
        parser.parse([])  # 4xx: there is none, anything may be fetched
        return parser, None

    def _delay(self, url: str) -> float:
        host = self._host(host_of(url))
        asked = host.robots.crawl_delay(ROBOTS_AGENT) if host.robots is not None else None
        return max(self.settings.delay, min(float(asked or 0), self.settings.max_crawl_delay))

    @contextmanager
    def _turn(self, url: str) -> Iterator[None]:
        """Wait for a slot at the host and for `delay` since its last request began and since
        the last one ended (so the host sees the pause whatever the network adds)."""
        host = self._host(host_of(url))
        delay = self._delay(url)
        with host.slots:
            with host.lock:
                wait = host.next_at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                host.next_at = time.monotonic() + delay
            try:
                yield
            finally:
                with host.lock:
                    host.next_at = max(host.next_at, time.monotonic() + delay)

    def _request(self, source: str, url: str, headers: dict[str, str]) -> _Answer | Rejected:
        """One URL, retried with doubling pauses while it fails for a passing reason."""
        answer: _Answer | Rejected = reject(source, Reason.FAILED, detail="no attempt")
        for attempt in range(self.settings.retries + 1):
            if attempt:
                time.sleep(self.settings.backoff * 2 ** (attempt - 1))
            with self._turn(url):
                answer = self._once(source, url, headers)
            if not _passing(answer):
                break
        if isinstance(answer, _Answer) and answer.status in RETRY_STATUSES:
            return reject(source, Reason.SERVER_FAILED, status=answer.status, attempts=self.settings.retries + 1)
        return answer

    def _once(self, source: str, url: str, headers: dict[str, str]) -> _Answer | Rejected:
        started = time.monotonic()
        answer = self._stream(source, url, headers, started)
        if self.on_request is not None:
            status = answer.status if isinstance(answer, _Answer) else None
            code = answer.code if isinstance(answer, Rejected) else None
            size = len(answer.body) if isinstance(answer, _Answer) else 0
            self.on_request(Request(url, status, code, size, time.monotonic() - started))
        return answer

    def _stream(self, source: str, url: str, headers: dict[str, str], started: float) -> _Answer | Rejected:
        timeout = self.settings.timeout
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    return _Answer(response.status_code, response.headers, b"")
                return self._body(source, response, started + timeout)
        except httpx.TimeoutException as exc:
            return reject(source, Reason.TIMED_OUT, timeout=timeout, detail=f" ({type(exc).__name__})")
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            if _unknown_host(exc):
                return reject(source, Reason.NO_HOST, host=urlsplit(url).hostname or url)
            return reject(source, Reason.UNREACHABLE, detail=str(exc) or type(exc).__name__)
        except httpx.HTTPError as exc:  # a body that cannot be decoded (a broken gzip stream ...)
            return reject(source, Reason.UNREACHABLE, detail=f"{type(exc).__name__}: {exc}")

    def _body(self, source: str, response: httpx.Response, deadline: float) -> _Answer | Rejected:
        """The body, streamed: stopped at the size cap and at the deadline."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return reject(source, Reason.TOO_LARGE, size=int(declared), cap=self.max_bytes)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                return reject(source, Reason.TOO_LARGE, size=f"more than {self.max_bytes}", cap=self.max_bytes)
            if time.monotonic() > deadline:
                return reject(source, Reason.TIMED_OUT, timeout=self.settings.timeout, detail=" (the body came too slowly)")
            chunks.append(chunk)
        return _Answer(200, response.headers, b"".join(chunks))


def _unknown_host(exc: BaseException) -> bool:
    """Whether the name did not resolve (not retried: a DNS answer does not change in seconds)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _passing(answer: _Answer | Rejected) -> bool:
    if isinstance(answer, Rejected):
        return answer.code in (Reason.TIMED_OUT.value, Reason.UNREACHABLE.value)
    return answer.status in RETRY_STATUSES


def _result(source: str, url: str, answer: _Answer) -> Fetched | Rejected:
    if answer.status in (200, 304):
        headers = answer.headers
        return Fetched(url, answer.status, answer.body, headers.get("content-type", "").lower(),
                       headers.get("etag"), headers.get("last-modified"))
    if answer.status in REDIRECTS:
        return reject(source, Reason.REDIRECTS, detail=f"HTTP {answer.status} redirect without a Location")
    return reject(source, Reason.HTTP_STATUS, status=answer.status, detail=_phrase(answer.status))


def _phrase(status: int) -> str:
    try:
        return f" ({HTTPStatus(status).phrase})"
    except ValueError:
        return ""
