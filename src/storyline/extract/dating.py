"""Dating: every rule that gives an event its time, and the time of the statement that reports it.

One article's time expressions are tagged once (`timex.tag`) and each is attached to the token
its phrase hangs from (`timeline`): a verb or an event noun, corrected for a time phrase
between a reporting verb and its clause ("announced on Friday it would recall": the
announcing's) and for a date after an event noun that a present-tense verb takes ("they
condemn the raid on June 9": the raid's). Then, for each event, `date_event` applies these rules, in this order:

1. The time of the statement (`_anchor`): the reporting verb's own date ("the minister said on
   Tuesday that ..."), else the latest narrative date of this or the previous sentence before
   a reported event, else the publication date (then "unknown"). It comes first because every
   rule below resolves relative expressions against it ("next week" inside reported speech is
   the week after the statement, not after the publication).
2. A clause offset (`_clause_offset`): "two days after Norway expelled 11 diplomats" is the
   stated number of days before the day of the clause it hangs from. It comes before the
   event's own expressions because "a day" hangs from the same verbs and would otherwise be
   read as the event's own time (a bare duration).
3. The event's own time expressions (`_event_timexes`): those of the trigger, of a carrying
   verb that lends its time ("launched the offensive in May 2019", not "postponed the visit
   on March 3"), of "a truce scheduled to begin at dawn on Friday", of a reporting verb that
   elaborates the event ("praised the accord, adding Sunday that"), and of the verb an event
   noun is simultaneous with ("during talks on Friday"). The one nearest the trigger (after it
   first) is resolved in the tense of the status; "by/before/until X" closes a range that
   opens at the time of the statement, "since X" (and a past "from X") opens one that closes
   there: neither is the day of the event; a bare duration said at an unknown time is no date.
4. Only when the event has no expression of its own, inherited times, from the clause
   outward: the time of the report for an accusation it makes or a present-tense event it
   reports (`_present_report_date`); the date of a verb the event's verb is coordinated with
   or of a participle clause around it, in the same sentence (`_sentence_time`); the day named
   earlier in the paragraph by a main or reporting verb for a past event (`_paragraph_time`);
   the day the next sentence gives a present-perfect lead (`_elaborated_perfect`). Each is a
   guess the next rule would override wrongly, so the one closest to the event's own clause
   goes first.
5. The status follows the date (`_future_is_planned`): an "occurred" dated after the
   publication has not happened yet. It comes after the date because it depends on it, and
   before rule 6 because that one fills only planned events.
6. Across the article (`fill_from_coreferent`, once all its events are known): a planned or
   cancelled meeting without a set day takes the day and place of another report of the same
   meeting in the article.
7. The time of the statement, kept on the event for story linking, which orders the claims
   of one publication date by it (`Event.said`, `Event.said_earlier`): the day of rule 1's
   first step only, the reporting verb's own day, for a named source speaking in the active
   voice, and not after the publication; and whether "after" or "since" puts the statement
   before the article's present ("a week after Ruto said they would talk"). It is apart from
   rule 1 because an inferred "now" (rule 1's later steps) is good enough to resolve "next
   week" but would reorder a story's claims on a guess. Computed here, once: the store and
   the linking never re-read the text.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from ..model import Actor, Article, Attribution, Event, TimeSpan
from .actors import gazetteer
from .attribution import Report
from .lexicon import Cues, Lexicon
from .timex import Tense, Timex, resolve, tag
from .triggers import Trigger

RANGE_WORDS = ("by", "before", "until", "till")
OPEN_RANGE_WORDS = ("since", "from")
QUOTES = "\"'“”‘’([—-"
SIMULTANEOUS_PREPS = ("during", "at")
EARLIER_PHRASE = re.compile(r"\b(?:after|since)\b[^,;:.!?\"“”]*$", re.I)
SPEAKER_WINDOW = 60   # characters between a speaker and the words that date the statement


@dataclass(frozen=True)
class Timeline:
    """One article's time expressions, each with the token index it attaches to, and what the
    dating rules read besides (the parse, the publication date, the cue words)."""

    doc: Doc
    article: Article
    anchors: tuple[tuple[int, Timex], ...]
    lex: Lexicon
    cues: Cues


@dataclass(frozen=True)
class Dating:
    """What the dating rules give one event: its date, the status that date implies, and the
    time of the statement that reports it."""

    date: TimeSpan | None
    status: str
    said: dt.date | None = None
    said_earlier: bool = False


def timeline(doc: Doc, article: Article, lex: Lexicon, cues: Cues) -> Timeline:
    """Tag the article's time expressions once and attach each to its token."""
    timexes = tag(article.text, article.published)
    return Timeline(doc, article, tuple(_attach_timexes(doc, timexes, lex)), lex, cues)


def date_event(trigger: Trigger, report: Report | None, status: str, ctx: Timeline,
               claimant: Actor | None, floor: int) -> Dating:
    """Rules 1-5 and 7 for one event (see the module docstring); rule 6 is
    `fill_from_coreferent`. `claimant` is who makes the claim (`speaker`), `floor` the start of
    the evidence sentence."""
    date = _date(trigger, report, status, ctx)
    status = _future_is_planned(status, date, ctx.article.published)
    return Dating(date, status, _statement_day(report, ctx), _said_earlier(claimant, floor, ctx))


def _future_is_planned(status: str, date: TimeSpan | None, published: dt.date | None) -> str:
    """An event dated after the article was published has not happened yet."""
    if status == "occurred" and date is not None and date.start and published and date.start > published:
        return "planned"
    return status


def _attach_timexes(doc: Doc, timexes: Sequence[Timex], lex: Lexicon) -> Iterable[tuple[int, Timex]]:
    """Each time expression with the token its phrase hangs from (a verb or a noun)."""
    for timex in timexes:
        span = doc.char_span(timex.start, timex.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        node = span.root
        if node.dep_ == "poss" and node.head.pos_ in ("NOUN", "PROPN"):
            yield node.head.i, timex  # "criticised Friday's announcement": the announcement's time
            continue
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
    """ "they condemn the raid in Tromsø on June 9": a date after the event noun that a
    present-tense verb takes as object is the event's, not the present attitude's."""
    if node.pos_ != "VERB" or node.tag_ not in ("VB", "VBP", "VBZ"):
        return node
    if any(c.dep_ == "aux" for c in node.children):
        return node  # "will open talks on Monday"
    obj = next((c for c in node.children if c.dep_ == "dobj" and c.i < span.start), None)
    if obj is not None and obj.pos_ == "NOUN" and lex.candidates(obj.lemma_.lower(), "NOUN"):
        return obj
    return node


def _reporting_owner(node: Token, span: Span) -> Token:
    """ "announced on Friday it would recall": a time phrase between a reporting verb and the
    subject of its clause is the report's, whatever the parser attached it to."""
    head = node.head
    if node.dep_ != "ccomp" or head.pos_ != "VERB" or not head.i < span.start:
        return node
    subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return head if subject is not None and span.end <= subject.i else node


def _event_timexes(trigger: Trigger, ctx: Timeline) -> list[Timex]:
    hosts = {trigger.token.i}
    governor = trigger.governor
    if governor is not None and _lends_time(governor, ctx):
        hosts.add(governor.i)
    for child in trigger.token.children:
        lemma = child.lemma_.lower()
        if child.dep_ in ("acl", "relcl") and lemma in ctx.cues.governors["planned"]:
            hosts.add(child.i)  # "a truce scheduled to begin at dawn on Friday"
            hosts.update(g.i for g in child.children if g.dep_ == "xcomp")
        elif child.dep_ in ("advcl", "xcomp", "conj") and lemma in ctx.cues.reporting_verbs:
            hosts.add(child.i)  # "praised the accord, adding Sunday that"
    token = trigger.token
    if token.dep_ == "pobj" and token.head.lower_ in SIMULTANEOUS_PREPS and token.head.head.pos_ in ("VERB", "AUX"):
        hosts.add(token.head.head.i)  # "Ortega snubbed Lula during talks with him on Friday"
    hosts.update(_medium_participles(token))
    return [t for i, t in ctx.anchors if i in hosts]


def _medium_participles(verb: Token) -> list[int]:
    """ "asked, in a letter sent Thursday, for details", "demanded in a statement issued on
    Monday": the act is done through the letter or statement, so the time of its sending is the
    act's. Only a participle on the object of "in", "through" or "via" on the verb, or set off
    between the verb and its subject (where the parser hangs it on the subject)."""
    if verb.pos_ != "VERB":
        return []
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i]
    preps = [c for c in verb.children if c.dep_ == "prep"]
    preps += [c for s in subjects for c in s.children if c.dep_ == "prep" and s.i < c.i < verb.i]
    return [acl.i for prep in preps if prep.lower_ in ("in", "through", "via")
            for medium in prep.children if medium.dep_ == "pobj"
            for acl in medium.children if acl.dep_ == "acl" and acl.tag_ == "VBN"]


def _lends_time(governor: Token, ctx: Timeline) -> bool:
    """A carrying verb's time is the event's ("launched the offensive in May 2019"), but a
    cancellation's or a report's time is not ("postponed the visit on March 3")."""
    lemma = governor.lemma_.lower()
    if lemma in ctx.lex.happening_verbs:
        return True
    other = ctx.cues.governors
    return lemma in ctx.lex.support_verbs and not any(lemma in other[k] for k in ("cancelled", "denied", "hypothetical"))


def _date(trigger: Trigger, report: Report | None, status: str, ctx: Timeline) -> TimeSpan | None:
    found = _event_timexes(trigger, ctx)
    anchor, known = _anchor(trigger.token, report, ctx)
    shifted = _clause_offset(trigger, status, anchor, known, ctx)
    if shifted is not None:
        return shifted
    if not found:
        return (_present_report_date(trigger, report, anchor, known) or _sentence_time(trigger, status, ctx)
                or _paragraph_time(trigger, status, ctx) or _elaborated_perfect(trigger, status, ctx))
    if not known and all(t.type == "DURATION" for t in found):
        return None  # "within two weeks" said at an unknown time
    # a point in time before a range's open end or a frequency ("monthly talks since May")
    points = ([t for t in found if _word_before(t, ctx) not in OPEN_RANGE_WORDS and t.type != "SET"]
              or [t for t in found if t.type != "SET"] or found)
    timex = min(points, key=lambda t: (t.start < trigger.token.idx, abs(t.start - trigger.token.idx)))
    span = resolve(timex, anchor, status_tense(status), guessed=True)
    if span is None:
        return None
    word = _word_before(timex, ctx)
    if word in OPEN_RANGE_WORDS:
        return _open_range(span, anchor, word, timex)
    if word in RANGE_WORDS and anchor is not None and span.end and span.end >= anchor:
        return TimeSpan(anchor, span.end, "range", text=f"{word} {timex.text}", value=timex.value)
    return span


def status_tense(status: str) -> Tense:
    """The tense an event's status gives the year-less dates of its clause: a held or denied
    event is in the past, a planned or possible one ahead; a called-off one may have been due
    either side of the report ("the June summit was called off", "called off the Feb. 27-28
    talks"), so neither ("present": the nearest). The status is itself read from the text and
    can be wrong, so the tense is a guess: a day close to the time of the statement keeps its
    year whatever the tense ("before the February 27 meeting" a week earlier is that one)."""
    if status in ("occurred", "denied"):
        return "past"
    return "present" if status == "cancelled" else "future"


def _word_before(timex: Timex, ctx: Timeline) -> str:
    before = ctx.article.text[max(0, timex.start - 12):timex.start].split()
    return before[-1].lower().strip(QUOTES) if before else ""


def _open_range(span: TimeSpan, anchor: dt.date | None, word: str, timex: Timex) -> TimeSpan | None:
    """ "has been held since March 2009", "fighting from 2014 on": the expression opens a range
    that runs to the time of the statement; it is not the day the event happened. A "from" that
    starts after the statement is the day something begins ("takes effect from Monday")."""
    if span.start is None or anchor is None:
        return None
    if span.start > anchor:
        return span if word == "from" else None
    return TimeSpan(span.start, anchor, "range", text=f"{word} {timex.text}", value=timex.value)


def _sentence_time(trigger: Trigger, status: str, ctx: Timeline) -> TimeSpan | None:
    """A past event without a time of its own takes the date of the clause it is coordinated
    with or subordinate to in the same sentence ("The rebels seized the depot and burned
    three trucks on Sunday": the seizing too; "Crossing the border Friday, the troops shelled a
    village": the shelling too), but not that of a report or of a verb that cancels, denies or
    wishes it (those say when something was said or decided)."""
    verb = _clause_verb(trigger)
    published = ctx.article.published
    if status != "occurred" or verb is None or published is None:
        return None
    hosts = _coordinated(verb, ctx)
    for index, timex in ctx.anchors:
        if index in hosts and timex.type == "DATE" and _word_before(timex, ctx) not in OPEN_RANGE_WORDS + RANGE_WORDS:
            span = resolve(timex, published, "past")
            if span is not None and span.start is not None and span.start <= published:
                return span
    return None


def _coordinated(verb: Token, ctx: Timeline) -> set[int]:
    """The verbs that share the clause's time: its conjuncts, and a participle clause without a
    conjunction and the verb it hangs from (never a reporting, cancelling, denying, planning or
    wishing verb: those say when something was said or decided)."""
    others = ctx.cues.governors
    barred = ctx.cues.reporting_verbs.union(*(others[k] for k in ("cancelled", "denied", "hypothetical", "planned")))
    head = verb
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    group = [head, *_conjuncts(head)]
    hosts = {t.i for t in group}
    for member in group:
        hosts.update(c.i for c in member.children if _participle_clause(c))
    if _participle_clause(head) and head.head.pos_ in ("VERB", "AUX"):
        hosts.add(head.head.i)
    return {i for i in hosts if i != verb.i and ctx.doc[i].lemma_.lower() not in barred}


def _conjuncts(token: Token) -> list[Token]:
    """The verbs coordinated with `token`, depth first, walked with a stack: a sentence of a
    thousand "and"s is a chain a thousand deep, too deep for a recursive walk."""
    out: list[Token] = []
    stack = _conjunct_verbs(token)[::-1]
    while stack:
        verb = stack.pop()
        out.append(verb)
        stack.extend(_conjunct_verbs(verb)[::-1])
    return out


def _conjunct_verbs(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]


def _participle_clause(token: Token) -> bool:
    """ "Crossing the border, ...": an adverbial -ing clause with no conjunction of its own."""
    return token.dep_ == "advcl" and token.tag_ == "VBG" and not any(c.dep_ == "mark" for c in token.children)


def _paragraph_time(trigger: Trigger, status: str, ctx: Timeline) -> TimeSpan | None:
    """An undated past event takes the reference time of its paragraph: the day named just
    before it by a main or reporting verb of the same paragraph ("Okafor on Sunday shut the
    border and blamed Niger"; "... stalled Sunday. The mediation ended when Okafor walked out")."""
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


def _clause_offset(trigger: Trigger, status: str, anchor: dt.date | None, known: bool, ctx: Timeline) -> TimeSpan | None:
    """ "The statement comes two days after Norway expelled 11 diplomats": the expelling is the
    stated number of days before the time of the clause it is subordinate to."""
    verb = _clause_verb(trigger)
    if status != "occurred" or verb is None:
        return None
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head  # "recalled its envoy and froze the talks"
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


def _clause_day(verb: Token, anchor: dt.date | None, known: bool, ctx: Timeline) -> dt.date | None:
    """The day a clause names for itself, else the time of speaking for a present tense."""
    for index, timex in ctx.anchors:
        if index == verb.i and timex.type == "DATE":
            span = resolve(timex, ctx.article.published, "past")
            if span is not None and span.precision == "day":
                return span.start
    return anchor if known and verb.tag_ in ("VBP", "VBZ") else None


def _elaborated_perfect(trigger: Trigger, status: str, ctx: Timeline) -> TimeSpan | None:
    """ "Peru and Chile have agreed on a fishing truce, officials said. / The deputy minister
    said Sunday in Lima ...": an undated present-perfect lead takes the day the next sentence
    gives it."""
    published, token = ctx.article.published, trigger.token
    perfect = _perfect_verb(token)
    if status != "occurred" or published is None or perfect is None or _progressive(perfect):
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


def _progressive(verb: Token) -> bool:
    """ "have been pressing for sanctions": a perfect progressive states an activity over a
    period up to now, not a news lead that the next sentence dates to one day."""
    return verb.tag_ == "VBG" and any(c.dep_ == "aux" and c.lower_ == "been" for c in verb.children)


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
    """An accusation made by the report ("Ruto told reporters on Sunday that Somalia was
    behind the raid"), or an ongoing event reported at a known time ("Ruto wrote Sunday that
    we are holding useful talks"), happens at the time of the report."""
    if report is None or not known or anchor is None:
        return None
    if trigger.pattern.reporter_is_actor:
        return TimeSpan(anchor, anchor, "day", text="")
    verb = trigger.token if trigger.token.pos_ == "VERB" else trigger.governor
    if verb is None or verb.pos_ != "VERB":
        return None  # a nominal event takes the tense of its verb ("we are holding talks")
    if verb.tag_ in ("VBZ", "VBP") or (verb.tag_ == "VBG" and any(
            c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") for c in verb.children)):
        return TimeSpan(anchor, anchor, "day", text="")
    return None


def _anchor(trigger: Token, report: Report | None, ctx: Timeline) -> tuple[dt.date | None, bool]:
    """The time of the statement, and whether it is known: the reporting verb's own date, else
    the latest narrative date before a reported event, else the publication date (unknown)."""
    published = ctx.article.published
    if report is None:
        return published, published is not None
    for timex in _report_timexes(report.verb, ctx):
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


def _report_timexes(verb: Token, ctx: Timeline) -> list[Timex]:
    """The time expressions of a reporting verb: its own, and for "..., writing that" those of
    the verb it elaborates ("Late Sunday, Ruto repeated it, writing that ...")."""
    hosts = {verb.i}
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj"):
        hosts.add(verb.head.i)
    return [t for i, t in ctx.anchors if i in hosts]


def _is_narrative(token: Token, ctx: Timeline) -> bool:
    """The main verb of a sentence or a reporting verb: its date is the story's "now"."""
    return token.dep_ == "ROOT" or token.lemma_.lower() in ctx.cues.reporting_verbs


def _previous_sentence_start(token: Token) -> int:
    sent = token.sent
    if sent.start == 0:
        return 0
    return token.doc[sent.start - 1].sent.start_char


# ---------------------------------------------------------------- the time of the statement
def _statement_day(report: Report | None, ctx: Timeline) -> dt.date | None:
    """The day a named source made its statement, when the reporting verb has one ("a Kenyan
    official said Sunday", "Ruto on Sunday declared", "On Monday, the ministry said");
    None for the narrator, an unnamed source, or no day (the statement is then as of the
    publication). A day after the publication is no time of a statement."""
    published = ctx.article.published
    if report is None or report.source is None or not report.source.actors or published is None:
        return None
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in report.verb.children):
        return None  # "Ruto was briefed Monday night": the day the subject heard, not said
    for timex in _report_timexes(report.verb, ctx):
        span = resolve(timex, published, "past")
        if span is not None and span.start is not None and span.start == span.end and span.start <= published:
            return span.start
    return None


def _said_earlier(speaker: Actor | None, floor: int, ctx: Timeline) -> bool:
    """ "a week after Ruto said they would talk", "hours after Ruto postponed the visit": the
    statement is older than the article's present when "after" or "since" opens the phrase that
    ends at its speaker (the source, or for the narrator's own claims the first participant
    named), within the evidence sentence and `SPEAKER_WINDOW` characters."""
    if speaker is None or speaker.start is None:
        return False
    before = ctx.article.text[max(floor, speaker.start - SPEAKER_WINDOW):speaker.start]
    return EARLIER_PHRASE.search(before) is not None


def speaker(attributed: Attribution | None, people: Sequence[Actor]) -> Actor | None:
    """Who makes the claim: the source, else (the narrator's claim) the first participant named."""
    if attributed is not None:
        return attributed.actor
    return min((a for a in people if a.start is not None), key=lambda a: a.start or 0, default=None)


# ---------------------------------------------------------------- reports of one meeting in one article
def fill_from_coreferent(events: Sequence[Event], definite: Collection[str] = ()) -> list[Event]:
    """A planned or cancelled meeting without a date or place takes them from another report of
    the same meeting in the article (same type and participants): the visit postponed on
    Sunday is the one set for March 9 in Nairobi. A possible one takes them only when it
    refers back ("the visit could still go ahead", not "ready to hold talks at any time")."""
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
    among the other's (at least two in all); countries stand for their leaders ("the
    Kenya-Somalia summit" is Ruto's meeting with Somalia's president)."""
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
