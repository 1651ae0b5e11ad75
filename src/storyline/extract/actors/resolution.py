"""Step 3, building mentions: each chunk resolved once, in reading order, to the referents it
names or describes: a person (gazetteer, earlier mention or new), a description ("the
secretary", "the two leaders", "their countries"), a state, organisation or country noun, a
metonym or capital that acts for its government, a generic group ("a U.S. official").
Listed names become sets ("A, B and C") that plural descriptions and "they" refer to.
"""
from __future__ import annotations

import functools
from dataclasses import replace

import pycountry

from ...text import fold
from ..places import find_place
from .coreference import clause_subjects, pronoun
from .discourse import (
    Context,
    Ref,
    Result,
    State,
    chunk_context,
    compatible,
    country_ref,
    described,
    emit,
    holder,
    mod_country,
    name_ref,
    name_text,
    org_head,
    org_ref,
    party_ref,
    person_ref,
    region_country,
    role_fits,
    sector_of,
    short_person,
    title_score,
    touch,
)
from .index import MentionKind
from .mentions import HYPHENS, PORTFOLIO_HEADS, POSS, POSS_ENDS, Chunk, Item, View
from .records import Kind, OrgRec, PartyRec, PersonRec, RegionRec, TitleRec


def _span(chunk: Chunk) -> tuple[int, int, int]:
    return chunk.start, chunk.end, chunk.head


def _enrich(state: State, ref: Ref, title: TitleRec | None, ctx: Context) -> None:
    if ref.person is None:
        country, sector = sector_of(title, ctx, state.day)
        ref.country = ref.country or country
        ref.sector = ref.sector or sector or ("GOV" if title and title.person else None)
        ref.gender = ref.gender or ctx.gender or next((g for g in ("f", "m") if title and g in title.flags), "")
    fits = ref.person is None or title is not None and (
        title.sector == "CVL" or any(role_fits(title, r) for r in ref.person.holds(state.day)))
    if title is not None and fits:
        ref.titles.add(fold(title.phrase))
        ref.classes |= set(title.flags) & {"leader", "foreign", "defence", "diplomat", "spokes"}


def _merge(a: Context, b: Context) -> Context:
    return Context(a.country or b.country, a.org or b.org, a.party or b.party, a.owner or b.owner,
                    a.former or b.former, a.gender or b.gender, a.count or b.count, a.honorific or b.honorific)


def _person_chunk(state: State, n: int) -> Result | None:
    chunk = state.chunks[n]
    ctx = chunk_context(state, chunk, chunk.start)
    title = chunk.title
    partner = state.apps.get(n)
    if partner is not None:
        other = state.chunks[partner]
        title = title or other.title
        ctx = _merge(ctx, chunk_context(state, other, other.start))
    assert chunk.core is not None
    ref = name_ref(state, chunk.core, ctx, chunk.start, titled=title is not None or bool(ctx.honorific))
    if ref is None:
        return None
    _enrich(state, ref, title, ctx)
    if ref.person is None and ref.country is None:
        ref.country = _party_marker(state.v, chunk.end) or _origin(state, chunk.head)
        ref.country = ref.country or _place_modifier(state, [chunk] + ([state.chunks[partner]] if partner is not None else []))
    kind: MentionKind = "title" if chunk.title is not None or len(chunk.items) > 1 else "name"
    return emit(state, _span(chunk), [ref], kind)


# Offices of a state: a group named without a country ("MPs", "cabinet ministers") holds
# them in the country the story is set in (persons: `settle_countries`, after the article).
OFFICE_SECTORS = ("GOV", "LEG", "JUD", "COP", "MIL", "SPY")


# Armed groups and gangs act as one: their members named as a group ("Taliban fighters") are
# the group itself (CAMEO codes the organisation).
_GROUP_SECTORS = ("REB", "CRM")


def _party_marker(v: View, end: int) -> str | None:
    """US news marks members of Congress with party and state, in brackets or between commas:
    "Sen. Ron Johnson (R-Wis.)", "Rep. Jane Doe, D-New York,"."""
    marker = v.text[end:end + 3]
    tagged = len(marker) == 3 and marker[0] in ("(", ",") and marker[1] in ("R", "D", "I") and marker[2] in HYPHENS
    return "USA" if tagged else None


def _place_modifier(state: State, chunks: list[Chunk]) -> str | None:
    """A place before a title names the country of the office: "Ohio senator Jane Doe",
    "the Ontario premier", "Lagos State Governor" (states, provinces, cities)."""
    v = state.v
    for chunk in chunks:
        first = next((it.start for it in chunk.items if it.kind == "title"), None)
        if first is not None and chunk.start < first and not v.upper_initial(chunk.start):
            first = chunk.start  # "Punjab chief minister": a lower-case modifier opens the chunk
        k = first - 1 if first is not None else -1
        while k >= 0 and v.upper_initial(k) and v.dep[k] in ("compound", "amod") and v.norm[k] not in ("the", "a"):
            k -= 1
        if first is not None and k + 1 < first:
            name = " ".join(v.text[k + 1:first])
            found = find_place(name, tuple(sorted(state.countries)))
            return _subdivision_country(name, state.countries) or (found.country if found is not None else None)
    return None


_DIVISION_WORDS = ("state", "province", "region", "county", "oblast", "governorate", "district", "prefecture")


@functools.cache
def _subdivisions() -> dict[str, frozenset[str]]:
    """ISO 3166-2 subdivision names (states, provinces, regions of every country) to ISO3."""
    out: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        country = pycountry.countries.get(alpha_2=sub.country_code)
        if country is not None:
            out.setdefault(fold(sub.name), set()).add(country.alpha_3)
    return {name: frozenset(codes) for name, codes in out.items()}


def _subdivision_country(name: str, countries: set[str]) -> str | None:
    """The country of a subdivision name, when one country has it or the article names one
    of several ("Punjab" in a story about Pakistan)."""
    words = fold(name).split()
    if len(words) > 1 and words[-1] in _DIVISION_WORDS:
        words = words[:-1]
    codes = _subdivisions().get(" ".join(words), frozenset())
    if len(codes) > 1:
        codes = codes & frozenset(countries)
    return next(iter(codes)) if len(codes) == 1 else None


_ORIGIN_PREPOSITIONS = ("of", "from")


def _origin(state: State, head: int) -> str | None:
    """A person's place of origin gives their country: "Sen. Jane Example of Ohio", "John
    Example from Lagos". The place is a proper noun phrase; places the article's countries
    hold are preferred ("of Georgia" in a story about the United States)."""
    v = state.v
    for prep in v.children(head):
        if v.dep[prep] != "prep" or v.norm[prep] not in _ORIGIN_PREPOSITIONS or prep < head:
            continue
        objects = [c for c in v.children(prep) if v.dep[c] == "pobj" and v.tag[c] in ("NNP", "NNPS")]
        for obj in objects:
            start = obj
            while start - 1 > prep and v.dep[start - 1] == "compound" and v.tag[start - 1] in ("NNP", "NNPS"):
                start -= 1
            found = find_place(" ".join(v.text[start:obj + 1]), tuple(sorted(state.countries)))
            if found is not None and found.country:
                return found.country
    return None


def _plural(v: View, chunk: Chunk) -> bool:
    return v.tag[chunk.head] in ("NNS", "NNPS")


def _title_chunk(state: State, n: int) -> Result | None:
    chunk = state.chunks[n]
    rec = chunk.title
    assert rec is not None
    ctx = chunk_context(state, chunk, chunk.start)
    partner = state.apps.get(n)
    if partner is not None:
        found = resolve_chunk(state, partner)
        if found is not None:
            return emit(state, _span(chunk), found[1], "description")
    if chunk.of_items and ("leader" in rec.flags) and (_plural(state.v, chunk) or len(chunk.of_items) > 1):
        return _leaders_of(state, chunk, rec, ctx)
    for flag, handler in (("state", _state_noun), ("org", _org_noun), ("country", _country_noun)):
        if flag in rec.flags:
            return handler(state, chunk, rec, ctx)
    if chunk.det == "their":
        return _their(state, chunk, rec, ctx)
    return _person_description(state, chunk, rec, ctx)


def _person_description(state: State, chunk: Chunk, rec: TitleRec, ctx: Context) -> Result | None:
    v = state.v
    plural = _plural(v, chunk)
    if ctx.count >= 2 or (plural and chunk.det == "the" and rec.person):
        found = _plural_people(state, chunk, rec, ctx)
        if found is not None:
            return found
    possessed = any(v.text[it.end - 1][-2:] in POSS_ENDS or (it.end < len(v.text) and v.text[it.end] in POSS)
                    for it in chunk.items[:-1])
    coordinated = chunk.start > 0 and (v.tag[chunk.start - 1] == "CC" or v.dep[chunk.head] == "conj")
    definite = possessed or chunk.det in ("the", "this", "that", "his", "her", "its") or (
        chunk.det == "" and not plural and v.text[chunk.head].islower() and not chunk.mods and coordinated)
    head = org_head(state, rec, ctx) if not plural else None
    if head is not None:
        return emit(state, _span(chunk), [head], "description")
    if not plural and (definite or (chunk.det in ("a", "an") and "unique" in rec.flags and rec.person)):
        exclude = _conjuncts(state, chunk)
        fits = described(state, rec, ctx, chunk.start, exclude) or _described_group(state, rec, ctx, chunk.start)
        ref = fits[0] if fits else holder(state, rec, ctx)
        if ref is not None:
            return emit(state, _span(chunk), [ref], "description", ref.anonymous)
    return _generic(state, chunk, rec, ctx)


def _described_group(state: State, rec: TitleRec, ctx: Context, pos: int) -> list[Ref]:
    """Earlier generic actors with this very title ("the official" after "a U.S. official")."""
    phrase = fold(rec.phrase)
    found = [r for r in state.refs if r.kind == "group" and phrase in r.titles and compatible(r, ctx.country, "")
             and r.before(pos) >= 0]
    return sorted(found, key=lambda r: r.before(pos), reverse=True)


def _conjuncts(state: State, chunk: Chunk) -> list[Ref]:
    """Refs of the phrases coordinated with this one ("the secretary and foreign minister")."""
    v = state.v
    out: list[Ref] = []
    head = v.head[chunk.head] if v.dep[chunk.head] == "conj" else chunk.head
    for token in (head, *[c for c in v.children(head) if v.dep[c] == "conj"]):
        out.extend(state.at_token.get(token, ()))
    return out


_ANON_HEADS = {"official", "officials", "source", "sources", "spokesman", "spokeswoman", "spokesperson",
               "aide", "aides", "adviser", "advisers", "advisor", "diplomat", "diplomats", "officer", "officers"}


def _nearby_place(state: State, i: int) -> str | None:
    """The country named as a place nearest to token i in its sentence ("militants in Gaza")."""
    places = [(abs(t - i), iso3) for t, iso3 in state.places if state.v.sent[t] == state.v.sent[i]]
    return min(places)[1] if places else None


def _group_of(state: State, chunk: Chunk, ctx: Context) -> OrgRec | None:
    """The armed group or gang whose members these are: "ISIS fighters", "militants of (from)
    al-Shabaab"."""
    org = ctx.org
    v = state.v
    for prep in v.children(chunk.head):
        if org is None and v.dep[prep] == "prep" and v.norm[prep] in ("from", "of"):
            for obj in v.children(prep):
                n = state.chunk_at.get(obj)
                core = state.chunks[n].core if n is not None else None
                org = core.record("org") if core is not None else None
    return org if org is not None and org.sector_at(state.day) in _GROUP_SECTORS else None


def _generic(state: State, chunk: Chunk, rec: TitleRec, ctx: Context) -> Result | None:
    country, sector = sector_of(rec, ctx, state.day)
    group = _group_of(state, chunk, ctx) if rec.sector in _GROUP_SECTORS else None
    if group is not None:
        return emit(state, _span(chunk), [_where_active(state, org_ref(state, group), chunk.head)], "description")
    if country is None and sector in ("REB", "OPP", "MIL", "CVL"):
        country = _nearby_place(state, chunk.head) or state.setting
    elif country is None and sector in OFFICE_SECTORS:
        country = state.setting
    if country is None and sector is None:
        return None
    if sector == "OPP" and state.gaz.at_war(country, state.day):
        sector = "REB"
    noun = state.v.text[chunk.head].lower()
    anonymous = noun in _ANON_HEADS and sector not in ("CVL", "REB")
    ref = Ref("~" + noun, country, sector, "group", titles={fold(rec.phrase)}, anonymous=anonymous, noun=noun,
               classes=set(rec.flags) & {"leader", "foreign", "defence", "diplomat", "spokes"})
    return emit(state, _span(chunk), [ref], "generic", anonymous)


def _plural_people(state: State, chunk: Chunk, rec: TitleRec, ctx: Context) -> Result | None:
    count = ctx.count
    sets = [r for r in state.refs if r.kind == "set" and r.before(chunk.start) >= 0]
    for ref in sorted(sets, key=lambda r: r.before(chunk.start), reverse=True)[:1]:
        members = ref.flat()
        fits = all(m.kind == "person" and title_score(state, rec, m, ctx.country, True) for m in members)
        if fits and (count in (0, len(members))):
            return emit(state, _span(chunk), [ref], "description")
    if count < 2:
        return None
    found = described(state, rec, ctx, chunk.start, plural=True)
    chosen = sorted(found, key=lambda r: r.before(chunk.start), reverse=True)[:count]
    if len(chosen) < count:
        return None
    return emit(state, _span(chunk), chosen, "description")


def _leaders_of(state: State, chunk: Chunk, rec: TitleRec, ctx: Context) -> Result | None:
    refs = []
    for item in chunk.of_items:
        country = mod_country(state, item)
        if country is None:
            continue
        sub = replace(ctx, country=country, count=0)
        found = described(state, rec, sub, chunk.start)
        ref = found[0] if found else holder(state, rec, sub)
        if ref is not None:
            refs.append(ref)
    return emit(state, _span(chunk), refs, "description") if refs else None


def _recent_countries(state: State, pos: int, kinds: tuple[str, ...] = ("country",)) -> list[str]:
    """Countries of earlier referents, most recent first, each once."""
    seen: list[str] = []
    for ref in sorted(state.refs, key=lambda r: r.before(pos), reverse=True):
        country = ref.country
        if ref.before(pos) >= 0 and ref.kind in kinds and country and country != "XXX" and country not in seen:
            seen.append(country)
    return seen


def _state_noun(state: State, chunk: Chunk, rec: TitleRec, ctx: Context) -> Result | None:
    """'the Syrian government', 'the Trump administration', 'the Assad regime': the state itself."""
    country, phrase = ctx.country, fold(rec.phrase)
    if country is None and chunk.det == "the":
        recent = [r for r in sorted(state.refs, key=lambda r: r.before(chunk.start), reverse=True)
                  if r.kind == "country" and r.before(chunk.start) >= 0]
        titled = [r for r in recent if phrase in r.titles]
        country = (titled or recent)[0].country if recent else None
    if country is None:
        return None
    ref = country_ref(state, country)
    ref.titles.add(phrase)
    return emit(state, _span(chunk), [ref], "country")


def _org_noun(state: State, chunk: Chunk, rec: TitleRec, ctx: Context) -> Result | None:
    """'Russia's Foreign Ministry', 'the Russian consulate', 'South Korean media'."""
    country = ctx.country or (ctx.org.country if ctx.org else None)
    if country is None:
        return None
    label = _org_label(name_text(state.v, chunk.items[-1]).split(), rec)
    name = f"{label} of {state.gaz.countries.get(country, country)}" if country != "XXX" else label
    key = "#orgnoun:" + name
    ref = state.by_name.get(key)
    if ref is None:
        ref = Ref(name, country, rec.sector, "org", titles={fold(rec.phrase)})
        state.by_name[key] = ref
    kind: MentionKind = "metonym" if rec.sector in ("GOV", "MIL") else "name"
    return emit(state, _span(chunk), [ref], kind)


def _org_label(words: list[str], rec: TitleRec) -> str:
    """The institution's name in English's official order: "commerce ministry" is the "Ministry
    of Commerce" (a title of its own, "Foreign Ministry", keeps its words)."""
    if rec.phrase in PORTFOLIO_HEADS and len(words) > 1 and words[-1].lower() == rec.phrase:
        words = [words[-1], "of", *words[:-1]]
    return " ".join(w if w[:1].isupper() or w in ("of", "and", "the", "for") else w.capitalize() for w in words)


def _country_noun(state: State, chunk: Chunk, rec: TitleRec, ctx: Context) -> Result | None:
    """'the country', 'both sides', 'the two countries', 'their countries'."""
    if chunk.det == "their":
        return _their(state, chunk, rec, ctx)
    if not state.v.text[chunk.head].islower() or (_plural(state.v, chunk) and not ctx.count and chunk.det != "the"):
        return None
    count = ctx.count or (2 if _plural(state.v, chunk) and chunk.det == "the" else 1)
    recent = _recent_countries(state, chunk.start, ("country", "person") if count > 1 else ("country",))
    if count > 1:  # "Scholz called on both sides": not the speaker's own side
        own = {m.country for r in clause_subjects(state, chunk.head) for m in r.flat()}
        recent = [c for c in recent if c not in own]
    if ctx.country:
        recent = [ctx.country]
    if chunk.det not in ("the", "both", "") and not ctx.count or len(recent) < count:
        return None
    refs = [country_ref(state, c) for c in recent[:count]]
    return emit(state, _span(chunk), refs, "description")


def _their(state: State, chunk: Chunk, rec: TitleRec, ctx: Context) -> Result | None:
    """'their countries', 'their own leaders': what belongs to the group 'their' stands for."""
    start = chunk.start - 1
    found = pronoun(state, start)
    owners = found[1] if found else []
    if not owners:
        return None
    members = [m for ref in owners for m in ref.flat()]
    if "country" in rec.flags:
        refs = [country_ref(state, m.country) for m in members if m.country and m.country != "XXX"]
    elif "leader" in rec.flags:
        refs = [r for m in members if m.kind == "country" for r in [holder(state, rec, replace(ctx, country=m.country))] if r]
        refs = refs or [m for m in members if m.kind == "person"]
    else:
        return _generic(state, chunk, rec, ctx)
    unique = list({id(r): r for r in refs}.values())
    return emit(state, _span(chunk), unique, "description") if unique else None


def _acting(state: State, i: int) -> bool:
    """A capital stands for its government only as an argument, not as a place or a modifier."""
    v, words = state.v, state.gaz.words
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


# What a lone name stands for, in order of precedence (a person is a person chunk).
_NAME_KINDS: tuple[Kind, ...] = ("org", "party", "member", "country", "capital", "region", "demonym", "people")


def _name_chunk(state: State, chunk: Chunk) -> Result | None:
    item = chunk.core
    assert item is not None
    if item.value == "compound":
        return _compound(state, chunk, item)
    span = _span(chunk)
    for kind in _NAME_KINDS:
        entry = item.first(kind)
        if entry is None:
            continue
        target = entry.target
        if isinstance(target, OrgRec):
            ref = _where_active(state, org_ref(state, target), chunk.head)
            return emit(state, span, [ref], "metonym" if target.kind == "metonym" else "name")
        if isinstance(target, PartyRec):
            return emit(state, span, [party_ref(state, target)], "name")
        if kind == "capital" and not _acting(state, chunk.head):
            return None
        country = region_country(state, target) if isinstance(target, RegionRec) else target.country
        if country is None:
            return None
        if kind == "people" and not (chunk.det == "the" and len(chunk.items) == 1):
            ref = Ref("~" + state.v.text[chunk.head].lower(), country, "CVL", "group", titles={"people"})
            return emit(state, span, [ref], "generic")
        return emit(state, span, [country_ref(state, country)], "metonym" if kind == "capital" else "country")
    return None


def _where_active(state: State, ref: Ref, head: int) -> Ref:
    """XXX is the country of international organisations only (GOLD.md): an armed group
    active in many countries ("the Islamic State") is coded by the one it acts in, the country
    named as a place nearest in its sentence, else the story's setting."""
    if ref.country != "XXX" or ref.sector != "REB":
        return ref
    country = _nearby_place(state, head) or state.setting
    if country is None:
        return ref
    key = f"#org:{ref.name}:{country}"
    found = state.by_name.get(key)
    if found is None:
        found = state.by_name[key] = Ref(ref.name, country, ref.sector, "org")
    return found


def _compound(state: State, chunk: Chunk, item: Item) -> Result | None:
    refs = []
    for entry in item.entries:
        if entry.kind in ("country", "demonym"):
            refs.append(country_ref(state, entry.target.country))
        elif entry.kind == "person" and isinstance(entry.target, PersonRec):
            refs.append(person_ref(state, entry.target))
        elif entry.kind == "short":
            found = short_person(state, Item(item.start, item.end, "name", (entry,)), chunk.start)
            refs.extend([found] if found else [])
    kind: MentionKind = "country" if all(r.kind == "country" for r in refs) else "name"
    return emit(state, _span(chunk), refs, kind)


def resolve_chunk(state: State, n: int) -> Result | None:
    """Resolve chunk n once (cached: appositions may ask for a later chunk first)."""
    if n in state.results:
        return state.results[n]
    state.results[n] = None
    chunk = state.chunks[n]
    if chunk.person_core:
        out = _person_chunk(state, n)
    elif chunk.title is not None:
        out = _title_chunk(state, n)
    else:
        out = _name_chunk(state, chunk)
    if out is not None:
        state.results[n] = out
        _register(state, out)
    return out


def _register(state: State, result: Result) -> None:
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


def _neighbour(state: State, k: int, step: int) -> int | None:
    """Skip list separators (',', 'and', 'or') from token k; the token reached, if any was skipped."""
    v, start = state.v, k
    while 0 <= k < len(v.text) and v.norm[k] in (",", "and", "or") and abs(k - start) < 3:
        k += step
    if k == start or not 0 <= k < len(v.text) or v.sent[k] != v.sent[start]:
        return None
    return k


def _category(result: Result) -> str:
    refs = [m for r in result[1] for m in r.flat()]
    for name in ("person", "country"):
        if refs and all(r.kind == name for r in refs):
            return name
    return ""


def _coordinate(state: State, first: Result | None, second: Result | None) -> None:
    if first is None or second is None or not _category(first) or _category(first) != _category(second):
        return
    if {id(r) for r in first[1]} & {id(r) for r in second[1]}:
        return
    key = state.set_of.get(first[0].head, first[0].head)
    group = state.sets.get(key)
    if group is None:
        group = Ref("", None, None, "set", members=tuple(first[1]))
        state.sets[key] = group
        touch(state, group, first[0].head)
    group.members = tuple(dict.fromkeys((*group.members, *second[1])))
    state.set_of[second[0].head] = key
    touch(state, group, second[0].head)
