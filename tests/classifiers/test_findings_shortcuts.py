"""The findings readers' shortcuts change no answer: the cheap tests that rule a term or a
pattern out never rule out a match, the ranker's once-per-abstract scores equal the feature
rows' scores, and an abstract is read once for the findings and the key finding."""

from __future__ import annotations

import re

import pytest
from litwatch.classifiers.attributes import record_text
from litwatch.classifiers.findings import cues, effect, retrieval
from litwatch.classifiers.findings.domains import read_effect_modifiers_in
from litwatch.classifiers.findings.mentions import Beginnings, compiled, possible_wordings
from litwatch.classifiers.findings.model import shipped_model
from litwatch.classifiers.findings.text import read_abstract
from litwatch.classifiers.text.passage import Passage
from litwatch.core.findings import DomainTerm, OutcomeDomain
from litwatch.core.records import AbstractSection, Record
from litwatch.pubmed.xml import parse_xml

from litwatch.config import load_watches

_WORD = re.compile(r"[a-z][a-z0-9]*")


@pytest.fixture(scope="module")
def trial_abstracts(corpus):
    """The first 300 Evidence Inference abstracts, read."""
    records = list(parse_xml(corpus / "evidence-inference" / "ei_dev_abstracts.xml"))[:300]
    return [read_abstract(record) for record in records]


def _gate_inputs(text: str) -> tuple[frozenset[str], frozenset[str]]:
    written = frozenset(_WORD.findall(text.lower()))
    return written, frozenset(word[:4] for word in written)


def test_a_term_group_ruled_out_by_its_words_has_no_match(trial_abstracts):
    definition = load_watches()[0].findings_definition
    groups = compiled(definition.domains, definition.vocabulary)
    matched = 0
    for abstract in trial_abstracts:
        text = "\n".join(s.text for s in abstract.sentences)
        written, beginnings = _gate_inputs(text)
        for group in groups:
            # The watch's terms and the vocabulary's wordings and head words alike.
            if group.pattern.search(text) or (group.heads and group.heads.search(text)):
                matched += 1
                assert group.may_occur(written, beginnings), (group.domain.name, text[:80])
    assert matched > 20  # the check saw real matches


def test_the_term_gate_rules_out_a_text_missing_a_word_of_every_term():
    domain = OutcomeDomain(
        "b12",
        "B12",
        (DomainTerm("serum B12"), DomainTerm("conduction velocit*")),
        "higher-is-better",
    )
    (group,) = compiled((domain,))
    assert group.may_occur(*_gate_inputs("Serum B12 rose."))
    assert group.may_occur(*_gate_inputs("Conduction velocities rose."))
    # Control: "serum" without "b12", "conduct" without the full word: no term can match.
    assert not group.may_occur(*_gate_inputs("Serum folate rose; conductance fell."))


def test_a_groups_first_wording_is_found_from_the_wordings_a_text_may_hold(trial_abstracts):
    # `first_named` searches each wording the text may hold by itself, not the group's whole
    # alternation: it finds what the alternation (`names`) finds, and nothing where it finds
    # nothing (so no wording that occurs is ruled out by the words and beginnings).
    definition = load_watches()[0].findings_definition
    groups = compiled(definition.domains, definition.vocabulary)
    found = 0
    for abstract in trial_abstracts:
        text = "\n".join([abstract.title, *(s.text for s in abstract.sentences)])
        lowered = text.lower()
        possible = possible_wordings(groups, frozenset(_WORD.findall(lowered)), Beginnings(lowered))
        for number, group in enumerate(groups):
            expected = group.names(text)
            got = group.first_named(text, possible.get(number, []))
            assert (got and got.span()) == (expected and expected.span()), text[:80]
            found += expected is not None
    assert found > 100  # the check saw real matches


def test_the_first_wording_is_the_leftmost_and_the_earlier_at_one_place():
    domain = OutcomeDomain(
        "nc",
        "Nerve conduction",
        (
            DomainTerm("nerve conduction velocity"),
            DomainTerm("nerve conduction"),
            DomainTerm("NCV"),
        ),
        "higher-is-better",
    )
    (group,) = compiled((domain,))
    text = "NCV rose; nerve conduction velocity and nerve conduction improved."
    assert group.first_named(text, [0, 1, 2]).group(0) == "NCV"  # the leftmost, though last
    at_one_place = text[len("NCV rose; ") :]
    assert group.first_named(at_one_place, [0, 1]).group(0) == "nerve conduction velocity"
    # Control: the same place found by a later wording alone gives its shorter match.
    assert group.first_named(at_one_place, [1]).group(0) == "nerve conduction"


def test_word_beginnings_read_off_the_text_are_the_words_first_letters(trial_abstracts):
    prefix_like = re.compile(r"(?=([a-z][a-z0-9]{3}))")
    checked = 0
    for abstract in trial_abstracts[:100]:
        for sentence in abstract.sentences:
            lowered = sentence.text.lower()
            beginnings = Beginnings(lowered)
            first_letters = {word[:4] for word in _WORD.findall(lowered)}
            # Every four letters the text holds, inside words or at their start.
            for prefix in set(prefix_like.findall(lowered)):
                checked += 1
                assert (prefix in beginnings) == (prefix in first_letters), (prefix, lowered)
    assert checked > 10_000
    # Digits before a word are no part of it, but of a word they end; letters inside a word
    # begin none.
    assert "pare" in Beginnings("in 12paresthesia scores")
    assert "pare" not in Beginnings("in b12paresthesia scores")
    assert "elec" not in Beginnings("we selected and compared")
    assert "pare" not in Beginnings("we selected and compared")


@pytest.mark.parametrize(
    ("pattern", "pieces"),
    [
        (cues.P_NS, effect._P_NS_PIECES),
        (cues.NO_DIFFERENCE, effect._NO_DIFFERENCE_PIECES),
        (cues.SIGNIFICANT, effect._SIGNIFICANT_PIECES),
        (cues.WITHIN_GROUP, effect._WITHIN_PIECES),
        (cues.BETWEEN_GROUP, effect._BETWEEN_PIECES),
    ],
)
def test_a_pattern_is_only_skipped_when_the_text_cannot_match_it(trial_abstracts, pattern, pieces):
    matched = 0
    for abstract in trial_abstracts:
        for sentence in abstract.sentences:
            if pattern.search(sentence.text):
                matched += 1
                assert effect._holds(sentence.text.lower(), pieces), sentence.text
    assert matched > 10


def test_ranker_scores_equal_the_feature_rows_scores(trial_abstracts):
    weights = shipped_model().ranking
    for abstract in trial_abstracts[:60]:
        for outcome in ("pain score", "mortality", "quality of life", abstract.title):
            query = retrieval.outcome_words(abstract, outcome)
            arms = frozenset(("placebo",))
            rows = retrieval.sentence_features(abstract, query, arms, retrieval.idf(abstract))
            expected = retrieval.rank(rows, weights)
            got = retrieval.sentence_scores(abstract, query, arms, weights)
            for row, score, (fast, shared) in zip(rows, expected, got, strict=True):
                if row.get("shared_log"):
                    assert fast == pytest.approx(score, abs=1e-9)
                else:
                    assert shared == 0


def test_an_abstract_is_read_once_for_consecutive_questions_about_one_record():
    record = Record("9", title="T", abstract=(AbstractSection("Pain fell (p = 0.01)."),))
    assert read_abstract(record) is read_abstract(record)
    # Control: an equal but distinct record is read afresh, never mixed up with another.
    twin = Record("9", title="T", abstract=(AbstractSection("Pain fell (p = 0.01)."),))
    assert read_abstract(twin) is not read_abstract(record)


def test_effect_modifiers_screened_by_the_prepared_text_are_those_read_without_it(corpus):
    definition = load_watches()[0].findings_definition
    words = (definition.domains, definition.vocabulary)
    records = list(parse_xml(corpus / "evidence-inference" / "ei_dev_abstracts.xml"))[:600]
    read = 0
    for record in records:
        abstract = read_abstract(record)
        alone = read_effect_modifiers_in(abstract, *words)
        prepared = Passage.of(record_text(record))
        assert read_effect_modifiers_in(abstract, *words, prepared) == alone, record.pmid
        read += bool(alone)
    assert read > 5  # the check saw modifiers read
    # Control: a prepared text without a modifier word rules them out, whatever the results say.
    record = Record(
        "9",
        title="T",
        abstract=(AbstractSection("The benefit was larger in older participants.", "RESULTS"),),
    )
    assert read_effect_modifiers_in(read_abstract(record), *words)
    assert not read_effect_modifiers_in(read_abstract(record), *words, Passage.of("Pain fell."))
