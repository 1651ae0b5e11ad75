"""Quality gate of the time tagger: TempEval-3 scores at or above the floors of quality/floors.toml."""
from __future__ import annotations

import tomllib

import pytest

from conftest import ROOT, json_lines, run_cli, shared_path

pytestmark = pytest.mark.quality
FLOORS = tomllib.loads((ROOT / "quality" / "floors.toml").read_text("utf-8"))["time"]
MEASURES = ("value_f1", "relaxed_f1", "strict_f1", "value_accuracy")


def scores_of(*folder: str) -> dict:
    result = run_cli("eval", "time", str(shared_path("peer", *folder)), "--format", "json", timeout=120)
    assert result.returncode == 0, result.stderr
    (scores,) = json_lines(result.stdout)
    return scores


@pytest.mark.parametrize("measure", MEASURES)
def test_platinum_floors(platinum: dict, measure: str) -> None:
    assert platinum[measure] >= FLOORS[measure], platinum


def test_platinum_is_the_whole_test_set(platinum: dict) -> None:
    assert (platinum["documents"], platinum["gold"]) == (20, 138)


def test_platinum_beats_heideltime(platinum: dict) -> None:
    assert platinum["value_f1"] > 0.7761, platinum


@pytest.mark.parametrize("measure", MEASURES)
def test_tbaq_development_set_floors(tbaq: dict, measure: str) -> None:
    assert tbaq[measure] >= FLOORS[f"tbaq_{measure}"], tbaq
    assert (tbaq["documents"], tbaq["gold"]) == (256, 1822)


@pytest.fixture(scope="module")
def platinum() -> dict:
    return scores_of("tempeval3-platinum")


@pytest.fixture(scope="module")
def tbaq() -> dict:
    return scores_of("tempeval3-tbaq-cleaned")
