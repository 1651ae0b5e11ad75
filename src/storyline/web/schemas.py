"""Pydantic models of the JSON API, for the OpenAPI schema and for request bodies.

Responses are built by `output` (the CLI's JSON contract) and sent as they are; these models
document them, and `tests/test_web.py` checks every response against them.
"""
from __future__ import annotations

import datetime as dt
from typing import Generic, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..model import STATUSES

StatusName = Literal["occurred", "planned", "cancelled", "denied", "hypothetical"]
assert set(get_args(StatusName)) == set(STATUSES)
T = TypeVar("T")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorInfo(_Out):
    code: str = Field(description="Stable machine-readable code: not_found, validation_error, payload_too_large, "
                                  "unsupported_media_type, empty_upload, no_article_text, bad_upload, url_list, ...")
    message: str = Field(description="What went wrong, for people")
    detail: object | None = Field(None, description="Structured detail: validation errors, the rejection's "
                                                    "storyline reason code (E002 ...), limits")


class ErrorOut(_Out):
    """The one error shape of every error response."""

    error: ErrorInfo


class ActorOut(_Out):
    name: str
    country: str | None
    sector: str | None
    text: str | None = None
    start: int | None = None
    end: int | None = None


class AttributionOut(ActorOut):
    anonymous: bool


class SpanOut(_Out):
    start: dt.date | None
    end: dt.date | None
    precision: str
    text: str


class PlaceOut(_Out):
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None


class EvidenceOut(_Out):
    sentence: str
    start: int = Field(description="Character offset into the article's cleaned text")
    end: int


class CountOut(_Out):
    min: int | None = Field(description="Lower bound of the number (\"dozens\": 24)")
    max: int | None = Field(description="Upper bound; null when open (\"at least 57\")")
    text: str = Field(description="The words that state it")
    start: int = Field(description="Character offset into the article's cleaned text")
    end: int


class CasualtiesOut(_Out):
    killed: CountOut | None
    wounded: CountOut | None


class ReachOut(_Out):
    articles: int = Field(description="Distinct articles that report it (GDELT's NumArticles)")
    outlets: int = Field(description="Distinct outlets")
    sources: int = Field(description="Distinct sources, who says so (GDELT's NumSources)")
    mentions: int = Field(description="Claims, every report (GDELT's NumMentions)")


class EventOut(_Out):
    id: str
    type: str
    mode: str | None
    cameo: str | None
    quad: int | None
    actors: list[ActorOut]
    recipients: list[ActorOut]
    status: StatusName
    date: SpanOut | None
    location: PlaceOut | None
    attributed_to: AttributionOut | None
    evidence: EvidenceOut
    confidence: float | None
    said: dt.date | None = Field(description="The day its source made the statement, when the text gives it")
    said_earlier: bool = Field(description="The text puts the statement before its present (\"days after X said\")")
    casualties: CasualtiesOut | None = Field(description="Killed and wounded the text states, for ASSAULT, COERCE "
                                                         "and PROTEST events")
    goldstein: float | None = Field(description="Goldstein score (-10..+10) of its CAMEO code, GDELT's table")


class ListedEventOut(EventOut):
    """An event with where it was reported and the story it belongs to."""

    article: str
    published: dt.date | None
    title: str | None
    outlet: str | None
    url: str | None
    story: str | None
    claim_status: str | None = Field(description="The status the claim implies in its story")
    change: str | None = Field(description="What this claim changed in its story (called off ...)")
    reach: ReachOut | None = Field(description="The reach of its story (null while not linked)")


class RemovedOut(_Out):
    text: str
    reason: str
    rule: str


class ArticleOut(_Out):
    id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: dt.date | None
    published_source: str | None
    text: str = Field(description="The cleaned text every evidence offset refers to")
    removed: list[RemovedOut]


class ArticleResultOut(_Out):
    article: ArticleOut
    events: list[EventOut]
    stories: list[str] = Field(description="Ids of the stories its events are linked into")


class StoredArticleOut(ArticleResultOut):
    stored: bool = Field(description="True when this request stored it; false when it was already stored")


class ArticleRowOut(_Out):
    id: str
    published: dt.date | None
    title: str | None
    outlet: str | None
    source: str | None
    chars: int
    removed: int
    events: int


class StoryOut(_Out):
    id: str
    title: str = Field(description="One line generated from the happening: participants, type, place, date, status")
    type: str
    participants: list[ActorOut]
    location: PlaceOut | None
    status: StatusName
    conflict: bool
    articles: int
    reach: ReachOut
    date: SpanOut | None
    updated: dt.date | None


class ClaimOut(_Out):
    published: dt.date | None
    status: StatusName
    date: SpanOut | None
    location: PlaceOut | None
    attributed_to: AttributionOut | None
    article: str
    outlet: str | None
    evidence: EvidenceOut
    event: str
    type: str | None
    said: dt.date | None
    earlier: bool
    change: str | None
    conflict: bool
    url: str | None
    casualties: CasualtiesOut | None
    goldstein: float | None


class HistoryOut(_Out):
    published: dt.date | None
    status: StatusName


class FigureOut(CountOut):
    published: dt.date | None
    article: str
    outlet: str | None
    attributed_to: AttributionOut | None


class FigurePairOut(_Out):
    latest: FigureOut | None = Field(description="The figure of the latest claim that states one")
    highest: FigureOut | None = Field(description="The highest figure stated (by its lower bound)")


class FiguresOut(_Out):
    killed: FigurePairOut
    wounded: FigurePairOut
    goldstein: float | None = Field(description="Mean Goldstein score of its claims")


class StoryDetailOut(StoryOut):
    figures: FiguresOut
    claims: list[ClaimOut]
    history: list[HistoryOut]


class PageOut(_Out, Generic[T]):
    items: list[T]
    total: int = Field(description="How many match the filters")
    limit: int
    offset: int


class StoryPageOut(PageOut[StoryOut]):
    hidden: int = Field(description="Stories matching the filters that are hidden (one claim, or only generic "
                                    "participants): `all=true` shows them")


class EditOut(_Out):
    id: int
    kind: str = Field(description="merge, split, rename or reject")
    events: list[str] = Field(description="The event ids the edit is anchored on (they survive relinking)")
    stories: list[str] = Field(description="The story ids it was given, as they were then")
    title: str | None
    reason: str | None
    who: str
    at: str
    undone_at: str | None


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str | None = Field(None, max_length=256, description="Who makes the edit [default: api]")


class MergeIn(_In):
    stories: list[str] = Field(min_length=1, description="The stories merged into this one (ids or prefixes)")


class SplitIn(_In):
    claims: list[str] = Field(min_length=1, description="The claims (event ids or prefixes) that are a story of "
                                                        "their own")


class RenameIn(_In):
    title: str = Field(min_length=1, max_length=300, description="The story's title (one line)")


class RejectIn(_In):
    reason: str | None = Field(None, max_length=1000, description="Why the event is false")


class RejectionOut(_Out):
    source: str
    code: str
    reason: str


class FetchedUrlOut(_Out):
    url: str
    article: str = Field(description="The id of the article stored from the page")


class UrlListOut(_Out):
    urls: int
    stored: list[FetchedUrlOut] = Field(description="The pages fetched and stored (or stored before)")
    recorded: int = Field(description="Rejections newly recorded (a URL already recorded is not recorded twice)")
    rejected: list[RejectionOut]


class StatsOut(_Out):
    articles: int
    events: int
    stories: int
    claims: int
    rejections: int
    removals: int
    event_actors: int


class ArticleIn(BaseModel):
    """An article to process: its text or its HTML, and optionally its publication date."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="Plain text (a short first line and a blank line make the headline)")
    html: str | None = Field(None, description="A web page; its main text and metadata are extracted")
    published: dt.date | None = Field(None, description="Publication date (YYYY-MM-DD); relative dates are "
                                                        "resolved against it")
    url: str | None = None
    title: str | None = None
    outlet: str | None = None

    @model_validator(mode="after")
    def _one_content(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError('give exactly one of "text" and "html"')
        return self
