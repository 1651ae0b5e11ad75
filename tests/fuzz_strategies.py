"""Hypothesis strategies for storyline's inputs, and the invariants every input is held to.

One `Case` is one input as a user or an attacker would hand it over: the bytes of a file (and
its name), the same input as a Python string for `storyline.process` when there is one, and a
publication date given for the whole input. `check` runs it through the library's entry
points (ingest, the web app's reading of an upload, `pipeline.run` into a real SQLite store,
twice, and `storyline.process`) and returns a `Report`: what became of it, how long it took, and every invariant it broke.

Categories (`CATEGORIES`, with the share of each in a long run):
- text:    mixed scripts, format (invisible) and control characters, lone surrogates, long and
           repeated text, runs of punctuation and of entities;
- html:    broken, hostile (deep nesting, huge attributes, entity runs), wrongly declared
           encodings, dates in meta tags;
- jsonl:   malformed lines, wrong types, huge numbers, deep nesting, escapes of surrogates;
- date:    extreme and malformed dates given by the user, in JSONL, in HTML and in the text;
- article: invented article templates, mutated (never texts of ../shared/corpus);
- bytes:   random bytes, binary magic, the text in 16 encodings with and without BOM.

Used by tests/test_fuzz.py (fixed seed, few and small examples) and bench/fuzz.py (thousands,
larger, each in a watched child process). Every sentence here is invented.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import sqlite3
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

Draw = Callable[[st.SearchStrategy[Any]], Any]

# --- the cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One input: a file's bytes and name, its text for `storyline.process`, a user's date."""

    category: str
    data: bytes
    name: str = "input.txt"                 # may hold surrogate escapes: a name that is not UTF-8
    text: str | None = None                 # the input as a str for `storyline.process`
    published: str | dt.date | None = None  # the user's publication date for the whole input
    label: str = ""                         # saved cases: the file it came from


@dataclass(frozen=True)
class Sizes:
    """How large generated pieces get: small in CI (fast even where a hang is not fixed yet),
    large in the long run (bench/fuzz.py), where a hang is what we look for."""

    run: int = 300          # a run of one character or entity
    prose: int = 2_000      # repeated prose, in characters
    depth: int = 200        # nesting of HTML elements and JSON arrays
    digits: int = 5_000     # a JSON number
    attribute: int = 2_000  # one HTML attribute value


CI = Sizes()
LONG = Sizes(run=20_000, prose=30_000, depth=5_000, digits=50_000, attribute=200_000)

# --- invented vocabulary ------------------------------------------------------------------------

PEOPLE = ("Vladimir Putin", "Putin", "Donald Trump", "Trump", "Recep Tayyip Erdogan", "Erdogan", "Emmanuel Macron",
          "Xi Jinping", "Volodymyr Zelensky", "Narendra Modi", "Joe Biden", "Antony Blinken", "Sergei Lavrov",
          "the Kremlin", "the White House", "NATO", "the European Union", "Hamas", "the Pentagon", "he", "she",
          "the president", "a senior official", "the foreign minister", "Maria Ivanova", "Tom O'Neill")
PLACES = ("Sochi", "Paris", "Berlin", "Kyiv", "Ankara", "Geneva", "Beijing", "Washington", "Tehran", "Minsk",
          "New Delhi", "Pyongyang", "São Paulo", "Zürich", "Москва", "Gaza", "the Black Sea", "Springfield")
WHEN = ("on Monday", "last week", "next month", "on 12 March 2024", "yesterday", "in 1999", "earlier this year",
        "on Thursday evening", "two days ago", "in the spring of 2031", "this morning", "the following week",
        "on 31 December 9999", "in the year 10000", "on 29 February 2023", "in 0001", "by the end of 2999",
        "on 2024-13-45", "in Q5 2025", "99999 years ago", "in the 1990s", "at 25:61", "on 1 January 1",
        "in 9999 and the following year", "next year", "on December 31", "9,999,999 days from now")
SOURCES = ("the Kremlin said", "officials said", "according to Reuters", "a spokesman told reporters",
           "state media reported", "sources familiar with the matter said")
SENTENCES = (
    "{a} met {b} in {place} {when}, {source}.",
    "{a} will visit {place} {when} to discuss trade with {b}.",
    "{a} cancelled a planned trip to {place} {when}.",
    "{a} denied that {b} had threatened {place} {when}.",
    "{a} accused {b} of violating the ceasefire {when}.",
    "{a} and {b} signed an agreement on energy {when}, {source}.",
    "If {a} attacks, {b} would impose sanctions, {source}.",
    "{a} spoke by telephone {when} with {b}, {source}.",
    "\u201cWe will not back down,\u201d {a} told reporters in {place} {when}.",
    "Protesters gathered outside the parliament in {place} {when}.",
    "{a} is expected to host {b} in {place} {when}.",
    "{b} rejected a proposal by {a} {when}, {source}.",
    "Talks between {a} and {b} were postponed {when}.",
    "{a} ordered troops to withdraw from {place} {when}.",
)
TITLES = ("Leaders meet amid tension", "Talks collapse", "Summit planned", "Minister resigns", "Sanctions widen", "")
BOILERPLATE = ("Read more: PUTIN SAYS TALKS WILL GO ON", "Photo: REUTERS/Maria Ivanova", "Advertisement",
               "Sign up for our newsletter", "We use cookies to improve your experience.", "Share this article",
               "READ MORE", "(AP Photo/Tom O'Neill)", "Trump TrumpGOP senators balk at the plan.",
               "CLICK HERE TO GET THE APP", "Please support independent journalism.", "Copyright 2024 Example Media")

# Characters chosen to break things: format and bidi controls, odd spaces and line breaks,
# combining marks, controls, lone surrogates, look-alikes, and other scripts.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u202d\u2066\u2069\u180e\u034f"
SPACES = "\u00a0\u2028\u2029\t\x0b\x0c\u3000\r\x85\u2009\u1680 \n"
CONTROLS = "\x00\x01\x07\x08\x1b\x7f\x80\x9f"
SURROGATES = "\ud800\udbff\udc00\udfff\udce9"
PUNCTUATION = "[](){}<>&*-_=+#|!?.,;:'\"\u2026\u00bb\u00ab\u2018\u2019\u201c\u201d\u061f\u3002/\\~^%$@"
ENTITIES = ("&amp;", "&nbsp;", "&#x200B;", "&lt;", "&#0;", "&#xD800;", "&#99999999;", "&bogus;", "&")
SCRIPTS = "аеорсхАВЕКМНОРСТХ" "αβγΑΒΓ" "مرحبا" "שלום" "你好世界" "नमस्ते" "こんにちは" "\U0001f600\U0001f1fa\U0001f1f8" "ÆØÅßİı"
EVIL = INVISIBLE + SPACES + CONTROLS + SURROGATES + PUNCTUATION + SCRIPTS + "\u0301\u0336\u20dd"
ODD_CHARS = st.characters(categories=["Cs", "Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "So", "Lo", "Nd", "Po", "Sm"])


def sentence(draw: Draw) -> str:
    pattern = draw(st.sampled_from(SENTENCES))
    a, b = draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(PEOPLE))
    filled = pattern.format(a=a, b=b, place=draw(st.sampled_from(PLACES)), when=draw(st.sampled_from(WHEN)),
                            source=draw(st.sampled_from(SOURCES)))
    return filled[0].upper() + filled[1:]


@st.composite
def article_text(draw: Draw) -> str:
    """An invented article: an optional headline, then paragraphs of template sentences."""
    paragraphs = [" ".join(sentence(draw) for _ in range(draw(st.integers(1, 4))))
                  for _ in range(draw(st.integers(1, 6)))]
    if draw(st.booleans()):
        paragraphs.insert(draw(st.integers(0, len(paragraphs))), draw(st.sampled_from(BOILERPLATE)))
    title = draw(st.sampled_from(TITLES))
    return "\n\n".join(([title] if title else []) + paragraphs) + "\n"


# --- text ----------------------------------------------------------------------------------


def runs(sizes: Sizes) -> st.SearchStrategy[str]:
    """A run of one piece: punctuation, an entity, an invisible character, a letter, a digit."""
    piece = st.one_of(st.sampled_from(PUNCTUATION), st.sampled_from(ENTITIES), st.sampled_from(INVISIBLE),
                      st.sampled_from(("a", "A ", "'s", "s'", "0", "\U0001f600", "[)", "..", " ", "\n")))
    return st.builds(lambda p, n: p * n, piece, st.integers(1, sizes.run))


def prose(sizes: Sizes) -> st.SearchStrategy[str]:
    """An invented article repeated, up to `sizes.prose` characters: long text, but no more
    than one article's worth (spaCy's time is linear in it: 100 KB of prose takes ~10 s here)."""
    return st.builds(lambda text, n: (text * n)[: sizes.prose], article_text(), st.integers(1, 40))


def segments(sizes: Sizes) -> st.SearchStrategy[str]:
    """One short piece of a text, or a long run."""
    return st.one_of(
        st.text(ODD_CHARS, max_size=40),
        st.text(st.sampled_from(EVIL), max_size=40),
        st.composite(lambda draw: sentence(draw))(),
        runs(sizes),
        st.sampled_from(BOILERPLATE + WHEN),
    )


@st.composite
def texts(draw: Draw, sizes: Sizes = CI) -> Case:
    """A text of mixed pieces, at most one of them long prose; written to a file as UTF-8
    (lone surrogates as their bytes, which is invalid UTF-8) and also given to
    `storyline.process` as it is."""
    pieces = draw(st.lists(segments(sizes), min_size=1, max_size=6))
    if draw(st.booleans()):
        pieces.insert(draw(st.integers(0, len(pieces))), draw(prose(sizes)))
    text = "".join(pieces)
    return Case("text", text.encode("utf-8", "surrogatepass"), "text.txt", text=text)


# --- mutated articles ------------------------------------------------------------------------


def _span(draw: Draw, text: str) -> tuple[int, int]:
    start = draw(st.integers(0, len(text)))
    return start, draw(st.integers(start, min(len(text), start + 400)))


def _mutate(draw: Draw, text: str, sizes: Sizes) -> str:
    """One mutation of `text`: an insertion, a deletion, a repeat, a change of case, spacing
    or script, a truncation."""
    start, end = _span(draw, text)
    kind = draw(st.sampled_from(("insert", "run", "delete", "repeat", "upper", "spaces", "invisible", "script",
                                 "truncate", "combining", "lines", "number", "markup")))
    if kind == "insert":
        return text[:start] + draw(st.text(st.sampled_from(EVIL), min_size=1, max_size=20)) + text[start:]
    if kind == "run":
        return text[:start] + draw(runs(sizes)) + text[start:]
    if kind == "delete":
        return text[:start] + text[end:]
    if kind == "repeat":
        room = max(0, sizes.prose - len(text)) // max(1, end - start)  # the article stays within `prose`
        times = draw(st.integers(2, max(2, room)))
        return text[:start] + text[start:end] * times + text[end:]
    if kind == "upper":
        return text[:start] + text[start:end].upper() + text[end:]
    if kind == "spaces":
        return text[:start] + text[start:end].replace(" ", draw(st.sampled_from(SPACES))) + text[end:]
    if kind == "invisible":
        return text[:start] + draw(st.sampled_from(INVISIBLE)).join(text[start:end]) + text[end:]
    if kind == "script":
        look_alike = str.maketrans("aeopcxAEKMHOPCTX", "аеорсхАЕКМНОРСТХ")
        return text[:start] + text[start:end].translate(look_alike) + text[end:]
    if kind == "truncate":
        return text[:start]
    if kind == "combining":
        return text[:start] + "\u0301" * draw(st.integers(1, sizes.run)) + text[start:]
    if kind == "lines":
        return text[:start] + draw(st.sampled_from(("\n" * 50, "", "\n\n\n", "\r\n", " \n \n"))) + text[end:]
    if kind == "number":
        return text[:start] + f" in {'9' * draw(st.integers(1, 400))} " + text[start:]
    return text[:start] + draw(st.sampled_from(("<b>", "</p>", "<!--", "&nbsp;", "<br/>", "]]>", "{\"a\":"))) + text[start:]


@st.composite
def articles(draw: Draw, sizes: Sizes = CI) -> Case:
    """An invented article with 1 to 4 mutations, as a text file, an HTML page or a JSONL line."""
    text = draw(article_text())
    for _ in range(draw(st.integers(1, 4))):
        text = _mutate(draw, text, sizes)
    form = draw(st.sampled_from(("text", "text", "html", "jsonl")))
    if form == "html":
        body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
        page = f"<!DOCTYPE html><html><head><title>News</title></head><body><article>{body}</article></body></html>"
        return Case("article", page.encode("utf-8", "surrogatepass"), "article.html", text=page)
    if form == "jsonl":
        line = json.dumps({"text": text, "url": "https://news.example/a", "published": "2024-03-05"})
        return Case("article", line.encode("utf-8") + b"\n", "article.jsonl")
    return Case("article", text.encode("utf-8", "surrogatepass"), "article.txt", text=text)


# --- dates ---------------------------------------------------------------------------------

DATE_STRINGS = ("0001-01-01", "9999-12-31", "1899-12-31", "1900-01-01", "2024-02-29", "2023-02-29", "2024-02-30",
                "10000-01-01", "-0001-01-01", "2024-13-01", "2024-00-10", "2024-1-1", "20240101", "2024-W01-1",
                "2024-01-01T25:00:00", "2024-01-01T00:00:00+99:00", "2024-01-01T12:00:00Z", "", " ", "yesterday",
                "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661", "2024-01-01\x00", "2024\u201001\u201001",
                "9" * 40, "0000-00-00", "1970-01-01", "2038-01-19", "3000-01-01")


def date_strings() -> st.SearchStrategy[str]:
    """Dates as users and feeds write them, extreme and malformed ones included."""
    today = dt.date.today()
    near = st.integers(-800, 800).map(lambda d: (today + dt.timedelta(days=d)).isoformat())
    return st.one_of(st.sampled_from(DATE_STRINGS), st.dates().map(dt.date.isoformat), near,
                     st.text(st.sampled_from("0123456789-T:Z+ W"), max_size=25))


@st.composite
def dated(draw: Draw) -> Case:
    """An invented article with a date given by the user, in a JSONL field, in an HTML meta tag
    or in the text."""
    text = draw(article_text())
    channel = draw(st.sampled_from(("user", "user-date", "jsonl", "html", "text")))
    day = draw(date_strings())
    if channel == "user":
        return Case("date", text.encode("utf-8"), "dated.txt", text=text, published=day)
    if channel == "user-date":
        return Case("date", text.encode("utf-8"), "dated.txt", text=text, published=draw(st.dates()))
    if channel == "jsonl":
        lines = [json.dumps({"text": text, "published": day}), json.dumps({"text": text.upper(), "published": day})]
        return Case("date", "\n".join(lines).encode("utf-8"), "dated.jsonl")
    if channel == "html":
        page = (f'<html><head><meta property="article:published_time" content="{day}"><meta name="date" content="{day}">'
                f'</head><body><time datetime="{day}">{day}</time><article><p>{text}</p></article></body></html>')
        return Case("date", page.encode("utf-8"), "dated.html", text=page)
    text = f"{text} The meeting was held on {day}. It will end on {draw(st.sampled_from(WHEN))[3:]} {day}."
    return Case("date", text.encode("utf-8"), "dated.txt", text=text)


# --- HTML ----------------------------------------------------------------------------------

ENCODINGS = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "cp1251", "koi8-r",
             "shift_jis", "euc-jp", "gb18030", "big5", "iso-8859-7", "mac-roman", "cp437")


def _hostile_part(draw: Draw, sizes: Sizes) -> str:
    """One piece of a hostile body."""
    depth = draw(st.integers(1, sizes.depth))
    tag = draw(st.sampled_from(("div", "span", "b", "table", "ul", "p", "a", "svg", "math", "font")))
    return draw(st.sampled_from((
        f"<{tag}>" * depth + "Deep text here." + f"</{tag}>" * draw(st.integers(0, depth)),
        f'<p title="{"x" * draw(st.integers(1, sizes.attribute))}">Attribute</p>',
        "<p " + " ".join(f"a{i}=v" for i in range(draw(st.integers(1, 300)))) + ">many attributes</p>",
        "<p>" + draw(st.sampled_from(ENTITIES)) * draw(st.integers(1, sizes.run)) + "</p>",
        "<script>document.write('<p>not text</p>')</script><style>p{}</style>",
        "<!-- unclosed comment <p>hidden</p>", "<![CDATA[ raw ]]>", "<p>a<p>b<li>c<td>d</table></div>",
        '<a href="javascript:alert(1)">x</a><iframe src="data:text/html,<p>x</p>"></iframe><base href="http://e/">',
        "<p>\x00\x01 nul in html \ud800</p>", '<meta http-equiv="refresh" content="0;url=http://e/">',
        "<" * draw(st.integers(1, sizes.run)), "</p>" * draw(st.integers(1, 200)),
    )))


@st.composite
def html_docs(draw: Draw, sizes: Sizes = CI) -> Case:
    """A page: real-looking article paragraphs among hostile parts, maybe truncated, encoded in
    one encoding and declaring another (or none)."""
    text = draw(article_text())
    parts = [f"<p>{p}</p>" for p in text.split("\n\n")]
    for _ in range(draw(st.integers(0, 4))):
        parts.insert(draw(st.integers(0, len(parts))), _hostile_part(draw, sizes))
    declared = draw(st.sampled_from((None,) + ENCODINGS + ("bogus-8", "")))
    meta = f'<meta charset="{declared}">' if declared is not None else ""
    page = f"<!DOCTYPE html><html><head>{meta}<title>News</title></head><body><article>{''.join(parts)}</article></body></html>"
    if draw(st.booleans()):
        page = page[: draw(st.integers(0, len(page)))]
    actual = draw(st.sampled_from(ENCODINGS))
    data = page.encode(actual, "xmlcharrefreplace" if "utf" not in actual else "surrogatepass")
    return Case("html", data, "page.html", text=page)


# --- JSONL ---------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(ODD_CHARS, max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def json_record(draw: Draw) -> dict[str, Any]:
    """A record with right and wrong types in every field."""
    text = st.one_of(article_text(), st.text(ODD_CHARS, max_size=60), JSON_VALUES)
    record: dict[str, Any] = {}
    for key, values in (("text", text), ("html", st.one_of(st.none(), st.just("<p>Short page.</p>"), JSON_VALUES)),
                        ("title", JSON_VALUES), ("url", JSON_VALUES), ("outlet", JSON_VALUES),
                        ("published", st.one_of(date_strings(), JSON_VALUES))):
        if draw(st.integers(0, 3)):
            record[key] = draw(values)
    return record


def _json_line(draw: Draw, sizes: Sizes) -> str:
    record = draw(json_record())
    kind = draw(st.sampled_from(("ok", "ok", "ascii", "truncated", "deep", "number", "surrogate", "value", "junk")))
    if kind == "ascii":
        return json.dumps(record, ensure_ascii=True)
    if kind == "truncated":
        line = json.dumps(record, ensure_ascii=False)
        return line[: draw(st.integers(0, len(line)))]
    if kind == "deep":
        depth = draw(st.integers(1, sizes.depth * 20))
        return '{"text": "Putin met Trump in Paris on Monday.", "x": ' + "[" * depth + "]" * depth + "}"
    if kind == "number":
        digits = draw(st.sampled_from(("9", "1", "0"))) * draw(st.integers(1, sizes.digits))
        exponent = draw(st.sampled_from(("", "e999999", ".5", "e-999999")))
        return '{"text": "Macron met Scholz in Berlin on Friday.", "n": ' + digits + exponent + "}"
    if kind == "surrogate":
        return '{"text": "Xi met Modi in Beijing \\ud800 on Tuesday \\udfff\\u0000.", "title": "\\udc00"}'
    if kind == "value":
        return json.dumps(draw(JSON_VALUES))
    if kind == "junk":
        return draw(st.text(st.sampled_from('{}[]",:\\ \t0123456789truefalsn'), max_size=60))
    return json.dumps(record, ensure_ascii=False)


@st.composite
def jsonl_files(draw: Draw, sizes: Sizes = CI) -> Case:
    """A JSONL file (its first line an object, so it is read as JSONL) with any other lines,
    line ends and byte order marks."""
    first = json.dumps(draw(json_record()) | {"text": draw(article_text())})
    lines = [first] + [_json_line(draw, sizes) for _ in range(draw(st.integers(0, 6)))]
    end = draw(st.sampled_from(("\n", "\r\n", "\r", "\n\n", "\u2028")))
    text = draw(st.sampled_from(("", "\ufeff"))) + end.join(lines) + draw(st.sampled_from(("", end)))
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # one line in another encoding
        data += b"\n" + json.dumps({"text": "Le pr\u00e9sident a rencontr\u00e9 Merkel \u00e0 Gen\u00e8ve."},
                                   ensure_ascii=False).encode("latin-1")
    return Case("jsonl", data, "batch.jsonl")


# --- bytes ---------------------------------------------------------------------------------

MAGIC = (b"%PDF-1.4", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"PK\x03\x04", b"\x7fELF",
         b"SQLite format 3\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"WARC/1.0\r\n", b"\x1f\x8b")


@st.composite
def raw_bytes(draw: Draw, sizes: Sizes = CI) -> Case:
    """Random bytes, binary magic in front of text, gzip, or an article in one of 16 encodings."""
    text = draw(article_text())
    kind = draw(st.sampled_from(("random", "short", "magic", "encoded", "encoded", "nul", "gzip")))
    if kind == "random":
        data = draw(st.binary(min_size=1, max_size=512))
    elif kind == "short":
        data = draw(st.binary(min_size=1, max_size=8))
    elif kind == "magic":
        data = draw(st.sampled_from(MAGIC)) + text.encode("utf-8")
    elif kind == "nul":
        data = text.encode("utf-8").replace(b" ", b" \x00", draw(st.integers(1, 50)))
    elif kind == "gzip":
        data = gzip.compress(text.encode("utf-8"), mtime=0)
    else:
        data = text.encode(draw(st.sampled_from(ENCODINGS)), "replace")
    return Case("bytes", data, "input.bin")


# Each category's strategy and its share of a long run.
CATEGORIES: dict[str, tuple[Callable[[Sizes], st.SearchStrategy[Case]], float]] = {
    "article": (articles, 0.25),
    "text": (texts, 0.20),
    "html": (html_docs, 0.18),
    "jsonl": (jsonl_files, 0.18),
    "date": (lambda _sizes: dated(), 0.10),
    "bytes": (raw_bytes, 0.09),
}


# --- the invariants ------------------------------------------------------------------------

TIME_BUDGET = 10.0  # seconds one input may take through the pipeline


@dataclass
class Report:
    """What became of one case."""

    category: str
    label: str
    seconds: float = 0.0                       # the slowest full pass over the input (run or process)
    documents: int = 0                         # what ingest made of it: documents and rejections
    articles: int = 0
    codes: Counter[str] = field(default_factory=Counter)  # rejections by code
    crash: str | None = None                   # an exception that got out, or a hidden one (E099)
    problems: list[str] = field(default_factory=list)     # invariants broken

    @property
    def ok(self) -> bool:
        return self.crash is None and not self.problems and self.seconds <= TIME_BUDGET

    def as_dict(self) -> dict[str, Any]:
        return {"category": self.category, "label": self.label, "seconds": round(self.seconds, 3),
                "documents": self.documents, "articles": self.articles, "codes": dict(self.codes),
                "crash": self.crash, "problems": self.problems}


def write_input(case: Case, folder: Path) -> Path:
    """The case as a file in `folder` (created), under its own name, bytes and all."""
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(os.fsdecode(folder)) / case.name
    path.write_bytes(case.data)
    return path


def check(case: Case, folder: Path, db: Path, extractor: Any, budget: float = TIME_BUDGET) -> Report:
    """Run `case` through ingest, `pipeline.run` (twice, into the store `db`) and
    `storyline.process`; report what happened and every invariant broken. Never raises."""
    report = Report(case.category, case.label)
    try:
        _check(case, write_input(case, folder), db, extractor, report)
    except Exception as exc:  # noqa: BLE001 - an exception out of storyline is the finding
        report.crash = _crash(exc)
    if report.seconds > budget:
        report.problems.append(f"took {report.seconds:.1f} s, over the {budget:g} s budget")
    return report


def _crash(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "storyline" in f.filename] or frames
    where = f" at {Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else ""
    return f"{type(exc).__name__}: {str(exc)[:300]}{where}"


def _check(case: Case, path: Path, db: Path, extractor: Any, report: Report) -> None:
    from storyline.ingest import read_inputs
    from storyline.settings import Settings, db_url

    settings = Settings(db=db_url(str(db)))
    items = list(read_inputs([str(path)], settings.max_bytes))
    report.documents = len(items)
    _check_upload(case, settings.max_bytes, report)
    date, refused = user_date(case.published)
    first = _run(path, settings, date, extractor, report)
    if report.crash is not None:
        return
    _check_outcomes(items, first, db, report)
    before = table_rows(str(db))
    again = _run(path, settings, date, extractor, report)
    if [type(o).__name__ for o in again] != [type(o).__name__ for o in first]:
        report.problems.append("a second run gave other outcomes")
    if table_rows(str(db)) != before:
        report.problems.append("a second run over the same input changed the store")
    if case.text is not None:
        _check_process(case, refused, report)


def _check_upload(case: Case, max_bytes: int, report: Report) -> None:
    """The same bytes as an upload to the web app (its reading, before any extraction): one
    document or an `ApiError` (a coded 4xx answer), never another exception."""
    from storyline.web.errors import ApiError
    from storyline.web.uploads import Upload, document, url_list

    try:
        url_list(case.data)
        document(Upload(case.name, case.data), max_bytes)
    except ApiError:
        pass
    except Exception as exc:  # noqa: BLE001 - reported
        report.crash = "upload: " + _crash(exc)


def user_date(value: str | dt.date | None) -> tuple[dt.date | None, bool]:
    """The user's date as the CLI takes it (`--published`): an ISO date within the accepted
    range; otherwise (None, True): the CLI refuses it, the input is then run without it."""
    from storyline.ingest import date_out_of_range

    if value is None:
        return None, False
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    except ValueError:
        return None, True
    return (None, True) if date_out_of_range(day) else (day, False)


def _run(path: Path, settings: Any, date: dt.date | None, extractor: Any, report: Report) -> list[Any]:
    from storyline import pipeline

    outcomes: list[Any] = []
    start = time.perf_counter()
    try:
        pipeline.run([str(path)], settings, published=date, extractor=extractor,
                     on_item=lambda item, _new: outcomes.append(item))
    except Exception as exc:  # noqa: BLE001 - reported
        report.crash = "pipeline.run: " + _crash(exc)
    report.seconds = max(report.seconds, time.perf_counter() - start)
    return outcomes


def _check_outcomes(items: Sequence[Any], outcomes: Sequence[Any], db: Path, report: Report) -> None:
    """Nothing lost (one outcome per ingested item, each in the store), rejections coded,
    articles whole (evidence and actor offsets inside the text and matching it)."""
    from storyline.errors import Reason
    from storyline.model import Rejected

    if len(outcomes) != len(items):
        report.problems.append(f"{len(items)} inputs but {len(outcomes)} outcomes")
    known = {r.value for r in Reason} - {Reason.FAILED.value}
    with closing(sqlite3.connect(db)) as con:
        ids = {row[0] for row in con.execute("select id from articles")}
        rejected = set(con.execute("select source, code from rejections"))
    for outcome in outcomes:
        if isinstance(outcome, Rejected):
            report.codes[outcome.code] += 1
            if outcome.code == Reason.FAILED.value:
                report.crash = report.crash or f"hidden as {outcome.code}: {outcome.reason[:300]}"
            elif outcome.code not in known:
                report.problems.append(f"unknown code {outcome.code}")
            if (outcome.source, outcome.code) not in rejected:
                report.problems.append(f"rejection of {outcome.source!r} not stored")
            _printable(outcome.message(), report)
            continue
        report.articles += 1
        if outcome.article.id not in ids:
            report.problems.append(f"article {outcome.article.id} not stored")
        report.problems.extend(result_problems(outcome))


def result_problems(result: Any) -> list[str]:
    """What is wrong with one article's result: offsets outside its text or not matching it,
    dates backwards, text that cannot be stored or printed."""
    text = result.article.text
    problems = [] if text.strip() else ["an article with no text"]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("article text is not valid Unicode (surrogates)")
    for event in result.events:
        ev = event.evidence
        if not (0 <= ev.start <= ev.end <= len(text)) or text[ev.start:ev.end] != ev.sentence:
            problems.append(f"evidence {ev.start}..{ev.end} does not match the text of event {event.id}")
        people = [*event.actors, *event.recipients] + ([event.attributed_to.actor] if event.attributed_to else [])
        for actor in people:
            if actor.start is not None and (actor.end is None or not 0 <= actor.start <= actor.end <= len(text)
                                            or text[actor.start:actor.end] != actor.text):
                problems.append(f"actor {actor.name!r} at {actor.start}..{actor.end} does not match the text")
        span = event.date
        if span is not None and span.start and span.end and span.start > span.end:
            problems.append(f"event {event.id} ends before it starts ({span.start} > {span.end})")
    return problems


def _printable(message: str, report: Report) -> None:
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        report.problems.append(f"message cannot be printed: {message[:80]!r}")
    if "\n" in message or "\x1b" in message:
        report.problems.append(f"message is not one line: {message[:80]!r}")


def _check_process(case: Case, refused: bool, report: Report) -> None:
    """`storyline.process`: an article, or ValueError (a refused date, no article); the date
    refused exactly when the CLI refuses it."""
    import storyline

    assert case.text is not None
    start = time.perf_counter()
    try:
        result = storyline.process(case.text, published=case.published)
    except ValueError as exc:
        _check_refusal(str(exc), case, refused, report)
        return
    except Exception as exc:  # noqa: BLE001 - reported
        report.crash = "storyline.process: " + _crash(exc)
        return
    finally:
        report.seconds = max(report.seconds, time.perf_counter() - start)
    if refused:
        report.problems.append(f"process accepted a date the CLI refuses: {case.published!r}")
    report.problems.extend(result_problems(result))


def _check_refusal(message: str, case: Case, refused: bool, report: Report) -> None:
    """The ValueErrors `storyline.process` documents: a date the CLI refuses too, or an input
    that is no article, with its coded reason (never another library's error, nor E099)."""
    from storyline.errors import Reason

    if refused:
        return
    if message.startswith("published "):
        report.problems.append(f"process refused a date the CLI accepts: {case.published!r}")
        return
    code = message[-5:-1] if message.endswith("]") and message[-6:-5] == "[" else None
    if code is None or code == Reason.FAILED.value or code not in {r.value for r in Reason}:
        report.crash = report.crash or f"storyline.process: ValueError: {message[:300]}"


def table_rows(path: str) -> dict[str, list[tuple[Any, ...]]]:
    """tests/conftest.py's `table_rows` (imported late: bench/fuzz.py uses this module outside pytest)."""
    from conftest import table_rows as rows

    return rows(path)
