"""Alerts: watch lists over the stories, and what they send when a story changes status.

A watch list (`model.Alert`) names the stories it follows (participants, type, status, place)
and where its changes go: a webhook (a JSON POST, signed when it has a secret), an e-mail
address (through the SMTP server of the settings), and always its Atom feed
(`/alerts/NAME.atom`, served by `storyline serve`).

What a change is. A story's status on a publication day is that of the day's last claim (its
status history); its current status was reached from the status of the last day that said
otherwise: that step, from → to, with the first claim since that says the current status, is
the story's change. A story whose days all say one status has none (a new plan is not a
change; its being called off, reported on a later day, is). A story also changes when a claim of it is
newly contradicted by another source at the same moment (a conflict).

Never twice. A change is recorded per watch list with the claim's event id, which never changes
(an event id is a hash of its article and its place in it), however the stories are relinked
and their ids move. A status change is known when a change with the same from → to is
recorded for any claim that says the current status since the change: a later article repeating
"called off" joins the run and sends nothing; an older one that takes the run's first place
sends nothing either; a story revived and called off again starts a new run, and is sent.
Conflicts are recorded per contradicted claim.

Baseline. Adding a watch list records every story's current change and conflicts as seen
(never sent), so it sends only what changes from then on, not the past.

When. `after_linking` runs after every run that links articles (`process`, `watch`, `load`,
uploads): it looks at every story (so a run killed between linking and alerting is caught up
by the next one), records what is new in one transaction, then delivers every recorded change
not yet delivered, retrying with backoff; each attempt is recorded (`alerts log`), and a
failed delivery is tried again on the next run until `alert_give_up` attempts.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import smtplib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select

from .database import alert_changes, alert_deliveries, alerts, articles, claims, events, insert_new, stories, writing
from .errors import StorylineError
from .model import STATUSES, Alert, Story, actor_dict, to_dict
from .ontology import PLOVER_TYPES
from .settings import Settings
from .store import story_from_row
from .stories import actor_matches, country_table, name_key, rules
from .text import fold
from .titles import title

log = logging.getLogger("storyline.alerts")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")
CHANNELS = ("webhook", "email")
SIGNATURE = "X-Storyline-Signature"
CHUNK = 500


# ---------------------------------------------------------------- watch lists
def check(alert: Alert) -> Alert:
    """The alert as stored, or a one-line error naming the option at fault."""
    if not NAME.match(alert.name):
        raise StorylineError(f"alert {alert.name!r}: a name is 1-64 letters, digits, '.', '_' or '-', starting with a "
                             "letter or digit (it is part of the feed's URL)")
    if alert.type is not None and alert.type.upper() not in PLOVER_TYPES:
        raise StorylineError(f"--type {alert.type!r}: expected one of {', '.join(PLOVER_TYPES)}")
    if alert.status is not None and alert.status not in STATUSES:
        raise StorylineError(f"--status {alert.status!r}: expected one of {', '.join(STATUSES)}")
    if alert.webhook is not None:
        parts = urlsplit(alert.webhook)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StorylineError(f"--webhook {alert.webhook!r}: expected an http:// or https:// URL")
    if alert.email is not None and not EMAIL.match(alert.email):
        raise StorylineError(f"--email {alert.email!r}: expected an e-mail address (name@host)")
    if alert.secret is not None and alert.webhook is None:
        raise StorylineError("--secret: signs the webhook's body; give --webhook too")
    if any(not a.strip() for a in alert.actors) or (alert.place is not None and not alert.place.strip()):
        raise StorylineError("--actor and --place must not be empty")
    return Alert(alert.name, tuple(a.strip() for a in alert.actors), alert.type.upper() if alert.type else None,
                 alert.status, alert.place.strip() if alert.place else None, alert.webhook, alert.secret, alert.email)


def add(engine: Engine, alert: Alert) -> int:
    """Store a watch list; the number of stories whose current state is its baseline."""
    alert = check(alert)
    with writing(engine) as conn:
        row = {"name": alert.name, "actors": list(alert.actors), "type": alert.type, "status": alert.status,
               "place": alert.place, "webhook": alert.webhook, "secret": alert.secret, "email": alert.email,
               "created": _now()}
        if not conn.execute(insert_new(conn, alerts).values(**row)).rowcount:
            raise StorylineError(f"alert {alert.name!r}: already exists (`storyline alerts remove {alert.name}` first, "
                                 "or choose another name)")
        alert_id = conn.execute(select(alerts.c.id).where(alerts.c.name == alert.name)).scalar_one()
        return _baseline(conn, alert_id)


def remove(engine: Engine, name: str) -> int:
    """Remove a watch list with its changes and deliveries; the number of changes it had."""
    with writing(engine) as conn:
        alert_id = _alert_id(conn, name)
        count = conn.execute(select(func.count()).select_from(alert_changes).where(
            alert_changes.c.alert_id == alert_id, alert_changes.c.payload.is_not(None))).scalar() or 0
        ids = select(alert_changes.c.id).where(alert_changes.c.alert_id == alert_id)
        conn.execute(delete(alert_deliveries).where(alert_deliveries.c.change_id.in_(ids)))
        conn.execute(delete(alert_changes).where(alert_changes.c.alert_id == alert_id))
        conn.execute(delete(alerts).where(alerts.c.id == alert_id))
    return int(count)


def _alert_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(alerts.c.id).where(alerts.c.name == name)).scalar()
    if found is None:
        raise StorylineError(f"alert {name!r}: no such alert (see `storyline alerts list`)")
    return int(found)


def list_alerts(engine: Engine) -> list[Alert]:
    if not ready(engine):
        return []
    with engine.connect() as conn:
        return [_alert(r) for r in conn.execute(select(alerts).order_by(alerts.c.name)).mappings()]


def get(engine: Engine, name: str) -> Alert | None:
    if not ready(engine):
        return None
    with engine.connect() as conn:
        row = conn.execute(select(alerts).where(alerts.c.name == name)).mappings().first()
    return _alert(row) if row is not None else None


def _alert(row: Any) -> Alert:
    return Alert(row["name"], tuple(row["actors"] or ()), row["type"], row["status"], row["place"], row["webhook"],
                 row["secret"], row["email"], row["created"])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# ---------------------------------------------------------------- which stories
def matches(alert: Alert, story: Story) -> bool:
    """Whether a watch list follows a story (its status filter is checked on each change)."""
    if alert.type is not None and story.type != alert.type:
        return False
    if alert.place is not None and not place_matches(alert.place, story):
        return False
    return all(any(_names(wanted, p) for p in story.participants) for wanted in alert.actors)


def _names(wanted: str, actor: Any) -> bool:
    """Words of the participant's name (any case, accents folded), its name as linking
    compares names ("Kim Jong-un" = "kim jong un"), or its country code."""
    return actor_matches(wanted, actor) or name_key(wanted) == name_key(actor.name)


def place_matches(wanted: str, story: Story) -> bool:
    """The story's place by name (any case), its country's code or its country's name."""
    where = story.location
    if where is None:
        return False
    if wanted.isupper() and len(wanted) == 3 and where.country == wanted:
        return True
    folded = fold(wanted, ascii_only=True).casefold()
    country = country_table().get(where.country or "", ("", ""))[0]
    return folded in {fold(n, ascii_only=True).casefold() for n in (where.name or "", country) if n}


@dataclass(frozen=True)
class Mark:
    """One claim of a story's timeline, as alerts see it."""

    event_id: str
    status: str
    conflict: bool
    published: dt.date | None


@dataclass(frozen=True)
class Step:
    """The change that gave a story its current status, and the claims that say it since."""

    before: str
    after: str
    event_id: str
    run: frozenset[str]


def current_step(marks: Sequence[Mark]) -> Step | None:
    """The story's change (see the module docstring), by publication date as its status
    history (`stories.history`) has it: the status of a day is that of its last claim, so the
    claims of one article (ordered within their moment by the lifecycle, a plan before its
    cancellation) make no change among themselves. None when every day says one status."""
    daily: dict[dt.date | None, str] = {}
    for mark in marks:
        daily[mark.published] = mark.status
    days = list(daily)
    now = daily[days[-1]]
    changed = [i for i, day in enumerate(days) if daily[day] != now]
    if not changed:
        return None
    since = set(days[changed[-1] + 1:])
    run = [m.event_id for m in marks if m.published in since and m.status == now]
    return Step(daily[days[changed[-1]]], now, run[0], frozenset(run))


def _timelines(conn: Connection, story_ids: Sequence[str] | None) -> dict[str, list[Mark]]:
    """The claims of the stories (all stories: None), in timeline order."""
    query = (select(claims.c.story_id, claims.c.event_id, claims.c.status, claims.c.conflict, articles.c.published)
             .select_from(claims.join(events, events.c.id == claims.c.event_id)
                          .join(articles, articles.c.id == events.c.article_id))
             .where(claims.c.story_id.is_not(None)).order_by(claims.c.story_id, claims.c.seq))
    chunks = [None] if story_ids is None else [story_ids[i:i + CHUNK] for i in range(0, len(story_ids), CHUNK)]
    out: dict[str, list[Mark]] = {}
    for chunk in chunks:
        found = conn.execute(query if chunk is None else query.where(claims.c.story_id.in_(chunk)))
        for story_id, event_id, status, conflict, published in found:
            out.setdefault(story_id, []).append(Mark(event_id, status, bool(conflict), published))
    return out


def _baseline(conn: Connection, alert_id: int) -> int:
    """Record every story's current change and conflicts as seen by the alert (never sent)."""
    found = _timelines(conn, None)
    rows: list[dict[str, Any]] = []
    for story_id, marks in found.items():
        step = current_step(marks)
        if step is not None:
            rows.append(_mark(alert_id, "status", step.before, step.after, step.event_id, story_id))
        rows += [_mark(alert_id, "conflict", m.status, m.status, m.event_id, story_id) for m in marks if m.conflict]
    if rows:
        conn.execute(insert_new(conn, alert_changes), rows)
    return len(found)


def _mark(alert_id: int, kind: str, before: str, after: str, event_id: str, story_id: str,
          payload: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"alert_id": alert_id, "kind": kind, "from_status": before, "to_status": after, "event_id": event_id,
            "story_id": story_id, "payload": payload, "found": _now()}


# ---------------------------------------------------------------- finding changes
@dataclass(frozen=True)
class Change:
    """A new change of a story for one watch list: its status step, or only new conflicts."""

    alert: Alert
    alert_id: int
    story: Story
    step: Step | None
    conflicts: tuple[str, ...]   # event ids of claims newly contradicted

    @property
    def key(self) -> tuple[str, str, str, str]:
        """kind, from, to, event id: what makes it unique for its watch list."""
        if self.step is not None:
            return "status", self.step.before, self.step.after, self.step.event_id
        return "conflict", self.story.status, self.story.status, self.conflicts[-1]


def find_changes(conn: Connection) -> list[Change]:
    """Every change of a story that a watch list follows and has not recorded."""
    watch = conn.execute(select(alerts).order_by(alerts.c.id)).mappings().all()
    if not watch:
        return []
    every = [story_from_row(r) for r in conn.execute(select(stories).order_by(stories.c.id)).mappings()]
    out: list[Change] = []
    for row in watch:
        alert = _alert(row)
        followed = [s for s in every if matches(alert, s)]
        out += _new_changes(conn, alert, row["id"], followed)
    return out


def _new_changes(conn: Connection, alert: Alert, alert_id: int, followed: Sequence[Story]) -> list[Change]:
    timelines = _timelines(conn, [s.id for s in followed])
    steps, contradicted = _seen(conn, alert_id)
    out: list[Change] = []
    for story in followed:
        marks = timelines.get(story.id)
        if not marks:
            continue
        step = current_step(marks)
        if step is not None and (any((step.before, step.after, e) in steps for e in step.run)
                                 or not _status_wanted(alert, step.before, step.after)):
            step = None
        new = tuple(m.event_id for m in marks if m.conflict and m.event_id not in contradicted)
        if new and step is None and not _status_wanted(alert, story.status, story.status):
            new = ()
        if step is not None or new:
            out.append(Change(alert, alert_id, story, step, new))
    return out


def _status_wanted(alert: Alert, before: str, after: str) -> bool:
    return alert.status is None or alert.status in (before, after)


def _seen(conn: Connection, alert_id: int) -> tuple[set[tuple[str, str, str]], set[str]]:
    """The status steps (from, to, event id) and contradicted claims a watch list has recorded."""
    steps: set[tuple[str, str, str]] = set()
    contradicted: set[str] = set()
    rows = conn.execute(select(alert_changes.c.kind, alert_changes.c.from_status, alert_changes.c.to_status,
                               alert_changes.c.event_id).where(alert_changes.c.alert_id == alert_id))
    for kind, before, after, event_id in rows:
        if kind == "status":
            steps.add((before, after, event_id))
        else:
            contradicted.add(event_id)
    return steps, contradicted


def record(engine: Engine) -> int:
    """Find and record the new changes, in one transaction (under the write lock, so two runs
    never record one change twice); the number recorded."""
    with writing(engine) as conn:
        found = find_changes(conn)
        recorded = 0
        for change in found:
            kind, before, after, event_id = change.key
            row = _mark(change.alert_id, kind, before, after, event_id, change.story.id, payload(conn, change))
            recorded += conn.execute(insert_new(conn, alert_changes).values(**row)).rowcount
            marks = [_mark(change.alert_id, "conflict", change.story.status, change.story.status, e, change.story.id)
                     for e in change.conflicts if e != event_id or kind != "conflict"]
            if marks:
                conn.execute(insert_new(conn, alert_changes), marks)
    return recorded


# ---------------------------------------------------------------- what is sent
def payload(conn: Connection, change: Change) -> dict[str, Any]:
    """The JSON sent for a change: the watch list, the story, and the change with its claim."""
    story = change.story
    kind, before, after, event_id = change.key
    return {
        "alert": change.alert.name,
        "story": {"id": story.id, "title": title(story), "status": story.status,
                  "participants": [actor_dict(a) for a in story.participants], "location": to_dict(story.location),
                  "date": _span(story), "url": story_path(story.id)},
        "change": {"kind": kind, "from": before, "to": after, "label": _label(before, after, kind),
                   "conflict": bool(change.conflicts), **_claim(conn, event_id)},
    }


def story_path(story_id: str) -> str:
    """The story's page in the web app (`storyline serve`)."""
    return f"/stories/{story_id}"


def _span(story: Story) -> dict[str, Any] | None:
    date = story.date
    if date is None:
        return None
    return {"start": _iso(date.start), "end": _iso(date.end), "precision": date.precision, "text": date.text}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _label(before: str, after: str, kind: str) -> str:
    if kind == "conflict":
        return "contradicted"
    table = rules().changes
    return table.get(f"{before}->{after}") or table.get(f"*->{after}") or f"now {after}"


def _claim(conn: Connection, event_id: str) -> dict[str, Any]:
    """When the change was reported (`at`) and the claim that reports it, with its evidence."""
    query = (select(events.c.evidence_sentence, events.c.attributed_to, events.c.said, articles.c.id,
                    articles.c.published, articles.c.url, articles.c.outlet)
             .select_from(events.join(articles, articles.c.id == events.c.article_id)).where(events.c.id == event_id))
    row = conn.execute(query).mappings().one()
    return {"at": _iso(row["published"]), "claim": {
        "event": event_id, "evidence": row["evidence_sentence"], "attributed_to": row["attributed_to"],
        "said": _iso(row["said"]), "article": row["id"], "url": row["url"], "outlet": row["outlet"]}}


def body(data: dict[str, Any]) -> bytes:
    """A payload as the bytes posted (and signed): compact JSON, keys sorted, UTF-8."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature(secret: str, content: bytes) -> str:
    """The `X-Storyline-Signature` header: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), content, hashlib.sha256).hexdigest()


def change_key(row: Any) -> str:
    """A change's stable name (the `X-Storyline-Delivery` header, the Atom entry's id)."""
    return f"{row['kind']}:{row['from_status']}:{row['to_status']}:{row['event_id']}"


# ---------------------------------------------------------------- delivering
@dataclass(frozen=True)
class Outcome:
    """What one run's alerts did."""

    found: int = 0
    delivered: int = 0
    failed: int = 0


def after_linking(engine: Engine, settings: Settings) -> Outcome:
    """The hook every run calls after linking: record what changed, then deliver. Cheap when
    no watch list exists (one query)."""
    with engine.connect() as conn:
        if conn.execute(select(alerts.c.id).limit(1)).first() is None:
            return Outcome()
    found = record(engine)
    delivered, failed = deliver(engine, settings)
    return Outcome(found, delivered, failed)


@dataclass(frozen=True)
class Pending:
    change_id: int
    channel: str
    alert: Alert
    payload: dict[str, Any]
    key: str
    attempts: int


def pending(engine: Engine, give_up: int) -> list[Pending]:
    """Each channel of each recorded change not delivered yet, nor given up."""
    with engine.connect() as conn:
        tried: dict[tuple[int, str], tuple[int, bool]] = {}
        for change_id, channel, outcome, n in conn.execute(
                select(alert_deliveries.c.change_id, alert_deliveries.c.channel, alert_deliveries.c.outcome, func.count())
                .group_by(alert_deliveries.c.change_id, alert_deliveries.c.channel, alert_deliveries.c.outcome)):
            count, done = tried.get((change_id, channel), (0, False))
            tried[(change_id, channel)] = (count + n, done or outcome == "delivered")
        rows = conn.execute(select(alert_changes, alerts).join(alerts, alerts.c.id == alert_changes.c.alert_id)
                            .where(alert_changes.c.payload.is_not(None)).order_by(alert_changes.c.id)).mappings().all()
    out = []
    for row in rows:
        alert = _alert(row)
        for channel in (c for c in CHANNELS if getattr(alert, c)):
            count, done = tried.get((row["id"], channel), (0, False))
            if not done and count < give_up:
                out.append(Pending(row["id"], channel, alert, row["payload"], change_key(row), count))
    return out


def deliver(engine: Engine, settings: Settings) -> tuple[int, int]:
    """Try every pending delivery; (delivered, failed)."""
    import httpx

    delivered = failed = 0
    headers = {"User-Agent": settings.fetch.user_agent, "Content-Type": "application/json"}
    with httpx.Client(timeout=settings.alert_timeout, follow_redirects=False, headers=headers) as client:
        for item in pending(engine, settings.alert_give_up):
            send = _poster(client, item) if item.channel == "webhook" else _mailer(item, settings)
            ok = _attempts(engine, item, send, settings)
            delivered, failed = delivered + ok, failed + (not ok)
    return delivered, failed


def _attempts(engine: Engine, item: Pending, send: Callable[[], None], settings: Settings) -> bool:
    """Up to `alert_attempts` tries, pausing `alert_backoff` seconds (doubled each time); each
    try recorded at once, so a run killed meanwhile keeps what it did."""
    tries = min(settings.alert_attempts, settings.alert_give_up - item.attempts)
    for n in range(tries):
        try:
            send()
        except DeliveryError as exc:
            _log_attempt(engine, item, item.attempts + n + 1, "failed", str(exc))
            log.warning("alert %s: %s delivery of %s failed: %s", item.alert.name, item.channel, item.key, exc)
            if n + 1 < tries and exc.retry:
                time.sleep(settings.alert_backoff * 2 ** n)
                continue
            return False
        _log_attempt(engine, item, item.attempts + n + 1, "delivered", None)
        return True
    return False


class DeliveryError(Exception):
    """A delivery that did not go through; `retry`: trying again may help."""

    def __init__(self, message: str, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


def _log_attempt(engine: Engine, item: Pending, attempt: int, outcome: str, detail: str | None) -> None:
    with writing(engine) as conn:
        conn.execute(insert(alert_deliveries).values(change_id=item.change_id, channel=item.channel, attempt=attempt,
                                                     at=_now(), outcome=outcome, detail=detail))


def _poster(client: Any, item: Pending) -> Callable[[], None]:
    import httpx

    content = body(item.payload)
    headers = {"X-Storyline-Delivery": item.key}
    if item.alert.secret:
        headers[SIGNATURE] = signature(item.alert.secret, content)

    def post() -> None:
        assert item.alert.webhook is not None
        try:
            answer = client.post(item.alert.webhook, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        if not 200 <= answer.status_code < 300:
            code = answer.status_code
            raise DeliveryError(f"HTTP {code} {answer.reason_phrase}".strip(), retry=code >= 500 or code in (408, 429))
    return post


def _mailer(item: Pending, settings: Settings) -> Callable[[], None]:
    def mail() -> None:
        if not settings.smtp_host:
            raise DeliveryError("no SMTP server configured (STORYLINE_SMTP_HOST)", retry=False)
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.alert_timeout) as smtp:
                if settings.smtp_user and settings.smtp_password:
                    smtp.starttls()
                    smtp.login(settings.smtp_user, settings.smtp_password)
                smtp.send_message(message(item, settings.smtp_from))
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    return mail


def message(item: Pending, sender: str) -> EmailMessage:
    """The e-mail of a change: its summary as the subject, the evidence and the story's path."""
    data, mail = item.payload, EmailMessage()
    mail["Subject"] = f"[storyline] {summary(data)}"
    mail["From"] = sender
    assert item.alert.email is not None
    mail["To"] = item.alert.email
    mail["X-Storyline-Delivery"] = item.key
    mail.set_content(f"{summary(data)}\n\n{details(data)}\n\nStory: {data['story']['url']}\n"
                     f"Alert: {data['alert']}\n")
    return mail


def summary(data: dict[str, Any]) -> str:
    """One line: the story's title (which ends with its status) and the change."""
    change = data["change"]
    step = f"{change['from']} → {change['to']}" if change["from"] != change["to"] else "contradicted"
    return f"{data['story']['title']} ({step})"


def details(data: dict[str, Any]) -> str:
    """Who says so, when, and the sentence that says it."""
    claim = data["change"]["claim"]
    who = (claim.get("attributed_to") or {}).get("name") or claim.get("outlet") or "the article"
    where = f" ({claim['url']})" if claim.get("url") else ""
    return f"Reported {data['change']['at'] or 'undated'} by {who}{where}: “{claim['evidence']}”"


# ---------------------------------------------------------------- the log and the feed
def log_rows(engine: Engine, name: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Recorded changes, newest first, each with its delivery attempts."""
    if not ready(engine):
        if name is not None:
            raise StorylineError(f"alert {name!r}: no such alert (see `storyline alerts list`)")
        return []
    query = (select(alert_changes, alerts.c.name).join(alerts, alerts.c.id == alert_changes.c.alert_id)
             .where(alert_changes.c.payload.is_not(None)).order_by(alert_changes.c.id.desc()).limit(limit))
    with engine.connect() as conn:
        if name is not None:
            query = query.where(alert_changes.c.alert_id == _alert_id(conn, name))
        rows = conn.execute(query).mappings().all()
        tries = _deliveries(conn, [r["id"] for r in rows])
    return [{"alert": r["name"], "found": r["found"], "key": change_key(r), "payload": r["payload"],
             "deliveries": tries.get(r["id"], [])} for r in rows]


def _deliveries(conn: Connection, ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    wanted = list(ids)
    for chunk in (wanted[i:i + CHUNK] for i in range(0, len(wanted), CHUNK)):
        query = select(alert_deliveries).where(alert_deliveries.c.change_id.in_(chunk)).order_by(alert_deliveries.c.id)
        for row in conn.execute(query).mappings():
            out.setdefault(row["change_id"], []).append(
                {"channel": row["channel"], "attempt": row["attempt"], "at": row["at"], "outcome": row["outcome"],
                 "detail": row["detail"]})
    return out


FEED_ENTRIES = 100
ATOM = "http://www.w3.org/2005/Atom"


def ready(engine: Engine) -> bool:
    """Whether the store has the alert tables (a store older than alerts, served read-only,
    has not: the next command that writes it adds them)."""
    with engine.connect() as conn:
        return inspect(conn).has_table("alert_deliveries")


def feed(engine: Engine, name: str, base: str) -> bytes | None:
    """The Atom feed of a watch list's changes (newest first, at most `FEED_ENTRIES`), with
    links under `base` (the server's URL); None for an unknown watch list."""
    alert = get(engine, name)
    if alert is None:
        return None
    rows = log_rows(engine, name, FEED_ENTRIES)
    root = ElementTree.Element("feed", xmlns=ATOM)
    base = base.rstrip("/")
    _text(root, "id", f"tag:storyline,2025:alert/{name}")
    _text(root, "title", f"storyline alert {name}: {_follows(alert)}")
    _text(root, "updated", _stamp(rows[0]["found"] if rows else alert.created))
    ElementTree.SubElement(_text(root, "author", None), "name").text = "storyline"
    ElementTree.SubElement(root, "link", rel="self", type="application/atom+xml", href=f"{base}/alerts/{name}.atom")
    ElementTree.SubElement(root, "link", rel="alternate", type="text/html", href=f"{base}/stories")
    for row in rows:
        _entry(root, row, name, base)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _entry(root: ElementTree.Element, row: dict[str, Any], name: str, base: str) -> None:
    data = row["payload"]
    entry = ElementTree.SubElement(root, "entry")
    _text(entry, "id", f"tag:storyline,2025:alert/{name}/{row['key'].replace(':', '/')}")
    _text(entry, "title", summary(data))
    ElementTree.SubElement(entry, "link", rel="alternate", type="text/html", href=base + data["story"]["url"])
    _text(entry, "updated", _stamp(row["found"]))
    _text(entry, "published", _stamp(row["found"]))
    _text(entry, "summary", details(data))
    ElementTree.SubElement(entry, "category", term=data["change"]["to"])


def _text(parent: ElementTree.Element, tag: str, value: str | None) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = value
    return element


def _stamp(when: dt.datetime | None) -> str:
    """RFC 3339 in UTC, as Atom wants it (stored times are UTC without a zone)."""
    return (when or dt.datetime(1970, 1, 1)).replace(microsecond=0).isoformat() + "Z"


def _follows(alert: Alert) -> str:
    parts = [*alert.actors, *(v for v in (alert.type, alert.status, alert.place) if v)]
    return ", ".join(parts) or "every story"


def for_story(story: Story) -> Alert:
    """The watch list the story page offers ("alert me on changes"): stories of the same type
    with the same participants (a generic one by its country), followed through the feed."""
    prefix = rules().generic_prefix
    who = [p.country if p.name.startswith(prefix) else p.name for p in story.participants]
    words = [w for w in (name_key(p).replace(" ", "-") for p in who if p) if w]
    return Alert("-".join(words)[:56] or story.id, tuple(p for p in who if p), story.type)
