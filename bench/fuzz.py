"""Fuzz storyline: generated hostile inputs through the real pipeline, each under a watchdog.

    python bench/fuzz.py --cases 10000                 # the long run (figures in the README)
    python bench/fuzz.py --cases 500 --jobs 2 --format json
    python bench/fuzz.py --replay tests/fuzz_cases     # the saved adversarial cases
    python bench/fuzz.py --cases 2000 --save found/    # keep what fails, to add to tests/fuzz_cases

Cases come from the Hypothesis strategies of tests/fuzz_strategies.py (needs the test extra),
`--cases` of them split across the categories in proportion (`CATEGORIES`), from `--seed`, at
the long sizes (runs of 20,000 characters, nesting 5,000 deep, 200 KB attributes). Each case
goes through `tests/fuzz_strategies.check`: ingest, `pipeline.run` into a real SQLite store,
the same run again, and `storyline.process` for inputs that are text; its invariants are
checked (no exception but coded ones, nothing lost, same store twice, offsets in the text).

Cases run in child processes that load the spaCy pipeline once (`--jobs` of them) and keep
one store for `--store-every` cases, so inputs meet what earlier inputs stored. The parent
watches each case: one not answered after `--kill-after` seconds is a hang; the child is
killed and replaced, and the run goes on. Time per input is the slowest full pass over it
(`pipeline.run` or `storyline.process`); over `--budget` seconds (10) counts as slow.

Exit status 1 when anything crashed, hung, was slow or broke an invariant. Progress goes to
stderr; `--format json` prints one line on stdout.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import multiprocessing as mp
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_strategies import CATEGORIES, CI, LONG, TIME_BUDGET, Case, Report, Sizes, check  # noqa: E402

CASES_DIR = ROOT / "tests" / "fuzz_cases"

# --- cases ---------------------------------------------------------------------------------


def generate(total: int, seed: int, sizes: Sizes, only: list[str] | None = None) -> list[Case]:
    """`total` cases across the categories in proportion, interleaved, from `seed`."""
    shares = {name: share for name, (_, share) in CATEGORIES.items() if not only or name in only}
    weight = sum(shares.values())
    counts = {name: int(total * share / weight) for name, share in shares.items()}
    counts[max(shares, key=shares.__getitem__)] += total - sum(counts.values())
    cases: list[Case] = []
    for name, count in counts.items():
        cases += _draw(CATEGORIES[name][0](sizes), count, seed)
    random.Random(seed).shuffle(cases)
    return cases


def _draw(strategy: Any, count: int, seed: int) -> list[Case]:
    """`count` examples of a Hypothesis strategy, outside any test (a seeded `@given` that
    only collects; the generate phase alone: no database, no shrinking)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    found: list[Case] = []
    for attempt in range(5):
        @with_seed(seed * 1000 + attempt)
        @settings(max_examples=count - len(found), database=None, phases=[Phase.generate], deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(case: Case) -> None:
            found.append(case)

        collect()
        if len(found) >= count:
            break
    return found[:count]


def saved_cases(folder: Path, only: list[str] | None = None) -> list[tuple[Case, dict[str, Any]]]:
    """The saved cases of `folder` (its index.toml), each with what is expected of it."""
    index = tomllib.loads((folder / "index.toml").read_text("utf-8"))
    out = []
    for entry in index["case"]:
        if only and entry["file"] not in only:
            continue
        out.append((saved_case(folder, entry), entry.get("expect", {})))
    return out


def saved_case(folder: Path, entry: dict[str, Any]) -> Case:
    """One saved case. `.gz` files are stored compressed (long inputs stay small in the repo)
    and replayed decompressed; `name` (with `\\xNN` for bytes that are not UTF-8) is the file
    name to give the input, created at replay; `process = false` keeps it from
    `storyline.process` (JSONL, bytes)."""
    path = folder / entry["file"]
    data = path.read_bytes()
    file = entry["file"]
    if file.endswith(".gz"):
        data, file = gzip.decompress(data), file[:-3]
    name = entry.get("name", file)
    name = os.fsdecode(name.encode("ascii").decode("unicode_escape").encode("latin-1"))
    text = data.decode("utf-8", "surrogatepass") if entry.get("process", True) else None
    return Case(entry.get("category", "saved"), data, name, text=text, published=entry.get("published"),
                label=entry["file"])


def expectation_problems(report: Report, expect: dict[str, Any]) -> list[str]:
    """How a saved case's outcome differs from its `expect` (articles, codes)."""
    problems = []
    if "articles" in expect and report.articles != expect["articles"]:
        problems.append(f"expected {expect['articles']} article(s), got {report.articles}")
    if "codes" in expect and dict(report.codes) != expect["codes"]:
        problems.append(f"expected rejections {expect['codes']}, got {dict(report.codes)}")
    return problems


def save(case: Case, folder: Path) -> Path:
    """Write a failing case to `folder` as a file, for tests/fuzz_cases (gzip when large)."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(case.data).hexdigest()[:10]
    suffix = Path(case.name).suffix or ".txt"
    path = folder / f"found-{case.category}-{digest}{suffix}"
    if len(case.data) > 20_000:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(case.data, mtime=0))
    else:
        path.write_bytes(case.data)
    if case.published is not None:
        path.with_name(path.name + ".published").write_text(str(case.published), "utf-8")
    return path


# --- the watched children --------------------------------------------------------------------


def serve(conn: Connection, folder: str, store_every: int) -> None:
    """A child: load the pipeline once, then check every case sent, one store per
    `store_every` cases."""
    from storyline.extract import default_extractor

    extractor = default_extractor()
    done = 0
    try:
        conn.send("ready")
    except OSError:  # the run ended while this child was loading
        return
    while True:
        try:
            index, case = conn.recv()
        except EOFError:
            return
        store = Path(folder) / f"store-{done // store_every}.db"
        work = Path(folder) / f"case-{index}"
        report = check(case, work, store, extractor)
        shutil.rmtree(work, ignore_errors=True)
        done += 1
        if done % store_every == 0:
            for path in Path(folder).glob(f"store-{done // store_every - 1}.db*"):
                path.unlink()
        conn.send((index, report))


@dataclass
class Child:
    process: Any
    conn: Connection
    case: int | None = None
    since: float = 0.0
    ready: bool = False


class Pool:
    """`jobs` watched children; a case not answered in `kill_after` seconds is a hang."""

    def __init__(self, jobs: int, folder: Path, store_every: int, kill_after: float) -> None:
        self.context = mp.get_context("spawn")
        self.folder, self.store_every, self.kill_after = folder, store_every, kill_after
        self.children = [self._start(i) for i in range(jobs)]
        self.restarts = 0

    def _start(self, slot: int) -> Child:
        ours, theirs = self.context.Pipe()
        folder = self.folder / f"child-{slot}-{time.monotonic_ns()}"
        folder.mkdir(parents=True)
        process = self.context.Process(target=serve, args=(theirs, str(folder), self.store_every), daemon=True)
        process.start()
        theirs.close()
        return Child(process, ours)

    def run(self, cases: list[Case], on_report: Any) -> None:
        queue = list(range(len(cases)))[::-1]
        while queue or any(c.case is not None for c in self.children):
            for child in self.children:
                if child.ready and child.case is None and queue:
                    child.case, child.since = queue.pop(), time.monotonic()
                    child.conn.send((child.case, cases[child.case]))
            busy = [c.conn for c in self.children if c.case is not None or not c.ready]
            for conn in wait(busy, timeout=1.0):
                self._receive(next(c for c in self.children if c.conn is conn), cases, on_report)
            self._watch(cases, on_report)

    def _receive(self, child: Child, cases: list[Case], on_report: Any) -> None:
        try:
            message = child.conn.recv()
        except (EOFError, OSError):
            if not child.ready:
                raise RuntimeError(f"a child process could not start (exit code {child.process.exitcode})") from None
            self._replace(child, cases, on_report, f"the child process died (exit code {child.process.exitcode})")
            return
        if message == "ready":
            child.ready = True
            return
        index, report = message
        child.case = None
        on_report(index, report)

    def _watch(self, cases: list[Case], on_report: Any) -> None:
        for child in self.children:
            if child.case is not None and time.monotonic() - child.since > self.kill_after:
                self._replace(child, cases, on_report, None)

    def _replace(self, child: Child, cases: list[Case], on_report: Any, died: str | None) -> None:
        """Kill `child` (our own process, by its handle), report its case, start another."""
        child.process.kill()
        child.process.join()
        if child.case is not None:
            case = cases[child.case]
            report = Report(case.category, case.label, seconds=time.monotonic() - child.since, crash=died)
            if died is None:
                report.problems.append(f"hung: killed after {self.kill_after:g} s")
            on_report(child.case, report)
        self.restarts += 1
        slot = self.children.index(child)
        self.children[slot] = self._start(slot)

    def close(self) -> None:
        for child in self.children:
            child.conn.close()
            child.process.join(timeout=10 if child.ready else 0)
            if child.process.is_alive():
                child.process.kill()


# --- the summary -------------------------------------------------------------------------


def summarise(cases: list[Case], reports: list[Report], budget: float, kill_after: float) -> dict[str, Any]:
    times = sorted(r.seconds for r in reports)
    hung = [r for r in reports if any(p.startswith("hung") for p in r.problems)]
    slow = [r for r in reports if r.seconds > budget]
    broken = [r for r in reports if r.crash is None and [p for p in r.problems if not _timing(p)]]
    codes: Counter[str] = Counter()
    for r in reports:
        codes.update(r.codes)
    return {
        "cases": len(reports),
        "by_category": dict(sorted(Counter(c.category for c in cases).items())),
        "documents": sum(r.documents for r in reports),
        "articles": sum(r.articles for r in reports),
        "rejections": dict(sorted(codes.items())),
        "crashes": sum(r.crash is not None for r in reports),
        "hangs": len(hung),
        f"over_{budget:g}s": len(slow),
        "broken_invariants": len(broken),
        "max_s": round(times[-1], 3) if times else 0.0,
        "p99_s": round(_quantile(times, 0.99), 3),
        "p50_s": round(_quantile(times, 0.50), 3),
        "mean_s": round(statistics.fmean(times), 3) if times else 0.0,
        "kill_after_s": kill_after,
        "failures": [r.as_dict() for r in reports if not r.ok or r.seconds > budget][:50],
    }


def _timing(problem: str) -> bool:
    return problem.startswith(("hung", "took "))


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(q * len(values)))]


def print_summary(summary: dict[str, Any], budget: float) -> None:
    print(f"cases: {summary['cases']} ({', '.join(f'{k} {v}' for k, v in summary['by_category'].items())})")
    print(f"documents: {summary['documents']}: {summary['articles']} articles, rejected {summary['rejections']}")
    print(f"crashes: {summary['crashes']}   hangs: {summary['hangs']} (killed after {summary['kill_after_s']:g} s)   "
          f"over {budget:g} s: {summary[f'over_{budget:g}s']}   broken invariants: {summary['broken_invariants']}")
    print(f"time per input: max {summary['max_s']} s, p99 {summary['p99_s']} s, p50 {summary['p50_s']} s, "
          f"mean {summary['mean_s']} s")
    print(f"wall: {summary['wall_s']} s, {summary['jobs']} job(s), children restarted {summary['restarts']}, "
          f"load average {summary['load_before']} → {summary['load_after']}")
    for failure in summary["failures"]:
        print(f"  FAIL {failure['category']} {failure['label']} {failure['seconds']} s: "
              f"{failure['crash'] or ''} {'; '.join(failure['problems'])}".rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="how many cases to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--category", action="append", choices=sorted(CATEGORIES), help="only these categories")
    parser.add_argument("--small", action="store_true", help="the CI sizes instead of the long ones")
    parser.add_argument("--replay", type=Path, metavar="DIR", help="run the saved cases of DIR (its index.toml)")
    parser.add_argument("--only", action="append", metavar="FILE", help="with --replay: only these files")
    parser.add_argument("--jobs", type=int, default=1, help="child processes (default 1)")
    parser.add_argument("--budget", type=float, default=TIME_BUDGET, help="seconds an input may take (default 10)")
    parser.add_argument("--kill-after", type=float, default=60.0, help="seconds before a case is a hang (default 60)")
    parser.add_argument("--store-every", type=int, default=100, help="cases per store (default 100)")
    parser.add_argument("--save", type=Path, metavar="DIR", help="write the failing cases to DIR")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.jobs < 1 or args.store_every < 1 or args.kill_after <= 0:
        parser.error("--cases, --jobs, --store-every and --kill-after must be positive")

    started = time.monotonic()
    expected: list[dict[str, Any]] = []
    if args.replay:
        pairs = saved_cases(args.replay, args.only)
        cases, expected = [c for c, _ in pairs], [e for _, e in pairs]
    else:
        cases = generate(args.cases, args.seed, CI if args.small else LONG, args.category)
    print(f"{len(cases)} cases in {time.monotonic() - started:.1f} s; running on {args.jobs} job(s)", file=sys.stderr)
    load_before = _load()
    reports, restarts = run_cases(cases, args)
    for report, expect in zip(reports, expected or [{}] * len(reports), strict=True):
        report.problems.extend(expectation_problems(report, expect))
    summary = summarise(cases, reports, args.budget, args.kill_after)
    summary.update(seed=args.seed, jobs=args.jobs, wall_s=round(time.monotonic() - started, 1),
                   restarts=restarts, load_before=load_before, load_after=_load())
    if args.replay:
        summary["reports"] = [r.as_dict() for r in reports]
    if args.save:
        for case, report in zip(cases, reports, strict=True):
            if not report.ok:
                print(f"saved {save(case, args.save)}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(summary))
    else:
        print_summary(summary, args.budget)
    return 0 if all(r.ok for r in reports) else 1


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_cases(cases: list[Case], args: argparse.Namespace) -> tuple[list[Report], int]:
    """Every case through the watched children: the reports in case order, and how many
    children had to be replaced."""
    reports: list[Report | None] = [None] * len(cases)
    done = 0

    def on_report(index: int, report: Report) -> None:
        nonlocal done
        reports[index] = report
        done += 1
        if not report.ok:
            print(f"[{done}/{len(cases)}] {report.category} {report.label}: {report.crash or ''} "
                  f"{'; '.join(report.problems)}", file=sys.stderr)
        elif done % 100 == 0:
            print(f"[{done}/{len(cases)}]", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="storyline-fuzz-") as folder:
        pool = Pool(args.jobs, Path(folder), args.store_every, args.kill_after)
        try:
            pool.run(cases, on_report)
        finally:
            pool.close()
    return [r for r in reports if r is not None], pool.restarts


if __name__ == "__main__":
    sys.exit(main())
