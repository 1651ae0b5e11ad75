"""Quality floors stored in the repo (quality/floors.toml), measured by the product's eval commands.

Every gate hands its measured scores to `conftest.assert_floors(section, scores)`, which checks
each floor of the section; `test_every_floor_section_is_asserted_by_a_gate` makes sure no section
is left without a gate (the gates live beside their fixtures: test_extract, test_time_quality,
test_actors, and here)."""
from __future__ import annotations

import ast

import pytest

from conftest import ROOT, assert_floors, floors, json_lines, run_cli, shared_path

pytestmark = pytest.mark.quality


@pytest.mark.slow
def test_extraction_benchmark_f1_is_at_or_above_the_floor() -> None:
    bench = shared_path("peer", "article-extraction-benchmark")
    result = run_cli("eval", "extraction", str(bench), "--format", "json")
    assert result.returncode == 0, result.stderr
    (scores,) = json_lines(result.stdout)
    assert scores["documents"] == 181
    assert_floors("extraction", scores)


def test_the_scorer_reproduces_the_published_reference_figures() -> None:
    import json

    from storyline.evaluate.extraction import score_outputs

    bench = shared_path("peer", "article-extraction-benchmark")
    published = {"trafilatura": (0.958, 0.938, 0.978), "readability": (0.922, 0.913, 0.931)}
    for name, (f1, precision, recall) in published.items():
        outputs = json.loads((bench / "reference-outputs" / f"{name}.json").read_text("utf-8"))["output"]
        got = score_outputs(bench, outputs)
        assert (round(got.f1, 3), round(got.precision, 3), round(got.recall, 3)) == (f1, precision, recall)


def _gated_sections() -> set[str]:
    """The sections named by an `assert_floors("section", ...)` call in a test module."""
    sections = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "assert_floors"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                sections.add(str(node.args[0].value))
    return sections


def test_every_floor_section_is_asserted_by_a_gate() -> None:
    assert _gated_sections() == set(floors())


def test_assert_floors_checks_every_floor_of_the_section() -> None:
    extraction = floors()["extraction"]
    assert set(extraction) == {"f1", "precision", "recall"}
    assert_floors("extraction", extraction)
    for name in extraction:
        with pytest.raises(AssertionError, match=name):
            assert_floors("extraction", {**extraction, name: extraction[name] - 0.001})
        with pytest.raises(AssertionError, match=name):
            assert_floors("extraction", {k: v for k, v in extraction.items() if k != name})
        with pytest.raises(AssertionError, match=name):
            assert_floors("extraction", {**extraction, name: None})


@pytest.mark.slow
def test_story_linking_on_the_development_story_groups_is_at_or_above_the_floor() -> None:
    groups = sorted(shared_path("gold", "dev").glob("story-*.json"))
    result = run_cli("eval", "stories", *map(str, groups), "--format", "json")
    assert result.returncode == 0, result.stderr
    (scores,) = json_lines(result.stdout)
    assert scores["groups"] == 6
    assert_floors("stories", scores, scores.pop("per_group"))
