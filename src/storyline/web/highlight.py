"""Evidence highlighting: an article's text as HTML with every event's evidence marked.

Evidence spans may coincide or overlap (two events of one sentence), so the text is cut at
every span boundary; each piece covered by evidence is one `<mark>` naming the events that
cover it (`data-events`), and each event has an empty anchor `id="ev-<event id>"` where its
evidence starts: `/articles/<id>#ev-<event id>` lands on the highlighted sentence. All text is
escaped; only our own markup is emitted.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from ..model import Event


@dataclass(frozen=True)
class Span:
    event_id: str
    start: int
    end: int


def anchor_id(event_id: str) -> str:
    return f"ev-{event_id}"


def spans_of(events: Sequence[Event], length: int) -> list[Span]:
    """The evidence span of each event, clipped to the text; empty spans are dropped."""
    out = []
    for ev in events:
        start, end = max(0, ev.evidence.start), min(length, ev.evidence.end)
        if start < end:
            out.append(Span(ev.id, start, end))
    return out


def highlight(text: str, events: Sequence[Event]) -> Markup:
    """`text` as escaped HTML with each event's evidence in `<mark>` and anchored by id."""
    spans = spans_of(events, len(text))
    starts: dict[int, list[str]] = {}
    for span in spans:
        starts.setdefault(span.start, []).append(span.event_id)
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    parts: list[Markup] = []
    for a, b in pairwise(cuts):
        parts.extend(Markup('<span class="anchor" id="{}"></span>').format(anchor_id(e)) for e in starts.get(a, []))
        covering = [s.event_id for s in spans if s.start <= a and b <= s.end]
        piece = escape(text[a:b])
        if covering:
            parts.append(Markup('<mark class="evidence" data-events="{}">{}</mark>').format(" ".join(covering), piece))
        else:
            parts.append(piece)
    return Markup("").join(parts)
