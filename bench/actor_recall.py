"""Actor recall of `storyline.extract.actors` on the gold files (seed + dev).

For every gold event, each of its actors and recipients counts as found when some mention in
the event's evidence sentence (the parsed sentences the gold evidence overlaps) resolves to an
actor that matches it by the GOLD.md rule; `attributed_to` may be matched anywhere in the
article. Named actors must also have the gold sector ("with sectors right"); the looser figure
without sectors is reported beside it.

    .venv/bin/python bench/actor_recall.py [--shared ../shared] [--required] [--misses] [--speed]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "moscow-times-2025-10-21.txt"


def load_nlp():
    """The project's spaCy pipeline (storyline.extract.nlp.load)."""
    from storyline.extract import nlp as nlp_module

    return nlp_module.load()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _fold(name))


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:k] + long_[k + 1:] == short for k in range(len(long_)))


def names_agree(a: str, b: str) -> bool:
    """GOLD.md: equal without case and accents, or all words of one among the other's words."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    return all(any(_close(x, y) for y in wb) for x in wa) or all(any(_close(y, x) for x in wa) for y in wb)


def actor_matches(actor, gold: str, sectors: bool = True) -> bool:
    name, country, sector = gold.split("|")
    if actor.country != country:
        return False
    if name.startswith("~"):
        return actor.sector == sector
    return names_agree(actor.name, name) and (not sectors or actor.sector == sector)


@dataclass
class Report:
    found: int = 0
    total: int = 0
    loose: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 0.0

    @property
    def recall_loose(self) -> float:
        return self.loose / self.total if self.total else 0.0

    def add(self, other: "Report") -> None:
        self.found += other.found
        self.total += other.total
        self.loose += other.loose
        self.misses += other.misses


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def evidence_span(text: str, evidence: str) -> tuple[int, int] | None:
    """Character span of the gold evidence in the article text (whitespace collapsed, no case)."""
    pattern = r"\s+".join(re.escape(w) for w in evidence.split())
    found = re.search(pattern, text, flags=re.IGNORECASE)
    return (found.start(), found.end()) if found else None


def _sentence_mentions(doc, index, span: tuple[int, int]) -> list:
    sents = [s for s in doc.sents if s.start_char < span[1] and s.end_char > span[0]]
    if not sents:
        return []
    lo, hi = sents[0].start, sents[-1].end
    return [m for m in index.mentions if m.start < hi and m.end > lo]


def score_article(doc, index, gold: dict, required_only: bool = False) -> Report:
    report = Report()
    everything = list(index.mentions)
    for event in gold["events"]:
        if required_only and not event.get("required", True):
            continue
        span = evidence_span(doc.text, event["evidence"])
        local = _sentence_mentions(doc, index, span) if span else []
        wanted = [(a, local) for a in (*event["actors"], *event["recipients"])]
        if event.get("attributed_to"):
            wanted.append((event["attributed_to"], everything))
        for gold_actor, pool in wanted:
            actors = [a for m in pool for a in m.actors]
            report.total += 1
            if any(actor_matches(a, gold_actor) for a in actors):
                report.found += 1
                report.loose += 1
                continue
            report.loose += any(actor_matches(a, gold_actor, sectors=False) for a in actors)
            got = sorted({f"{a.name}|{a.country}|{a.sector}" for a in actors})
            report.misses.append(f"{event['id']}: {gold_actor} not in [{'; '.join(got)}] :: {event['evidence'][:70]}")
    return report


def articles(shared: Path) -> list[tuple[Path, dict, dt.date]]:
    """(text file, gold, published) for the seed and every dev article with gold."""
    out = [(SEED, json.loads((shared / "gold" / "seed.json").read_text("utf-8")), dt.date(2025, 10, 21))]
    index = {}
    for line in (shared / "corpus" / "index.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            index[row["id"]] = dt.date.fromisoformat(row["published"])
    for gold_file in sorted((shared / "gold" / "dev").glob("0*.json")):
        gold = json.loads(gold_file.read_text("utf-8"))
        stem = gold_file.stem
        out.append((shared / "corpus" / f"{stem}.txt", gold, index[stem]))
    return out


def cleaned_text(path: Path) -> str:
    from storyline.clean import clean
    from storyline.ingest import read_path

    return clean(next(read_path(str(path), 10_000_000))).text


def measure(shared: Path, required_only: bool = False, nlp=None) -> dict[str, Report]:
    """Recall reports keyed 'seed' and 'dev' (all dev articles pooled)."""
    from storyline.extract.actors import resolve_actors

    nlp = nlp or load_nlp()
    reports = {"seed": Report(), "dev": Report()}
    for path, gold, published in articles(shared):
        doc = nlp(cleaned_text(path))
        report = score_article(doc, resolve_actors(doc, published), gold, required_only)
        reports["seed" if path == SEED else "dev"].add(report)
    return reports


def speed(shared: Path, rounds: int = 3, nlp=None) -> dict[str, float]:
    """Milliseconds per article: spaCy parse vs actor resolution, over the 13 dev articles."""
    from storyline.extract.actors import gazetteer, resolve_actors

    nlp = nlp or load_nlp()
    gazetteer()
    texts = [(cleaned_text(p), d) for p, _, d in articles(shared) if p != SEED]
    parse = resolve = 0.0
    for _ in range(rounds):
        for text, published in texts:
            t0 = time.perf_counter()
            doc = nlp(text)
            t1 = time.perf_counter()
            resolve_actors(doc, published)
            t2 = time.perf_counter()
            parse, resolve = parse + t1 - t0, resolve + t2 - t1
    n = rounds * len(texts)
    return {"parse_ms": 1000 * parse / n, "actors_ms": 1000 * resolve / n, "ratio": resolve / parse}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--required", action="store_true", help="only required gold events")
    parser.add_argument("--misses", action="store_true", help="list the actors not found")
    parser.add_argument("--speed", action="store_true", help="also time resolution against parsing")
    args = parser.parse_args(argv)
    nlp = load_nlp()
    for name, report in measure(args.shared, args.required, nlp).items():
        print(f"{name}: recall {report.recall:.3f} ({report.found}/{report.total}), "
              f"without sectors {report.recall_loose:.3f}")
        if args.misses:
            for miss in report.misses:
                print("   ", miss)
    if args.speed:
        timing = speed(args.shared, nlp=nlp)
        print(f"speed: parse {timing['parse_ms']:.1f} ms/article, actors {timing['actors_ms']:.1f} ms/article "
              f"({100 * timing['ratio']:.1f}% of parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
