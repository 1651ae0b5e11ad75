"""Actor recall of `storyline.extract.actors` on the gold files (seed + dev): a thin command over
`storyline.evaluate.actors`, which says how an actor counts as found.

    .venv/bin/python bench/actor_recall.py [--shared ../shared] [--required] [--misses] [--speed]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storyline.evaluate.actors import gold_sets, measure, speed
from storyline.extract import nlp as nlp_module

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--required", action="store_true", help="only required gold events")
    parser.add_argument("--misses", action="store_true", help="list the actors not found")
    parser.add_argument("--speed", action="store_true", help="also time resolution against parsing")
    args = parser.parse_args(argv)
    nlp = nlp_module.load()
    sets = gold_sets(args.shared)
    for name, report in measure(sets, nlp, args.required).items():
        print(f"{name}: recall {report.recall:.3f} ({report.found}/{report.total}), "
              f"without sectors {report.recall_loose:.3f}")
        if args.misses:
            for miss in report.misses:
                print("   ", miss)
    if args.speed:
        timing = speed(sets["dev"], nlp)
        print(f"speed: parse {timing['parse_ms']:.1f} ms/article, actors {timing['actors_ms']:.1f} ms/article "
              f"({100 * timing['ratio']:.1f}% of parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
