"""Ingest: paths, globs, directories, JSONL and standard input → `RawDocument` | `Rejected`.

The content type is sniffed from the bytes, never trusted from the file name; the encoding
is detected; inputs over the size cap are rejected with a reason; the document id is a hash
of the normalized content, so the same article read twice is one article.

No input raises out of here: any byte sequence, any JSON value and any file name becomes a
document or a coded rejection. Text is made valid in one place (`make_document`, which every
path goes through): lone surrogates become U+FFFD and control characters other than line
breaks and tabs are dropped, so it can be hashed, stored and printed; sources are made
printable (`errors.printable`). A publication date given with the input must lie between
1900-01-01 and a year from today (`date_range`); one found in the input (htmldate, WARC-Date)
outside that range is dropped (`plausible_date`).
"""
from __future__ import annotations

import datetime as dt
import errno
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

from .errors import Reason, printable, reject
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
_LINE_BREAK = re.compile(r"\r\n?|\n")
_INVALID = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff]")
MAX_TITLE_CHARS = 200
EARLIEST = dt.date(1900, 1, 1)


def document_id(content: str) -> str:
    """Hash of the normalized content: NFC, whitespace collapsed, stripped."""
    normal = _WS.sub(" ", unicodedata.normalize("NFC", content)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def valid_text(text: str) -> str:
    """`text` as it can be encoded, stored and printed: a surrogate pair joined into its
    character, a lone surrogate replaced by U+FFFD, control characters dropped (tabs, line
    and page breaks stay). Unchanged, and cheap, when it is valid already."""
    if not _INVALID.search(text):
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _INVALID.sub("", joined)


def has_text(text: str) -> bool:
    """True when `text` has a visible character: not only white space, format characters
    (zero-width spaces and joiners, byte order marks) and controls."""
    return any(c.isprintable() and not c.isspace() for c in text)


def date_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The publication dates accepted: 1900-01-01 to a year from today (a clock or a time
    zone ahead is fine; year 9999 is a typo or an attack, and breaks date arithmetic)."""
    today = today or dt.date.today()
    try:
        return EARLIEST, today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return EARLIEST, today.replace(year=today.year + 1, day=28)


def date_out_of_range(day: dt.date) -> str | None:
    """Why `day` cannot be a publication date ("outside 1900-01-01 .. 2027-05-02"), or None."""
    earliest, latest = date_range()
    return None if earliest <= day <= latest else f"outside {earliest} .. {latest}"


def plausible_date(day: dt.date | None) -> dt.date | None:
    """A date found in the input (not given by the user): itself when in `date_range`, else
    None (dropped: the article is then as undated as without it)."""
    return day if day is not None and date_out_of_range(day) is None else None


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
    """Expand directories (recursively, sorted) and globs; keep `-` for standard input. A
    path that cannot even be looked at (unknown ~user, name too long, no permission) is a
    rejection, like a missing one."""
    for raw in paths:
        try:
            found = list(_expand_one(raw))
        except RuntimeError:  # Path.expanduser: no such user
            found = [reject(raw, Reason.NOT_FOUND)]
        except OSError as exc:
            missing = exc.errno in (errno.ENAMETOOLONG, errno.ENOENT)
            found = [reject(raw, Reason.NOT_FOUND) if missing else
                     reject(raw, Reason.UNREADABLE, detail=exc.strerror or type(exc).__name__)]
        yield from found


def _expand_one(raw: str) -> Iterator[str | Rejected]:
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
    yield make_document(source, text, sniff_kind(data), encoding=encoding)


def sniff_kind(data: bytes) -> ContentKind:
    """HTML when the first bytes hold an HTML tag, else plain text."""
    return "html" if _HTML_SNIFF.search(data[:4096]) else "text"


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
    first = _LINE_BREAK.split(text.lstrip(), maxsplit=1)[0].strip()
    return first.startswith("{") and (first.endswith("}") or "\n" not in text.strip())


def read_jsonl(source: str, text: str) -> Iterator[Item]:
    """One item per non-blank line. Lines end at a line feed or carriage return only: U+2028,
    U+0085 and the other breaks of `str.splitlines` may stand unescaped inside a JSON string."""
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line, parse_int=_json_int)
        except json.JSONDecodeError as exc:
            yield reject(where, Reason.BAD_JSON, detail=f"{exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield reject(where, Reason.BAD_JSON, detail="nested too deeply")
            continue
        except ValueError as exc:  # any other limit of the decoder: still this line's problem only
            yield reject(where, Reason.BAD_JSON, detail=str(exc))
            continue
        yield record_document(where, record)


def _json_int(digits: str) -> int | float:
    """A JSON integer; one longer than Python converts to `int` (4,300 digits by default) is
    kept as a float (infinite), since no field we read is a number."""
    limit = sys.get_int_max_str_digits()
    return int(digits) if not limit or len(digits) <= limit else float(digits)


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
    if published is not None and date_out_of_range(published):
        earliest, latest = date_range()
        return reject(source, Reason.DATE_RANGE, detail=published, earliest=earliest, latest=latest)
    return make_document(
        source, content, kind,
        url=_str(record.get("url")), title=_str(record.get("title")),
        outlet=_str(record.get("outlet")), published=published,
        published_source="input" if published else None,
    )


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def make_document(source: str, content: str, kind: ContentKind, *, url: str | None = None, title: str | None = None,
                  outlet: str | None = None, published: dt.date | None = None, published_source: str | None = None,
                  encoding: str = "utf-8") -> Item:
    """The one door into the system: every reader and the uploads build documents here, so
    text, metadata and source are made valid here (`valid_text`, `errors.printable`)."""
    source = printable(source)
    content = valid_text(content).replace("\r\n", "\n").replace("\r", "\n")
    if not has_text(content):
        return reject(source, Reason.EMPTY)
    url, title, outlet, published_source = (_valid(v) for v in (url, title, outlet, published_source))
    doc_id = document_id(content)
    if kind == "text" and not title:
        headline, body = split_headline(content)
        if headline:
            title, content = headline, body
    return RawDocument(id=doc_id, source=source, kind=kind, content=content, url=url, title=title, outlet=outlet,
                       published=published, published_source=published_source, encoding=valid_text(encoding))


def _valid(value: str | None) -> str | None:
    return valid_text(value) if isinstance(value, str) else value


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
