"""The regex screens: needles read off a pattern must be in every text it matches, or a reader would miss a mention."""

from __future__ import annotations

import re
import string

import pytest
from default_judge import default_words
from hypothesis import given, settings
from hypothesis import strategies as st
from litwatch.classifiers.attributes import treatment_of
from litwatch.classifiers.findings import domains, harms, subgroups
from litwatch.classifiers.readers import comparator, counts, duration, population
from litwatch.classifiers.readers.terms import compile_terms
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.screen import FOLD_TRAPS, Needles, fold, may_match, requirement

_WORDS = default_words()  # the default watch's forms and populations, as the readers compile them
_TREATMENT = treatment_of(_WORDS)
READER_PATTERNS = [
    *_TREATMENT.forms.values(),
    *_TREATMENT.routes.values(),
    *(
        pattern
        for compiled in population._compiled(_WORDS.populations)
        for pattern in (compiled.terms, compiled.also, compiled.measured)
        if pattern is not None
    ),
    *(value for value in vars(counts).values() if isinstance(value, re.Pattern)),
    *(value for value in vars(duration).values() if isinstance(value, re.Pattern)),
    *(value for value in vars(comparator).values() if isinstance(value, re.Pattern)),
    harms._HARM_SENTENCE,
    domains._STATED_NON_INFERIOR,
    subgroups._MODIFIER_WORD,
]
# One population's terms, for the control cases: a drug's users.
[_USERS] = [
    p.terms for p in population._compiled(_WORDS.populations) if p.name == "metformin-users"
]


def test_fold_traps_are_every_character_whose_lower_case_is_not_the_letter_it_matches():
    every_character = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    traps = set()
    for letter in string.ascii_letters:
        for match in re.finditer(letter, every_character, re.IGNORECASE):
            if match.group().lower() != letter.lower():
                traps.add(match.group())
    assert traps == set(FOLD_TRAPS)


def test_a_text_with_a_fold_trap_is_not_screened():
    assert fold("İNSULIN") is None  # "İ".lower() is two characters; the regex matches it as "i"
    assert may_match(re.compile("insulin", re.IGNORECASE), fold("İNSULIN"))
    assert fold("Insulin\n  µg") == " insulin µg "  # white space squeezed, ends padded


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"randomi[sz]ed|allocated", ("any", ("allocated", "randomised", "randomized"))),
        # An optional item is spelled with and without; the optional word is not needed at all.
        (r"(?:vitamin\s+)?b[\s-]?12", ("any", ("b12", "b 12", "b-12"))),
        # White space is one space in the folded copy.
        (r"\bper\s+os\b", "per os"),
        (r"placebo|\d+\s+patients", ("any", ("placebo", " patients"))),
        # The parser pulls "NC" out of both alternatives; it is spelled on into each of them,
        # and a case-sensitive part is looked for as written.
        (
            r"(?-i:\bNCVs?\b|\bNCS\b)",
            (
                "all",
                (
                    ("any", (("exact", "NCS"), ("exact", "NCV"))),
                    ("any", (("exact", "S"), ("exact", "V"), ("exact", "Vs"))),
                ),
            ),
        ),
        # What a lookahead asserts must be in the text as well (" route" holds "route", so
        # "route" or "injection" need not be looked for apart).
        (r"\bIM\b(?=\s+(?:injection|route))", ("all", (("any", (" route", " injection")), "im"))),
        # A needle that holds another adds nothing to an alternation.
        (r"methylcobalamin|cobalamin|b12", ("any", ("b12", "cobalamin"))),
        # A needle most alternatives need is looked for once.
        (
            r"b12\w*\s+level|b12\w*\s+status|homocysteine",
            ("any", (("all", (("any", (" level", " status")), "b12")), "homocysteine")),
        ),
        (r"\bIM\b(?!\s+(?:injection|route))", "im"),  # an absence is no requirement
        (r"placebo|\d+", None),  # one alternative holds no literal at all
        (r"(?:on)?", None),
    ],
)
def test_a_pattern_requires_the_literals_every_match_holds(pattern, expected):
    assert requirement(re.compile(pattern, re.IGNORECASE)) == expected


def test_a_case_sensitive_part_is_looked_for_as_written():
    acronym = re.compile(r"(?-i:\bNIS\b)|neuropathy\s+impairment", re.IGNORECASE)
    assert not may_match(acronym, fold("Finish line"), "Finish line")
    assert may_match(acronym, fold("The NIS fell"), "The NIS fell")
    assert may_match(acronym, fold("Finish line"))  # without the text, only the folded copy


def test_a_pattern_whose_needles_are_absent_is_screened_out():
    # The control case: the screen does refuse texts, so the property below can fail.
    assert not may_match(_USERS, fold("Insulin glargine in type 1 diabetes."))
    assert may_match(_USERS, fold("Patients on METFORMIN for 4 years."))


def _pieces(pattern: re.Pattern[str]) -> list[str]:
    words = re.findall(r"[A-Za-z0-9]+", pattern.pattern)
    return [*words, *(word.upper() for word in words), *FOLD_TRAPS, " ", "-", ". ", "\n", "(", "2"]


@pytest.mark.parametrize("pattern", READER_PATTERNS, ids=lambda pattern: pattern.pattern[:40])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_text_a_reader_pattern_matches_passes_its_screen(pattern, data):
    text = "".join(data.draw(st.lists(st.sampled_from(_pieces(pattern)), max_size=12)))
    if pattern.search(text):
        assert may_match(pattern, fold(text), text)


def test_every_corpus_text_a_pattern_matches_passes_its_screen(ontopic_records):
    from litwatch.classifiers.definitions import compile_topic

    from litwatch.config import load_watches

    topic = compile_topic(load_watches()[0].topic)
    patterns = READER_PATTERNS + [concept.pattern for concept in topic.concepts]
    patterns.append(compile_terms(("vitamin B12", "cobalamin*", "B-complex")))
    for record in ontopic_records.values():
        text = f"{record.title}\n{record.abstract_text}"
        for pattern in patterns:
            if pattern.search(text):
                assert may_match(pattern, fold(text), text), (record.pmid, pattern.pattern)


def test_a_phrase_written_like_code_is_only_ever_looked_for():
    phrase = "x') or __import__('sys').exit(3) or ('\\"
    pattern = compile_terms((phrase,))
    assert not may_match(pattern, fold("Nothing of the sort here."))
    assert may_match(pattern, fold(f"It says {phrase.upper()} here."))


def test_one_pass_finds_needles_inside_and_overlapping_others():
    needles = Needles(("cobalamin", "methylcobalamin", "lamin b", "vs", "cyano"))
    found = needles.found_in(" methylcobalamin b vs placebo ")
    assert found.holds_all(("cobalamin", "methylcobalamin", "lamin b", "vs"))
    # The control case: a needle the text lacks is not found.
    assert not found.holds("cyano")
    assert found.holds_none(frozenset({"cyano"}))


def _screened_in_one_pass(text: str) -> list[bool]:
    passage = Passage.of(text)
    return [passage.may_match(pattern) for pattern in READER_PATTERNS]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_passage_searched_in_one_pass_screens_as_a_lone_text_does(data):
    pieces = [piece for pattern in READER_PATTERNS[:12] for piece in _pieces(pattern)[:6]]
    text = "".join(data.draw(st.lists(st.sampled_from(pieces), max_size=15)))
    # Past its first few screens, a passage answers from the needles found in one pass.
    lone = [may_match(pattern, fold(text), text) for pattern in READER_PATTERNS]
    assert _screened_in_one_pass(text) == lone


def test_a_passage_searched_in_one_pass_refuses_a_pattern_whose_needles_are_absent():
    assert len(READER_PATTERNS) > 8  # so that most answers below come from the one pass
    index = READER_PATTERNS.index(_USERS)
    assert not _screened_in_one_pass("Insulin glargine in type 1 diabetes.")[index]
    assert _screened_in_one_pass("Patients on METFORMIN for 4 years.")[index]


def test_a_pattern_screened_after_a_passage_was_searched_is_screened_with_its_own_needles():
    passage = Passage.of("Patients took Zyxolamide 40 mg daily for 12 weeks versus placebo.")
    for pattern in READER_PATTERNS:
        passage.may_match(pattern)  # searched in one pass, before the patterns below were known
    assert passage.may_match(compile_terms(("zyxolamide",)))
    assert not passage.may_match(compile_terms(("qwertyzine",)))
