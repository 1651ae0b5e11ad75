"""What a browser's form post and the JSON API share: the same-origin check on writes, and a
multipart form's upload (`file` or `text`, and `published`) read into an `Upload`.

The upload page (`pages`) and the API (`api`) both import this module, so neither imports the
other."""
from __future__ import annotations

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from .context import AppContext
from .errors import ApiError
from .uploads import Upload, parse_date

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def same_origin(request: Request) -> None:
    """Refuse a write that a browser sends from another site's page (cross-site request forgery):
    a browser names the page's origin in `Origin`; clients that send none (curl, scripts) pass."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin.rstrip("/").lower() != own.lower():
        raise ApiError(403, "forbidden_origin", f"a write from {origin!r} is refused: only pages of {own} may "
                       "post here")


async def form_upload(request: Request, ctx: AppContext, published: str | None = None) -> Upload:
    """A multipart form's `file` or `text`, and `published`: what the upload page and the API share."""
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=ctx.settings.max_bytes + 1)
    except StarletteHTTPException as exc:  # a malformed form, or a text field over the cap
        too_big = "maximum size" in str(exc.detail)
        raise ApiError(413 if too_big else 400, "payload_too_large" if too_big else "bad_upload",
                       f"the form cannot be read: {exc.detail}", {"max_bytes": ctx.settings.max_bytes}) from None
    file, text = form.get("file"), form.get("text")
    date = form.get("published")
    day = parse_date(date if isinstance(date, str) and date.strip() else published)
    has_file = isinstance(file, UploadFile) and bool(file.filename or file.size)
    has_text = isinstance(text, str) and bool(text.strip())
    if has_file and has_text:
        raise ApiError(422, "bad_upload", "give a file or a text, not both")
    if has_file:
        assert isinstance(file, UploadFile)
        data = await file.read(ctx.settings.max_bytes + 1)
        return Upload(file.filename or "<upload>", data, None, day)
    if isinstance(text, str) and text:
        return Upload("<form>", text.encode("utf-8"), None, day)
    raise ApiError(422, "empty_upload", "empty upload: give a file or paste a text", {"reason_code": "E002"})
