"""Events: trigger words from the pattern dictionary and their arguments from the parse.

A trigger is a verb or noun whose lemma has a pattern in `data/events.toml`, or a phrase of
several words found by spaCy's matchers ("air strike", "cease-fire", "held X responsible",
see `phrases.py`) and read on its head token. Its argument
slots (subject, object, possessor, "with"/"between" objects …) are read off the dependency
parse, following control ("agreed to meet"), relative clauses ("Trump, who was set to
meet"), conjunctions, passives and the verbs that carry nominal events ("held a summit").
Slots are mapped to actors through the `ActorIndex`, and to roles by the pattern.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from ..model import Actor
from .actors import ActorIndex, Mention, gazetteer
from .actors.gazetteer import alias_key
from .lexicon import Lexicon, Pattern, cues
from .lexicon import polarity as lexicon_polarity
from .phrases import PhraseMatch, hyphenated
from .roles import role_rules

SUBJ = ("nsubj", "csubj")
# Verbs that predicate an adjective of their subject: "is responsible", "stands ready", "remains open".
LINKING = frozenset(("be", "stand", "remain", "stay", "seem", "appear", "become", "look", "sound", "feel"))
PASSIVE_SUBJ = ("nsubjpass", "csubjpass")
RELATIVE = ("who", "that", "which", "whom")
PHONE = ("telephone", "phone", "video", "videoconference", "videolink")
POS_OF = {"VERB": "VERB", "NOUN": "NOUN", "PROPN": "NOUN", "ADJ": "ADJ", "ADP": "ADP"}
NAMED = ("DATE", "TIME", "PERSON", "GPE", "NORP", "LOC", "FAC", "ORG", "WORK_OF_ART", "LAW", "EVENT", "PRODUCT")
TARGET_PREPS = ("with", "on", "against", "at", "to", "from")
OBJECT_CONTROL = ("urge", "ask", "invite", "call", "tell", "persuade", "allow", "press", "encourage", "force", "want",
                  "appeal", "plea", "request", "demand", "invitation")
ADDRESSEE_PREPS = ("on", "upon", "to")   # whom a request is made on: "called on Peru to", "appealed to Chile to"

Slots = dict[str, list[Token]]


@dataclass(frozen=True)
class Trigger:
    token: Token
    pattern: Pattern
    slots: tuple[tuple[str, tuple[Token, ...]], ...]
    governor: Token | None

    def slot(self, name: str) -> tuple[Token, ...]:
        return next((tokens for key, tokens in self.slots if key == name), ())

    @property
    def phone(self) -> bool:
        return bool(self.slot("phone"))


@dataclass(frozen=True)
class _Sentence:
    """What every trigger of one sentence is read against."""

    lex: Lexicon
    actors: ActorIndex
    phrase_nouns: frozenset[int]   # head tokens of the noun phrases found ("sit-down")


def find_triggers(sent: Span, lex: Lexicon, actors: ActorIndex) -> Iterator[Trigger]:
    """Every trigger of the sentence, in token order: each token's first pattern (in file
    order) whose conditions hold. A phrase is tried first: where one of its patterns holds it
    is the trigger, on its head token, and its other words are neither triggers nor arguments
    ("air strike" is not the "strike" of workers); where none does, its words are read alone."""
    matches = lex.find_phrases(sent)
    ctx = _Sentence(lex, actors, frozenset(m.anchor for m in matches if m.phrase.pos == "NOUN"))
    phrased, covered = _phrase_triggers(matches, sent, ctx) if matches else ({}, set())
    words = lex.word_tokens(sent)
    doc = sent.doc
    for i in sorted({*words, *phrased}) if phrased else words:
        if i in phrased:
            yield phrased[i]
            continue
        token = doc[i]
        pos = POS_OF.get(token.pos_)
        if pos is None or i in covered or (token.pos_ == "PROPN" and token.ent_type_ in NAMED):
            continue
        if pos == "VERB" and token.dep_ == "oprd":
            continue  # "called the talks promising": a participle said of an object is an adjective
        patterns = lex.candidates(token.lemma_.lower(), pos)
        trigger = _trigger(token, pos, patterns, ctx) if patterns else None
        if trigger is not None:
            yield trigger


def _phrase_triggers(matches: list[PhraseMatch], sent: Span, ctx: _Sentence) -> tuple[dict[int, Trigger], set[int]]:
    """The phrases that are triggers (longest first; none overlaps another), by head token, and
    the tokens they cover."""
    found: dict[int, Trigger] = {}
    covered: set[int] = set()
    for match in matches:
        head = sent.doc[match.anchor]
        if match.tokens & covered or _named(head):
            continue
        phrase = match.phrase
        trigger = _trigger(head, phrase.pos, ctx.lex.candidates(phrase.text, phrase.pos), ctx, match.tokens)
        if trigger is not None:
            found[match.anchor] = trigger
            covered |= match.tokens
    return found, covered


def _named(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.ent_type_ in NAMED


def _trigger(token: Token, pos: str, patterns: Iterable[Pattern], ctx: _Sentence,
             inside: Collection[int] = ()) -> Trigger | None:
    """The token's first pattern whose conditions hold; the words of its own phrase (`inside`)
    fill no slot."""
    slots = _slots(token, pos, ctx)
    if inside:
        slots = {name: [t for t in tokens if t.i not in inside] for name, tokens in slots.items()}
    pattern = next((p for p in patterns if _applies(p, slots, ctx.actors)), None)
    if pattern is None:
        return None
    governor = next(iter(slots.get("governor", ())), None)
    return Trigger(token, pattern, tuple((k, tuple(v)) for k, v in slots.items()), governor)


def _slots(token: Token, pos: str, ctx: _Sentence) -> Slots:
    if pos == "VERB":
        slots = verb_slots(token)
        slots["event_obj"] = [t for t in slots["obj"] if _event_noun(t, ctx)]
        slots["xcomp"] = [c for c in token.children if _infinitive_complement(c)]
        for_subjects = _for_clause_subjects(token)
        if for_subjects:
            slots.setdefault("prep:for", []).extend(for_subjects)
        return slots
    if pos == "NOUN":
        return noun_slots(token, ctx.lex)
    return predicate_slots(token)


def _infinitive_complement(clause: Token) -> bool:
    """ "asked Peru to extradite him", "pushed Tehran to free them": what someone is asked to
    do, an open complement or (as the parser often has it) an infinitival adverbial clause."""
    if clause.pos_ not in ("VERB", "AUX"):
        return False
    return clause.dep_ == "xcomp" or clause.dep_ == "advcl" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def _for_clause_subjects(verb: Token) -> list[Token]:
    """ "called for the army to withdraw", "clamoured for the government to act": the parser
    makes "for" the mark of a clause; its subject is what the verb is for."""
    return [g for c in verb.children if c.dep_ in ("advcl", "ccomp", "xcomp")
            and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children)
            for g in c.children if g.dep_ in SUBJ]


def _event_noun(token: Token, ctx: _Sentence) -> bool:
    """A noun that names an event ("talks", "a sit-down"): the object a support verb carries."""
    if token.i in ctx.phrase_nouns:
        return True
    return POS_OF.get(token.pos_) == "NOUN" and not _named(token) and bool(ctx.lex.candidates(token.lemma_.lower(), "NOUN"))


def predicate_slots(token: Token) -> Slots:
    """An adjective or preposition predicated of a subject: "Russia is responsible for the
    attack", "Russia appeared to be behind the attack", "Russia is to blame", "Chile stands
    ready to help Peru" (with its open complement, `xcomp`, and that complement's object or
    partner, `xcomp_obj`)."""
    copula = token.head
    slots: Slots = {"subj": [], "obj": []}
    if token.dep_ in ("acomp", "prep", "attr", "xcomp") and copula.lemma_.lower() in LINKING:
        slots["subj"] = _expand(subject_of(copula))
    for child in token.children:
        _add_child(slots, child)
    slots["xcomp"] = [c for c in token.children if _infinitive_complement(c)]
    slots["xcomp_obj"] = [t for c in slots["xcomp"]
                          for t in _expand([object_of(c), _with_object(c), *_nested_partners(c)])]
    slots["obj"] = [g for g in token.children if g.dep_ == "pobj"] or [
        g for c in token.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return slots


def _applies(pattern: Pattern, slots: Slots, actors: ActorIndex) -> bool:
    present = {name for name, tokens in slots.items() if tokens}
    if not pattern.needs <= present or (pattern.needs_any and not pattern.needs_any & present):
        return False
    if pattern.without & present:
        return False
    if pattern.particle and pattern.particle not in {t.lower_ for t in slots.get("particle", [])}:
        return False
    if pattern.restricts_obj and not _object_fits(pattern, slots):
        return False
    if (pattern.not_lemmas or pattern.not_entities) and _object_excluded(pattern, slots):
        return False
    if not all(any(_is_one_of(t, words, entities) for t in slots.get(slot, ()))
               for slot, words, entities in pattern.slot_words):
        return False
    if pattern.predicate and not _predicate_fits(pattern.predicate, slots):
        return False
    if pattern.min_actors and sum(1 for t in slots.get("subj", []) if actors.at(t.i)) < pattern.min_actors:
        return False
    return all(any(actors.at(t.i) for t in slots.get(name, [])) for name in pattern.actor_slots)


def _predicate_fits(polarity: str, slots: Slots) -> bool:
    """ "called the expulsions a provocative gesture": the predicate's words carry the polarity."""
    words = lexicon_polarity()[polarity]
    return any(t.lemma_.lower() in words or t.lower_ in words for p in slots.get("predicate", []) for t in p.subtree)


def _objects(slots: Slots) -> list[Token]:
    """The object a sense depends on: the direct one, else the first prepositional one."""
    return slots.get("obj") or slots.get("prep_obj") or []


def _is_one_of(token: Token, words: Collection[str], entities: Collection[str]) -> bool:
    """Whether a token is one of some words (by lemma, form or hyphenated compound) or names an
    entity of some kinds: the semantic class of an object ("fired the prosecutor" names a
    person, "fired two missiles" a weapon)."""
    return (token.lemma_.lower() in words or token.lower_ in words or hyphenated(token) in words
            or token.ent_type_ in entities)


def _object_fits(pattern: Pattern, slots: Slots) -> bool:
    objects = _objects(slots)
    if not objects:
        return pattern.allow_no_obj
    return any(_is_one_of(t, pattern.obj_lemmas, pattern.obj_entities) for t in objects)


def _object_excluded(pattern: Pattern, slots: Slots) -> bool:
    """An object of a class that gives the word another sense ("kill the bill", "hold a vote")."""
    return any(_is_one_of(t, pattern.not_lemmas, pattern.not_entities) for t in _objects(slots))


# ---------------------------------------------------------------- verb slots
def verb_slots(verb: Token) -> Slots:
    subjects = _expand(subject_of(verb))
    if subjects:
        companions = [c for v in _controlling(verb) for c in _companions(v)] + [c for t in subjects for c in _companions(t)]
        subjects += [t for t in _expand(companions) if t not in subjects]
    slots: Slots = {"subj": subjects, "obj": _expand(object_of(verb))}
    for child in verb.children:
        _add_child(slots, child)
    if verb.dep_ in ("amod", "acl") and verb.head.pos_ in ("NOUN", "PROPN"):
        slots["modified"] = [verb.head]
    slots["predicate"] = [c for c in verb.children if c.dep_ in ("oprd", "xcomp", "ccomp") and _predicative(c)]
    slots["xcomp_obj"] = [t for c in verb.children if c.dep_ == "xcomp" for t in _expand([object_of(c), _with_object(c)])]
    partners = [t for t in _expand(_nested_partners(verb)) if t not in slots.get("prep:with", [])]
    if partners:
        slots.setdefault("prep:with", []).extend(partners)
    slots["prep_obj"] = [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"][:1]
    return slots


def _companions(head: Token) -> list[Token]:
    """Who acts with the subject: "Along with Peru, Chile protested", "Kenya, together with
    Uganda, signed", "alongside Japan, Korea condemned": the object of "along with", "together
    with" or "alongside" on the verb or on its subject does what the subject does."""
    out: list[Token] = []
    for prep in (c for c in head.children if c.dep_ == "prep"):
        if prep.lower_ == "along":
            prep = next((c for c in prep.children if c.dep_ == "prep" and c.lower_ == "with"), prep)
        elif prep.lower_ != "alongside" and not _together_with(prep):
            continue
        if prep.lower_ != "along":
            out.extend(g for g in prep.children if g.dep_ == "pobj")
    return out


def _controlling(verb: Token) -> list[Token]:
    """The verb and those whose subject it shares: "joined together with Peru in condemning X"
    (a clause under a preposition), "agreed along with Peru to sign" (an open complement)."""
    chain = [verb]
    while len(chain) < 4:
        head = chain[-1].head
        if chain[-1].dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head
        elif chain[-1].dep_ not in ("xcomp", "advcl", "conj"):
            break
        if head.pos_ not in ("VERB", "AUX") or head in chain:
            break
        chain.append(head)
    return chain


def _together_with(prep: Token) -> bool:
    return prep.lower_ == "with" and any(c.dep_ == "advmod" and c.lower_ == "together" for c in prep.children)


def _predicative(token: Token) -> bool:
    """A noun or adjective said of the object ("called it a provocation"), or a participle used
    as an adjective ("called the move damaging", "termed it insulting"): the parser tags those
    VERB, but an object predicate (`oprd`) or a participle without an auxiliary is no clause."""
    if token.pos_ in ("NOUN", "ADJ", "PROPN"):
        return True
    participle = token.tag_ in ("VBG", "VBN") and not any(c.dep_ in ("aux", "auxpass", "nsubj") for c in token.children)
    return token.pos_ == "VERB" and (token.dep_ == "oprd" or participle)


def _nested_partners(verb: Token) -> list[Token]:
    """A "with" partner the parser hung on the verb's adverbial ("met face to face with X",
    "conferred for 90 minutes with X", "talked at length with X"): the object of a "with" under
    a time expression, an adverb or a bare noun that is itself the object of the verb's
    preposition."""
    hosts = [c for c in verb.children if c.dep_ in ("npadvmod", "advmod")]
    hosts += [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return [g for h in hosts if _bare(h) for c in h.children if c.dep_ == "prep" and c.lower_ == "with"
            for g in c.children if g.dep_ == "pobj"]


def _bare(token: Token) -> bool:
    if token.ent_type_ in ("DATE", "TIME", "CARDINAL", "QUANTITY") or token.pos_ == "ADV":
        return True
    return token.pos_ == "NOUN" and not any(c.dep_ in ("det", "poss", "nummod", "amod", "compound") for c in token.children)


def _add_child(slots: Slots, child: Token) -> None:
    if child.dep_ == "prep":
        objects = ([g for g in child.children if g.dep_ in ("pobj", "pcomp")] or _compound_prep_object(child)
                   or _stranded_object(child))
        slots.setdefault(f"prep:{child.lower_}", []).extend(t for o in objects for t in _expand([o]))
        if child.lower_ in ("by", "over", "on", "via") and any(o.lemma_.lower() in PHONE for o in objects):
            slots["phone"] = objects
    elif child.dep_ == "agent":
        slots.setdefault("prep:by", []).extend(t for g in child.children if g.dep_ == "pobj" for t in _expand([g]))
    elif child.dep_ == "dative":
        objects = [g for g in child.children if g.dep_ == "pobj"] or [child]
        slots.setdefault("dative", []).extend(t for o in objects for t in _expand([o]))
    elif child.dep_ == "prt":
        slots.setdefault("particle", []).append(child)
    elif child.dep_ in ("advcl", "xcomp") and any(g.dep_ == "mark" and g.lower_ == "with" for g in child.children):
        # a misparse of "meet ... with X to discuss": "with" taken as a clause mark
        subjects = [g for g in child.children if g.dep_ in SUBJ]
        slots.setdefault("prep:with", []).extend(t for g in subjects for t in _expand([g]))


def _compound_prep_object(prep: Token) -> list[Token]:
    """ "out of the country", "ahead of the summit": the object hangs from the second word."""
    return [g for c in prep.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]


def _stranded_object(prep: Token) -> list[Token]:
    """A preposition the parser left without its object ("the call between Rubio and Lavrov
    'productive'"): the proper noun right after it."""
    doc = prep.doc
    if prep.i + 1 < len(doc) and doc[prep.i + 1].pos_ == "PROPN":
        return [doc[prep.i + 1]]
    return []


def _with_object(verb: Token) -> Token | None:
    """The object of a preposition that names whom an action is aimed at ("rain fire on X")."""
    return next((g for c in verb.children if c.dep_ == "prep" and c.lower_ in TARGET_PREPS
                 for g in c.children if g.dep_ == "pobj"), None)


def is_passive(verb: Token) -> bool:
    """ "X was attacked", "who were arrested", "X attacked Y and was arrested", "the man
    arrested last week": the grammatical subject (or the noun modified) is the patient."""
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        return True
    return any(c.dep_ in PASSIVE_SUBJ or c.dep_ == "auxpass" for c in verb.children)


def subject_of(verb: Token, depth: int = 0) -> Token | None:
    """The verb's agent: its subject, or the "by" agent of a passive (a passive without one has
    none: its subject is the patient, see `object_of`); inherited through control,
    coordination and relative clauses."""
    if depth > 6:
        return None
    passive = is_passive(verb)
    subject = _nearest(verb, SUBJ + (PASSIVE_SUBJ if verb.dep_ == "xcomp" else ()))
    if subject is not None:
        return _antecedent(_past_dateline(subject, verb))
    for child in verb.children:
        if child.dep_ == "agent" and (passive or verb.tag_ == "VBN"):
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    if passive:
        return None
    for child in verb.children:  # "for the government and the opposition to respect"
        if child.dep_ == "mark" and child.lower_ == "for":
            found = next((g for g in child.children if g.dep_ == "pobj"), None)
            if found is not None:
                return found
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
        return _prep_controller(verb.head, depth)
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("NOUN", "PROPN"):
        return owner_of(verb.head.head, depth + 1)  # "X did favors, including endorsing Y"; "X's threat of attacking Y"
    if verb.dep_ == "xcomp":
        head = verb.head
        if head.lemma_.lower() in OBJECT_CONTROL:
            found = object_of(head) or _addressee_of(head)
            if found is not None:
                return found
        return _controller(head, depth)
    if verb.dep_ == "advcl" and _to_infinitive(verb) and verb.head.pos_ == "VERB":
        requests = [verb.head] if verb.head.lemma_.lower() in OBJECT_CONTROL else []
        requests += [o for o in verb.head.children if o.dep_ == "dobj" and o.lemma_.lower() in OBJECT_CONTROL]
        found = next((a for r in requests for a in [_addressee_of(r)] if a is not None), None)
        if found is not None:
            return found  # "appealed to Peru to free them", "issued a call on Peru to free them": Peru frees
    if verb.dep_ in ("conj", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        return _shared_subject(verb.head, depth)
    if verb.dep_ in ("acomp", "oprd") and verb.head.pos_ in ("VERB", "AUX"):
        return _shared_subject(verb.head, depth)  # "Chile is willing to talk": willing, so Chile talks
    if verb.dep_ == "acl" and verb.head.lemma_.lower() in OBJECT_CONTROL and _to_infinitive(verb):
        return _addressee_of(verb.head) or _responder(verb.head)  # "a demand by X to halt": not X halts
    if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return owner_of(verb.head, depth + 1) if verb.dep_ == "acl" else verb.head
    return None


def _responder(noun: Token) -> Token | None:
    """Who answers what the noun addresses: the subject of a verb of answering it takes as
    object ("X rejected the demand", "the invitation was accepted by X"; data/roles.toml
    `responding`)."""
    verb = noun.head
    if noun.dep_ not in ("dobj", *PASSIVE_SUBJ) or verb.pos_ != "VERB":
        return None
    if verb.lemma_.lower() not in role_rules().responding_verbs:
        return None
    return subject_of(verb, 5)


DASHES = ("—", "–", "--", "-")


def _past_dateline(subject: Token, verb: Token) -> Token:
    """ "NAIROBI, Kenya (AP) — Jane Doe met ...": the parser may take the dateline for the
    subject and the real one for a second subject or its apposition; the subject is what
    follows the dateline's dash."""
    dash = next((t for t in subject.doc[subject.i:verb.i] if t.text in DASHES), None)
    if dash is None or not subject.text.isupper() or len(subject.text) < 3:
        return subject
    after = [c for c in (*verb.children, *subject.children)
             if c.i > dash.i and c.i < verb.i and c.dep_ in (*SUBJ, "appos", "conj")]
    return after[-1] if after else subject


def _nearest(verb: Token, deps: tuple[str, ...]) -> Token | None:
    """The verb's subject: two are a misparse (a heading or a dateline run into the sentence),
    and the one nearest before the verb is it."""
    subjects = [c for c in verb.children if c.dep_ in deps]
    return max(subjects, key=lambda c: (c.i < verb.i, c.i)) if subjects else None


def _to_infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _addressee_of(request: Token) -> Token | None:
    """Whom a request is made on or to: "called on Peru to", "appealed to the UN to", "a call
    upon both sides to"."""
    return next((g for c in request.children if c.dep_ == "prep" and c.lower_ in ADDRESSEE_PREPS
                 for g in c.children if g.dep_ == "pobj"), None)


def _prep_controller(prep: Token, depth: int) -> Token | None:
    """Who does what a prepositional clause says: the object of the verb for "of", "for" and
    "from" ("accused Y of attacking Z", "blamed Y for meeting Z", "stopped Y from leaving"),
    otherwise the verb's grammatical subject ("X met Y after flying in", "X was jailed for
    attacking Y")."""
    verb = prep.head
    if prep.lower_ in ("of", "for", "from"):
        found = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        if found is not None:
            return found
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head  # "firms accused of helping X": the firms help
    return _shared_subject(verb, depth)


def _shared_subject(verb: Token, depth: int) -> Token | None:
    """The grammatical subject, active or passive, that a coordinated or dependent clause
    shares with its head ("X was elected and met Y": X met Y)."""
    subject = _nearest(verb, SUBJ + PASSIVE_SUBJ)
    if subject is not None:
        return _antecedent(subject)
    if is_passive(verb) and verb.dep_ in ("conj", "advcl") and verb.head.pos_ in ("VERB", "AUX") and depth < 6:
        return _shared_subject(verb.head, depth + 1)
    return subject_of(verb, depth + 1)


def _controller(head: Token, depth: int) -> Token | None:
    subject = _nearest(head, SUBJ + PASSIVE_SUBJ)
    if subject is not None:
        return _antecedent(subject)
    if head.dep_ == "acl" and head.tag_ == "VBN" and head.head.pos_ in ("NOUN", "PROPN"):
        return head.head  # "Kim, expected to meet Trump": the noun the participle describes
    return subject_of(head, depth + 1)


def _antecedent(token: Token) -> Token:
    """A relative pronoun stands for the noun its clause modifies."""
    if token.lower_ in RELATIVE and token.head.dep_ == "relcl":
        return token.head.head
    return token


def owner_of(noun: Token, depth: int = 0) -> Token | None:
    """Whose is a noun ("Trump has no plans", "his plans", "plans by Trump")."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "by":
            found = next((g for g in child.children if g.dep_ == "pobj"), None)
            if found is not None:
                return found
    if noun.dep_ in ("dobj", "attr") and noun.head.pos_ in ("VERB", "AUX"):
        return subject_of(noun.head, depth + 1)
    return None


def object_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("dobj", "obj"):
            return child
    for child in verb.children:  # "kidnapped up to 16 advisers": a counted object after a preposition
        if child.dep_ == "prep":
            counted = next((g for g in child.children if g.dep_ == "pobj" and any(n.dep_ == "nummod" for n in g.children)), None)
            if counted is not None and child.i == verb.i + 1 or (counted is not None and verb.doc[child.i - 1].dep_ == "prt"):
                return counted
    for child in verb.children:
        if child.dep_ in PASSIVE_SUBJ:
            return _antecedent(child)
    if verb.dep_ in ("relcl", "acl") and any(c.dep_ in PASSIVE_SUBJ for c in verb.children):
        return verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBN":  # reduced passive: "a deal brokered by X"
        return verb.head
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX") and is_passive(verb):
        return _shared_subject(verb.head, 1)  # "X attacked Y and was arrested": X is arrested
    return None


def _expand(tokens: Iterable[Token | None] | Token | None) -> list[Token]:
    """A token and its conjuncts ("Trump and Putin")."""
    if tokens is None or isinstance(tokens, Token):
        tokens = [tokens] if tokens is not None else []
    out: list[Token] = []
    for token in tokens:
        if token is None:
            continue
        out.append(token)
        out.extend(c for c in token.conjuncts if c not in out)
        out.extend(c for c in _folded_conjuncts(token) if c not in out)
        out.extend(c for a in _named_title(token) for c in a.conjuncts if c not in out)
        out.extend(c for c in _coordinated_modifiers(token) if c not in out)
        out.extend(c for c in _folded_apposition(token) if c not in out)
    return out


def _folded_apposition(token: Token) -> list[Token]:
    """ "President A and Korean leader B met", parsed as "President" with the apposition
    "leader B" that carries "A and" inside it: the apposition is the second party."""
    found: list[Token] = []
    for child in (c for c in token.children if c.dep_ == "appos"):
        folded = _folded_conjuncts(child)
        if folded:
            found.extend([child, *folded])
    return found


def _coordinated_modifiers(token: Token) -> list[Token]:
    """ "Armenian and Azerbaijani officials", "U.S. and Chinese negotiators": the first of two
    coordinated nationality modifiers names a second party (the last one is the noun's own)."""
    return [c for c in token.children if c.dep_ in ("amod", "compound", "nmod")
            and any(g.dep_ == "cc" for g in c.children) and any(g.dep_ == "conj" for g in c.children)]


def _named_title(token: Token) -> list[Token]:
    """ "Chancellor Scholz and President Macron met": the parser may make the name an apposition
    of its title, so the next name is coordinated with the apposition, not the title."""
    return [c for c in token.children if c.dep_ == "appos" and c.i == token.i + 1]


def _folded_conjuncts(token: Token) -> list[Token]:
    """ "President A and Prime Minister B met", "President A and Korean leader B met": the
    parser sometimes folds the first of two coordinated names into a modifier of the second or
    of its title (A an `nmod` carrying the "and"); such a modifier is a conjunct."""
    found: list[Token] = []
    stack = [c for c in token.lefts if c.dep_ in ("nmod", "compound", "amod")]
    while stack:
        left = stack.pop()
        if left.dep_ in ("nmod", "compound") and any(g.dep_ == "cc" for g in left.children):
            found.append(left)
        else:
            stack.extend(c for c in left.lefts if c.dep_ in ("nmod", "compound"))
    return sorted(found, key=lambda t: t.i)


# ---------------------------------------------------------------- noun slots
def noun_slots(noun: Token, lex: Lexicon) -> Slots:
    slots: Slots = {"poss": [], "compound": [], "amod": []}
    for child in noun.children:
        if child.dep_ == "poss":
            slots["poss"].extend(_expand([child]))
        elif child.dep_ in ("compound", "nmod") and child.pos_ in ("PROPN", "NOUN", "ADJ"):
            slots["compound"].append(child)
            slots["compound"].extend(g for g in child.children if g.dep_ == "compound" and _hyphened(g, child))
        elif child.dep_ == "amod":
            slots["amod"].append(child)
        else:
            _add_child(slots, child)
    slots["obj"] = list(slots.get("prep:of", []))
    if not slots["poss"]:
        slots["poss"] = _host_noun(noun)
    governor = governing_verb(noun, lex)
    if governor is not None:
        slots["governor"] = [governor]
        if noun.dep_ in ("dobj", "pobj", "attr", *PASSIVE_SUBJ) and _carries(governor, lex):
            slots["gov_subj"] = _expand(subject_of(governor))
    claimer = claimed_by(noun, lex)
    if claimer is not None and not slots.get("gov_subj"):
        slots["gov_subj"] = _expand(subject_of(claimer))
    return slots


def _hyphened(first: Token, second: Token) -> bool:
    """ "the DPRK-U.S. summit": two names joined by a hyphen are both the noun's participants."""
    return first.i + 2 == second.i and first.doc[first.i + 1].text in ("-", "–")


def _host_noun(noun: Token) -> list[Token]:
    """ "Prime Minister Mahathir, on a visit to Tokyo": the person a phrase describes."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in ("on", "during"):
        return []
    if prep.head.pos_ == "PROPN":
        return [prep.head]
    subject = next((c for c in prep.head.children if c.dep_ in SUBJ), None) if prep.head.pos_ == "VERB" else None
    if subject is not None and subject.i < prep.i < prep.head.i:
        return _expand(subject)  # "Modi, on a visit to Paris, said": the parser hangs the phrase on the verb
    return []


def _carries(verb: Token, lex: Lexicon) -> bool:
    """A support verb whose subject takes part in the nominal event; "call" and "pull" only
    with their particle ("called off the summit", not "called the call productive")."""
    lemma = verb.lemma_.lower()
    if lemma not in lex.support_verbs:
        return False
    if lemma in lex.particle_verbs:
        return any(c.dep_ == "prt" and c.lower_ in ("off", "out") for c in verb.children)
    return True


def claimed_by(noun: Token, lex: Lexicon) -> Token | None:
    """The verb that claims or denies the event as its subject's own: "IS claimed
    responsibility for the bombing", "the group denied responsibility for the attacks"."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "for" or prep.head.lemma_.lower() not in lex.credit:
        return None
    credit = prep.head
    verb = credit.head
    if credit.dep_ in ("dobj", *PASSIVE_SUBJ) and verb.pos_ == "VERB" and verb.lemma_.lower() in lex.claiming:
        return verb
    return None


def governing_verb(noun: Token, lex: Lexicon) -> Token | None:
    """The verb that carries a nominal event: "held [a summit]", "[the meeting] will take place"."""
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB":
        head = head.head if head.lower_ in ("out", "off", "on", "for", "in") else noun
    if head.i == noun.i or head.pos_ not in ("VERB", "AUX"):
        return None
    lemma = head.lemma_.lower()
    if noun.dep_ in ("dobj", "pobj", "attr", *PASSIVE_SUBJ) and lemma in lex.support_verbs:
        return head  # "sanctions were imposed on X" is "imposed sanctions on X" passivized
    if noun.dep_ in SUBJ + PASSIVE_SUBJ and lemma in lex.happening_verbs:
        return head
    return None


# ---------------------------------------------------------------- participants
def slot_actors(tokens: Iterable[Token], actors: ActorIndex, lex: Lexicon, modifier: bool = False) -> list[Actor]:
    """The actors the slot's tokens name; `modifier` for a noun's modifier slot ("the Brexit
    deal"), where a name the gazetteer does not know is the topic, not a party."""
    found: list[Actor] = []
    for token in tokens:
        mention = actors.at(token.i)
        shared = _shared_noun(token, mention, actors)
        if shared:
            found.extend(shared)
            continue
        if mention is None and (token.lemma_.lower() in lex.group_nouns or _partitive(token, lex)):
            members = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in _expand([x for x in c.children if x.dep_ == "pobj"])]
            found.extend(a for m in members if (mm := actors.at(m.i)) and not _thing(mm, m.doc) for a in mm.actors)
            continue
        if mention is not None and not _thing(mention, token.doc) and not (modifier and _in_text_name(mention)):
            found.extend(_apposed(token, mention, actors))
    return _unique(found)


def _person(mention: Mention, doc: Doc) -> bool:
    return any(doc[i].ent_type_ == "PERSON" for i in range(mention.start, mention.end))


def _member(mention: Mention, token: Token) -> bool:
    """One member of a party named by it ("a Republican", "the Democrat"), not the party."""
    party = all(a.sector in ("PTY", "OPP") for a in mention.actors)
    return token.tag_ in ("NNP", "NN") and party and not _person(mention, token.doc)


def _apposed(token: Token, mention: Mention, actors: ActorIndex) -> tuple[Actor, ...]:
    """A party member and a person in apposition are one person of the party's country:
    "another Republican, Jim Doe, said" is Jim Doe; "Mary Roe, the Democrat from Ohio", is
    American."""
    doc = token.doc
    for child in (c for c in token.children if c.dep_ == "appos"):
        other = actors.at(child.i)
        if other is None or other is mention:
            continue
        if _member(mention, token) and _person(other, doc):
            person, party = other, mention
        elif _person(mention, doc) and _member(other, child):
            person, party = mention, other
        else:
            continue
        country = party.actors[0].country
        return tuple(replace(a, country=country) if a.country is None else a for a in person.actors)
    return mention.actors


def _shared_noun(token: Token, mention: Mention | None, actors: ActorIndex) -> list[Actor]:
    """ "Russian and Ukrainian troops": the first nationality shares the noun's generic group
    (Russian troops, not Russia)."""
    if mention is None or token not in _coordinated_modifiers(token.head):
        return []
    group = actors.at(token.head.i)
    if group is None or group is mention:
        return []
    countries = [a.country for a in mention.actors if a.country]
    return [replace(a, country=c) for a in group.actors if a.name.startswith("~") for c in countries[:1]]


def _partitive(token: Token, lex: Lexicon) -> bool:
    """ "two of the suspects", "several of the protesters": a number or quantifier stands for
    the group its "of" names."""
    return token.pos_ in ("NUM", "PRON", "DET", "ADJ", "NOUN") and (
        token.like_num or token.lower_ in lex.partitives or token.lemma_.lower() in lex.partitives)


def _in_text_name(mention: Mention) -> bool:
    """A name as written that resolved to no gazetteer person, organisation, party or place,
    nor to a person named more fully before ("Parnas" after "Lev Parnas"): a first mention of
    a name storyline knows nothing about."""
    names = gazetteer().names
    return mention.kind == "name" and all(a.name == a.text and alias_key(a.name) not in names for a in mention.actors)


def _thing(mention: Mention, doc: Doc) -> bool:
    """An unknown name (no gazetteer entry, no sector) that is a thing, an event or a place, not
    an agent: one the entity recogniser labels so (a referendum, a law, a town), or one that
    takes the article as only things do ("the Egyptian Gazette", "the Grand Hotel": English puts
    no article before a person's name). Gazetteer actors, countries, metonyms ("the Kremlin", a
    capital that acts) and people named before are kept."""
    names = gazetteer().names
    if mention.kind not in ("name", "title") or any(a.sector or alias_key(a.name) in names for a in mention.actors):
        return False
    if mention.kind == "name" and not _in_text_name(mention):
        return False
    labels = {doc[i].ent_type_ for i in range(mention.start, mention.end)} - {""}
    return (bool(labels) and labels <= role_rules().not_actor_labels) or doc[mention.start].lower_ == "the"


def _unique(actors: Iterable[Actor]) -> list[Actor]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for actor in actors:
        key = (actor.name, actor.country)
        if key not in seen:
            seen.add(key)
            out.append(actor)
    return out


def _roles(pattern: Pattern) -> tuple[tuple[str, str], ...]:
    """The pattern's roles, then the default roles of prepositions for its event type
    (`data/roles.toml`) where it names none for them."""
    named = {slot for slot, _ in pattern.roles}
    own: tuple[tuple[str, str], ...] = tuple(pattern.roles)
    return own + tuple((s, r) for s, r in role_rules().defaults(pattern.type) if s not in named)


def _role_tokens(trigger: Trigger, slot: str, carried: Slots) -> tuple[Token, ...]:
    if slot == "obj_owner":
        return tuple(t for o in trigger.slot("obj") for c in o.children
                     if c.dep_ in ("poss",) or (c.dep_ == "prep" and c.lower_ in ("by", "from"))
                     for t in ([c] if c.dep_ == "poss" else [g for g in c.children if g.dep_ == "pobj"]))
    tokens = trigger.slot(slot)
    if not tokens and slot.startswith("prep:") and trigger.pattern.pos == "NOUN":
        return tuple(carried.get(slot, ()))
    if not tokens and slot.startswith("prep:") and trigger.pattern.pos == "VERB":
        # "cut ties with X", "suspended contacts with X": the object noun's preposition
        return tuple(t for o in trigger.slot("obj") for c in o.children if c.dep_ == "prep" and c.lower_ == slot[5:]
                     for g in c.children if g.dep_ == "pobj" for t in _expand([g]))
    return tokens


def _owners(targets: Iterable[Token], actors: ActorIndex, lex: Lexicon) -> list[Token]:
    """Whose a target that names nobody is: "condemned the Russian invasion", "rejected Peru's
    proposal", "criticized the decision by Chile", "tariffs on Mexican steel", "backed Smith's
    nomination". A deed, a plan or a good stands for the party it belongs to: its possessor, its
    "by" agent, or a name or nationality modifying it. A bare noun's "of" ("in favour of X", "in
    support of X's bid") names whom the phrase is for."""
    out: list[Token] = []
    for target in targets:
        if actors.at(target.i) is not None or target.pos_ not in ("NOUN", "PROPN"):
            continue
        bare = not any(c.dep_ in ("det", "poss") for c in target.children)
        for child in target.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod") and actors.at(child.i) is not None:
                out.append(child)
            elif child.dep_ == "prep" and (child.lower_ == "by" or bare and child.lower_ == "of"):
                objects = [g for g in child.children if g.dep_ == "pobj"]
                out.extend(g for g in objects if actors.at(g.i) is not None)
                if bare and child.lower_ == "of":
                    out.extend(_owners([g for g in objects if actors.at(g.i) is None], actors, lex))
    return _expand(out)


def carrier_preps(noun: Token, lex: Lexicon) -> Slots:
    """The prepositional objects of the verb that carries a nominal event, read as the noun's
    own: "imposed sanctions on X" are sanctions on X, "held talks with X" talks with X,
    "sanctions were imposed on X by Y" sanctions by Y; also a participle of such a verb on the
    noun ("the strikes carried out against X")."""
    participles = (c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() in lex.support_verbs)
    carriers: list[Token | None] = [governing_verb(noun, lex), *participles]
    slots: Slots = {}
    for verb in filter(None, carriers):
        for child in verb.children:
            if child.dep_ in ("prep", "agent") and not (child.left_edge.i <= noun.i <= child.right_edge.i):
                _add_child(slots, child)
    slots.setdefault("prep:against", []).extend(_aimed_at(noun))
    return slots


def _aimed_at(noun: Token) -> list[Token]:
    """The target a participle aims the event at ("tariffs aimed at X", "sanctions targeting X"),
    read as "against X"."""
    aiming = role_rules().aiming_verbs
    out: list[Token] = []
    for verb in noun.children:
        if verb.dep_ == "acl" and verb.lemma_.lower() in aiming:
            targets = [g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("at", "against", "on")
                       for g in c.children if g.dep_ == "pobj"] + [c for c in verb.children if c.dep_ == "dobj"]
            out.extend(_expand(targets))
    return out


def _verb_types(verb: Token, lex: Lexicon) -> set[str]:
    return {p.type for p in lex.candidates(verb.lemma_.lower(), "VERB")}


def attendees(noun: Token, lex: Lexicon, event_type: str = "") -> list[Token]:
    """Who takes part in a nominal event by going to it or by being its reason: "X arrived for
    the talks with Y", "X flew to the summit", "Y was jailed for the attack", "X blamed Y for
    the attack" (the object if the verb has one), "X spoke during the talks" (for the types
    `attended` in data/roles.toml). Not after a request ("X called for talks", "Y asked for
    aid"): asking for an event is asking someone else to act."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep":
        return []
    verb = prep.head
    if verb.pos_ == "NOUN" and prep.lower_ in ("for", "of") and _planning_noun(verb, lex):
        return _expand(owner_of(verb))  # "X's trip to Y for talks", "X's cancellation of the summit"
    if verb.pos_ in ("NOUN", "PROPN") and verb.dep_ == "pobj" and verb.head.dep_ == "prep":
        verb = verb.head.head  # "arrived in Hanoi for the summit", the "for" read on Hanoi
    if verb.pos_ not in ("VERB", "AUX"):
        return []
    rules, lemma, word = role_rules(), verb.lemma_.lower(), prep.lower_
    if lemma in rules.motion_verbs and word in ("to", "for", "at"):
        return _expand([subject_of(verb), object_of(verb)])
    if word in rules.attendance_preps and event_type in rules.types["attended"] and (word != "in" or _partnered(noun)):
        return _expand(_shared_subject(verb, 0))
    if word != "for" or _verb_types(verb, lex) & rules.types["request"] or lemma in rules.not_participant_verbs:
        return []
    found = object_of(verb)
    return _expand(found if found is not None else subject_of(verb))


def _partnered(noun: Token) -> bool:
    """ "in a call with Y", "in talks between Y and Z": a meeting named with its other side, the
    only one "in" places the verb's subject at (not "accused X of cheating in the negotiations")."""
    return any(c.dep_ == "prep" and c.lower_ in ("with", "between") for c in noun.children)


def _planning_noun(noun: Token, lex: Lexicon) -> bool:
    """A noun whose owner takes part in the event it is for or of: a journey to it (a CONSULT
    noun: "trip", "visit") or a plan or cancellation of it (the status cues of status.toml)."""
    lemma, cue = noun.lemma_.lower(), cues()
    if any(p.type == "CONSULT" for p in lex.candidates(lemma, "NOUN")):
        return True
    return lemma in cue.governors["cancelled"] | cue.governors["planned"] | cue.plan_nouns


def _instrument(noun: Token, lex: Lexicon) -> tuple[list[Token], list[Token]]:
    """A nominal event a verb applies "with": "X hit Y with sanctions", "Y was slapped with
    tariffs", "X threatened Y with war": the verb's agent and its object (or passive subject).
    Not after verbs that charge or ask ("Y was charged with assault": the offence)."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ != "with" or prep.head.pos_ not in ("VERB", "AUX"):
        return [], []
    verb = prep.head
    if _verb_types(verb, lex) & role_rules().types["charge"]:
        return [], []
    return _expand(subject_of(verb)), _expand(object_of(verb))


def _addressee(token: Token, event_type: str) -> list[Token]:
    """Who is asked: the subject of the clause that says what ("X demanded that Y leave", "the
    demand that Y leave"), for the event types of `addressee` in data/roles.toml."""
    if event_type not in role_rules().types["addressee"]:
        return []
    return [g for c in token.children if c.dep_ in ("ccomp", "acl", "relcl")
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            for g in _expand([s for s in c.children if s.dep_ in SUBJ])]


def _infinitive_target(noun: Token, event_type: str) -> list[Token]:
    """ "the refusal to recognize X", "the threat to attack X": the object of the infinitive (or
    its owner: "to recognize X's election"), for the types of `infinitive_target`."""
    if event_type not in role_rules().types["infinitive_target"]:
        return []
    out: list[Token] = []
    for verb in noun.children:
        if verb.dep_ == "acl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in verb.children):
            found = _expand(object_of(verb) or _with_object(verb))
            out.extend(found + [c for t in found for c in t.children if c.dep_ == "poss"])
    return out


def _implicit(trigger: Trigger, lex: Lexicon, actors: ActorIndex) -> tuple[list[Token], list[Token]]:
    """Participants read around the trigger where its own slots name nobody: for a nominal
    event those who go to it or are its reason, the agent and object of a verb applying it
    ("hit Y with sanctions"), the target of its infinitive; for any, the addressee of a demand."""
    token, kind = trigger.token, trigger.pattern.type
    if trigger.pattern.pos != "NOUN":
        return [], _addressee(token, kind)
    agent, patient = _instrument(token, lex)
    asks = token.lemma_.lower() in OBJECT_CONTROL or kind in role_rules().types["request"]
    addressed = _expand(_responder(token)) if asks else []
    return (_first_named(actors, lex, attendees(token, lex, kind), agent, _involved(token)),
            _first_named(actors, lex, _infinitive_target(token, kind), patient, _addressee(token, kind), addressed,
                         _aimed_by(token)))


def _aimed_by(noun: Token) -> list[Token]:
    """ "officials targeted by the sanctions", "firms hit by the tariffs": the noun a participle
    of aiming describes is the target of its "by" event."""
    agent = noun.head
    verb = agent.head
    if noun.dep_ != "pobj" or agent.dep_ != "agent" or verb.dep_ != "acl" or verb.head.pos_ not in ("NOUN", "PROPN"):
        return []
    return _expand(verb.head) if verb.lemma_.lower() in role_rules().aiming_verbs | {"hit"} else []


def _first_named(actors: ActorIndex, lex: Lexicon, *candidates: list[Token]) -> list[Token]:
    """The first list of tokens that names an actor ("thousands of Nigerians" included)."""
    return next((c for c in candidates if c and slot_actors(c, actors, lex)), [])


def _involved(noun: Token) -> list[Token]:
    """ "X denied any involvement in the bombing", "X's role in the attack": who has a part in
    the deed does it (data/roles.toml `involvement`)."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in ("in", "for") or prep.head.lemma_.lower() not in role_rules().involvement_nouns:
        return []
    return _expand(owner_of(prep.head))


def participants(trigger: Trigger, actors: ActorIndex, lex: Lexicon) -> tuple[list[Actor], list[Actor]]:
    """Actors and recipients of a trigger by the roles of its pattern and the default roles of
    its type; a nominal event without an actor takes the subject of the verb carrying it; then
    what is read around the trigger fills a side still empty (`_implicit`)."""
    sides: dict[str, list[Actor]] = {"actor": [], "recipient": []}
    carried = carrier_preps(trigger.token, lex) if trigger.pattern.pos == "NOUN" else {}
    targets: list[Token] = []
    for slot, role in _roles(trigger.pattern):
        tokens = _role_tokens(trigger, slot, carried)
        found = slot_actors(tokens, actors, lex, modifier=slot == "compound")
        if role == "recipient" and slot != "compound":
            targets.extend(tokens)
        if role == "pooled":
            if not sides["actor"] and found:
                sides["actor"].append(found.pop(0))
            sides["recipient"].extend(found)
        elif role in sides:
            sides[role].extend(found)
    explicit = any(slot == "gov_subj" for slot, _ in trigger.pattern.roles)
    if not sides["actor"] and trigger.pattern.pos == "NOUN" and not explicit:
        sides["actor"].extend(slot_actors(trigger.slot("gov_subj"), actors, lex))
    if not sides["actor"] or not sides["recipient"]:
        agent, patient = _implicit(trigger, lex, actors)
        sides["actor"] = sides["actor"] or slot_actors(agent, actors, lex)
        sides["recipient"] = sides["recipient"] or slot_actors(patient, actors, lex)
    if sides["actor"] and not sides["recipient"]:
        sides["recipient"] = slot_actors(_owners(targets, actors, lex), actors, lex, modifier=True)
    if sides["recipient"] and not sides["actor"] and trigger.pattern.pos == "VERB" and is_passive(trigger.token):
        # "Iran was hit with new U.S. sanctions": whose the means are, acted
        sides["actor"] = slot_actors(_owners(trigger.slot("prep:with"), actors, lex), actors, lex, modifier=True)
    actor_side = _named_once(_unique(sides["actor"]))
    keys = {(a.name, a.country) for a in actor_side}
    recipients = [a for a in _unique(sides["recipient"]) if (a.name, a.country) not in keys]
    if trigger.pattern.type in role_rules().types["own_forces"]:
        own = {a.country for a in actor_side}
        recipients = [a for a in recipients if not (a.name.startswith("~") and a.sector == "MIL" and a.country in own)]
    return actor_side, _named_once(recipients)


def _named_once(side: list[Actor]) -> list[Actor]:
    """ "Democratic Senator and former prosecutor Jane Doe criticized it": a title for one person
    ("~senator") beside a named actor of the same country on the same side is that person's
    title, coordinated before her name, not somebody else."""
    titles = gazetteer().titles

    def one_person_title(actor: Actor) -> bool:
        noun = alias_key(actor.name[1:]) if actor.name.startswith("~") else ""
        rec = titles.get(noun) if noun else None
        return rec is not None and rec.person and alias_key(rec.phrase) == noun

    named = [a for a in side if not a.name.startswith("~")]
    spare = [a for a in side if one_person_title(a) and any(n.country in (None, a.country) for n in named)]
    if not spare:
        return side
    country = spare[0].country  # the title's country is the person's when her name gave none
    return [replace(a, country=country) if a.country is None and a in named else a for a in side if a not in spare]
