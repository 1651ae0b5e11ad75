"""Extract: `Article` → `ArticleResult` with events (actors, status, attribution, date, place).

One spaCy parse per article; actors are resolved once over the whole document, time
expressions tagged once over the whole text; each sentence's triggers then become events.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import nlp as nlp_module
from .actors import ActorIndex, gazetteer, resolve_actors
from .attribution import Report, attribution, find_report
from .triggers import Trigger, find_triggers, participants
from .lexicon import Cues, Lexicon, cues, lexicon
from ..model import Actor, Article, ArticleResult, ClassifiedSentence, Event, Evidence, Place, TimeSpan
from ..ontology import plover_type
from .places import find_place
from .status import status_of
from .timex import Timex, resolve, tag

LOCATION_PREPS = ("in", "at", "near", "inside", "outside", "on")
VISIT_PREPS = ("to",)
TARGET_OF = ("ASSAULT", "COERCE", "MOBILIZE")
PHONE_NOUNS = ("call", "phone call", "conversation")
DEFINITE = ("the", "this", "that", "these", "those", "its", "their", "his", "her")
RANGE_WORDS = ("by", "before", "until", "till")
SIMULTANEOUS_PREPS = ("during", "at")


@dataclass(frozen=True)
class Context:
    """What every sentence of one article shares."""

    doc: Doc
    article: Article
    actors: ActorIndex
    timexes: tuple[Timex, ...]
    anchors: tuple[tuple[int, Timex], ...]   # token index each time expression attaches to
    lex: Lexicon
    cues: Cues


class Extractor:
    """Holds the spaCy pipeline; call it on articles (or use `pipe` for many)."""

    def __init__(self, model: str | None = None, nlp: Language | None = None) -> None:
        self.nlp = nlp or (nlp_module.load(model) if model else nlp_module.load())

    def __call__(self, article: Article) -> ArticleResult:
        return extract(self.nlp(article.text), article)

    def pipe(self, articles: Sequence[Article], batch_size: int = 16) -> list[ArticleResult]:
        docs = self.nlp.pipe((a.text for a in articles), batch_size=batch_size)
        return [extract(doc, article) for doc, article in zip(docs, articles)]

    def classify(self, sentence: str) -> ClassifiedSentence | None:
        """The main event type of one sentence (for the PLOVER gold records)."""
        return classify(self.nlp(sentence))


def classify(doc: Doc) -> ClassifiedSentence | None:
    """The trigger closest to the root of the first sentence with one, and its sides' countries."""
    actors = resolve_actors(doc, None)
    lex = lexicon()
    for sent in doc.sents:
        triggers = sorted(find_triggers(sent, lex, actors), key=lambda t: (_depth(t.token), t.token.i))
        if triggers:
            main = triggers[0]
            sides = participants(main, actors, lex)
            status = status_of(main.token, cues())
            return ClassifiedSentence(
                plover_type(main.pattern.type, status, _obligation(main.token)),
                tuple(sorted({a.country for a in sides[0] if a.country})),
                tuple(sorted({a.country for a in sides[1] if a.country})),
            )
    return None


def _obligation(token: Token) -> bool:
    """ "China must drop barriers": a demand put as an obligation of the actor."""
    return any(c.dep_ == "aux" and c.lower_ in ("must", "should") for c in token.children)


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth


@lru_cache(maxsize=2)
def default_extractor(model: str | None = None) -> Extractor:
    """One extractor (one loaded spaCy pipeline) per model name and process."""
    return Extractor(model)


def extract(doc: Doc, article: Article) -> ArticleResult:
    timexes = tuple(tag(article.text, article.published))
    ctx = Context(doc, article, resolve_actors(doc, article.published), timexes,
                  tuple(_attach_timexes(doc, timexes, lexicon())), lexicon(), cues())
    events: list[Event] = []
    definite: set[str] = set()
    for sent in doc.sents:
        for trigger, event in _sentence_events(sent, ctx, events):
            events.append(event)
            if _is_definite(trigger):
                definite.add(event.id)
    return ArticleResult(article=article, events=tuple(fill_from_coreferent(events, definite)))


def _is_definite(trigger: Trigger) -> bool:
    """ "the meeting", "their summit": a nominal event that refers to one already known."""
    token = trigger.token
    return trigger.pattern.pos == "NOUN" and any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in token.children)


def _sentence_events(sent: Span, ctx: Context, earlier: Sequence[Event]) -> Iterable[tuple[Trigger, Event]]:
    triggers = list(find_triggers(sent, ctx.lex, ctx.actors))
    consumed = {obj.i for t in triggers if t.pattern.obj_lemmas for obj in t.slot("obj")}
    for trigger in triggers:
        if trigger.pattern.pos == "NOUN" and trigger.token.i in consumed:
            continue  # "signed an agreement": the agreement is the signing's object, one event
        report = find_report(trigger.token, sent, ctx.actors, ctx.cues)
        actors, recipients = participants(trigger, ctx.actors, ctx.lex)
        if trigger.pattern.reporter_is_actor and report is not None and report.source is not None:
            actors = list(report.source.actors)
        if not actors and not recipients:
            actors, recipients = _antecedent_event(trigger, earlier)
        if actors or recipients:
            yield trigger, _event(trigger, actors, recipients, sent, report, ctx)


def _antecedent_event(trigger: Trigger, earlier: Sequence[Event]) -> tuple[list[Actor], list[Actor]]:
    """ "the meeting could still happen": a definite nominal event without participants is
    the last event of its type mentioned before it."""
    if not _is_definite(trigger):
        return [], []
    phone = trigger.token.lemma_.lower() in PHONE_NOUNS
    for event in reversed(earlier):
        if event.type == trigger.pattern.type and event.actors and (event.mode == "phone") == phone:
            return list(event.actors), list(event.recipients)
    return [], []


def fill_from_coreferent(events: Sequence[Event], definite: Collection[str] = ()) -> list[Event]:
    """A planned or cancelled meeting without a date or place takes them from another report of
    the same meeting in the article (same type and participants): the summit cancelled on
    Thursday is the one set for June 12 in Singapore. A possible one takes them only when it
    refers back ("the meeting could still happen", not "willing to hold talks at any time")."""
    out = []
    for event in events:
        fillable = event.status in ("planned", "cancelled") or event.status == "hypothetical" and event.id in definite
        if not fillable or _set_day(event):
            out.append(event)
            continue
        twin = next((o for o in events if o is not event and _set_day(o) and _same_happening(o, event)), None)
        if twin is not None and _within(twin.date, event.date):
            event = replace(event, date=twin.date, location=event.location or twin.location)
        out.append(event)
    return out


def _set_day(event: Event) -> bool:
    return event.date is not None and event.date.precision == "day" and event.date.start is not None


def _within(day: TimeSpan | None, span: TimeSpan | None) -> bool:
    """No date yet, or a coarser one ("next month") that contains the set day."""
    if span is None or span.start is None or span.end is None:
        return True
    return day is not None and day.start is not None and span.start <= day.start <= span.end


def _same_happening(a: Event, b: Event) -> bool:
    """Two reports of one planned happening: same type, and the participants of one are all
    among the other's (at least two in all); countries stand for their leaders ("the DPRK-U.S.
    summit" is Trump's meeting with Kim)."""
    if a.type != b.type or a.status not in ("planned", "cancelled", "hypothetical"):
        return False
    if _among(a, b, lambda x: (x.name, x.country)):
        return True
    return (_states_only(a) or _states_only(b)) and _among(a, b, lambda x: x.country)


def _among(a: Event, b: Event, key: Callable[[Actor], object]) -> bool:
    small, large = sorted((frozenset(map(key, a.actors + a.recipients)), frozenset(map(key, b.actors + b.recipients))), key=len)
    return bool(small) and small <= large and len(large) >= 2


def _states_only(event: Event) -> bool:
    names = gazetteer().countries
    return all(x.name == names.get(x.country or "") for x in event.actors + event.recipients)


def _event(trigger: Trigger, actors: list[Actor], recipients: list[Actor], sent: Span, report: Report | None, ctx: Context) -> Event:
    token, pattern = trigger.token, trigger.pattern
    status = status_of(token, ctx.cues)
    date = _date(trigger, report, status, ctx)
    status = _future_is_planned(status, date, ctx.article.published)
    location = _location(trigger, actors + recipients, ctx)
    start, text = _evidence_span(sent, token)
    return Event(
        id=_event_id(ctx.article.id, token.idx, pattern.type),
        type=pattern.type, mode=_mode(trigger, actors + recipients, location),
        cameo=pattern.cameo, quad=pattern.quad, actors=tuple(actors), recipients=tuple(recipients),
        status=status, date=date, location=location,
        attributed_to=attribution(report, sent, ctx.cues),
        evidence=Evidence(sentence=text, start=start, end=start + len(text)),
        confidence=round(0.5 + 0.2 * bool(actors) + 0.2 * bool(recipients), 2),
    )


def _future_is_planned(status: str, date: TimeSpan | None, published: dt.date | None) -> str:
    """An event dated after the article was published has not happened yet."""
    if status == "occurred" and date is not None and date.start and published and date.start > published:
        return "planned"
    return status


def _evidence_span(sent: Span, trigger: Token) -> tuple[int, str]:
    """The sentence, trimmed to the paragraph that holds the trigger (the parser sometimes
    glues a closing quote or a line break onto the next sentence)."""
    text = sent.text
    offset = sent.start_char
    rel = trigger.idx - offset
    cut = text.rfind("\n", 0, rel)
    if cut >= 0:
        offset, text = offset + cut + 1, text[cut + 1:]
    end = text.find("\n")
    if end >= 0:
        text = text[:end]
    stripped = text.lstrip()
    offset += len(text) - len(stripped)
    return offset, stripped.rstrip()


def _event_id(article_id: str, offset: int, kind: str) -> str:
    return hashlib.sha1(f"{article_id}:{offset}:{kind}".encode()).hexdigest()[:16]


# ---------------------------------------------------------------- mode
def _mode(trigger: Trigger, people: list[Actor], location: Place | None) -> str | None:
    pattern = trigger.pattern
    if pattern.type != "CONSULT":
        return pattern.mode
    if trigger.phone or trigger.token.lemma_.lower() in ("call", "phone", "telephone"):
        return "phone"
    if pattern.mode:
        return pattern.mode
    countries = {a.country for a in people if a.country and a.country != "XXX"}
    if len(people) > 2:
        return "multilateral"
    if location is not None and location.country and len(countries) >= 2 and location.country not in countries:
        return "third-party"
    return None


# ---------------------------------------------------------------- time
def _attach_timexes(doc: Doc, timexes: Sequence[Timex], lex: Lexicon) -> Iterable[tuple[int, Timex]]:
    """Each time expression with the token its phrase hangs from (a verb or a noun)."""
    for timex in timexes:
        span = doc.char_span(timex.start, timex.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        node = span.root
        bare = node.dep_ == "npadvmod"   # "Saturday", not "on Saturday"
        for _ in range(10):
            if node.head.i == node.i:
                break
            node = node.head
            if span.start <= node.i < span.end or node.pos_ not in ("VERB", "AUX", "NOUN", "PROPN"):
                continue
            if bare and node.dep_ == "pobj" and node.head.lower_ == "of":
                continue  # "its support of the deal Saturday": the support's time, not the deal's
            if node.pos_ in ("VERB", "AUX") or lex.candidates(node.lemma_.lower(), "NOUN"):
                break  # a verb, or a noun that can be an event ("the summit on June 12")
        yield _stance_object(_reporting_owner(node, span), span, lex).i, timex


def _stance_object(node: Token, span: Span, lex: Lexicon) -> Token:
    """ "they abhor the attack in Salisbury on March 4": a date after the event noun that a
    present-tense verb takes as object is the event's, not the present attitude's."""
    if node.pos_ != "VERB" or node.tag_ not in ("VB", "VBP", "VBZ"):
        return node
    if any(c.dep_ == "aux" for c in node.children):
        return node  # "will hold talks on Monday"
    obj = next((c for c in node.children if c.dep_ == "dobj" and c.i < span.start), None)
    if obj is not None and obj.pos_ == "NOUN" and lex.candidates(obj.lemma_.lower(), "NOUN"):
        return obj
    return node


def _reporting_owner(node: Token, span: Span) -> Token:
    """ "said on Monday it would expel": a time phrase between a reporting verb and the
    subject of its clause is the report's, whatever the parser attached it to."""
    head = node.head
    if node.dep_ != "ccomp" or head.pos_ != "VERB" or not head.i < span.start:
        return node
    subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return head if subject is not None and span.end <= subject.i else node


def _event_timexes(trigger: Trigger, ctx: Context) -> list[Timex]:
    hosts = {trigger.token.i}
    governor = trigger.governor
    if governor is not None and _lends_time(governor, ctx):
        hosts.add(governor.i)
    for child in trigger.token.children:
        lemma = child.lemma_.lower()
        if child.dep_ in ("acl", "relcl") and lemma in ctx.cues.governors["planned"]:
            hosts.add(child.i)  # "a ceasefire scheduled to take effect at sundown Monday"
            hosts.update(g.i for g in child.children if g.dep_ == "xcomp")
        elif child.dep_ in ("advcl", "xcomp", "conj") and lemma in ctx.cues.reporting_verbs:
            hosts.add(child.i)  # "welcomed the deal, saying Saturday that"
    token = trigger.token
    if token.dep_ == "pobj" and token.head.lower_ in SIMULTANEOUS_PREPS and token.head.head.pos_ in ("VERB", "AUX"):
        hosts.add(token.head.head.i)  # "Kim used harsh words during an encounter with Lavrov on Thursday"
    return [t for i, t in ctx.anchors if i in hosts]


def _lends_time(governor: Token, ctx: Context) -> bool:
    """A carrying verb's time is the event's ("ordered the invasion in February 2022"), but a
    cancellation's or a report's time is not ("called off the summit on May 24")."""
    lemma = governor.lemma_.lower()
    if lemma in ctx.lex.happening_verbs:
        return True
    other = ctx.cues.governors
    return lemma in ctx.lex.support_verbs and not any(lemma in other[k] for k in ("cancelled", "denied", "hypothetical"))


def _date(trigger: Trigger, report: Report | None, status: str, ctx: Context) -> TimeSpan | None:
    found = _event_timexes(trigger, ctx)
    anchor, known = _anchor(trigger.token, report, ctx)
    shifted = _clause_offset(trigger, status, anchor, known, ctx)
    if shifted is not None:
        return shifted
    if not found:
        return (_present_report_date(trigger, report, anchor, known) or _paragraph_time(trigger, status, ctx)
                or _elaborated_perfect(trigger, status, ctx))
    if not known and all(t.type == "DURATION" for t in found):
        return None  # "within two weeks" said at an unknown time
    tense = "past" if status in ("occurred", "denied") else "future"
    timex = min(found, key=lambda t: (t.start < trigger.token.idx, abs(t.start - trigger.token.idx)))
    span = resolve(timex, anchor, tense)
    if span is None:
        return None
    before = ctx.article.text[max(0, timex.start - 7):timex.start].split()
    if before and before[-1].lower() in RANGE_WORDS and anchor is not None and span.end and span.end >= anchor:
        return TimeSpan(anchor, span.end, "range", text=f"{before[-1]} {timex.text}", value=timex.value)
    return span


def _paragraph_time(trigger: Trigger, status: str, ctx: Context) -> TimeSpan | None:
    """An undated past event takes the reference time of its paragraph: the day named just
    before it by a main or reporting verb of the same paragraph ("Trump on Thursday canceled
    the summit and scolded Kim"; "... failed Thursday. The talks collapsed when Lavrov refused")."""
    published = ctx.article.published
    if status != "occurred" or published is None:
        return None
    token = trigger.token
    paragraph = ctx.article.text.rfind("\n", 0, token.idx) + 1
    for index, timex in reversed(ctx.anchors):
        if not paragraph <= timex.end <= token.idx or timex.type != "DATE":
            continue
        host = ctx.doc[index]
        if _is_narrative(host, ctx) or host.tag_ == "VBD" or host.i == token.head.i and token.dep_ == "conj":
            span = resolve(timex, published, "past")
            if span is not None and span.precision == "day":
                return TimeSpan(span.start, span.end, "day", text="", value=span.value)
    return None


def _clause_verb(trigger: Trigger) -> Token | None:
    """The verb whose tense and adjuncts time the event: the trigger, or its carrying verb."""
    verb = trigger.token if trigger.token.pos_ == "VERB" else trigger.governor
    return verb if verb is not None and verb.pos_ == "VERB" else None


def _clause_offset(trigger: Trigger, status: str, anchor: dt.date | None, known: bool, ctx: Context) -> TimeSpan | None:
    """ "The remarks come a day after Britain expelled 23 diplomats": the expelling is the
    stated number of days before the time of the clause it is subordinate to."""
    verb = _clause_verb(trigger)
    if status != "occurred" or verb is None:
        return None
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head  # "expelled diplomats and suspended contacts"
    mark = next((c for c in verb.children if c.dep_ == "mark" and c.lower_ == "after"), None)
    if verb.dep_ != "advcl" or mark is None:
        return None
    head = verb.head  # the parser hangs "a day" on either verb
    days = [n for i, t in ctx.anchors if i in (head.i, verb.i) and t.end <= mark.idx and (n := _whole_days(t)) is not None]
    base = _clause_day(head, anchor, known, ctx)
    if not days or base is None:
        return None
    day = base - dt.timedelta(days=days[0])
    return TimeSpan(day, day, "day", text="")


def _whole_days(timex: Timex) -> int | None:
    match = re.fullmatch(r"P(\d+)([DW])", timex.value or "") if timex.type == "DURATION" else None
    return int(match[1]) * (7 if match[2] == "W" else 1) if match else None


def _clause_day(verb: Token, anchor: dt.date | None, known: bool, ctx: Context) -> dt.date | None:
    """The day a clause names for itself, else the time of speaking for a present tense."""
    for index, timex in ctx.anchors:
        if index == verb.i and timex.type == "DATE":
            span = resolve(timex, ctx.article.published, "past")
            if span is not None and span.precision == "day":
                return span.start
    return anchor if known and verb.tag_ in ("VBP", "VBZ") else None


def _elaborated_perfect(trigger: Trigger, status: str, ctx: Context) -> TimeSpan | None:
    """ "The US and Russia have announced a plan ..., Kerry said. / Kerry said Friday in
    Geneva": an undated present-perfect report takes the day the next sentence gives it."""
    published, token = ctx.article.published, trigger.token
    if status != "occurred" or published is None or _perfect_verb(token) is None:
        return None
    if token.sent.end >= len(ctx.doc):
        return None
    following = ctx.doc[token.sent.end].sent
    dated = [(_quoted(ctx.doc[i]), ctx.doc[i].dep_ != "ROOT", t) for i, t in ctx.anchors
             if following.start <= i < following.end and t.type == "DATE" and _is_narrative(ctx.doc[i], ctx)]
    for *_, timex in sorted(dated, key=lambda row: row[:2]):  # the narrator's main verb first, not a quote's "today"
        span = resolve(timex, published, "past")
        if span is not None and span.precision == "day":
            return TimeSpan(span.start, span.end, "day", text="", value=span.value)
    return None


def _quoted(token: Token) -> bool:
    """Inside quotation marks of its sentence (an odd number of quote marks before it)."""
    return sum(t.tag_ in ("``", "''") for t in token.sent[: token.i - token.sent.start]) % 2 == 1


def _perfect_verb(token: Token) -> Token | None:
    """The present-perfect verb ("have joined", "has announced") the token belongs to."""
    node = token
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX") and any(
                c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ in ("VBP", "VBZ") for c in node.children):
            return node
        if node.dep_ not in ("pcomp", "pobj", "prep", "xcomp", "dobj") or node.head.i == node.i:
            return None
        node = node.head
    return None


def _present_report_date(trigger: Trigger, report: Report | None, anchor: dt.date | None, known: bool) -> TimeSpan | None:
    """An accusation made by the report ("Trump told reporters on Thursday that Russia was
    behind the attack"), or an ongoing event reported at a known time ("Trump tweeted Friday
    that we are having productive talks"), happens at the time of the report."""
    if report is None or not known or anchor is None:
        return None
    if trigger.pattern.reporter_is_actor:
        return TimeSpan(anchor, anchor, "day", text="")
    verb = trigger.token if trigger.token.pos_ == "VERB" else trigger.governor
    if verb is None or verb.pos_ != "VERB":
        return None  # a nominal event takes the tense of its verb ("we are having talks")
    if verb.tag_ in ("VBZ", "VBP") or (verb.tag_ == "VBG" and any(
            c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") for c in verb.children)):
        return TimeSpan(anchor, anchor, "day", text="")
    return None


def _anchor(trigger: Token, report: Report | None, ctx: Context) -> tuple[dt.date | None, bool]:
    """The time of the statement, and whether it is known: the reporting verb's own date, else
    the latest narrative date before a reported event, else the publication date (unknown)."""
    published = ctx.article.published
    if report is None:
        return published, published is not None
    verb = report.verb
    hosts = {verb.i}
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj"):
        hosts.add(verb.head.i)  # "Friday evening, Trump reiterated it, writing that ..."
    own = [t for i, t in ctx.anchors if i in hosts]
    for timex in own:
        span = resolve(timex, published, "past")
        if span is not None and span.start == span.end:
            return span.start, True
    narrative = {i for i, _ in ctx.anchors if _is_narrative(ctx.doc[i], ctx)}
    this_sentence = trigger.sent.start_char
    earlier = [t for i, t in ctx.anchors if i in narrative and t.end <= this_sentence and t.type == "DATE"]
    sentence_floor = _previous_sentence_start(trigger)
    for timex in reversed(earlier):
        if timex.start < sentence_floor:
            break
        span = resolve(timex, published, "past")
        if span is not None and span.start == span.end:
            return span.start, True
    return published, False


def _is_narrative(token: Token, ctx: Context) -> bool:
    """The main verb of a sentence or a reporting verb: its date is the story's "now"."""
    return token.dep_ == "ROOT" or token.lemma_.lower() in ctx.cues.reporting_verbs


def _previous_sentence_start(token: Token) -> int:
    sent = token.sent
    if sent.start == 0:
        return 0
    return token.doc[sent.start - 1].sent.start_char


# ---------------------------------------------------------------- place
def _location(trigger: Trigger, people: list[Actor], ctx: Context) -> Place | None:
    context = tuple(dict.fromkeys(a.country for a in people if a.country))
    hosts = [trigger.token] + ([trigger.governor] if trigger.governor is not None else [])
    preps = LOCATION_PREPS + (VISIT_PREPS if trigger.pattern.type == "CONSULT" else ())
    for host in hosts:
        for child in host.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                place = _place_in(child, context, literal=child.lower_ in ("to", "at"))
                if place is not None:
                    return place
    if trigger.pattern.pos == "NOUN":
        for child in trigger.token.children:
            if child.dep_ in ("compound", "nmod") and child.pos_ == "PROPN":
                place = find_place(_phrase(child), context)
                if place is not None:
                    return place
        if trigger.pattern.type in TARGET_OF:
            for obj in trigger.slot("prep:of"):
                place = find_place(_phrase(obj), context)
                if place is not None:
                    return place
    return None


def _place_in(prep: Token, context: tuple[str | None, ...], literal: bool = False) -> Place | None:
    for obj in prep.children:
        if obj.dep_ != "pobj":
            continue
        for candidate in _place_candidates(obj):
            place = find_place(candidate, tuple(c for c in context if c), literal=literal)
            if place is not None:
                return place
    return None


def _place_candidates(obj: Token) -> list[str]:
    """The object's proper-noun phrase, then any "of X" inside it ("the island of Sentosa")."""
    out = [_phrase(obj)]
    for child in obj.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            out.extend(_phrase(g) for g in child.children if g.dep_ == "pobj")
        if child.dep_ == "appos":
            out.append(_phrase(child))
    return [c for c in out if c]


def _phrase(token: Token) -> str:
    """A proper-noun token with its compound modifiers ("New York", "the Korean Peninsula")."""
    left = [c for c in token.lefts if c.dep_ in ("compound", "amod") and c.pos_ in ("PROPN", "ADJ") and c.text[:1].isupper()]
    words = [t.text for t in left] + [token.text]
    return " ".join(words) if token.text[:1].isupper() else ""
