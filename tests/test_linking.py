"""Linking rules of issue 13 on invented reports: name variants, a one-sided or country-level
claim joining the pair its article names, forward-looking reports, place agreement, and what
may anchor an occurrence in time. Every name and sentence is invented."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from storyline import stories
from storyline.model import Actor, Event, Evidence, Place, TimeSpan

D = dt.date
LEE, MOREAU = ("Alma Lee", "USA"), ("Piet Moreau", "FRA")
PAIR = (LEE, MOREAU)
GENEVA, OSLO = Place("Geneva", "CHE"), Place("Oslo", "NOR")


def event(eid: str, status: str, people: Sequence[tuple[str, str]] = PAIR, kind: str = "CONSULT", at: int = 0,
          day: tuple[D, D] | None = None, place: Place | None = None) -> Event:
    actors = tuple(Actor(name, country, "GOV") for name, country in people)
    date = TimeSpan(day[0], day[1], "day" if day[0] == day[1] else "range", "an invented date") if day else None
    return Event(id=eid, type=kind, mode=None, cameo="040", quad=1, actors=actors[:1], recipients=actors[1:],
                 status=status, date=date, location=place, attributed_to=None,
                 evidence=Evidence("An invented line.", at, at + 17))


def report(ev: Event, published: D, article: str | None = None) -> stories.Report:
    return stories.Report(ev, article or f"art-{ev.id}", published)


def stories_of(reports: Sequence[stories.Report]) -> list[list[str]]:
    return sorted([c.event_id for c in s.claims] for s in stories.build(reports))


def test_spelling_variants_of_a_name_are_one_participant() -> None:
    keys = {stories.participant_key(Actor(name, "PRK", "GOV")) for name in ("Pak Sun-hui", "Pak Sun Hui", "PAK  SUN‑HUI")}
    assert len(keys) == 1
    assert stories.participant_key(Actor("Pak Sun-hui", "KOR", "GOV")) not in keys  # another country: another person
    one = event("a", "planned", (("Pak Sun-hui", "PRK"), LEE))
    other = event("b", "planned", (LEE, ("Pak Sun Hui", "PRK")))
    assert stories.bucket_key(one) == stories.bucket_key(other)


def test_a_claim_naming_one_side_joins_the_pair_its_article_names_nearby() -> None:
    pair = event("p", "planned", at=100)
    lone = event("l", "planned", (MOREAU,), at=400)
    far = event("f", "planned", (MOREAU,), at=100 + stories.rules().partner_max_chars + 50)
    far_other = event("o", "occurred", (MOREAU,), kind="ACCUSE", at=100 + stories.rules().partner_max_chars + 60)
    stranger = event("s", "planned", (("Omar Sahin", "TUR"),), at=300)
    article = [pair, lone, far, far_other, stranger]
    assert stories.bucket_key(lone, article) == stories.bucket_key(pair, article)
    assert stories.bucket_key(lone) != stories.bucket_key(pair)          # alone, it says nothing of the other side
    assert stories.bucket_key(far, article) == stories.bucket_key(pair)   # the same family: anywhere in the article
    pair_key = stories.bucket_key(event("q", "occurred", kind="ACCUSE", at=100), [])
    assert stories.bucket_key(far_other, article) != pair_key             # another family, far from the pair
    near_other = event("n", "occurred", (MOREAU,), kind="ACCUSE", at=300)
    assert stories.bucket_key(near_other, article) == pair_key           # ... nearby, it takes the pair
    assert stories.bucket_key(stranger, article) != stories.bucket_key(pair)


def test_a_country_alone_joins_the_pair_of_states_it_is_one_of() -> None:
    states = event("t", "occurred", (("Norway", "NOR"), ("Chile", "CHL")), kind="SANCTION", at=100)
    lone = event("u", "occurred", (("Chile", "CHL"),), kind="SANCTION", at=900)
    other = event("v", "occurred", (("Peru", "PER"),), kind="SANCTION", at=950)
    article = [states, lone, other]
    assert stories.bucket_key(lone, article) == stories.bucket_key(states, article)
    assert stories.bucket_key(other, article) != stories.bucket_key(states, article)


def test_a_country_stands_for_its_person_only_where_the_article_names_them() -> None:
    pair = event("p", "planned", at=100)
    one_nation = event("c", "planned", (("France", "FRA"),), at=270)
    another = event("g", "planned", (("Germany", "DEU"),), at=280)
    nations = event("n", "planned", (("United States", "USA"), ("France", "FRA")), at=250)
    article = [pair, one_nation, another, nations]
    assert stories.bucket_key(one_nation, article) == stories.bucket_key(pair)
    assert stories.bucket_key(one_nation, [one_nation]) != stories.bucket_key(pair)   # no pair named nearby
    assert stories.bucket_key(another, article) != stories.bucket_key(pair)
    # two states stand for their leaders in a meeting the article names between them ...
    assert stories.bucket_key(nations, article) == stories.bucket_key(pair)
    assert stories.bucket_key(nations, [nations]) != stories.bucket_key(pair)
    # ... not in a deal between states (another article may name no people), nor for other states
    deal = event("d", "occurred", (("United States", "USA"), ("France", "FRA")), kind="AGREE", at=260)
    deal_pair = event("e", "occurred", kind="AGREE", at=100)
    assert stories.bucket_key(deal, [deal, deal_pair]) != stories.bucket_key(deal_pair)
    others = event("o", "planned", (("United States", "USA"), ("Germany", "DEU")), at=250)
    assert stories.bucket_key(others, article + [others]) != stories.bucket_key(pair)


def test_a_report_published_before_the_occurrence_began_is_a_plan() -> None:
    held = report(event("h", "occurred", day=(D(2031, 3, 4), D(2031, 3, 5)), place=GENEVA), D(2031, 3, 6))
    preview = report(event("v", "occurred"), D(2031, 3, 3))   # "the summit" in a preview, read as held
    (built,) = stories.build([held, preview])
    assert [(c.event_id, c.status) for c in built.claims] == [("v", "planned"), ("h", "occurred")]
    assert stories.history(built) == [(D(2031, 3, 3), "planned"), (D(2031, 3, 6), "occurred")]


def test_a_short_happening_not_over_at_publication_is_not_yet_held() -> None:
    this_week = report(event("w", "occurred", day=(D(2031, 3, 3), D(2031, 3, 9))), D(2031, 3, 4))
    this_month = report(event("m", "occurred", day=(D(2031, 3, 1), D(2031, 3, 31))), D(2031, 3, 4))
    assert stories.implied_status(this_week) == "planned"
    assert stories.implied_status(this_month) == "occurred"   # a long span: some of it may be over


def test_an_undated_report_joins_the_occurrence_at_its_place() -> None:
    geneva = report(event("g", "occurred", day=(D(2031, 3, 4), D(2031, 3, 4)), place=GENEVA), D(2031, 3, 5))
    oslo = report(event("o", "occurred", day=(D(2031, 5, 10), D(2031, 5, 10)), place=OSLO), D(2031, 5, 11))
    looking_back = report(event("b", "occurred", place=GENEVA), D(2031, 5, 12))
    plain = report(event("p", "occurred"), D(2031, 5, 12))
    assert stories_of([geneva, oslo, looking_back, plain]) == [["g", "b"], ["o", "p"]]


def test_one_side_alone_never_anchors_an_occurrence() -> None:
    plan = report(event("p", "planned"), D(2031, 3, 1))
    aside = report(event("a", "occurred", (MOREAU,), day=(D(2031, 3, 2), D(2031, 3, 2))), D(2031, 3, 3))
    held = report(event("h", "occurred", day=(D(2031, 3, 10), D(2031, 3, 10))), D(2031, 3, 11))
    assert ["p", "h"] in stories_of([plan, aside, held])


def test_a_dated_call_off_belongs_to_what_was_held_after_it_else_it_is_its_own_slot() -> None:
    plan = report(event("p", "planned"), D(2031, 3, 1))
    off = report(event("c", "cancelled", day=(D(2031, 3, 5), D(2031, 3, 5))), D(2031, 3, 6))
    held = report(event("h", "occurred", day=(D(2031, 4, 2), D(2031, 4, 2))), D(2031, 4, 3))
    revived = stories.build([plan, off, held])
    assert [[c.event_id for c in s.claims] for s in revived] == [["p", "c", "h"]]
    assert [c.change for c in revived[0].claims] == ["announced", "called off", "held"]
    assert stories_of([plan, off]) == [["p", "c"]]


def test_within_a_moment_the_claim_that_names_both_sides_sets_the_status() -> None:
    side_remark = report(event("r", "cancelled", (LEE,)), D(2031, 3, 1), "one")
    pair_claim = report(event("q", "planned"), D(2031, 3, 1), "one")
    (built,) = stories.build([pair_claim, side_remark])
    assert [c.event_id for c in built.claims] == ["r", "q"] and built.status == "planned"


ZONE = Place("Border Zone", None, 41.0, 20.0)          # an invented region across a border
NEAR_ZONE = Place("Crossing Village", "ALB", 41.1, 20.1)
FAR_CITY = Place("Far City", "THA", 13.7, 100.5)


def test_a_place_without_a_country_agrees_by_distance() -> None:
    assert stories.same_place(ZONE, NEAR_ZONE) and stories.same_place(NEAR_ZONE, ZONE)
    assert not stories.same_place(ZONE, FAR_CITY)
    assert stories.same_place(ZONE, None) and stories.same_place(GENEVA, GENEVA)
    assert not stories.same_place(GENEVA, OSLO)
    assert stories.same_place(Place("Old Quarter", None), Place("old quarter", None))   # no coordinates: by name
    assert not stories.same_place(Place("Old Quarter", None), Place("New Harbour", None))


def test_an_undated_report_at_a_border_zone_is_not_the_summit_far_away() -> None:
    summit = report(event("s", "occurred", day=(D(2031, 3, 4), D(2031, 3, 5)), place=FAR_CITY), D(2031, 3, 6))
    zone = report(event("z", "occurred", place=ZONE), D(2031, 6, 30))             # months later, at the zone
    village = report(event("v", "occurred", day=(D(2031, 6, 29), D(2031, 6, 29)), place=NEAR_ZONE), D(2031, 6, 30))
    assert stories_of([summit, zone, village]) == [["s"], ["v", "z"]]


def test_an_undated_held_report_before_the_first_occurrence_is_talk_of_it() -> None:
    early = report(event("e", "occurred"), D(2031, 2, 10))              # "the summit", weeks ahead
    held = report(event("h", "occurred", day=(D(2031, 3, 4), D(2031, 3, 5)), place=GENEVA), D(2031, 3, 6))
    (built,) = stories.build([early, held])
    assert [(c.event_id, c.status) for c in built.claims] == [("e", "planned"), ("h", "occurred")]
    dated_aside = report(event("d", "occurred", day=(D(2031, 2, 1), D(2031, 2, 1))), D(2031, 2, 10))
    assert ["d"] in stories_of([dated_aside, held])                     # its own date says another time


def test_stories_do_not_depend_on_the_order_of_reports() -> None:
    import random
    reports = [
        report(event("p", "planned"), D(2031, 2, 1)),
        report(event("e", "occurred"), D(2031, 2, 10)),
        report(event("h", "occurred", day=(D(2031, 3, 4), D(2031, 3, 5)), place=GENEVA), D(2031, 3, 6)),
        report(event("c", "cancelled", (LEE,)), D(2031, 3, 6)),
        report(event("z", "occurred", place=ZONE), D(2031, 6, 30)),
        report(event("v", "occurred", day=(D(2031, 6, 29), D(2031, 6, 29)), place=NEAR_ZONE), D(2031, 6, 30)),
        report(event("o", "occurred", day=(D(2031, 5, 10), D(2031, 5, 10)), place=OSLO), D(2031, 5, 11)),
    ]
    expected = [(s.id, [(c.event_id, c.status, c.change) for c in s.claims]) for s in stories.build(reports)]
    for seed in range(5):
        shuffled = reports[:]
        random.Random(seed).shuffle(shuffled)
        got = [(s.id, [(c.event_id, c.status, c.change) for c in s.claims]) for s in stories.build(shuffled)]
        assert got == expected


def test_a_one_sided_directed_claim_joins_the_lane_where_its_side_acts() -> None:
    pair = report(event("p", "occurred", kind="ACCUSE"), D(2031, 3, 1), "one")
    lone = report(event("l", "occurred", (LEE,), kind="ACCUSE"), D(2031, 3, 1), "one")            # "Lee accused ..."
    state = report(event("s", "occurred", (("United States", "USA"),), kind="ACCUSE"), D(2031, 3, 2), "two")
    assert stories_of([pair, lone, state]) == [["l", "p", "s"]]
    # the role decides: Lee accusing joins Lee's accusation of Moreau, not Moreau's of Lee
    back = report(event("b", "occurred", (MOREAU, LEE), kind="ACCUSE"), D(2031, 3, 2), "three")
    assert stories_of([pair, lone, back]) == [["b"], ["l", "p"]]
    other = report(event("o", "occurred", (MOREAU,), kind="ACCUSE"), D(2031, 3, 1), "one")      # Moreau accuses: other role
    assert ["o"] in stories_of([pair, other])


def test_a_generic_member_of_a_government_stands_for_its_state() -> None:
    uk = stories.participant_key(Actor("United Kingdom", "GBR", "GOV"))
    assert stories.participant_key(Actor("~diplomats", "GBR", "GOV")) == uk
    assert stories.participant_key(Actor("~officials", "GBR", "GOV")) == uk
    assert stories.participant_key(Actor("~soldiers", "GBR", "MIL")) != uk     # an army is not the state
    assert stories.participant_key(Actor("~officials", None, "GOV")) is None   # nobody
    expelled = event("x", "occurred", (("Norway", "NOR"), ("~diplomats", "GBR")), kind="SANCTION")
    states = event("y", "occurred", (("Norway", "NOR"), ("United Kingdom", "GBR")), kind="SANCTION")
    assert stories.bucket_key(expelled) == stories.bucket_key(states)
