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

    (doc,) = items(shared_path("corpus", "004.txt"))
    assert doc.title == "Trump calls off historic meeting with Kim Jong Un"
    assert not doc.content.startswith("Trump calls off historic")


def test_gzip_is_not_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(gzip.compress(b"<html><body>hi</body></html>"))
    (rejected,) = items(path)
    assert isinstance(rejected, Rejected) and "gzip" in rejected.reason
