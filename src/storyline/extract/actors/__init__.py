"""Actor resolution: who is named, described or referred to in an article, as `Actor` records.

`resolve_actors(doc, published)` reads a parsed spaCy `Doc` and returns an `ActorIndex` of
`Mention`s, each covering a token span and resolved to one or more actors (name, ISO3 country,
sector, the text and character offsets of the mention). The steps, one module each:

1. `gazetteer`: the look-up tables, built once per process: gazetteer persons with dated
   roles, organisations, parties, countries, demonyms and capitals (`data/actors.json`,
   `data/demonyms.tsv`), titles, honorifics and modifier words (`data/titles.toml`);
2. `mentions`: a token view of the doc, then lexical tagging (longest match first) and
   chunking: runs of modifiers, titles and a name become one mention ("U.S. Secretary of State
   Marco Rubio", "a Trump administration official", "North Korea's former intelligence chief");
   appositives ("the foreign secretary, Boris Johnson,") tie a description to a name;
3. resolution in reading order against a discourse model (`discourse`: referents and the
   article's state; `resolution`: each chunk): surnames and partial names to the person named
   before, definite descriptions to the most recent compatible person (or to the gazetteer's
   holder of the title at `published`), plural descriptions ("the two leaders", "their
   countries"); `coreference`: pronouns and relative "who";
4. `quotes`: a last pass for statements ("the joint statement said") and first persons inside
   quotes ("I", "we") attributed to the quote's speaker.

Capitals and seats of government ("Moscow", "the Kremlin") are actors only when they act:
subject or argument of a verb, not the object of a locative preposition ("in Moscow").
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from spacy.tokens import Doc

from .coreference import pronoun
from .discourse import HE, IT, THEY, Result, State, settle
from .gazetteer import Gazetteer, gazetteer, title_of
from .index import ActorIndex, Mention
from .mentions import Item, View, appositions, find_chunks, tag_items, token_view
from .quotes import first_persons, quote_speakers, statements
from .resolution import OFFICE_SECTORS, resolve_chunk

__all__ = ["ActorIndex", "Gazetteer", "Mention", "gazetteer", "resolve_actors", "title_of"]


def _places(v: View, gaz: Gazetteer, items: list[Item]) -> list[tuple[int, str]]:
    """Countries (and their capitals) named as places: objects of locative prepositions."""
    out = []
    for item in items:
        found = item.record("country", "capital")
        head = item.end - 1
        if found is not None and v.dep[head] == "pobj" and v.norm[v.head[head]] in gaz.words["locative_prepositions"]:
            out.append((head, found.country))
    return out


def _setting(v: View, gaz: Gazetteer, items: list[Item]) -> str | None:
    """The country the story happens in: most named as a place or as a modifier."""
    counts: dict[str, int] = {}
    for item in items:
        found = item.record("country", "demonym", "capital")
        if found is None:
            continue
        head = item.end - 1
        place = v.dep[head] == "pobj" and v.norm[v.head[head]] in gaz.words["locative_prepositions"]
        if place or v.dep[head] in ("amod", "compound"):
            counts[found.country] = counts.get(found.country, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _doc_countries(items: list[Item]) -> set[str]:
    out = set()
    for item in items:
        found = item.record("country", "demonym", "capital", "people")
        if found is not None:
            out.add(found.country)
    return out


def _index(results: Iterable[Result | None]) -> ActorIndex:
    mentions = sorted({(m.start, m.end): m for m, _ in filter(None, results)}.values(), key=lambda m: (m.start, m.end))
    by_token: dict[int, int] = {}
    kept: list[Mention] = []
    for mention in mentions:
        if any(t in by_token for t in range(mention.start, mention.end)):
            continue
        for t in range(mention.start, mention.end):
            by_token[t] = len(kept)
        kept.append(mention)
    return ActorIndex(tuple(kept), by_token)


def resolve_actors(doc: Doc, published: dt.date | None) -> ActorIndex:
    """Every actor mention of a parsed article, resolved to gazetteer or in-text actors."""
    gaz = gazetteer()
    v = token_view(doc, published)
    items = tag_items(v, gaz)
    chunks = find_chunks(v, gaz, items)
    state = State(v, gaz, resolve_chunk, pronoun, countries=_doc_countries(items),
                  setting=_setting(v, gaz, items), chunks=chunks, apps=appositions(v, chunks),
                  places=_places(v, gaz, items))
    for n, chunk in enumerate(chunks):
        for t in range(chunk.start, chunk.end):
            state.chunk_at[t] = n
    pronouns = [i for i in range(len(v)) if i not in state.chunk_at and v.tag[i] in ("PRP", "PRP$", "WP")
                and v.norm[i] in (*HE, *IT, *THEY, "who", "whom")]
    events = sorted([(c.start, "c", n) for n, c in enumerate(chunks)] + [(i, "p", i) for i in pronouns])
    for _, what, key in events:
        if what == "c":
            resolve_chunk(state, key)
        else:
            pronoun(state, key)
    covered = set(state.chunk_at) | set(pronouns)
    statements(state, covered)
    first_persons(state, covered)
    settle_countries(state)
    index = _index([settle(state, r) for r in (*state.results.values(), *state.pronouns.values())])
    return ActorIndex(index.mentions, index.by_token, quote_speakers(state))


def settle_countries(state: State) -> None:
    """A person the gazetteer does not know and the article gives no country (no title with
    one, no apposition, no origin) is taken to be of the country most of the article's people
    are of, when one holds at least half of their mentions: the usual case in news. The places
    the story names decide no one's nationality; only a state office named without a country
    ("Interior Minister Jane Doe") is, failing that, held where the story is set. Decided only
    after the whole article is read, so that a country stated at a later mention wins.
    International officials are of no country (XXX)."""
    counts: dict[str, int] = {}
    for ref in state.refs:
        if ref.kind == "person" and ref.country not in (None, "XXX"):
            counts[str(ref.country)] = counts.get(str(ref.country), 0) + ref.count
    ranked = sorted(counts.values(), reverse=True)
    if ranked and 2 * ranked[0] < sum(ranked) or len(ranked) > 1 and ranked[0] == ranked[1]:
        return  # no country holds most of the people: no prior
    home = max(counts, key=lambda k: counts[k]) if counts else None
    for ref in state.refs:
        if ref.kind == "person" and ref.person is None and ref.country is None and ref.sector != "IGO":
            ref.country = home or (state.setting if ref.sector in OFFICE_SECTORS else None)
