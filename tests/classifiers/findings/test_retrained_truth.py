"""A findings model retrained on the shipped Evidence Inference data, as `litwatch
train-findings` retrains it (and as reviewers' checked calls will), must read what the shipped
one reads: the effect classifier's regularisation is chosen by the data, so a sentence may not
be read right at one strength and wrong at another because a feature says something of another
outcome. Every trial here is written for this test."""

from __future__ import annotations

import pytest
from findings_trials import ask_findings, export_abstracts
from litwatch.classifiers.findings.model import FindingsModel, save_model, shipped_model
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.text import read_abstract
from litwatch.classifiers.findings.training import EFFECT_CS, _effect_row, _fit, train_model

from litwatch.findings_command import evidence_inference

METHODS = "Adults were randomised to the active drink or a matched drink for eight weeks."
# pmid -> (results, outcome, intervention, comparator, the right label)
TRIALS = {
    # Two outcomes in one sentence: the denial belongs to the second, not to the first.
    "94000001": (
        (
            "Chamomile tea lowered the anxiety score compared with warm water (p = 0.02), whereas "
            "sleep latency did not differ between groups (p = 0.48)."
        ),
        "anxiety score",
        "chamomile tea",
        "warm water",
        "decreased",
    ),
    "94000002": (
        (
            "Chamomile tea lowered the anxiety score compared with warm water (p = 0.02), whereas "
            "sleep latency did not differ between groups (p = 0.48)."
        ),
        "sleep latency",
        "chamomile tea",
        "warm water",
        "no-difference",
    ),
    # The same with the denial first.
    "94000003": (
        (
            "Resting pulse did not differ between groups (p = 0.71), whereas beetroot juice raised "
            "the walking distance compared with apple juice (p = 0.01)."
        ),
        "walking distance",
        "beetroot juice",
        "apple juice",
        "increased",
    ),
    # Control: a clause that refers back to the outcome is the outcome's own.
    "94000004": (
        (
            "Grip strength rose with the protein shake, but the difference from the plain shake "
            "was not significant (p = 0.21)."
        ),
        "grip strength",
        "protein shake",
        "plain shake",
        "no-difference",
    ),
    # A fall in one arm against no change in the other, with the between-group test: a
    # difference, though "unchanged" stands in the sentence.
    "94000005": (
        (
            "Plasma triglycerides fell by 0.4 mmol/L with fish oil and were unchanged with olive oil "
            "(between-group p < 0.001)."
        ),
        "plasma triglycerides",
        "fish oil",
        "olive oil",
        "decreased",
    ),
    "94000006": (
        (
            "Fasting glucose fell by 1.1 mmol/L with cinnamon capsules and stayed unchanged with "
            "placebo capsules (between-group p = 0.002)."
        ),
        "fasting glucose",
        "cinnamon capsules",
        "placebo capsules",
        "decreased",
    ),
}


@pytest.fixture(scope="module")
def evidence_inference_set(corpus):
    """The shipped training data: abstracts by PMID and labelled prompts."""
    return evidence_inference(corpus / "evidence-inference")


@pytest.mark.parametrize("strength", EFFECT_CS)
def test_each_outcome_of_a_sentence_is_read_by_its_own_clause_at_every_strength(
    evidence_inference_set, tmp_path, strength
):
    """Whichever regularisation the data picks, another outcome's denial in the same sentence
    does not turn this outcome's difference into none (the sentence-wide cues were read from
    the whole sentence, and a weakly regularised model trusted them over the clause's own)."""
    from litwatch.pubmed.xml import parse_xml

    abstracts, prompts = evidence_inference_set
    effect = _fit(
        [_effect_row(abstracts[p.pmid], p) for p in prompts],
        [p.label for p in prompts],
        strength,
        "balanced",
    )
    model = FindingsModel(shipped_model().ranking, effect)
    abstracts_written = {pmid: (METHODS, trial[0]) for pmid, trial in TRIALS.items()}
    records = {
        r.pmid: r for r in parse_xml(export_abstracts(tmp_path / "t.xml", abstracts_written))
    }
    for pmid in ("94000001", "94000002", "94000003", "94000004"):
        _, outcome, intervention, comparator, label = TRIALS[pmid]
        call = effect_in(
            read_abstract(records[pmid]), outcome, intervention, comparator, model=model
        )
        assert (pmid, call.label) == (pmid, label)


def test_findings_with_a_model_train_findings_would_make_reads_every_trial(
    evidence_inference_set, monkeypatch, capsys, tmp_path
):
    """The model `litwatch train-findings` makes from the shipped data (its choice of
    regularisation included) answers `litwatch findings --prompts` as the shipped one does."""
    abstracts, prompts = evidence_inference_set
    path = tmp_path / "retrained.skops"
    save_model(train_model(abstracts, prompts, calibrate=False), path)
    monkeypatch.setenv("LITWATCH_FINDINGS_MODEL", str(path))
    answers = ask_findings(
        monkeypatch,
        capsys,
        tmp_path,
        {pmid: (METHODS, trial[0]) for pmid, trial in TRIALS.items()},
        {pmid: trial[1:4] for pmid, trial in TRIALS.items()},
    )
    answers = {pmid: answer["label"] for pmid, answer in answers.items()}
    assert answers == {pmid: trial[-1] for pmid, trial in TRIALS.items()}
