"""Coded error messages, in the spirit of spaCy's `Errors` table.

A `Rejected` record carries one of these codes; the CLI prints `source: reason [code]`.
"""
from __future__ import annotations

from enum import Enum

from .model import Rejected


class Reason(str, Enum):
    NOT_FOUND = "E001"
    EMPTY = "E002"
    BINARY = "E003"
    TOO_LARGE = "E004"
    BAD_JSON = "E005"
    NO_TEXT = "E006"
    UNREADABLE = "E007"
    BAD_RECORD = "E008"
    BAD_DATE = "E009"
    NO_MATCH = "E010"
    NOT_ARTICLE = "E011"
    BAD_WARC = "E012"
    TIME_LIMIT = "E020"
    TOO_LONG = "E021"
    FAILED = "E099"


MESSAGES: dict[Reason, str] = {
    Reason.NOT_FOUND: "no such file or directory",
    Reason.EMPTY: "empty input (no text)",
    Reason.BINARY: "binary content, not text or HTML{detail}",
    Reason.TOO_LARGE: "input is {size} bytes, over the {cap}-byte limit (--max-bytes)",
    Reason.BAD_JSON: "line is not valid JSON: {detail}",
    Reason.NO_TEXT: "no article text could be extracted{detail}",
    Reason.UNREADABLE: "cannot be read: {detail}",
    Reason.BAD_RECORD: "JSONL record {detail}",
    Reason.BAD_DATE: "invalid date {detail!r}: expected YYYY-MM-DD",
    Reason.NO_MATCH: "the pattern matches no file",
    Reason.NOT_ARTICLE: "WARC record is not an article: {detail}",
    Reason.BAD_WARC: "broken WARC record, the rest of the file is skipped: {detail}",
    Reason.TIME_LIMIT: "stopped after {limit:g} s, the time limit per article (--time-limit){detail}",
    Reason.TOO_LONG: "the cleaned text is {size:,} characters, over the {cap:,} the NLP pipeline takes at once",
    Reason.FAILED: "processing failed: {detail}",
}


def reject(source: str, reason: Reason, **details: object) -> Rejected:
    """Build a `Rejected` record with the coded message for `reason`."""
    details.setdefault("detail", "")
    return Rejected(source=source, code=reason.value, reason=MESSAGES[reason].format(**details))


class StorylineError(Exception):
    """An error the CLI reports as one line and a non-zero exit, never a traceback."""
