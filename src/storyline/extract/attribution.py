"""Attribution: who asserts an event (the source of the reporting verb over its clause).

Walks up from the trigger to the outermost reporting verb ("X said that ... would meet"),
reads "according to X", and the sentence-final report ("..., a U.S. official said
Tuesday") that the small model often attaches loosely. The trigger itself is never its own
source: when the event is the speech act (warned, accused), there is no attribution.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..model import Attribution
from .actors import ActorIndex, Mention
from .lexicon import Cues

ADJUNCT_MARKS = ("after", "before", "when", "while", "as", "since", "because", "until", "once", "although", "though")
REPORT_DEPS = ("ccomp", "parataxis", "xcomp", "dobj", "advcl", "conj", "relcl", "acl", "prep", "pobj", "nsubj",
               "nsubjpass", "attr", "pcomp", "compound", "amod")


@dataclass(frozen=True)
class Report:
    """The reporting verb (or phrase) that introduces an event, and its source."""

    verb: Token
    source: Mention | None


def find_report(trigger: Token, sent: Span, actors: ActorIndex, cues: Cues) -> Report | None:
    """The outermost report over the trigger, or None for the narrator's voice."""
    found: Report | None = None
    node = trigger
    for _ in range(10):
        head = node.head
        if head.i == node.i:
            found = found or _according_to(node, actors)  # "X was ready to meet Y, according to Z"
            break
        if _adjunct_clause(node):
            break
        according = _according_to(node, actors)
        if according is not None:
            found = according
        if head.lemma_.lower() in cues.reporting_verbs and node.dep_ in REPORT_DEPS \
                and (_introduces(head, node) or _content_of_medium(node, trigger)) \
                and not (node is trigger and node.dep_ == "dobj"):
            source = _source_of(head, actors)
            if source is not None or found is None:
                found = Report(head, source)
        node = head
    return found or _sentence_final_report(node, trigger, sent, actors, cues) or _quoted(trigger, actors)


def _quoted(trigger: Token, actors: ActorIndex) -> Report | None:
    """A quote whose sentence has no report of its own ("“We will not pay.” Then: ...") is
    its speaker's, the one a reporting verb of the paragraph (or the one before) names."""
    subject = actors.speakers.get(trigger.i)
    source = actors.speaker_of(trigger.i)
    if subject is None or source is None:
        return None
    return Report(trigger.doc[subject].head, source)


def _adjunct_clause(node: Token) -> bool:
    """ "after a delegation met with Kim", "when the deal was rejected": a time or reason
    clause is the narrator's fact ("when" is parsed as an adverb, not a mark)."""
    return node.dep_ == "advcl" and any(
        (c.dep_ == "mark" or c.dep_ == "advmod" and c.tag_ == "WRB") and c.lower_ in ADJUNCT_MARKS for c in node.children)


def _introduces(verb: Token, child: Token) -> bool:
    """The child is the reported content, not the reporter or a time/manner phrase."""
    return child.dep_ in ("ccomp", "parataxis", "xcomp", "dobj", "advcl", "conj") and child.i != verb.i


def _content_of_medium(prep: Token, trigger: Token) -> bool:
    """ "X said in a statement that ...", "X wrote in a letter that ...": the parser may hang
    the that-clause on the medium; it is still what the verb reports."""
    if prep.dep_ != "prep":
        return False
    return any(c.dep_ in ("acl", "ccomp", "relcl") and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
               and trigger in c.subtree for o in prep.children if o.dep_ == "pobj" for c in o.children)


def _according_to(node: Token, actors: ActorIndex) -> Report | None:
    for child in node.children:
        if child.dep_ == "prep" and child.lower_ == "according":
            objects = [g for to in child.children if to.lower_ == "to" for g in to.children if g.dep_ == "pobj"]
            if objects:
                return Report(child, actors.at(objects[0].i))
    return None


def _source_of(verb: Token, actors: ActorIndex) -> Mention | None:
    """The reporting verb's subject or by-agent; a coordinated or controlled verb shares its
    head's ("X met reporters and said ..."), up a chain walked in a loop (a chain of a thousand
    "and"s is too deep for recursion); else the mention just before the verb."""
    while True:
        found = _subject_mention(verb, actors)
        if found is not None:
            return found
        if verb.dep_ not in ("conj", "xcomp") or verb.head.pos_ != "VERB":
            break
        verb = verb.head
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    return actors.at(before.i) if before is not None else None


def _subject_mention(verb: Token, actors: ActorIndex) -> Mention | None:
    """The subject's mention, or its apposition's ("the UN's food agency, WFP, says")."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            mention = actors.at(child.i) or next(
                (m for a in child.children if a.dep_ == "appos" for m in [actors.at(a.i)] if m is not None), None)
            if mention is not None:
                return mention
        if child.dep_ == "agent":
            for g in child.children:
                if actors.at(g.i):
                    return actors.at(g.i)
    return None


def _sentence_final_report(root: Token, trigger: Token, sent: Span, actors: ActorIndex, cues: Cues) -> Report | None:
    """ "X has no plans to meet Y, a U.S. official said Tuesday": a report after a comma."""
    for token in sent:
        if token.i <= trigger.i or token.lemma_.lower() not in cues.reporting_verbs or token.pos_ != "VERB":
            continue
        if token.dep_ not in ("advcl", "parataxis", "conj", "ccomp", "ROOT") or token.head.i > token.i:
            continue
        if token.dep_ == "ROOT" and trigger.head.i != token.i:
            continue
        comma = any(t.text in (",", "\u201d", '"') for t in sent.doc[max(sent.start, token.i - 6):token.i])
        if comma and _is_report_of(token, trigger):
            return Report(token, _source_of(token, actors))
    return None


def _is_report_of(verb: Token, trigger: Token) -> bool:
    """The verb heads no clause of its own: it reports what came before it."""
    return not any(c.dep_ in ("ccomp", "dobj") and c.i > verb.i for c in verb.children) and trigger not in verb.subtree


def attribution(report: Report | None, sent: Span, cues: Cues) -> Attribution | None:
    if report is None or report.source is None or not report.source.actors:
        return None
    source = report.source
    anonymous = source.anonymous or (source.kind in ("generic", "description") and any(t.lower_ in cues.anonymity for t in sent))
    return Attribution(actor=source.actors[0], anonymous=anonymous)
