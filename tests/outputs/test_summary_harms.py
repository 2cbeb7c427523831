"""The summary's Safety section shows harms as each trial reports them (issue #19 item 8), and
a result stated for a subgroup only never counts as a study's overall result (item 5)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from litwatch.core.findings import AdverseEvent, Finding, Harms
from litwatch.outputs.statements import study_of
from litwatch.outputs.summary import write_summary
from outputs_samples import WATCH, classification, empty_digest, record

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _trials():
    quiet = classification("rct", formulations=["methylcobalamin"], n_participants=80)
    return [
        (
            record("99100001", "Methylcobalamin and neuropathic pain"),
            replace(quiet, harms=Harms("none-occurred", "No adverse events occurred.")),
        ),
        (
            record("99100002", "Hydroxocobalamin injections in neuropathy"),
            replace(
                quiet,
                harms=Harms(
                    "events-reported",
                    "Two participants reported nausea.",
                    (AdverseEvent("nausea", 2),),
                ),
            ),
        ),
        (record("99100003", "Cyanocobalamin tablets in neuropathy"), quiet),
    ]


def test_the_safety_section_shows_the_harms_each_trial_reports(tmp_path):
    paths = write_summary(tmp_path, WATCH, _trials(), [empty_digest()], NOW)
    markdown = paths.markdown.read_text(encoding="utf-8")
    safety = markdown.split("## Safety", 1)[1].split("\n## ", 1)[0]
    assert "Of 3 trials, 2 report harms" in safety
    assert "in 1, no adverse events occurred; in 1, adverse events reported" in safety
    assert "adverse events reported: nausea (2)" in safety
    # Control: the trial that says nothing of harms is not listed as reporting them.
    assert "Cyanocobalamin tablets" not in safety
    assert "No classified record reports safety" not in safety


def test_without_harms_the_safety_section_says_so(tmp_path):
    # Control for the above: the same trials with no harms read.
    trials = [(r, replace(c, harms=None)) for r, c in _trials()]
    paths = write_summary(tmp_path, WATCH, trials, [empty_digest()], NOW)
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert "No classified record reports safety" in markdown


def test_a_subgroup_result_never_counts_as_the_studys_overall_result():
    overall = Finding("pain", "pain", "no-difference", "no-difference", "Pain did not differ.", 0.9)
    part = replace(
        overall, direction="favours-intervention", subgroup="in metformin users", evidence="x"
    )
    judged = replace(
        classification("rct", formulations=["methylcobalamin"]), findings=(overall, part)
    )
    study = study_of(record("99100004", "A trial"), judged)
    # The subgroup's result is kept with its subgroup, apart from the overall one, which alone
    # the statements count (tests/outputs/test_statement_truth.py checks the counting).
    assert [(f.direction, f.subgroup) for f in study.findings] == [
        ("no-difference", None),
        ("favours-intervention", "in metformin users"),
    ]


def test_each_subgroup_is_listed_with_its_own_result_and_never_counted(tmp_path):
    overall = Finding("pain", "pain", "no-difference", "no-difference", "Pain did not differ.", 0.9)
    part = replace(
        overall,
        effect="decreased",
        direction="favours-intervention",
        subgroup="In the 40 current smokers",
        evidence="Among the 40 current smokers, pain fell more with B12.",
    )
    base = classification("rct", formulations=["methylcobalamin"], n_participants=120)
    both = replace(base, findings=(overall, part))
    # a study whose only result is a subgroup's: listed with that result, not as unclear
    only = replace(base, findings=(part, replace(part, direction="unclear", evidence="y")))
    trials = [
        (record("99100005", "Methylcobalamin for neuropathic pain"), both),
        (record("99100006", "Methylcobalamin in smokers"), only),
    ]
    paths = write_summary(tmp_path, WATCH, trials, [empty_digest()], NOW)
    statements = json.loads(paths.json.read_text(encoding="utf-8"))["statements"]
    pain = next(s for s in statements if s["domain"] == "pain" and s["comparison"] == "controlled")
    listed = sorted((s["pmid"], s["call"], s["subgroup"]) for s in pain["studies"])
    assert listed == [
        ("99100005", "favours-intervention", "In the 40 current smokers"),
        ("99100005", "no-difference", None),
        ("99100006", "favours-intervention", "In the 40 current smokers"),
    ]
    # Only the overall result counts: one RCT, finding no difference.
    assert pain["text"] == "Pain: 1 RCT (120 participants) finds no difference."
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert "in the 40 current smokers only: favours" in markdown
    assert "in In the" not in markdown
