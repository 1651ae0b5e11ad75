"""Rendering for the CLI: the JSON output contract and Rich tables. No logic of its own."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .model import (
    Actor,
    Alert,
    Article,
    ArticleResult,
    Attribution,
    Claim,
    Count,
    Edit,
    Event,
    Figure,
    Reach,
    Story,
    StoryFigures,
    TimeSpan,
    actor_dict,
    to_dict,
)
from .stories import figures, history
from .titles import title


def article_dict(article: Article) -> dict[str, Any]:
    """The `article` object of the output contract (DESIGN.md); each removal also names its `rule`."""
    return {
        "id": article.id, "title": article.title, "url": article.url, "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        "published_source": article.published_source, "text": article.text,
        "removed": [{"text": r.text, "reason": r.reason, "rule": r.rule} for r in article.removed],
    }


def result_dict(result: ArticleResult) -> dict[str, Any]:
    return {"article": article_dict(result.article), "events": [event_dict(e) for e in result.events]}


def event_dict(event: Event) -> dict[str, Any]:
    out = to_dict(event)
    if event.date is not None:
        out["date"] = {k: out["date"][k] for k in ("start", "end", "precision", "text")}
    return out


def clean_dict(path: str, article: Article) -> dict[str, Any]:
    """One line of `storyline clean --format json`."""
    return {
        "path": path, "id": article.id, "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "text": article.text, "removed": [{"text": r.text, "reason": r.reason} for r in article.removed],
    }


def json_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def actor_label(actor: Mapping[str, Any] | None) -> str:
    if not actor:
        return ""
    tags = "/".join(x for x in (actor.get("country"), actor.get("sector")) if x)
    return f"{actor['name']} ({tags})" if tags else str(actor["name"])


def events_table(events: Sequence[Event], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, expand=False)
    for name in ("type", "status", "actors", "recipients", "date", "place", "says who"):
        table.add_column(name, overflow="fold")
    for ev in events:
        data = to_dict(ev)
        table.add_row(
            f"{ev.type}" + (f"/{ev.mode}" if ev.mode else ""), ev.status,
            ", ".join(actor_label(a) for a in data["actors"]),
            ", ".join(actor_label(a) for a in data["recipients"]),
            _date_label(ev), ev.location.name if ev.location else "",
            actor_label(data["attributed_to"]) + (" (anon.)" if ev.attributed_to and ev.attributed_to.anonymous else ""),
        )
    return table


def _date_label(ev: Event) -> str:
    if ev.date is None or ev.date.start is None:
        return ""
    if ev.date.start == ev.date.end:
        return ev.date.start.isoformat()
    return f"{ev.date.start}..{ev.date.end}"


def print_article(console: Console, article: Article, events: Sequence[Event] = ()) -> None:
    """`storyline show`: metadata, the cleaned text, events, and the removed boilerplate apart."""
    head = Table.grid(padding=(0, 2))
    for label, value in (
        ("id", article.id), ("title", article.title), ("outlet", article.outlet), ("url", article.url),
        ("published", f"{article.published} ({article.published_source})" if article.published else "unknown"),
        ("source", article.source),
    ):
        if value:
            head.add_row(Text(label, style="bold"), str(value))
    console.print(head)
    console.print(Panel(article.text, title="cleaned text", expand=True))
    if events:
        console.print(events_table(events, title="events"))
    removed = Table(title=f"removed ({len(article.removed)})", show_lines=True)
    removed.add_column("reason", style="yellow", no_wrap=True)
    removed.add_column("rule", style="dim", no_wrap=True)
    removed.add_column("text", overflow="fold")
    for item in article.removed:
        removed.add_row(item.reason, item.rule, item.text)
    console.print(removed)


def articles_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title=f"{len(rows)} articles")
    for name in ("id", "published", "outlet", "title", "chars", "removed", "events"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(
            row["id"], str(row["published"] or ""), row["outlet"] or "",
            row["title"] or row["source"] or "", str(row["chars"]), str(row["removed"]), str(row["events"]),
        )
    return table


def rows_table(rows: Sequence[Mapping[str, Any]], title: str | None = None) -> Table:
    """A plain table of uniform dict rows (columns from the first row)."""
    table = Table(title=title)
    columns = list(rows[0]) if rows else []
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(f"{row[c]:.4f}" if isinstance(row[c], float) else str(row[c]) for c in columns))
    return table


# ---------------------------------------------------------------- stories
def _span(date: TimeSpan | None) -> dict[str, Any] | None:
    if date is None:
        return None
    return {"start": _iso(date.start), "end": _iso(date.end), "precision": date.precision, "text": date.text}


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _reach_label(reach: Reach) -> str:
    counts = (("article", reach.articles), ("outlet", reach.outlets), ("source", reach.sources), ("mention", reach.mentions))
    return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for word, n in counts)


def story_dict(story: Story, claims: bool = False) -> dict[str, Any]:
    """A line of `storyline stories --format json`; with `claims`, `storyline story ID`, which
    also carries the story's summary figures (`figures`: casualties and Goldstein score)."""
    out = {
        "id": story.id, "title": title(story), "type": story.type, "participants": [actor_dict(a) for a in story.participants],
        "location": to_dict(story.location), "status": story.status, "conflict": story.conflict,
        "articles": story.articles, "reach": to_dict(story.reach), "date": _span(story.date),
        "updated": _iso(story.updated),
    }
    if claims:
        out["figures"] = figures_dict(figures(story))
        out["claims"] = [claim_dict(c) for c in story.claims]
        out["history"] = [{"published": _iso(p), "status": s} for p, s in history(story)]
    return out


def _who(who: Attribution | None) -> dict[str, Any] | None:
    return {**actor_dict(who.actor), "anonymous": who.anonymous} if who else None


def figure_dict(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {**to_dict(figure.count), "published": _iso(figure.published), "article": figure.article_id,
            "outlet": figure.outlet, "attributed_to": _who(figure.attributed_to)}


def figures_dict(found: StoryFigures) -> dict[str, Any]:
    """`{"killed": {"latest", "highest"}, "wounded": {...}, "goldstein"}` (see `stories.figures`)."""
    return {
        "killed": {"latest": figure_dict(found.killed_latest), "highest": figure_dict(found.killed_highest)},
        "wounded": {"latest": figure_dict(found.wounded_latest), "highest": figure_dict(found.wounded_highest)},
        "goldstein": found.goldstein,
    }


def claim_dict(claim: Claim) -> dict[str, Any]:
    return {
        "published": _iso(claim.published), "status": claim.status, "date": _span(claim.date),
        "location": to_dict(claim.location), "attributed_to": _who(claim.attributed_to),
        "article": claim.article_id, "outlet": claim.outlet,
        "evidence": {"sentence": claim.evidence.sentence, "start": claim.evidence.start, "end": claim.evidence.end},
        "event": claim.event_id, "type": claim.type, "said": _iso(claim.said), "earlier": claim.earlier,
        "change": claim.change,
        "conflict": claim.conflict, "url": claim.url, "casualties": to_dict(claim.casualties),
        "goldstein": claim.goldstein,
    }


def _people(actors: Sequence[Actor]) -> str:
    return ", ".join(actor_label(actor_dict(a)) for a in actors)


def _when(date: TimeSpan | None) -> str:
    if date is None or date.start is None:
        return ""
    return date.start.isoformat() if date.start == date.end else f"{date.start}..{date.end}"


def stories_table(stories: Sequence[Story]) -> Table:
    table = Table(title=f"{len(stories)} stories")
    for name in ("id", "title", "participants", "status", "articles", "outlets", "sources", "updated"):
        table.add_column(name, overflow="fold")
    for s in stories:
        status = Text(s.status, style="bold red" if s.conflict else "")
        if s.conflict:
            status.append(" (conflict)", style="red")
        table.add_row(s.id, title(s), _people(s.participants), status, str(s.reach.articles),
                      str(s.reach.outlets), str(s.reach.sources), _iso(s.updated) or "")
    return table


def figure_label(figure: Figure | None) -> str:
    """ "57 (\"at least 57\"), 2018-06-12, Reuters, says Police": a figure and who reports it."""
    if figure is None:
        return ""
    who = figure.attributed_to
    says = f"says {actor_label(actor_dict(who.actor))}" if who else "(narrator)"
    where = ", ".join(x for x in (_iso(figure.published), figure.outlet) if x)
    return f'{count_label(figure.count)}, {where + ", " if where else ""}{says}'


def count_label(count: Count) -> str:
    """ "57 (\"57 people\")", "24..99 (\"dozens\")", "57.. (\"at least 57\")": a stated count."""
    number = str(count.min) if count.max == count.min else f"{count.min}..{count.max if count.max is not None else ''}"
    return f'{number} ("{count.text}")'


def _figure_rows(found: StoryFigures) -> list[tuple[str, str]]:
    rows = [(f"{role} ({which})", figure_label(fig)) for role, which, fig in (
        ("killed", "latest", found.killed_latest), ("killed", "highest", found.killed_highest),
        ("wounded", "latest", found.wounded_latest), ("wounded", "highest", found.wounded_highest)) if fig]
    return rows + ([("goldstein", f"{found.goldstein:+.2f} (mean of its claims)")] if found.goldstein is not None else [])


def print_story(console: Console, story: Story) -> None:
    """`storyline story ID`: the story, then its timeline, one row per claim; status changes
    in bold, claims that conflict at the same moment in red."""
    head = Table.grid(padding=(0, 2))
    for label, value in (
        ("story", story.id), ("title", title(story)), ("type", story.type), ("participants", _people(story.participants)),
        ("status", story.status + (" (conflicting sources)" if story.conflict else "")),
        ("place", story.location.name if story.location else ""), ("date", _when(story.date)),
        ("reach", _reach_label(story.reach)),
        *_figure_rows(figures(story)),
    ):
        head.add_row(Text(label, style="bold"), value)
    console.print(head)
    table = Table(title="timeline", show_lines=True)
    for name in ("published", "status", "change", "event date", "place", "says who", "outlet", "evidence", "event"):
        table.add_column(name, overflow="fold")
    for claim in story.claims:
        style = "red" if claim.conflict else ("bold" if claim.change else "")
        who = claim.attributed_to
        says = (actor_label(actor_dict(who.actor)) + (" (anon.)" if who.anonymous else "")) if who else "(narrator)"
        if claim.said or claim.earlier:
            says += f", {claim.said or 'earlier'}"
        table.add_row(_iso(claim.published) or "", claim.status, claim.change or "", _when(claim.date),
                      claim.location.name if claim.location else "", says, claim.outlet or "",
                      claim.evidence.sentence, claim.event_id[:EVENT_PREFIX], style=style)
    console.print(table)


# ---------------------------------------------------------------- alerts
def alert_dict(alert: Alert) -> dict[str, Any]:
    """A line of `storyline alerts list --format json` (the secret is never shown)."""
    return {"name": alert.name, "actors": list(alert.actors), "type": alert.type, "status": alert.status,
            "place": alert.place, "webhook": alert.webhook, "signed": alert.secret is not None, "email": alert.email,
            "feed": f"/alerts/{alert.name}.atom", "created": _iso(alert.created)}


def alert_row(alert: Alert) -> dict[str, Any]:
    follows = [*(f"actor {a}" for a in alert.actors), *(f"{k} {v}" for k, v in
               (("type", alert.type), ("status", alert.status), ("place", alert.place)) if v)]
    sends = [*([f"webhook {alert.webhook}" + (" (signed)" if alert.secret else "")] if alert.webhook else []),
             *([f"email {alert.email}"] if alert.email else []), f"feed /alerts/{alert.name}.atom"]
    return {"name": alert.name, "follows": "; ".join(follows) or "every story", "sends to": "; ".join(sends),
            "since": _iso(alert.created) or ""}


def alert_log_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """A line of `storyline alerts log --format json`: the change as sent, and its deliveries."""
    return {"alert": row["alert"], "found": _iso(row["found"]), "key": row["key"], "payload": row["payload"],
            "deliveries": [{**d, "at": _iso(d["at"])} for d in row["deliveries"]]}


def alert_log_row(row: Mapping[str, Any]) -> dict[str, Any]:
    data = row["payload"]
    change = data["change"]
    step = f"{change['from']} → {change['to']}" if change["from"] != change["to"] else f"{change['to']} (contradicted)"
    tries = "; ".join(f"{d['channel']} #{d['attempt']} {d['outcome']}" + (f": {d['detail']}" if d["detail"] else "")
                      for d in row["deliveries"]) or "feed only"
    return {"found": _iso(row["found"]), "alert": row["alert"], "story": data["story"]["title"], "change": step,
            "reported": change.get("at") or "", "deliveries": tries}


EVENT_PREFIX = 10  # how much of a claim's event id a timeline shows: enough for `story split --claims`


def edit_dict(edit: Edit) -> dict[str, Any]:
    """A line of `storyline edits --format json` (and the API's edits)."""
    return {"id": edit.id, "kind": edit.kind, "events": list(edit.events), "stories": list(edit.stories),
            "title": edit.title, "reason": edit.reason, "who": edit.who, "at": edit.at.isoformat(),
            "undone_at": edit.undone_at.isoformat() if edit.undone_at else None}


def edits_table(found: Sequence[Edit]) -> Table:
    table = Table(title=f"{len(found)} edits")
    for name in ("#", "kind", "stories", "events", "title / reason", "by", "at", "undone"):
        table.add_column(name, overflow="fold")
    for e in found:
        table.add_row(str(e.id), e.kind, " ".join(s[:EVENT_PREFIX] for s in e.stories),
                      " ".join(x[:EVENT_PREFIX] for x in e.events[:6]) + (" ..." if len(e.events) > 6 else ""),
                      e.title or e.reason or "", e.who, f"{e.at:%Y-%m-%d %H:%M}",
                      f"{e.undone_at:%Y-%m-%d %H:%M}" if e.undone_at else "", style="dim" if e.undone_at else "")
    return table
