"""The rule and gazetteer files under `storyline/data/`, read once and checked at load.

Every loader of a data file goes through `load_toml` (or `read_text` for other formats) with a
schema: a `Table` of the keys it may hold and the shape of each value. An unknown key, a value
of the wrong type or a missing required key is a `DataFileError` naming the file and the line
(`events.toml:212: unknown key 'lemmaz' in trigger[31]`), raised when the file is first loaded,
never a silent no-match later. Checks that need the loader's own knowledge (a trigger that can
never match, a rule that refers to a missing word list) raise through `error_at` with the
path of the offending entry, so they name the line too.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from .errors import StorylineError

Path = tuple[str | int, ...]


class DataFileError(StorylineError):
    """A data file that does not match its schema, or an entry that can never apply."""


@dataclass(frozen=True)
class Key:
    """A leaf value: its Python type(s) after TOML parsing; for a list, its items' type."""

    kind: type | tuple[type, ...]
    required: bool = False
    items: type | tuple[type, ...] | None = None
    choices: frozenset[str] | None = None


@dataclass(frozen=True)
class Table:
    """A TOML table: named keys, and for open tables (word lists by name) the shape of any
    other key. `required` applies when the table is itself a value of a parent table."""

    keys: Mapping[str, Shape] = field(default_factory=dict)
    other: Shape | None = None
    required: bool = False


@dataclass(frozen=True)
class ArrayOf:
    """An array of tables (`[[trigger]]`)."""

    table: Table
    required: bool = False


Shape = Key | Table | ArrayOf

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "an array", dict: "a table"}


def read_text(name: str) -> str:
    """The text of `storyline/data/<name>`."""
    return resources.files("storyline.data").joinpath(name).read_text("utf-8")


def load_toml(name: str, schema: Table) -> dict[str, Any]:
    """Parse `data/<name>` and check it against `schema`; the first problem is raised."""
    return loads_toml(name, read_text(name), schema)


def loads_toml(name: str, text: str, schema: Table) -> dict[str, Any]:
    """`load_toml` of a text given in full (a loader's checks run on an edited copy in tests);
    `name` is the file that errors name."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{name}: not valid TOML: {exc}") from None
    for path, message in check(raw, schema):
        raise error_at(name, text, path, message)
    return raw


def error_at(name: str, text: str, path: Path, message: str) -> DataFileError:
    """A `DataFileError` for the entry at `path` (keys and array indices) of a TOML file."""
    line = locate(text, path)
    where = f"{name}:{line}" if line else name
    return DataFileError(f"{where}: {message} in {render(path)}" if path else f"{where}: {message}")


def render(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---------------------------------------------------------------- checking

def check(value: Any, shape: Shape, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every mismatch between a parsed value and its shape, as (path, message)."""
    if isinstance(shape, Key):
        yield from _check_key(value, shape, path)
    elif isinstance(shape, ArrayOf):
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            yield path, "expected an array of tables"
            return
        for index, item in enumerate(value):
            yield from check(item, shape.table, (*path, index))
    else:
        yield from _check_table(value, shape, path)


def _check_table(value: Any, shape: Table, path: Path) -> Iterator[tuple[Path, str]]:
    if not isinstance(value, dict):
        yield path, "expected a table"
        return
    for key, sub in value.items():
        inner = shape.keys.get(key, shape.other)
        if inner is None:
            yield (*path, key), f"unknown key {key!r}"
        else:
            yield from check(sub, inner, (*path, key))
    for key, inner in shape.keys.items():
        if inner.required and key not in value:
            yield path, f"missing required key {key!r}"


def _check_key(value: Any, shape: Key, path: Path) -> Iterator[tuple[Path, str]]:
    if not _is(value, shape.kind):
        yield path, f"expected {_name(shape.kind)}, got {_name(type(value))}"
        return
    if shape.items is not None and isinstance(value, list):
        bad = next((v for v in value if not _is(v, shape.items)), None)
        if bad is not None:
            yield path, f"expected items that are {_name(shape.items)}, got {bad!r}"
            return
    if shape.choices is not None:
        values = value if isinstance(value, list) else [value]
        wrong = [v for v in values if v not in shape.choices]
        if wrong:
            yield path, f"{wrong[0]!r} is not one of {', '.join(sorted(shape.choices))}"


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False  # TOML's true is not an integer
    if float in kinds and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, kinds)


def _name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


# ---------------------------------------------------------------- line numbers

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")


def locate(text: str, path: Path) -> int | None:
    """The 1-based line of the header or key `path` names, else of its nearest ancestor."""
    lines = _line_index(text)
    for cut in range(len(path), 0, -1):
        line = lines.get(path[:cut])
        if line is not None:
            return line
    return None


def _line_index(text: str) -> dict[Path, int]:
    """Headers (`[a.b]`, `[[a]]` with its running index) and keys, by path, to their line."""
    index: dict[Path, int] = {}
    counts: dict[Path, int] = {}
    table: Path = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.count("'''") % 2 or line.count('"""') % 2:
            in_string = not in_string
            if not in_string:
                continue
        if in_string:
            continue
        header = _HEADER.match(line)
        if header:
            table = _header_path(header[2], header[1] == "[[", counts)
            index.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            index.setdefault((*table, _unquote(key[1])), number)
    return index


def _header_path(name: str, array: bool, counts: dict[Path, int]) -> Path:
    parts: Path = tuple(_unquote(p.strip()) for p in re.findall(r'"[^"]*"|[^.]+', name))
    if not array:
        return parts
    position = counts.get(parts, -1) + 1
    counts[parts] = position
    return (*parts, position)


def _unquote(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" and key[-1:] == key[:1] else key
