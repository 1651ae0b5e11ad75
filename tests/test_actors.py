"""Actor resolution (storyline.extract.actors) on the real spaCy model: gazetteer, titles, coreference,
metonymy, dates, and the recall floors on the gold (quality/floors.toml [actors])."""
from __future__ import annotations

import datetime as dt
import tomllib
import typing

import pytest

from conftest import SEED, assert_floors, shared_path
from storyline.datafiles import DataFileError, check, read_text
from storyline.evaluate.actors import cleaned_text, gold_sets, measure
from storyline.extract import nlp as nlp_module
from storyline.extract.actors import (
    ActorIndex,
    Mention,
    gazetteer,
    resolve_actors,
    sources,
)
from storyline.extract.actors.records import (
    CountryRec,
    Kind,
    OrgRec,
    PartyRec,
    PersonRec,
    RegionRec,
)
from storyline.extract.actors.sources import parse_actors
from storyline.extract.lexicon import cues
from storyline.model import Actor

SEED_DATE = dt.date(2025, 10, 21)


@pytest.fixture(scope="module")
def nlp():
    return nlp_module.load()


@pytest.fixture(scope="module")
def seed(nlp):
    text = cleaned_text(SEED)
    doc = nlp(text)
    return text, doc, resolve_actors(doc, SEED_DATE)


def resolve(nlp, text: str, published: dt.date | None = SEED_DATE) -> tuple[object, ActorIndex]:
    doc = nlp(text)
    return doc, resolve_actors(doc, published)


def mention_of(doc, index: ActorIndex, phrase: str, nth: int = 0) -> Mention | None:
    """The mention covering the head-most token of the nth occurrence of `phrase`."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(phrase, start + 1)
    tokens = [t.i for t in doc if start <= t.idx < start + len(phrase)]
    for i in reversed(tokens):
        found = index.at(i)
        if found is not None:
            return found
    return None


def names(mention: Mention | None) -> list[str]:
    assert mention is not None
    return [f"{a.name}|{a.country}|{a.sector}" for a in mention.actors]


# --- the seed article


@pytest.mark.parametrize("phrase, nth, expected, kind", [
    ("U.S. President Donald Trump", 0, ["Donald Trump|USA|GOV"], "title"),
    ("Russian counterpart Vladimir Putin", 0, ["Vladimir Putin|RUS|GOV"], "title"),
    ("U.S. Secretary of State Marco Rubio", 0, ["Marco Rubio|USA|GOV"], "title"),
    ("Russian Foreign Minister Sergei Lavrov", 0, ["Sergei Lavrov|RUS|GOV"], "title"),
    ("Ukrainian President Volodymyr Zelensky", 0, ["Volodymyr Zelenskyy|UKR|GOV"], "title"),
    ("the secretary", 0, ["Marco Rubio|USA|GOV"], "description"),
    ("foreign minister", 0, ["Sergei Lavrov|RUS|GOV"], "description"),
    ("The Russian leader", 0, ["Vladimir Putin|RUS|GOV"], "description"),
    ("the Russian leader", 0, ["Vladimir Putin|RUS|GOV"], "description"),
    ("The Kremlin", 0, ["Kremlin|RUS|GOV"], "metonym"),
    ("the White House", 0, ["White House|USA|GOV"], "metonym"),
    ("Rubio and", 0, ["Marco Rubio|USA|GOV"], "name"),
    ("Ukraine", 0, ["Ukraine|UKR|GOV"], "country"),
])
def test_seed_mentions_resolve_to_gazetteer_actors(seed, phrase, nth, expected, kind):
    _, doc, index = seed
    mention = mention_of(doc, index, phrase, nth)
    assert names(mention) == expected
    assert mention.kind == kind


def test_every_bare_trump_is_donald_trump_whatever_the_ner_label(seed):
    _, doc, index = seed
    bare = [t for t in doc if t.text == "Trump" and t.nbor().text != "administration"]
    assert len(bare) >= 9 and sum(t.ent_type_ == "ORG" for t in bare) >= 4  # the model's mistakes remain
    for token in bare:
        assert names(index.at(token.i)) == ["Donald Trump|USA|GOV"]


def test_anonymous_officials_stay_anonymous(seed):
    _, doc, index = seed
    for phrase in ("a U.S. official", "a Trump administration official", "The official"):
        mention = mention_of(doc, index, phrase)
        assert names(mention) == ["~official|USA|GOV"] and mention.anonymous, phrase
    assert not mention_of(doc, index, "U.S. President Donald Trump").anonymous


def test_the_two_top_diplomats_are_rubio_and_lavrov(seed):
    _, doc, index = seed
    mention = mention_of(doc, index, "the two top diplomats")
    assert sorted(names(mention)) == ["Marco Rubio|USA|GOV", "Sergei Lavrov|RUS|GOV"]
    assert mention.kind == "description"


def test_pronouns_follow_the_clause_subjects(seed):
    _, doc, index = seed
    assert sorted(names(mention_of(doc, index, "they would meet"))) == ["Donald Trump|USA|GOV", "Vladimir Putin|RUS|GOV"]
    assert names(mention_of(doc, index, "he would meet")) == ["Donald Trump|USA|GOV"]
    assert names(mention_of(doc, index, "he could end")) == ["Donald Trump|USA|GOV"]
    assert names(mention_of(doc, index, "his frustrations")) == ["Donald Trump|USA|GOV"]
    assert names(mention_of(doc, index, "who was set")) == ["Donald Trump|USA|GOV"]
    assert index.at(next(t.i for t in doc if t.text == "he")).kind == "pronoun"


def test_offsets_point_at_the_mention_in_the_article_text(seed):
    text, doc, index = seed
    assert len(index.mentions) >= 35
    for mention in index.mentions:
        for actor in mention.actors:
            assert text[actor.start:actor.end] == actor.text
            assert doc[mention.start].idx <= actor.start < actor.end <= doc[mention.end - 1].idx + len(doc[mention.end - 1])
        assert all(index.at(i) is mention for i in range(mention.start, mention.end))
        assert mention.start <= mention.head < mention.end
    rubio = mention_of(doc, index, "U.S. Secretary of State Marco Rubio").actors[0]
    assert rubio == Actor("Marco Rubio", "USA", "GOV", "U.S. Secretary of State Marco Rubio", 194, 229)


# --- dates, titles, metonymy, coreference on small texts


@pytest.mark.parametrize("published, sector", [(dt.date(2018, 5, 1), "GOV"), (dt.date(2025, 6, 1), "GOV"),
                                               (dt.date(2016, 9, 1), "PTY")])
def test_trumps_sector_follows_the_publication_date(nlp, published, sector):
    _, index = resolve(nlp, "Donald Trump said on Monday that the talks would go ahead.", published)
    assert names(index.at(1)) == [f"Donald Trump|USA|{sector}"]


@pytest.mark.parametrize("published, expected", [
    (dt.date(2015, 3, 1), "Barack Obama"), (dt.date(2018, 3, 1), "Donald Trump"),
    (dt.date(2022, 3, 1), "Joe Biden"), (dt.date(2025, 10, 21), "Donald Trump"),
])
def test_the_us_president_is_whoever_held_the_office_that_day(nlp, published, expected):
    doc, index = resolve(nlp, "The U.S. president warned Iran on Monday.", published)
    assert names(mention_of(doc, index, "The U.S. president")) == [f"{expected}|USA|GOV"]


def test_a_role_with_its_own_sector_changes_with_the_date(nlp):
    text = "Mike Pompeo met South Korean officials."
    assert names(resolve(nlp, text, dt.date(2017, 6, 1))[1].at(1)) == ["Mike Pompeo|USA|SPY"]
    assert names(resolve(nlp, text, dt.date(2019, 6, 1))[1].at(1)) == ["Mike Pompeo|USA|GOV"]


@pytest.mark.parametrize("text, phrase, expected", [
    ("Lithuanian Foreign Minister Jonas Example met his Latvian counterpart.", "Jonas Example", "Jonas Example|LTU|GOV"),
    ("Sen. Jane Example (R-Wis.) criticised the deal.", "Jane Example", "Jane Example|USA|LEG"),
    ("Chinese Foreign Ministry spokesman Zhang Example said Beijing objected.", "Zhang Example", "Zhang Example|CHN|GOV"),
    ("Syrian rebels attacked the town.", "rebels", "~rebels|SYR|REB"),
    ("Russian diplomats were expelled.", "diplomats", "~diplomats|RUS|GOV"),
    ("A South Korean delegation met officials.", "delegation", "~delegation|KOR|GOV"),
    ("Pentagon officials said the drills would continue.", "officials", "~officials|USA|MIL"),
    ("CIA Director John Example spoke on Sunday.", "John Example", "John Example|USA|SPY"),
    ("Russian U.N. ambassador Vassily Nebenzia dismissed the draft.", "Nebenzia", "Vasily Nebenzya|RUS|GOV"),
    ("The Syrian government accepted the plan.", "government", "Syria|SYR|GOV"),
    ("Three freed American prisoners arrived home.", "prisoners", "~prisoners|USA|CVL"),
    ("UN Secretary-General Antonio Guterres was deeply concerned.", "Guterres", "António Guterres|XXX|IGO"),
])
def test_titles_give_country_and_sector_also_for_unknown_names(nlp, text, phrase, expected):
    doc, index = resolve(nlp, text, dt.date(2018, 6, 1))
    assert names(mention_of(doc, index, phrase)) == [expected]


def test_metonyms_act_but_places_do_not(nlp):
    doc, index = resolve(nlp, "The Kremlin said Moscow would respond. Lavrov arrived in Moscow on Monday.")
    assert names(mention_of(doc, index, "The Kremlin")) == ["Kremlin|RUS|GOV"]
    acting = mention_of(doc, index, "Moscow", 0)
    assert names(acting) == ["Russia|RUS|GOV"] and acting.kind == "metonym"
    assert mention_of(doc, index, "Moscow", 1) is None


def test_capitals_as_objects_and_possessors_are_governments(nlp):
    doc, index = resolve(nlp, "Trump kept pressure on Pyongyang. Pyongyang's cancellation was regrettable.", dt.date(2018, 5, 16))
    assert names(mention_of(doc, index, "Pyongyang", 0)) == ["North Korea|PRK|GOV"]
    assert names(mention_of(doc, index, "Pyongyang", 1)) == ["North Korea|PRK|GOV"]


def test_descriptions_fall_back_on_the_gazetteer_at_the_date(nlp):
    text = ("A Chinese trade mission held talks with the North Korean leader. "
            "Pompeo hosted North Korea's former intelligence chief in New York.")
    doc, index = resolve(nlp, text, dt.date(2018, 6, 1))
    assert names(mention_of(doc, index, "the North Korean leader")) == ["Kim Jong Un|PRK|GOV"]
    assert names(mention_of(doc, index, "former intelligence chief")) == ["Kim Yong-chol|PRK|GOV"]


def test_surnames_and_mr_resolve_to_the_full_name_given_earlier(nlp):
    text = ("Sen. Ron Example spoke on Sunday. Kim Jong Un and Moon Jae-in met. "
            "Example told CNN that Mr. Kim was serious and that Moon agreed.")
    doc, index = resolve(nlp, text, dt.date(2018, 6, 1))
    assert names(mention_of(doc, index, "Example told")) == ["Ron Example|None|LEG"]
    assert names(mention_of(doc, index, "Mr. Kim")) == ["Kim Jong Un|PRK|GOV"]
    assert names(mention_of(doc, index, "Moon agreed")) == ["Moon Jae-in|KOR|GOV"]


def test_appositions_tie_a_title_to_a_name(nlp):
    text = "Later, the foreign secretary, Boris Johnson, said on BBC News that the vote would go ahead."
    doc, index = resolve(nlp, text, dt.date(2018, 3, 15))
    assert names(mention_of(doc, index, "the foreign secretary")) == ["Boris Johnson|GBR|GOV"]
    assert names(mention_of(doc, index, "BBC News")) == ["BBC|GBR|MED"]


def test_lists_of_leaders_and_plural_descriptions(nlp):
    text = ("The leaders of Germany, France, Britain and the US issued a joint statement. "
            "The joint statement calls on Russia to respond. Trump and Putin spoke. The two leaders agreed to meet.")
    doc, index = resolve(nlp, text, dt.date(2018, 3, 15))
    leaders = ["Angela Merkel|DEU|GOV", "Emmanuel Macron|FRA|GOV", "Theresa May|GBR|GOV", "Donald Trump|USA|GOV"]
    assert names(mention_of(doc, index, "The leaders of Germany")) == leaders
    assert sorted(names(mention_of(doc, index, "statement calls"))) == sorted(leaders)
    assert sorted(names(mention_of(doc, index, "The two leaders"))) == ["Donald Trump|USA|GOV", "Vladimir Putin|RUS|GOV"]


def test_first_person_in_a_quote_is_the_speaker(nlp):
    text = 'Theresa May visited the site. "I called the prime minister today and we are working closely," Trump said.'
    doc, index = resolve(nlp, text, dt.date(2018, 3, 15))
    assert names(mention_of(doc, index, "I called")) == ["Donald Trump|USA|GOV"]
    assert names(mention_of(doc, index, "we are")) == ["United States|USA|GOV"]
    assert names(mention_of(doc, index, "the prime minister")) == ["Theresa May|GBR|GOV"]


@pytest.mark.parametrize("verb, lemma", [("acknowledged", "acknowledge"), ("asked", "ask")])
def test_a_quote_speaker_is_found_by_the_one_list_of_reporting_verbs(nlp, verb, lemma):
    """status.toml [reporting]: its verbs ("acknowledged") and the verbs that only frame a
    quote ("asked") both name the speaker of a quote."""
    assert lemma in cues().reporting_verbs | cues().quote_verbs
    text = f'"Will I sign the accord today?" Trump {verb}.'
    doc, index = resolve(nlp, text, dt.date(2018, 3, 15))
    assert names(mention_of(doc, index, "I sign")) == ["Donald Trump|USA|GOV"]


def test_gazetteer_is_well_formed():
    gaz = gazetteer()
    assert len(gaz.persons) >= 400 and len(gaz.countries) >= 190
    sectors = {"GOV", "MIL", "LEG", "JUD", "COP", "REB", "OPP", "PTY", "BUS", "MED", "CVL", "NGO", "IGO", "SPY", "CRM"}
    for person in gaz.persons:
        assert person.roles, person.name
        for role in person.roles:
            assert role.sector in sectors and (role.country in gaz.countries or role.country == "XXX"), (person.name, role)
            assert role.start is None or role.end is None or role.start <= role.end, (person.name, role)


def test_every_entry_kind_names_one_record_type():
    """`Item.record` narrows an entry's target by its kind: the loader must keep that mapping."""
    expected = {"person": PersonRec, "short": PersonRec, "org": OrgRec, "party": PartyRec, "member": PartyRec,
                "country": CountryRec, "demonym": CountryRec, "people": CountryRec, "capital": CountryRec,
                "region": RegionRec}
    assert set(expected) == set(typing.get_args(Kind))
    seen = set()
    for entries in gazetteer().names.values():
        for entry in entries:
            assert isinstance(entry.target, expected[entry.kind]), entry
            seen.add(entry.kind)
    assert seen == set(expected)



# --- the data files are checked at load

def _broken_actors(old: str, new: str) -> str:
    text = read_text("actors.json")
    assert old in text
    return text.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("old, new, message", [
    ('"USA/PTY"', '"USA/PYT"', "'USA/PYT' is not COUNTRY/SECTOR in persons[0].roles[0]"),
    ('"gender": "m"', '"gendr": "m"', "unknown key 'gendr' in persons[0].gendr"),
    ('"2016-07-19"', '"2016-19-07"', "expected [from, to]: ISO dates (YYYY-MM-DD) or null in persons[0].roles[0]"),
    ('"country": "USA"', '"country": "US"', "'US' is not an ISO3 country code in persons[0].country"),
])
def test_a_bad_gazetteer_entry_names_the_file_the_line_and_the_entry(old, new, message):
    text = _broken_actors(old, new)
    with pytest.raises(DataFileError) as raised:
        parse_actors(text)
    line = _line_of(text, '"name": "Donald Trump"')
    assert str(raised.value) == f"actors.json:{line}: {message}"


def test_broken_json_names_its_line():
    text = _broken_actors('"persons": [', '"persons": [[')
    with pytest.raises(DataFileError, match=r"^actors.json:\d+: not valid JSON"):
        parse_actors(text)


def test_titles_are_checked_against_their_schema_and_flags():
    raw = tomllib.loads(read_text("titles.toml"))
    assert list(check(raw, sources._TITLES_SCHEMA)) == []
    raw["words"]["speech_verbs"] = ["say"]  # the reporting verbs live in status.toml only
    assert list(check(raw, sources._TITLES_SCHEMA)) == [(("words", "speech_verbs"), "unknown key 'speech_verbs'")]
    assert sources._title_problem("GOV leader unique") is None
    assert sources._title_problem("GOV leeder") == "unknown flag 'leeder'"
    assert sources._title_problem("GVO").startswith("'GVO' is not a sector")


# --- quality floors and speed


@pytest.mark.quality
@pytest.mark.slow
def test_actor_recall_on_the_gold_is_at_or_above_the_floor(nlp):
    shared = shared_path("gold", "dev").parents[1]
    reports = measure(gold_sets(shared), nlp)
    recall = {"seed_recall": reports["seed"].recall, "dev_recall": reports["dev"].recall}
    assert_floors("actors", recall, {name: reports[name].misses for name in ("seed", "dev")})
    assert reports["dev"].total >= 280


def test_object_pronouns_do_not_corefer_with_their_clause_subject(nlp):
    text = "The Iranian president, Ebrahim Raisi, visited Beijing, where Chinese leader Xi Jinping received him."
    doc, index = resolve(nlp, text, dt.date(2024, 1, 16))
    assert names(mention_of(doc, index, " him.")) == ["Ebrahim Raisi|IRN|GOV"]
    assert names(mention_of(doc, index, "The Iranian president")) == ["Ebrahim Raisi|IRN|GOV"]


def test_both_sides_are_the_other_parties_not_the_speaker(nlp):
    text = ("Moscow said it was ready for talks, but Kyiv refused. "
            "German Chancellor Olaf Scholz called on both sides to negotiate.")
    doc, index = resolve(nlp, text, dt.date(2024, 1, 16))
    assert sorted(names(mention_of(doc, index, "both sides"))) == ["Russia|RUS|GOV", "Ukraine|UKR|GOV"]
    assert names(mention_of(doc, index, "it was")) == ["Russia|RUS|GOV"]


def test_generic_groups_take_the_country_of_the_place_named_nearby(nlp):
    doc, index = resolve(nlp, "Israel's military said its troops killed several militants in Gaza.", dt.date(2024, 1, 16))
    assert names(mention_of(doc, index, "troops")) == ["~troops|ISR|MIL"]
    assert names(mention_of(doc, index, "militants")) == ["~militants|PSE|REB"]


def test_a_dateline_capital_is_a_place(nlp):
    doc, index = resolve(nlp, "WASHINGTON (Reuters) - The White House said on Friday it would respond.")
    assert index.at(0) is None
    assert names(mention_of(doc, index, "Reuters")) == ["Reuters|GBR|MED"]


def test_the_opposition_is_armed_where_there_is_a_civil_war(nlp):
    text = "Kerry said the opposition and the Syrian government must both honour the truce."
    doc, index = resolve(nlp, text, dt.date(2016, 9, 10))
    assert names(mention_of(doc, index, "the opposition")) == ["~opposition|SYR|REB"]
    assert names(mention_of(doc, index, "the Syrian government")) == ["Syria|SYR|GOV"]


@pytest.mark.parametrize("text", ["", "\n\n", "He said it.", "“We will,” they said.", "Mr.", "U.S.-"])
def test_degenerate_texts_and_unknown_dates_do_not_break(nlp, text):
    for published in (None, SEED_DATE):
        doc, index = resolve(nlp, text, published)
        assert all(0 <= m.start < m.end <= len(doc) for m in index.mentions)


@pytest.mark.parametrize("text, phrase, expected", [
    ("Rep. Jane Example, R-Ohio, criticised the report on Tuesday.", "Jane Example", "Jane Example|USA|LEG"),
    ("Sen. Paul Sample, D-Vt., wrote to the agency.", "Paul Sample", "Paul Sample|USA|LEG"),
    ("Idaho senator Tom Sample said he cannot back the nominee.", "Tom Sample", "Tom Sample|USA|LEG"),
    ("The Ontario premier, Lisa Sample, met farmers.", "Lisa Sample", "Lisa Sample|CAN|GOV"),
    ("Lagos State Governor Tunde Sample visited the market.", "Tunde Sample", "Tunde Sample|NGA|GOV"),
    ("Punjab chief minister Ali Sample met Pakistani generals.", "Ali Sample", "Ali Sample|PAK|GOV"),
    ("Queensland premier Ann Sample announced the closure.", "Ann Sample", "Ann Sample|AUS|GOV"),
])
def test_a_party_and_state_tag_or_a_place_before_the_title_gives_the_country(nlp, text, phrase, expected):
    doc, index = resolve(nlp, text, dt.date(2019, 5, 1))
    assert names(mention_of(doc, index, phrase)) == [expected]


@pytest.mark.parametrize("text, phrase, expected", [
    ("Flooding hit towns across Kenya this week. Interior Minister Otieno Example said troops "
     "were sent to Kenyan villages.", "Otieno Example", "Otieno Example|KEN|GOV"),
    ("The election in Peru was close. In Lima, Attorney General Rosa Example opened an inquiry "
     "into the Peruvian vote.", "Rosa Example", "Rosa Example|PER|GOV"),
    ("Parliament in Britain sat late. MPs rejected the British budget and cabinet ministers "
     "in London were told to abstain.", "MPs", "~mps|GBR|LEG"),
    ("Parliament in Britain sat late. MPs rejected the British budget and cabinet ministers "
     "in London were told to abstain.", "cabinet ministers", "~ministers|GBR|GOV"),
])
def test_an_office_holder_named_without_a_country_holds_it_where_the_story_is_set(nlp, text, phrase, expected):
    doc, index = resolve(nlp, text, dt.date(2019, 5, 1))
    assert names(mention_of(doc, index, phrase)) == [expected]


@pytest.mark.parametrize("text, phrase, expected", [
    ("Kenyan Interior Minister Otieno Example toured the flooded valley. Later, Amina Sample, a "
     "farmer, told reporters the water had risen overnight.", "Amina Sample", "Amina Sample|KEN|None"),
    ("Brazilian Finance Minister Paulo Example defended the budget. Economist Carla Sample said "
     "the cuts went too far, and Mr. Example replied on Friday.", "Carla Sample", "Carla Sample|BRA|None"),
])
def test_a_person_named_without_a_country_is_of_the_country_of_the_articles_people(nlp, text, phrase, expected):
    doc, index = resolve(nlp, text, dt.date(2019, 5, 1))
    assert names(mention_of(doc, index, phrase)) == [expected]


def test_a_country_stated_at_a_later_mention_holds_for_the_earlier_ones(nlp):
    """The prior is applied after the whole article: the apposition later is what counts."""
    text = ("U.S. Secretary of State Rex Tillerson met reporters in Washington. Arturo Example "
            "rejected the plan. Colombia's deputy foreign minister, Arturo Example, said on Monday "
            "that talks would go on.")
    doc, index = resolve(nlp, text, dt.date(2017, 6, 1))
    assert names(mention_of(doc, index, "Arturo Example", 0)) == ["Arturo Example|COL|GOV"]
    assert names(mention_of(doc, index, "Arturo Example", 1)) == ["Arturo Example|COL|GOV"]


@pytest.mark.parametrize("text, phrase, expected", [
    ("Taliban fighters attacked a checkpoint in Helmand.", "Taliban fighters", "Taliban|AFG|REB"),
    ("Fighters of al-Shabaab stormed a hotel in Mogadishu.", "Fighters", "Al-Shabaab|SOM|REB"),
    ("Militants from the Islamic State blew up a bridge in Syria.", "Militants", "Islamic State|SYR|REB"),
    ("ISIS jihadists seized two villages in Iraq.", "ISIS jihadists", "Islamic State|IRQ|REB"),
])
def test_members_of_an_armed_group_named_as_a_group_are_the_group(nlp, text, phrase, expected):
    doc, index = resolve(nlp, text, dt.date(2016, 4, 10))
    assert names(mention_of(doc, index, phrase)) == [expected]


def test_members_of_a_state_body_stay_a_generic_group(nlp):
    doc, index = resolve(nlp, "Pentagon officials and Syrian rebels met in Amman.", dt.date(2016, 4, 10))
    assert names(mention_of(doc, index, "officials")) == ["~officials|USA|MIL"]
    assert names(mention_of(doc, index, "rebels")) == ["~rebels|SYR|REB"]


@pytest.mark.parametrize("text, phrase, expected", [
    ("Tom Sample met reporters on Monday. Along with Mr. Example, he travelled to Kenya.", "he travelled", "Tom Sample"),
    ("Tom Sample arrived on Monday. He met with Mr. Example in Lima.", "He met", "Tom Sample"),
    ("Carlos Example praised the plan on Sunday. Together with Mr. Sample, he flew to Quito.", "he flew",
     "Carlos Example"),
])
def test_a_subject_pronoun_is_not_a_person_its_own_clause_names(nlp, text, phrase, expected):
    doc, index = resolve(nlp, text, dt.date(2019, 5, 1))
    assert [a.name for a in mention_of(doc, index, phrase).actors] == [expected]


def test_a_place_the_story_names_is_no_ones_nationality(nlp):
    """With no person of known country, an unknown person keeps none: travelling to Kenya
    does not make anyone Kenyan."""
    doc, index = resolve(nlp, "Tom Sample travelled to Kenya and met farmers in Kenyan villages.", dt.date(2019, 5, 1))
    assert names(mention_of(doc, index, "Tom Sample")) == ["Tom Sample|None|None"]


@pytest.mark.parametrize("text, phrase, expected", [
    ("The Chinese commerce ministry criticized the tariffs.", "commerce ministry", "Ministry of Commerce of China|CHN|GOV"),
    ("Kenya's health ministry warned of an outbreak.", "health ministry", "Ministry of Health of Kenya|KEN|GOV"),
    ("Brazil's Ministry of Justice opened an inquiry.", "Ministry of Justice", "Ministry of Justice of Brazil|BRA|GOV"),
    ("Japan's Ministry of Economy, Trade and Industry issued rules.", "Industry",
     "Ministry of Economy, Trade and Industry of Japan|JPN|GOV"),
    ("The Peruvian energy ministry will publish the figures.", "energy ministry", "Ministry of Energy of Peru|PER|GOV"),
])
def test_a_ministry_named_by_its_portfolio_is_the_states(nlp, text: str, phrase: str, expected: str) -> None:
    doc, index = resolve(nlp, text)
    assert names(mention_of(doc, index, phrase)) == [expected]


def test_a_portfolio_stops_before_a_country(nlp) -> None:
    doc, index = resolve(nlp, "Kenya's Ministry of Health, Uganda and Tanzania met on Monday.")
    assert names(mention_of(doc, index, "Uganda")) == ["Uganda|UGA|GOV"]


@pytest.mark.parametrize("text, day, phrase, expected", [
    ("The United States and Japan signed a pact. Abe met Trump in Tokyo.", dt.date(2024, 5, 10), "Trump",
     "Donald Trump|USA|GOV"),
    ("Japan and France agreed on a plan. Macron thanked Abe for it.", dt.date(2022, 1, 10), "Abe",
     "Shinzo Abe|JPN|GOV"),
])
def test_a_surname_out_of_office_is_its_last_holder_in_a_story_of_that_country(
        nlp, text: str, day: dt.date, phrase: str, expected: str) -> None:
    doc, index = resolve(nlp, text, day)
    assert names(mention_of(doc, index, phrase)) == [expected]


def test_a_surname_out_of_office_in_a_story_of_another_country_stays_unknown(nlp) -> None:
    doc, index = resolve(nlp, "Kenya and Uganda agreed on a plan. Abe thanked Ruto for it.", dt.date(2022, 1, 10))
    found = mention_of(doc, index, "Abe")
    assert found is None or "Shinzo Abe|JPN|GOV" not in names(found)


@pytest.mark.parametrize("text, expected", [
    ("The bill would punish Chile for its raid on Peru, the senator said on Monday.", "Chile|CHL|GOV"),
    ("The plan rewards Kenya for its help, a spokesman said on Friday.", "Kenya|KEN|GOV"),
])
def test_its_never_stands_for_one_titled_person(nlp, text: str, expected: str) -> None:
    doc, index = resolve(nlp, text)
    assert names(mention_of(doc, index, "its")) == [expected]


def test_it_stands_for_a_body_named_by_a_title(nlp) -> None:
    doc, index = resolve(nlp, "The Kenyan delegation said it would stay another week.")
    assert names(mention_of(doc, index, "it")) == ["~delegation|KEN|GOV"]


@pytest.mark.parametrize("text, day, phrase, expected", [
    ("The U.S. race is close. Mrs. Clinton criticized the plan on Monday.", dt.date(2016, 3, 1), "Clinton",
     "Hillary Clinton|USA"),
    ("The U.S. economy grew. Mr. Bush met the president of Mexico on Monday.", dt.date(2005, 3, 1), "Bush",
     "George W. Bush|USA"),
])
def test_an_honorific_and_a_surname_name_the_famous_holder_of_a_country_in_the_story(
        nlp, text: str, day: dt.date, phrase: str, expected: str) -> None:
    doc, index = resolve(nlp, text, day)
    assert [n.rsplit("|", 1)[0] for n in names(mention_of(doc, index, phrase))] == [expected]


@pytest.mark.parametrize("text", [
    "Kenya and Uganda held talks. Mr. Johnson met the Kenyan president in Nairobi.",
    "Peru and Chile held talks. Mrs. Clinton, a local trader, met the Peruvian minister.",
])
def test_a_famous_surname_in_a_story_of_other_countries_is_someone_else(nlp, text: str) -> None:
    doc, index = resolve(nlp, text, dt.date(2023, 5, 1))
    found = mention_of(doc, index, "Johnson" if "Johnson" in text else "Clinton")
    assert found is None or all(a.country not in ("GBR", "USA") for a in found.actors)


@pytest.mark.parametrize("text, phrase, expected", [
    ("The strike killed one Yemeni citizen, Anwar al-Example, in 2011.", "Example", "Anwar al-Example"),
    ("Police arrested Anwar bin Example in Kuala Lumpur on Friday.", "Example", "Anwar bin Example"),
])
def test_a_given_name_before_a_particle_is_no_famous_persons(nlp, text: str, phrase: str, expected: str) -> None:
    doc, index = resolve(nlp, text, dt.date(2024, 5, 1))
    found = mention_of(doc, index, phrase)
    assert found is not None and [a.name for a in found.actors] == [expected]


@pytest.mark.parametrize("text, phrase, expected", [
    ("The head of the International Atomic Energy Agency visited Kenya on Monday.", "head", "Rafael Grossi|XXX|IGO"),
    ("The IAEA chief will travel to Chile next week.", "chief", "Rafael Grossi|XXX|IGO"),
    ("The director-general of the World Health Organization praised Peru.", "director-general",
     "Tedros Adhanom Ghebreyesus|XXX|IGO"),
])
def test_the_head_of_an_international_organisation_is_its_holder(nlp, text: str, phrase: str, expected: str) -> None:
    doc, index = resolve(nlp, text, dt.date(2023, 5, 1))
    assert names(mention_of(doc, index, phrase)) == [expected]
