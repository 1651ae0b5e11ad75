"""Typed records passed between the pipeline stages.

Every record is a frozen dataclass; stages build new records instead of mutating old ones.
`to_dict` turns any record into plain JSON values; `output.result_dict` shapes an
`ArticleResult` into the output contract of DESIGN.md, with storyline's additions (an actor's
`start`/`end` offsets, a removal's `rule`, an event's `said` and `said_earlier`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

ContentKind = Literal["text", "html"]
Status = Literal["occurred", "planned", "cancelled", "denied", "hypothetical"]
STATUSES: tuple[str, ...] = ("occurred", "planned", "cancelled", "denied", "hypothetical")
SECTORS: tuple[str, ...] = (
    "GOV", "MIL", "LEG", "JUD", "COP", "REB", "OPP", "PTY",
    "BUS", "MED", "CVL", "NGO", "IGO", "SPY", "CRM",
)


@dataclass(frozen=True)
class RawDocument:
    """One input document as read, before cleaning."""

    id: str
    source: str
    kind: ContentKind
    content: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    published_source: str | None = None
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Rejected:
    """An input that could not become an article, with the reason (a value, not an exception)."""

    source: str
    code: str
    reason: str

    def message(self) -> str:
        return f"{self.source}: {self.reason} [{self.code}]"


@dataclass(frozen=True)
class Removed:
    """A piece of boilerplate the cleaner dropped, and why."""

    text: str
    reason: str
    rule: str = ""


@dataclass(frozen=True)
class Article:
    """A cleaned article: the text every later stage and every offset refers to."""

    id: str
    text: str
    source: str = ""
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    published_source: str | None = None
    removed: tuple[Removed, ...] = ()


@dataclass(frozen=True)
class Actor:
    name: str
    country: str | None
    sector: str | None
    text: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Attribution:
    actor: Actor
    anonymous: bool = False


@dataclass(frozen=True)
class TimeSpan:
    start: dt.date | None
    end: dt.date | None
    precision: str
    text: str = ""
    value: str | None = None


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None


@dataclass(frozen=True)
class Evidence:
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class Count:
    """A number of people the text states ("at least 57", "dozens"): a range, open above when
    `max` is None, with the words that state it and their offsets in the article text."""

    min: int | None
    max: int | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Casualties:
    """ACLED's core figures for a violent event: how many were killed and wounded, as stated."""

    killed: Count | None = None
    wounded: Count | None = None


@dataclass(frozen=True)
class Reach:
    """How widely a happening is reported (GDELT's NumArticles / NumSources / NumMentions):
    distinct articles, distinct outlets, and distinct sources (who says so) among its claims."""

    articles: int = 0
    outlets: int = 0
    sources: int = 0
    mentions: int = 0


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    mode: str | None
    cameo: str | None
    quad: int | None
    actors: tuple[Actor, ...]
    recipients: tuple[Actor, ...]
    status: str
    date: TimeSpan | None
    location: Place | None
    attributed_to: Attribution | None
    evidence: Evidence
    confidence: float = 0.5
    said: dt.date | None = None          # the day the source made its statement, when the text gives it
    said_earlier: bool = False           # the text puts the statement before its present ("days after X said")
    casualties: Casualties | None = None # killed and wounded, for ASSAULT, COERCE and PROTEST events
    goldstein: float | None = None       # GDELT's conflict-cooperation score of the CAMEO code


@dataclass(frozen=True)
class Claim:
    """One report of a story's happening: what one source said, in one article."""

    event_id: str
    article_id: str
    published: dt.date | None
    status: str
    date: TimeSpan | None
    location: Place | None
    attributed_to: Attribution | None
    outlet: str | None
    evidence: Evidence
    said: dt.date | None = None          # time of the statement, when the text gives it
    earlier: bool = False                # the text puts the claim before its present ("days after X said")
    change: str | None = None            # what this claim changed in the story ("called off")
    conflict: bool = False               # another source says otherwise at the same moment
    type: str | None = None              # the event type of the report
    url: str | None = None
    casualties: Casualties | None = None # the killed and wounded this report states
    goldstein: float | None = None       # the Goldstein score of the report's CAMEO code


@dataclass(frozen=True)
class Figure:
    """A casualty figure as one claim of a story reports it: the count, and who says so, where."""

    count: Count
    published: dt.date | None
    article_id: str
    outlet: str | None
    attributed_to: Attribution | None


@dataclass(frozen=True)
class StoryFigures:
    """A story's summary figures (`stories.figures`): the latest and the highest killed and
    wounded counts its claims report, and the mean Goldstein score of its claims."""

    killed_latest: Figure | None = None
    killed_highest: Figure | None = None
    wounded_latest: Figure | None = None
    wounded_highest: Figure | None = None
    goldstein: float | None = None


@dataclass(frozen=True)
class Story:
    """Reports of one happening across articles: its claims in publication order."""

    id: str
    type: str
    participants: tuple[Actor, ...]
    location: Place | None
    status: str
    conflict: bool
    claims: tuple[Claim, ...] = field(default=())
    date: TimeSpan | None = None
    articles: int = 0
    updated: dt.date | None = None       # publication date of the latest claim
    first_published: dt.date | None = None
    n_claims: int = 0                    # how many claims, also when `claims` is not loaded
    reach: Reach = Reach()               # distinct articles, outlets and sources that report it
    title: str | None = None             # a curated title (a rename edit); None: generated
    significance: int = 0                # `curation.significance`: what ranks story lists
    hidden: bool = False                 # left out of lists by default (`curation.hidden`)


EDIT_KINDS: tuple[str, ...] = ("merge", "split", "rename", "reject")


@dataclass(frozen=True)
class Edit:
    """A person's correction of the stories, kept in the store and applied every time stories
    are built. Anchored on event ids, which are content hashes and survive relinking, where
    story ids may change: merge (`events`: the claims of two or more stories are one story),
    split (`events` are a story of their own), rename (the story holding most of `events` is
    titled `title`), reject (`events`: a false event, no claim of any story)."""

    id: int
    kind: str
    events: tuple[str, ...]
    who: str
    at: dt.datetime
    title: str | None = None
    reason: str | None = None
    stories: tuple[str, ...] = ()        # the story ids it was given (as they were then)
    undone_at: dt.datetime | None = None


@dataclass(frozen=True)
class ArticleResult:
    """What `storyline.process` returns for one article."""

    article: Article
    events: tuple[Event, ...] = ()


def actor_dict(actor: Actor) -> dict[str, Any]:
    """An actor as stories and the JSON output carry it: `{"name", "country", "sector"}`."""
    return {"name": actor.name, "country": actor.country, "sector": actor.sector}


def to_dict(record: Any) -> Any:
    """Convert a record (or a container of records) to plain JSON-ready values."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        out = {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
        if isinstance(record, Attribution):
            return {**out.pop("actor"), **out}
        return out
    if isinstance(record, (list, tuple)):
        return [to_dict(item) for item in record]
    if isinstance(record, dict):
        return {key: to_dict(value) for key, value in record.items()}
    if isinstance(record, (dt.date, dt.datetime)):
        return record.isoformat()
    return record


@dataclass(frozen=True)
class ClassifiedSentence:
    """A classifier's answer for one sentence: the PLOVER type (None: no event found) and,
    optionally, the country codes it gives the source and target actors."""

    type: str | None
    source_countries: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alert:
    """A watch list over the stories (`storyline.alerts`): a story matches when every filter
    given holds (no filter: every story), and each change of a matching story is sent to the
    webhook and the address given, and listed in the watch list's Atom feed."""

    name: str
    actors: tuple[str, ...] = ()     # words of participants' names, or country codes (all take part)
    type: str | None = None          # the story's PLOVER type
    status: str | None = None        # the status before or after the change
    place: str | None = None         # the place's name, its country's name or code
    webhook: str | None = None
    secret: str | None = None        # signs the webhook's body (HMAC-SHA256)
    email: str | None = None
    created: dt.datetime | None = None
