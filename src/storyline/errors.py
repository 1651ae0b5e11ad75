"""Coded error messages, in the spirit of spaCy's `Errors` table.

A `Rejected` record carries one of the `Reason` codes; the CLI prints `source: reason [code]`.
A `Problem` stops a whole command (the store, an export's destination, the server's address):
it is raised as a `StorylineError` with its code, printed as one line, exit status 2.
"""
from __future__ import annotations

import re
from enum import StrEnum

from .model import Rejected


class Reason(StrEnum):
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
    DATE_RANGE = "E013"
    HTTP_STATUS = "E030"
    TIMED_OUT = "E031"
    UNREACHABLE = "E032"
    REDIRECTS = "E033"
    ROBOTS = "E034"
    NOT_FEED = "E035"
    REFUSED = "E036"
    SERVER_FAILED = "E037"
    NO_HOST = "E038"
    TIME_LIMIT = "E020"
    TOO_LONG = "E021"
    FAILED = "E099"


# fetch failures that may pass (a later round tries again); every other rejection is final
PASSING: frozenset[str] = frozenset({Reason.TIMED_OUT.value, Reason.UNREACHABLE.value, Reason.SERVER_FAILED.value})


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
    Reason.DATE_RANGE: "publication date {detail} is outside {earliest} .. {latest}, the dates accepted",
    Reason.HTTP_STATUS: "the server answered HTTP {status}{detail}",
    Reason.TIMED_OUT: "no complete answer within {timeout:g} s{detail}",
    Reason.UNREACHABLE: "cannot connect: {detail}",
    Reason.REDIRECTS: "{detail}",
    Reason.ROBOTS: "not fetched: {detail}",
    Reason.NOT_FEED: "not a feed, a sitemap or a page: {detail}",
    Reason.REFUSED: "not fetched: {detail}",
    Reason.NO_HOST: "the host {host!r} is not known (no DNS answer)",
    Reason.SERVER_FAILED: "the server failed: HTTP {status} after {attempts} attempt(s){detail}",
    Reason.TIME_LIMIT: "stopped after {limit:g} s, the time limit per article (--time-limit){detail}",
    Reason.TOO_LONG: "the cleaned text is {size:,} characters, over the {cap:,} the NLP pipeline takes at once",
    Reason.FAILED: "processing failed: {detail}",
}


# A lone surrogate (how Python keeps the bytes of a file name that is not UTF-8, or what a
# JSON escape like "\ud800" gives) cannot be encoded, printed or stored; a control character
# would be obeyed by the terminal that prints the message.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def printable(source: str) -> str:
    """`source` (a path, a URL, a file name) as it can be shown on one line and stored: an
    undecodable byte of a file name and a control character as `\\xNN`, any other lone
    surrogate as U+FFFD. Unchanged when there is nothing to escape (the common case)."""
    return _UNPRINTABLE.sub(_escape, source) if _UNPRINTABLE.search(source) else source


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def reject(source: str, reason: Reason, **details: object) -> Rejected:
    """Build a `Rejected` record with the coded message for `reason`; source and reason are
    made printable, so that any rejection can be shown and stored."""
    details.setdefault("detail", "")
    message = MESSAGES[reason].format(**details)
    return Rejected(source=printable(source), code=reason.value, reason=printable(message))


class Problem(StrEnum):
    NO_FOLDER = "E101"
    NOT_A_STORE = "E102"
    READ_ONLY = "E103"
    SCHEMA = "E104"
    BAD_URL = "E105"
    DAMAGED = "E106"
    STORE_FAILED = "E107"
    OVERWRITE = "E110"
    WRITE_FAILED = "E111"
    CANNOT_LISTEN = "E120"


PROBLEMS: dict[Problem, str] = {
    Problem.NO_FOLDER: "the folder {folder} does not exist",
    Problem.NOT_A_STORE: "not a storyline store: {detail}",
    Problem.READ_ONLY: "the store is read-only, it can be read but not written ({detail})",
    Problem.SCHEMA: "{detail}",
    Problem.BAD_URL: "{detail}",
    Problem.DAMAGED: "the store is damaged ({detail}); copy what can be read with `sqlite3 FILE .recover`",
    Problem.STORE_FAILED: "database error: {detail}",
    Problem.OVERWRITE: "{detail}",
    Problem.WRITE_FAILED: "cannot be written: {detail}",
    Problem.CANNOT_LISTEN: "cannot listen there: {detail}",
}


class StorylineError(Exception):
    """An error the CLI reports as one line and a non-zero exit, never a traceback; `code` is
    a `Problem` code when the error is one of those."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code

    def line(self) -> str:
        return f"{self} [{self.code}]" if self.code else str(self)


def fail(where: str, problem: Problem, **details: object) -> StorylineError:
    """A `StorylineError` for `problem` at `where` (a file, a URL, an address)."""
    details.setdefault("detail", "")
    return StorylineError(f"{where}: {PROBLEMS[problem].format(**details)}", problem.value)
