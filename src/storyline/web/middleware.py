"""ASGI middleware: a cap on request bodies, and security headers on every response."""
from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError

# Pages and the API load nothing from other hosts: no CDN, no inline script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class BodyLimit:
    """Refuse request bodies over `limit` bytes with a 413 in the one error shape.

    A declared Content-Length over the limit fails on the first read of the body, before any
    of it is buffered; a body without one (chunked) fails as soon as it passes the limit. The
    error is raised inside the endpoint that reads the body, so the usual handlers render it.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, overhead: int = 0) -> None:
        self.app = app
        self.max_bytes = max_bytes          # what an upload may weigh (settings.max_bytes)
        self.limit = max_bytes + overhead   # what a request body may weigh (form fields, boundaries)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if declared is not None and declared > self.limit:
                raise self._too_large(declared)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise self._too_large(seen, exact=False)
            return message

        await self.app(scope, limited, send)

    def _too_large(self, size: int, exact: bool = True) -> ApiError:
        amount = f"{size} bytes" if exact else f"more than {self.limit} bytes"
        return ApiError(413, "payload_too_large", f"the request body is {amount}; uploads are limited to "
                        f"{self.max_bytes} bytes", {"max_bytes": self.max_bytes, "max_body_bytes": self.limit})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class SecurityHeaders:
    """`Content-Security-Policy` and friends on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, with_headers)
