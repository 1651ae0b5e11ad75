"""Triggers on the real model: every word of events.toml can be found at its part of speech,
phrases of several tokens are triggers read on their head token, the longer match wins, and
the slot builders fill only the slots the rules may name. Sentences are invented."""
from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from conftest import SEED, shared_path
from storyline.evaluate.plover import load_cameo2plover
from storyline.extract import classify
from storyline.extract import nlp as nlp_module
from storyline.extract.actors import resolve_actors
from storyline.extract.lexicon import Lexicon, cues, lexicon
from storyline.extract.lexicon_checks import PREP, SLOTS
from storyline.extract.phrases import split
from storyline.extract.status import status_of
from storyline.extract.triggers import (
    POS_OF,
    Trigger,
    find_triggers,
    noun_slots,
    predicate_slots,
    verb_slots,
)
from storyline.ontology import cameo_types

# Tiny sentences that put a word in its part of speech; a word is found if any one does.
TEMPLATES = {
    "VERB": ("They will {w} the city.", "They want to {w} them.", "They {w} with them."),
    "NOUN": ("They discussed the {w}.", "The {w} was long.", "They spoke of {w}."),
    "ADJ": ("They are {w} for it.", "They are {w}."),
    "ADP": ("They are {w} it.",),
}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return nlp_module.load()


def _found(doc: Doc, word: str, pos: str, lex: Lexicon) -> bool:
    """Whether the lookup that find_triggers uses sees `word` at `pos` in the doc."""
    if len(split(word)) > 1:
        return any(m.phrase.text == word and m.phrase.pos == pos for s in doc.sents for m in lex.find_phrases(s))
    return any(t.lemma_.lower() == word and POS_OF.get(t.pos_) == pos for t in doc)


def _unfound(nlp: Language, words: list[tuple[str, str]], lex: Lexicon) -> list[tuple[str, str]]:
    sentences = [(word, pos, t.format(w=word)) for word, pos in words for t in TEMPLATES[pos]]
    found = {(word, pos) for (word, pos, _), doc in zip(sentences, nlp.pipe(s for *_, s in sentences), strict=True)
             if _found(doc, word, pos, lex)}
    return [key for key in words if key not in found]


@pytest.mark.slow
def test_every_trigger_word_is_found_at_its_part_of_speech(nlp: Language) -> None:
    """A word spaCy lemmatizes otherwise ("talks" → talk) or tags otherwise could never match."""
    lex = lexicon()
    assert not _unfound(nlp, sorted(lex.by_key), lex)


@pytest.mark.slow
def test_word_lists_compared_with_lemmas_hold_lemmas(nlp: Language) -> None:
    lex, cue = lexicon(), cues()
    lists = {"VERB": lex.support_verbs | lex.happening_verbs | lex.particle_verbs | cue.reporting_verbs,
             "NOUN": lex.group_nouns}
    words = [(w, pos) for pos, found in lists.items() for w in sorted(found)]
    assert not _unfound(nlp, words, lex)


def test_rule_words_are_split_as_the_model_splits_them(nlp: Language) -> None:
    """Phrases are built with spaCy's English tokenizer rules; the model's must agree."""
    for word, _ in lexicon().by_key:
        assert [t.text for t in nlp.tokenizer(word)] == list(split(word)), word


def test_the_cameo_codes_are_the_official_tables() -> None:
    official = load_cameo2plover(shared_path("peer", "plover", "CAMEO2PLOVER-2021.txt"))
    assert dict(cameo_types()) == {code: kind for code, (kind, _) in official.items()}


# ---------------------------------------------------------------- invented sentences
def _triggers(nlp: Language, text: str) -> list[Trigger]:
    doc = nlp(text)
    actors = resolve_actors(doc, None)
    return [t for sent in doc.sents for t in find_triggers(sent, lexicon(), actors)]


def _types(nlp: Language, text: str) -> list[tuple[str, str, str]]:
    return [(t.token.text, t.pattern.lemma, t.pattern.type) for t in _triggers(nlp, text)]


@pytest.mark.parametrize(("text", "kind"), [
    ("The president held a sit-down with the prime minister.", "CONSULT"),
    ("An air strike on the city killed ten people.", "ASSAULT"),
    ("Israel launched an air strike on the port.", "ASSAULT"),
    ("The chancellor had a phone call with the French president.", "CONSULT"),
    ("The navies held war games near the island.", "COOPERATE"),
    ("The United States held Russia responsible for the poisoning.", "ACCUSE"),
    ("Police rounded up dozens of students.", "COERCE"),
    ("The government shut down the newspaper.", "COERCE"),
    ("Prisoners began a hunger strike.", "PROTEST"),
    ("Israeli jets struck the port.", "ASSAULT"),
    ("Dock workers struck for higher pay.", "PROTEST"),
])
def test_the_main_event_of_a_sentence(nlp: Language, text: str, kind: str) -> None:
    found = classify(nlp(text))
    assert found is not None and found.type == kind, (found, _types(nlp, text))


@pytest.mark.parametrize(("text", "head", "phrase", "kind"), [
    ("They agreed to a cease-fire.", "fire", "cease-fire", "RETREAT"),
    ("The president held a sit-down with the prime minister.", "down", "sit-down", "CONSULT"),
    ("An air strike killed ten people.", "strike", "air strike", "ASSAULT"),
    ("The air strikes on the port continued.", "strikes", "air strike", "ASSAULT"),
    ("Police rounded dozens of students up.", "rounded", "round up", "COERCE"),
    ("The minister backed down on the tax.", "backed", "back down", "CONCEDE"),
    ("Russia is to blame for the attack.", "blame", "to blame", "ACCUSE"),
    ("The army handed over the prisoners to the Red Cross.", "handed", "hand over", "RETREAT"),
    ("NATO warned of a military build-up on the border.", "up", "build-up", "MOBILIZE"),
])
def test_phrases_are_triggers_on_their_head_token(nlp: Language, text: str, head: str, phrase: str, kind: str) -> None:
    assert (head, phrase, kind) in _types(nlp, text)


def test_the_longer_match_wins_and_its_words_are_no_arguments(nlp: Language) -> None:
    """ "air strike" is never the "strike" of workers, and "air" is not its compound."""
    (trigger,) = [t for t in _triggers(nlp, "An air strike killed ten people.") if t.token.text == "strike"]
    assert trigger.pattern.type == "ASSAULT" and trigger.pattern.mode == "aerial"
    assert trigger.slot("compound") == ()
    held = _types(nlp, "The United States held Russia responsible for the poisoning.")
    assert [k for _, _, k in held].count("ACCUSE") == 1 and not any(w == "responsible" for w, _, _ in held)


def test_a_phrase_that_does_not_hold_leaves_its_words_alone(nlp: Language) -> None:
    """ "want to blame" is no predicate "to blame": the verb "blame" is read alone."""
    assert ("blame", "blame", "ACCUSE") in _types(nlp, "They want to blame Russia for the attack.")


def test_hold_with_an_event_for_object_carries_it(nlp: Language) -> None:
    """ "held talks" is no detention; "held two activists" is."""
    assert not any(k == "COERCE" for *_, k in _types(nlp, "The two sides held talks in Geneva."))
    assert ("held", "hold", "COERCE") in _types(nlp, "Police held two activists.")


def test_hyphenated_object_words_match_the_whole_compound(nlp: Language) -> None:
    """ "reached a cease-fire": the object is the compound, and the verb is the event."""
    types = _types(nlp, "The rebels reached a cease-fire with the army.")
    assert ("reached", "reach", "AGREE") in types


@pytest.mark.parametrize(("text", "status"), [
    ("The would-be summit collapsed.", "hypothetical"),
    ("The called-off summit was rescheduled.", "cancelled"),
])
def test_hyphenated_noun_modifiers_give_the_status(nlp: Language, text: str, status: str) -> None:
    (summit,) = [t for t in nlp(text) if t.text == "summit"]
    assert status_of(summit, cues()) == status


# ---------------------------------------------------------------- slots
SLOT_TEXT = [
    "Putin met Erdogan in Sochi on Monday and spoke by phone with Macron, who had called him.",
    "The freed prisoners were handed over to the Red Cross, which welcomed their release.",
    "Russia called the expulsions a provocative gesture and agreed to meet Kim.",
    "China's support for the deal between Iran and the United States was clear.",
    "The president gave the delegation a warm welcome; Russia was behind the attack.",
]


def test_slot_builders_fill_only_the_slots_the_rules_may_name(nlp: Language) -> None:
    lex = lexicon()
    texts = [*SLOT_TEXT, SEED.read_text("utf-8")]
    seen: dict[str, set[str]] = {"VERB": set(), "NOUN": set(), "ADJ": set()}
    for doc in nlp.pipe(texts):
        for token in doc:
            pos = POS_OF.get(token.pos_)
            if pos == "VERB":
                seen[pos] |= set(verb_slots(token))
            elif pos == "NOUN":
                seen[pos] |= set(noun_slots(token, lex))
            elif pos in ("ADJ", "ADP"):
                seen["ADJ"] |= set(predicate_slots(token))
    for pos, names in seen.items():
        assert {n for n in names if not n.startswith(PREP)} <= SLOTS[pos], pos
    assert {"subj", "obj", "predicate", "xcomp_obj", "dative", "phone", "modified"} <= seen["VERB"]
    assert {"poss", "compound", "amod", "obj", "governor", "gov_subj"} <= seen["NOUN"]


# ---------------------------------------------------------------- word senses
# (sentence, the trigger's word as written, its type or None for no event on that word).
# Each sense rule has several invented variants, positive and negative.
SENSES = [
    # "fire": a weapon fired, or fire aimed at someone, is an attack; a person fired is not
    ("The governor fired the state prosecutor on Monday.", "fired", None),
    ("Mayor Lindqvist fired two of her deputies last week.", "fired", None),
    ("The senator fired off an angry tweet about the ruling.", "fired", None),
    ("Troops fired on the crowd outside the ministry.", "fired", "ASSAULT"),
    ("Rebels fired two rockets at the airport.", "fired", "ASSAULT"),
    ("Police fired tear gas at the marchers.", "fired", "ASSAULT"),
    ("Soldiers opened fire on the convoy near the border.", "opened", "ASSAULT"),
    # "call": on someone to act, or for something, is a request; a person called is a phone call
    ("The opposition called on ministers to resign.", "called", "REQUEST"),
    ("The Norwegian premier called on both parties to return to the table.", "called", "REQUEST"),
    ("The union is calling for a general strike.", "calling", "REQUEST"),
    ("President Okafor called the Kenyan president on Tuesday.", "called", "CONSULT"),
    ("The Estonian minister called up 5,000 reservists.", "called", "MOBILIZE"),
    ("For the coach it was a tough call.", "call", None),
    ("Choosing the date was a close call.", "call", None),
    ("The chancellor had a call with the Polish president.", "call", "CONSULT"),
    ("The senator renewed her call for an inquiry.", "call", "REQUEST"),
    # "appeal": for something or to an actor; not the attraction of an idea
    ("The film's popular appeal surprised the studio.", "appeal", None),
    ("Its broad appeal among students worried the party.", "appeal", None),
    ("The mayor appealed for calm after the riot.", "appealed", "REQUEST"),
    ("Kenya appealed to the United Nations to send monitors.", "appealed", "REQUEST"),
    ("The charity issued an urgent appeal for blankets.", "appeal", "REQUEST"),
    # "kill", "attack", "block": a plan or law is rejected or criticised, a person or place attacked
    ("Senate Republicans killed the bill on Thursday.", "killed", "REJECT"),
    ("Gunmen killed three villagers near the market.", "killed", "ASSAULT"),
    ("The opposition attacked the budget plan in parliament.", "attacked", "ACCUSE"),
    ("Rebels attacked the army base at dawn.", "attacked", "ASSAULT"),
    ("China blocked the resolution at the Security Council.", "blocked", "REJECT"),
    # "hold", "capture": a person held or captured is detained
    ("Police held two students overnight.", "held", "COERCE"),
    ("The parliament held a vote on the budget.", "held", None),
    ("The Democrats hold the majority in the chamber.", "hold", None),
    ("Soldiers captured the rebel commander in the hills.", "captured", "COERCE"),
    ("Rebels captured the town after a week of fighting.", "captured", "ASSAULT"),
    # "strike", "hit", "shoot": figurative objects and penalties
    ("The speech struck a chord with voters.", "struck", None),
    ("Exports hit a record in May.", "hit", None),
    ("The European Union hit Russia with new sanctions.", "hit", "SANCTION"),
    ("Washington slapped Venezuela with fresh sanctions.", "slapped", "SANCTION"),
    ("Missiles hit the port overnight.", "hit", "ASSAULT"),
    ("The director shot a video in Lagos.", "shot", None),
    ("A sniper shot two policemen in the square.", "shot", "ASSAULT"),
    ("A strike on the airfield destroyed two jets.", "strike", "ASSAULT"),
    ("Teachers began a strike against the pay freeze.", "strike", "PROTEST"),
    # "dismiss": claims are rejected, a minister removed from office is not
    ("The president dismissed the defence minister.", "dismissed", None),
    ("The Kremlin dismissed the claims as baseless.", "dismissed", "REJECT"),
    # "demonstrate": without an object a protest; "demonstrated its range" shows something
    ("The tests demonstrated the missile's range.", "demonstrated", None),
    ("Thousands demonstrated against the new law.", "demonstrated", "PROTEST"),
    ("Students rallied in the capital on Sunday.", "rallied", "PROTEST"),
    ("The rebels rallied support in the villages.", "rallied", None),
    # "charge": with a crime, or a person in a crime; not a task given
    ("Prosecutors charged two men with fraud.", "charged", "ACCUSE"),
    ("Three students were charged with obstructing the inquiry.", "charged", "ACCUSE"),
    ("The colonel was charged in the killing of a villager.", "charged", "ACCUSE"),
    ("The envoy, who is charged with leading the talks, flew home.", "charged", None),
    ("The commission was charged with drafting a new constitution.", "charged", None),
    # destroying property is ASSAULT (CAMEO 1712), confiscating it COERCE (1711)
    ("Militants blew up the old bridge at dawn.", "blew", "ASSAULT"),
    ("Soldiers burned down three villages.", "burned", "ASSAULT"),
    ("The army razed the rebel camp.", "razed", "ASSAULT"),
    ("Customs officers confiscated the weapons.", "confiscated", "COERCE"),
    # "meet": a person, not a standard, a deadline (or demands: CONCEDE); not the press
    ("The new plant meets the safety standard.", "meets", None),
    ("The ministry failed to meet the deadline.", "meet", None),
    ("The government met the strikers' demands.", "met", "CONCEDE"),
    ("The Finnish president met the Chinese premier in Beijing.", "met", "CONSULT"),
    ("The senator spoke with reporters after the vote.", "spoke", None),
    ("The senator spoke with the Egyptian ambassador after the vote.", "spoke", "CONSULT"),
    # "commit": to something is a pledge, a crime committed is not
    ("The gang committed three robberies.", "committed", None),
    ("Both sides committed to a ceasefire.", "committed", "AGREE"),
    # "threat": an act when made or aimed at someone, not a danger
    ("Analysts see the threat from the new missiles as grave.", "threat", None),
    ("Pyongyang issued a threat against the carriers.", "threat", "THREATEN"),
    ("Ghana's threat to close the border angered Togo.", "threat", "THREATEN"),
    ("An existential threat hangs over the island states.", "threat", None),
    # "deal", "settlement", "arrangement": an agreement between parties, not a mention
    ("The opposition rejected the nuclear deal.", "deal", None),
    ("The funeral arrangements were made by the family.", "arrangements", None),
    ("Israeli settlements expanded last year.", "settlements", None),
    ("The settlement between the union and the company ended the strike.", "settlement", "AGREE"),
    ("The prime minister defended her deal in parliament.", "deal", None),
    ("The deal between the rebels and the army held for a month.", "deal", "AGREE"),
    # a meeting is an event with its participants, place or a verb carrying it; not a reference back
    ("Those summits produced little of substance.", "summits", None),
    ("The summit with the Cuban leader was cancelled.", "summit", "CONSULT"),
    ("The summit will take place in Hanoi next month.", "summit", "CONSULT"),
    # "push", "clamour": someone pushed to act, or for something; not one's own effort
    ("Rather than push to cut taxes, the senator called for a review.", "push", None),
    ("The envoy pushed Tehran to free the sailors.", "pushed", "REQUEST"),
    ("Lawmakers clamoured for the minister to resign.", "clamoured", "REQUEST"),
    # "share": intelligence, or anything with an actor; not a flat with a brother
    ("The couple shared a flat with his brother.", "shared", None),
    ("Norway shared intelligence with Denmark.", "shared", "COOPERATE"),
    # "visit": an actor visited, not a factory
    ("The minister visited a car factory near Turin.", "visited", None),
    ("The minister visited Japan in May.", "visited", "CONSULT"),
    # travel to an actor is a visit; "when it comes to" a country is not
    ("The Austrian chancellor flew to Japan on Sunday.", "flew", "CONSULT"),
    ("The Kenyan foreign minister travelled to Ethiopia for the summit.", "travelled", "CONSULT"),
    ("When it comes to Japan, the ministry is cautious.", "comes", None),
    ("The pilot flew to a height of 3,000 metres.", "flew", None),
    # "ask": for something, or someone to do something; not about something
    ("Reporters asked the minister about the visit.", "asked", None),
    ("Chile asked Peru to extradite the banker.", "asked", "REQUEST"),
    ("The mayor asked for federal help after the flood.", "asked", "REQUEST"),
    # abduction is ASSAULT (CAMEO 181); a person held hostage is abducted, one held in custody arrested
    ("Gunmen kidnapped two aid workers near the dam.", "kidnapped", "ASSAULT"),
    ("Bandits abducted a bishop and his driver on the highway.", "abducted", "ASSAULT"),
    ("The two engineers were held hostage by the militia for a week.", "held", "ASSAULT"),
    ("The rebels took three soldiers hostage.", "took", "ASSAULT"),
    ("Police held the two reporters overnight.", "held", "COERCE"),
    ("Pirates hijacked an oil tanker off the coast.", "hijacked", "ASSAULT"),
    ("The senator hijacked the debate with a long speech.", "hijacked", None),
    # "rip": a decision or person criticised; "ripped up" a contract is another act
    ("The opposition ripped the budget on Monday.", "ripped", "ACCUSE"),
    ("Columnists ripped the coach for the defeat.", "ripped", "ACCUSE"),
    ("The mayor ripped up the old contract.", "ripped", None),
    # a participle said of an object is an adjective ("called the talks promising"), no act of its own
    ("The president called the talks promising.", "promising", None),
    ("The envoy called the offer insulting.", "insulting", None),
    ("The Polish ministers discussed the budget.", "discussed", None),
    ("The minister took the road to the airport.", "took", None),
    ("Water poured into the cellar.", "poured", None),
    # what is held or freed is a person of any kind
    ("Militiamen held three engineers for a week.", "held", "COERCE"),
    ("The rebels freed two pilgrims on Sunday.", "freed", "RETREAT"),
    ("The navy held the tanker for a week.", "held", None),
    # ordered or forced to leave is expelled; ordered to withdraw is a request
    ("Moscow ordered 60 Norwegian diplomats to leave.", "ordered", "SANCTION"),
    ("Peru forced the Chilean envoy to leave the country.", "forced", "SANCTION"),
    ("The general ordered the troops to withdraw.", "ordered", "REQUEST"),
    # retaliating with a means is that means' act
    ("Beijing retaliated with tariffs on American soybeans.", "retaliated", None),
]


@pytest.mark.parametrize(("text", "word", "kind"), SENSES)
def test_a_word_has_the_sense_its_arguments_give(nlp: Language, text: str, word: str, kind: str | None) -> None:
    kinds = {k for w, _, k in _types(nlp, text) if w == word}
    if kind is None:
        assert not kinds, (text, kinds)
    else:
        assert kind in kinds, (text, _types(nlp, text))


# General words of each PLOVER type that the dictionary lacked (invented sentences).
VOCABULARY = [
    ("The Swedish defence minister briefed NATO on the incident.", "briefed", "CONSULT"),
    ("The two ministers sat down with the mediators in Oslo.", "sat", "CONSULT"),
    ("Chile ruled out new talks with Bolivia.", "ruled", "REJECT"),
    ("The senator voted against the treaty.", "voted", "REJECT"),
    ("The senator voted for the treaty.", "voted", "SUPPORT"),
    ("The senator lashed out at the Pentagon over the delays.", "lashed", "ACCUSE"),
    ("The governor has long been critical of the plan.", "critical", "ACCUSE"),

    ("Police cracked down on the protesters in the capital.", "cracked", "COERCE"),
    ("North Korea refrained from military provocations during the talks.", "refrained", "RETREAT"),
    ("Gangs set fire to the market in the night.", "set", "ASSAULT"),
    ("Two men died in a shootout with police.", "shootout", "ASSAULT"),
    ("France worked with Germany on the plan.", "worked", "COOPERATE"),
    ("Turkey persuaded Sweden to change the law.", "persuaded", "REQUEST"),
    ("The minister cautioned Iran against any escalation.", "cautioned", "THREATEN"),
    ("The party continued to have confidence in its leader.", "confidence", "SUPPORT"),
    ("The kidnapping of the journalist by militants shocked the town.", "kidnapping", "ASSAULT"),
    ("Opposition leaders derided the minister's plan.", "derided", "ACCUSE"),
    ("The senator belittled the envoy in a radio interview.", "belittled", "ACCUSE"),
    ("The board reprimanded the chief executive.", "reprimanded", "ACCUSE"),
    ("Lawmakers ripped into the defence secretary.", "ripped", "ACCUSE"),
    # a participle as the predicate of "call", "term": its polarity decides praise or criticism
    ("The Danish minister called the decision disappointing.", "called", "ACCUSE"),
    ("Peru's foreign ministry termed the remarks deeply troubling.", "termed", "ACCUSE"),
    ("Ghana's president called the ruling encouraging.", "called", "SUPPORT"),
    # assets frozen are a sanction; a border or airspace closed restricts movement (CAMEO 191)
    ("Canada froze the assets of two Venezuelan generals.", "froze", "SANCTION"),
    ("The bank blocked the accounts of the firm.", "blocked", "SANCTION"),
    ("Pakistan closed its airspace to Indian flights.", "closed", "COERCE"),
    ("Algeria shut its border with Morocco.", "shut", "COERCE"),
    # two parties discussing something together, or by phone, consult
    ("Putin and Erdogan discussed the Syrian conflict.", "discussed", "CONSULT"),
    ("The Kenyan president discussed the dispute by phone with the Somali leader.", "discussed", "CONSULT"),
    # protesters take to the streets or pour into a square
    ("Thousands of Sudanese took to the streets of Khartoum.", "took", "PROTEST"),
    ("Crowds of Chilean students poured into the main square.", "poured", "PROTEST"),
    ("The lower house voted to impeach the Peruvian president.", "impeach", "ACCUSE"),
    ("The two presidents shook hands at the border crossing.", "shook", "CONSULT"),
    ("The Pope shook hands with the Cuban leader.", "shook", "CONSULT"),
    ("Ankara said it would retaliate against the sanctions.", "retaliate", "THREATEN"),
]


@pytest.mark.parametrize(("text", "word", "kind"), VOCABULARY)
def test_general_words_of_each_type_are_triggers(nlp: Language, text: str, word: str, kind: str) -> None:
    assert kind in {k for w, _, k in _types(nlp, text) if w == word}, (text, _types(nlp, text))
