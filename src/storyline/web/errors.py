"""One error shape for every error the web app returns.

JSON (every `/api/...` path): `{"error": {"code": "not_found", "message": "...", "detail": ...}}`.
Pages get the same code and message in an HTML page with the same HTTP status. Handlers are
installed for our own `ApiError`, Starlette's HTTP errors (404, 405 ...), request validation
(422), a problem of the store (503: read-only, damaged, unreachable; details in the server log)
and anything unexpected (500, without internals in the response).
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.templating import Jinja2Templates

from ..errors import Problem, StorylineError
from ..model import Rejected

log = logging.getLogger("storyline.web")

HTTP_CODES: dict[int, str] = {
    400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error",
    500: "internal_error", 503: "unavailable",
}
# How an ingest rejection of an upload maps to HTTP (storyline reason code → status, error code).
REJECTION_STATUS: dict[str, tuple[int, str]] = {
    "E002": (422, "empty_upload"),
    "E003": (415, "unsupported_media_type"),
    "E004": (413, "payload_too_large"),
    "E005": (422, "bad_upload"),
    "E006": (422, "no_article_text"),
    "E008": (422, "bad_upload"),
    "E009": (422, "bad_upload"),
    "E020": (422, "time_limit"),
    "E021": (413, "text_too_long"),
    "E099": (422, "processing_failed"),
}


# A store problem (StorylineError with a Problem code) → HTTP status, error code, message
STORE_ERRORS: dict[str, tuple[int, str, str]] = {
    Problem.READ_ONLY.value: (503, "read_only_store", "this server's store is read-only: nothing can be added"),
}
STORE_ERROR = (503, "store_unavailable", "the store cannot answer: see the server log")


class ApiError(Exception):
    """An error with its HTTP status, a stable code, a message for people and optional detail."""

    def __init__(self, status: int, code: str, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail

    @classmethod
    def from_rejection(cls, rejected: Rejected) -> ApiError:
        status, code = REJECTION_STATUS.get(rejected.code, (422, "bad_upload"))
        detail = {"source": rejected.source, "reason_code": rejected.code}
        return cls(status, code, rejected.reason, detail)


def error_body(status: int, code: str | None, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"code": code or HTTP_CODES.get(status, f"http_{status}"), "message": message, "detail": detail}}


def wants_json(path: str) -> bool:
    return path == "/api" or path.startswith(("/api/", "/openapi"))


def error_response(request: Request, error: ApiError) -> Response:
    """The error as JSON for the API, as an HTML page for everything else."""
    body = error_body(error.status, error.code, error.message, error.detail)
    if wants_json(request.url.path):
        return JSONResponse(body, status_code=error.status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"error": body["error"], "status": error.status},
                                      status_code=error.status)


def _validation_detail(errors: Any) -> list[dict[str, Any]]:
    return [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in errors
    ]


async def _on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request, exc)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTP_CODES.get(exc.status_code, "error")
    if exc.status_code == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}"
    response = error_response(request, ApiError(exc.status_code, HTTP_CODES.get(exc.status_code, ""), message))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    detail = _validation_detail(exc.errors())
    first = detail[0] if detail else {"loc": [], "msg": "invalid request"}
    where = ".".join(p for p in first["loc"] if p not in ("body", "query", "path")) or "request"
    return error_response(request, ApiError(422, "validation_error", f"{where}: {first['msg']}", detail))


async def _on_store_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StorylineError)
    log.error("%s %s: %s", request.method, request.url.path, exc.line())
    status, code, message = STORE_ERRORS.get(exc.code or "", STORE_ERROR)
    return error_response(request, ApiError(status, code, message, {"reason_code": exc.code}))


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, ApiError(500, "internal_error", "internal error: see the server log"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StorylineError, _on_store_error)
    app.add_exception_handler(Exception, _on_unexpected)
