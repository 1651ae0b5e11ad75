"""The one folding helper (storyline.text.fold) that actors, places, story linking, the web
queries and the evaluation compare names with."""
from __future__ import annotations

import pytest

from storyline.text import fold


@pytest.mark.parametrize(("text", "folded"), [
    ("Zoë  Brennan-Ávila", "zoe brennan-avila"),        # accents off, case folded, one space
    ("O’Dowd’s", "o'dowd's"),                            # curly apostrophes straight
    ("Mac`Fergus", "mac'fergus"),                        # a grave accent typed as apostrophe
    ("Straße", "strasse"),                               # case folding, not just lower case
    ("Øster Lund", "øster lund"),                        # a letter with no ASCII base is kept
    ("\n\t", ""),
])
def test_fold_compares_names_without_case_accents_or_apostrophe_style(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(("text", "folded"), [
    ("Zoë  Brennan-Ávila", "zoe brennan-avila"),
    ("O’Dowd", "odowd"),                                 # curly quotes dropped, as the story keys always were
    ("Øster Lund", "ster lund"),
])
def test_ascii_only_drops_what_has_no_ascii_base(text: str, folded: str) -> None:
    assert fold(text, ascii_only=True) == folded


def test_the_keys_built_on_it_ignore_accent_case_and_apostrophe_variants() -> None:
    """The actors' look-up keys, the places keys and the evaluation's name rule fold through it."""
    from storyline.evaluate.events import names_agree
    from storyline.extract.actors.gazetteer import alias_key
    from storyline.extract.places import normalize_key

    assert alias_key("Zoë O’Dowd") == alias_key("ZOE O'DOWD") == "zoeo'dowd"
    assert normalize_key("Sào Vílla", {}) == normalize_key("SAO VILLA", {}) == "sao villa"
    assert names_agree("Zoë Ávila", "zoe avila")
