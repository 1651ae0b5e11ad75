"""The data-file loader: schema problems are errors naming the file and the line."""
from __future__ import annotations

import pytest

from storyline.datafiles import ArrayOf, DataFileError, Key, Table, check, error_at, locate

TEXT = """# invented rules
[verbs]
support = ["hold", "host"]

[[rule]]
name = "first"
words = ["a"]

[[rule]]
name = "second"
wordz = ["b"]
"""
SCHEMA = Table({
    "verbs": Table(other=Key(list, items=str)),
    "rule": ArrayOf(Table({"name": Key(str, required=True), "words": Key(list, items=str)})),
})


def test_a_valid_table_has_no_problems() -> None:
    assert list(check({"verbs": {"support": ["x"]}, "rule": [{"name": "a"}]}, SCHEMA)) == []


@pytest.mark.parametrize(("raw", "path", "message"), [
    ({"verbz": {}}, ("verbz",), "unknown key 'verbz'"),
    ({"verbs": {"support": "hold"}}, ("verbs", "support"), "expected an array, got a string"),
    ({"verbs": {"support": [1]}}, ("verbs", "support"), "expected items that are a string, got 1"),
    ({"rule": [{"words": []}]}, ("rule", 0), "missing required key 'name'"),
    ({"rule": [{"name": True}]}, ("rule", 0, "name"), "expected a string, got true or false"),
])
def test_problems_name_the_path(raw: dict, path: tuple, message: str) -> None:
    assert list(check(raw, SCHEMA)) == [(path, message)]


def test_choices_are_checked() -> None:
    shape = Table({"pos": Key(str, choices=frozenset({"VERB", "NOUN"}))})
    assert list(check({"pos": "ADV"}, shape)) == [(("pos",), "'ADV' is not one of NOUN, VERB")]


def test_lines_are_found_for_keys_headers_and_array_entries() -> None:
    assert locate(TEXT, ("verbs", "support")) == 3
    assert locate(TEXT, ("rule", 1)) == 9
    assert locate(TEXT, ("rule", 1, "wordz")) == 11
    assert locate(TEXT, ("rule", 1, "missing")) == 9  # the nearest ancestor


def test_the_error_names_file_line_and_entry() -> None:
    error = error_at("rules.toml", TEXT, ("rule", 1, "wordz"), "unknown key 'wordz'")
    assert isinstance(error, DataFileError)
    assert str(error) == "rules.toml:11: unknown key 'wordz' in rule[1].wordz"
