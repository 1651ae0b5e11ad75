"""Actor recall of `storyline.extract.actors` on the gold files (GOLD.md format).

For every gold event, each of its actors and recipients counts as found when some mention in
the event's evidence sentences (the parsed sentences the gold evidence overlaps) resolves to an
actor that matches it by the GOLD.md rule (`evaluate.events.names_agree`); `attributed_to` may
be matched anywhere in the article. Named actors must also have the gold sector ("with sectors
right"); the looser figure without sectors is reported beside it. Used by
`bench/actor_recall.py` and by the recall floors of the actor tests (quality/floors.toml).
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import StorylineError
from ..extract.actors import ActorIndex, Mention, gazetteer, resolve_actors
from ..model import Actor, Rejected
from .events import (
    GoldActor,
    GoldArticle,
    GoldEvent,
    load_gold,
    locate,
    names_agree,
    source_path,
)


def gold_sets(shared: Path) -> dict[str, list[Path]]:
    """The gold files the floors are measured on: the seed, and the original dev articles."""
    return {"seed": [shared / "gold" / "seed.json"], "dev": sorted((shared / "gold" / "dev").glob("0*.json"))}


@dataclass
class Report:
    """Gold actors found, out of all, with and without the sector check; what was missed."""

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

    def add(self, other: Report) -> None:
        self.found += other.found
        self.total += other.total
        self.loose += other.loose
        self.misses += other.misses


def actor_matches(actor: Actor, gold: GoldActor, sectors: bool = True) -> bool:
    """GOLD.md: same country; a generic gold actor ("~official") by sector, a named one by name
    (and by sector too unless `sectors` is off)."""
    if actor.country != gold.country:
        return False
    if gold.generic:
        return actor.sector == gold.sector
    return names_agree(actor.name, gold.name) and (not sectors or actor.sector == gold.sector)


def _label(actor: Actor | GoldActor) -> str:
    return f"{actor.name}|{actor.country}|{actor.sector}"


def _sentence_mentions(doc: Doc, index: ActorIndex, span: tuple[int, int]) -> list[Mention]:
    sents = [s for s in doc.sents if s.start_char < span[1] and s.end_char > span[0]]
    if not sents:
        return []
    lo, hi = sents[0].start, sents[-1].end
    return [m for m in index.mentions if m.start < hi and m.end > lo]


def _wanted(doc: Doc, index: ActorIndex, event: GoldEvent) -> list[tuple[GoldActor, list[Mention]]]:
    """Each gold actor of the event with the mentions it may be found among."""
    spans = locate(event.evidence, doc.text)
    local = _sentence_mentions(doc, index, spans[0]) if spans else []
    wanted = [(a, local) for a in (*event.actors, *event.recipients)]
    if event.attributed_to is not None:
        wanted.append((event.attributed_to, list(index.mentions)))
    return wanted


def score_article(doc: Doc, index: ActorIndex, gold: GoldArticle, required_only: bool = False) -> Report:
    """Recall of one article's gold actors among its resolved mentions."""
    report = Report()
    for event in gold.events:
        if required_only and not event.required:
            continue
        for gold_actor, pool in _wanted(doc, index, event):
            actors = [a for m in pool for a in m.actors]
            report.total += 1
            if any(actor_matches(a, gold_actor) for a in actors):
                report.found += 1
                report.loose += 1
                continue
            report.loose += any(actor_matches(a, gold_actor, sectors=False) for a in actors)
            got = "; ".join(sorted({_label(a) for a in actors}))
            report.misses.append(f"{event.id}: {_label(gold_actor)} not in [{got}] :: {event.evidence[:70]}")
    return report


def cleaned_text(path: Path) -> str:
    """The article text as the product cleans it (what extraction parses)."""
    from ..clean import clean
    from ..ingest import read_path

    raw = next(read_path(str(path), 10_000_000))
    article = raw if isinstance(raw, Rejected) else clean(raw)
    if isinstance(article, Rejected):
        raise StorylineError(article.message())
    return article.text


def _articles(files: Iterable[Path]) -> list[tuple[GoldArticle, str]]:
    return [(gold, cleaned_text(source_path(path, gold))) for path in files for gold in load_gold([path])]


def measure(sets: Mapping[str, Sequence[Path]], nlp: Language, required_only: bool = False) -> dict[str, Report]:
    """A pooled recall report for each named set of gold files."""
    reports: dict[str, Report] = {}
    for name, files in sets.items():
        reports[name] = Report()
        for gold, text in _articles(files):
            doc = nlp(text)
            reports[name].add(score_article(doc, resolve_actors(doc, gold.published), gold, required_only))
    return reports


def speed(files: Sequence[Path], nlp: Language, rounds: int = 3) -> dict[str, float]:
    """Milliseconds per article: spaCy parse against actor resolution."""
    gazetteer()
    texts = [(text, gold.published) for gold, text in _articles(files)]
    parse = resolve = 0.0
    for _ in range(rounds):
        for text, published in texts:
            t0 = time.perf_counter()
            doc = nlp(text)
            t1 = time.perf_counter()
            resolve_actors(doc, published)
            t2 = time.perf_counter()
            parse, resolve = parse + t1 - t0, resolve + t2 - t1
    n = rounds * len(texts) or 1
    return {"parse_ms": 1000 * parse / n, "actors_ms": 1000 * resolve / n, "ratio": resolve / parse if parse else 0.0}
