"""Shared fixtures: the `../shared` data folder, a real SQLite store, and the real CLI."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STORYLINE_SHARED", ROOT.parent / "shared"))
SEED = ROOT / "examples" / "moscow-times-2025-10-21.txt"


FLOORS_FILE = ROOT / "quality" / "floors.toml"


def floors() -> dict[str, dict[str, float]]:
    """The quality floors, by section (quality/floors.toml)."""
    return tomllib.loads(FLOORS_FILE.read_text("utf-8"))


def assert_floors(section: str, scores: Mapping[str, object], context: object = None) -> None:
    """Every floor of `[section]` holds in `scores`: each key of the section is checked, so a floor
    cannot go unread, and a measure the scores lack (or could not take: None) fails."""
    below = {}
    for name, floor in floors()[section].items():
        value = scores.get(name)
        if not isinstance(value, (int, float)) or value < floor:
            below[name] = (value, floor)
    assert not below, f"[{section}] (measured, floor): {below}; scores {dict(scores)}; {context or ''}"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; in CI its absence is a failure, elsewhere a skip."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI must run with ../shared beside the checkout")
        pytest.skip(f"{path} is not available")
    return path


def gold(name: str) -> dict:
    return json.loads(shared_path("gold", name).read_text("utf-8"))


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None, cwd: Path | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the real `storyline` command in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("STORYLINE_DB", None) if env is None or "STORYLINE_DB" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "storyline", *args], input=stdin, capture_output=True,
        env=full_env, cwd=cwd, timeout=timeout,
    )


def json_lines(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines() if line.strip()]


def coded_error(result: subprocess.CompletedProcess, code: str) -> str:
    """The one stderr line of a command that failed as a whole with `code` (never a traceback)."""
    err = result.stderr.decode("utf-8", errors="replace")
    lines = [line for line in err.splitlines() if line.strip()]
    assert result.returncode != 0, err
    assert "Traceback" not in err and len(lines) == 1, err
    assert f"[{code}]" in lines[0], err
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "store.db")


def table_rows(path: str) -> dict[str, list[tuple]]:
    """Every table of a SQLite store, rows sorted, without the columns that record when."""
    con = sqlite3.connect(path)
    try:
        out = {}
        for (name,) in con.execute("select name from sqlite_master where type='table' order by name"):
            columns = [c[1] for c in con.execute(f"pragma table_info({name})")]
            keep = [c for c in columns if c not in ("ingested_at", "first_seen")]
            out[name] = sorted(con.execute(f"select {', '.join(keep)} from {name}").fetchall(), key=repr)
        return out
    finally:
        con.close()


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files and folders read-only for real while the block runs: their permissions, and,
    for root (whom permissions do not stop), the immutable attribute (skips where unavailable)."""
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    locked = os.geteuid() == 0
    if locked and subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True).returncode != 0:
        for p, mode in modes.items():
            p.chmod(mode)
        pytest.skip("running as root without chattr +i: cannot make a file read-only")
    try:
        yield
    finally:
        if locked:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
        for p, mode in modes.items():
            p.chmod(mode)
