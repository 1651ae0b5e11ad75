"""Event extraction scored against gold key facts, exactly as `shared/GOLD.md` says.

A predicted event is a *candidate* for a gold event when
1. its evidence sentence contains the gold evidence (whitespace collapsed, case ignored), or
   the gold evidence, located in `article.text`, overlaps the predicted evidence span by at
   least half of the shorter of the two;
2. the types are equal, or AGREE/SUPPORT, CONCEDE/RETREAT (CAMEO's one "yield" root) or
   SANCTION/COERCE (bans and sanctions, filed differently by the PLOVER table and manual), or
   CONSULT/AGREE when the *gold* status is planned or cancelled (the relation is not
   transitive: CONSULT never pairs with SUPPORT);
3. a gold actor or recipient matches a predicted one on the same side, or on either side when
   the *gold* type is CONSULT, AGREE or COOPERATE (sides pooled).

Pairing. Each candidate pair gets a match score: 1 + [types identical] + one point per field
that agrees (status, date, location, attribution, participants), so 1..7. The pairs are then
chosen one to one per article by a global maximum-weight assignment (Hungarian algorithm)
whose objective is lexicographic: first as many *required* gold events paired as possible,
then as many pairs in all, then the highest total match score. One-to-one constraints thus
never cost recall that another assignment could keep, and among equal assignments the
predictions that agree on more fields win.

Numbers. `recall` = paired required / required. `precision` = pairs / predicted events on the
articles marked `"exhaustive": true` (their gold lists every codeable event, so an unpaired
prediction there is a false one); None (JSON null) when no article scored is exhaustive, since
no precision was measured. `precision_lb` = the same share over all articles, only a lower
bound (most gold lists key facts). A prediction is in at most one pair, and pairs with
non-required gold events count. The field accuracies are over all pairs, required or not.
`keep`/`remove` are micro shares over all substrings, whitespace collapsed and case kept. Any
other ratio with a zero denominator is 0.0. An article missing from the predictions counts as
an empty text with no events.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..text import fold

SYMMETRIC_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
MEETING_STATUSES = frozenset({"planned", "cancelled"})
EQUIVALENT_TYPES = (frozenset({"AGREE", "SUPPORT"}), frozenset({"CONCEDE", "RETREAT"}), frozenset({"SANCTION", "COERCE"}))
FIELDS = ("status", "date", "location", "attribution", "participants")
_WORD = re.compile(r"\w+")
_FUZZY_MIN_LETTERS = 5


# ---------------------------------------------------------------- gold records

@dataclass(frozen=True)
class GoldActor:
    """`Name|ISO3|SECTOR`; a name starting with `~` is generic (matches country + sector)."""

    name: str
    country: str
    sector: str

    @property
    def generic(self) -> bool:
        return self.name.startswith("~")

    @classmethod
    def parse(cls, spec: str) -> GoldActor:
        parts = [part.strip() for part in spec.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"gold actor {spec!r} is not 'Name|ISO3|SECTOR'")
        return cls(parts[0], parts[1].upper(), parts[2].upper())


@dataclass(frozen=True)
class GoldDate:
    start: str
    end: str


@dataclass(frozen=True)
class GoldLocation:
    name: str
    country: str


@dataclass(frozen=True)
class GoldEvent:
    id: str
    type: str
    mode: str | None
    actors: tuple[GoldActor, ...]
    recipients: tuple[GoldActor, ...]
    status: str
    date: GoldDate | None
    location: GoldLocation | None
    attributed_to: GoldActor | None
    evidence: str
    required: bool = True


@dataclass(frozen=True)
class GoldArticle:
    id: str
    file: str
    published: dt.date | None
    keep: tuple[str, ...]
    remove: tuple[str, ...]
    events: tuple[GoldEvent, ...]
    story: Mapping[str, Any] | None = dataclasses.field(default=None, compare=False)
    gold_file: Path | None = None
    exhaustive: bool = False


def _gold_event(data: Mapping[str, Any]) -> GoldEvent:
    date, location, source = data.get("date"), data.get("location"), data.get("attributed_to")
    return GoldEvent(
        id=str(data["id"]), type=str(data["type"]).upper(), mode=data.get("mode"),
        actors=tuple(GoldActor.parse(a) for a in data.get("actors") or ()),
        recipients=tuple(GoldActor.parse(a) for a in data.get("recipients") or ()),
        status=str(data["status"]),
        date=GoldDate(str(date["start"]), str(date["end"])) if date else None,
        location=GoldLocation(str(location.get("name") or ""), str(location["country"]).upper()) if location else None,
        attributed_to=GoldActor.parse(source) if source else None,
        evidence=str(data["evidence"]), required=bool(data.get("required", True)),
    )


def _gold_article(data: Mapping[str, Any], gold_file: Path | None) -> GoldArticle:
    published = data.get("published")
    story = data.get("story")
    return GoldArticle(
        id=str(data["article"]), file=str(data["file"]),
        published=dt.date.fromisoformat(published) if published else None,
        keep=tuple(data.get("keep") or ()), remove=tuple(data.get("remove") or ()),
        events=tuple(_gold_event(e) for e in data["events"]),
        story=MappingProxyType(dict(story)) if story else None, gold_file=gold_file,
        exhaustive=data.get("exhaustive") is True,
    )


def load_gold(paths: Iterable[Path]) -> list[GoldArticle]:
    """Article gold records from JSON files (an object or a list of objects per file).

    Records without `article` and `events` (the story-group files in gold/dev) are skipped.
    """
    articles: list[GoldArticle] = []
    for path in paths:
        data = json.loads(Path(path).read_text("utf-8"))
        for record in data if isinstance(data, list) else [data]:
            if isinstance(record, dict) and "article" in record and "events" in record:
                try:
                    articles.append(_gold_article(record, Path(path)))
                except (KeyError, TypeError, ValueError) as error:
                    raise ValueError(f"{path}: bad gold record {record.get('article')!r}: {error}") from error
    ids = [a.id for a in articles]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate gold article ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    return articles


def source_path(gold_file: Path, record: GoldArticle | Mapping[str, Any]) -> Path:
    """The article text a gold record names: `file` is relative to the shared root, found by
    walking up from the gold file's folder until `folder / file` exists."""
    name = record.file if isinstance(record, GoldArticle) else str(record["file"])
    for folder in Path(gold_file).resolve().parents:
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{name} (named by {gold_file}) is not under any parent of the gold file")


# ---------------------------------------------------------------- predictions

@dataclass(frozen=True)
class PredActor:
    name: str
    country: str | None
    sector: str | None


@dataclass(frozen=True)
class PredEvent:
    index: int
    id: str
    type: str
    status: str | None
    actors: tuple[PredActor, ...]
    recipients: tuple[PredActor, ...]
    date: tuple[str | None, str | None] | None
    location_country: str | None
    located: bool
    attributed_to: PredActor | None
    sentence: str
    start: int | None
    end: int | None


def _upper(value: Any) -> str | None:
    return str(value).upper() if value else None


def _pred_actor(value: Any) -> PredActor | None:
    if isinstance(value, str):
        name, _, rest = value.partition("|")
        country, _, sector = rest.partition("|")
        return PredActor(name, _upper(country), _upper(sector))
    if isinstance(value, Mapping):
        return PredActor(str(value.get("name") or ""), _upper(value.get("country")), _upper(value.get("sector")))
    return None


def _pred_actors(values: Any) -> tuple[PredActor, ...]:
    actors = (_pred_actor(v) for v in values or ())
    return tuple(a for a in actors if a is not None)


def _pred_date(date: Any) -> tuple[str | None, str | None] | None:
    """(start, end), or None when there is no date (a date object without bounds included)."""
    if not isinstance(date, Mapping) or not (date.get("start") or date.get("end")):
        return None
    return date.get("start"), date.get("end")


def _pred_event(index: int, data: Mapping[str, Any]) -> PredEvent:
    date, location = data.get("date"), data.get("location")
    evidence = data.get("evidence") or {}
    return PredEvent(
        index=index, id=str(data.get("id") or index), type=str(data.get("type") or "").upper(),
        status=data.get("status"), actors=_pred_actors(data.get("actors")),
        recipients=_pred_actors(data.get("recipients")),
        date=_pred_date(date),
        location_country=_upper(location.get("country")) if isinstance(location, Mapping) else None,
        located=bool(location), attributed_to=_pred_actor(data.get("attributed_to")),
        sentence=str(evidence.get("sentence") or ""), start=evidence.get("start"), end=evidence.get("end"),
    )


# ---------------------------------------------------------------- actors

def _name_words(name: str) -> list[str]:
    return _WORD.findall(fold(name))


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of a and b is at most 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= _FUZZY_MIN_LETTERS and _one_edit(a, b))


def _within(words: list[str], others: list[str]) -> bool:
    return all(any(_same_word(w, o) for o in others) for w in words)


def names_agree(a: str, b: str) -> bool:
    """GOLD.md name rule: without case and accents, the words of one are all among the words
    of the other (equality included); words of 5+ letters may differ by one edit."""
    wa, wb = _name_words(a), _name_words(b)
    return bool(wa and wb) and (_within(wa, wb) or _within(wb, wa))


def actor_matches(gold: GoldActor, pred: PredActor) -> bool:
    if pred.country is None or gold.country != pred.country:
        return False
    if gold.generic:
        return gold.sector == pred.sector
    return names_agree(gold.name, pred.name)


def _any_match(golds: Sequence[GoldActor], preds: Sequence[PredActor]) -> bool:
    return any(actor_matches(g, p) for g in golds for p in preds)


def _covers(golds: Sequence[GoldActor], preds: Sequence[PredActor]) -> bool:
    """Every gold actor is matched by a predicted one and every predicted one by a gold one."""
    return (all(any(actor_matches(g, p) for p in preds) for g in golds)
            and all(any(actor_matches(g, p) for g in golds) for p in preds))


# ---------------------------------------------------------------- evidence

def _collapse(text: str) -> str:
    return " ".join(text.split()).lower()


def _collapse_with_offsets(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed, lower-cased text and the original offset of each of its chars."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                offsets.append(index)
            continue
        lower = char.lower()
        chars.append(lower if len(lower) == 1 else char)
        offsets.append(index)
    return "".join(chars), offsets


def locate(evidence: str, text: str) -> list[tuple[int, int]]:
    """Every (start, end) span of `text` holding `evidence`, whitespace and case ignored."""
    needle = _collapse(evidence)
    haystack, offsets = _collapse_with_offsets(text)
    spans: list[tuple[int, int]] = []
    at = haystack.find(needle) if needle else -1
    while at >= 0:
        spans.append((offsets[at], offsets[at + len(needle) - 1] + 1))
        at = haystack.find(needle, at + 1)
    return spans


def _overlaps(span: tuple[int, int], start: int, end: int) -> bool:
    shared = min(span[1], end) - max(span[0], start)
    shorter = min(span[1] - span[0], end - start)
    return shorter > 0 and shared > 0 and 2 * shared >= shorter


def evidence_matches(evidence: str, spans: Sequence[tuple[int, int]], pred: PredEvent) -> bool:
    """Rule 1; `spans` are where the gold evidence sits in the predicted article text."""
    if _collapse(evidence) and _collapse(evidence) in _collapse(pred.sentence):
        return True
    if not isinstance(pred.start, int) or not isinstance(pred.end, int):
        return False
    return any(_overlaps(span, pred.start, pred.end) for span in spans)


# ---------------------------------------------------------------- rules and fields

def types_match(gold: GoldEvent, predicted_type: str) -> bool:
    """Rule 2, with the CONSULT/AGREE equivalence decided by the gold status."""
    pair = {gold.type, predicted_type}
    if len(pair) == 1 or pair in EQUIVALENT_TYPES:
        return True
    return pair == {"CONSULT", "AGREE"} and gold.status in MEETING_STATUSES


def participants_meet(gold: GoldEvent, pred: PredEvent) -> bool:
    """Rule 3: one participant in common, sides pooled for symmetric gold types."""
    if gold.type in SYMMETRIC_TYPES:
        return _any_match(gold.actors + gold.recipients, pred.actors + pred.recipients)
    return _any_match(gold.actors, pred.actors) or _any_match(gold.recipients, pred.recipients)


def _participants_equal(gold: GoldEvent, pred: PredEvent) -> bool:
    if gold.type in SYMMETRIC_TYPES:
        return _covers(gold.actors + gold.recipients, pred.actors + pred.recipients)
    return _covers(gold.actors, pred.actors) and _covers(gold.recipients, pred.recipients)


def _date_equal(gold: GoldEvent, pred: PredEvent) -> bool:
    if gold.date is None or pred.date is None:
        return gold.date is None and pred.date is None
    return (gold.date.start, gold.date.end) == pred.date


def _location_equal(gold: GoldEvent, pred: PredEvent) -> bool:
    if gold.location is None or not pred.located:
        return gold.location is None and not pred.located
    return gold.location.country == pred.location_country


def _attribution_equal(gold: GoldEvent, pred: PredEvent) -> bool:
    if gold.attributed_to is None or pred.attributed_to is None:
        return gold.attributed_to is None and pred.attributed_to is None
    return actor_matches(gold.attributed_to, pred.attributed_to)


def field_agreement(gold: GoldEvent, pred: PredEvent) -> dict[str, bool]:
    return {
        "status": gold.status == pred.status, "date": _date_equal(gold, pred),
        "location": _location_equal(gold, pred), "attribution": _attribution_equal(gold, pred),
        "participants": _participants_equal(gold, pred),
    }


def _stage(gold: GoldEvent, spans: Sequence[tuple[int, int]], pred: PredEvent) -> int:
    """How far `pred` gets through the three rules: 3 means it is a candidate."""
    if not evidence_matches(gold.evidence, spans, pred):
        return 0
    if not types_match(gold, pred.type):
        return 1
    return 3 if participants_meet(gold, pred) else 2


def _match_score(gold: GoldEvent, pred: PredEvent) -> int:
    return 1 + (gold.type == pred.type) + sum(field_agreement(gold, pred).values())


# ---------------------------------------------------------------- assignment

def _hungarian_row(i: int, cost: list[list[int]], u: list[int], v: list[int], p: list[int]) -> None:
    """Insert row i into the min-cost assignment held in potentials u, v and matching p."""
    m, big = len(v) - 1, 1 << 62
    way, minv, used = [0] * (m + 1), [big] * (m + 1), [False] * (m + 1)
    p[0], j0 = i, 0
    while p[j0] != 0:
        used[j0], i0, delta, j1 = True, p[j0], big, 0
        for j in range(1, m + 1):
            if not used[j]:
                cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                if cur < minv[j]:
                    minv[j], way[j] = cur, j0
                if minv[j] < delta:
                    delta, j1 = minv[j], j
        for j in range(m + 1):
            if used[j]:
                u[p[j]] += delta
                v[j] -= delta
            else:
                minv[j] -= delta
        j0 = j1
    while j0:
        p[j0], j0 = p[way[j0]], way[j0]


def max_weight_assignment(weights: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """(row, column) pairs of a one-to-one assignment with the largest total weight.

    Weights are non-negative integers; pairs of weight 0 are left out of the answer."""
    rows, cols = len(weights), len(weights[0]) if weights else 0
    if not rows or not cols:
        return []
    flip = rows > cols
    matrix = [list(col) for col in zip(*weights, strict=True)] if flip else [list(row) for row in weights]
    n, m = len(matrix), len(matrix[0])
    cost = [[-w for w in row] for row in matrix]
    u, v, p = [0] * (n + 1), [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        _hungarian_row(i, cost, u, v, p)
    pairs = [(p[j] - 1, j - 1) for j in range(1, m + 1) if p[j] and matrix[p[j] - 1][j - 1] > 0]
    return sorted((c, r) for r, c in pairs) if flip else sorted(pairs)


def _pair(golds: Sequence[GoldEvent], preds: Sequence[PredEvent], stages: list[list[int]]) -> list[tuple[int, int]]:
    k = min(len(golds), len(preds)) + 1
    top = 1 + 1 + len(FIELDS)
    per_pair = top * k
    per_required = (per_pair + top) * k

    def weight(g: int, p: int) -> int:
        if stages[g][p] < 3:
            return 0
        return per_required * golds[g].required + per_pair + _match_score(golds[g], preds[p])

    return max_weight_assignment([[weight(g, p) for p in range(len(preds))] for g in range(len(golds))])


# ---------------------------------------------------------------- scores

@dataclass(frozen=True)
class GoldEventResult:
    """What became of one gold event: paired (and which fields were wrong) or missed (and why)."""

    article: str
    gold_id: str
    type: str
    required: bool
    paired: bool
    predicted_id: str | None = None
    predicted_index: int | None = None
    wrong: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class UnpairedPrediction:
    """A predicted event no gold event took; on an exhaustive article, a false event."""

    article: str
    index: int
    id: str
    type: str
    sentence: str
    exhaustive: bool = False


@dataclass(frozen=True)
class EventScores:
    recall: float
    precision: float | None
    precision_lb: float
    status_acc: float
    date_acc: float
    location_acc: float
    attribution_acc: float
    participants_acc: float
    keep: float
    remove: float
    required: int
    paired: int
    paired_required: int
    predicted: int
    articles: int
    exhaustive_articles: int
    exhaustive_predicted: int
    details: tuple[GoldEventResult, ...] = dataclasses.field(default=(), repr=False)
    unpaired: tuple[UnpairedPrediction, ...] = dataclasses.field(default=(), repr=False)

    def as_dict(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in ("details", "unpaired")}

    def details_as_dicts(self) -> dict[str, list[dict[str, Any]]]:
        return {"gold": [dataclasses.asdict(d) for d in self.details],
                "unpaired": [dataclasses.asdict(u) for u in self.unpaired]}


@dataclass(frozen=True)
class _ArticleOutcome:
    results: tuple[GoldEventResult, ...]
    unpaired: tuple[UnpairedPrediction, ...]
    predicted: int
    kept: int
    removed: int
    exhaustive: bool

    @property
    def paired(self) -> int:
        return sum(r.paired for r in self.results)


_REASONS = {0: "no predicted evidence covers the gold evidence",
            1: "evidence matched, type differs",
            2: "evidence and type matched, no participant matches",
            3: "its candidates were paired with other gold events"}


def _missed(article: str, gold: GoldEvent, stages: Sequence[int], preds: Sequence[PredEvent]) -> GoldEventResult:
    stage = max(stages, default=0)
    reason = _REASONS[stage]
    if stage == 1:
        reason += ": predicted " + ", ".join(sorted({p.type for p, s in zip(preds, stages, strict=True) if s == 1}))
    return GoldEventResult(article, gold.id, gold.type, gold.required, paired=False, reason=reason)


def _paired(article: str, gold: GoldEvent, pred: PredEvent) -> GoldEventResult:
    wrong = tuple(name for name, ok in field_agreement(gold, pred).items() if not ok)
    return GoldEventResult(article, gold.id, gold.type, gold.required, paired=True,
                           predicted_id=pred.id, predicted_index=pred.index, wrong=wrong)


def _shares(gold: GoldArticle, text: str) -> tuple[int, int]:
    flat = " ".join(text.split())
    kept = sum(" ".join(k.split()) in flat for k in gold.keep)
    removed = sum(" ".join(r.split()) not in flat for r in gold.remove)
    return kept, removed


def _score_article(gold: GoldArticle, prediction: Mapping[str, Any]) -> _ArticleOutcome:
    text = str((prediction.get("article") or {}).get("text") or "")
    preds = [_pred_event(i, e) for i, e in enumerate(prediction.get("events") or ())]
    spans = [locate(g.evidence, text) for g in gold.events]
    stages = [[_stage(g, spans[i], p) for p in preds] for i, g in enumerate(gold.events)]
    pairs = dict(_pair(gold.events, preds, stages))
    results = tuple(_paired(gold.id, g, preds[pairs[i]]) if i in pairs else _missed(gold.id, g, stages[i], preds)
                    for i, g in enumerate(gold.events))
    taken = set(pairs.values())
    unpaired = tuple(UnpairedPrediction(gold.id, p.index, p.id, p.type, p.sentence, gold.exhaustive)
                     for p in preds if p.index not in taken)
    return _ArticleOutcome(results, unpaired, len(preds), *_shares(gold, text), exhaustive=gold.exhaustive)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _field_accuracy(results: Sequence[GoldEventResult], name: str) -> float:
    paired = [r for r in results if r.paired]
    return _ratio(sum(name not in r.wrong for r in paired), len(paired))


def score(golds: Sequence[GoldArticle], predictions: Mapping[str, Mapping[str, Any]]) -> EventScores:
    """Score output-contract dicts (by gold article id) against the gold articles."""
    outcomes = [_score_article(g, predictions.get(g.id) or {}) for g in golds]
    results = tuple(r for o in outcomes for r in o.results)
    required = [r for r in results if r.required]
    paired = sum(r.paired for r in results)
    predicted = sum(o.predicted for o in outcomes)
    paired_required = sum(r.paired for r in required)
    exhaustive = [o for o in outcomes if o.exhaustive]
    exhaustive_predicted = sum(o.predicted for o in exhaustive)
    return EventScores(
        recall=_ratio(paired_required, len(required)),
        precision=_ratio(sum(o.paired for o in exhaustive), exhaustive_predicted) if exhaustive else None,
        precision_lb=_ratio(paired, predicted),
        status_acc=_field_accuracy(results, "status"), date_acc=_field_accuracy(results, "date"),
        location_acc=_field_accuracy(results, "location"),
        attribution_acc=_field_accuracy(results, "attribution"),
        participants_acc=_field_accuracy(results, "participants"),
        keep=_ratio(sum(o.kept for o in outcomes), sum(len(g.keep) for g in golds)),
        remove=_ratio(sum(o.removed for o in outcomes), sum(len(g.remove) for g in golds)),
        required=len(required), paired=paired, paired_required=paired_required, predicted=predicted,
        articles=len(golds), exhaustive_articles=len(exhaustive), exhaustive_predicted=exhaustive_predicted,
        details=results, unpaired=tuple(u for o in outcomes for u in o.unpaired),
    )


ProcessFn = Callable[[Path, dt.date | None], Mapping[str, Any]]


def evaluate_files(gold_paths: Sequence[Path], process: ProcessFn) -> EventScores:
    """Run `process(text_path, published)` on every gold article and score its output."""
    golds = load_gold(gold_paths)
    predictions: dict[str, Mapping[str, Any]] = {}
    for gold in golds:
        where = source_path(gold.gold_file or Path(gold.file), gold)
        predictions[gold.id] = process(where, gold.published)
    return score(golds, predictions)
