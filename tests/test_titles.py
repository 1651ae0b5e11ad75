"""Story titles on invented stories: each part (participants, type, place, date, status) and
what is left out when the story lacks it; the same reports in any order give the same title."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from storyline import stories
from storyline.model import Actor, Event, Evidence, Place, Story, TimeSpan
from storyline.titles import date_text, short_name, title

D = dt.date
LEE, MOREAU = Actor("Alma Lee", "USA", "GOV"), Actor("Piet Moreau", "FRA", "GOV")
GENEVA = Place("Geneva", "CHE")


def invented(type_: str = "CONSULT", status: str = "occurred", participants: tuple[Actor, ...] = (LEE, MOREAU),
             place: Place | None = GENEVA, date: TimeSpan | None = None) -> Story:
    return Story(id="s", type=type_, participants=participants, location=place, status=status, conflict=False,
                 date=date or TimeSpan(D(2031, 3, 3), D(2031, 3, 4), "range", "March 3-4"))


def test_a_held_meeting_reads_as_people_write_it() -> None:
    assert title(invented()) == "Lee–Moreau meeting in Geneva, 3–4 Mar 2031 — held"


@pytest.mark.parametrize(("type_", "status", "tail"), [
    ("CONSULT", "planned", "meeting in Geneva, 3–4 Mar 2031 — planned"),
    ("CONSULT", "cancelled", "meeting in Geneva, 3–4 Mar 2031 — called off"),
    ("CONSULT", "hypothetical", "meeting in Geneva, 3–4 Mar 2031 — proposed"),
    ("SANCTION", "occurred", "sanctions in Geneva, 3–4 Mar 2031 — imposed"),
    ("ASSAULT", "denied", "attack in Geneva, 3–4 Mar 2031 — denied"),
    ("ACCUSE", "occurred", "accusation in Geneva, 3–4 Mar 2031 — took place"),
])
def test_type_and_status_in_words(type_: str, status: str, tail: str) -> None:
    assert title(invented(type_, status)) == f"Lee–Moreau {tail}"


@pytest.mark.parametrize(("actor", "shown"), [
    (Actor("Alma Lee", "USA", "GOV"), "Lee"),
    (Actor("Pak Sun-hui", "PRK", "GOV"), "Pak"),           # family name first
    (Actor("Wen Lixia", "CHN", "GOV"), "Wen"),
    (Actor("United States", "USA", "GOV"), "United States"),  # a country is named whole
    (Actor("Foreign Ministry", "FRA", "GOV"), "Foreign Ministry"),
    (Actor("European Union", "XXX", "IGO"), "European Union"),
    (Actor("~officials", "USA", "GOV"), "American officials"),
    (Actor("~people", None, "CVL"), "people"),
    (Actor("Tarvo", "EST", "GOV"), "Tarvo"),
])
def test_participants_are_named_short(actor: Actor, shown: str) -> None:
    assert short_name(actor) == shown


def test_many_participants_and_none() -> None:
    crowd = (LEE, MOREAU, Actor("Rosa Ilves", "EST", "GOV"), Actor("Omar Sahin", "TUR", "GOV"))
    assert title(invented(participants=crowd)).startswith("Lee–Moreau–Ilves and others meeting in Geneva")
    nobody = Story(id="s", type="PROTEST", participants=(), location=None, status="occurred", conflict=False)
    assert title(nobody) == "Protest — took place"


@pytest.mark.parametrize(("start", "end", "shown"), [
    (D(2031, 3, 3), D(2031, 3, 3), "3 Mar 2031"),
    (D(2031, 3, 3), D(2031, 3, 4), "3–4 Mar 2031"),
    (D(2031, 2, 1), D(2031, 2, 28), "Feb 2031"),
    (D(2031, 1, 1), D(2031, 12, 31), "2031"),
    (D(2031, 2, 28), D(2031, 3, 1), "28 Feb – 1 Mar 2031"),
    (D(2030, 12, 30), D(2031, 1, 2), "30 Dec 2030 – 2 Jan 2031"),
])
def test_dates(start: D, end: D, shown: str) -> None:
    assert date_text(TimeSpan(start, end, "range", "")) == shown


def test_a_story_without_place_or_date_leaves_them_out() -> None:
    assert title(invented(place=None, date=TimeSpan(None, None, "none", ""))) == "Lee–Moreau meeting — held"


def event(n: int, status: str, published_day: int) -> stories.Report:
    ev = Event(id=f"e{n}", type="CONSULT", mode=None, cameo="040", quad=1, actors=(LEE,), recipients=(MOREAU,),
               status=status, date=TimeSpan(D(2031, 3, 3), D(2031, 3, 4), "range", "March 3-4"),
               location=Place("Geneva", "CHE"), attributed_to=None, evidence=Evidence("An invented sentence.", 0, 21))
    return stories.Report(ev, f"a{n}", D(2031, 2, published_day))


def test_the_same_reports_in_any_order_give_the_same_title() -> None:
    reports = [event(1, "planned", 1), event(2, "cancelled", 10), event(3, "planned", 20)]
    titles = set()
    for seed in range(4):
        shuffled = reports[:]
        random.Random(seed).shuffle(shuffled)
        (built,) = stories.build(shuffled)
        titles.add(title(built))
    assert titles == {"Lee–Moreau meeting in Geneva, 3–4 Mar 2031 — planned"}
