"""`litwatch classify` on trials written for this test, as a user sees them in the JSON lines
(issue #19, round 3): a subgroup counted after "the", an interaction test beside it, the
effect stated part by part, arms' shares of a state, a part of an instrument named in the
methods, and harms denied across the arms or given as withdrawals."""

from __future__ import annotations

import io
import json
from html import escape
from pathlib import Path

from litwatch.classifiers.design import load_design_model
from litwatch.classifiers.judge import Judge

from litwatch.classify_command import run_classify
from litwatch.config import load_watches

WATCH = load_watches()[0]

TRIALS = {
    "91000011": (
        "Methylcobalamin for diabetic neuropathy in general practice: a randomised trial",
        (
            "We randomised 240 adults with type 2 diabetes and neuropathy to methylcobalamin "
            "or placebo for 52 weeks. Neuropathy was graded with the Utah Early Neuropathy "
            "Scale sensory score; serum B12 was measured at 52 weeks."
        ),
        (
            "The sensory score fell more with methylcobalamin than with placebo (p = 0.02). "
            "The improvement was largely confined to participants in the highest quartile of "
            "neuropathy severity, with no effect in the lower quartiles. In the 58 current "
            "smokers, vibration threshold was lower with methylcobalamin than with placebo "
            "(p = 0.01), although the interaction with smoking was not significant (p = 0.40). "
            "Serum B12 normalised in 90% of the intervention group and in 8% of the placebo "
            "group. Three patients discontinued treatment due to diarrhoea."
        ),
    ),
    "91000012": (
        "Sublingual versus oral methylcobalamin for diabetic neuropathy",
        (
            "We randomised 90 adults with diabetic neuropathy to sublingual or swallowed "
            "methylcobalamin for 12 weeks."
        ),
        (
            "Pain fell similarly with both routes (p = 0.7). No patient in the sublingual or "
            "the swallowed arm experienced an adverse effect."
        ),
    ),
}


def export(path: Path) -> Path:
    articles = []
    for pmid, (title, methods, results) in TRIALS.items():
        texts = (
            f'<AbstractText Label="METHODS">{escape(methods)}</AbstractText>'
            f'<AbstractText Label="RESULTS">{escape(results)}</AbstractText>'
        )
        articles.append(
            "<PubmedArticle><MedlineCitation Status='MEDLINE'>"
            f"<PMID Version='1'>{pmid}</PMID><Article><ArticleTitle>{escape(title)}"
            f"</ArticleTitle><Abstract>{texts}</Abstract><Language>eng</Language></Article>"
            "</MedlineCitation></PubmedArticle>"
        )
    path.write_text("<PubmedArticleSet>" + "".join(articles) + "</PubmedArticleSet>")
    return path


def test_classify_reads_parts_shares_instrument_parts_and_harms(tmp_path):
    judge = Judge(
        WATCH.topic, WATCH.gaps, WATCH.findings_definition, design_model=load_design_model(None)
    )
    out = io.StringIO()
    run_classify([export(tmp_path / "trials.xml")], True, "jsonl", out, judge=judge)
    rows = {row["pmid"]: row for row in map(json.loads, out.getvalue().splitlines())}

    first = rows["91000011"]
    said = {(f["domain"], f["subgroup"] or ""): f["direction"] for f in first["findings"]}
    assert said == {
        # "the sensory score", named in the methods as a part of the instrument
        ("symptom-score", ""): "favours-intervention",
        ("symptom-score", "in the highest quartile of neuropathy severity"): (
            "favours-intervention"
        ),
        ("symptom-score", "in the lower quartiles of neuropathy severity"): "no-difference",
        # counted after "the"; the interaction test does not make it "no difference"
        ("vibration-perception", "In the 58 current smokers"): "favours-intervention",
        # the arms' shares of a normal level
        ("b12-status", ""): "favours-intervention",
        # a withdrawal for a harm: events named, no comparison
        ("adverse-events", ""): "unclear",
    }
    assert first["harms"]["statement"] == "events-reported"
    assert first["harms"]["events"] == [{"name": "diarrhoea", "count": 3}]

    second = rows["91000012"]
    assert second["harms"]["statement"] == "none-occurred"
