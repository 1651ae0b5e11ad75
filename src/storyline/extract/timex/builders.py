"""The builders: each reads the match of the rule of its name into a `Reading`.

A builder may still reject a match the regular expression let through ("may" without a day
or a preposition is a verb; "a day" after a price is a rate), so the rules can stay broad.
The meaning is a `Sense` with the fields the text gave; placing it in the calendar is left
to the tagger, which knows the anchor and the tense.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .sense import Base, Builder, Pick, Reading, Sense
from .vocabulary import duration_value, lower_words, number, previous_word, vocabulary

_PICKS: dict[str, Pick] = {"last": "last", "past": "last", "next": "next", "coming": "next",
                           "this": "this", "the coming": "next", "the past": "last",
                           "the previous": "last", "the following": "next", "the next": "next"}
_YEAR_SHIFT = {"last": -1, "this": 0, "next": 1}
_MONTH_CONTEXT = frozenset({
    "in", "since", "until", "till", "by", "of", "from", "to", "through", "during", "before", "after",
    "early", "late", "mid", "last", "next", "this", "end", "beginning", "and", "or", "between",
    "for", "on", "around", "about", "each", "every", "start", "middle", "throughout", "into"})
_SEASON_CONTEXT = _MONTH_CONTEXT - {"and", "or", "of", "to", "for", "on"} | {"over"}
_APPROX = {"about", "around", "approximately", "roughly", "some", "close to", "an estimated"}
_LESS = {"nearly", "almost", "under", "less than", "fewer than", "just under", "barely", "within"}
_AT_MOST = {"at most", "up to", "no more than", "not more than"}
_MORE = {"more than", "over", "well over", "just over", "upwards of"}
_AT_LEAST = {"at least", "no less than"}
_NEWSPAPERS = re.compile(r"\s+(?:Times|Telegraph|Express|Mirror|Herald|Post|Independent|Mail|Star|Sport)\b")
_RATE_BEFORE = re.compile(
    r"(?:\d|%|percent|cents?|dollars?|euros?|pounds?|million|billion|trillion|once|twice|times|thrice"
    r"|barrels|tons|tonnes|hours|miles)\s*$", re.IGNORECASE)


def _month(word: str | None) -> int | None:
    return vocabulary().months.get(word.lower().rstrip(".")) if word else None


def _weekday(word: str | None) -> int | None:
    return vocabulary().weekdays.get(word.lower().rstrip(".")) if word else None


def _day(word: str | None) -> int | None:
    return int(re.sub(r"\D", "", word)) if word else None


@lru_cache(maxsize=1024)
def _amount(text: str, half: str | None) -> float | None:
    """A count that may be a decimal or have "and a half"."""
    words = lower_words(text)
    value: float | None = float(words) if re.fullmatch(r"\d+\.\d+", words) else number(words)
    return None if value is None else value + (0.5 if half else 0)


@lru_cache(maxsize=256)
def _unit(word: str) -> str:
    word = word.lower()
    return {"centuries": "century", "millennia": "millennium"}.get(word, word.rstrip("s"))


_MODS = {**dict.fromkeys(_APPROX, "APPROX"), **dict.fromkeys(_LESS, "LESS_THAN"),
         **dict.fromkeys(_AT_MOST, "EQUAL_OR_LESS"), **dict.fromkeys(_MORE, "MORE_THAN"),
         **dict.fromkeys(_AT_LEAST, "EQUAL_OR_MORE")}


def _mod(word: str | None) -> str | None:
    """The TimeML mod of a duration's modifier ("nearly": LESS_THAN)."""
    return _MODS.get(lower_words(word)) if word else None


def _build_iso(m: re.Match[str], text: str) -> Reading | None:
    if m["y"]:
        part = f"{m['t']}:{m['mi']}" if m["t"] else None
        sense = Sense("calendar", year=int(m["y"]), month=int(m["m"]), day=int(m["d"]), part=part)
        return Reading("TIME" if part else "DATE", sense)
    year = int(m["us_y"])
    year = year if year > 999 else year + (2000 if year < 50 else 1900)
    return Reading("DATE", Sense("calendar", year=year, month=int(m["us_m"]), day=int(m["us_d"])))


def _build_date(m: re.Match[str], text: str) -> Reading | None:
    name = m["month"] or m["month2"]
    month, day = _month(name), _day(m["day"] or m["day2"])
    year = int(m["year"] or m["year2"] or 0) or None
    if month is None:
        return None
    loose = day is None and year is None and not m["dir"] and not m["ys"]
    ambiguous = name.lower() in vocabulary().ambiguous_months   # "may" is mostly a verb
    if loose and ambiguous and previous_word(text, m.start()) not in _MONTH_CONTEXT:
        return None
    if loose and m["wd"]:
        return None
    through = _day(m["through"] or m["through2"])
    sense = Sense("calendar", year=year, year_shift=_YEAR_SHIFT.get((m["ys"] or "").lower()), month=month,
                  day=day, weekday=_weekday(m["wd"]), pick=_PICKS.get((m["dir"] or "").lower(), "tense"),
                  through=through if day is not None and through is not None and through > day else None)
    return Reading("DATE", sense)


def _build_year(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", Sense("calendar", year=int(m["year"])))


def _build_year_words(m: re.Match[str], text: str) -> Reading | None:
    if m["c"]:
        rest = number(m["y"])
        return Reading("DATE", Sense("calendar", year=1900 + rest)) if rest and 10 <= rest <= 99 else None
    rest = number(m["y2"]) if m["y2"] else 0
    return Reading("DATE", Sense("calendar", year=2000 + rest)) if rest is not None and rest < 100 else None


DECADE_WORDS = {"twenties": 192, "thirties": 193, "forties": 194, "fifties": 195, "sixties": 196,
                 "seventies": 197, "eighties": 198, "nineties": 199}


def _build_decade(m: re.Match[str], text: str) -> Reading | None:
    if m["c"]:
        decade = int(m["c"]) * 10 + int(m["d"])
    elif m["d2"]:
        decade = (200 if m["d2"] in "01" else 190) + int(m["d2"])
    else:
        decade = DECADE_WORDS[m["dw"].lower()]
    return Reading("DATE", Sense("calendar", decade=decade))


def _build_century(m: re.Match[str], text: str) -> Reading | None:
    word = m["ord"].lower()
    count = int(re.sub(r"\D", "", word)) if word[0].isdigit() else vocabulary().ordinals.get(word, 0)
    return Reading("DATE", Sense("calendar", century=count - 1)) if 1 <= count <= 21 else None


def _build_weekday(m: re.Match[str], text: str) -> Reading | None:
    weekday = _weekday(m["wd"])
    if weekday is None or _NEWSPAPERS.match(text, m.end("wd")):
        return None
    part = vocabulary().parts[m["part"].lower()] if m["part"] else None
    direction = lower_words(m["dir"] or "")
    if m["pl"] or m["ppl"] or direction in ("every", "each"):
        return Reading("SET", Sense("set", literal=f"XXXX-WXX-{weekday}" + (f"T{part}" if part else "")))
    sense = Sense("calendar", weekday=weekday, part=part, pick=_PICKS.get(direction, "tense"))
    return Reading("TIME" if part else "DATE", sense)


RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "the day before yesterday": -2,
           "the day after tomorrow": 2}


def _build_relday(m: re.Match[str], text: str) -> Reading | None:
    word = lower_words(m["w"])
    part = vocabulary().parts[m["part"].lower()] if m["part"] else ("NI" if word == "tonight" else None)
    sense = Sense("relative", unit="day", shift=RELATIVE_DAYS[word], part=part)
    return Reading("TIME" if part else "DATE", sense)


_ZERO = frozenset({"this", "current", "the current", "the present", "that", "that same", "the same",
                   "the very same"})
_MINUS = frozenset({"last", "past", "previous", "the past", "the last", "the previous", "the latest",
                    "the most recent", "the prior", "the preceding", "this past"})
_REF_DETS = frozenset({"that", "that same", "the same", "the very same", "the previous", "the prior",
                       "the preceding", "the following", "the ensuing"})


def _build_relunit(m: re.Match[str], text: str) -> Reading | None:
    det, unit = lower_words(m["det"]), m["unit"].lower()
    shift = 0 if det in _ZERO else -1 if det in _MINUS else 1
    base: Base = "ref" if det in _REF_DETS or (det == "the next" and unit in ("day", *vocabulary().parts)) else "dct"
    v = vocabulary()
    if unit in v.parts:
        return Reading("TIME", Sense("relative", unit="day", shift=shift, base=base, part=v.parts[unit]))
    if unit in v.seasons:
        pick: Pick = "tense" if base == "ref" else ("last", "this", "next")[shift + 1]
        return Reading("DATE", Sense("calendar", season=v.seasons[unit], pick=pick))
    if unit == "day" and base != "ref":
        return None
    if unit == "period":
        if det not in ("the latest", "the most recent", "the current", "this"):
            return None
        unit = "quarter"
    return Reading("DATE", Sense("relative", unit=unit, shift=shift, base=base))


_EDGE_MOD = {"end": "END", "close": "END", "rest": "END", "remainder": "END", "second half": "END",
             "beginning": "START", "start": "START", "turn": "START", "first half": "START", "middle": "MID"}


def _build_edge(m: re.Match[str], text: str) -> Reading | None:
    unit = (m["unit"] or m["unit2"] or m["unit3"]).lower()
    mod = _EDGE_MOD.get(lower_words(m["edge"] or ""), "END")
    return Reading("DATE", Sense("relative", unit=unit, shift=0), mod)


def _build_week_of(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", _day_sense(m["date"])._replace(unit=m["unit"].lower()))


def _build_the_year(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", Sense("relative", unit="year", shift=0))


def _build_weekend(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", Sense("calendar", unit="weekend"))


_AGO_SIGN = {"ago": -1, "earlier": -1, "back": -1, "before": -1, "later": 1, "hence": 1, "from now": 1,
             "from today": 1, "after": 1}
_CALENDAR_STEP = {"fortnight": ("week", 2), "decade": ("year", 10), "century": ("year", 100),
                  "millennium": ("year", 1000)}


def _build_ago(m: re.Match[str], text: str) -> Reading | None:
    direction = lower_words(m["dir"])
    if direction in ("before", "after") and not re.match(r"\s*(?:[.,;:)]|$)", text[m.end():m.end() + 2]):
        return None
    sign = _AGO_SIGN[direction]
    base: Base = "ref" if direction in ("earlier", "later", "before", "after") else "dct"
    count = _amount(m["num"], m["half"]) if m["num"] else None
    if count is None:
        return Reading("DATE", Sense("ref", literal="PAST_REF" if sign < 0 else "FUTURE_REF"))
    unit = _unit(m["unit"])
    if unit in ("hour", "minute", "second"):
        return None
    gran, times = _CALENDAR_STEP.get(unit, (unit, 1))
    if count != int(count):
        gran, times, count = ("month", 12, count) if gran == "year" else (gran, 1, round(count))
    sense = Sense("relative", unit=gran, shift=sign * int(count * times), base=base,
                  same_period=gran == "year")
    return Reading("DATE", sense, _mod(m["mod"]))


_FORWARD = ("next", "coming", "upcoming")


def _build_duration(m: re.Match[str], text: str) -> Reading | None:
    unit, said = _unit(m["unit"]), lower_words(m["num"])
    if said in ("a", "an", "single") and unit in ("second", "quarter"):
        return None
    if (m["suffix"] or "").lower() == "-old" or (m["unit"].lower() == "quarters" and "-" in m.group(0)):
        return None
    count = _amount(m["num"], m["half"])
    if count is None:
        return None
    letter, times, clock = vocabulary().units[unit]
    rate = _RATE_BEFORE.search(text, max(0, m.start() - 12), m.start())
    if said in ("a", "an") and not m["mod"] and not m["ctx"] and rate:
        return Reading("SET", Sense("set", literal=f"{'PT' if clock else 'P'}{times}{letter}"))
    ctx, mod = lower_words(m["ctx"] or ""), lower_words(m["mod"] or "")
    forward = mod == "within" or any(ctx.endswith(word) for word in _FORWARD)
    sense = Sense("duration", literal=duration_value(count, unit), unit=unit,
                  amount=int(count) if count == int(count) else None, forward=forward)
    return Reading("DURATION", sense, _mod(mod))


_HALF_UNIT = {"hour": "PT30M", "day": "PT12H", "year": "P6M", "century": "P50Y", "decade": "P5Y"}


def _build_half_unit(m: re.Match[str], text: str) -> Reading | None:
    unit = (m["unit"] or m["unit2"]).lower()
    return Reading("DURATION", Sense("duration", literal=_HALF_UNIT[unit]), _mod(m["mod"]))


def _build_vague_duration(m: re.Match[str], text: str) -> Reading | None:
    unit, ctx = _unit(m["unit"]), lower_words(m["ctx"] or "")
    forward = any(word in ctx for word in _FORWARD)
    sense = Sense("duration", literal=duration_value(None, unit), unit=unit, forward=forward)
    return Reading("DURATION", sense, _mod(m["mod"]))


def _build_same_period(m: re.Match[str], text: str) -> Reading | None:
    year = m["y"] or m["y2"]
    if year:
        return Reading("DATE", Sense("calendar", year=int(year), same_period=True))
    said = lower_words(m.group(0))
    back = bool(m["bare"] or m["back"]) or any(w in said for w in ("year-", "prior-year", "previous-year"))
    return Reading("DATE", Sense("relative", unit="year", shift=-1 if back else 0, base="ref", same_period=True))


_ORDINAL_QUARTER = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
                    "4th": 4, "final": 4, "last": 4, "latter": 4}


def _build_quarter(m: re.Match[str], text: str) -> Reading | None:
    said = m["ord"].lower()
    which = _ORDINAL_QUARTER[said]
    if m["h"] and which == 4:
        which = 2
    if (m["h"] and which > 2) or (m["q"] and said in ("last", "latter")):
        return None
    year = m["y1"] or m["y2"] or m["y3"]
    shift = _YEAR_SHIFT.get((m["ys"] or m["ys2"] or m["ys3"] or "").lower())
    if m["back"] and not year:
        shift = -1
    sense = Sense("calendar", year=int(year) if year else None, year_shift=shift)
    return Reading("DATE", sense._replace(half=which) if m["h"] else sense._replace(quarter=which))


def _build_latest_quarter(m: re.Match[str], text: str) -> Reading | None:
    return Reading("DATE", Sense("relative", unit="quarter", shift=-1))


def _build_set(m: re.Match[str], text: str) -> Reading | None:
    v = vocabulary()
    if m["fw"]:
        attributive = previous_word(text, m.start()) in _DETERMINERS and _next_word(text, m.end()) in _ECONOMIC
        return None if attributive else Reading("SET", Sense("set", literal=v.frequencies[m["fw"].lower()]))
    if m["freq"]:
        letter, times, clock = v.units[_unit(m["unit2"])]
        return Reading("SET", Sense("set", literal=f"{'PT' if clock else 'P'}{times}{letter}"))
    word = m["unit"].lower()
    count = number(m["num"]) if m["num"] else 1
    if _unit(word) in v.units and count:
        return Reading("SET", Sense("set", literal=duration_value(count, _unit(word))))
    if m.group(0).lower().startswith("per"):
        return None
    literal = (f"XXXX-{_month(word):02d}" if _month(word) else f"XXXX-{v.seasons[word]}" if word in v.seasons
               else f"XXXX-XX-XXT{v.parts[word]}" if word in v.parts else "XXXX-WXX-WE" if word == "weekend"
               else "P1D")
    return Reading("SET", Sense("set", literal=literal))


_NEXT_WORD = re.compile(r"[\s,]*([A-Za-z]+)")
_ECONOMIC = frozenset({"dividend", "dividends", "results", "report", "reports", "earnings", "loss", "losses",
                       "profit", "profits", "payment", "payments", "volume", "sales", "revenue", "figures",
                       "statement", "statements", "rate", "rates", "meeting", "meetings", "output"})
_DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "our", "your", "average", "first",
                          "initial", "regular", "usual", "this", "that"})


def _next_word(text: str, pos: int) -> str:
    found = _NEXT_WORD.match(text, pos, pos + 30)
    return found.group(1) if found else ""


def _build_ref(m: re.Match[str], text: str) -> Reading | None:
    said = lower_words(m["w"])
    before, after = previous_word(text, m.start()), _next_word(text, m.end())
    if said == "soon" and (before == "as" or after in ("after", "as")):
        return None
    if said in ("previously", "formerly") and re.fullmatch(r"[a-z]+(?:ed|en)|said", after):
        return None
    if said in ("the moment", "the present") and before not in ("at", "for", "until", "to"):
        return None
    return Reading("DATE", Sense("ref", literal=vocabulary().references[said]))


def _clock(m: re.Match[str]) -> str | None:
    if m["h"]:
        twelve, minute = int(m["h"]) % 12, int(m["mi"] or 0)
        return f"{twelve + (12 if m['ap'].lower().startswith('p') else 0):02d}:{minute:02d}"
    if m["h24"]:
        return f"{int(m['h24']):02d}:{m['mi24']}"
    if m["noon"]:
        return "24:00" if m["noon"].lower() == "midnight" else "12:00"
    hour = number(m["hw"])
    if hour is None or not 1 <= hour <= 12:
        return None
    return f"{hour % 12 + (0 if m['tp'].lower() == 'morning' else 12):02d}:00"


def _day_sense(said: str) -> Sense:
    word = lower_words(said)
    if word in RELATIVE_DAYS:
        return Sense("relative", unit="day", shift=RELATIVE_DAYS[word])
    weekday = _weekday(word)
    if weekday:
        return Sense("calendar", weekday=weekday)
    tokens = re.findall(r"[A-Za-z]+|\d+", said)
    year = next((int(t) for t in tokens if len(t) == 4 and t.isdigit()), None)
    day = next((int(t) for t in tokens if t.isdigit() and len(t) <= 2), None)
    return Sense("calendar", year=year, month=_month(tokens[0]), day=day)


def _build_time(m: re.Match[str], text: str) -> Reading | None:
    clock = _clock(m)
    if clock is None:
        return None
    said = m["day1"] or m["day2"]
    base = _day_sense(said) if said else Sense("relative", unit="day", shift=0)
    return Reading("TIME", base._replace(part=clock))


def _build_holiday(m: re.Match[str], text: str) -> Reading | None:
    sense = Sense("calendar", holiday=lower_words(m["h"]), year=int(m["year"]) if m["year"] else None,
                  pick=_PICKS.get((m["dir"] or "").lower(), "tense"))
    return Reading("DATE", sense)


def _build_season(m: re.Match[str], text: str) -> Reading | None:
    word, year = (m["season"] or m["season2"]).lower(), m["year"] or m["year2"]
    direction = lower_words(m["dir"] or "")
    if not year and direction in ("", "the", "early", "late", "mid"):
        start = m.start("dir") if direction == "the" else m.start()
        if previous_word(text, start) not in _SEASON_CONTEXT and direction not in ("early", "late", "mid"):
            return None
    mod = {"early": "START", "late": "END", "mid": "MID"}.get(direction)
    sense = Sense("calendar", season=vocabulary().seasons[word], year=int(year) if year else None,
                  pick=_PICKS.get(direction, "tense"))
    return Reading("DATE", sense, mod)


# the builder of each rule of timex_rules.toml, by the rule's name
BUILDERS: dict[str, Builder] = {
    "iso": _build_iso, "date": _build_date, "year": _build_year, "year_words": _build_year_words,
    "decade": _build_decade, "century": _build_century, "weekday": _build_weekday,
    "relday": _build_relday, "relunit": _build_relunit, "edge": _build_edge, "weekend": _build_weekend,
    "week_of": _build_week_of, "the_year": _build_the_year,
    "ago": _build_ago, "duration": _build_duration, "half_unit": _build_half_unit,
    "vague_duration": _build_vague_duration, "same_period": _build_same_period,
    "quarter": _build_quarter, "latest_quarter": _build_latest_quarter, "set": _build_set,
    "ref": _build_ref, "time": _build_time, "holiday": _build_holiday, "season": _build_season,
}

