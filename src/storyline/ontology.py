"""The event ontology shared by extraction and the exports: CAMEO roots to GDELT QuadClass, and
how PLOVER codes an event given storyline's status. Plain data and functions, no NLP."""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from .datafiles import Key, Table, load_toml

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
