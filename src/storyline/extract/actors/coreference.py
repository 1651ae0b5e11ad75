"""Step 3, pronouns: "he"/"she" to a person, "it" to a country, organisation or singular
group, "they" to a set or plural group, relative "who" to its head, each by the subjects of
the clauses above it, then the recent compatible referents. Inside a quote a person pronoun is
never the quote's speaker.
"""
from __future__ import annotations

from collections.abc import Callable

from .discourse import HE, IT, SUBJ, THEY, Ref, Result, State, emit, refs_at
from .gazetteer import alias_key
from .quotes import speaker

Accept = Callable[[Ref], bool]  # which referents a pronoun may stand for


def _governing(state: State, i: int, accept: Accept) -> list[Ref]:
    """Subjects of the clauses above the pronoun, nearest first, within its sentence and quote."""
    v, t = state.v, i
    for _ in range(12):
        h = v.head[t]
        if h == t or v.sent[h] != v.sent[i] or (v.quoted[i] and not v.quoted[h]):
            break
        for c in v.children(h):
            if v.dep[c] in SUBJ and c != i and c != t:
                refs = [r for r in refs_at(state, c) if accept(r)]
                if refs:
                    return refs
        t = h
    return []


def _sentence_bounds(state: State, s: int) -> range:
    ranges = state.v.sent_ranges
    return ranges[s] if 0 <= s < len(ranges) else range(0)


def _previous_subjects(state: State, i: int, accept: Accept) -> list[Ref]:
    v = state.v
    s = v.sent[i] - 1
    while s >= 0:
        tokens = _sentence_bounds(state, s)
        if any(not v.text[k].isspace() for k in tokens):
            break
        s -= 1
    subjects = sorted((k for k in _sentence_bounds(state, s) if v.dep[k] in SUBJ),
                      key=lambda k: (v.dep[v.head[k]] != "ROOT", k))
    for k in subjects:
        refs = [r for r in refs_at(state, k) if accept(r)]
        if refs:
            return refs
    return []


def _recent(state: State, i: int, accept: Accept, window: int, same_sentence: bool = False) -> list[Ref]:
    v = state.v
    best, when = None, -1
    for ref in state.refs:
        pos = ref.before(i)
        if pos < 0 or not accept(ref) or v.sent[i] - v.sent[pos] > window:
            continue
        if same_sentence and v.sent[pos] != v.sent[i]:
            continue
        if pos > when:
            best, when = ref, pos
    return [best] if best is not None else []


def clause_subjects(state: State, i: int) -> list[Ref]:
    """Referents of the subject of the clause whose verb governs token i."""
    v, k = state.v, i
    for _ in range(4):
        k = v.head[k]
        if v.tag[k].startswith("VB"):
            return [r for c in v.children(k) if v.dep[c] in SUBJ and c != i for r in refs_at(state, c)]
        if v.head[k] == k:
            break
    return []


def _co_arguments(state: State, i: int) -> list[Ref]:
    """Who else the subject pronoun's own verb names, as object or after a preposition ("Along
    with Ms. Diaz, she travelled", "he thanked Mr. Ong"): a subject is not its own co-argument."""
    v, verb = state.v, state.v.head[i]
    found: list[Ref] = []
    stack = [c for c in v.children(verb) if c != i and v.dep[c] in _PHRASAL]
    while stack:
        t = stack.pop()
        if v.dep[t] in ("dobj", "dative", "pobj") and t in state.chunk_at:
            found += refs_at(state, t)
        stack += [c for c in v.children(t) if v.dep[c] in _PHRASAL]
    return found


# The dependents that stay inside one clause: objects, prepositional phrases and their heads.
_PHRASAL = ("dobj", "dative", "prep", "pobj", "advmod", "npadvmod")


def _person_pronoun(state: State, i: int) -> list[Ref]:
    v = state.v
    gender = HE[v.norm[i]]
    speakers = set(map(id, speaker(state, i))) if v.quoted[i] else set()
    if v.norm[i] in ("him", "her") and v.dep[i] in ("dobj", "pobj", "dative"):
        speakers |= {id(m) for r in clause_subjects(state, i) for m in r.flat()}  # "Xi received him"
    if v.dep[i] in SUBJ:
        speakers |= {id(m) for r in _co_arguments(state, i) for m in r.flat()}  # "With Kim, he went"

    def accept(r: Ref) -> bool:
        return r.kind == "person" and (not r.gender or r.gender == gender) and id(r) not in speakers

    if v.dep[i] == "poss" and v.dep[v.head[i]] == "conj":  # "Skripal and his daughter"
        owner = [r for r in refs_at(state, v.head[v.head[i]]) if accept(r)]
        if owner:
            return owner

    return (_governing(state, i, accept) or _recent(state, i, accept, 0, True)
            or _previous_subjects(state, i, accept) or _recent(state, i, accept, 3))


def _it_pronoun(state: State, i: int) -> list[Ref]:
    v, words = state.v, state.gaz.words
    if v.norm[i] == "it" and v.dep[i] not in SUBJ:
        return []

    def accept(r: Ref) -> bool:
        return r.kind in ("country", "org") or (r.kind == "group" and not r.noun.endswith("s") and not _one_person(state, r))

    if v.norm[i] == "it" and v.lemma[v.head[i]] in words["inert_verbs"]:
        return _governing(state, i, accept)  # "Moscow said it was ready", not "It was a mistake"
    return (_governing(state, i, accept) or _recent(state, i, accept, 0, True)
            or _previous_subjects(state, i, accept) or _recent(state, i, accept, 1))


def _one_person(state: State, ref: Ref) -> bool:
    """A generic named by a title of one person ("the senator", "a spokesman"): "it" and "its"
    never stand for it, as they do for a body ("the delegation", "the army")."""
    recs = [state.gaz.titles.get(alias_key(t)) for t in ref.titles]
    return any(rec is not None and rec.person for rec in recs)


def _they_pronoun(state: State, i: int) -> list[Ref]:
    v = state.v

    def accept(r: Ref) -> bool:
        return r.kind == "set" or (r.kind == "group" and r.noun.endswith("s"))

    found = _governing(state, i, accept) or _previous_subjects(state, i, accept) or _recent(state, i, accept, 1)
    if found or v.dep[i] not in SUBJ or v.lemma[v.head[i]] not in state.gaz.words["reciprocal_verbs"]:
        return found
    people = sorted((r for r in state.refs if r.kind == "person" and r.before(i) >= 0
                     and v.sent[i] - v.sent[r.before(i)] <= 1), key=lambda r: r.before(i), reverse=True)
    return people[:2] if len(people) >= 2 else []


def pronoun(state: State, i: int) -> Result | None:
    if i in state.pronouns:
        return state.pronouns[i]
    state.pronouns[i] = None
    v, word = state.v, state.v.norm[i]
    if word in HE:
        refs = _person_pronoun(state, i)
    elif word in IT:
        refs = _it_pronoun(state, i)
    elif word in THEY:
        refs = _they_pronoun(state, i)
    elif word in ("who", "whom") and v.dep[v.head[i]] == "relcl":
        refs = refs_at(state, v.head[v.head[i]])
    else:
        refs = []
    out = emit(state, (i, i + 1, i), refs, "pronoun", any(r.anonymous for r in refs)) if refs else None
    state.pronouns[i] = out
    if out is not None:
        state.at_token.setdefault(i, out[1])
    return out
