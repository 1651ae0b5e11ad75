"""The event ontology shared by extraction and the exports: CAMEO roots to GDELT QuadClass, the
Goldstein score of a CAMEO code, and how PLOVER codes an event given storyline's status. Plain
data and functions, no NLP."""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from .datafiles import Key, Table, error_at, load_toml, loads_toml, read_text

# PLOVER's 16 event types, from cooperation to conflict (the order the web app's type filter shows).
PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")

QUAD_BY_ROOT = {  # CAMEO root code → GDELT QuadClass
    **{f"{n:02d}": 1 for n in range(1, 6)}, **{f"{n:02d}": 2 for n in range(6, 9)},
    **{f"{n:02d}": 3 for n in range(9, 14)}, **{f"{n:02d}": 4 for n in range(14, 21)},
}


COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "AGREE"})
HOSTILE = frozenset({"SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "PROTEST", "REJECT"})


def plover_type(event_type: str, status: str, obligation: bool = False) -> str:
    """The PLOVER category of an event given storyline's status: PLOVER codes an announced
    intention as AGREE (cooperative acts) or THREATEN (hostile acts), and a demand that
    someone act ("X must ...") as REQUEST."""
    if obligation:
        return "REQUEST"
    if status in ("planned", "hypothetical"):
        if event_type in COOPERATIVE:
            return "AGREE"
        if event_type in HOSTILE:
            return "THREATEN"
    return event_type


_CAMEO_SCHEMA = Table({kind: Key(list, items=str) for kind in PLOVER_TYPES})


@lru_cache(maxsize=1)
def cameo_types() -> Mapping[str, str]:
    """CAMEO code → the PLOVER type it converts to (`data/cameo.toml`): the codes a trigger may
    carry, so a mistyped code or one filed under another type is an error when rules load."""
    raw = load_toml("cameo.toml", _CAMEO_SCHEMA)
    return MappingProxyType({code: kind for kind, codes in raw.items() for code in codes})


GOLDSTEIN_SCHEMA = Table({"scale": Table(other=Key(float), required=True)})
_CAMEO_CODE = re.compile(r"\d{2,4}")


@lru_cache(maxsize=1)
def goldstein_scale() -> Mapping[str, float]:
    """CAMEO code → Goldstein score (`data/goldstein.toml`, GDELT's published table)."""
    return load_scale("goldstein.toml", read_text("goldstein.toml"))


def load_scale(name: str, text: str) -> Mapping[str, float]:
    """The Goldstein table of a file's text: a key that is not a CAMEO code or a score outside
    -10..+10 is an error naming its line."""
    scale = loads_toml(name, text, GOLDSTEIN_SCHEMA)["scale"]
    for code, score in scale.items():
        if not _CAMEO_CODE.fullmatch(code):
            raise error_at(name, text, ("scale", code), "not a CAMEO code (2 to 4 digits)")
        if not -10 <= score <= 10:
            raise error_at(name, text, ("scale", code), f"{score} is outside -10..+10")
    return MappingProxyType({code: float(score) for code, score in scale.items()})


def goldstein(cameo: str | None) -> float | None:
    """The Goldstein score of a CAMEO code: the table's value, else (a code the table does not
    list, such as CAMEO 1.1b3's 1213) that of its nearest listed parent, cutting one digit at a
    time down to the root; None without a code or for a root the table lacks."""
    scale = goldstein_scale()
    code = cameo or ""
    while len(code) >= 2:
        if code in scale:
            return scale[code]
        code = code[:-1]
    return None
