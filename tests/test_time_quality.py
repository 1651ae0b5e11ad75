"""Quality gate of the time tagger: TempEval-3 scores at or above the floors of quality/floors.toml."""
from __future__ import annotations

import pytest

from conftest import assert_floors, json_lines, run_cli, shared_path

pytestmark = pytest.mark.quality


def scores_of(*folder: str) -> dict:
    result = run_cli("eval", "time", str(shared_path("peer", *folder)), "--format", "json", timeout=120)
    assert result.returncode == 0, result.stderr
    (scores,) = json_lines(result.stdout)
    return scores


def test_time_floors(platinum: dict, tbaq: dict) -> None:
    """The test set's floors by name, the development set's prefixed `tbaq_`."""
    assert_floors("time", {**platinum, **{f"tbaq_{name}": value for name, value in tbaq.items()}})


def test_platinum_is_the_whole_test_set(platinum: dict) -> None:
    assert (platinum["documents"], platinum["gold"]) == (20, 138)


def test_platinum_beats_heideltime(platinum: dict) -> None:
    assert platinum["value_f1"] > 0.7761, platinum


def test_tbaq_is_the_whole_development_set(tbaq: dict) -> None:
    assert (tbaq["documents"], tbaq["gold"]) == (256, 1822)


@pytest.fixture(scope="module")
def platinum() -> dict:
    return scores_of("tempeval3-platinum")


@pytest.fixture(scope="module")
def tbaq() -> dict:
    return scores_of("tempeval3-tbaq-cleaned")
