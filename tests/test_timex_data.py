"""The time tagger's data files (data/timex.toml, data/timex_rules.toml): checked at load, with
errors that name the file and the line; the rules' declared starts hold by construction."""
from __future__ import annotations

import re
import tomllib

import pytest

from storyline.datafiles import DataFileError, check, error_at, load_toml
from storyline.extract.timex import tag
from storyline.extract.timex.candidates import untriggered
from storyline.extract.timex.fragments import start_pattern, words_only
from storyline.extract.timex.rules import (
    RULES_FILE,
    RULES_SCHEMA,
    compile_pattern,
    compile_rules,
    rules,
)
from storyline.extract.timex.vocabulary import (
    VOCABULARY_FILE,
    VOCABULARY_SCHEMA,
    vocabulary,
    vocabulary_problems,
)


def test_the_real_files_load_and_every_rule_can_be_triggered() -> None:
    assert vocabulary().months["sept"] == 9
    assert list(rules())[:2] == ["iso", "time"]
    assert untriggered(rules()) == []
    assert [t.value for t in tag("The talks resume on 3 March 2031.", None)] == ["2031-03-03"]


# --- timex.toml ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "problem"), [
    ("[monthz]\njanuary = 1\n", (("monthz",), "unknown key 'monthz'")),
    ("[months]\njanuary = \"1\"\n", (("months", "january"), "expected an integer, got a string")),
    ("[seasons]\nspring = \"SPR\"\n", (("seasons", "spring"), "'SPR' is not one of FA, SP, SU, WI")),
    ("[tense]\nfuture = [\"will\", 3]\n", (("tense", "future"), "expected items that are a string, got 3")),
])
def test_the_vocabulary_schema(text: str, problem: tuple) -> None:
    assert problem in list(check(tomllib.loads(text), VOCABULARY_SCHEMA))


def test_every_table_of_the_vocabulary_is_required() -> None:
    problems = list(check({}, VOCABULARY_SCHEMA))
    assert ((), "missing required key 'holidays'") in problems and len(problems) == 15


@pytest.mark.parametrize(("text", "message"), [
    ('[holidays]\n"founders day" = "13-01"\n',
     "timex.toml:2: '13-01' is not MM-DD, MM:n:weekday[+days] or easter[+-days] in holidays.founders day"),
    ('[months]\nJanuary = 1\n', "timex.toml:2: write 'January' as 'january' in months.January"),
    ('[frequencies]\n"-weekly" = "P1W"\n',
     "timex.toml:2: '-weekly' does not begin with a letter or a digit in frequencies.-weekly"),
    ('[weekdays]\nmonday = 8\n', "timex.toml:2: 8 is not between 1 and 7 in weekdays.monday"),
    ('[units]\nday = ["D", 1]\n',
     "timex.toml:2: expected [TimeML letter, how many, whether a clock unit] in units.day"),
    ('[months]\nmay = 5\n[ambiguous_months]\nwords = ["march"]\n',
     "timex.toml:4: 'march' is not in [months] in ambiguous_months.words"),
])
def test_vocabulary_problems_name_the_line(text: str, message: str) -> None:
    path, problem = next(vocabulary_problems(tomllib.loads(text)))
    assert str(error_at(VOCABULARY_FILE, text, path, problem)) == message


def test_the_real_vocabulary_has_no_problems() -> None:
    assert list(vocabulary_problems(load_toml(VOCABULARY_FILE, VOCABULARY_SCHEMA))) == []


# --- timex_rules.toml ----------------------------------------------------------------------

def test_the_rules_schema() -> None:
    text = '[[rule]]\nname = "year"\nreach = "2"\npatern = ["x"]\n'
    assert list(check(tomllib.loads(text), RULES_SCHEMA)) == [
        (("rule", 0, "reach"), "expected an integer, got a string"),
        (("rule", 0, "patern"), "unknown key 'patern'"),
        (("rule", 0), "missing required key 'pattern'"),
    ]


RULE = '''[[rule]]
name = "year"
reach = 2
pattern = ['(?P<year>%YEAR%)']

[[rule]]
name = "{name}"
reach = 1
{extra}
pattern = ['{pattern}']
'''


@pytest.mark.parametrize(("name", "pattern", "extra", "message"), [
    ("yaer", "x", "", "rules.toml:7: no builder for a rule named 'yaer' (builders.BUILDERS) in rule[1].name"),
    ("year", "x", "", "rules.toml:7: a second rule named 'year' in rule[1].name"),
    ("season", "%SEASONS%", "", "rules.toml:10: no fragment %SEASONS% (known: DAY, DMOD"),
    ("season", "(?P<season>x", "", "rules.toml:10: not a regular expression: missing ), unterminated subpattern"),
    ("season", "x", 'needs = ["@seasons"]', "rules.toml:9: no word list '@seasons' (known: @frequencies, @numbers)"),
    ("season", "x", 'needs_chars = ["ab"]', "rules.toml:9: expected single characters in rule[1].needs_chars"),
])
def test_a_rule_that_cannot_compile_is_an_error_at_its_line(name: str, pattern: str, extra: str,
                                                             message: str) -> None:
    text = RULE.format(name=name, pattern=pattern, extra=extra)
    with pytest.raises(DataFileError) as error:
        compile_rules(tomllib.loads(text)["rule"], text, "rules.toml")
    assert str(error.value).startswith(message)


def test_the_real_rules_compile_in_file_order() -> None:
    raw = load_toml(RULES_FILE, RULES_SCHEMA)
    compiled = compile_rules(raw["rule"], "", RULES_FILE)
    assert [rule.priority for rule in compiled.values()] == list(range(len(raw["rule"])))


# --- declared starts -----------------------------------------------------------------------

ODD_TEXT = ("The 2nd of May, 1990s: ſome Kelvin \u212a-days; İstanbul’s café at 9:30 a.m.\x1cnow "
            "NEXT\u00a0week, ٣ days\tlater (about 20 years) — Tues. x1 a\x01b an-\x7fend a")


@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_the_start_lookahead_takes_exactly_the_words_the_search_tries(flags: int) -> None:
    words = words_only(ODD_TEXT)
    for starts in {rule.starts for rule in rules().values() if rule.starts}:
        lookahead = re.compile(start_pattern(starts), flags)
        for pos in range(len(ODD_TEXT)):
            if words[pos].isspace():
                continue
            probe = words[pos:].split()[0] + " "
            assert bool(lookahead.match(ODD_TEXT, pos)) == probe.startswith(starts), (starts, pos, probe)


RULE_WITH_STARTS = '''[[rule]]
name = "year"
reach = 2
starts = {starts}
pattern = ['(?:fiscal\\s+)?(?P<year>%YEAR%)']
'''


def test_a_match_can_begin_only_with_a_declared_start() -> None:
    text = RULE_WITH_STARTS.format(starts='["fiscal"]')
    (rule,) = compile_rules(tomllib.loads(text)["rule"], text, "rules.toml").values()
    assert rule.starts == ("fiscal",)
    found = rule.pattern.match("Fiscal 2031")
    assert found is not None and found["year"] == "2031"
    assert rule.pattern.match("2031") is None           # "#" was not declared


@pytest.mark.parametrize("starts", ['["The"]', '["%SEASONS%"]', '["-year"]'])
def test_a_start_that_is_no_word_digit_or_fragment_is_an_error_at_its_line(starts: str) -> None:
    text = RULE_WITH_STARTS.format(starts=starts)
    with pytest.raises(DataFileError, match=r"^rules\.toml:4: .* is no lower-case word, \"#\" or known %FRAGMENT%"):
        compile_rules(tomllib.loads(text)["rule"], text, "rules.toml")


SENTENCES = [
    "The vote moved to Tuesday, March 3, 2031, then to the week of April 6.",
    "Talks resumed on 2031-04-05T14:30 and again at 9 p.m. Friday night.",
    "Nearly two and a half years ago, in the fiscal 2029 third quarter, sales fell.",
    "At least the past 18 months were hard; a few days later, the next three weeks looked better.",
    "Every Monday morning and twice a month, the council meets; it reports quarterly.",
    "In the late 1990s and the twenty-first century, in the nineties, over the weekend.",
    "Later this year, by the end of the month, earlier this week, the year-earlier period.",
    "Christmas Eve, last Thanksgiving, this summer, early spring 2030, the following day.",
    "Yesterday afternoon, tonight, the day after tomorrow, at noon local time, now and recently.",
    "Some four decades, within a fortnight, for half an hour, for nineteen ninety-nine.",
    "In the same quarter of last year, the latest quarter, the first half of 2031.",
]


def test_declared_starts_cover_every_match_of_the_patterns_in_invented_sentences() -> None:
    raw = {item["name"]: item for item in load_toml(RULES_FILE, RULES_SCHEMA)["rule"]}
    for name, rule in rules().items():
        assert rule.starts is not None, name
        unrestricted = compile_pattern("".join(raw[name]["pattern"]))
        for sentence in SENTENCES:
            words = words_only(sentence)
            for found in re.finditer(r"\S+", words):
                if unrestricted.match(sentence, found.start()):
                    assert (found.group() + " ").startswith(rule.starts), (name, sentence, found.group())
