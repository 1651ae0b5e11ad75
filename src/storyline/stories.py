"""Stories: the reports of one happening across articles, and its status history.

A `Report` is an event with what its article says about it: the publication date and the
outlet. The time of the statement ("a U.S. official said Tuesday") is the event's own
(`Event.said`, `Event.said_earlier`), read from the text once, during extraction: linking
never re-reads an article, and imports no NLP. Linking runs in two steps:

1. `bucket_key(event)`: the participants of the event after actor resolution (names and
   countries; generic actors as their country and sector) and its family of types
   (`bucket_family`). It depends on the event and its article alone, so a new article only
   touches the buckets of its own events; an event with fewer than two participants (none
   taken from its article) is a bucket, and a story, of its own.
2. `build(reports)`: the reports of one bucket split into stories, by family of event type
   (a planned and a held meeting are one happening), direction (for directed types), mode
   class (a phone call is not the meeting it prepares) and time: occurrences dated within a
   few weeks of each other and at one place are one held happening; a plan or a cancellation
   belongs to the next occurrence after it (the plan was re-dated if the dates differ), an
   undated occurrence or denial to the latest one before it; what is left, not yet held,
   forms stories split where reports are more than `max_gap_days` apart.

`build` is a function of the set of reports, never of the order they arrived in: processing
the same articles in any order, or twice, gives the same stories with the same ids (a story's
id derives from its first claim's event id). Claims are ordered by publication date, then by
the time of the statement, then by the lifecycle of statuses (a plan is reported before its
cancellation); each claim carries the change it made ("called off", "revived" ...), and claims
that contradict each other at the same moment from different sources are flagged `conflict`.
The rules are data: `data/stories.toml`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .datafiles import Key, Table, load_toml, read_text
from .model import Actor, Article, Claim, Count, Event, Figure, Place, Reach, Story, StoryFigures, TimeSpan
from .text import fold

Moment = tuple[dt.date, dt.date, int]
_NAME_SEPARATORS = re.compile(r"[-‐‑–.\s]+")


@dataclass(frozen=True)
class Rules:
    """`data/stories.toml`, loaded once."""

    families: dict[str, str]
    meeting_as_type: str
    meeting_as_statuses: frozenset[str]
    symmetric: frozenset[str]
    canonical: dict[str, str]
    separate_modes: frozenset[str]
    min_participants: int
    partner_max_chars: int
    state_sides: frozenset[str]
    state_sectors: frozenset[str]
    bucket_together: frozenset[str]
    ignore_sectors: frozenset[str]
    generic_prefix: str
    max_gap: dt.timedelta
    anchor_precisions: frozenset[str]
    anchor_statuses: frozenset[str]
    anchor_max_days: int
    anchor_slack: dt.timedelta
    place_max_km: float
    lifecycle: tuple[str, ...]
    future_occurred: str
    ongoing_max_days: int
    conflicts: frozenset[frozenset[str]]
    changes: dict[str, str]


_WORDS = Key(list, items=str, required=True)
SCHEMA = Table({
    "families": Table({
        "meeting_as": Table({"type": Key(str, required=True), "statuses": _WORDS}, required=True),
        "symmetric": Table({"names": _WORDS}, required=True),
        "bucket_together": Table({"names": _WORDS}, required=True),
        "canonical": Table(other=Key(str), required=True),
    }, other=Key(str), required=True),
    "modes": Table({"separate": _WORDS}, required=True),
    "participants": Table({"min": Key(int, required=True), "partner_max_chars": Key(int, required=True), "ignore_sectors": _WORDS,
                           "state_sides": _WORDS, "state_sectors": _WORDS,
                           "generic_prefix": Key(str, required=True)}, required=True),
    "time": Table({"max_gap_days": Key(int, required=True), "anchor_precisions": _WORDS, "anchor_statuses": _WORDS,
                   "anchor_max_days": Key(int, required=True), "anchor_slack_days": Key(int, required=True),
                   "place_max_km": Key(int, required=True)},
                  required=True),
    "status": Table({"lifecycle": _WORDS, "future_occurred": Key(str, required=True),
                     "ongoing_max_days": Key(int, required=True),
                     "conflicts": Key(list, items=list, required=True)}, required=True),
    "changes": Table(other=Key(str), required=True),
    "titles": Table({
        "max_participants": Key(int, required=True), "family_name_first": _WORDS, "institution_words": _WORDS,
        "types": Table(other=Key(str), required=True), "status": Table(other=Key(str), required=True),
        "status_by_type": Table(other=Table(other=Key(str)), required=True),
    }, required=True),
})


@lru_cache(maxsize=1)
def rules() -> Rules:
    raw: dict[str, Any] = load_toml("stories.toml", SCHEMA)
    fam = raw["families"]
    return Rules(
        families={k: v for k, v in fam.items() if isinstance(v, str)},
        meeting_as_type=fam["meeting_as"]["type"], meeting_as_statuses=frozenset(fam["meeting_as"]["statuses"]),
        symmetric=frozenset(fam["symmetric"]["names"]), canonical=dict(fam["canonical"]),
        separate_modes=frozenset(raw["modes"]["separate"]),
        bucket_together=frozenset(fam["bucket_together"]["names"]),
        min_participants=raw["participants"]["min"], partner_max_chars=raw["participants"]["partner_max_chars"],
        state_sides=frozenset(raw["participants"]["state_sides"]),
        state_sectors=frozenset(raw["participants"]["state_sectors"]),
        ignore_sectors=frozenset(raw["participants"]["ignore_sectors"]),
        generic_prefix=raw["participants"]["generic_prefix"],
        max_gap=dt.timedelta(days=raw["time"]["max_gap_days"]),
        anchor_precisions=frozenset(raw["time"]["anchor_precisions"]),
        anchor_statuses=frozenset(raw["time"]["anchor_statuses"]),
        anchor_max_days=raw["time"]["anchor_max_days"],
        anchor_slack=dt.timedelta(days=raw["time"]["anchor_slack_days"]),
        place_max_km=float(raw["time"]["place_max_km"]),
        lifecycle=tuple(raw["status"]["lifecycle"]), future_occurred=raw["status"]["future_occurred"],
        ongoing_max_days=raw["status"]["ongoing_max_days"],
        conflicts=frozenset(frozenset(pair) for pair in raw["status"]["conflicts"]),
        changes=dict(raw["changes"]),
    )


@dataclass(frozen=True)
class Report:
    """One event as one article reports it: the material of a claim."""

    event: Event
    article_id: str
    published: dt.date | None
    outlet: str | None = None
    url: str | None = None

    @property
    def said(self) -> dt.date | None:
        """The day of the statement, when the text gives it (read during extraction)."""
        return self.event.said

    @property
    def earlier(self) -> bool:
        """ "after X said ...": said before the article's present."""
        return self.event.said_earlier


# ---------------------------------------------------------------- participants and buckets
def participant_key(actor: Actor) -> str | None:
    """Who an actor is, for linking: name and country; a generic actor is its country and
    sector, and a generic member of a government (`state_sectors`: "officials", "diplomats")
    its state; None for an actor that identifies nobody."""
    r = rules()
    if actor.sector in r.ignore_sectors:
        return None
    if actor.name.startswith(r.generic_prefix):
        state = country_table().get(actor.country or "") if actor.sector in r.state_sectors else None
        if state is not None:
            return f"{name_key(state[0])}/{actor.country}"  # "British diplomats" expelled: the United Kingdom
        return f"{r.generic_prefix}{actor.country}/{actor.sector}" if actor.country else None
    return f"{name_key(actor.name)}/{actor.country or ''}"


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """A name as linking compares it: folded, hyphens, dots and spacing variants made one
    ("Kim Jong-un", "Kim Jong Un" and "KIM JONG UN" are one person; "J.D. Vance" = "J. D. Vance")."""
    return " ".join(fold(_NAME_SEPARATORS.sub(" ", name), ascii_only=True).split())


def _keys(actors: Iterable[Actor]) -> tuple[str, ...]:
    return tuple(sorted({k for k in (participant_key(a) for a in actors) if k is not None}))


def participant_keys(event: Event) -> tuple[str, ...]:
    return _keys(event.actors + event.recipients)


def bucket_key(event: Event, article_events: Sequence[Event] = ()) -> str:
    """The bucket of an event: a hash of its participants, or of its own id when it has too
    few participants to be linked. An event that names one participant takes the other from
    its article (`partner`)."""
    keys = participant_keys(event)
    if len(keys) == 1 and len(keys) < rules().min_participants:
        keys = partner(event, keys[0], article_events) or keys
    if len(keys) == 2 and _countries_only(keys) and family(event.type, event.cameo) in rules().state_sides:
        keys = leaders(event, keys, article_events) or keys
    linked = len(keys) >= rules().min_participants
    basis = "\n".join((*keys, f"#{bucket_family(event)}")) if linked else f"event:{event.id}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:24]


def bucket_family(event: Event) -> str:
    """The part of the bucket key that the type gives: its family, or the group of families
    that can be one happening (`bucket_together`: an announced meeting coded AGREE). Lanes never
    join reports of families apart, so buckets split by family lose nothing, and a pair in the
    news every day (whose bucket each run rebuilds whole) is rebuilt a family at a time."""
    fam = family(event.type, event.cameo)
    return "+".join(sorted(rules().bucket_together)) if fam in rules().bucket_together else fam


def partner(event: Event, key: str, article_events: Sequence[Event]) -> tuple[str, ...] | None:
    """The participants of the nearest event of the same article that names the event's
    participant and exactly one other: of the same family of type anywhere in the article, else
    of another family at most `partner_max_chars` away. "Trump arrives for the summit" joins the
    Trump–Kim summit when the article names that pair. A country alone joins a pair that has
    one of its people ("North Korea said the summit ..."), or a pair of states it is one of: a
    country is not merged with its leader in general, only where its article names them
    together. Depends on the article alone, so linking stays incremental and independent of
    the order articles arrive in."""
    fam = family(event.type, event.cameo)
    best: tuple[int, int, int, tuple[str, ...]] | None = None
    for other in article_events:
        pair = participant_keys(other)
        if other.id == event.id or len(pair) != 2 or not _side_of(key, pair) or (_countries_only(pair) and key not in pair):
            continue
        rank = (family(other.type, other.cameo) != fam, abs(other.evidence.start - event.evidence.start),
                other.evidence.start, pair)
        if best is None or rank < best:
            best = rank
    if best is None or (best[0] and best[1] > rules().partner_max_chars):
        return None
    return best[3]


def leaders(event: Event, keys: tuple[str, ...], article_events: Sequence[Event]) -> tuple[str, ...] | None:
    """The people who stand for two states in the nearest event of the same family of the
    article between one person of each, however far: "the US–North Korea
    summit" joins the Trump–Kim summit where its article names them. Only for the families of
    `state_sides` (a summit's sides are its leaders); a country is not merged with its leader
    in general, and never across articles."""
    fam, countries = family(event.type, event.cameo), sorted(_country_of(k) for k in keys)
    best: tuple[int, int, tuple[str, ...]] | None = None
    for other in article_events:
        pair = participant_keys(other)
        if other.id == event.id or len(pair) != 2 or family(other.type, other.cameo) != fam:
            continue
        people = not any(_is_country(k) or k.startswith(rules().generic_prefix) for k in pair)
        if not people or sorted(_country_of(k) for k in pair) != countries:
            continue
        rank = (abs(other.evidence.start - event.evidence.start), other.evidence.start, pair)
        if best is None or rank < best:
            best = rank
    return best[2] if best is not None else None


def _side_of(key: str, pair: tuple[str, ...]) -> bool:
    """The participant is one of the pair, or a country with one of its people in the pair."""
    return key in pair or (_is_country(key) and any(_country_of(k) == _country_of(key) and not _is_country(k) for k in pair))


def _country_of(key: str) -> str:
    return key.rsplit("/", 1)[-1]


@lru_cache(maxsize=1 << 16)
def _is_country(key: str) -> bool:
    """A participant that is a country itself ("North Korea", "the United States")."""
    name, _, code = key.rpartition("/")
    known = country_table().get(code)
    return known is not None and name_key(known[0]) == name


def _countries_only(keys: Sequence[str]) -> bool:
    return all(_is_country(k) for k in keys)


@lru_cache(maxsize=1)
def country_table() -> dict[str, tuple[str, str]]:
    """ISO3 → (common name, first adjective), from the country table (`data/demonyms.tsv`),
    read here without the extraction package, which loads the NLP model."""
    out: dict[str, tuple[str, str]] = {}
    for line in read_text("demonyms.tsv").splitlines():
        cells = line.split("\t")
        if line.startswith("#") or len(cells) < 2:
            continue
        adjectives = cells[3].split("|") if len(cells) > 3 and cells[3] else [cells[1]]
        out[cells[0]] = (cells[1], adjectives[0])
    return out


def actor_matches(query: str, actor: Actor) -> bool:
    """`--actor` filters: a country code, or every word of the query in the actor's name."""
    if query.isupper() and len(query) == 3:
        return actor.country == query
    words = set(fold(actor.name, ascii_only=True).lstrip("~").split())
    wanted = fold(query, ascii_only=True).split()
    return bool(wanted) and all(w in words for w in wanted)


def reports_of(article: Article, events: Sequence[Event]) -> list[Report]:
    """The reports an article makes: its events with its publication date, outlet and URL."""
    return [Report(ev, article.id, article.published, article.outlet, article.url) for ev in events]


# ---------------------------------------------------------------- status of a report
def implied_status(report: Report) -> str:
    """The status a report implies: an "occurred" dated after its publication is a plan, and so
    is one over a short span not over at publication ("meet this week", "over the next two
    days"): a happening of a few days is not reported held before its end."""
    ev, published = report.event, report.published
    date = ev.date
    if ev.status != "occurred" or date is None or date.start is None or published is None:
        return ev.status
    ongoing = date.end is not None and date.end > published and (date.end - date.start).days <= rules().ongoing_max_days
    return rules().future_occurred if date.start > published or ongoing else ev.status


def _rank(status: str) -> int:
    order = rules().lifecycle
    return order.index(status) if status in order else len(order)


def moment(report: Report) -> Moment:
    """When a claim was made: publication date, then the time of the statement (a statement
    the text puts before its present comes first)."""
    published = report.published or dt.date.min
    return published, report.said or published, 0 if report.earlier and report.said is None else 1


def in_claim_order(reports: Sequence[Report]) -> list[Report]:
    """One happening's reports in claim order (`order_key`), except that within a moment the
    reports that name one participant (linked through their article, `partner`) come before
    those that name the happening's sides: the last claim of a moment sets the story's status
    then, and a remark about one side ("Trump hopes ...") is weaker evidence of it."""
    return sorted(reports, key=lambda r: (*moment(r), names_sides(r.event), *order_key(r)[3:]))


def names_sides(event: Event) -> bool:
    """The event names the sides of its happening itself: two participants or more, not only
    countries (those it has, in a story, through its article: `partner`)."""
    keys = participant_keys(event)
    return len(keys) >= rules().min_participants and not _countries_only(keys)


def order_key(report: Report) -> tuple[Any, ...]:
    ev = report.event
    return (*moment(report), _rank(implied_status(report)), report.article_id, ev.evidence.start, ev.id)


# ---------------------------------------------------------------- lanes: family, direction, mode
def family(event_type: str, cameo: str | None = None) -> str:
    known = rules().families
    return known.get(f"{event_type}:{cameo}") or known.get(event_type, event_type)


def _mode_class(event: Event) -> str:
    return event.mode if event.mode in rules().separate_modes else ""


def _lane(report: Report, meetings: bool) -> tuple[str, ...]:
    ev, r = report.event, rules()
    fam = family(ev.type, ev.cameo)
    if meetings and ev.type == r.meeting_as_type and implied_status(report) in r.meeting_as_statuses:
        fam = family("CONSULT")
    if fam in r.symmetric:
        return fam, _mode_class(ev), "", ""
    return fam, _mode_class(ev), "\n".join(_keys(ev.actors)), "\n".join(_keys(ev.recipients))


def lanes(reports: Sequence[Report]) -> dict[tuple[str, ...], list[Report]]:
    """Reports grouped by what must be equal for one happening: family, mode class and, for
    directed families, who acts on whom. An AGREE about a future meeting joins the meetings
    of its participants when they have one on record."""
    meeting = family("CONSULT")
    meetings = any(family(r.event.type, r.event.cameo) == meeting and not _mode_class(r.event) for r in reports)
    out: dict[tuple[str, ...], list[Report]] = {}
    for report in reports:
        out.setdefault(_lane(report, meetings), []).append(report)
    return _join_one_sided(out)


def _join_one_sided(found: dict[tuple[str, ...], list[Report]]) -> dict[tuple[str, ...], list[Report]]:
    """A directed report that names one side only ("Lee accused ...", linked to the pair through
    its article) joins the lane of the same family and mode where that side acts (or is acted
    on) in the same role, when there is exactly one such lane: the other side is the one its
    article names. A country counts as the side of its person."""
    full = [lane for lane in found if lane[2] and lane[3]]
    out: dict[tuple[str, ...], list[Report]] = {}
    for lane in sorted(found):
        fam, mode, actors, recipients = lane
        target = lane
        if bool(actors) != bool(recipients):
            role, side = (2, actors) if actors else (3, recipients)
            fits = [f for f in full if f[:2] == (fam, mode) and _same_side(side, f[role])]
            target = fits[0] if len(fits) == 1 else lane
        out.setdefault(target, []).extend(found[lane])
    return out


def _same_side(side: str, other: str) -> bool:
    """Two lane sides (newline-joined participant keys) are one: equal, or one country
    standing for a side of its people."""
    if side == other:
        return True
    keys = other.split("\n")
    return _is_country(side) and all(_country_of(k) == _country_of(side) and not _is_country(k) for k in keys)


# ---------------------------------------------------------------- happenings in time
@dataclass(frozen=True)
class Held:
    """One occurrence: overlapping dated reports that it happened, at one place."""

    start: dt.date
    end: dt.date
    place: Place | None
    members: tuple[Report, ...]


def _is_anchor(report: Report) -> bool:
    date = report.event.date
    if implied_status(report) not in rules().anchor_statuses or date is None or date.start is None or date.end is None:
        return False
    r = rules()
    if not names_sides(report.event):
        return False  # one side, or countries, linked through the article: joins an occurrence, never defines one
    sharp = bool(date.text) and date.precision in r.anchor_precisions and (date.end - date.start).days <= r.anchor_max_days
    return sharp and (report.published is None or date.end <= report.published)  # over when reported


def _place_of(report: Report) -> Place | None:
    return report.event.location


def same_place(a: Place | None, b: Place | None) -> bool:
    """Two places of one happening: either unknown; else the same country; else, where one has
    no country (a region across a border: a demilitarized zone, a strait, a border crossing),
    within `place_max_km` of each other by their coordinates (the gazetteer gives them), or
    with the same name when coordinates are missing."""
    if a is None or b is None:
        return True
    if a.country and b.country:
        return a.country == b.country
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        return _km(a.lat, a.lon, b.lat, b.lon) <= rules().place_max_km
    return fold(a.name, ascii_only=True) == fold(b.name, ascii_only=True)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _better(a: Place | None, b: Place | None) -> Place | None:
    """The place an occurrence keeps: the first known, unless only the other has a country."""
    if a is None or (not a.country and b is not None and b.country):
        return b
    return a


def _span(report: Report) -> tuple[dt.date, dt.date]:
    date = report.event.date
    assert date is not None and date.start is not None and date.end is not None  # an anchor's
    return date.start, date.end


def _held(anchors: Sequence[Report]) -> list[Held]:
    """Anchors merged into occurrences: overlapping (within the slack) and at one place.

    Dates are only ever subtracted from each other here and in `_target` and `_segments`
    (never `date + timedelta`), so no date an event or an article carries, from year 1 to
    9999, can overflow."""
    out: list[Held] = []
    for report in sorted(anchors, key=lambda r: (*_span(r), r.event.id)):
        (start, end), place = _span(report), _place_of(report)
        last = out[-1] if out else None
        if last is not None and start - last.end <= rules().anchor_slack and same_place(place, last.place):
            out[-1] = Held(last.start, max(last.end, end), _better(last.place, place), last.members + (report,))
        else:
            out.append(Held(start, end, place, (report,)))
    return out


def _target(report: Report, held: Sequence[Held]) -> int | None:
    """The occurrence a report is about: the one its date falls in; else, for a plan, the next
    one after the report, for an occurrence or denial, the latest before it (for an undated one,
    the next one when none was held within `max_gap_days` before it)."""
    date, place, gap = report.event.date, _place_of(report), rules().max_gap
    if date is not None and date.start is not None and date.end is not None:
        for i, h in enumerate(held):
            if h.start <= date.end and date.start <= h.end and same_place(place, h.place):
                return i
    when = report.said or report.published
    if when is None:
        return None
    here = [i for i, h in enumerate(held) if same_place(place, h.place)]  # one place
    future = [i for i in here if held[i].end >= when and held[i].start - when <= gap]
    if implied_status(report) in ("occurred", "denied"):
        slack = rules().anchor_slack
        past = [i for i in here if held[i].start - when <= slack and when - held[i].end <= gap]
        # none held lately: an undated report of it "held" before the next one is talk of that
        # one ("the summit" in a preview; `_not_yet` makes it a plan)
        undated = date is None or date.start is None
        return past[-1] if past else (future[0] if future and undated else None)
    return future[0] if future else None


def _segments(reports: Sequence[Report]) -> list[list[Report]]:
    """Not-yet-held reports, split where they are more than `max_gap_days` apart."""
    out: list[list[Report]] = []
    previous: dt.date | None = None
    for report in sorted(reports, key=order_key):
        when = report.published or dt.date.min
        if not out or previous is None or when - previous > rules().max_gap:
            out.append([])
        out[-1].append(report)
        previous = when
    return out


def happenings(reports: Sequence[Report]) -> list[list[Report]]:
    """One lane's reports split into happenings (see the module docstring)."""
    held_anchors = [r for r in reports if _is_anchor(r) and implied_status(r) == "occurred"]
    held = _held(held_anchors)
    slots = [r for r in reports if _is_anchor(r) and implied_status(r) != "occurred" and not _held_later(r, held)]
    anchors = held_anchors + slots
    held = _held(anchors)
    groups: list[list[Report]] = [list(h.members) for h in held]
    pending: list[Report] = []
    chosen = {id(r) for r in anchors}
    for report in reports:
        if id(report) in chosen:
            continue
        target = _target(report, held)
        (groups[target] if target is not None else pending).append(report)
    timed = [[_not_yet(r, h.start) for r in g] for g, h in zip(groups, held, strict=True)]
    return [g for g in timed if g] + _segments(pending)


def _held_later(report: Report, held: Sequence[Held]) -> bool:
    """A report that a happening was called off on a date is a time slot of its own only when
    no occurrence at its place was held within `max_gap_days` after it: otherwise it was the
    plan of that occurrence, called off and then revived."""
    date, place = report.event.date, _place_of(report)
    assert date is not None and date.start is not None and date.end is not None  # an anchor's
    return any(h.end >= date.start and h.start - date.end <= rules().max_gap and same_place(place, h.place)
               for h in held)


def _not_yet(report: Report, start: dt.date) -> Report:
    """A report published before its occurrence began cannot say it was held: what it says
    is that it is to happen ("the summit" in a preview, talk of hopes and expectations)."""
    if implied_status(report) != "occurred" or report.published is None or report.published >= start:
        return report
    return replace(report, event=replace(report.event, status=rules().future_occurred))


# ---------------------------------------------------------------- stories
def build(reports: Sequence[Report]) -> list[Story]:
    """The stories of one bucket's reports, sorted by id; the same for any order of `reports`."""
    stories: list[Story] = []
    for lane, members in sorted(lanes(reports).items()):
        for group in happenings(members):
            stories.append(story(in_claim_order(group), lane[0]))
    return sorted(stories, key=lambda s: s.id)


def story_id(first_event_id: str) -> str:
    return hashlib.sha1(f"story:{first_event_id}".encode()).hexdigest()[:16]


def story(ordered: Sequence[Report], fam: str) -> Story:
    """One happening's story from its reports in claim order."""
    claims = tuple(_claims(ordered))
    last_moment = moment(ordered[-1])
    current = [c for c, r in zip(claims, ordered, strict=True) if moment(r) == last_moment]
    dated = [r.event.date for r in ordered if _explicit(r.event.date)] or [
        r.event.date for r in ordered if r.event.date is not None and r.event.date.start is not None]
    placed = [r.event.location for r in ordered if r.event.location is not None]
    return Story(
        id=story_id(ordered[0].event.id), type=_story_type(ordered, fam),
        participants=tuple(_participants(ordered)), location=_place(placed),
        status=claims[-1].status, conflict=any(c.conflict for c in current), claims=claims,
        date=dated[-1] if dated else None, articles=len({r.article_id for r in ordered}),
        updated=max((r.published for r in ordered if r.published), default=None),
        first_published=ordered[0].published, n_claims=len(claims), reach=reach(ordered),
    )


def _place(placed: Sequence[Place]) -> Place | None:
    """The place most reports give (the latest of those, on a tie): one aside about another
    place does not move the happening."""
    if not placed:
        return None
    counts = Counter((p.name, p.country) for p in placed)
    latest = {(p.name, p.country): i for i, p in enumerate(placed)}
    best = max(counts, key=lambda k: (counts[k], latest[k]))
    return placed[latest[best]]


def _story_type(ordered: Sequence[Report], fam: str) -> str:
    r = rules()
    if fam == family("CONSULT"):
        return r.canonical.get(fam, "CONSULT")
    counts = Counter(rep.event.type for rep in ordered)
    preferred = r.canonical.get(fam)
    return min(counts, key=lambda t: (-counts[t], t != preferred, t))


def _participants(ordered: Sequence[Report]) -> list[Actor]:
    """One actor per participant: the most frequent name/country/sector under its key, in the
    order of the first claim that names the sides, then the others by name; a country is left
    out where one of its people takes part (its claims joined the story through their
    article: the country stood for that side)."""
    seen: dict[str, Counter[tuple[str, str | None, str | None]]] = {}
    for report in ordered:
        for actor in report.event.actors + report.event.recipients:
            key = participant_key(actor)
            if key is not None:
                seen.setdefault(key, Counter())[(actor.name, actor.country, actor.sector)] += 1
    lead = next((r for r in ordered if names_sides(r.event)), ordered[0])
    first = [k for k in (participant_key(a) for a in lead.event.actors + lead.event.recipients) if k]
    first = list(dict.fromkeys(first))
    people = {_country_of(k) for k in seen if not _is_country(k) and not k.startswith(rules().generic_prefix)}
    keys = [k for k in first + sorted(k for k in seen if k not in first) if not (_is_country(k) and _country_of(k) in people)]
    best = [min(seen[k], key=lambda v: (-seen[k][v], v[0], v[1] or "", v[2] or "")) for k in keys]
    return [Actor(name, country, sector) for name, country, sector in best]


def _claims(ordered: Sequence[Report]) -> list[Claim]:
    conflicted = _conflicts(ordered)
    out: list[Claim] = []
    previous: str | None = None
    date: TimeSpan | None = None
    place: Place | None = None
    for report in ordered:
        status = implied_status(report)
        change = _change(previous, status, date, place, report.event)
        out.append(_claim(report, status, change, id(report) in conflicted))
        previous = status
        date = report.event.date if _explicit(report.event.date) else date
        place = report.event.location or place
    return out


def _change(previous: str | None, status: str, date: TimeSpan | None, place: Place | None, event: Event) -> str | None:
    table = rules().changes
    if previous != status:
        return table.get(f"{previous or ''}->{status}") or table.get(f"*->{status}")
    new = event.date
    if date and new and _explicit(new) and date.start and date.end and new.start and new.end and (
            new.end < date.start or new.start > date.end):
        return table["redated"]
    if place and event.location and place.country and event.location.country and place.country != event.location.country:
        return table["relocated"]
    return None


def _explicit(date: TimeSpan | None) -> bool:
    """A date the text gives (not one inferred from the time of the report)."""
    return date is not None and date.start is not None and date.end is not None and bool(date.text)


def _source(report: Report) -> tuple[str, str]:
    who = report.event.attributed_to
    if who is None:
        return "narrator", report.article_id
    return fold(who.actor.name, ascii_only=True), who.actor.country or ""


def _conflicts(ordered: Sequence[Report]) -> set[int]:
    """Claims contradicted by another source at the same moment."""
    sources: dict[tuple[Moment, str], set[tuple[str, str]]] = {}
    for report in ordered:
        sources.setdefault((moment(report), implied_status(report)), set()).add(_source(report))
    out: set[int] = set()
    for report in ordered:
        when, status, source = moment(report), implied_status(report), _source(report)
        opposed = (other for pair in rules().conflicts if status in pair for other in pair if other != status)
        if any(sources.get((when, other), set()) - {source} for other in opposed):
            out.add(id(report))
    return out


def _claim(report: Report, status: str, change: str | None, conflict: bool) -> Claim:
    ev = report.event
    return Claim(
        event_id=ev.id, article_id=report.article_id, published=report.published, status=status,
        date=ev.date, location=ev.location, attributed_to=ev.attributed_to, outlet=report.outlet,
        evidence=ev.evidence, said=report.said, change=change, conflict=conflict, type=ev.type, url=report.url,
        earlier=report.earlier, casualties=ev.casualties, goldstein=ev.goldstein,
    )


def history(story: Story) -> list[tuple[dt.date | None, str]]:
    """The story's status as of each publication date: the status of that date's last claim."""
    out: dict[dt.date | None, str] = {}
    for claim in story.claims:
        out[claim.published] = claim.status
    return list(out.items())


# ---------------------------------------------------------------- reach and figures
def reach(reports: Sequence[Report]) -> Reach:
    """How widely a happening is reported (GDELT's NumArticles, NumSources, NumMentions):
    distinct articles; distinct outlets (articles without an outlet not counted); distinct
    sources, who says so: the attributed actor (name and country), or for a claim the article
    makes on its own authority, its outlet (the article when the outlet is unknown); mentions,
    every claim."""
    sources = {_reach_source(r) for r in reports}
    return Reach(articles=len({r.article_id for r in reports}), outlets=len({r.outlet for r in reports if r.outlet}),
                 sources=len(sources), mentions=len(reports))


def _reach_source(report: Report) -> tuple[str, str]:
    who = report.event.attributed_to
    if who is None:
        return "outlet", report.outlet or report.article_id
    return fold(who.actor.name, ascii_only=True), who.actor.country or ""


def figures(story: Story) -> StoryFigures:
    """A story's summary figures from its claims (in timeline order): for killed and wounded,
    the figure of the latest claim that states one and the highest figure stated (by its lower
    bound, then its upper bound: "at least 60" is higher than "57"; an open upper bound is the
    highest), each with who reports it; and the mean Goldstein score of its claims, rounded to
    two decimals (each report weighs as much as any other, as GDELT's averages do)."""
    def stated(role: str) -> list[tuple[Count, Claim]]:
        return [(count, c) for c in story.claims if c.casualties and (count := getattr(c.casualties, role))]

    def figure(found: tuple[Count, Claim] | None) -> Figure | None:
        if found is None:
            return None
        count, claim = found
        return Figure(count, claim.published, claim.article_id, claim.outlet, claim.attributed_to)

    def size(item: tuple[Count, Claim]) -> tuple[float, float]:
        count = item[0]
        return count.min or 0, count.max if count.max is not None else float("inf")

    def highest(items: list[tuple[Count, Claim]]) -> tuple[Count, Claim] | None:
        return max(items, key=size) if items else None

    killed, wounded = stated("killed"), stated("wounded")
    scores = [c.goldstein for c in story.claims if c.goldstein is not None]
    return StoryFigures(
        killed_latest=figure(killed[-1] if killed else None), killed_highest=figure(highest(killed)),
        wounded_latest=figure(wounded[-1] if wounded else None), wounded_highest=figure(highest(wounded)),
        goldstein=round(sum(scores) / len(scores), 2) if scores else None,
    )
