"""Status: occurred, planned, cancelled, denied or hypothetical, from the parse around a trigger.

The trigger's own clause is read first (negation, modals, an "if" clause, a noun's
modifiers, a negated plan), then the chain of verbs and nouns that govern it, up to the
clause of a reporting verb (the status of reported speech is the reported one) or of a
question ("asked whether she would fly to Oslo": a question is not a condition, so the trip
keeps the status of its own clause). Negation and modality are scoped to their own clause: a
"not" that follows a coordinator belongs to the conjunct after it ("left the talks and did not
sign": the leaving is not negated), whatever the parser hung it on.
"""
from __future__ import annotations

from spacy.tokens import Token

from .lexicon import Cues
from .phrases import hyphenated

CHAIN_DEPS = ("xcomp", "ccomp", "acl", "relcl", "dobj", "pobj", "prep", "advcl", "nsubj", "nsubjpass", "attr", "pcomp",
              "conj", "amod", "compound", "appos")
STOP_AT_REPORTING = ("ccomp", "parataxis")
QUESTION_TAGS = ("WDT", "WP", "WP$", "WRB")
SUBJECTS = ("nsubj", "nsubjpass")


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
        if _is_question(node, cues):
            break  # "a reporter asked whether the minister would visit": no condition on the visit
        if node.dep_ == "relcl" and head.lower_ in cues.occasion_nouns and node.tag_ in ("VBP", "VBZ"):
            return "hypothetical"  # "would not be the final time she visits", "the next time they meet"
        if node.dep_ in ("relcl", "advcl") and _finite(node):
            # "Peru, which has urged talks, would ...", "warned when the bill was rejected", "will
            # meet after the envoys met": a finite relative or adverbial clause states its own
            # fact; only a present-tense time clause takes the main clause's modal ("will sign
            # when he arrives")
            present = node.tag_ in ("VBP", "VBZ") and _has_mark(node, cues.time_marks)
            return _clause_modality(head, cues) if node.dep_ == "advcl" and present else None
        if node.dep_ == "advcl" and any(o.dep_ == "dobj" and o.lemma_.lower() in cues.governors["hypothetical"]
                                        for o in head.children):
            return "hypothetical"  # "issued a call on Peru to free them": the freeing is asked for
        found = _clause_modality(head, cues) if node.dep_ == "conj" else _governor_status(head, node, cues)
        if found is not None:
            return found
        node = head
    return None


def carried_status(status: str, governor: Token | None, cues: Cues) -> str:
    """The status of a nominal event whose carrying verb is negated: "has not imposed any
    sanctions", "did not attend the summit", "the talks will not take place"."""
    if governor is None or status not in ("occurred", "planned") or not _negated(governor):
        return status
    found = _own_clause(governor, cues)
    return found if found in ("denied", "cancelled") else status


def _own_clause(token: Token, cues: Cues) -> str | None:
    children = list(token.children)
    if any(c.dep_ == "advcl" and _has_mark(c, cues.conditional) for c in children) or (
            _has_mark(token, cues.conditional) and not _is_question(token, cues)):
        return "hypothetical"
    if _negated_plan(token, cues):
        return "cancelled"
    if token.pos_ in ("NOUN", "PROPN"):
        return _noun_status(token, cues)
    modal = _modal(token)
    negated = _negated(token)
    if modal in cues.modal_planned:
        return "cancelled" if negated else "planned"
    if modal in cues.modal_hypothetical:
        return "hypothetical"
    if negated:
        return "denied" if token.tag_ in ("VBD", "VBN") else "cancelled"
    if _going_to(token):
        return "planned"
    return None


def _negated(verb: Token) -> bool:
    """A "not" of the verb's own clause. One that comes after a coordinator among the verb's
    children ("walked out and not signed", "quit rather than not vote") is the next conjunct's:
    negation does not reach back over "and"/"or" to a sibling clause."""
    coordinators = [c.i for c in verb.children if c.dep_ == "cc"]
    conjuncts = [c.i for c in verb.children if c.dep_ == "conj"]
    for child in verb.children:
        if child.dep_ != "neg":
            continue
        if not any(cc < child.i for cc in coordinators) or not any(child.i < cj for cj in conjuncts):
            return True
    return False


def _finite(verb: Token) -> bool:
    """A verb with a tense of its own ("has urged", "was rejected", "met"), not a participle or
    an infinitive that takes its time from the clause above."""
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    return verb.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in verb.children)


def _is_question(clause: Token, cues: Cues) -> bool:
    """An embedded or quoted question: an object clause opened by "if"/"whether" or a wh-word
    ("asked if the talks would resume", "wondered when they would meet"), or a clause that ends
    at a question mark ("'Will you go to Lima?' a reporter asked")."""
    asked = clause.dep_ == "advcl" and clause.head.lemma_.lower() in cues.question_verbs  # "asked him if": parsed adverbial
    if clause.dep_ not in ("ccomp", "csubj") and not asked:
        return False
    if any(c.dep_ == "mark" and c.lower_ in cues.question_marks for c in clause.children):
        return True
    if asked:
        return False
    first = clause.doc[clause.left_edge.i]
    if first.tag_ in QUESTION_TAGS and first.i < clause.i:
        return True
    end = clause.right_edge.i + 1
    return end < len(clause.doc) and clause.doc[end].text == "?" or clause.doc[clause.right_edge.i].text == "?"


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
        negated = _negated(verb)
        return negated and any(c.dep_ in ("acomp", "attr") and c.lower_ in cues.unnecessary for c in verb.children)
    return False


def _is_negated_noun(noun: Token) -> bool:
    if any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
        return True
    verb = noun.head
    return noun.dep_ in ("dobj", "attr") and _negated(verb)


def _noun_status(noun: Token, cues: Cues) -> str | None:
    """ "the planned summit", "a would-be meeting" (the modifier may be hyphenated); "there was
    no meeting" (denied), "there will be no talks", "ended without a deal" (cancelled)."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
        return "denied" if noun.head.tag_ in ("VBD", "VBN") and not _modal(noun.head) else "cancelled"
    if noun.dep_ == "pobj" and noun.head.lower_ in cues.absent_preps:
        return "cancelled"  # "left Hanoi without a deal": none was reached
    for child in noun.children:
        words = (child.lower_, child.lemma_.lower(), hyphenated(child))
        if child.dep_ == "det" and child.lower_ in cues.modifiers["hypothetical"] and not _in_negation(noun):
            return "hypothetical"  # "will respond to any attack": no particular one
        if child.dep_ in ("amod", "compound", "acl", "poss", "nmod") or child.tag_ in ("VBN", "JJ"):
            for status in ("cancelled", "planned", "hypothetical"):
                if any(word in cues.modifiers[status] for word in words):
                    if status == "planned" and child.dep_ == "acl":
                        continue
                    return status
        if child.dep_ == "acl" and child.lemma_.lower() in cues.governors["planned"] and not _aimed_at(child):
            return "planned"
    return None


def _in_negation(noun: Token) -> bool:
    """ "has not imposed any sanctions", "without any talks": an "any" under a negated verb or
    "without" belongs to that negation, which decides the status."""
    node = noun
    for _ in range(4):
        head = node.head
        if head.i == node.i:
            return False
        if head.lower_ == "without" or (head.pos_ in ("VERB", "AUX") and _negated(head)):
            return True
        if head.pos_ in ("VERB", "AUX"):
            return False
        node = head
    return False


def _aimed_at(verb: Token) -> bool:
    """ "tariffs aimed at Peru", "a raid directed against rebels": a participle with a target
    ("at"/"against") and no clause says what the thing is for, not that it is planned ("talks
    set for May", "a truce due to start" are)."""
    children = list(verb.children)
    return any(c.dep_ == "prep" and c.lower_ in ("at", "against") for c in children) and not any(
        c.dep_ in ("xcomp", "ccomp") for c in children)


def _governor_status(head: Token, node: Token, cues: Cues) -> str | None:
    lemma = head.lemma_.lower()
    particles = {c.lower_ for c in head.children if c.dep_ in ("prt", "prep")}
    if lemma in cues.refusal_verbs and node.dep_ == "xcomp":
        return "cancelled"  # "refused to meet him"
    if node.dep_ in SUBJECTS and particles & cues.begin_particles:
        return _clause_modality(head, cues)  # "clashes broke out": the event begins ("pulled out of talks" ends them)
    if node.dep_ == "nsubj" and lemma in cues.ending_verbs:
        return _clause_modality(head, cues)  # "the summit ended abruptly", "talks broke off": held, then over
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
    if head.pos_ in ("VERB", "AUX") and (node.dep_ in ("xcomp", "ccomp", "nsubj", "nsubjpass", "dobj", "attr")
                                         or _purpose(node)):
        return _clause_modality(head, cues)
    return None


def _purpose(node: Token) -> bool:
    """ "could work with Lima to impose sanctions": an infinitive of purpose shares the modality
    of the clause it serves."""
    return node.dep_ == "advcl" and node.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)


def _clause_modality(verb: Token, cues: Cues) -> str | None:
    """The modality of a governing clause: a conditional on it or around it ("if Lima imposed
    sanctions"), a modal, a negated will."""
    modal = _modal(verb)
    negated = _negated(verb)
    if any(c.dep_ == "advcl" and _has_mark(c, cues.conditional) for c in verb.children) or (
            _has_mark(verb, cues.conditional) and not _is_question(verb, cues)):
        return "hypothetical"
    if modal in cues.modal_planned:
        return "cancelled" if negated else "planned"
    if modal in cues.modal_hypothetical:
        return "hypothetical"
    return None

