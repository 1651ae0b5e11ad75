"""Quality floors stored in the repo (quality/floors.toml), measured by the product's eval commands."""
from __future__ import annotations

import tomllib

import pytest

from conftest import ROOT, json_lines, run_cli, shared_path

pytestmark = pytest.mark.quality
FLOORS = tomllib.loads((ROOT / "quality" / "floors.toml").read_text("utf-8"))


@pytest.mark.slow
def test_extraction_benchmark_f1_is_at_or_above_the_floor() -> None:
    bench = shared_path("peer", "article-extraction-benchmark")
    result = run_cli("eval", "extraction", str(bench), "--format", "json")
    assert result.returncode == 0, result.stderr
    (scores,) = json_lines(result.stdout)
    assert scores["documents"] == 181
    floor = FLOORS["extraction"]
    assert scores["f1"] >= floor["f1"], scores
    assert scores["precision"] >= floor["precision"] and scores["recall"] >= floor["recall"], scores


def test_the_scorer_reproduces_the_published_reference_figures() -> None:
    import json

    from storyline.evaluate.extraction import score_outputs

    bench = shared_path("peer", "article-extraction-benchmark")
    published = {"trafilatura": (0.958, 0.938, 0.978), "readability": (0.922, 0.913, 0.931)}
    for name, (f1, precision, recall) in published.items():
        outputs = json.loads((bench / "reference-outputs" / f"{name}.json").read_text("utf-8"))["output"]
        got = score_outputs(bench, outputs)
        assert (round(got.f1, 3), round(got.precision, 3), round(got.recall, 3)) == (f1, precision, recall)
