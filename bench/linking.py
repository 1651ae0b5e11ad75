"""Story linking time against the number of articles: is it linear?

    python bench/linking.py                     # 1k, 2k, 5k, 10k articles
    python bench/linking.py --sizes 200 400 --json

Synthetic but realistic input, generated from invented names, places and dates (no corpus text,
no NLP): a world of people in countries, of whom a few leaders are in most of the news (a Zipf
law), and happenings between them (meetings, deals, attacks ... at a place and on a date) that
are reported, in publication order, by articles of about 16 events each: claims of the pair
with every status, claims naming one side, claims between the two states, dated and undated,
and unrelated events around them. Each article is saved with `store.save_result` into a real
SQLite store in a temporary folder, and every `--batch` articles `store.link_pending` runs, as
a `storyline process` run does; then, at each size, a full `store.relink`. Only the linking calls
are timed.

Printed per size: seconds per 1,000 articles of incremental linking, over the articles so far
and over those added since the previous size (the cost of an article in a store of that size),
and of a full relink at the smallest and the largest size; and the ratio of the per-article
cost at the largest size to that at the smallest. Linear is a ratio of at most 1.5 (the bound
this bench holds linking to: a cost per article that grows with the size of the store shows as
a ratio that grows with every size).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from storyline import store
from storyline.model import Actor, Article, ArticleResult, Event, Evidence, Place, TimeSpan
from storyline.settings import db_url

LINEAR_BOUND = 1.5
EVENTS_PER_ARTICLE = 16
SYLLABLES = ("ka", "lo", "mi", "ra", "te", "su", "vo", "ne", "da", "ri", "po", "ze", "ul", "an", "be", "sho")
TYPES = ("CONSULT", "AGREE", "SUPPORT", "ACCUSE", "THREATEN", "SANCTION", "ASSAULT", "REQUEST", "REJECT", "AID")
STATUSES = ("planned", "occurred", "occurred", "occurred", "hypothetical", "cancelled", "denied")
START = dt.date(2031, 1, 1)


def _name(rng: random.Random, words: int) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(words))


@dataclass(frozen=True)
class Happening:
    """One invented happening: its type, two sides (people), a place and the day it is due."""

    type: str
    sides: tuple[Actor, Actor]
    place: Place
    day: dt.date


@dataclass
class World:
    """Invented countries (with a capital), people in them, and the happenings reported so far."""

    rng: random.Random
    countries: list[tuple[Actor, Place]]
    people: list[Actor]
    happenings: list[Happening]
    weights: list[float]

    @classmethod
    def make(cls, seed: int, n_countries: int = 80, n_people: int = 2000) -> World:
        rng = random.Random(seed)
        countries = []
        for i in range(n_countries):
            code = f"{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}X"
            name = _name(rng, 1)
            countries.append((Actor(name + "ia", code, "GOV"),
                              Place(name + " City", code, rng.uniform(-50, 60), rng.uniform(-120, 150))))
        people = [Actor(_name(rng, 2), countries[rng.randrange(n_countries)][0].country, "GOV") for _ in range(n_people)]
        return cls(rng, countries, people, [], list(itertools.accumulate(1 / (rank + 1) for rank in range(n_people))))

    def person(self) -> Actor:
        """A person, the famous far more often than the others (Zipf: the n-th most famous is
        named in proportion to 1/n, so the first is in about one report in eight)."""
        return self.rng.choices(self.people, cum_weights=self.weights)[0]

    def country(self, actor: Actor) -> Actor:
        return next(c for c, _ in self.countries if c.country == actor.country)

    def happening(self, today: dt.date) -> Happening:
        """A recent happening (most news is about one already reported), else a new one."""
        recent = [h for h in self.happenings[-400:] if abs((h.day - today).days) <= 60]
        if recent and self.rng.random() < 0.7:
            return self.rng.choice(recent)
        a, b = self.person(), self.person()
        while b == a:
            b = self.person()
        place = self.rng.choice(self.countries)[1]
        new = Happening(self.rng.choice(TYPES), (a, b), place, today + dt.timedelta(days=self.rng.randint(-10, 30)))
        self.happenings.append(new)
        return new


def _event(eid: str, kind: str, people: tuple[Actor, ...], status: str, date: TimeSpan | None, place: Place | None,
           at: int) -> Event:
    return Event(id=eid, type=kind, mode=None, cameo=None, quad=None, actors=people[:1], recipients=people[1:],
                 status=status, date=date, location=place, attributed_to=None,
                 evidence=Evidence("An invented sentence.", at, at + 20))


def _claims(world: World, h: Happening, published: dt.date, article: str, first: int) -> Iterator[Event]:
    """Reports of one happening in one article: of the pair, of one side, of the two states."""
    rng = world.rng
    status = "occurred" if h.day <= published else rng.choice(("planned", "planned", "hypothetical", "cancelled"))
    date = TimeSpan(h.day, h.day, "day", "an invented day") if rng.random() < 0.6 else None
    states = (world.country(h.sides[0]), world.country(h.sides[1]))
    shapes = [h.sides, h.sides, (h.sides[rng.randrange(2)],), states]
    for i in range(rng.randint(3, 8)):
        people = shapes[rng.randrange(len(shapes))]
        yield _event(f"{article}-{first + i}", h.type, people, status if rng.random() < 0.8 else rng.choice(STATUSES),
                     date if rng.random() < 0.7 else None, h.place if rng.random() < 0.5 else None, 200 * (first + i))


def article(world: World, number: int, per_day: int) -> ArticleResult:
    """The number-th article: published in order, about one to three happenings, with noise."""
    rng = world.rng
    published = START + dt.timedelta(days=number // per_day)
    aid = hashlib.sha1(f"bench-article-{number}".encode()).hexdigest()[:32]
    events: list[Event] = []
    for _ in range(rng.randint(1, 3)):
        events += _claims(world, world.happening(published), published, aid, len(events))
    while len(events) < EVENTS_PER_ARTICLE:
        kind, who = rng.choice(TYPES), (world.person(),) if rng.random() < 0.6 else (world.person(), world.person())
        if len(set(who)) < len(who):
            who = who[:1]
        events.append(_event(f"{aid}-{len(events)}", kind, who, rng.choice(STATUSES), None, None, 200 * len(events)))
    return ArticleResult(Article(id=aid, text=f"Invented article {number}.", source=f"bench/{number}.txt",
                                 published=published), tuple(events))


def _stories(engine: Engine) -> set[tuple[str, int, str]]:
    """Every story: id, number of claims and status."""
    return {(s.id, s.n_claims, s.status) for s in store.list_stories(engine)}


def run(sizes: list[int], batch: int, seed: int) -> list[dict[str, float]]:
    """Articles saved one by one into one store; `link_pending` every `batch` articles; at the
    smallest and the largest size a full relink. The seconds spent linking, per size: in all
    (`incremental_s`), per 1,000 articles so far, and per 1,000 of the articles added since the
    previous size (`marginal_s_per_1k`: the cost of an article in a store of that size)."""
    world, per_day = World.make(seed), 40
    rows: list[dict[str, float]] = []
    ordered = sorted(sizes)
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        engine = store.connect(db_url(str(Path(tmp) / "bench.db")))
        linking, done = 0.0, 0
        for size in ordered:
            before, start = linking, done
            while done < size:
                for _ in range(min(batch, size - done)):
                    store.save_result(engine, article(world, done, per_day))
                    done += 1
                began = time.perf_counter()
                store.link_pending(engine)
                linking += time.perf_counter() - began
            row: dict[str, float] = {"articles": size, "incremental_s": round(linking, 3),
                                     "incremental_s_per_1k": round(linking / size * 1000, 3),
                                     "marginal_s_per_1k": round((linking - before) / (size - start) * 1000, 3)}
            if size in (ordered[0], ordered[-1]):
                linked = _stories(engine)
                began = time.perf_counter()
                row["stories"] = store.relink(engine)
                row["relink_s"] = round(time.perf_counter() - began, 3)
                row["relink_s_per_1k"] = round(row["relink_s"] / size * 1000, 3)
                row["relink_same"] = float(_stories(engine) == linked)  # 1.0: run by run = all at once
            rows.append(row)
            print(json.dumps(rows[-1]), file=sys.stderr)
        engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--batch", type=int, default=50, help="articles per run (link_pending after each)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if any(s < 1 for s in args.sizes) or args.batch < 1:
        parser.error("sizes and --batch must be positive")
    rows = run(args.sizes, args.batch, args.seed)
    first, last = rows[0], rows[-1]
    ratios = {"marginal": round(last["marginal_s_per_1k"] / first["marginal_s_per_1k"], 3) if first["marginal_s_per_1k"] else 0.0,
              "relink": round(last["relink_s_per_1k"] / first["relink_s_per_1k"], 3) if first["relink_s_per_1k"] else 0.0}
    linear = all(r <= LINEAR_BOUND for r in ratios.values())
    if args.json:
        print(json.dumps({"sizes": rows, "ratio_largest_to_smallest": ratios, "linear_bound": LINEAR_BOUND,
                          "linear": linear}))
    else:
        for row in rows:
            relinked = (f"  full relink {row['relink_s_per_1k']:7.3f} s/1k ({int(row['stories'])} stories)"
                        if "relink_s" in row else "")
            print(f"{int(row['articles']):>6} articles  linking {row['incremental_s_per_1k']:7.3f} s/1k so far, "
                  f"{row['marginal_s_per_1k']:7.3f} s/1k of the latest (total {row['incremental_s']:.1f} s){relinked}")
        print(f"per-article cost, {int(last['articles'])} vs {int(first['articles'])}: linking x{ratios['marginal']}, "
              f"full relink x{ratios['relink']} ({'linear' if linear else 'NOT linear'}: bound {LINEAR_BOUND})")
    return 0 if linear else 1


if __name__ == "__main__":
    sys.exit(main())
