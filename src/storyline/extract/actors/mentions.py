"""Steps 1 and 2: a token view of the parsed document, lexical tagging (names, titles,
honorifics, modifier words, unknown capitalised names) and chunking (one noun phrase naming or
describing an actor, appositions tying a description to a name).

The small spaCy model's entity labels are not trusted: names come from the gazetteer and token
shape (capitalised proper nouns); entities only confirm an unknown name.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal, overload

from spacy.tokens import Doc

from ...text import fold
from .gazetteer import Gazetteer, alias_key, squeeze
from .records import (
    CountryKind,
    CountryRec,
    Kind,
    LexEntry,
    OrgRec,
    PartyKind,
    PartyRec,
    PersonKind,
    PersonRec,
    RegionRec,
    Target,
    TitleRec,
)


@dataclass(frozen=True)
class View:
    doc: Doc
    text: tuple[str, ...]
    norm: tuple[str, ...]
    lemma: tuple[str, ...]
    tag: tuple[str, ...]
    dep: tuple[str, ...]
    head: tuple[int, ...]
    ent: tuple[str, ...]
    sent: tuple[int, ...]
    para: tuple[int, ...]
    quoted: tuple[bool, ...]
    published: dt.date | None
    source: str = ""
    idx: tuple[int, ...] = ()
    kids: dict[int, tuple[int, ...]] = field(default_factory=dict)  # filled on demand
    sent_ranges: tuple[range, ...] = ()
    para_ranges: tuple[range, ...] = ()

    def __len__(self) -> int:
        return len(self.text)

    def upper_initial(self, i: int) -> bool:
        t = self.text[i]
        return bool(t) and t[0].isupper()

    def children(self, i: int) -> tuple[int, ...]:
        found = self.kids.get(i)
        if found is None:
            found = self.kids[i] = tuple(c.i for c in self.doc[i].children)
        return found


POSS = ("'s", "’s", "‘s")
POSS_ENDS = frozenset(POSS)


@lru_cache(maxsize=65536)
def token_key(text: str) -> str:
    """A token's look-up key: as a name's (`alias_key`), without a possessive ("Russia's")."""
    folded = fold(text)
    if len(folded) > 2 and folded.endswith("'s") and text not in POSS:
        folded = folded[:-2]
    return squeeze(folded)


# Token attributes read in one array (by name: spacy.attrs has no type stubs).
_COLUMNS: list[int | str] = ["ORTH", "LEMMA", "TAG", "DEP", "HEAD", "ENT_TYPE", "IDX", "SENT_START", "SPACY"]


def token_view(doc: Doc, published: dt.date | None) -> View:
    strings = doc.vocab.strings
    columns = doc.to_array(_COLUMNS).T.tolist()
    text = tuple(strings[h] for h in columns[0])
    source, offsets = "".join(t + " " if w else t for t, w in zip(text, columns[8], strict=True)), tuple(columns[6])
    para, paragraph = [], 0
    for n, tok_text in enumerate(text):
        para.append(paragraph)
        end = offsets[n] + len(tok_text)
        if "\n" in tok_text or source[end:end + 1] == "\n":
            paragraph += 1
    sent, current = [], -1
    for n, flag in enumerate(columns[7]):
        current += 1 if (flag == 1 or n == 0) else 0
        sent.append(current)
    heads = tuple(n + (rel - (1 << 64) if rel >= 1 << 63 else rel) for n, rel in enumerate(columns[4]))
    return View(
        doc, text, tuple(map(token_key, text)), tuple(strings[h] for h in columns[1]),
        tuple(strings[h] for h in columns[2]), tuple(strings[h] for h in columns[3]), heads,
        tuple(strings[h] for h in columns[5]), tuple(sent), tuple(para), _quoted(list(text), para),
        published, source, offsets, {}, _ranges(sent), _ranges(para),
    )


def _ranges(labels: Sequence[int]) -> tuple[range, ...]:
    """Token ranges of consecutive equal labels, indexed by label (labels count up from 0)."""
    out: list[range] = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            while len(out) < labels[start]:
                out.append(range(start, start))
            out.append(range(start, i))
            start = i
    return tuple(out)


def _quoted(text: list[str], para: list[int]) -> tuple[bool, ...]:
    """Which tokens sit inside quotation marks (reset at each paragraph)."""
    out, inside, current = [], False, -1
    for tok, p in zip(text, para, strict=True):
        if p != current:
            inside, current = False, p
        if tok in ("“", "``", "«"):
            inside = True
        elif tok in ("”", "''", "»"):
            inside = False
        elif tok == '"':
            inside = not inside
        out.append(inside)
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Step 1: lexical tagging


@dataclass(frozen=True)
class Item:
    """A lexical unit found in the text: a name, a title, an honorific, a modifier word."""

    start: int
    end: int
    kind: Literal["name", "title", "hon", "mod", "unknown", "num"]  # name: gazetteer; unknown: capitalised
    entries: tuple[LexEntry, ...] = ()
    title: TitleRec | None = None
    value: str = ""

    def first(self, *kinds: Kind) -> LexEntry | None:
        return next((e for e in self.entries if e.kind in kinds), None)

    @overload
    def record(self, *kinds: PersonKind) -> PersonRec | None: ...
    @overload
    def record(self, *kinds: Literal["org"]) -> OrgRec | None: ...
    @overload
    def record(self, *kinds: PartyKind) -> PartyRec | None: ...
    @overload
    def record(self, *kinds: CountryKind) -> CountryRec | None: ...
    @overload
    def record(self, *kinds: Literal["region"]) -> RegionRec | None: ...

    def record(self, *kinds: Kind) -> Target | None:
        """The record of the first entry of one of `kinds` (kinds of one record type, see records.py)."""
        entry = self.first(*kinds)
        return entry.target if entry is not None else None

    @property
    def kinds(self) -> frozenset[Kind]:
        return frozenset(e.kind for e in self.entries)


_NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
HYPHENS = {"-", "–", "‐", "‑"}


def _walk(v: View, i: int, forms: Sequence[str], prefixes: frozenset[str], table: Mapping[str, object],
          start: str = "") -> tuple[int, str] | None:
    """Longest run of tokens from i whose joined forms (after `start`) is a key of `table`."""
    acc, best, j, n, text = start, None, i, min(len(v.text), i + 12), v.text
    while j < n:
        if j > i and text[j] in HYPHENS:
            j += 1
            continue
        piece = forms[j]
        if not piece or piece.isspace():
            break
        acc += piece
        if acc not in prefixes:
            break
        j += 1
        if acc in table:
            best = (j, acc)
        if text[j - 1][-2:] in POSS_ENDS and text[j - 1] not in POSS:
            break  # a possessive ends a name
    return best


def _raw(v: View, start: int, end: int) -> str:
    text = "".join(v.text[start:end])
    for suffix in POSS:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    return "".join(ch for ch in text if ch not in " -\u2010\u2011\u2013")


def _caps_line(v: View, start: int, end: int) -> bool:
    """True inside an all-capitals headline, where acronyms cannot be told from words."""
    around = [v.text[k] for k in (start - 1, end) if 0 <= k < len(v) and v.text[k].isalpha()]
    return any(len(w) > 2 and w.isupper() for w in around)


def _valid(entry: LexEntry, v: View, start: int, end: int) -> bool:
    if entry.exact:
        return _raw(v, start, end) == "".join(ch for ch in entry.alias if ch not in " -") and not _caps_line(v, start, end)
    if entry.upper and not v.upper_initial(start):
        return False
    if entry.kind == "short" and v.ent[start] in ("DATE", "TIME", "CARDINAL") and v.dep[start] not in ("nsubj", "nsubjpass"):
        return False
    if entry.kind == "region":
        nxt = start + 1 if v.text[start].lower() != "the" else start + 2
        return not (nxt < len(v) and v.upper_initial(nxt) and v.tag[nxt] in ("NNP", "NNPS"))
    return True


def _name_at(v: View, gaz: Gazetteer, i: int) -> Item | None:
    found = _walk(v, i, v.norm, gaz.name_prefixes, gaz.names)
    if found is None:
        return None
    end, key = found
    entries = tuple(e for e in gaz.names[key] if _valid(e, v, i, end))
    if entries and all(e.kind == "short" for e in entries) and _name_goes_on(v, gaz, end):
        return None  # "Petro Kovalenko": a given name, not President Petro; read as an unknown name
    return Item(i, end, "name", entries) if entries else None


def _name_goes_on(v: View, gaz: Gazetteer, j: int) -> bool:
    """Token j continues the person name before it (one PERSON entity) and no list knows it as
    anything but a surname: the name before it is a given name, not that surname's holder."""
    if j >= len(v) or v.ent[j] != "PERSON" or v.doc[j].ent_iob_ != "I":
        return False
    if v.norm[j] in gaz.words["particles"] and not v.upper_initial(j):  # "Anwar al-Aulaqi", "Juan de la Cruz"
        return True
    if not _is_name_token(v, gaz, j):
        return False
    return all(e.kind == "short" for e in gaz.names.get(v.norm[j], ())) and v.norm[j] not in gaz.titles


def _title_at(v: View, gaz: Gazetteer, forms: Sequence[str], i: int) -> Item | None:
    found = _walk(v, i, forms, gaz.title_prefixes, gaz.titles)
    if found is None:
        return None
    end, key = found
    if end - i == 1 and v.tag[i] not in _NOUN_TAGS:
        return None
    if v.tag[end - 1] not in _NOUN_TAGS and not v.text[end - 1].endswith("."):
        return None
    return Item(i, end, "title", title=gaz.titles[key])


# Institutions named by their portfolio: "the commerce ministry", "the Ministry of Justice",
# "the Department of Homeland Security" (English puts the portfolio before the head or after "of").
PORTFOLIO_HEADS = frozenset(("ministry", "department"))


def _portfolio_before(v: View, gaz: Gazetteer, i: int) -> Item | None:
    """ "the commerce ministry", "China's trade and industry ministry": common nouns
    compounded onto a bare ministry or department make one institution title."""
    k = i
    while k < len(v) and v.tag[k] in _NOUN_TAGS | {"CC"} and v.norm[k] not in PORTFOLIO_HEADS and k - i < 4:
        if v.tag[k] != "CC" and (v.dep[k] != "compound" or not v.text[k].isalpha() or v.ent[k] in ("GPE", "NORP")):
            return None
        k += 1
    if k == i or k >= len(v) or v.norm[k] not in PORTFOLIO_HEADS or v.tag[i] == "CC":
        return None
    head = _title_at(v, gaz, v.norm, k)
    if head is None or head.end != k + 1 or any(not (k <= v.head[j] <= k) for j in range(i, k) if v.tag[j] != "CC"):
        return None
    return Item(i, k + 1, "title", title=head.title)


def _portfolio_after(v: View, gaz: Gazetteer, title: Item) -> Item:
    """ "the Ministry of Commerce", "the Department of Homeland Security", "the Ministry of
    Economy, Trade and Industry": the portfolio after "of" belongs to the title (it is no place
    and no person)."""
    end = title.end
    if end + 1 >= len(v) or v.norm[end] != "of":
        return title
    j = end + 1
    while j < len(v) and (v.tag[j] in _NOUN_TAGS or v.norm[j] in ("and", ",") and j + 1 < len(v) and v.tag[j + 1] in _NOUN_TAGS):
        if v.ent[j] in ("GPE", "NORP", "PERSON") or not (v.text[j].isalpha() or v.text[j] == ","):
            break
        if any(e.kind in ("country", "capital", "demonym", "person") for e in gaz.names.get(v.norm[j], ())):
            break
        j += 1
    while j > end + 1 and v.norm[j - 1] in ("and", ","):
        j -= 1
    return replace(title, end=j) if j > end + 1 else title


def _minor_at(v: View, gaz: Gazetteer, i: int) -> Item | None:
    norm = v.norm[i]
    if norm in gaz.honorifics and v.upper_initial(i) and v.tag[i] in ("NNP", "NNPS", "NN"):
        return Item(i, i + 1, "hon", value=gaz.honorifics[norm])
    if norm in gaz.words["numbers"] and v.tag[i] in ("CD", "DT"):
        return Item(i, i + 1, "num", value=norm)
    if norm in gaz.modifiers and v.tag[i] not in ("VB", "VBD", "VBZ", "VBP", "VBG", "VBN", "IN"):
        return Item(i, i + 1, "mod", value=norm)
    return None


def _hyphen_parts(v: View, gaz: Gazetteer, i: int) -> Item | None:
    """'U.S.-made', 'U.S.-South Korean', 'Trump-Kim': countries and people inside one token."""
    text = v.text[i]
    if not any(h in text[1:-1] for h in HYPHENS):
        return None
    parts = [p for p in text.replace("–", "-").split("-") if p]
    entries, end = [], i + 1
    for n, part in enumerate(parts):
        key = alias_key(part)
        if n == len(parts) - 1 and i + 1 < len(v):
            longer = _walk(v, i + 1, v.norm, gaz.name_prefixes, gaz.names, start=key)
            if longer is not None:
                end, key = longer
        for entry in gaz.names.get(key, ()):
            if entry.kind in ("country", "demonym", "person", "short") and (part[:1].isupper()):
                entries.append(entry)
                break
    return Item(i, end, "name", tuple(entries), value="compound") if entries else None


_DASHES = frozenset({"-", "--", "—", "–", "―"})


def dateline(v: View) -> frozenset[int]:
    """The place tokens of datelines ("KYIV, Ukraine, May 2 (AP) —" at the head of a
    paragraph): where the reporter filed from, never the country of anyone in the story, so
    never tagged. The agency in brackets stays a name."""
    out: set[int] = set()
    for span in v.para_ranges:
        k = next((t for t in span if not v.text[t].isspace()), span.stop)
        if _caps_run(v, k, span.stop) == k:
            continue
        place: list[int] = []
        depth = 0
        for t in range(k, min(k + 14, span.stop)):
            word = v.text[t]
            if word in _DASHES and depth == 0:
                out.update(place)
                break
            depth += (word == "(") - (word == ")")
            if depth == 0 and word != ")" and not (v.upper_initial(t) or word in (",", ".") or word.isdigit()):
                break
            if depth == 0 and word != ")":
                place.append(t)
    return frozenset(out)


def _caps_run(v: View, k: int, stop: int) -> int:
    """End of a run of all-capitals words from k ("RIO DE JANEIRO"), k when there is none."""
    j = k
    while j < stop and (v.text[j].isupper() or v.text[j] in ("-", ".") and j > k and j + 1 < stop and v.text[j + 1].isupper()):
        j += 1
    letters = sum(c.isalpha() for t in v.text[k:j] for c in t)
    return j if letters >= 3 else k


def tag_items(v: View, gaz: Gazetteer) -> list[Item]:
    """Non-overlapping lexical items, left to right, longest match first (names win ties);
    nothing in a dateline."""
    items: list[Item] = []
    skip = dateline(v)
    i = 0
    while i < len(v):
        if i in skip:
            i += 1
            continue
        norm = v.norm[i]
        upper = v.text[i][:1].isupper()
        name = _name_at(v, gaz, i) if (upper or norm in gaz.lower_starts) and norm in gaz.name_prefixes else None
        title = _title_at(v, gaz, v.norm, i) if norm in gaz.title_starts else None
        if title is None and name is None:
            title = _portfolio_before(v, gaz, i)
        if title is not None and title.title is not None and title.title.phrase in PORTFOLIO_HEADS:
            title = _portfolio_after(v, gaz, title)
        best = name if name and (not title or name.end >= title.end) else title
        if best is None and "-" in v.text[i]:
            best = _hyphen_parts(v, gaz, i)
        if best is None and (v.norm[i] in gaz.honorifics or v.norm[i] in gaz.modifiers or v.norm[i] in gaz.words["numbers"]):
            best = _minor_at(v, gaz, i)
        if best is None and v.tag[i] in ("NNP", "NNPS"):
            best = _unknown_at(v, gaz, i)
        if best is None:
            i += 1
            continue
        items.append(best)
        i = best.end
    return items


def _is_name_token(v: View, gaz: Gazetteer, i: int) -> bool:
    t = v.text[i]
    return (v.tag[i] in ("NNP", "NNPS") and t[:1].isupper() and any(c.isalpha() for c in t)
            and v.ent[i] not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"))


def _unknown_at(v: View, gaz: Gazetteer, i: int) -> Item | None:
    """A run of capitalised proper nouns (with particles and hyphens) not in any list."""
    if not _is_name_token(v, gaz, i) or (i > 0 and v.text[i - 1] in ("#", "@")):
        return None
    j = i + 1
    while j < len(v) and _extends_name(v, gaz, j):
        j += 1
    return Item(i, j, "unknown")


def _extends_name(v: View, gaz: Gazetteer, j: int) -> bool:
    """Token j continues an unknown name: a name token no list claims, or a particle or hyphen
    before one."""
    known = gaz.names.get(v.norm[j], ())
    if _is_name_token(v, gaz, j) and all(e.kind == "short" for e in known) and v.norm[j] not in gaz.titles:
        return True
    joiner = v.text[j] in HYPHENS or v.norm[j] in gaz.words["particles"]
    if joiner and j + 2 < len(v) and v.norm[j] in gaz.words["particles"] and v.text[j + 1] in HYPHENS:
        return _is_name_token(v, gaz, j + 2)  # "al-Aulaqi" split as "al", "-", "Aulaqi"
    return joiner and j + 1 < len(v) and _is_name_token(v, gaz, j + 1)


# ---------------------------------------------------------------------------------------------
# Step 2: chunks (one noun phrase naming or describing an actor)

PERSONISH = {"person", "short"}
_POSSESSIVE_DETS = {"his", "her", "their", "its", "our", "my", "your"}


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    head: int
    det: str
    items: tuple[Item, ...]
    core: Item | None  # the name the chunk is about (person, unknown name, or a lone name)
    title: TitleRec | None  # the head title
    of_items: tuple[Item, ...] = ()

    @property
    def mods(self) -> tuple[Item, ...]:
        return tuple(it for it in self.items if it.kind in ("name", "unknown") and it is not self.core)

    @property
    def person_core(self) -> bool:
        return self.core is not None and (self.core.kind == "unknown" or bool(self.core.kinds & PERSONISH))


def _is_person_item(item: Item) -> bool:
    return item.kind == "unknown" or (item.kind == "name" and bool(item.kinds & PERSONISH) and item.value != "compound")


def _contiguous(v: View, prev: Item, nxt: Item) -> bool:
    gap = range(prev.end, nxt.start)
    return all(v.text[k] in POSS for k in gap) and len(gap) <= 1


def _chunk_items(v: View, items: list[Item], k: int) -> int:
    """Index after the last item of the chunk starting at items[k]."""
    j = k + 1
    while j < len(items) and _contiguous(v, items[j - 1], items[j]):
        prev, nxt = items[j - 1], items[j]
        if _is_person_item(prev) and (_is_person_item(nxt) or nxt.start > prev.end or v.text[prev.end - 1][-2:] in POSS_ENDS):
            break
        if prev.kind == "title" and (nxt.kind in ("mod", "num") or (nxt.kind == "name" and not _is_person_item(nxt))):
            break
        if prev.value == "compound" or nxt.value == "compound":
            break
        j += 1
    while j - 1 > k and items[j - 1].kind in ("mod", "num", "hon"):
        j -= 1
    return j


def _determiner(v: View, gaz: Gazetteer, start: int) -> str:
    if start == 0:
        return ""
    word = v.norm[start - 1]
    if word in gaz.words["determiners"] or (v.tag[start - 1] == "PRP$" and word in _POSSESSIVE_DETS):
        return word
    return ""


def _make_chunk(v: View, gaz: Gazetteer, group: list[Item]) -> Chunk | None:
    last = group[-1]
    titles = [it for it in group if it.kind == "title"]
    if _is_person_item(last):
        core, title, head_item = last, (titles[-1].title if titles else None), last
    elif titles:
        core, title, head_item = None, titles[-1].title, titles[-1]
    else:
        names = [it for it in group if it.kind == "name"]
        if not names:
            return None
        core, title, head_item = names[-1], None, names[-1]
    head = head_item.end - 1
    if v.text[head] in POSS and head > head_item.start:
        head -= 1
    det = _determiner(v, gaz, group[0].start)
    start = group[0].start - (1 if det and det not in _POSSESSIVE_DETS else 0)
    return Chunk(start, last.end, head, det, tuple(group), core, title)


def _of_complement(v: View, items: list[Item], k: int, chunk: Chunk) -> tuple[Chunk, int]:
    """'leaders of Japan, Canada and Italy': the countries or organisations of a title."""
    if chunk.title is None or chunk.person_core or chunk.end >= len(v) or v.norm[chunk.end] != "of":
        return chunk, k
    found, pos, end, j = [], chunk.end + 1, chunk.end, k
    while j < len(items):
        item = items[j]
        gap = [v.norm[t] for t in range(pos, item.start)]
        if any(w not in ("the", ",", "and") for w in gap) or item.kind != "name":
            break
        if not item.kinds & {"country", "org", "capital", "party"}:
            break
        found.append(item)
        pos = end = item.end
        j += 1
    if not found:
        return chunk, k
    return replace(chunk, end=end, of_items=tuple(found)), j


def find_chunks(v: View, gaz: Gazetteer, items: list[Item]) -> list[Chunk]:
    out: list[Chunk] = []
    k = 0
    while k < len(items):
        j = _chunk_items(v, items, k)
        chunk = _make_chunk(v, gaz, items[k:j])
        if chunk is not None:
            chunk, j = _of_complement(v, items, j, chunk)
            out.append(chunk)
        k = j
    return out


_FINITE = {"VBD", "VBZ", "VBP", "MD"}


def appositions(v: View, chunks: list[Chunk]) -> dict[int, int]:
    """Pairs (both directions) of a name chunk and a title chunk set off by a comma."""
    pairs: dict[int, int] = {}
    for n in range(len(chunks) - 1):
        a, b = chunks[n], chunks[n + 1]
        if b.start != a.end + 1 or v.text[a.end] != "," or v.sent[a.start] != v.sent[b.start]:
            continue
        if a.person_core == b.person_core:
            continue
        title, person = (b, a) if a.person_core else (a, b)
        if title.title is None or title.of_items and len(title.of_items) > 1 or v.tag[title.head] in ("NNS", "NNPS"):
            continue
        if v.text[person.end - 1][-2:] in POSS_ENDS or (person.end < len(v.text) and v.text[person.end] in POSS):
            continue
        if b is title and b.end < len(v) and v.tag[b.end] in _FINITE:
            continue
        pairs[n], pairs[n + 1] = n + 1, n
    return pairs
