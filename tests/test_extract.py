"""Event extraction on the real model: the seed's key facts, status, attribution, dates,
places, evidence offsets, the store round trip, and the gold/PLOVER quality floors."""
from __future__ import annotations

import pytest

from conftest import SEED, assert_floors, gold, json_lines, run_cli, shared_path
from storyline.clean import clean
from storyline.evaluate import events as event_eval
from storyline.extract import Extractor
from storyline.ingest import make_document
from storyline.output import result_dict


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def events_of(extractor: Extractor, text: str, published: str | None = "2025-10-21") -> list[dict]:
    import datetime as dt

    article = clean(make_document("t.txt", text, "text"), dt.date.fromisoformat(published) if published else None)
    return result_dict(extractor(article))["events"]


@pytest.mark.quality
@pytest.mark.slow
def test_seed_required_events_all_right(db: str) -> None:
    expected = gold("seed.json")
    result = run_cli("process", str(SEED), "--published", "2025-10-21", "--format", "json", "--db", db)
    assert result.returncode == 0, result.stderr
    (output,) = json_lines(result.stdout)
    scores = event_eval.score(event_eval.load_gold([shared_path("gold", "seed.json")]), {"seed": output})
    required = [d for d in scores.details if d.required]
    assert len(required) == sum(e["required"] for e in expected["events"]) == 10
    assert all(d.paired for d in required), [d for d in required if not d.paired]
    wrong = {d.gold_id: d.wrong for d in required if set(d.wrong) & {"status", "date", "location", "attribution"}}
    assert not wrong, wrong


def test_evidence_offsets_slice_the_article_text(extractor: Extractor) -> None:
    article = clean(make_document("seed", SEED.read_text("utf-8"), "text"))
    for event in extractor(article).events:
        assert article.text[event.evidence.start:event.evidence.end] == event.evidence.sentence
        for actor in event.actors + event.recipients:
            if actor.start is not None:
                assert article.text[actor.start:actor.end] == actor.text


@pytest.mark.slow
def test_events_are_stored_and_shown_and_reprocessing_changes_nothing(db: str) -> None:
    first = json_lines(run_cli("process", str(SEED), "--published", "2025-10-21", "--format", "json", "--db", db).stdout)[0]
    again = json_lines(run_cli("process", str(SEED), "--published", "2025-10-21", "--format", "json", "--db", db).stdout)[0]
    shown = json_lines(run_cli("show", first["article"]["id"], "--format", "json", "--db", db).stdout)[0]
    assert len(first["events"]) >= 10
    assert again == first and shown == first


@pytest.mark.parametrize(("text", "status"), [
    ("Putin met Erdogan in Sochi on Monday.", "occurred"),
    ("Putin will meet Erdogan in Sochi next week, the Kremlin said.", "planned"),
    ("Putin and Erdogan are set to meet in Sochi next week.", "planned"),
    ("Putin could meet Erdogan in Sochi if talks go well.", "hypothetical"),
    ("Erdogan canceled his planned meeting with Putin.", "cancelled"),
    ("There are no plans for Putin to meet Erdogan, the Kremlin said.", "cancelled"),
    ("Putin called off the summit with Erdogan on Friday.", "cancelled"),
])
def test_status_from_modality_negation_and_cancellation(extractor: Extractor, text: str, status: str) -> None:
    consults = [e for e in events_of(extractor, text) if e["type"] == "CONSULT"]
    assert consults and consults[0]["status"] == status, consults


def test_reported_speech_dates_and_attribution(extractor: Extractor) -> None:
    text = ("Erdogan spoke by telephone on Thursday with Putin.\n\n"
            "Erdogan then said that he would meet Putin within two weeks in Ankara.")
    events = events_of(extractor, text, "2025-10-21")
    call = next(e for e in events if e["mode"] == "phone")
    planned = next(e for e in events if e["status"] == "planned")
    assert call["date"]["start"] == call["date"]["end"] == "2025-10-16"
    assert (planned["date"]["start"], planned["date"]["end"]) == ("2025-10-16", "2025-10-30")
    assert planned["attributed_to"]["name"] == "Recep Tayyip Erdoğan"
    assert planned["location"]["country"] == "TUR"


@pytest.mark.parametrize(("text", "kind", "day"), [
    # "N days after" a clause: that many days before the clause it hangs from (here: now)
    ("The new measures come two days after Germany expelled four Russian diplomats.", "SANCTION", "2025-10-19"),
    # an undated present perfect takes the day the next sentence gives it
    ("France and Germany have signed a defence pact, officials said.\n\n"
     "Macron said Monday in Paris that the pact would last a decade.", "SUPPORT", "2025-10-20"),
    # a bare weekday after "its support of the deal" is the announcement's, not the deal's
    ("The Iranian government announced its support of the truce deal Sunday, state television reported.",
     "SUPPORT", "2025-10-19"),
    # an event named by "during" happens when its clause does
    ("Putin praised China during a meeting with Xi Jinping in Beijing on Thursday.", "CONSULT", "2025-10-16"),
    # a past date after the object of a present attitude belongs to the object event
    ("The foreign ministers said they deplore the attack on Ukrainian troops in Kharkiv on October 3.",
     "ASSAULT", "2025-10-03"),
    # an ongoing event quoted from a report takes the report's day, given on its main verb
    ('On Friday evening, Trump repeated the claim on social media, writing that "we are having very '
     'good talks with China."', "CONSULT", "2025-10-17"),
])
def test_event_dates_from_the_clause_around_them(extractor: Extractor, text: str, kind: str, day: str) -> None:
    event = next(e for e in events_of(extractor, text) if e["type"] == kind)
    assert event["date"] and (event["date"]["start"], event["date"]["end"]) == (day, day), event["date"]


def test_hyphenated_names_are_both_participants(extractor: Extractor) -> None:
    event = next(e for e in events_of(extractor, "Officials said the China-U.S. summit is scheduled for November 5.")
                 if e["type"] == "CONSULT")
    assert {a["country"] for a in event["actors"] + event["recipients"]} == {"CHN", "USA"}
    assert event["status"] == "planned" and event["date"]["start"] == "2025-11-05"


def test_only_a_definite_possible_meeting_takes_the_set_date() -> None:
    import datetime as dt

    from storyline.extract.dating import fill_from_coreferent
    from storyline.model import Actor, Event, Evidence, TimeSpan

    usa, prk = Actor("United States", "USA", "GOV"), Actor("North Korea", "PRK", "GOV")
    trump, kim = Actor("Donald Trump", "USA", "GOV"), Actor("Kim Jong Un", "PRK", "GOV")

    def event(id: str, status: str, actors: tuple[Actor, ...], date: TimeSpan | None) -> Event:
        return Event(id=id, type="CONSULT", mode=None, cameo="040", quad=1, actors=actors[:1], recipients=actors[1:],
                     status=status, date=date, location=None, attributed_to=None,
                     evidence=Evidence(sentence="x", start=0, end=1), confidence=0.9)

    set_day = TimeSpan(dt.date(2018, 6, 12), dt.date(2018, 6, 12), "day", "June 12")
    summit = event("a", "planned", (usa, prk), set_day)        # "the DPRK-U.S. summit set for June 12"
    possible = event("b", "hypothetical", (trump, kim), None)  # "talks could happen" / "the meeting could happen"
    assert fill_from_coreferent([summit, possible])[1].date is None
    assert fill_from_coreferent([summit, possible], {"b"})[1].date == set_day


@pytest.mark.parametrize("text, said, earlier", [
    ("The Kremlin said Tuesday that Putin would meet Trump in Budapest next month.", "2025-10-21", False),
    ("Trump on Tuesday declared that he would not meet Putin in Budapest.", "2025-10-21", False),
    ("On Wednesday, the Russian Foreign Ministry said Lavrov would hold talks with Rubio.", "2025-10-22", False),
    ("No meeting is planned, days after Trump said he would meet Putin in Budapest.", None, True),
    ("Trump said he would meet Putin in Budapest.", None, False),
    ("Trump was told on Monday that Putin would meet Xi in Beijing.", None, False),   # heard, not said
])
def test_the_time_of_a_statement_is_the_reporting_verbs_own_day(extractor: Extractor, text: str, said: str | None,
                                                                 earlier: bool) -> None:
    events = [e for e in events_of(extractor, text, "2025-10-23") if e["type"] == "CONSULT"]
    assert events and all((e["said"], e["said_earlier"]) == (said, earlier) for e in events), events


def test_no_publication_date_leaves_relative_dates_unresolved(extractor: Extractor) -> None:
    events = events_of(extractor, "Putin met Erdogan in Sochi on Monday.", None)
    assert events and events[0]["date"] is None


def test_anonymous_source_is_flagged(extractor: Extractor) -> None:
    text = "Putin will not meet Erdogan this month, a Kremlin official said on condition of anonymity."
    event = next(e for e in events_of(extractor, text) if e["type"] == "CONSULT")
    assert event["status"] == "cancelled"
    assert event["attributed_to"]["anonymous"] is True and event["attributed_to"]["country"] == "RUS"


# The original development gold (seed + 001-026, which the rules were first tuned on) and the
# newer random draw (101-137) are gated apart: the second is the honest estimate.
def eval_events(*patterns: str) -> dict:
    gold = shared_path("gold")
    files = sorted(str(p) for pattern in patterns for p in gold.glob(pattern))
    result = run_cli("eval", "events", *files, "--format", "json")
    assert result.returncode == 0, result.stderr
    (scores,) = json_lines(result.stdout)
    return scores


@pytest.mark.quality
@pytest.mark.slow
def test_original_dev_gold_scores_are_at_or_above_the_floors() -> None:
    assert_floors("events", eval_events("seed.json", "dev/0*.json"))


@pytest.mark.quality
@pytest.mark.slow
def test_new_dev_gold_scores_are_at_or_above_the_floors() -> None:
    assert_floors("events_new", eval_events("dev/1*.json"))


@pytest.mark.quality
@pytest.mark.slow
def test_plover_accuracy_is_at_or_above_the_floor() -> None:
    path = shared_path("peer", "plover", "PLOVER_GSR_CAMEO.txt")
    result = run_cli("eval", "plover", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    (scores,) = json_lines(result.stdout)
    assert scores["n"] == 322
    assert_floors("plover", scores)


@pytest.mark.parametrize(("text", "kind"), [
    ("Ghanaian officials announced new tariffs on Togo on Sunday.", "SANCTION"),
    ("Peru announced sanctions against Bolivia late on Tuesday.", "SANCTION"),
    ("The Kenyan president announced his refusal to recognise the Somali vote.", "REJECT"),
])
def test_announcing_an_act_is_doing_it_not_reporting_it(extractor: Extractor, text: str, kind: str) -> None:
    """An event noun as the object of "announce" is no reported clause: no attribution."""
    found = [e for e in events_of(extractor, text, "2019-05-01") if e["type"] == kind]
    assert found and all(e["attributed_to"] is None for e in found), found


@pytest.mark.parametrize(("text", "kind"), [
    ("The Chilean president warned senators on Friday when his budget was rejected by Congress.", "REJECT"),
    ("Egypt's foreign minister said on Monday that talks continue, while Sudan accused Ethiopia of delays.",
     "ACCUSE"),
])
def test_a_when_or_while_clause_under_a_report_is_the_narrators(extractor: Extractor, text: str, kind: str) -> None:
    found = [e for e in events_of(extractor, text, "2019-05-01") if e["type"] == kind]
    assert found and all(e["attributed_to"] is None for e in found), found


def test_a_reported_clause_is_still_attributed(extractor: Extractor) -> None:
    text = "The Ghanaian trade minister said that Ghana would impose tariffs on Togo."
    found = [e for e in events_of(extractor, text, "2019-05-01") if e["type"] == "SANCTION"]
    assert found and found[0]["attributed_to"] is not None and found[0]["attributed_to"]["country"] == "GHA", found


@pytest.mark.parametrize(("text", "kind", "country"), [
    ("“We will not pay for their mistakes,” Brazilian Finance Minister Paulo Example said on Monday. "
     "“Argentina broke the deal, and we reject its new demands.”", "REJECT", "BRA"),
    ("Kenya's foreign minister, Otieno Example, said on Friday that the border talks had failed.\n\n"
     "“Uganda attacked our border posts last week. We condemn it.”", "ASSAULT", "KEN"),
])
def test_a_quote_without_a_report_of_its_own_is_its_speakers(extractor: Extractor, text: str, kind: str,
                                                               country: str) -> None:
    found = [e for e in events_of(extractor, text, "2019-05-01") if e["type"] == kind]
    assert found and found[0]["attributed_to"] is not None, found
    assert found[0]["attributed_to"]["country"] == country and "Example" in found[0]["attributed_to"]["name"]


def test_the_narrators_sentence_after_a_quote_is_not_the_speakers(extractor: Extractor) -> None:
    text = ("“We will not pay,” Brazilian Finance Minister Paulo Example said on Monday. "
            "Argentina rejected the offer on Tuesday.")
    found = [e for e in events_of(extractor, text, "2019-05-01") if e["type"] == "REJECT"]
    assert found and found[0]["attributed_to"] is None, found


def _kinds(events: list[dict]) -> set[tuple[str, str, str]]:
    """(type, status, first actor's country) of every event."""
    return {(e["type"], e["status"], (e["actors"] or [{}])[0].get("country") or "") for e in events}


@pytest.mark.parametrize(("text", "country"), [
    ("President Claudia Sheinbaum said she would impose tariffs on Canada if Ottawa refused to reopen the talks.", "MEX"),
    ("Trump said he would order new tariffs on Mexico if the flow of migrants did not stop.", "USA"),
    ("The Turkish president said Ankara would expel the ambassadors if they kept interfering.", "TUR"),
    ("Kim Jong Un said on Friday that North Korea will fire missiles at Guam unless the drills stop.", "PRK"),
])
def test_a_speakers_own_conditional_hostile_act_is_a_threat(extractor: Extractor, text: str, country: str) -> None:
    assert ("THREATEN", "occurred", country) in _kinds(events_of(extractor, text))


@pytest.mark.parametrize("text", [
    "Analysts say Russia would impose sanctions on Georgia if Tbilisi joined NATO.",   # a forecast, not the actor's word
    "Spain will impose tariffs on Chinese steel next year.",                           # no condition: a plan
])
def test_a_forecast_or_an_unconditional_plan_is_no_threat(extractor: Extractor, text: str) -> None:
    assert not any(e["type"] == "THREATEN" for e in events_of(extractor, text))


@pytest.mark.parametrize(("text", "country"), [
    ("Germany said on Tuesday it will cooperate with France on the inquiry.", "DEU"),
    ("Spain says it stands ready to work with Morocco on migration.", "ESP"),
    ("Brazil is willing to cooperate with Argentina on the investigation.", "BRA"),
    ("Nigeria remains ready to help Niger rebuild its army.", "NGA"),
])
def test_a_stated_readiness_to_cooperate_is_an_expressed_intent(extractor: Extractor, text: str, country: str) -> None:
    assert ("AGREE", "occurred", country) in _kinds(events_of(extractor, text))


@pytest.mark.parametrize("text", [
    "Officials said Germany will cooperate with France on the inquiry.",   # a third party's forecast
    "Israel is ready to strike the depots near Damascus.",                 # readiness to attack agrees nothing
])
def test_no_intent_to_cooperate_without_the_actors_own_word(extractor: Extractor, text: str) -> None:
    assert not any(e["type"] == "AGREE" for e in events_of(extractor, text))


@pytest.mark.parametrize(("text", "kind", "country"), [
    ("Pakistan voted in favor of the resolution on Kashmir.", "SUPPORT", "PAK"),
    ("Canada came out in favour of the Norwegian proposal.", "SUPPORT", "CAN"),
    ("Ireland came out against the trade agreement with Brazil.", "REJECT", "IRL"),
    ("Pope Francis spoke out against the death penalty in Texas.", "ACCUSE", "VAT"),
    ("Senator Bernie Sanders tore into the president's budget.", "ACCUSE", "USA"),
    ("Germany voiced support for the French proposal.", "SUPPORT", "DEU"),
    ("Canada expressed solidarity with Ukraine.", "SUPPORT", "CAN"),
])
def test_stands_for_and_against_in_phrasal_and_light_verb_constructions(extractor: Extractor, text: str, kind: str,
                                                                       country: str) -> None:
    assert (kind, "occurred", country) in _kinds(events_of(extractor, text))


@pytest.mark.parametrize(("text", "status"), [
    ("Clashes broke out between police and protesters in Santiago on Sunday.", "occurred"),
    ("Fighting erupted between Armenian and Azerbaijani troops near the border.", "occurred"),
    ("Clashes could break out between police and protesters in Lagos.", "hypothetical"),
])
def test_a_fight_that_breaks_out_between_two_sides_is_an_attack(extractor: Extractor, text: str, status: str) -> None:
    (event,) = [e for e in events_of(extractor, text) if e["type"] == "ASSAULT"]
    assert event["status"] == status
    assert event["actors"] or event["recipients"]


def test_a_pull_out_still_cancels_the_talks(extractor: Extractor) -> None:
    (event,) = [e for e in events_of(extractor, "Peru pulled out of the talks with Chile.") if e["type"] == "CONSULT"]
    assert event["status"] == "cancelled"


@pytest.mark.parametrize(("text", "who"), [
    ("Two of the opposition leaders were arrested by police in Caracas.", "~leaders"),
    ("Several of the protesters were detained in Minsk.", "~protesters"),
    ("Dozens of soldiers were killed in the ambush near Gao.", "~soldiers"),
])
def test_a_number_or_quantifier_of_a_group_stands_for_the_group(extractor: Extractor, text: str, who: str) -> None:
    names = {r["name"] for e in events_of(extractor, text) for r in e["recipients"]}
    assert who in names


@pytest.mark.parametrize(("text", "kind", "country"), [
    ("The White House is mulling sanctions on Venezuela.", "SANCTION", "USA"),
    ("The European Union is weighing new tariffs on China.", "SANCTION", "XXX"),
    ("Senator Jon Tester has hinted at opposing the nominee.", "REJECT", ""),
    ("Spain is contemplating talks with Morocco.", "CONSULT", "ESP"),
])
def test_an_act_under_deliberation_is_hypothetical_and_the_deliberator_acts(extractor: Extractor, text: str,
                                                                           kind: str, country: str) -> None:
    assert (kind, "hypothetical", country) in _kinds(events_of(extractor, text))


@pytest.mark.parametrize("text", [
    "Senator Marco Rubio changed his mind and indicated he will cooperate with the committee.",
    "Viktor Orban said on Monday that he will cooperate with the European Commission.",
])
def test_a_named_speakers_own_announced_cooperation_is_an_intent(extractor: Extractor, text: str) -> None:
    kinds = {e["type"]: e["status"] for e in events_of(extractor, text)}
    assert kinds == {"AGREE": "occurred"}


@pytest.mark.parametrize(("text", "kind", "accused"), [
    ("Turkey warned on Monday that Greece is arming the Aegean islands.", "ACCUSE", "Greece"),
    ("Venezuela warned on Sunday that Colombia cannot be trusted.", "ACCUSE", "Colombia"),
    ("Israel warned that Iran is months away from a nuclear weapon.", "ACCUSE", "Iran"),
    ("Kim Yo Jong warned that North Korea would respond with force.", "THREATEN", None),
    ("The Russian foreign ministry warned that Moscow will retaliate against any new sanctions.", "THREATEN", None),
    # a bare "the country" in a government's warning is its own state, whatever state was named last
    ("After the tariff talks with the United States, Peru's trade ministry warned that the country would respond firmly.",
     "THREATEN", None),
    ("After the Swedish vote, the Norwegian finance ministry warned that the nation would retaliate.", "THREATEN", None),
    ("Turkey warned that the country's neighbour Greece is arming the islands.", "ACCUSE", "Greece"),
])
def test_a_warning_about_another_party_accuses_it_and_of_ones_own_act_threatens(
        extractor: Extractor, text: str, kind: str, accused: str | None) -> None:
    # the warning is the first act; what it warns of ("will retaliate") may be one of its own
    warning = [e for e in events_of(extractor, text) if e["type"] in ("ACCUSE", "THREATEN")][0]
    assert warning["type"] == kind
    if accused:
        assert accused in {r["name"] for r in warning["recipients"]}


@pytest.mark.parametrize(("text", "country"), [
    ("The Chinese commerce ministry condemned the tariffs.", "CHN"),
    ("Brazil's finance ministry criticised the central bank.", "BRA"),
    ("Turkey's Ministry of the Interior condemned the march.", "TUR"),
    ("The Kenyan health ministry praised the donors.", "KEN"),
    ("The Canadian justice department charged two men with fraud.", "CAN"),
    ("Australia's Department of Defence praised the pilots.", "AUS"),
])
def test_a_ministry_of_any_portfolio_is_its_governments_organ(extractor: Extractor, text: str, country: str) -> None:
    actors = [a for e in events_of(extractor, text) for a in e["actors"]]
    assert actors and actors[0]["country"] == country and actors[0]["sector"] == "GOV", actors


@pytest.mark.parametrize(("text", "kind"), [
    ("Ukraine and Russia exchanged prisoners on Sunday.", "RETREAT"),
    ("Kim Jong Un exchanged letters with the South Korean president last year.", "CONSULT"),
    ("Armenia and Azerbaijan traded accusations on Monday.", "ACCUSE"),
    ("Indian troops exchanged fire with Pakistani soldiers in Kashmir.", "ASSAULT"),
    ("Protesters clashed with police in Santiago on Friday.", "ASSAULT"),
    ("Rebels battled government troops near Goma.", "ASSAULT"),
])
def test_what_two_sides_exchange_or_clash_over_decides_the_act(extractor: Extractor, text: str, kind: str) -> None:
    assert kind in {e["type"] for e in events_of(extractor, text)}


@pytest.mark.parametrize("text", [
    "The two leaders clashed over trade at the summit.",     # a quarrel, not a fight
    "Colombia and Venezuela traded goods worth $1 billion.",  # commerce
])
def test_a_quarrel_or_a_trade_is_no_fight(extractor: Extractor, text: str) -> None:
    assert not any(e["type"] in ("ASSAULT", "RETREAT") for e in events_of(extractor, text))


@pytest.mark.parametrize(("text", "doer"), [
    ("The UN issued a call on Myanmar to release the detained journalists.", "MMR"),
    ("The Pope appealed to Russia to release the Ukrainian prisoners.", "RUS"),
    ("The European Union called on Iran to free the French tourists.", "IRN"),
    ("Amnesty urged Egypt to free the activists.", "EGY"),
])
def test_the_act_a_request_asks_for_is_the_addressees_and_not_yet_done(extractor: Extractor, text: str,
                                                                       doer: str) -> None:
    (release,) = [e for e in events_of(extractor, text) if e["type"] == "RETREAT"]
    assert release["status"] == "hypothetical"
    assert [a["country"] for a in release["actors"]] == [doer]


def test_a_tough_call_on_a_budget_is_no_request(extractor: Extractor) -> None:
    assert not events_of(extractor, "The governor made a tough call on the budget.")


@pytest.mark.parametrize(("text", "kind", "status"), [
    ("Officials said there was no meeting between Putin and Trump.", "CONSULT", "denied"),
    ("There will be no talks between Israel and Hamas, the minister said.", "CONSULT", "cancelled"),
    ("The government has not imposed any sanctions on Israel.", "SANCTION", "denied"),
    ("The talks between Peru and Chile will not take place on Friday.", "CONSULT", "cancelled"),
    ("Prime Minister Narendra Modi refused to meet the Nepalese president.", "CONSULT", "cancelled"),
    ("Serbia declined to join the sanctions against Russia.", "SANCTION", "cancelled"),
    ("Iranian officials held two rounds of talks with Oman in Muscat on Monday.", "CONSULT", "occurred"),
])
def test_a_nominal_event_denied_by_no_or_by_its_negated_carrier(extractor: Extractor, text: str, kind: str,
                                                                 status: str) -> None:
    assert [e["status"] for e in events_of(extractor, text) if e["type"] == kind] == [status]


def test_a_refused_demand_was_still_made(extractor: Extractor) -> None:
    events = events_of(extractor, "Lavrov refused a demand by Kerry to ground the Syrian air force.")
    assert [e["status"] for e in events if e["type"] == "REQUEST"] == ["occurred"]


@pytest.mark.parametrize(("text", "kind", "country"), [
    ("Saudi Arabia waged war on the Houthis in Yemen.", "ASSAULT", "SAU"),
    ("China filed a complaint with the WTO over the Australian tariffs.", "ACCUSE", "CHN"),
    ("President Joe Biden placed a phone call to the Ukrainian president.", "CONSULT", "USA"),
    ("Spain and Morocco sealed a deal on migration in Rabat.", "SUPPORT", "ESP"),
])
def test_more_light_verbs_carry_their_events_subject(extractor: Extractor, text: str, kind: str, country: str) -> None:
    assert (kind, "occurred", country) in _kinds(events_of(extractor, text))


@pytest.mark.parametrize(("text", "actor", "recipient"), [
    ("Iran was hit with new U.S. sanctions on Friday, the ministry said on Saturday.", "USA", "IRN"),
    ("Venezuela was slapped with Canadian tariffs last week, the ministry said on Monday.", "CAN", "VEN"),
    ("Japan hit North Korea with sanctions on Friday, officials said on Saturday after talks.", "JPN", "PRK"),
])
def test_a_verb_applying_sanctions_is_one_event_whose_means_say_who_acts(
        extractor: Extractor, text: str, actor: str, recipient: str) -> None:
    found = [e for e in events_of(extractor, text) if e["type"] == "SANCTION"]
    assert [([a["country"] for a in e["actors"]], [r["country"] for r in e["recipients"]]) for e in found] == [
        ([actor], [recipient])]


@pytest.mark.parametrize("text", [
    "NAIROBI, Kenya (AP) — Jane Roe met John Doe on Tuesday to discuss trade and the border.",
    "LIMA, Peru — Jane Roe met John Doe on Tuesday to discuss the border and trade routes.",
])
def test_the_dateline_is_not_the_subject(extractor: Extractor, text: str) -> None:
    (event,) = [e for e in events_of(extractor, text) if e["type"] == "CONSULT"]
    assert {a["name"] for a in event["actors"] + event["recipients"]} == {"Jane Roe", "John Doe"}


@pytest.mark.parametrize(("text", "kind", "source"), [
    ("Ruto was willing to meet Museveni at any time, according to The Associated Press.", "CONSULT", "Associated Press"),
    ("Chile was ready to sign the accord with Peru, according to Reuters.", "SUPPORT", "Reuters"),
    ("According to Reuters, Ruto met Museveni in Kampala on Friday to discuss the border.", "CONSULT", "Reuters"),
])
def test_according_to_on_the_main_clause_attributes_it(extractor: Extractor, text: str, kind: str, source: str) -> None:
    found = [e for e in events_of(extractor, text) if e["type"] in (kind, "AGREE")]
    assert found and all(e["attributed_to"] and e["attributed_to"]["name"] == source for e in found)


@pytest.mark.parametrize(("text", "source"), [
    ("The United Nations' food agency, WFP, says it stands ready to work with Kenya on the plan.", "World Food Programme"),
    ("Its main ally, France, said on Monday that it would meet Mali's leaders next week.", "France"),
])
def test_a_reporter_named_in_apposition_is_the_source(extractor: Extractor, text: str, source: str) -> None:
    found = [e for e in events_of(extractor, text) if e["type"] in ("AGREE", "COOPERATE", "CONSULT")]
    assert found and all(e["attributed_to"] and e["attributed_to"]["name"] == source for e in found)


@pytest.mark.parametrize(("text", "source"), [
    ("Kenya said in a statement that Uganda had attacked Kenyan troops near the border.", "Kenya"),
    ("Chile said in a letter to the council that Peru had attacked a Chilean patrol boat.", "Chile"),
    ("Chile said in a letter that Peru had attacked a Chilean patrol boat near the coast.", "Chile"),
])
def test_a_that_clause_hung_on_the_medium_is_still_reported(extractor: Extractor, text: str, source: str) -> None:
    (event,) = [e for e in events_of(extractor, text) if e["type"] == "ASSAULT"]
    assert event["attributed_to"] and event["attributed_to"]["name"] == source


@pytest.mark.parametrize(("text", "accuser", "accused"), [
    ("Prosecutors said the Kenyan businessman plotted to kill the judge.", "~prosecutors", "~businessman"),
    ("Turkey said Greek agents conspired to attack its consulate.", "Turkey", "~agents"),
    ("Police in Lagos said the Ghanaian smugglers schemed to kidnap a banker.", "~police", "~smugglers"),
])
def test_a_plot_a_source_reports_of_another_party_is_also_an_accusation(extractor: Extractor, text: str, accuser: str,
                                                                   accused: str) -> None:
    events = events_of(extractor, text)
    (event,) = [e for e in events if e["type"] == "ACCUSE"]
    assert event["status"] == "occurred", event
    assert accuser in {a["name"] for a in event["actors"]} and accused in {r["name"] for r in event["recipients"]}
    # the plotted act itself is reported too, as planned
    assert any(e["type"] != "ACCUSE" and e["status"] == "planned" for e in events), events


@pytest.mark.parametrize("text", [
    "The rebels plotted to attack the base.",          # the narrator's report of a plot: the planned act
    "Peru said it had plotted to expel the envoys.",   # a party speaking of its own plans
])
def test_a_plot_without_another_partys_source_stays_the_planned_act(extractor: Extractor, text: str) -> None:
    assert "ACCUSE" not in {e["type"] for e in events_of(extractor, text)}
