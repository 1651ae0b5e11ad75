"""ASGI middleware: a cap on request bodies, known Host headers only, and security headers on
every response."""
from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, error_body

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


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def host_name(value: str) -> str:
    """The host of a Host header or an address: lower case, without its port, IPv6 in brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[:value.find("]") + 1] if "]" in value else value
    if value.count(":") > 1:  # a bare IPv6 address
        return f"[{value}]"
    return value.split(":", 1)[0]


class KnownHosts:
    """Answer only requests whose Host header names this server: loopback names and the
    `allowed` ones. A DNS-rebinding page (evil.example, its name pointed at this machine)
    sends its own name, as Host and as Origin, so the Origin check alone would pass it; here it
    gets a 400 in the one error shape."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = frozenset(host_name(h) for h in (*LOOPBACK_NAMES, *allowed) if h.strip())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
        if host_name(host) in self.allowed:
            await self.app(scope, receive, send)
            return
        name = host_name(host)[:100]
        message = (f"Host {name!r} is not a name of this server; start it with --allowed-host {name} to answer it"
                   if name else "a Host header is required")
        body = error_body(400, "unknown_host", message, {"allowed": sorted(self.allowed)})
        await JSONResponse(body, status_code=400)(scope, receive, send)
