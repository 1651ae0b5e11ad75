"""Curation and significance: what a person's edits do to the stories linking built, and how
story lists are ranked and thinned.

Edits (`model.Edit`) are anchored on event ids, which are content hashes: a story's id derives
from its first claim and changes when an earlier report joins it, but its claims' event ids do
not. `apply` runs after linking every time a story's claims are (re)built — a new article, a
relink — so an edit survives both, and the same edits over the same reports give the same
stories in any order of arrival:

- merge: every story holding one of the edit's events becomes one story;
- split: the edit's events are taken out of their stories and form a story of their own;
- rename: the story holding most of the edit's events is titled as the edit says (the latest
  rename of a story wins);
- reject: the event is a claim of no story (the store leaves it out before linking).

Edits apply in the order they were made. Linking's own stories are kept as they are unless an
edit changed their claims; a changed story is rebuilt from its claims by `stories.story`.

Significance (what ranks a story list): distinct sources + distinct articles + status changes
(`significance`), ties broken by the latest update, then the id. A story that rests on one
claim, or whose participants are all generic ("~officials", "~people": nobody named), is
hidden from lists by default (`hidden`).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from . import stories as linking
from .model import Edit, Story

Group = frozenset[str]  # the event ids of one story's claims


# ---------------------------------------------------------------- significance
def changes(story: Story) -> int:
    """How many times the status changed along the story's claims (in timeline order)."""
    return sum(1 for a, b in pairwise(story.claims) if a.status != b.status)


def significance(story: Story) -> int:
    """Distinct sources (who says so) + distinct articles + status changes: each is evidence
    that the happening matters (more reports, more independent voices, more turns)."""
    return story.reach.sources + story.articles + changes(story)


def generic(story: Story) -> bool:
    """No participant is named: all are generic groups ("~people", "~officials") or none."""
    prefix = linking.rules().generic_prefix
    return all(a.name.startswith(prefix) or not a.name.strip() for a in story.participants)


def hidden(story: Story) -> bool:
    """Left out of story lists unless all are asked for: one claim, or generic participants."""
    return story.n_claims <= 1 or generic(story)


# ---------------------------------------------------------------- edits
def apply(built: Sequence[Story], reports: Mapping[str, linking.Report], edits: Iterable[Edit]) -> list[Story]:
    """The stories of `built` (linking's, with their claims) after the edits, in edit order;
    sorted by id. `reports` holds every claim's report by event id. Rejections are not
    applied here: a rejected event has no claim."""
    edits = list(edits)
    groups = groups_of(built)
    for edit in edits:
        if edit.kind == "merge":
            groups = _merge(groups, set(edit.events))
        elif edit.kind == "split":
            groups = _split(groups, set(edit.events))
    kept = dict(zip(groups_of(built), built, strict=True))
    out = [kept.get(g) or _rebuilt(g, built, reports) for g in groups if g]
    return sorted(_renamed(out, [e for e in edits if e.kind == "rename"]), key=lambda s: s.id)


def groups_of(built: Sequence[Story]) -> list[Group]:
    return [frozenset(c.event_id for c in s.claims) for s in built]


def _merge(groups: list[Group], events: set[str]) -> list[Group]:
    touched = [g for g in groups if g & events]
    if len(touched) < 2:
        return groups
    merged = frozenset().union(*touched)
    out = [g for g in groups if not g & events]
    return [*out, merged]


def _split(groups: list[Group], events: set[str]) -> list[Group]:
    present = frozenset(e for g in groups for e in g & events)
    if not present or present in groups:
        return groups
    return [*(g - present for g in groups if g - present), present]


def _rebuilt(group: Group, built: Sequence[Story], reports: Mapping[str, linking.Report]) -> Story:
    """The story of claims an edit brought together (or took apart), built from their reports
    as linking builds one: each report with the status its claim had (linking may have read a
    report as a plan: see `stories._not_yet`), the family of the story most claims came from."""
    claim_of = {c.event_id: c for s in built for c in s.claims}
    source = max(built, key=lambda s: (sum(c.event_id in group for c in s.claims), s.id))
    ordered = linking.in_claim_order([_as_claimed(reports[e], claim_of[e].status) for e in sorted(group)])
    return linking.story(ordered, _family(source))


def _as_claimed(report: linking.Report, status: str) -> linking.Report:
    if report.event.status == status:
        return report
    return dataclasses.replace(report, event=dataclasses.replace(report.event, status=status))


def _family(story: Story) -> str:
    """The family of event types a story was built as (its type is the family's canonical one,
    or the most frequent type of its claims)."""
    canonical = {t: fam for fam, t in linking.rules().canonical.items()}
    return canonical.get(story.type) or linking.family(story.type)


def _renamed(found: list[Story], renames: Sequence[Edit]) -> list[Story]:
    titles: dict[str, str] = {}
    for edit in renames:
        events = set(edit.events)
        best = max(found, key=lambda s: (sum(c.event_id in events for c in s.claims), s.id), default=None)
        if best is not None and edit.title and any(c.event_id in events for c in best.claims):
            titles[best.id] = edit.title
    return [dataclasses.replace(s, title=titles[s.id]) if s.id in titles else s for s in found]


# ---------------------------------------------------------------- story lists
ORDERS: tuple[str, ...] = ("significance", "latest")


@dataclass(frozen=True)
class Listing:
    """Which stories a list shows and how it orders them: the same options in the CLI
    (`--all`, `--min-articles`, `--order`) and the API (`all`, `min_articles`, `order`)."""

    all: bool = False            # hidden stories too (one claim, generic participants)
    min_articles: int = 1        # only stories reported in at least this many articles
    order: str = "significance"  # or "latest": the latest update first


SHOWN = Listing()  # the lists' default: hidden stories left out, most significant first
EVERY = Listing(all=True, order="latest")  # every story, latest first: exports and the library's default
