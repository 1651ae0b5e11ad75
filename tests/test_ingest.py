"""Ingest: sniffing, encodings, size cap, JSONL, directories, globs and ids."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from storyline.ingest import document_id, read_inputs, split_headline
from storyline.model import RawDocument, Rejected

CAP = 1_000_000


def items(*paths: str | Path, cap: int = CAP) -> list:
    return list(read_inputs([str(p) for p in paths], cap))


def test_content_type_is_sniffed_not_taken_from_the_extension(tmp_path: Path) -> None:
    html_named_txt = tmp_path / "page.txt"
    html_named_txt.write_text("<!DOCTYPE html><html><body><p>Hello there.</p></body></html>")
    text_named_html = tmp_path / "story.html"
    text_named_html.write_text("Trump said on Monday that he would meet Putin.\n")
    kinds = {Path(d.source).name: d.kind for d in items(html_named_txt, text_named_html)}
    assert kinds == {"page.txt": "html", "story.html": "text"}


def test_legacy_encoding_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le président Emmanuel Macron a rencontré Angela Merkel à Genève.".encode("cp1252"))
    (doc,) = items(path)
    assert isinstance(doc, RawDocument)
    assert "président" in doc.content and "Genève" in doc.content


def test_invalid_utf8_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(b"Putin met Erdogan in Sochi on Monday. \xff\xfe\xc3( broken bytes \x80 here.\n")
    (doc,) = items(path)
    assert isinstance(doc, RawDocument)
    assert "Putin met Erdogan" in doc.content


def test_bad_inputs_are_rejected_with_a_coded_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n\n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "zeros.bin").write_bytes(b"abc\x00\x00\x00def" * 100)
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(CAP + 1)
    found = {Path(r.source).name: r for r in items(tmp_path) if isinstance(r, Rejected)}
    assert found["empty.txt"].code == "E002"
    assert found["image.txt"].code == "E003" and "PNG" in found["image.txt"].reason
    assert found["zeros.bin"].code == "E003"
    assert found["big.txt"].code == "E004" and str(CAP) in found["big.txt"].reason
    missing = items(tmp_path / "nope.txt")
    assert [r.code for r in missing] == ["E001"]
    assert [r.code for r in items(str(tmp_path / "*.nomatch"))] == ["E010"]


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"text": "Macron visited Berlin on Friday.", "url": "http://x/1", "outlet": "X", "published": "2020-05-01"}),
        "{not json",
        json.dumps({"html": "<html><body><article><p>" + "Merkel met Macron in Paris. " * 20 + "</p></article></body></html>"}),
        json.dumps({"title": "no body"}),
        json.dumps({"text": "Bad date.", "published": "yesterday"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    got = items(path)
    assert [type(x).__name__ for x in got] == ["RawDocument", "Rejected", "RawDocument", "Rejected", "Rejected"]
    first = got[0]
    assert (first.url, first.outlet, str(first.published), first.published_source) == ("http://x/1", "X", "2020-05-01", "input")
    assert got[1].source.endswith("batch.jsonl:2") and got[1].code == "E005"
    assert got[2].kind == "html"
    assert got[3].code == "E008" and got[4].code == "E009"


def test_directories_are_walked_in_order_and_hidden_files_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second article text here.")
    (tmp_path / "1.txt").write_text("First article text here.")
    (tmp_path / ".hidden.txt").write_text("Hidden file.")
    names = [Path(d.source).name for d in items(tmp_path)]
    assert names == ["1.txt", "2.txt"]
    assert [Path(d.source).name for d in items(str(tmp_path / "**" / "*.txt"))] == ["1.txt", "2.txt"]


def test_id_is_a_hash_of_normalized_content() -> None:
    assert document_id("Trump met Kim.\n\n") == document_id("  Trump   met\nKim. ")
    assert document_id("Trump met Kim.") != document_id("Trump met Putin.")


def test_headline_followed_by_blank_line_becomes_the_title() -> None:
    title, body = split_headline("Trump calls off summit\n\nPresident Trump on Thursday called off the summit.\n")
    assert title == "Trump calls off summit" and body.startswith("President Trump")
    assert split_headline("One line.\nAnother line directly after.\n")[0] is None


def test_corpus_layout_keeps_the_headline_as_title(tmp_path: Path) -> None:
    from conftest import shared_path

    path = shared_path("corpus", "004.txt")
    headline, blank, _ = path.read_text("utf-8").split("\n", 2)
    (doc,) = items(path)
    assert headline and not blank and doc.title == headline
    assert not doc.content.startswith(headline)


def test_gzip_is_not_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(gzip.compress(b"<html><body>hi</body></html>"))
    (rejected,) = items(path)
    assert isinstance(rejected, Rejected) and "gzip" in rejected.reason


# ---------------------------------------------------------------- hostile bytes and JSON (issue 11)
def _one_line_per_record(path: Path) -> list:
    """Every non-blank line of a JSONL file gives exactly one item, whatever the line holds."""
    got = items(path)
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert len(got) == len(lines), got
    for item in got:
        assert isinstance(item, (RawDocument, Rejected))
        for value in vars(item).values():
            if isinstance(value, str):
                value.encode("utf-8")  # storable and printable: no lone surrogate left anywhere
    return got


def test_a_lone_surrogate_is_replaced_and_the_batch_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "surrogates.jsonl"
    path.write_text(
        '{"text": "The envoy met the minister in Oslo. \\ud800 The talks went on.", "title": "Talks \\udc00"}\n'
        '{"text": "A pair \\ud83d\\ude00 stays one character, the envoy said."}\n'
        '{"text": "The next line is still read, the ministry said."}\n', "utf-8")
    first, pair, last = _one_line_per_record(path)
    assert isinstance(first, RawDocument) and "Oslo. \ufffd The talks" in first.content
    assert first.title == "Talks \ufffd"
    assert "\U0001F600" in pair.content and "\ufffd" not in pair.content
    assert isinstance(last, RawDocument) and last.content.startswith("The next line")


def test_any_json_value_is_a_record_or_a_coded_rejection(tmp_path: Path) -> None:
    body = "The delegation of the union met the mayor of the capital on Monday, officials said."
    cases = [
        ('{"text": "%s", "count": %s}' % (body, "7" * 5000), None),             # over 4,300 digits
        ('{"text": "%s", "ratio": %s}' % (body, "1" + "0" * 400 + ".5e99999"), None),
        ('{"text": "%s", "nested": %s1%s}' % (body, "[" * 100_000, "]" * 100_000), "E005"),
        ('{"text": "%s", "published": NaN}' % body, "E009"),
        ('{"text": "%s", "published": 20250101}' % body, "E009"),
        ('{"text": "%s", "published": ["2025-01-01"]}' % body, "E009"),
        ('{"text": null}', "E008"),
        ('{"text": ["%s"]}' % body, "E008"),
        ('{"text": {"body": "%s"}}' % body, "E008"),
        ('[1, 2, 3]', "E008"),
        ('"just a string"', "E008"),
        ('null', "E008"),
        ('{"text": "ignored", "text": "%s", "url": 5, "title": [], "outlet": {}}' % body, None),
        ('{"text": "\\u0000\\u200b\\u2060\\ufeff"}', "E002"),
        ('{"html": "%s"}' % ("<div>" * 50_000), None),
        ('{"text": "%s", "published": "9999-12-31"}' % body, "E013"),
        ('{"text": "%s", "published": "0001-01-01"}' % body, "E013"),
        ('{"text": "%s", "published": "1899-12-31"}' % body, "E013"),
        ('{"text": "%s", "published": "2025-10-21T23:30:00+02:00"}' % body, None),
    ]
    path = tmp_path / "values.jsonl"
    path.write_text('{"text": "%s"}\n' % body + "\n".join(line for line, _ in cases) + "\n", "utf-8")
    got = _one_line_per_record(path)[1:]
    for (line, code), item in zip(cases, got, strict=True):
        if code is None:
            assert isinstance(item, RawDocument), (line[:80], item)
        else:
            assert isinstance(item, Rejected) and item.code == code, (line[:80], item)
    assert got[0].content == body and got[12].url is None and got[12].title is None
    assert "1900-01-01" in got[15].reason  # the rejection says what range is accepted


def test_no_byte_sequence_raises_out_of_ingest() -> None:
    import random

    from storyline.ingest import read_bytes

    rng = random.Random(11)
    prefixes = [b"", b"{", b'{"text": "', b"<html><body><p>", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"WARC/1.0\r\n"]
    for case in range(3000):
        size = rng.choice([1, 2, 3, 5, 8, 13, 64, 700])
        data = rng.choice(prefixes) + bytes(rng.randrange(256) for _ in range(size))
        for item in read_bytes(f"case-{case}", data, CAP):
            assert isinstance(item, (RawDocument, Rejected)), data
            if isinstance(item, RawDocument):
                item.content.encode("utf-8")


def test_random_short_bytes_and_invisible_text_are_not_articles() -> None:
    """An article needs words: 1-8 random bytes, or only invisible characters, are rejected
    as empty (E002), binary (E003), broken JSONL (E005, when they start with "{") or without
    article text (E006)."""
    import random

    from storyline.ingest import read_bytes
    from storyline.pipeline import analyse

    rng = random.Random(12)
    inputs = [bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) for _ in range(1500)]
    inputs += [s.encode("utf-8") for s in ("\u200b", "\u200b\u2060\ufeff\u200b", "\u200e\u200f\u00ad \u2060\n\u200d",
                                           "\u180e\u2061\u2062\u2063\u2064", "\x01\x02", "\ufeff" * 50)]
    stored = []
    for data in inputs:
        for item in read_bytes("x", data, CAP):
            outcome = item if isinstance(item, Rejected) else analyse(item)
            if not isinstance(outcome, Rejected) or outcome.code not in ("E002", "E003", "E005", "E006"):
                stored.append((data, outcome))
    assert stored == []
    invisible = list(read_bytes("x", "\u200b\u2060\ufeff".encode("utf-8"), CAP))
    assert [r.code for r in invisible] == ["E002"]
    html = list(read_bytes("x", "<html><body><p>\u200b\u2060</p></body></html>".encode("utf-8"), CAP))
    assert [analyse(d).code for d in html] == ["E006"]
    one_sentence = list(read_bytes("x", b"Kim met Moon.", CAP))
    assert not isinstance(analyse(one_sentence[0]), Rejected)  # the shortest article still passes


def test_paths_that_are_not_utf8_are_read_and_shown_escaped(tmp_path: Path) -> None:
    import os

    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9-report.txt"), "wb") as handle:
        handle.write(b"The mayor met the union leaders in the capital on Monday.")
    with open(os.path.join(folder, b"empty\xff.txt"), "wb") as handle:
        handle.write(b"")
    got = {Path(i.source).name: i for i in items(tmp_path)}
    assert set(got) == {"caf\\xe9-report.txt", "empty\\xff.txt"}
    assert isinstance(got["caf\\xe9-report.txt"], RawDocument) and got["empty\\xff.txt"].code == "E002"


def test_paths_that_cannot_be_looked_at_are_rejections() -> None:
    got = items("~no-such-user-here/a.txt", "x" * 5000, "a\x00b.txt")
    assert [r.code for r in got] == ["E001", "E001", "E001"]
