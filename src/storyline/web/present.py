"""What the API returns and the pages show, built from the store's records.

JSON objects are the CLI's (`output.event_dict`, `output.story_dict`, `output.result_dict`)
with a few context fields; the page helpers (labels, status paths, conflict groups) are plain
functions the templates call.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from .. import output
from ..model import STATUSES, Actor, Attribution, Claim, Event, Place, Story, TimeSpan, to_dict
from ..output import count_label as count_label
from ..output import figure_label as figure_label
from ..store import StoredEvent
from ..stories import figures as figures
from .queries import Page


# ---------------------------------------------------------------- JSON
def listed_event(item: StoredEvent) -> dict[str, Any]:
    return {
        **output.event_dict(item.event), "article": item.article_id, "published": _iso(item.published),
        "title": item.title, "outlet": item.outlet, "url": item.url, "story": item.story_id,
        "claim_status": item.claim_status, "change": item.change, "reach": to_dict(item.reach),
    }


def article_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"], "published": _iso(row["published"]), "title": row["title"], "outlet": row["outlet"],
        "source": row["source"], "chars": int(row["chars"] or 0), "removed": int(row["removed"] or 0),
        "events": int(row["events"] or 0),
    }


def page_dict(page: Page[Any], items: list[Any]) -> dict[str, Any]:
    return {"items": items, "total": page.total, "limit": page.limit, "offset": page.offset}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


# ---------------------------------------------------------------- labels for pages
def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return ""
    name = actor.name.lstrip("~")
    if actor.name.startswith("~"):
        name = f"unnamed {name}"
    tags = "/".join(x for x in (actor.country, actor.sector) if x)
    return f"{name} ({tags})" if tags else name


def actors_label(actors: Sequence[Actor]) -> str:
    return ", ".join(actor_label(a) for a in actors)


def who_says(who: Attribution | None) -> str:
    if who is None:
        return "the article (narrator)"
    return actor_label(who.actor) + (", anonymous" if who.anonymous else "")


def when(span: TimeSpan | None) -> str:
    if span is None or span.start is None:
        return ""
    days = span.start.isoformat() if span.start == span.end or span.end is None else f"{span.start} – {span.end}"
    return f"{days} ({span.text})" if span.text else days


def place(location: Place | None) -> str:
    if location is None:
        return ""
    return f"{location.name} ({location.country})" if location.country else location.name


def inline_code(text: str) -> Markup:
    """Escaped text with `backquoted` spans as <code> (for the API descriptions)."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def web_url(url: str | None) -> str | None:
    """A URL fit for a link: http(s) only (never `javascript:` or `data:` from an input)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def kind(event: Event) -> str:
    return event.type + (f" / {event.mode}" if event.mode else "")


# ---------------------------------------------------------------- stories
@dataclass(frozen=True)
class Step:
    """A change of a story's status along its timeline."""

    status: str
    change: str
    index: int          # the claim that made it


def status_path(story: Story) -> list[Step]:
    """The story's status changes in timeline order (e.g. planned → cancelled)."""
    steps: list[Step] = []
    for i, claim in enumerate(story.claims):
        if claim.change and (not steps or steps[-1].status != claim.status):
            steps.append(Step(claim.status, claim.change, i))
        elif not steps:
            steps.append(Step(claim.status, "reported", i))
    return steps


@dataclass(frozen=True)
class ConflictGroup:
    """Claims that contradict each other at one moment: one column per status."""

    published: dt.date | None
    columns: list[tuple[str, list[tuple[int, Claim]]]]


def conflicts(story: Story) -> list[ConflictGroup]:
    moments: dict[dt.date | None, dict[str, list[tuple[int, Claim]]]] = {}
    for i, claim in enumerate(story.claims):
        if claim.conflict:
            moments.setdefault(claim.published, {}).setdefault(claim.status, []).append((i, claim))
    return [
        ConflictGroup(day, sorted(by_status.items(), key=lambda kv: STATUSES.index(kv[0]) if kv[0] in STATUSES else 99))
        for day, by_status in moments.items() if len(by_status) > 1
    ]


def source_label(claim: Claim, titles: Mapping[str, Mapping[str, Any]]) -> str:
    """Where a claim was reported: outlet, else the article's title, else its file name."""
    info = titles.get(claim.article_id, {})
    return str(claim.outlet or info.get("outlet") or info.get("title") or info.get("source") or claim.article_id)


# ---------------------------------------------------------------- paging links
def page_url(path: str, params: Mapping[str, str], offset: int | None, limit: int, default_limit: int) -> str | None:
    if offset is None:
        return None
    query = dict(params)
    if offset:
        query["offset"] = str(offset)
    if limit != default_limit:
        query["limit"] = str(limit)
    return f"{path}?{urlencode(query)}" if query else path
