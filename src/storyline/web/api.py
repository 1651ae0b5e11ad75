"""The JSON API under `/api`: stories, events, articles; POST an article, get its events."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from .. import edits, output, store
from ..curation import ORDERS, Listing
from ..model import ArticleResult, ContentKind, Edit
from .context import AppContext, context
from .errors import ApiError
from .forms import FORM_TYPES, form_upload, same_origin
from .present import article_row, listed_event, page_dict
from .queries import (
    MAX_LIMIT,
    MAX_OFFSET,
    EventFilters,
    StoryFilters,
    article_page,
    article_view,
    counts,
    event_page,
    load_event,
    story_page,
)
from .schemas import (
    ArticleIn,
    ArticleResultOut,
    ArticleRowOut,
    EditOut,
    ErrorOut,
    ListedEventOut,
    MergeIn,
    PageOut,
    RejectIn,
    RejectionOut,
    RenameIn,
    SplitIn,
    StatsOut,
    StatusName,
    StoredArticleOut,
    StoryDetailOut,
    StoryPageOut,
    UrlListOut,
)
from .uploads import Upload, parse_date, url_list

router = APIRouter(prefix="/api")
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in (
        (404, "Not found"), (422, "Invalid parameters (`validation_error`)"),
    )
}
UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": ErrorOut, "description": "Sent by a browser from another site's page (`forbidden_origin`)"},
    413: {"model": ErrorOut, "description": "Upload over the size limit (`payload_too_large`)"},
    415: {"model": ErrorOut, "description": "Binary content or an unsupported Content-Type (`unsupported_media_type`)"},
    422: {"model": ErrorOut, "description": "Empty upload, no article text, a URL list, bad date (`empty_upload`, "
                                            "`no_article_text`, `url_list`, `validation_error` ...)"},
    503: {"model": ErrorOut, "description": "The spaCy pipeline cannot be loaded (`model_unavailable`)"},
}
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]
TEXT_TYPES = ("text/plain", "text/html")
ID_HELP = "Id, or a unique prefix of 4+ characters"
API_USER = "api"  # who makes an edit through the API when the body does not say
ACCEPTED = ["application/json", *FORM_TYPES, *TEXT_TYPES]


def _doc(model: type) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model}, **ERRORS}


@router.get("/health", tags=["meta"], summary="Liveness")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/stats", tags=["meta"], summary="Row counts of the store", response_model=None, responses=_doc(StatsOut))
def stats(request: Request) -> JSONResponse:
    return JSONResponse(counts(context(request).engine))


OrderName = Literal["significance", "latest"]
assert get_args(OrderName) == ORDERS


@router.get("/stories", tags=["stories"], summary="List stories, most significant first", response_model=None,
            description="Significance: distinct sources + articles + status changes; ties: latest update, then id. "
                        "Stories resting on one claim or with only generic participants are hidden (counted in "
                        "`hidden`) unless `all=true`.",
            responses=_doc(StoryPageOut))
def list_stories(
    request: Request,
    q: Annotated[str | None, Query(description="Words in participants' names or countries, the type or the "
                                              "place")] = None,
    status: Annotated[StatusName | None, Query(description="Current status")] = None,
    since: Annotated[dt.date | None, Query(description="Updated on or after (YYYY-MM-DD)")] = None,
    all: Annotated[bool, Query(description="Also the hidden stories (one claim, generic participants)")] = False,
    min_articles: Annotated[int, Query(ge=1, le=1_000_000, description="Only stories in this many articles or more")] = 1,
    order: Annotated[OrderName, Query(description="significance, or latest (latest update first)")] = "significance",
    limit: Limit = 50, offset: Offset = 0,
) -> JSONResponse:
    filters = StoryFilters(q, status, since, Listing(all, min_articles, order))
    page = story_page(context(request).engine, filters, limit, offset)
    return JSONResponse({**page_dict(page, [output.story_dict(s) for s in page.items]), "hidden": page.hidden})


@router.get("/stories/{story_id}", tags=["stories"], summary="A story with its claims (timeline) and status history",
            response_model=None, responses=_doc(StoryDetailOut))
def get_story(request: Request, story_id: Annotated[str, Path(description=ID_HELP)]) -> JSONResponse:
    found = store.load_story(context(request).engine, story_id)
    if found is None:
        raise ApiError(404, "not_found", f"story {story_id!r}: not in the store (or the prefix is ambiguous)")
    return JSONResponse(output.story_dict(found, claims=True))


# ---------------------------------------------------------------- curation
EDIT_ERRORS: dict[int | str, dict[str, Any]] = {
    200: {"model": EditOut}, **ERRORS,
    403: UPLOAD_ERRORS[403],
    422: {"model": ErrorOut, "description": "An edit that cannot be made (`invalid_edit`), bad parameters "
                                            "(`validation_error`)"},
    503: {"model": ErrorOut, "description": "The store is read-only (`read_only_store`)"},
}


def _edit(request: Request, make: Callable[[Engine], Edit]) -> JSONResponse:
    """Make an edit (the same-origin check first, as for every write); an id that names
    nothing is a 404, an edit that cannot be made a 422."""
    same_origin(request)
    try:
        return JSONResponse(output.edit_dict(make(context(request).engine)))
    except edits.EditError as exc:
        raise ApiError(404 if exc.missing else 422, "not_found" if exc.missing else "invalid_edit", str(exc)) from None


@router.post("/stories/{story_id}/merge", tags=["curation"], response_model=None, responses=EDIT_ERRORS,
             summary="Merge stories into this one: their claims are one story, also after new articles and relinks")
def merge_stories(request: Request, story_id: Annotated[str, Path(description=ID_HELP)], body: MergeIn) -> JSONResponse:
    return _edit(request, lambda engine: edits.merge(engine, [story_id, *body.stories], body.by or API_USER))


@router.post("/stories/{story_id}/split", tags=["curation"], response_model=None, responses=EDIT_ERRORS,
             summary="Split claims off a story: they are a story of their own")
def split_story(request: Request, story_id: Annotated[str, Path(description=ID_HELP)], body: SplitIn) -> JSONResponse:
    return _edit(request, lambda engine: edits.split(engine, story_id, body.claims, body.by or API_USER))


@router.post("/stories/{story_id}/rename", tags=["curation"], response_model=None, responses=EDIT_ERRORS,
             summary="Give a story a title of your own")
def rename_story(request: Request, story_id: Annotated[str, Path(description=ID_HELP)], body: RenameIn) -> JSONResponse:
    return _edit(request, lambda engine: edits.rename(engine, story_id, body.title, body.by or API_USER))


@router.post("/events/{event_id}/reject", tags=["curation"], response_model=None, responses=EDIT_ERRORS,
             summary="Reject a false event: no claim of any story, left out of lists and exports (kept, marked)")
def reject_event(request: Request, event_id: Annotated[str, Path(description=ID_HELP)], body: RejectIn) -> JSONResponse:
    return _edit(request, lambda engine: edits.reject(engine, event_id, body.reason, body.by or API_USER))


@router.get("/edits", tags=["curation"], summary="The curation edits, oldest first", response_model=None,
            responses={200: {"model": list[EditOut]}})
def list_edits(request: Request) -> JSONResponse:
    return JSONResponse([output.edit_dict(e) for e in edits.list_edits(context(request).engine)])


@router.post("/edits/{edit_id}/undo", tags=["curation"], response_model=None, responses=EDIT_ERRORS,
             summary="Undo an edit: the stories are rebuilt as if it had never been made")
def undo_edit(request: Request, edit_id: Annotated[int, Path(ge=1, le=2**62)]) -> JSONResponse:
    return _edit(request, lambda engine: edits.undo(engine, edit_id))


@router.get("/events", tags=["events"], summary="List events with filters, newest publication first",
            response_model=None, responses=_doc(PageOut[ListedEventOut]))
def list_events(
    request: Request,
    actor: Annotated[str | None, Query(description="Words of an actor's or recipient's name, or an ISO3 code")] = None,
    country: Annotated[str | None, Query(description="ISO3 of an actor, a recipient or the place")] = None,
    type: Annotated[str | None, Query(description="PLOVER event type (CONSULT ...)")] = None,
    status: Annotated[StatusName | None, Query()] = None,
    date_from: Annotated[dt.date | None, Query(alias="from", description="Event date span ends on or after")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Event date span starts on or before")] = None,
    q: Annotated[str | None, Query(description="Words in the evidence sentence")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> JSONResponse:
    filters = EventFilters(actor, country, type, status, date_from, date_to, q)
    page = event_page(context(request).engine, filters, limit, offset)
    return JSONResponse(page_dict(page, [listed_event(e) for e in page.items]))


@router.get("/events/{event_id}", tags=["events"], summary="One event", response_model=None,
            responses=_doc(ListedEventOut))
def get_event(request: Request, event_id: Annotated[str, Path(description="Event id")]) -> JSONResponse:
    found = load_event(context(request).engine, event_id)
    if found is None:
        raise ApiError(404, "not_found", f"event {event_id!r}: not in the store")
    return JSONResponse(listed_event(found))


@router.get("/articles", tags=["articles"], summary="List articles, newest publication first", response_model=None,
            responses=_doc(PageOut[ArticleRowOut]))
def list_articles(request: Request, limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
    page = article_page(context(request).engine, limit, offset)
    return JSONResponse(page_dict(page, [article_row(r) for r in page.items]))


@router.get("/articles/{article_id}", tags=["articles"], summary="An article: cleaned text, removals, events",
            response_model=None, responses=_doc(ArticleResultOut))
def get_article(request: Request, article_id: Annotated[str, Path(description=ID_HELP)]) -> JSONResponse:
    view = article_view(context(request).engine, article_id)
    if view is None:
        raise ApiError(404, "not_found", f"article {article_id!r}: not in the store (or the prefix is ambiguous)")
    result = ArticleResult(view.article, tuple(view.events))
    return JSONResponse({**output.result_dict(result), "stories": sorted(set(view.story_of.values()))})


@router.get("/rejections", tags=["articles"], summary="Inputs that were not stored, with reasons", response_model=None,
            responses={200: {"model": list[RejectionOut]}})
def list_rejections(request: Request) -> JSONResponse:
    return JSONResponse([dict(r) for r in store.list_rejections(context(request).engine)])


_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": ArticleIn.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary", "description": "A text, HTML or one-record JSONL file"},
            "text": {"type": "string", "description": "The article's text (instead of a file)"},
            "published": {"type": "string", "format": "date"}}}},
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "text": {"type": "string"}, "published": {"type": "string", "format": "date"}}}},
        "text/plain": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
    },
}


@router.post(
    "/articles", tags=["articles"], status_code=201, response_model=None,
    summary="Process an article (text or HTML) and store it; returns its events",
    description="The CLI's pipeline: sniffing and size cap, cleaning, extraction, store, story linking. "
                "201 when stored, 200 when the same article was already stored (nothing changes). "
                "`published` goes in the JSON body, the form, or the query string (text/plain, text/html). "
                "A bad upload (empty, binary, too large, wrong Content-Type, no article text) is an error "
                "and leaves the store unchanged.",
    responses={201: {"model": StoredArticleOut, "description": "Stored"},
               200: {"model": StoredArticleOut, "description": "Already stored"}, **UPLOAD_ERRORS},
    openapi_extra={"requestBody": _BODY},
)
async def post_article(
    request: Request,
    published: Annotated[str | None, Query(description="Publication date for text/plain and text/html bodies")] = None,
) -> JSONResponse:
    ctx = context(request)
    same_origin(request)
    upload = await _article_upload(request, ctx, published)
    if upload.kind != "html" and url_list(upload.data) is not None:
        raise ApiError(422, "url_list", "this is a list of URLs, not an article: POST it to /api/url-lists")
    stored = await run_in_threadpool(ctx.processor.article, upload)
    body = {**output.result_dict(stored.result), "stories": stored.stories, "stored": stored.new}
    return JSONResponse(body, status_code=201 if stored.new else 200)


@router.post(
    "/url-lists", tags=["articles"], response_model=None,
    summary="Fetch and store a list of URLs (one per line)",
    description="Each URL is fetched as `storyline watch` fetches (robots.txt, a pause per host, timeouts, a "
                "size cap) and stored as an article, or recorded as a rejection (a 404 is E030, a timeout E031, an "
                "internal address E036: only public addresses are fetched unless the server was started with "
                "`--allow-private-fetch`). A URL stored or rejected before is not fetched again.",
    responses={200: {"model": UrlListOut}, **UPLOAD_ERRORS},
    openapi_extra={"requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def post_url_list(request: Request) -> JSONResponse:
    ctx = context(request)
    same_origin(request)
    data = await request.body()
    urls = url_list(data)
    if urls is None:
        raise ApiError(422, "bad_upload", "not a URL list: every non-blank line must be an http(s) URL")
    done = await run_in_threadpool(ctx.processor.url_list, urls)
    rejected = [{"source": r.source, "code": r.code, "reason": r.reason} for r in done.rejected]
    stored = [{"url": url, "article": article} for url, article in done.stored]
    return JSONResponse({"urls": len(done.urls), "stored": stored, "recorded": done.recorded, "rejected": rejected})


async def _article_upload(request: Request, ctx: AppContext, published: str | None) -> Upload:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json":
        return _json_upload(await request.body())
    if media in FORM_TYPES:
        return await form_upload(request, ctx, published)
    if media in TEXT_TYPES:
        kind: ContentKind = "html" if media == "text/html" else "text"
        return Upload("<api>", await request.body(), kind, parse_date(published))
    raise ApiError(415, "unsupported_media_type", f"Content-Type {media or '(none)'!r} is not accepted",
                   {"accepted": ACCEPTED})


def _json_upload(body: bytes) -> Upload:
    try:
        data = ArticleIn.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    content = data.text if data.text is not None else data.html
    assert content is not None
    meta = {k: v for k, v in (("url", data.url), ("title", data.title), ("outlet", data.outlet)) if v}
    return Upload("<api>", content.encode("utf-8"), "text" if data.text is not None else "html", data.published, meta)
