"""Status: occurred, planned, cancelled, denied or hypothetical, from the parse around a trigger.

The trigger's own clause is read first (negation, modals, an "if" clause, a noun's
modifiers, a negated plan), then the chain of verbs and nouns that govern it, up to the
clause of a reporting verb (the status of reported speech is the reported one).
"""
from __future__ import annotations

from spacy.tokens import Token

from .lexicon import Cues
from .phrases import hyphenated

CHAIN_DEPS = ("xcomp", "ccomp", "acl", "relcl", "dobj", "pobj", "prep", "advcl", "nsubj", "nsubjpass", "attr", "pcomp",
              "conj", "amod", "compound", "appos")
STOP_AT_REPORTING = ("ccomp", "parataxis")


def status_of(trigger: Token, cues: Cues, reporting: frozenset[str] | None = None) -> str:
    """The status a trigger's context gives the event."""
    own = _own_clause(trigger, cues)
    if own is not None and not (trigger.pos_ in ("NOUN", "PROPN") and own in ("planned", "hypothetical")):
        return own
    governed = _chain_status(trigger, cues)
    if own is not None and governed not in ("cancelled", "denied"):
        return own
    return governed or "occurred"


def _chain_status(trigger: Token, cues: Cues) -> str | None:
    """The status given by the verbs and nouns above the trigger, up to a report."""
    node = trigger
    for _ in range(8):
        head = node.head
        if head.i == node.i or node.dep_ not in CHAIN_DEPS:
            break
        if head.lemma_.lower() in cues.reporting_verbs and node.dep_ in STOP_AT_REPORTING:
            break
        found = _clause_modality(head, cues) if node.dep_ == "conj" else _governor_status(head, node, cues)
        if found is not None:
            return found
        node = head
    return None


def _own_clause(token: Token, cues: Cues) -> str | None:
    children = list(token.children)
    if any(c.dep_ == "advcl" and _has_mark(c, cues.conditional) for c in children) or _has_mark(token, cues.conditional):
        return "hypothetical"
    if _negated_plan(token, cues):
        return "cancelled"
    if token.pos_ in ("NOUN", "PROPN"):
        return _noun_status(token, cues)
    modal = _modal(token)
    negated = any(c.dep_ == "neg" for c in children)
    if modal in cues.modal_planned:
        return "cancelled" if negated else "planned"
    if modal in cues.modal_hypothetical:
        return "hypothetical"
    if negated:
        return "denied" if token.tag_ in ("VBD", "VBN") else "cancelled"
    if _going_to(token):
        return "planned"
    return None


def _has_mark(token: Token, marks: frozenset[str]) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in marks for c in token.children)


def _modal(token: Token) -> str | None:
    for child in token.children:
        if child.dep_ == "aux" and child.tag_ == "MD":
            return child.lower_
    if token.dep_ in ("xcomp",) and token.head.lemma_.lower() == "be":
        return _modal(token.head)
    return None


def _going_to(token: Token) -> bool:
    head = token.head
    return token.dep_ == "xcomp" and head.lemma_.lower() == "go" and head.tag_ == "VBG"


def _negated_plan(token: Token, cues: Cues) -> bool:
    """ "has no plans to meet", "there are no plans for X to meet", "meeting is not necessary"."""
    node = token
    for _ in range(3):
        head = node.head
        if head.i == node.i:
            break
        if head.lower_ in cues.plan_nouns and node.dep_ in ("acl", "relcl", "advcl", "prep", "pobj", "xcomp"):
            return _is_negated_noun(head)
        node = head
    if token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_.lower() == "be":
        verb = token.head
        negated = any(c.dep_ == "neg" for c in verb.children)
        return negated and any(c.dep_ in ("acomp", "attr") and c.lower_ in cues.unnecessary for c in verb.children)
    return False


def _is_negated_noun(noun: Token) -> bool:
    if any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
        return True
    verb = noun.head
    return noun.dep_ in ("dobj", "attr") and any(c.dep_ == "neg" for c in verb.children)


def _noun_status(noun: Token, cues: Cues) -> str | None:
    """ "the planned summit", "a would-be meeting" (the modifier may be hyphenated)."""
    for child in noun.children:
        words = (child.lower_, child.lemma_.lower(), hyphenated(child))
        if child.dep_ in ("amod", "compound", "acl", "poss", "nmod") or child.tag_ in ("VBN", "JJ"):
            for status in ("cancelled", "planned", "hypothetical"):
                if any(word in cues.modifiers[status] for word in words):
                    if status == "planned" and child.dep_ == "acl":
                        continue
                    return status
        if child.dep_ == "acl" and child.lemma_.lower() in cues.governors["planned"]:
            return "planned"
    return None


def _governor_status(head: Token, node: Token, cues: Cues) -> str | None:
    lemma = head.lemma_.lower()
    particles = {c.lower_ for c in head.children if c.dep_ in ("prt", "prep")}
    if lemma in cues.needs_particle and not particles & cues.cancel_particles:
        if lemma == "call" and particles & {"for", "on", "upon"}:
            return "hypothetical"
        return _clause_modality(head, cues)
    for status in ("cancelled", "denied", "planned", "hypothetical"):
        if lemma in cues.governors[status] or head.lower_ in cues.governors[status]:
            if status == "planned" and lemma == "go" and head.tag_ != "VBG":
                continue
            if status == "planned" and _clause_modality(head, cues) in ("hypothetical", "cancelled"):
                return _clause_modality(head, cues)
            return status
    if head.pos_ in ("VERB", "AUX") and node.dep_ in ("xcomp", "ccomp", "nsubj", "nsubjpass", "dobj", "attr"):
        return _clause_modality(head, cues)
    return None


def _clause_modality(verb: Token, cues: Cues) -> str | None:
    modal = _modal(verb)
    negated = any(c.dep_ == "neg" for c in verb.children)
    if any(c.dep_ == "advcl" and _has_mark(c, cues.conditional) for c in verb.children):
        return "hypothetical"
    if modal in cues.modal_planned:
        return "cancelled" if negated else "planned"
    if modal in cues.modal_hypothetical:
        return "hypothetical"
    return None

