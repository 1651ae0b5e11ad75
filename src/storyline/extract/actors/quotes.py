"""Step 4, quotes and statements: the speaker of a quote (the subject of a reporting verb of
its paragraph, or of the paragraph before), "I" and "we" inside a quote attributed to it (a
government speaker's "we" is the country), and "the joint statement said" standing for
whoever issued the statement.
"""
from __future__ import annotations

from functools import lru_cache

from ..lexicon import cues
from .discourse import SUBJ, Ref, State, country_ref, emit, refs_at

_FIRST = {"i", "me", "my", "mine", "myself"}
_WE = {"we", "us", "our", "ours", "ourselves"}


@lru_cache(maxsize=1)
def _speech_verbs() -> frozenset[str]:
    """Verbs whose subject speaks a quote: the reporting verbs of attribution (status.toml
    [reporting], the one list) and the verbs that only frame a quote ("the statement ended")."""
    found = cues()
    return found.reporting_verbs | found.quote_verbs


def _paragraph(state: State, p: int) -> range:
    ranges = state.v.para_ranges
    return ranges[p] if 0 <= p < len(ranges) else range(0)


def _previous_paragraph(state: State, p: int) -> range:
    """The paragraph before p that holds words (a blank line may parse as one of its own)."""
    for q in range(p - 1, -1, -1):
        tokens = _paragraph(state, q)
        if any(not state.v.text[t].isspace() for t in tokens):
            return tokens
    return range(0)


def speaker(state: State, i: int, depth: int = 0) -> list[Ref]:
    """Who speaks the quote containing token i: the subject of a reporting verb of its paragraph."""
    v = state.v
    subject = speaker_token(state, i)
    if subject is not None:
        return refs_at(state, subject)
    tokens = _paragraph(state, v.para[i])
    for t in tokens:
        if v.text[t] == "(" and t + 1 < len(v) and v.text[t + 1].startswith("@") and t > tokens.start:
            refs = refs_at(state, t - 1)
            if refs:
                return refs
    if depth == 0 and tokens and v.quoted[tokens.start + (1 if tokens.start + 1 < len(v) else 0)] and v.para[i] > 0:
        previous = _previous_paragraph(state, v.para[i])
        if previous:
            return speaker(state, previous[-1], 1)
    return []


def speaker_token(state: State, i: int) -> int | None:
    """The subject of the reporting verb of token i's paragraph (its own sentence first, then
    the nearest) that names someone: who speaks a quote there."""
    v, speech = state.v, _speech_verbs()
    tokens = _paragraph(state, v.para[i])
    verbs = [t for t in tokens if not v.quoted[t] and v.lemma[t] in speech and v.tag[t].startswith("VB")]
    verbs.sort(key=lambda t: (v.sent[t] != v.sent[i], abs(t - i)))
    for verb in verbs:
        for c in v.children(verb):
            if v.dep[c] in SUBJ and not v.quoted[c] and c != i and refs_at(state, c):
                return c
    return None


def quote_speakers(state: State) -> dict[int, int]:
    """Each quoted token's speaker token, one look-up per quoted sentence; a quote that runs
    over from the paragraph before takes that paragraph's speaker."""
    v, out = state.v, {}
    for sent in v.sent_ranges:
        quoted = [t for t in sent if v.quoted[t]]
        if not quoted:
            continue
        subject = speaker_token(state, quoted[0])
        tokens = _paragraph(state, v.para[quoted[0]])
        opening = tokens.start + (1 if tokens.start + 1 < len(v) else 0) if tokens else 0
        if subject is None and tokens and v.quoted[opening] and v.para[quoted[0]] > 0:
            previous = _previous_paragraph(state, v.para[quoted[0]])
            subject = speaker_token(state, previous[-1]) if previous else None
        if subject is not None:
            out.update(dict.fromkeys(quoted, subject))
    return out


def _issuer(state: State, i: int) -> list[Ref]:
    v, words = state.v, state.gaz.words
    for c in v.children(i):
        if v.norm[c] == "from":
            refs = [r for g in v.children(c) if v.dep[g] == "pobj" for r in refs_at(state, g)]
            if refs:
                return refs
    for c in v.children(i):
        if v.dep[c] in ("poss", "amod", "compound", "nmod"):
            refs = refs_at(state, c)
            if refs:
                return refs
    head = v.head[i]
    if v.dep[i] == "dobj" and v.lemma[head] in words["issue_verbs"]:
        return [r for c in v.children(head) if v.dep[c] in SUBJ for r in refs_at(state, c)]
    if v.dep[i] == "pobj" and v.norm[head] == "in" and v.lemma[v.head[head]] in _speech_verbs():
        return [r for c in v.children(v.head[head]) if v.dep[c] in SUBJ for r in refs_at(state, c)]
    return []


def statements(state: State, covered: set[int]) -> None:
    """'the joint statement said': a statement stands for whoever issued it."""
    v, nouns = state.v, state.gaz.words["statement_nouns"]
    last: list[Ref] = []
    for i in range(len(v)):
        if i in covered or v.lemma[i] not in nouns or v.tag[i] != "NN":
            continue
        refs = _issuer(state, i)
        if not refs and i > 0 and ({v.norm[i - 1], v.norm[max(i - 2, 0)]} & {"the", "this"}):
            refs = last
        if refs:
            last = refs
            out = emit(state, (i, i + 1, i), refs, "metonym")
            if out is not None:
                state.pronouns[i] = out
                state.at_token[i] = refs
                covered.add(i)


def first_persons(state: State, covered: set[int]) -> None:
    """'I' and 'we' inside a quote: its speaker (a government speaker's 'we' is the country)."""
    v = state.v
    for i in range(len(v)):
        word = v.norm[i]
        if i in covered or word not in _FIRST | _WE or v.tag[i] not in ("PRP", "PRP$"):
            continue
        if not v.quoted[i] and not _tweet(state, i):
            continue
        refs = speaker(state, i)
        if word in _WE:
            refs = _we(state, refs)
        out = emit(state, (i, i + 1, i), refs, "pronoun") if refs else None
        if out is not None:
            state.pronouns[i] = out
            covered.add(i)


def _tweet(state: State, i: int) -> bool:
    v = state.v
    return any(v.text[t].startswith("(@") or (v.text[t] == "(" and t + 1 < len(v) and v.text[t + 1].startswith("@"))
               for t in _paragraph(state, v.para[i]) if t > i)


def _we(state: State, refs: list[Ref]) -> list[Ref]:
    if len(refs) == 1 and refs[0].kind == "person" and refs[0].country and refs[0].sector == "GOV":
        return [country_ref(state, refs[0].country)]
    return refs
