"""The web app: `create_app(settings)` builds a FastAPI app over the store; `serve` runs it.

One `Settings` (the CLI's: database URL, spaCy model, upload size cap) configures everything;
the app keeps its engine, upload processor and templates on `app.state.ctx`, never in globals.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
import sys
from dataclasses import replace
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.templating import Jinja2Templates

from .. import __version__, store
from ..errors import Problem, fail
from ..model import STATUSES
from ..ontology import PLOVER_TYPES
from ..pipeline import Extractor
from ..settings import Settings
from ..titles import title
from . import api, errors, pages, present
from .context import AppContext
from .highlight import anchor_id
from .middleware import BodyLimit, KnownHosts, SecurityHeaders
from .uploads import Processor

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small form fields around an upload
DESCRIPTION = """storyline's JSON API: stories (one happening across articles, with a status history),
events (PLOVER type, status, attribution, dates, places, evidence offsets) and articles.

Every error has one shape: `{"error": {"code": "...", "message": "...", "detail": ...}}`."""


def _folder(name: str) -> Path:
    return Path(str(resources.files("storyline.web").joinpath(name)))


def templates() -> Jinja2Templates:
    """Jinja2 templates with autoescaping on (every `.html` and string template)."""
    env = Environment(loader=FileSystemLoader(_folder("templates")), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(
        statuses=STATUSES, event_types=PLOVER_TYPES, anchor_id=anchor_id, actor_label=present.actor_label,
        actors_label=present.actors_label, who_says=present.who_says, when=present.when, place=present.place,
        kind=present.kind, status_path=present.status_path, conflicts=present.conflicts,
        source_label=present.source_label, page_url=present.page_url, web_url=present.web_url,
        inline_code=present.inline_code, figures=present.figures, figure_label=present.figure_label,
        count_label=present.count_label, story_title=title, version=__version__,
    )
    return Jinja2Templates(env=env)


def create_app(settings: Settings, extractor: Extractor | None = None) -> FastAPI:
    """The app over the store at `settings.db` (schema created or migrated as by the CLI; a
    read-only store is served read-only, its uploads refused).

    `extractor`: anything `pipeline.analyse` accepts (a callable from `Article` to
    `ArticleResult`); by default the spaCy pipeline `settings.model`, loaded on first upload.
    """
    engine = store.connect(settings.db, write=False)
    app = FastAPI(title="storyline", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_tags=[{"name": n} for n in ("stories", "events", "articles", "meta")])
    app.state.templates = templates()
    app.state.ctx = AppContext(settings, engine, Processor(engine, settings, extractor), app.state.templates)
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_bytes, overhead=FORM_OVERHEAD)
    app.add_middleware(KnownHosts, allowed=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=_folder("static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, access_log: bool = True) -> None:
    """Run the app with uvicorn until interrupted (logs on stderr). The address is bound first,
    so a bad port or host is one coded error; an address other machines can reach gets a
    warning, since nothing asks who is calling."""
    import uvicorn

    sock = listen(host, port)
    bound = ipaddress.ip_address(sock.getsockname()[0])
    try:
        if not bound.is_loopback:
            sys.stderr.write(f"storyline: warning: serving on {host}:{port}, which other machines can reach, with no "
                             "authentication: anyone who reaches it can read the store and add to it. Only the Host "
                             "names localhost, 127.0.0.1, [::1], --host and --allowed-host are answered.\n")
        own = () if bound.is_unspecified else (host,)
        app = create_app(replace(settings, allowed_hosts=(*settings.allowed_hosts, *own)))
        logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
        shown = f"[{host}]" if ":" in host else host
        logging.getLogger("storyline.web").info("serving http://%s:%d (Ctrl+C to stop)", shown, port)
        config = uvicorn.Config(app, access_log=access_log, log_level="info", timeout_graceful_shutdown=5)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host`:`port` (as uvicorn binds: IPv6 when the host has a colon)."""
    where = f"{host}:{port}"
    if not 0 < port < 65536:
        raise fail(where, Problem.CANNOT_LISTEN, detail=f"the port must be 1–65535, not {port}")
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise fail(where, Problem.CANNOT_LISTEN, detail=exc.strerror or str(exc)) from None
    sock.set_inheritable(True)
    return sock
