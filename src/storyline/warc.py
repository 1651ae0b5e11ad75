"""WARC input: the HTML responses of a web archive (`.warc`, `.warc.gz`) → `RawDocument`s.

A file is recognised as WARC by its first bytes (gzip-compressed or not), never by its name.
Each `response` (or `resource`) record whose content is HTML becomes a document with the
record's URL (`WARC-Target-URI`) and date (`WARC-Date`, kept as a fallback publication date:
the date found in the page itself wins, see `batch.clean_document`; a date outside the accepted
range, `ingest.date_range`, is dropped). Other responses
(images, scripts, errors, redirects) become rejections with the reason; requests, metadata
and warcinfo records are not documents and are passed over. A broken record is a rejection,
and the rest of its file is skipped (a WARC stream cannot be resynchronised safely).
"""
from __future__ import annotations

import dataclasses
import gzip
import zlib
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from .errors import Reason, reject
from .ingest import Item, parse_date, plausible_date, read_bytes, valid_text
from .model import RawDocument

WARC_DATE = "warc"                     # `published_source` of a date taken from the record
DOCUMENT_RECORDS = ("response", "resource")
GENERIC_TYPES = ("", "application/octet-stream", "unk", "unknown/unknown")
_MAGIC = b"WARC/"


def is_warc(path: str) -> bool:
    """True when the file starts like a WARC record, plain or gzip-compressed."""
    try:
        with open(path, "rb") as raw:
            head = raw.read(2)
            raw.seek(0)
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=raw) as unzipped:
                    return unzipped.read(len(_MAGIC)) == _MAGIC
            return raw.read(len(_MAGIC)) == _MAGIC
    except (OSError, EOFError, zlib.error):
        return False


def read_warc(path: str, max_bytes: int) -> Iterator[Item]:
    """Every HTML document (or rejection) in a WARC file, in record order.

    Sources are `path:N`, N the record's 1-based position in the file.
    """
    number = 1
    try:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                yield from record_items(f"{path}:{number}", record, max_bytes)
                number += 1
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on malformed input
        yield reject(f"{path}:{number}", Reason.BAD_WARC, detail=_one_line(exc))


def record_items(source: str, record: Any, max_bytes: int) -> Iterator[Item]:
    """The document in one record, a rejection saying why there is none, or nothing."""
    if record.rec_type not in DOCUMENT_RECORDS:
        return
    why, content_type = _not_html(record)
    if why is not None:
        yield reject(source, Reason.NOT_ARTICLE, detail=why)
        return
    data = record.content_stream().read(max_bytes + 1)
    for item in read_bytes(source, data, max_bytes):
        if isinstance(item, RawDocument) and item.kind != "html" and content_type in GENERIC_TYPES:
            yield reject(source, Reason.NOT_ARTICLE, detail="the content is not HTML")
        elif isinstance(item, RawDocument):
            yield _with_record_meta(item, record)
        else:
            yield item


def _not_html(record: Any) -> tuple[str | None, str]:
    """(why the record holds no HTML page, or None; its content type)."""
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    if headers is None:
        return "a response without HTTP headers", ""
    content_type = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if record.rec_type == "response":
        status = headers.get_statuscode() or ""
        if not status.startswith("2"):
            return f"HTTP status {status or 'unknown'}", content_type
    if "html" not in content_type and content_type not in GENERIC_TYPES:
        return f"content type {content_type}, not HTML", content_type
    return None, content_type


def _with_record_meta(doc: RawDocument, record: Any) -> RawDocument:
    url = valid_text(record.rec_headers.get_header("WARC-Target-URI") or "")
    date = plausible_date(parse_date(record.rec_headers.get_header("WARC-Date")))
    return dataclasses.replace(
        doc, url=doc.url or url or None,
        published=doc.published or date, published_source=doc.published_source or (WARC_DATE if date else None),
    )


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__
