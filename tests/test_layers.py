"""The import graph of `src/storyline` keeps its layers: read from the source with `ast` (no
module is imported), every import counted, those inside functions too.

- the bottom (`model`, `errors`, `settings`, `ontology`, `text`, `datafiles`) imports nothing
  of storyline above it;
- `extract/` (the NLP stage) builds on the bottom only; spaCy and `storyline.extract` are
  imported only there, by the faces that run extraction (`pipeline`, `worker`, `batch`, `cli`)
  and by `evaluate/`;
- the store and what reads it (`database`, `store`, `stories`, `curation`, `edits`, `export`, `tables`,
  `output`, `alerts`) reach neither
  spaCy nor `extract`, not even through another module;
- `evaluate/` is imported by no product module but the CLI's `eval` commands;
- in `web/`, the pages and the API are siblings: neither imports the other.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src" / "storyline"
BOTTOM = {"model", "errors", "settings", "ontology", "text", "datafiles"}
EXTRACTION_FACES = {"pipeline", "worker", "batch", "cli"}
STORAGE = {"database", "store", "stories", "curation", "edits", "export", "tables", "output", "alerts"}
NLP = {"spacy", "thinc", "en_core_web_sm"}
Graph = dict[str, set[str]]


def modules(src: Path) -> dict[str, Path]:
    """Dotted name (relative to the package: `extract.timex.tagger`, `` for the package) → file."""
    found = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(src: Path) -> Graph:
    """Module → everything it imports: storyline modules by their dotted name (relative to the
    package, as in `modules`), other packages as `ext:NAME` (the top-level name)."""
    known = modules(src)
    return {name: set(_imported(name, path, known)) for name, path in known.items()}


def _imported(name: str, path: Path, known: dict[str, Path]) -> Iterable[str]:
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = [p for p in package if p]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [_absolute(alias.name.split("."), known) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            parts = [*(["storyline", *base] if node.level else []), *(node.module or "").split(".")]
            parts = [p for p in parts if p]
            # `from . import store` imports the module `store`; `from .model import Actor`, `model`
            targets = [_absolute([*parts, alias.name], known) for alias in node.names]
        else:
            continue
        # the package's own __init__ runs with any of its modules: not an edge between layers
        yield from (t for t in targets if t)


def _absolute(parts: list[str], known: dict[str, Path]) -> str:
    if parts[0] != "storyline":
        return f"ext:{parts[0]}"
    inner = parts[1:]
    while inner and ".".join(inner) not in known:  # `storyline.model.Actor` is `model`
        inner.pop()
    return ".".join(inner)


def top(module: str) -> str:
    return module.split(".")[0]


def reachable(graph: Graph, start: str) -> set[str]:
    """Everything `start` imports, directly or through other storyline modules."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                if not target.startswith("ext:"):
                    todo.append(target)
    return seen


def violations(graph: Graph) -> list[str]:
    """Every import that breaks a layer rule (see the module docstring), as 'a -> b: rule'."""
    found = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets - {module}):
            rule = _rule_broken(module, target)
            if rule:
                found.append(f"{module} -> {target}: {rule}")
    for module in sorted(m for m in graph if top(m) in STORAGE):
        bad = sorted(t for t in reachable(graph, module) if top(t) == "extract" or t.removeprefix("ext:") in NLP)
        found += [f"{module} reaches {t}: the store and linking never run extraction" for t in bad]
    return found


def _rule_broken(module: str, target: str) -> str | None:
    here, there = top(module), top(target)
    nlp = target.removeprefix("ext:") in NLP if target.startswith("ext:") else False
    if target.startswith("ext:") and not nlp:
        return None
    if here in BOTTOM and not nlp and there not in BOTTOM:
        return "the bottom imports only the bottom"
    if here == "extract" and not nlp and there not in BOTTOM | {"extract"}:
        return "extraction builds on the bottom only"
    if (nlp or there == "extract") and here not in EXTRACTION_FACES | {"extract", "evaluate"}:
        return "only extract/, the faces that run it and evaluate/ import spaCy or extract"
    if there == "evaluate" and here not in {"evaluate", "cli"}:
        return "evaluate/ is for `storyline eval` only"
    if {module, target} == {"web.pages", "web.api"}:
        return "the pages and the API are siblings"
    return None


def test_the_package_keeps_its_layers() -> None:
    graph = imports(SRC)
    assert {"model", "store", "extract", "extract.timex.tagger", "web.pages", "evaluate.events"} <= set(graph)
    assert "ext:spacy" in graph["extract.nlp"] and "stories" in graph["store"]  # the reader sees imports
    assert violations(graph) == []


@pytest.mark.parametrize(("module", "source", "broken"), [
    ("store.py", "from .extract import Extractor\n", "store -> extract: only extract/"),
    ("model.py", "def f() -> None:\n    from . import store\n", "model -> store: the bottom"),
    ("extract/triggers.py", "from ..store import connect\n", "extract.triggers -> store: extraction builds"),
    ("web/pages.py", "from .api import router\n", "web.pages -> web.api: the pages and the API"),
    ("export.py", "import spacy\n", "export -> ext:spacy: only extract/"),
    ("stories.py", "from .warc import read_warc\n", "stories reaches extract.nlp: the store and linking"),
    ("web/queries.py", "from ..evaluate.events import score\n", "web.queries -> evaluate.events: evaluate/"),
])
def test_a_forbidden_import_is_caught(tmp_path: Path, module: str, source: str, broken: str) -> None:
    tree = tmp_path / "storyline"
    for name in ("model.py", "store.py", "stories.py", "export.py", "warc.py", "web/pages.py", "web/api.py",
                 "web/queries.py", "evaluate/events.py", "extract/triggers.py", "extract/nlp.py"):
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('"""A module."""\n', "utf-8")
        if name.count("/"):
            (path.parent / "__init__.py").write_text("", "utf-8")
    (tree / "__init__.py").write_text("", "utf-8")
    (tree / "warc.py").write_text("from .extract.nlp import load\n", "utf-8")  # a path through another module
    (tree / module).write_text(source, "utf-8")
    found = violations(imports(tree))
    assert any(v.startswith(broken) for v in found), found
