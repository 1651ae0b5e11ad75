"""Ingest: paths, globs, directories, JSONL and standard input → `RawDocument` | `Rejected`.

The content type is sniffed from the bytes, never trusted from the file name; the encoding
is detected; inputs over the size cap are rejected with a reason; the document id is a hash
of the normalized content, so the same article read twice is one article.
"""
from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from .errors import Reason, reject
from .model import ContentKind, RawDocument, Rejected

Item = RawDocument | Rejected
STDIN = "-"
_GLOB_CHARS = re.compile(r"[*?\[]")
_HTML_SNIFF = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:div|p|article|meta|title)[\s>]",
    re.IGNORECASE,
)
_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
    b"\x7fELF": "executable",
    b"SQLite format 3": "SQLite database",
}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_WS = re.compile(r"\s+")
MAX_TITLE_CHARS = 200


def document_id(content: str) -> str:
    """Hash of the normalized content: NFC, whitespace collapsed, stripped."""
    normal = _WS.sub(" ", unicodedata.normalize("NFC", content)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def parse_date(value: object) -> dt.date | None:
    """An ISO date (or the date part of an ISO timestamp); None when absent or unparseable."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def expand(paths: Iterable[str]) -> Iterator[str | Rejected]:
    """Expand directories (recursively, sorted) and globs; keep `-` for standard input."""
    for raw in paths:
        path = Path(raw).expanduser()
        if raw == STDIN or path.is_file():
            yield raw
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            yield from (str(p) for p in found)
        elif _GLOB_CHARS.search(raw):
            matches = sorted(p for p in glob.glob(raw, recursive=True) if Path(p).is_file())
            yield from matches if matches else [reject(raw, Reason.NO_MATCH)]
        else:
            yield reject(raw, Reason.NOT_FOUND)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_inputs(paths: Iterable[str], max_bytes: int, stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Every document (or rejection) found under `paths`, in a stable order."""
    for entry in expand(paths):
        if isinstance(entry, Rejected):
            yield entry
        elif entry == STDIN:
            stream = stdin or sys.stdin.buffer
            yield from read_bytes("<stdin>", stream.read(max_bytes + 1), max_bytes)
        else:
            yield from read_path(entry, max_bytes)


def read_path(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            yield reject(path, Reason.TOO_LARGE, size=size, cap=max_bytes)
            return
        data = Path(path).read_bytes()
    except FileNotFoundError:
        yield reject(path, Reason.NOT_FOUND)
        return
    except OSError as exc:
        yield reject(path, Reason.UNREADABLE, detail=exc.strerror or type(exc).__name__)
        return
    yield from read_bytes(path, data, max_bytes)


def read_bytes(source: str, data: bytes, max_bytes: int) -> Iterator[Item]:
    """Sniff, decode and split one input's bytes into documents."""
    if len(data) > max_bytes:
        yield reject(source, Reason.TOO_LARGE, size=f"more than {max_bytes}", cap=max_bytes)
        return
    if not data.strip():
        yield reject(source, Reason.EMPTY)
        return
    binary = sniff_binary(data)
    if binary is not None:
        yield reject(source, Reason.BINARY, detail=binary)
        return
    text, encoding = decode(data)
    if looks_like_jsonl(text):
        yield from read_jsonl(source, text)
        return
    kind: ContentKind = "html" if _HTML_SNIFF.search(data[:4096]) else "text"
    yield make_document(source, text, kind, encoding=encoding)


def sniff_binary(data: bytes) -> str | None:
    """A short description when the bytes are not text ("" when unknown binary), else None."""
    if data.startswith(_BOMS):
        return None
    for magic, name in _MAGIC.items():
        if data.startswith(magic):
            return f" ({name})"
    head = data[:8192]
    if b"\x00" in head:
        return ""
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return "" if controls > len(head) * 0.05 else None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes: UTF-8 when valid, else the best guess; never raises."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:65536]).best()
    encoding = best.encoding if best is not None else "utf-8"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


def looks_like_jsonl(text: str) -> bool:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first.startswith("{") and (first.endswith("}") or "\n" not in text.strip())


def read_jsonl(source: str, text: str) -> Iterator[Item]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield reject(where, Reason.BAD_JSON, detail=f"{exc.msg} at column {exc.colno}")
            continue
        yield record_document(where, record)


def record_document(source: str, record: object) -> Item:
    """One JSONL record `{"text"|"html", "url", "title", "outlet", "published"}`."""
    if not isinstance(record, dict):
        return reject(source, Reason.BAD_RECORD, detail="is not a JSON object")
    kind: ContentKind = "html" if isinstance(record.get("html"), str) else "text"
    content = record.get(kind)
    if not isinstance(content, str) or not content.strip():
        return reject(source, Reason.BAD_RECORD, detail='has no "text" or "html" string')
    published = parse_date(record.get("published"))
    if record.get("published") and published is None:
        return reject(source, Reason.BAD_DATE, detail=record.get("published"))
    return make_document(
        source, content, kind,
        url=_str(record.get("url")), title=_str(record.get("title")),
        outlet=_str(record.get("outlet")), published=published,
        published_source="input" if published else None,
    )


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def make_document(source: str, content: str, kind: ContentKind, **meta: object) -> Item:
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    if not content.strip():
        return reject(source, Reason.EMPTY)
    doc_id = document_id(content)
    if kind == "text" and not meta.get("title"):
        title, body = split_headline(content)
        if title:
            meta["title"], content = title, body
    return RawDocument(id=doc_id, source=source, kind=kind, content=content, **meta)  # type: ignore[arg-type]


def split_headline(text: str) -> tuple[str | None, str]:
    """A short first line followed by a blank line is the headline (the corpus layout)."""
    lines = text.lstrip("\n").split("\n")
    if len(lines) < 3 or lines[1].strip() or not lines[0].strip():
        return None, text
    first = lines[0].strip()
    if len(first) > MAX_TITLE_CHARS or first.endswith((".", ":", ";", ",")):
        return None, text  # a headline is short and does not end like a sentence
    body = "\n".join(lines[2:]).strip("\n")
    return (first, body) if body.strip() else (None, text)
