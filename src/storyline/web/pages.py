"""Server-rendered pages: stories, a story's timeline, events, an article, upload, API."""
from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from .. import alerts, sources, store
from ..curation import ORDERS, SHOWN, Listing
from ..errors import StorylineError
from ..model import STATUSES, Alert
from .context import AppContext, context
from .errors import ApiError
from .forms import form_upload, same_origin
from .highlight import highlight
from .queries import (
    MAX_LIMIT,
    MAX_OFFSET,
    EventFilters,
    StoryFilters,
    article_page,
    article_titles,
    article_view,
    event_page,
    stories_by_id,
    story_page,
)
from .uploads import UrlList, parse_date, url_list

router = APIRouter(include_in_schema=False)
PAGE = 50


def _render(request: Request, name: str, status: int = 200, **values: Any) -> Response:
    return context(request).templates.TemplateResponse(request, name, values, status_code=status)


def _choice(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise ApiError(422, "validation_error", f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _paging(request: Request) -> tuple[int, int]:
    try:
        limit = int(request.query_params.get("limit") or PAGE)
        offset = int(request.query_params.get("offset") or 0)
    except ValueError:
        raise ApiError(422, "validation_error", "limit and offset must be whole numbers") from None
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise ApiError(422, "validation_error", f"limit must be 1–{MAX_LIMIT} and offset 0–{MAX_OFFSET}")
    return limit, offset


@router.get("/")
def home() -> Response:
    return RedirectResponse("/stories", status_code=307)


@router.get("/stories")
def stories_page(request: Request) -> Response:
    params = request.query_params
    filters = StoryFilters((params.get("q") or "").strip() or None, _choice(params.get("status"), STATUSES, "status"),
                           parse_date(params.get("since"), "since"), _listing(request))
    limit, offset = _paging(request)
    page = story_page(context(request).engine, filters, limit, offset)
    every = {**filters.as_params(), "all": "true"}
    return _render(request, "stories.html", page=page, filters=filters, params=filters.as_params(), limit=limit,
                   default_limit=PAGE, show_all=f"/stories?{urlencode(every)}")


def _listing(request: Request) -> Listing:
    """The story list's options, as the API takes them: `all`, `min_articles`, `order`."""
    params = request.query_params
    shown = (params.get("all") or "").lower() in ("true", "1", "yes", "on")
    order = _choice(params.get("order"), ORDERS, "order") or SHOWN.order
    try:
        least = int(params.get("min_articles") or SHOWN.min_articles)
    except ValueError:
        raise ApiError(422, "validation_error", "min_articles must be a whole number") from None
    if not 1 <= least <= 1_000_000:
        raise ApiError(422, "validation_error", "min_articles must be 1–1000000")
    return Listing(shown, least, order)


@router.get("/stories/{story_id}")
def story_page_view(request: Request, story_id: str) -> Response:
    engine = context(request).engine
    found = store.load_story(engine, story_id)
    if found is None:
        raise ApiError(404, "not_found", f"story {story_id!r}: not in the store (or the prefix is ambiguous)")
    titles = article_titles(engine, [c.article_id for c in found.claims])
    offer = alerts.for_story(found)
    return _render(request, "story.html", story=found, titles=titles, offer=offer,
                   alert_name=_free_name(engine, offer.name), added=_added(engine, request.query_params.get("alert")))


def _free_name(engine: Engine, name: str) -> str:
    """`name`, or with the first free suffix ("-2", "-3" ...) when a watch list has it."""
    taken = {a.name for a in alerts.list_alerts(engine)}
    return next(n for n in (name, *(f"{name[:60]}-{i}" for i in range(2, 1000))) if n not in taken)


def _added(engine: Engine, name: str | None) -> Alert | None:
    return alerts.get(engine, name) if name else None


@router.post("/stories/{story_id}/alert")
async def story_alert(request: Request, story_id: str) -> Response:
    """"Alert me on changes": a watch list of the story's participants and type, read through
    its Atom feed (webhooks and e-mail are set with `storyline alerts add`: the server posts to
    no address a web form gives it)."""
    same_origin(request)
    engine = context(request).engine
    found = store.load_story(engine, story_id)
    if found is None:
        raise ApiError(404, "not_found", f"story {story_id!r}: not in the store (or the prefix is ambiguous)")
    form = await request.form(max_fields=4, max_part_size=1024)
    name = form.get("name")
    offer = replace(alerts.for_story(found), name=name.strip() if isinstance(name, str) and name.strip() else "")
    try:
        await run_in_threadpool(alerts.add, engine, offer)
    except StorylineError as exc:
        if exc.code is not None:
            raise
        raise ApiError(409 if "already exists" in str(exc) else 422, "bad_alert", str(exc)) from None
    return RedirectResponse(f"/stories/{found.id}?alert={offer.name}#alert-h", status_code=303)


@router.get("/alerts/{name}.atom")
def alert_feed(request: Request, name: str) -> Response:
    """A watch list's changes as an Atom feed, for any feed reader."""
    found = alerts.feed(context(request).engine, name, str(request.base_url))
    if found is None:
        raise ApiError(404, "not_found", f"alert {name!r}: no such alert")
    return Response(found, media_type="application/atom+xml; charset=utf-8")


@router.get("/events")
def events_page(request: Request) -> Response:
    p = request.query_params
    filters = EventFilters(
        actor=(p.get("actor") or "").strip() or None, country=(p.get("country") or "").strip() or None,
        type=(p.get("type") or "").strip().upper() or None, status=_choice(p.get("status"), STATUSES, "status"),
        date_from=parse_date(p.get("from"), "from"), date_to=parse_date(p.get("to"), "to"),
        text=(p.get("q") or "").strip() or None,
    )
    limit, offset = _paging(request)
    page = event_page(context(request).engine, filters, limit, offset)
    return _render(request, "events.html", page=page, filters=filters, params=filters.as_params(), limit=limit,
                   default_limit=PAGE)


@router.get("/articles")
def articles_page(request: Request) -> Response:
    limit, offset = _paging(request)
    page = article_page(context(request).engine, limit, offset)
    return _render(request, "articles.html", page=page, params={}, limit=limit, default_limit=PAGE)


@router.get("/articles/{article_id}")
def article_page_view(request: Request, article_id: str) -> Response:
    view = article_view(context(request).engine, article_id)
    if view is None:
        raise ApiError(404, "not_found", f"article {article_id!r}: not in the store (or the prefix is ambiguous)")
    linked = stories_by_id(context(request).engine, sorted(set(view.story_of.values())))
    return _render(request, "article.html", view=view, text=highlight(view.article.text, view.events),
                   stories=linked, uploaded=request.query_params.get("uploaded"))


@router.get("/watch")
def watch_page(request: Request) -> Response:
    """The sources `storyline watch` (and URL lists) fetch: each named one with its latest
    fetch, and the latest URLs that failed; read-only."""
    engine = context(request).engine
    return _render(request, "watch.html", watched=sources.watched(engine), problems=sources.problems(engine))


@router.get("/upload")
def upload_form(request: Request) -> Response:
    return _render(request, "upload.html", error=None)


@router.post("/upload")
async def upload(request: Request) -> Response:
    ctx = context(request)
    try:
        same_origin(request)
        received = await form_upload(request, ctx)
        urls = url_list(received.data) if received.kind is None else None
        if urls is not None:
            done = await run_in_threadpool(ctx.processor.url_list, urls)
            return _url_list_result(request, done)
        stored = await run_in_threadpool(ctx.processor.article, received)
    except ApiError as error:
        return _upload_error(request, ctx, error)
    state = "new" if stored.new else "known"
    return RedirectResponse(f"/articles/{stored.result.article.id}?uploaded={state}", status_code=303)


def _url_list_result(request: Request, done: UrlList) -> Response:
    return _render(request, "urls.html", done=done)


def _upload_error(request: Request, ctx: AppContext, error: ApiError) -> Response:
    body = {"code": error.code, "message": error.message, "detail": error.detail}
    return ctx.templates.TemplateResponse(request, "upload.html", {"error": body}, status_code=error.status)


@router.get("/docs")
def api_docs(request: Request) -> Response:
    """The API, rendered from the app's own OpenAPI schema (no external assets)."""
    schema = request.app.openapi()
    return _render(request, "docs.html", schema=schema)
