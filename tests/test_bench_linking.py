"""bench/linking.py runs, on a tiny size, and linking run by run gives the stories a full relink gives."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "linking.py"


@pytest.mark.slow
def test_the_linking_bench_runs_and_incremental_linking_equals_a_relink() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--sizes", "30", "60", "--batch", "7", "--json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr      # 1: not linear (tiny sizes are noise)
    report = json.loads(done.stdout.splitlines()[-1])
    sizes = report["sizes"]
    assert [row["articles"] for row in sizes] == [30, 60]
    assert all(row["relink_same"] == 1.0 for row in sizes)
    assert 0 < sizes[0]["stories"] < sizes[1]["stories"]
    assert set(report["ratio_largest_to_smallest"]) == {"marginal", "relink"}
