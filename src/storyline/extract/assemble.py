"""Extract: `Article` → `ArticleResult` with events (actors, status, attribution, date, place).

One spaCy parse per article; actors are resolved once over the whole document, time
expressions tagged once over the whole text (`dating.timeline`); each sentence's triggers then
become events, dated by `dating.date_event`.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..model import Actor, Article, ArticleResult, ClassifiedSentence, Event, Evidence, Place, TimeSpan
from ..ontology import QUAD_BY_ROOT, goldstein, plover_type
from . import nlp as nlp_module
from .actors import ActorIndex, resolve_actors
from .attribution import Report, attribution, find_report
from .casualties import with_casualties
from .dating import Timeline, date_event, fill_from_coreferent, speaker, timeline
from .lexicon import Cues, Lexicon, cues, lexicon
from .places import country_code, find_place
from .status import carried_status, status_of
from .triggers import Trigger, find_triggers, participants

LOCATION_PREPS = ("in", "at", "near", "inside", "outside", "on")
VISIT_PREPS = ("to",)
MOVEMENT_TYPES = ("CONSULT", "MOBILIZE")   # "to X" is where the event happens: a visit, a deployment
PURPOSE_PREPS = ("for", "during")   # an event noun the trip or stay of its verb is for
CLAUSE_PREPS = ("in", "at", "near", "inside", "outside")   # on an object or venue: where it is
NOT_VENUES = ("PERSON", "NORP", "ORG")   # "the envoy in Lima", "Peru's embassy in Quito"
TARGET_OF = ("ASSAULT", "COERCE", "MOBILIZE")
PHONE_NOUNS = ("call", "phone call", "conversation")
DEFINITE = ("the", "this", "that", "these", "those", "its", "their", "his", "her")
COMMITMENT_CAMEO = {"THREATEN": "130", "AGREE": "030"}   # the CAMEO roots of the acts `commitment` reads
WARNING_ABOUT_ANOTHER = "112"   # CAMEO: accuse, of what the warning says the other party does
# Each trigger's report, evidence, status and date look at its whole sentence, so a "sentence"
# of thousands of triggers (a list or junk the parser could not split: "met X met X met X ...")
# was quadratic (25-60 s for 36 KB here). A real sentence has a few (7 at most in the corpus).
MAX_TRIGGERS = 32


@dataclass(frozen=True)
class Context:
    """What every sentence of one article shares."""

    doc: Doc
    article: Article
    actors: ActorIndex
    time: Timeline
    lex: Lexicon
    cues: Cues

    @cached_property
    def people_words(self) -> frozenset[str]:
        """`_person_words` of the document, read once per article, not once per event (it walks
        every entity of the document)."""
        return _person_words(self.doc)


class Extractor:
    """Holds the spaCy pipeline; call it on articles (or use `pipe` for many)."""

    def __init__(self, model: str | None = None, nlp: Language | None = None) -> None:
        self.nlp = nlp or (nlp_module.load(model) if model else nlp_module.load())

    def __call__(self, article: Article) -> ArticleResult:
        return extract(self.nlp(article.text), article)

    def pipe(self, articles: Sequence[Article], batch_size: int = 16) -> list[ArticleResult]:
        docs = self.nlp.pipe((a.text for a in articles), batch_size=batch_size)
        return [extract(doc, article) for doc, article in zip(docs, articles, strict=True)]

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
    ctx = Context(doc, article, resolve_actors(doc, article.published),
                  timeline(doc, article, lexicon(), cues()), lexicon(), cues())
    events: list[Event] = []
    definite: set[str] = set()
    for sent in doc.sents:
        first, tokens = len(events), []
        for trigger, event in _sentence_events(sent, ctx, events):
            events.append(event)
            tokens.append(trigger.token)
            if _is_definite(trigger):
                definite.add(event.id)
        events[first:] = with_casualties(sent, tokens, events[first:])
    return ArticleResult(article=article, events=tuple(fill_from_coreferent(events, definite)))


def _is_definite(trigger: Trigger) -> bool:
    """ "the meeting", "their summit": a nominal event that refers to one already known."""
    token = trigger.token
    return trigger.pattern.pos == "NOUN" and any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in token.children)


def _sentence_events(sent: Span, ctx: Context, earlier: Sequence[Event]) -> Iterable[tuple[Trigger, Event]]:
    triggers = list(islice(find_triggers(sent, ctx.lex, ctx.actors), MAX_TRIGGERS))
    consumed = {obj.i for t in triggers if t.pattern.obj_lemmas for obj in t.slot("obj")}
    consumed |= {means.i for t in triggers for slot, _, _ in t.pattern.slot_words for means in t.slot(slot)
                 if any(p.type == t.pattern.type for p in ctx.lex.candidates(means.lemma_.lower(), "NOUN"))}
    for trigger in triggers:
        if trigger.pattern.pos == "NOUN" and trigger.token.i in consumed:
            continue  # "signed an agreement", "hit X with sanctions": the noun is the verb's object or means, one event
        report = find_report(trigger.token, sent, ctx.actors, ctx.cues)
        actors, recipients = participants(trigger, ctx.actors, ctx.lex)
        if trigger.pattern.reporter_is_actor and report is not None and report.source is not None:
            actors = list(report.source.actors)
        if not actors and not recipients:
            actors, recipients = _antecedent_event(trigger, earlier)
        if actors or recipients:
            event = _event(trigger, actors, recipients, sent, report, ctx)
            yield trigger, event
            accuser = alleged_plot(trigger, report, actors, ctx.cues)
            if accuser:
                yield trigger, _accusation(event, accuser, trigger.token.idx, ctx)


def _accusation(plot: Event, accuser: list[Actor], offset: int, ctx: Context) -> Event:
    """The accusation a source makes by saying another party plotted the act: the source accuses
    the plotters (CAMEO 112) when it says so, beside the planned act itself."""
    return replace(plot, id=_event_id(ctx.article.id, offset, "ACCUSE"), type="ACCUSE", mode=None,
                   cameo=WARNING_ABOUT_ANOTHER, quad=QUAD_BY_ROOT.get(WARNING_ABOUT_ANOTHER[:2]),
                   actors=tuple(accuser), recipients=plot.actors, status="occurred", location=None,
                   date=TimeSpan(plot.said, plot.said, "day") if plot.said else None,
                   goldstein=goldstein(WARNING_ABOUT_ANOTHER), casualties=None)


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


def _event(trigger: Trigger, actors: list[Actor], recipients: list[Actor], sent: Span, report: Report | None,
           ctx: Context) -> Event:
    token, pattern = trigger.token, trigger.pattern
    attributed = attribution(report, sent, ctx.cues)
    start, text = _evidence_span(sent, token)
    status = carried_status(status_of(token, ctx.cues), trigger.governor if pattern.pos == "NOUN" else None, ctx.cues)
    dating = date_event(trigger, report, status, ctx.time, speaker(attributed, actors + recipients), start)
    location = _location(trigger, actors + recipients, ctx)
    kind, cameo, status, date = pattern.type, pattern.cameo, dating.status, dating.date
    act = commitment(trigger, status, report, actors, ctx.cues)
    if act is not None:
        kind, cameo, status = act, COMMITMENT_CAMEO[act], "occurred"
        date = TimeSpan(dating.said, dating.said, "day") if dating.said else date  # when it was said
    elif accused := warned_about(trigger, actors, ctx):
        kind, cameo = "ACCUSE", WARNING_ABOUT_ANOTHER
        recipients = recipients + [a for a in accused if a not in recipients]
    return Event(
        id=_event_id(ctx.article.id, token.idx, kind),
        type=kind, mode=_mode(trigger, actors + recipients, location) if act is None else None,
        cameo=cameo, quad=QUAD_BY_ROOT.get(cameo[:2]) if cameo else None, actors=tuple(actors),
        recipients=tuple(recipients), status=status, date=date, location=location, attributed_to=attributed,
        evidence=Evidence(sentence=text, start=start, end=start + len(text)),
        confidence=round(0.5 + 0.2 * bool(actors) + 0.2 * bool(recipients), 2),
        said=dating.said, said_earlier=dating.said_earlier, goldstein=pattern.goldstein,
    )


def commitment(trigger: Trigger, status: str, report: Report | None, actors: Sequence[Actor], cues: Cues) -> str | None:
    """The verbal act a speaker performs by saying what they themselves will do (CAMEO 13 and
    03): a hostile act promised on a condition is a threat ("Oslo will expel the envoys if the
    spying goes on", said by Oslo), a cooperation announced for later an expressed intent to
    cooperate, AGREE ("he said he will cooperate with the inquiry"). None when the speaker is
    not the event's own actor: a narrator's or a third party's forecast is no commitment."""
    if report is None or report.source is None or not _same_party(report.source.actors, actors):
        return None
    kind, clause = trigger.pattern.type, trigger.governor or trigger.token
    if kind in cues.threat_types and status in ("hypothetical", "planned") and _conditioned(clause, cues):
        return "THREATEN"
    if kind in cues.intent_types and status == "planned":
        return "AGREE"
    return None


def warned_about(trigger: Trigger, actors: Sequence[Actor], ctx: Context) -> list[Actor]:
    """Whom a warning accuses: a warning about what another party does or is ("Ankara warned
    that Athens is arming the islands", "warned that Paris cannot be trusted") accuses it; only
    a warning of what the speaker's own side will do threatens ("warned that Turkey would
    respond"). Empty for a threat."""
    token = trigger.token
    if trigger.pattern.type != "THREATEN" or token.lemma_.lower() not in ctx.cues.warning_verbs or not actors:
        return []
    own = {a.country for a in actors if a.country}
    if not own:
        return []  # a speaker of unknown side: no telling whose act the warning is of
    for clause in token.children:
        if clause.dep_ not in ("ccomp", "parataxis"):
            continue
        subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and _own_side(subject, ctx.cues):
            continue
        mention = ctx.actors.at(subject.i) if subject is not None else None
        if mention is not None and mention.actors and all(a.country and a.country not in own for a in mention.actors):
            return list(mention.actors)
    return []


def _own_side(subject: Token, cues: Cues) -> bool:
    """ "warned that the country would fight back": a bare "the country" is the speaker's state."""
    return subject.lemma_.lower() in cues.own_side and not any(
        c.dep_ in ("poss", "amod", "compound", "prep") or (c.dep_ == "det" and c.lower_ != "the") for c in subject.children)


def alleged_plot(trigger: Trigger, report: Report | None, actors: Sequence[Actor], cues: Cues) -> list[Actor]:
    """The accuser, when a source says another party plotted a hostile act ("officials said the
    man plotted to bomb the embassy", "conspired to kill the judge"): what is reported is an
    accusation (CAMEO 112), not the act. Empty for the narrator's voice and for a party
    speaking of its own plans."""
    token = trigger.token
    if trigger.pattern.type not in cues.threat_types | {"ASSAULT"} or not actors:
        return []
    if token.dep_ != "xcomp" or token.head.lemma_.lower() not in cues.plotting:
        return []
    if report is None or report.source is None or not report.source.actors:
        return []
    sources = list(report.source.actors)
    return [] if _same_party(sources, actors) else sources


def _same_party(sources: Sequence[Actor], actors: Sequence[Actor]) -> bool:
    """Whether the speaker is the actor: the same person, or a government speaking for its
    state ("Putin said Russia will ...", "the ministry said Ankara would ...")."""
    def speaks_for(source: Actor, actor: Actor) -> bool:
        if source.country != actor.country:
            return False
        return source.name == actor.name or (source.country is not None and source.sector == actor.sector == "GOV")
    return bool(actors) and all(any(speaks_for(s, a) for s in sources) for a in actors)


def _conditioned(token: Token, cues: Cues) -> bool:
    """Whether the clause of a verb (or of the first of its coordinated verbs) carries an "if"
    or "unless" clause ("will strike and seize X unless Y withdraws")."""
    node = token
    while node.dep_ == "conj" and node.head.pos_ in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
    return node.pos_ in ("VERB", "AUX") and any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in cues.threat_marks for m in c.children)
        for c in node.children)


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


# ---------------------------------------------------------------- place
def _location(trigger: Trigger, people: list[Actor], ctx: Context) -> Place | None:
    """Where the event happened: a place named in its own clause. First a place phrase on the
    trigger or its carrying verb ("met Lula in Recife"), then one deeper in the clause: on the
    object ("shelled a depot near Kherson") or inside the venue a place phrase names ("at a
    hotel in Accra", "in the Tarsus prison in southern Turkey"). A word that names a person in
    the article is never the place ("a letter to Kim")."""
    context = tuple(dict.fromkeys(a.country for a in people if a.country))
    people_words = ctx.people_words
    for prep in _location_preps(trigger):
        # "sanctions on Peru", "talks on Syria": a target or a topic, unless attacked there
        nested_only = prep.lower_ == "on" and trigger.pattern.type not in TARGET_OF
        place = _place_in(prep, context, literal=prep.lower_ in ("to", "at"), people_words=people_words,
                          nested_only=nested_only)
        if place is not None:
            return place
    if trigger.pattern.type in TARGET_OF and trigger.token.pos_ == "VERB":
        place = _target_place(trigger.token, context, people_words)
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


def _target_place(verb: Token, context: tuple[str | None, ...], people_words: frozenset[str]) -> Place | None:
    """ "shelled Kharkiv", "overran the north": an attack on a town or region happens there. A
    country as the object is a party, not a place ("Chad attacked Libya")."""
    for obj in verb.children:
        phrase = _phrase(obj) if obj.dep_ == "dobj" else ""
        if phrase and country_code(phrase) is None and phrase.lower() not in people_words:
            place = find_place(phrase, tuple(c for c in context if c))
            if place is not None:
                return place
    return None


def _location_preps(trigger: Trigger) -> list[Token]:
    """The place phrases of the event's clause, nearest first: those of the trigger and its
    carrying verb (with "to" for a visit or a deployment) or of the verb of a trip it is the
    purpose of, then "in/at/near/outside" on their objects. Never a phrase inside an embedded
    clause, nor one on a person ("the envoy in Lima")."""
    token = trigger.token
    hosts = [token] + ([trigger.governor] if trigger.governor is not None else [])
    if token.dep_ == "pobj" and token.head.lower_ in PURPOSE_PREPS and token.head.head.pos_ == "VERB":
        hosts.append(token.head.head)  # "arrived in Hanoi for the summit", "flew to Lima for talks"
    preps = LOCATION_PREPS + (VISIT_PREPS if trigger.pattern.type in MOVEMENT_TYPES else ())
    out = [c for host in hosts for c in host.children if c.dep_ == "prep" and c.lower_ in preps]
    for host in hosts:
        for obj in host.children:
            if obj.dep_ in ("dobj", "nsubjpass", "attr") and obj.pos_ in ("NOUN", "PROPN") and obj.ent_type_ not in NOT_VENUES:
                out += [c for c in obj.children if c.dep_ == "prep" and c.lower_ in CLAUSE_PREPS]
    return out


def _person_words(doc: Doc) -> frozenset[str]:
    """The words of the people the article names in full ("Kim" of "Kim Jong Un", "Chad" of
    "Chad Wiley"). A one-word name is left out: the tagger takes many an unfamiliar town for a
    person ("attacked Kherson")."""
    return frozenset(w.lower() for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 for w in e.text.split())


def _place_in(prep: Token, context: tuple[str | None, ...], literal: bool = False,
              people_words: frozenset[str] = frozenset(), nested_only: bool = False) -> Place | None:
    """The place a prepositional phrase names; with `nested_only` only one inside its object
    ("on the sidelines of a forum in Doha", not "on Peru")."""
    for obj in prep.children:
        if obj.dep_ != "pobj":
            continue
        for candidate in _place_candidates(obj)[1 if nested_only else 0:]:
            if not candidate:
                continue
            if candidate.lower() in people_words and country_code(candidate) is None:
                continue  # "to Graham", "at Kim's request": a person, though a town bears the name
            place = find_place(candidate, tuple(c for c in context if c), literal=literal)
            if place is not None:
                return place
    return None


def _place_candidates(obj: Token, depth: int = 0) -> list[str]:
    """The object's proper-noun phrase (or the place name on a venue: "the Kumasi stadium"),
    then any "of X" or apposition inside it ("the island of Rhodes"), then the place the venue
    is in ("a hotel in Accra", "a market near Gao")."""
    out = [_phrase(obj) or _venue_name(obj)]   # always first: a caller may skip it
    nested: list[Token] = []
    for child in obj.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            out.extend(_phrase(g) for g in child.children if g.dep_ == "pobj")
        if child.dep_ == "appos":
            out.append(_phrase(child))
            nested += [g for g in child.children if g.dep_ == "prep" and g.lower_ in CLAUSE_PREPS]
        if child.dep_ == "prep" and child.lower_ in CLAUSE_PREPS:
            nested.append(child)
    if depth < 2:
        for prep in nested:
            out.extend(c for g in prep.children if g.dep_ == "pobj" for c in _place_candidates(g, depth + 1))
    return [out[0], *(c for c in out[1:] if c)]


def _venue_name(token: Token) -> str:
    """ "the Kumasi stadium", "Tal Afar village": the proper name compounded to a common noun."""
    if token.pos_ != "NOUN":
        return ""
    names = [c for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
    return _phrase(names[-1]) if names else ""


def _phrase(token: Token) -> str:
    """A proper-noun token with its compound modifiers ("New York", "the Korean Peninsula")."""
    left = [c for c in token.lefts if c.dep_ in ("compound", "amod") and c.pos_ in ("PROPN", "ADJ") and c.text[:1].isupper()]
    words = [t.text for t in left] + [token.text]
    return " ".join(words) if token.text[:1].isupper() else ""
