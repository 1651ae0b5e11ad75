"""Story linking scored against story gold (`../shared/gold/*/story-*.json`, GOLD.md's story format).

Every article of all the groups given is processed, in publication order (then by id), into one
fresh store, as `storyline process FILE --published DATE` would do; then each group is matched
to the story found for it and measured on what issue 13 asks:

- **the story found for a group**: among the stored stories whose type is compatible with the
  group's (equal, or one of GOLD.md's equal pairs; an AGREE story also answers a meeting group,
  since PLOVER codes a planned meeting as AGREE) and that share at least one
  participant with the group (GOLD.md's actor rule), the one that holds most of the group's
  articles; ties go to more matching participants, then more claims from the group's articles,
  then the smaller id. No candidate: no story found, and every measure of the group fails.
- `final_status`: share of groups whose story's current status is the gold status of the
  group's last article (publication order, then id);
- `history`: share of the groups' articles (counted once per group) for which the story's
  status as of the article's publication date (the status of its last claim published on or
  before that date) equals the gold `status_by_article`;
- per group, `coverage` (share of its articles among the story's articles) and `foreign` (the
  story's articles that belong to another group and not to this one: another occurrence);
  overall `coverage_min`, `coverage_mean`, `foreign` (total) and `clean_groups` (share of
  groups with no foreign article);
- `stories_per_article`: every stored story, hidden or not, per processed article
  (`articles_per_story` is its inverse, so that a floor can guard it).

The scorer itself (`score`) is a function of the groups, the stories with their claims and the
number of articles, so its logic is tested on invented groups without any processing.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import StorylineError
from ..model import STATUSES, ArticleResult, Story
from .events import EQUIVALENT_TYPES, GoldActor, PredActor, actor_matches


@dataclass(frozen=True)
class Group:
    """One story-*.json file: the articles that report one happening and its status in each."""

    name: str
    articles: tuple[str, ...]
    type: str
    participants: tuple[GoldActor, ...]
    status_by_article: Mapping[str, str]


@dataclass(frozen=True)
class CorpusArticle:
    id: str
    path: Path
    published: dt.date


@dataclass(frozen=True)
class GroupScore:
    group: str
    story_id: str | None
    title: str | None
    final_gold: str
    final_found: str | None
    history_right: int
    articles: int
    covered: int
    foreign: tuple[str, ...]

    @property
    def final_right(self) -> bool:
        return self.final_found == self.final_gold

    @property
    def coverage(self) -> float:
        return self.covered / self.articles if self.articles else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group, "story": self.story_id, "title": self.title, "final_gold": self.final_gold,
                "final_found": self.final_found, "final_right": self.final_right,
                "history": round(self.history_right / self.articles, 4) if self.articles else 0.0,
                "coverage": round(self.coverage, 4), "articles": self.articles, "foreign": len(self.foreign),
                "foreign_articles": list(self.foreign)}


@dataclass(frozen=True)
class StoryScores:
    groups: tuple[GroupScore, ...]
    articles: int
    stories: int

    def as_dict(self) -> dict[str, Any]:
        n = len(self.groups)
        pairs = sum(g.articles for g in self.groups)
        return {
            "groups": n,
            "final_status": round(sum(g.final_right for g in self.groups) / n, 4) if n else 0.0,
            "history": round(sum(g.history_right for g in self.groups) / pairs, 4) if pairs else 0.0,
            "coverage_min": round(min((g.coverage for g in self.groups), default=0.0), 4),
            "coverage_mean": round(sum(g.coverage for g in self.groups) / n, 4) if n else 0.0,
            "foreign": sum(len(g.foreign) for g in self.groups),
            "clean_groups": round(sum(not g.foreign for g in self.groups) / n, 4) if n else 0.0,
            "articles": self.articles, "stories": self.stories,
            "stories_per_article": round(self.stories / self.articles, 4) if self.articles else 0.0,
            "articles_per_story": round(self.articles / self.stories, 4) if self.stories else 0.0,
            "per_group": [g.as_dict() for g in self.groups],
        }


# ---------------------------------------------------------------- reading the gold
def load_group(path: Path) -> Group:
    """A story gold file; a clear one-line error naming the file when it is not one."""
    try:
        data = json.loads(path.read_text("utf-8"))
        articles = tuple(str(a) for a in data["articles"])
        statuses = {str(k): str(v) for k, v in data["status_by_article"].items()}
        group = Group(str(data["group"]), articles, str(data["type"]).upper(),
                      tuple(GoldActor.parse(p) for p in data["participants"]), statuses)
    except OSError as exc:
        raise StorylineError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise StorylineError(f"{path}: not a story gold file ({reason})") from None
    missing = [a for a in articles if statuses.get(a) not in STATUSES]
    if not articles or missing:
        raise StorylineError(f"{path}: not a story gold file (no valid status_by_article for {missing or 'any article'})")
    return group


def load_index(corpus: Path) -> dict[str, CorpusArticle]:
    """The corpus's `index.jsonl`: each article's file and publication date."""
    index = corpus / "index.jsonl"
    if not index.is_file():
        raise StorylineError(f"{index}: no such file (the corpus folder, --corpus, must hold index.jsonl)")
    out: dict[str, CorpusArticle] = {}
    for number, line in enumerate(index.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out[str(row["id"])] = CorpusArticle(str(row["id"]), corpus / f"{row['id']}.txt",
                                                dt.date.fromisoformat(row["published"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise StorylineError(f"{index}: line {number} is not an index record ({exc})") from None
    return out


def articles_in_order(groups: Sequence[Group], index: Mapping[str, CorpusArticle]) -> list[CorpusArticle]:
    """Every article of the groups once, in publication order, then by id."""
    wanted = sorted({a for g in groups for a in g.articles})
    missing = [a for a in wanted if a not in index or not index[a].path.is_file()]
    if missing:
        raise StorylineError(f"articles {', '.join(missing)}: not in the corpus index or without a text file")
    return sorted((index[a] for a in wanted), key=lambda a: (a.published, a.id))


# ---------------------------------------------------------------- the story of a group
def types_compatible(gold_type: str, story_type: str) -> bool:
    """Equal, one of GOLD.md's equal pairs, or an AGREE story for a meeting (PLOVER codes a
    planned meeting as AGREE)."""
    pair = {gold_type, story_type}
    return len(pair) == 1 or pair in EQUIVALENT_TYPES or (gold_type == "CONSULT" and story_type == "AGREE")


def _matched(group: Group, story: Story) -> int:
    preds = [PredActor(a.name, a.country, a.sector) for a in story.participants]
    return sum(any(actor_matches(g, p) for p in preds) for g in group.participants)


def find_story(group: Group, stories: Iterable[Story]) -> Story | None:
    """The story found for a group (see the module docstring)."""
    wanted = set(group.articles)
    best: tuple[int, int, int, str] | None = None
    found: Story | None = None
    for story in stories:
        matched = _matched(group, story)
        if not matched or not types_compatible(group.type, story.type):
            continue
        held = {c.article_id for c in story.claims} & wanted
        key = (-len(held), -matched, -sum(c.article_id in wanted for c in story.claims), story.id)
        if held and (best is None or key < best):
            best, found = key, story
    return found


def status_as_of(story: Story, date: dt.date) -> str | None:
    """The story's status as of a date: that of its last claim published on or before it."""
    status = None
    for claim in story.claims:  # claims are in timeline order
        if claim.published is not None and claim.published <= date:
            status = claim.status
    return status


def score_group(group: Group, stories: Sequence[Story], published: Mapping[str, dt.date],
                others: frozenset[str], title: Callable[[Story], str | None] = lambda s: None) -> GroupScore:
    ordered = sorted(group.articles, key=lambda a: (published[a], a))
    final_gold = group.status_by_article[ordered[-1]]
    story = find_story(group, stories)
    if story is None:
        return GroupScore(group.name, None, None, final_gold, None, 0, len(ordered), 0, ())
    held = {c.article_id for c in story.claims}
    right = sum(status_as_of(story, published[a]) == group.status_by_article[a] for a in ordered)
    foreign = tuple(sorted((held & others) - set(group.articles)))
    return GroupScore(group.name, story.id, title(story), final_gold, story.status, right, len(ordered),
                      len(held & set(group.articles)), foreign)


def score(groups: Sequence[Group], stories: Sequence[Story], published: Mapping[str, dt.date], articles: int,
          title: Callable[[Story], str | None] = lambda s: None) -> StoryScores:
    """Every group scored against the stories (with their claims) of one store."""
    every = frozenset(a for g in groups for a in g.articles)
    scored = tuple(score_group(g, stories, published, every, title) for g in groups)
    return StoryScores(scored, articles, len(stories))


def evaluate(paths: Sequence[Path], corpus: Path, process: Callable[[Sequence[CorpusArticle]], Sequence[Story]],
             title: Callable[[Story], str | None] = lambda s: None) -> StoryScores:
    """Load the groups, hand their articles in publication order to `process` (which stores them
    in one fresh store and returns every story with its claims), and score."""
    groups = [load_group(p) for p in paths]
    names = [g.name for g in groups]
    if len(set(names)) < len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise StorylineError(f"story gold: a group is given twice ({', '.join(twice)})")
    ordered = articles_in_order(groups, load_index(corpus))
    stories = process(ordered)
    return score(groups, stories, {a.id: a.published for a in ordered}, len(ordered), title)


def process_into(url: str, articles: Sequence[CorpusArticle], extractor: Any, max_bytes: int) -> list[Story]:
    """Each article stored and linked as `storyline process FILE --published DATE --db URL` does
    it, one after the other, in the order given; every stored story with its claims, whose
    article ids are given back as the corpus's ids (the store's are content hashes)."""
    from .. import pipeline, store
    from ..settings import Settings

    settings = Settings(db=url, max_bytes=max_bytes)
    corpus_id: dict[str, str] = {}
    for article in articles:
        def keep(item: Any, _: bool, name: str = article.id) -> None:
            if isinstance(item, ArticleResult):
                corpus_id[item.article.id] = name

        summary = pipeline.run([str(article.path)], settings, published=article.published, extractor=extractor,
                               on_item=keep)
        if summary.rejected:
            raise StorylineError(f"{article.path}: rejected while scoring stories: {summary.rejected[0].message()}")
    engine = store.connect(url)
    found = [store.load_story(engine, s.id) for s in store.list_stories(engine)]
    engine.dispose()
    return [replace(s, claims=tuple(replace(c, article_id=corpus_id.get(c.article_id, c.article_id)) for c in s.claims))
            for s in found if s is not None]
