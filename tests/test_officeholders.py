"""The officeholder table (data/officeholders.tsv) as broad data about the world, and the rules
of name resolution that must hold for any article: a given name is not a surname's holder, a
full name in the text beats a surname match, a dateline sets nobody's country.

Every sentence here is invented."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from storyline.datafiles import DataFileError
from storyline.extract import nlp as nlp_module
from storyline.extract.actors import gazetteer, resolve_actors, title_of
from storyline.extract.actors.officeholders import officeholders, parse_officeholders
from storyline.extract.countries import countries
from storyline.text import fold

LEADER_TITLES = ("president", "prime minister", "premier", "chancellor", "king", "queen", "emir", "sultan",
                 "supreme leader")
HEADS = (*LEADER_TITLES, "leader", "prince", "grand duke", "emperor")
# Countries whose heads of state or government the table leaves out on purpose: collective or
# yearly rotating offices (Switzerland's Federal Council, San Marino's captains regent), Vanuatu,
# whose prime ministers change too often to be listed from memory with confidence, and the
# territories of the country table that are not UN members.
NO_LEADER = {"CHE", "SMR", "VUT", "VIR", "XKX"}
GAPS = 12  # the smallest states before 2010, Bosnia's collective presidency, states not yet independent


@pytest.fixture(scope="module")
def nlp():
    return nlp_module.load()


def actors_at(nlp, text: str, phrase: str, published: dt.date) -> list[str]:
    doc = nlp(text)
    index = resolve_actors(doc, published)
    start = text.index(phrase)
    for token in reversed([t for t in doc if start <= t.idx < start + len(phrase)]):
        found = index.at(token.i)
        if found is not None:
            return [f"{a.name}|{a.country}|{a.sector}" for a in found.actors]
    return []


def test_every_country_has_a_head_of_state_or_government_on_any_day_since_2000():
    gaz = gazetteer()
    missing = {}
    for day in (dt.date(2001, 9, 1), dt.date(2012, 6, 1), dt.date(2019, 6, 1), dt.date(2025, 1, 1)):
        held = {r.country for p in gaz.persons for r in p.holds(day)
                if r.title in (*HEADS, *gaz.leader_titles.get(r.country, ()))}
        missing[day] = sorted({c.iso3 for c in countries()} - held - NO_LEADER)
    assert all(len(gaps) <= GAPS for gaps in missing.values()), missing
    assert not missing[dt.date(2025, 1, 1)], missing


def test_no_two_people_hold_one_unique_office_of_a_country_on_the_same_day():
    """Also catches one person listed twice under two spellings (the table and actors.json)."""
    gaz = gazetteer()
    terms = [(r.country, fold(r.title), r.start, r.end, p.name) for p in gaz.persons for r in p.roles
             if r.start is not None and (rec := title_of(r.title)) is not None and "unique" in rec.flags]
    clashes = []
    for country, title, start, _end, name in terms:
        others = {n for c, t, s, e, n in terms if c == country and t == title and n != name
                  and s is not None and s <= start and (e is None or start < e)}
        if others:
            clashes.append((country, title, start.isoformat(), name, sorted(others)))
    assert not clashes, clashes


def test_every_national_office_of_the_table_is_a_known_title():
    unknown = sorted({role[0] for person in officeholders() for role in person["roles"]
                      if len(role) == 3 and title_of(role[0]) is None})
    assert not unknown


def test_a_table_person_already_in_the_gazetteer_gains_terms_not_a_double():
    gaz = gazetteer()
    rutte = [p for p in gaz.persons if p.name == "Mark Rutte"]
    assert len(rutte) == 1
    assert {(r.country, r.sector) for r in rutte[0].holds(dt.date(2025, 3, 1))} == {("XXX", "IGO")}
    assert {(r.country, r.sector) for r in rutte[0].holds(dt.date(2015, 3, 1))} == {("NLD", "GOV")}


@pytest.mark.parametrize("row, reason", [
    ("ZMB\tpresident\tJane Example\t2020-13-01\t\tf", "is not a date"),
    ("ZZZ\tpresident\tJane Example\t2020-01-01\t\tf", "is not a known ISO3 country"),
    ("ZMB\tpresident\tJane Example", "3 columns"),
    ("ZMB\tpresident\tJane Example\t2020-01-01\t2019-01-01\tf", "needs a start, and an end (if any) after it"),
    ("XXX\tsecretary-general\tJane Example\t2020-01-01\t\tf", "has no nationality"),
])
def test_a_bad_row_names_the_file_the_line_and_the_reason(row, reason):
    with pytest.raises(DataFileError, match=re.escape(reason)) as error:
        parse_officeholders("# header\n" + row + "\n")
    assert str(error.value).startswith("officeholders.tsv")
    assert "has no nationality" in reason or str(error.value).startswith("officeholders.tsv:2:")


def test_months_without_a_day_are_read_as_the_first():
    people = parse_officeholders("GMB\tpresident\tJane Example\t2001-05\t2003-11-20\tf\tExample\n")
    assert people[0]["roles"] == [["president", "2001-05-01", "2003-11-20"]]
    assert people[0]["short"] == ["Example"] and people[0]["country"] == "GMB"


@pytest.mark.parametrize("text, phrase, published, expected", [
    ("President Hakainde Hichilema opened a new bridge on Tuesday.", "Hichilema", dt.date(2023, 5, 2),
     "Hakainde Hichilema|ZMB|GOV"),
    ("Hichilema told farmers the maize price would rise.", "Hichilema", dt.date(2022, 2, 8),
     "Hakainde Hichilema|ZMB|GOV"),
    ("Mottley urged rich nations to fund climate repair.", "Mottley", dt.date(2022, 11, 8), "Mia Mottley|BRB|GOV"),
    ("The Zambian president met donors in Lusaka.", "president", dt.date(2017, 4, 3), "Edgar Lungu|ZMB|GOV"),
    ("The Zambian president met donors in Lusaka.", "president", dt.date(2023, 4, 3), "Hakainde Hichilema|ZMB|GOV"),
    ("The Gambian president pardoned two journalists.", "president", dt.date(2015, 7, 1), "Yahya Jammeh|GMB|GOV"),
    ("The Gambian president pardoned two journalists.", "president", dt.date(2019, 7, 1), "Adama Barrow|GMB|GOV"),
    ("Bhutan's prime minister visited a school.", "prime minister", dt.date(2020, 3, 1), "Lotay Tshering|BTN|GOV"),
    ("Bhutan's prime minister visited a school.", "prime minister", dt.date(2024, 6, 1), "Tshering Tobgay|BTN|GOV"),
])
def test_a_small_countrys_leader_is_found_by_name_and_by_description_at_the_date(nlp, text, phrase, published,
                                                                                 expected):
    assert actors_at(nlp, text, phrase, published) == [expected]


@pytest.mark.parametrize("text, published", [
    ("Hichilema told farmers the maize price would rise.", dt.date(2009, 2, 8)),
    ("Mottley urged rich nations to fund climate repair.", dt.date(2005, 11, 8)),
])
def test_a_lone_surname_before_the_term_is_not_the_officeholder(nlp, text, published):
    found = actors_at(nlp, text, text.split()[0], published)
    assert not any(a.endswith("|GOV") for a in found)


@pytest.mark.parametrize("text, phrase, published, not_expected", [
    ("Petro Kovalenko, a farmer near Poltava, said the harvest was poor.", "Petro Kovalenko", dt.date(2023, 8, 1),
     "Gustavo Petro"),
    ("Abe Goldfarb, a retired dentist, said he would vote.", "Abe Goldfarb", dt.date(2015, 3, 1), "Shinzo Abe"),
    ("Sharon Whitfield, a nurse in Ohio, said the ward was full.", "Sharon Whitfield", dt.date(2004, 3, 1),
     "Ariel Sharon"),
    ("Then Maria Petro, a teacher, spoke. Petro said the school had no heating.", "Petro said",
     dt.date(2023, 8, 1), "Gustavo Petro"),
])
def test_a_given_name_or_a_name_given_in_full_is_not_a_famous_surname(nlp, text, phrase, published, not_expected):
    found = actors_at(nlp, text, phrase, published)
    assert found and not any(a.startswith(not_expected) for a in found)


@pytest.mark.parametrize("text, phrase", [
    ("NAIROBI, Kenya (AP) — Aid worker Jane Example said the convoy had reached the camp.", "convoy"),
    ("LAGOS, Nigeria, May 4 (Reuters) - Protesters marched through the market on Sunday.", "Protesters"),
    ("HANOI (AP) — Residents lined the streets as the motorcade passed.", "Residents"),
])
def test_a_dateline_gives_nobody_a_country(nlp, text, phrase):
    doc = nlp(text)
    index = resolve_actors(doc, dt.date(2019, 2, 27))
    assert all(a.country is None for m in index.mentions for a in m.actors if a.sector != "MED"), \
        [(a.name, a.country) for m in index.mentions for a in m.actors]
    assert not any(m.start == 0 for m in index.mentions)


@pytest.mark.parametrize("text, phrase, published, expected", [
    ("Kamala Harris toured the plant. The vice president later met workers.", "The vice president",
     dt.date(2022, 3, 1), "Kamala Harris|USA|GOV"),
    ("Mike Pence landed in Tokyo. The vice-president then met the emperor.", "The vice-president",
     dt.date(2018, 11, 12), "Mike Pence|USA|GOV"),
    ("Tedros Adhanom Ghebreyesus arrived late. The director general said cases were rising.", "The director general",
     dt.date(2020, 3, 1), "Tedros Adhanom Ghebreyesus|XXX|IGO"),
])
def test_a_title_spelled_with_or_without_a_hyphen_describes_its_holder(nlp, text, phrase, published, expected):
    assert actors_at(nlp, text, phrase, published) == [expected]


@pytest.mark.parametrize("text, phrase, expected", [
    ("Sen. Jane Example of Ohio said the bill would fail.", "Jane Example", "USA"),
    ("Ngozi Example from Lagos said the market had reopened.", "Ngozi Example", "NGA"),
    ("Tom Example from Manchester told the court he was innocent.", "Tom Example", "GBR"),
])
def test_an_unknown_persons_place_of_origin_gives_their_country(nlp, text, phrase, expected):
    found = actors_at(nlp, text, phrase, dt.date(2018, 5, 1))
    assert [a.split("|")[1] for a in found] == [expected]


@pytest.mark.parametrize("text, phrase, expected", [
    ("Al-Qaeda claimed the bombing of a hotel in Mali.", "Al-Qaeda", "Al-Qaeda|MLI|REB"),
    ("The Islamic State said its fighters shelled a town in Iraq.", "The Islamic State", "Islamic State|IRQ|REB"),
    ("Officials said Al-Qaeda stormed a prison in Yemen.", "Al-Qaeda", "Al-Qaeda|YEM|REB"),
])
def test_an_armed_group_active_in_many_countries_takes_the_country_it_acts_in(nlp, text, phrase, expected):
    assert actors_at(nlp, text, phrase, dt.date(2016, 3, 1)) == [expected]
