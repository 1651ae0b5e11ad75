"""Argument roles on the real model: who acts and who is acted on, read from the parse as rules
of English (passive and "by" agents, targets and partners marked by prepositions, the verb
that carries a nominal event, going to an event or being its reason, control, coordination),
and things and places that are no actor. Every sentence is invented; each rule has variants
with other names, tenses and word orders. Participants are compared by country."""
from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from storyline.datafiles import DataFileError, read_text
from storyline.extract import nlp as nlp_module
from storyline.extract.actors import resolve_actors
from storyline.extract.lexicon import lexicon
from storyline.extract.roles import NAME, build_role_rules
from storyline.extract.triggers import find_triggers, participants, verb_slots

Sides = tuple[set[str], set[str]]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return nlp_module.load()


def sides(nlp: Language, text: str, lemma: str) -> Sides:
    """(actor countries, recipient countries) of the first trigger on `lemma` in `text`."""
    doc = nlp(text)
    actors, lex = resolve_actors(doc, None), lexicon()
    for sent in doc.sents:
        for trigger in find_triggers(sent, lex, actors):
            if trigger.token.lemma_.lower() == lemma:
                found = participants(trigger, actors, lex)
                return {a.country or "" for a in found[0]}, {a.country or "" for a in found[1]}
    raise AssertionError(f"no trigger {lemma!r} in {text!r}")


def pooled(found: Sides) -> set[str]:
    return found[0] | found[1]


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Norway was criticized by Egypt on Monday.", "criticize", ({"EGY"}, {"NOR"})),
    ("Kenya has been accused by Brazil of lying about the deal.", "accuse", ({"BRA"}, {"KEN"})),
    ("Mexico will be sanctioned by Canada next year.", "sanction", ({"CAN"}, {"MEX"})),
    ("On Friday Japan was condemned by India.", "condemn", ({"IND"}, {"JPN"})),
])
def test_the_by_agent_of_a_passive_acts_on_its_subject(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "recipient"), [
    ("Japan was condemned on Friday.", "condemn", "JPN"),
    ("Egypt attacked Kenya and was condemned the next day.", "condemn", "EGY"),
    ("Peru expelled two diplomats and was sanctioned in return.", "sanction", "PER"),
    ("Kenya, which was sanctioned last year, wants new talks.", "sanction", "KEN"),
    ("Chile, criticized for months, changed course.", "criticize", "CHL"),
])
def test_a_passive_without_agent_has_its_subject_as_recipient_and_no_actor(
        nlp: Language, text: str, lemma: str, recipient: str) -> None:
    assert sides(nlp, text, lemma) == (set(), {recipient})


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Canada imposed sanctions on Mexico.", "sanction", ({"CAN"}, {"MEX"})),
    ("Sanctions were imposed on Mexico by Canada on Tuesday.", "sanction", ({"CAN"}, {"MEX"})),
    ("Norway will impose new sanctions against Peru.", "sanction", ({"NOR"}, {"PER"})),
    ("Japan launched an attack on Kenya overnight.", "attack", ({"JPN"}, {"KEN"})),
    ("Egypt began a war with Chile in 1990.", "war", ({"EGY"}, {"CHL"})),
])
def test_the_verb_carrying_a_nominal_event_lends_it_its_prepositions(
        nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("France held talks with India on Tuesday.", "talk", {"FRA", "IND"}),
    ("Brazil will hold a summit with Egypt next month.", "summit", {"BRA", "EGY"}),
    ("The war between Egypt and Kenya began in May.", "war", {"EGY", "KEN"}),
])
def test_partners_of_shared_events_are_both_sides(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert pooled(sides(nlp, text, lemma)) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Egypt fought against Kenya for a decade.", "fight", ({"EGY"}, {"KEN"})),
    ("Peru protested against Chile.", "protest", ({"PER"}, {"CHL"})),
])
def test_against_marks_the_target_of_a_hostile_act(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Angela Merkel arrived in Rome for the summit with Emmanuel Macron.", "summit", {"DEU", "FRA"}),
    ("Narendra Modi flew to the talks with Shinzo Abe on Sunday.", "talk", {"IND", "JPN"}),
    ("Justin Trudeau will travel to Tokyo for talks with Shinzo Abe.", "talk", {"CAN", "JPN"}),
])
def test_who_goes_to_a_meeting_attends_it(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert pooled(sides(nlp, text, lemma)) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Egypt was condemned for the attack on Kenya.", "attack", ({"EGY"}, {"KEN"})),
    ("Norway blamed Egypt for the attack on Kenya.", "attack", ({"EGY"}, {"KEN"})),
    ("Peru apologized for the attack on Chile.", "attack", ({"PER"}, {"CHL"})),
])
def test_the_reason_for_an_event_names_its_actor(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma"), [
    ("Egypt called for talks with Kenya.", "talk"),
    ("Egypt appealed for assistance to Kenya.", "assistance"),
    ("Egypt pleaded for relief for Kenyan refugees.", "relief"),
])
def test_asking_for_an_event_does_not_make_the_asker_its_actor(nlp: Language, text: str, lemma: str) -> None:
    assert "EGY" not in sides(nlp, text, lemma)[0]


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Norway accused Egypt of attacking Kenya.", "attack", ({"EGY"}, {"KEN"})),
    ("Peru blamed Chile for attacking Bolivia.", "attack", ({"CHL"}, {"BOL"})),
    ("Egypt agreed to meet Kenya next week.", "meet", ({"EGY"}, {"KEN"})),
    ("Kenya is set to visit Egypt in March.", "visit", ({"KEN"}, {"EGY"})),
    ("Japan, expected to meet India next week, said little.", "meet", ({"JPN"}, {"IND"})),
    ("Brazil was elected to the council and met Peru.", "meet", ({"BRA"}, {"PER"})),
])
def test_control_and_coordination_give_the_actor(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Egypt and Kenya met in Cairo.", "meet", {"EGY", "KEN"}),
    ("Egypt met Kenya and Norway on Monday.", "meet", {"EGY", "KEN", "NOR"}),
    ("Peru, Chile and Bolivia will meet next year.", "meet", {"PER", "CHL", "BOL"}),
])
def test_coordinated_participants_all_take_part(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert pooled(sides(nlp, text, lemma)) == expected


def test_role_rules_name_the_file_and_line_of_an_unknown_type() -> None:
    text = read_text(NAME).replace('types = ["SANCTION", "COERCE", "ASSAULT"]', 'types = ["SANCTIONS"]', 1)
    with pytest.raises(DataFileError, match=r"roles.toml:\d+: unknown event type 'SANCTIONS'"):
        build_role_rules(text)


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Japan announced tariffs aimed at Brazil on Monday.", "tariff", ({"JPN"}, {"BRA"})),
    ("Egypt imposed new sanctions targeting Kenya.", "sanction", ({"EGY"}, {"KEN"})),
    ("The sanctions aimed at Chile took effect on Friday.", "sanction", (set(), {"CHL"})),
])
def test_a_participle_aims_a_nominal_event_at_its_target(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Egypt started doing favors for Kenya, including endorsing Peru's bid.", "endorse", ({"EGY"}, {"PER"})),
    ("Mexico made concessions, including supporting Canada's plan.", "support", ({"MEX"}, {"CAN"})),
])
def test_a_clause_under_a_noun_is_done_by_the_noun_owner(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


def test_a_name_folded_into_the_next_one_by_the_parser_is_a_conjunct(nlp: Language) -> None:
    """The small model sometimes parses "President A and leader B met" with A as a modifier of B
    carrying the "and"; the parse is given here as the model produced it for such a sentence."""
    words = ["President", "Lula", "and", "Chilean", "leader", "Gabriel", "Boric", "met"]
    heads = [6, 6, 1, 4, 6, 6, 7, 7]
    deps = ["nmod", "nmod", "cc", "amod", "compound", "compound", "nsubj", "ROOT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps)
    assert [t.text for t in verb_slots(doc[7])["subj"]] == ["Boric", "Lula"]


def names(nlp: Language, text: str, lemma: str) -> set[str]:
    doc = nlp(text)
    actors, lex = resolve_actors(doc, None), lexicon()
    found = next(participants(t, actors, lex) for s in doc.sents for t in find_triggers(s, lex, actors)
                 if t.token.lemma_.lower() == lemma)
    return {a.name for a in found[0] + found[1]}


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Lawmakers rejected Boris Johnson's Brexit deal again.", "deal", {"Boris Johnson"}),
    ("Voters backed Emmanuel Macron's Frexit deal.", "deal", {"Emmanuel Macron"}),
    ("Angela Merkel defended her Grexit agreement with Greece.", "agreement", {"Angela Merkel", "Greece"}),
])
def test_an_unknown_name_modifying_an_event_noun_is_its_topic(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert names(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("The British Museum condemned Egypt on Monday.", "condemn", (set(), {"EGY"})),
    ("The Egyptian Gazette criticized Kenya.", "criticize", (set(), {"KEN"})),
    ("The Kenyan activist Wanjiru criticized Egypt.", "criticize", ({"KEN"}, {"EGY"})),
    ("Egypt's foreign minister condemned Kenya.", "condemn", ({"EGY"}, {"KEN"})),
])
def test_an_unknown_institution_or_place_is_no_actor_but_a_person_is(
        nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Norway demanded that Sweden apologize.", "demand", ({"NOR"}, {"SWE"})),
    ("Brazil has demanded that Argentina pay its debts.", "demand", ({"BRA"}, {"ARG"})),
])
def test_the_subject_of_a_demanded_clause_is_the_addressee(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("India's threat to invade Nepal worried China.", "threat", ({"IND"}, {"NPL"})),
    ("Japan's refusal to recognize Taiwan angered nobody.", "refusal", ({"JPN"}, {"TWN"})),
    ("Peru's threat to attack Chile alarmed Bolivia.", "threat", ({"PER"}, {"CHL"})),
])
def test_the_object_of_a_threat_or_refusal_infinitive_is_its_target(
        nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("The EU hit Russia with new sanctions.", "sanction", ({"XXX"}, {"RUS"})),
    ("Iran was slapped with US tariffs.", "tariff", ({"USA"}, {"IRN"})),
    ("Iran was hit with new EU sanctions.", "sanction", ({"XXX"}, {"IRN"})),
    ("Kenya was charged with the attack on Uganda.", "attack", (set(), {"UGA"})),
])
def test_a_verb_applying_an_event_with_gives_its_agent_and_target(
        nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    """The charged party is not the target of the attack it is charged with."""
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Angela Merkel's trip to Paris for talks with Emmanuel Macron was short.", "talk", {"DEU", "FRA"}),
    ("Donald Trump's cancellation of the summit with Kim Jong Un surprised Seoul.", "summit", {"USA", "PRK"}),
    ("Shinzo Abe's plans for a summit with Vladimir Putin were dropped.", "summit", {"JPN", "RUS"}),
])
def test_who_travels_to_plans_or_cancels_a_meeting_takes_part(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert pooled(sides(nlp, text, lemma)) == expected


def test_supporting_an_attack_is_not_making_it(nlp: Language) -> None:
    assert sides(nlp, "Kenya's support for the attack on Uganda was criticized.", "attack") == (set(), {"UGA"})


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Emmanuel Macron said he hoped to meet face to face with Xi Jinping.", "meet", ({"FRA"}, {"CHN"})),
    ("Justin Trudeau met in person with Narendra Modi on Friday.", "meet", ({"CAN"}, {"IND"})),
    ("Britain suspended high-level contacts with Moscow.", "suspend", ({"GBR"}, {"RUS"})),
    ("Egypt cut diplomatic ties with Qatar.", "cut", ({"EGY"}, {"QAT"})),
    ("Japan threatened to impose sanctions on North Korea.", "threaten", ({"JPN"}, {"PRK"})),
])
def test_partners_and_targets_hung_on_an_adverbial_an_object_or_an_infinitive(
        nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Angela Merkel spoke at the summit with Emmanuel Macron.", "summit", {"DEU", "FRA"}),
    ("Emmanuel Macron said during talks with Vladimir Putin that he was hopeful.", "talk", {"FRA", "RUS"}),
    ("After the meeting with Shinzo Abe, Narendra Modi flew home.", "meeting", {"JPN", "IND"}),
])
def test_who_acts_during_or_at_a_meeting_attends_it(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert pooled(sides(nlp, text, lemma)) == expected


def test_acting_during_an_attack_is_not_attacking(nlp: Language) -> None:
    assert sides(nlp, "Kenya said during the attack on Uganda that it was neutral.", "attack") == (set(), {"UGA"})


@pytest.mark.parametrize(("text", "lemma", "recipient"), [
    ("Egypt vowed to withdraw its troops from Yemen.", "vow", "YEM"),
    ("India agreed to buy oil from Iran.", "agree", "IRN"),
])
def test_the_source_of_a_promised_act_is_its_recipient(nlp: Language, text: str, lemma: str, recipient: str) -> None:
    assert recipient in sides(nlp, text, lemma)[1]


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Ukraine condemned the Russian invasion.", "condemn", ({"UKR"}, {"RUS"})),
    ("Chile criticized Peru's decision to close the border.", "criticize", ({"CHL"}, {"PER"})),
    ("The Kremlin criticized the decision by Finland to join the alliance.", "criticize", ({"RUS"}, {"FIN"})),
    ("Poland will reject the German proposal.", "reject", ({"POL"}, {"DEU"})),
    ("Egypt welcomed the Saudi offer on Monday.", "welcome", ({"EGY"}, {"SAU"})),
    ("Canada has imposed tariffs on Mexican steel.", "tariff", ({"CAN"}, {"MEX"})),
    ("Vietnam came out in favor of Malaysia's bid.", "come", ({"VNM"}, {"MYS"})),
    ("Norway voted in favour of Kenya.", "vote", ({"NOR"}, {"KEN"})),
])
def test_a_deed_or_good_names_whom_it_belongs_to(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Rebels attacked Kenyan civilians.", "attack", "CVL"),   # people are no one's deed
    ("The militia killed Syrian villagers.", "kill", "CVL"),
])
def test_people_are_not_read_as_their_country(nlp: Language, text: str, lemma: str, expected: str) -> None:
    doc = nlp(text)
    actors, lex = resolve_actors(doc, None), lexicon()
    trigger = next(t for s in doc.sents for t in find_triggers(s, lex, actors) if t.token.lemma_.lower() == lemma)
    assert {a.sector for a in participants(trigger, actors, lex)[1]} <= {expected}


def test_an_event_without_an_actor_is_not_completed_from_an_owner(nlp: Language) -> None:
    assert sides(nlp, "The Iranian proposal was rejected.", "reject") == (set(), set())


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("President Ruto and Ugandan leader Yoweri Museveni met on Monday.", "meet", {"KEN", "UGA"}),
    ("President Lula and Argentine leader Javier Milei have met once.", "meet", {"BRA", "ARG"}),
    ("Chancellor Scholz and French President Emmanuel Macron visited Kyiv.", "visit", {"DEU", "FRA", "UKR"}),
    ("Along with Lula, Petro travelled to Caracas.", "travel", {"COL", "BRA", "VEN"}),
    ("Macron, along with Scholz, visited Kyiv.", "visit", {"FRA", "DEU", "UKR"}),
])
def test_coordinated_and_accompanying_names_all_take_part(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert pooled(sides(nlp, text, lemma)) == expected


@pytest.mark.parametrize(("text", "lemma", "actors"), [
    ("Together with Germany, France condemned the coup.", "condemn", {"FRA", "DEU"}),
    ("Alongside Japan, South Korea will criticize the decision.", "criticize", {"KOR", "JPN"}),
    ("Chile, together with Peru, denounced the vote.", "denounce", {"CHL", "PER"}),
])
def test_who_acts_along_with_the_subject_is_an_actor(nlp: Language, text: str, lemma: str, actors: set[str]) -> None:
    assert sides(nlp, text, lemma)[0] == actors


def test_a_partner_met_with_is_no_companion(nlp: Language) -> None:
    assert sides(nlp, "Kenya met with Uganda on Friday.", "meet") == ({"KEN"}, {"UGA"})


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Democratic Senator and former governor Jane Doe criticized Kenya.", "criticize", ["Jane Doe"]),
    ("Conservative MP and former minister John Roe praised Chile.", "praise", ["John Roe"]),
])
def test_a_title_coordinated_before_a_name_is_no_second_actor(nlp: Language, text: str, lemma: str, expected: list[str]) -> None:
    doc = nlp(text)
    actors, lex = resolve_actors(doc, None), lexicon()
    trigger = next(t for s in doc.sents for t in find_triggers(s, lex, actors) if t.token.lemma_.lower() == lemma)
    assert [a.name for a in participants(trigger, actors, lex)[0]] == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Canada will withdraw Canadian soldiers from Mali.", "withdraw", ({"CAN"}, {"MLI"})),
    ("Egypt vowed to withdraw Egyptian troops from Yemen.", "vow", ({"EGY"}, {"YEM"})),
])
def test_own_troops_moved_are_the_means_not_the_recipient(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


def test_troops_attacked_are_recipients(nlp: Language) -> None:
    assert sides(nlp, "Russian troops attacked Ukrainian soldiers.", "attack") == ({"RUS"}, {"UKR"})


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("The talks failed when Lavrov refused a demand by Blinken to halt the strikes.", "demand", ({"USA"}, {"RUS"})),
    ("Egypt rejected a request by Israel to open the crossing.", "request", ({"ISR"}, {"EGY"})),
    ("Chile will ignore the demand from Peru.", "demand", ({"PER"}, {"CHL"})),
])
def test_who_answers_a_request_is_its_addressee(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "subject"), [
    ("The talks failed when Lavrov refused a demand by Blinken to halt the strikes.", "halt", ["Lavrov"]),
    ("Egypt rejected a request by Israel to open the crossing.", "open", ["Egypt"]),
    ("Kenya's demand to halt the strikes went unanswered.", "halt", []),
])
def test_who_is_asked_to_act_is_not_who_asks(nlp: Language, text: str, lemma: str, subject: list[str]) -> None:
    doc = nlp(text)
    verb = next(t for t in doc if t.lemma_.lower() == lemma)
    assert [t.text for t in verb_slots(verb)["subj"]] == subject


@pytest.mark.parametrize(("text", "lemma", "actor"), [
    ("Iran has denied any involvement in the bombing of the embassy.", "bombing", "IRN"),
    ("Kenya denied any role in the attack on the convoy.", "attack", "KEN"),
    ("Serbia admitted its role in the raid.", "raid", "SRB"),
])
def test_who_has_a_part_in_a_deed_does_it(nlp: Language, text: str, lemma: str, actor: str) -> None:
    assert sides(nlp, text, lemma)[0] == {actor}


@pytest.mark.parametrize(("text", "lemma", "actor"), [
    ("Indian Prime Minister Narendra Modi, on a visit to Paris, said both sides must compromise.", "visit", "IND"),
    ("Chilean President Gabriel Boric, during a trip to Lima, praised the accord.", "trip", "CHL"),
])
def test_the_subject_a_visit_phrase_describes_makes_the_visit(nlp: Language, text: str, lemma: str, actor: str) -> None:
    assert actor in sides(nlp, text, lemma)[0]


def test_a_companion_of_the_controlling_verb_acts_too(nlp: Language) -> None:
    text = "The leaders of Brazil and Chile have joined together with Peru in condemning Venezuela."
    assert sides(nlp, text, "condemn") == ({"BRA", "CHL", "PER"}, {"VEN"})


@pytest.mark.parametrize(("text", "lemma", "name", "country"), [
    ("Another Republican, Jim Example of Arizona, has criticized Kenya.", "criticize", "Jim Example", "USA"),
    ("A Democrat, Senator Mary Sample, praised Chile.", "praise", "Mary Sample", "USA"),
    ("Mary Sample, the Democrat from Ohio, praised Chile.", "praise", "Mary Sample", "USA"),
    ("A Conservative, Tom Roe, condemned Peru.", "condemn", "Tom Roe", "GBR"),
])
def test_a_party_member_in_apposition_to_a_person_is_that_person(
        nlp: Language, text: str, lemma: str, name: str, country: str) -> None:
    doc = nlp(text)
    actors, lex = resolve_actors(doc, None), lexicon()
    trigger = next(t for s in doc.sents for t in find_triggers(s, lex, actors) if t.token.lemma_.lower() == lemma)
    assert [(a.name, a.country) for a in participants(trigger, actors, lex)[0]] == [(name, country)]


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Canada sanctioned two Chinese firms accused of helping Russia.", "help", ({"CHN"}, {"RUS"})),
    ("Three Iranian banks suspected of aiding Syria were fined.", "aid", ({"IRN"}, {"SYR"})),
])
def test_what_a_reduced_passive_accuses_the_noun_of_the_noun_does(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Volodymyr Zelensky thanked Germany in a phone call with Olaf Scholz.", "call", {"UKR", "DEU"}),
    ("Narendra Modi raised the issue in talks with Xi Jinping.", "talk", {"IND", "CHN"}),
])
def test_who_acts_in_a_meeting_attends_it(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert pooled(sides(nlp, text, lemma)) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("The talks between Armenian and Azerbaijani officials ended without a deal.", "talk", {"ARM", "AZE"}),
    ("U.S. and Chinese negotiators met in Geneva on Monday.", "meet", {"USA", "CHN"}),
    ("Peruvian and Chilean diplomats will meet in Lima.", "meet", {"PER", "CHL"}),
])
def test_coordinated_nationalities_of_one_noun_are_two_groups(nlp: Language, text: str, lemma: str, expected: set[str]) -> None:
    assert pooled(sides(nlp, text, lemma)) == expected


def test_an_apposition_carrying_a_folded_name_is_the_second_party(nlp: Language) -> None:
    """The parse the model gives some "President A and Korean leader B met" sentences: B's
    title an apposition of "President", A a modifier of that title carrying the "and"."""
    from storyline.extract.triggers import _expand

    words = ["President", "Lula", "and", "Argentine", "leader", "Javier", "Milei", "met", "."]
    heads = [7, 4, 1, 4, 0, 6, 4, 7, 7]
    deps = ["nsubj", "nmod", "cc", "amod", "appos", "compound", "appos", "ROOT", "punct"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps)
    assert {t.text for t in _expand(doc[0])} == {"President", "leader", "Lula"}


def test_of_two_subjects_the_one_nearest_the_verb_acts(nlp: Language) -> None:
    """A heading run into the sentence gives the verb two subjects (the parse some articles get)."""
    words = ["The", "stakes", "As", "envoy", ",", "Kenya", "failed", "to", "persuade", "Uganda", "."]
    heads = [1, 6, 1, 2, 6, 6, 6, 8, 6, 8, 6]
    deps = ["det", "nsubj", "prep", "pobj", "punct", "nsubj", "ROOT", "aux", "xcomp", "dobj", "punct"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps)
    from storyline.extract.triggers import subject_of
    assert subject_of(doc[8]).text == "Kenya"


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Kenya is opposed to the Ugandan plan.", "oppose", ({"KEN"}, {"UGA"})),
    ("Egypt said it was opposed to the Israeli plan.", "oppose", ({"EGY"}, {"ISR"})),
])
def test_what_is_refused_with_to_is_the_recipient(nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


@pytest.mark.parametrize(("text", "lemma", "expected"), [
    ("Two Iranian officials targeted by U.S. sanctions met Russian diplomats.", "sanction", ({"USA"}, {"IRN"})),
    ("Kenyan firms hit by the new Ugandan tariffs protested on Monday.", "tariff", ({"UGA"}, {"KEN"})),
])
def test_what_a_participle_of_aiming_describes_is_the_target_of_its_by_event(
        nlp: Language, text: str, lemma: str, expected: Sides) -> None:
    assert sides(nlp, text, lemma) == expected


def test_acting_in_a_meeting_without_its_other_side_is_not_attending(nlp: Language) -> None:
    text = "Kenya accused Uganda of cheating in the negotiations on the border."
    doc = nlp(text)
    actors, lex = resolve_actors(doc, None), lexicon()
    meetings = [t for s in doc.sents for t in find_triggers(s, lex, actors) if t.token.lemma_.lower() == "negotiation"]
    assert all(not participants(t, actors, lex)[0] for t in meetings)


def test_a_crowd_going_to_a_rally_holds_it(nlp: Language) -> None:
    assert sides(nlp, "Thousands of Kenyans were converging on Friday for a rally in Nairobi.", "rally")[0] == {"KEN"}
