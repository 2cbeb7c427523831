"""The prepared text every reader reads: its short cuts must find exactly what the plain regex calls find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litwatch.classifiers.readers.counts import _COUNT, _FINISHED
from litwatch.classifiers.readers.dose import _DOSE
from litwatch.classifiers.readers.duration import _LENGTH
from litwatch.classifiers.text.numbers import matches_from, number_starts
from litwatch.classifiers.text.passage import TEXT_LIMIT, Passage
from litwatch.classifiers.text.spans import sentence_around, sentences

PIECES = [
    "one", "Twenty", "twenty-one", "Seventeen", "a", "an", "A", "half", "hundred", "and",
    "patients", "participants", "weeks", "week", "year", "mg", "µg", "daily", "type", "B",
    "12", "1,000", "4.5", "٣", "(n = 40)", "randomised", "İ", "ſix", ".", ",", "-", " ", " ",
    "\n", "Some", "often", "data", "completed", "were analysed",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def spans(matches) -> list[tuple[int, int]]:
    return [match.span() for match in matches]


@pytest.mark.parametrize("pattern", [_COUNT, _DOSE, _FINISHED], ids=["count", "dose", "finished"])
@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_numbers_found_from_their_starts_are_the_ones_finditer_finds(pattern, text):
    assert spans(Passage.of(text).number_matches(pattern)) == spans(pattern.finditer(text))


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_lengths_found_from_number_and_article_starts_are_the_ones_finditer_finds(text):
    found = Passage.of(text).number_matches(_LENGTH)
    assert spans(found) == spans(_LENGTH.finditer(text))


def test_control_without_the_article_starts_a_length_is_missed():
    text = "Twenty-one patients were followed for a year."
    everything = spans(_LENGTH.finditer(text))
    assert everything and spans(Passage.of(text).number_matches(_LENGTH)) == everything
    assert number_starts(text.lower()) == [0, 7, 38]  # "Twenty", "one" and the "a" of "a year"
    assert spans(matches_from(_LENGTH, text, [0])) == []  # without the article's start
    assert (
        spans(Passage.of(text).number_matches(_COUNT)) == spans(_COUNT.finditer(text)) == [(0, 19)]
    )


@settings(max_examples=300, deadline=None)
@given(text=texts, position=st.integers(min_value=0, max_value=400))
def test_the_sentence_around_a_position_is_the_one_a_fresh_split_gives(text, position):
    position = min(position, len(text))
    assert Passage.of(text).sentence_around(position) == sentence_around(text, position)


def test_a_text_past_the_limit_is_cut_and_says_how_long_it_was():
    passage = Passage.of("x" * (TEXT_LIMIT + 5))
    assert len(passage.text) == TEXT_LIMIT and passage.cut_from == TEXT_LIMIT + 5
    assert Passage.of("short").cut_from is None


def test_a_text_with_a_fold_trap_is_read_by_the_plain_regex():
    text = "İn 12 patients"
    assert Passage.of(text).folded is None
    assert spans(Passage.of(text).number_matches(_COUNT)) == spans(re.finditer(_COUNT, text))


def _sentences_by_look_behind(text: str) -> list[tuple[int, int]]:
    # The splitter as first written, kept as the reference for the faster one.
    bounds, start = [], 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z0-9(])|\n", text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if e > s]


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["a", "A", ".", "!", "?", " ", "\n", "\t", "(", "1", "x.", "  "]),
        max_size=16,
    ).map("".join)
)
def test_sentences_split_where_the_look_behind_splitter_did(text):
    assert sentences(text) == _sentences_by_look_behind(text)


def test_a_sentence_keeps_its_stop_and_a_decimal_point_splits_nothing():
    text = "Methods here. Results 4.3 years.\nConclusions."
    assert sentences(text) == _sentences_by_look_behind(text) == [(0, 13), (14, 32), (33, 45)]


FOLLOWING = ["ΟΔΟΣ", "Σ", "σ", "A", "b", " ", "  ", "\n", "\t", "İ", "ſ", "; ", "-", "µg", ""]


@settings(max_examples=500, deadline=None)
@given(
    first=st.lists(st.sampled_from(FOLLOWING), max_size=8).map("".join),
    more=st.lists(st.sampled_from(FOLLOWING), max_size=8).map("".join),
    limit=st.integers(min_value=0, max_value=20),
)
def test_a_passage_followed_by_more_is_the_passage_of_both(first, more, limit):
    if len(first) > limit:
        with pytest.raises(ValueError, match="cut passage"):
            Passage.of(first, limit).followed_by(more, limit)
        return
    joined = Passage.of(first, limit).followed_by(more, limit)
    fresh = Passage.of(f"{first}\n{more}", limit)
    assert (joined.text, joined.lowered, joined.folded, joined.cut_from) == (
        fresh.text,
        fresh.lowered,
        fresh.folded,
        fresh.cut_from,
    )
