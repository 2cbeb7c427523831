"""The Classification type: its JSON is the stored shape, read back whole, and older payloads read too."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from litwatch.core.classification import (
    Arm,
    ArmResult,
    Arms,
    Attributes,
    Classification,
    Comparison,
    DesignCall,
    GapCall,
)
from litwatch.core.findings import AdverseEvent, EffectModifier, Finding, Harms

RCT = Classification(
    pmid="99000010",
    design=DesignCall("rct", 0.98, "publication_type", ("Randomized Controlled Trial",)),
    attributes=Attributes(
        forms=("methylcobalamin",),
        routes=("oral",),
        daily_dose=1500.0,
        dose_unit="µg",
        comparator="placebo",
        n_participants=90,
        follow_up_weeks=52.0,
        populations=("metformin-users",),
        outcomes=("pain-scale",),
        evidence={"n_participants": "90 patients were randomized"},
    ),
    topic_concepts=(("b12", "methylcobalamin"), ("neuropathy", "neuropathy")),
    gaps={
        "stratified_rct": GapCall("partly", 0.5, ("design is rct",)),
        "head_to_head": GapCall("no", 0.0, ("missing — two B12 forms",)),
        "outcomes_followup": GapCall("addresses", 1.0, ("follow-up 52 weeks",)),
    },
    arms=Arms(
        arms=(
            Arm(
                "oral methylcobalamin 1500 ug daily",
                True,
                "methylcobalamin",
                "oral",
                1500.0,
                "daily",
                dose_ug=1500.0,
            ),
            Arm("placebo", False, control="placebo"),
        ),
        comparisons=(Comparison("placebo-controlled", (0, 1)),),
        tests_intervention=True,
        evidence="randomized to oral methylcobalamin 1500 ug daily or placebo",
    ),
)

# The shape `litwatch classify` prints and the store keeps, key for key and in this order.
RCT_JSON = {
    "pmid": "99000010",
    "design": "rct",
    "design_confidence": 0.98,
    "design_source": "publication_type",
    "design_evidence": ["Randomized Controlled Trial"],
    "design_rct_probability": None,
    "design_runner_up": None,
    "topic_relevant": True,
    "topic_concepts": {"b12": "methylcobalamin", "neuropathy": "neuropathy"},
    "attributes": {
        "forms": ["methylcobalamin"],
        "routes": ["oral"],
        "daily_dose": 1500.0,
        "dose_unit": "µg",
        "comparator": "placebo",
        "n_participants": 90,
        "n_analysed": None,
        "follow_up_weeks": 52.0,
        "populations": ["metformin-users"],
        "outcomes": ["pain-scale"],
        "evidence": {"n_participants": "90 patients were randomized"},
    },
    "gaps": {
        "stratified_rct": {"relevance": "partly", "score": 0.5, "reasons": ["design is rct"]},
        "head_to_head": {"relevance": "no", "score": 0.0, "reasons": ["missing — two B12 forms"]},
        "outcomes_followup": {
            "relevance": "addresses",
            "score": 1.0,
            "reasons": ["follow-up 52 weeks"],
        },
    },
    "key_finding": "",
    "findings": [],
    "effect_modifiers": [],
    "harms": None,
    "arms": {
        "arms": [
            {
                "words": "oral methylcobalamin 1500 ug daily",
                "intervention": True,
                "formulation": "methylcobalamin",
                "route": "oral",
                "daily_dose_ug": 1500.0,
                "schedule": "daily",
                "control": None,
                "add_on": "",
                "dose_ug": 1500.0,
            },
            {
                "words": "placebo",
                "intervention": False,
                "formulation": None,
                "route": None,
                "daily_dose_ug": None,
                "schedule": "",
                "control": "placebo",
                "add_on": "",
                "dose_ug": None,
            },
        ],
        "comparisons": [{"kind": "placebo-controlled", "arms": [0, 1]}],
        "head_to_head_results": [],
        "tests_intervention": True,
        "evidence": "randomized to oral methylcobalamin 1500 ug daily or placebo",
        "not_controlled": [],
        "included_studies": None,
        "pooled_participants": None,
    },
    "recommendations": [],
    "strata": [],
    "associations": [],
}


def test_json_is_the_stored_shape_key_for_key_and_in_order():
    assert json.dumps(RCT.to_json()) == json.dumps(RCT_JSON)


def test_json_reads_back_as_the_same_classification_evidence_included():
    again = Classification.from_json(json.loads(json.dumps(RCT.to_json())))
    assert again == RCT
    assert again.attributes.evidence == RCT.attributes.evidence  # not part of ==, so checked
    assert list(again.gaps) == list(RCT.gaps)  # the watch's order of its gaps is kept


def test_gaps_addressed_counts_full_and_partial_calls_in_the_watchs_order():
    assert RCT.gaps_addressed == ("stratified_rct", "outcomes_followup")
    assert (RCT.relevance("head_to_head"), RCT.relevance("unknown")) == ("no", None)


def test_a_payload_missing_keys_reads_with_defaults():
    """Fields added later (e.g. findings) must not break what the store already holds."""
    older = Classification.from_json({"design": "cohort", "design_confidence": 0.7})
    assert older.design == DesignCall("cohort", 0.7, "model", ())
    assert (older.pmid, older.topic_relevant, older.gaps) == ("", True, {})
    assert older.attributes == Attributes()


def test_keys_it_does_not_know_are_ignored_so_a_newer_payload_still_reads():
    newer = {**RCT_JSON, "risk_of_bias": "low", "design_arm_count": 2}
    assert Classification.from_json(newer) == RCT


def test_key_finding_and_findings_round_trip_through_the_store_json():
    found = Finding("pain", "pain score", "decreased", "favours-intervention", "Pain fell.", 0.9)
    judged = replace(RCT, key_finding="B12 lowered pain scores.", findings=(found,))
    assert Classification.from_json(json.loads(json.dumps(judged.to_json()))) == judged


def test_subgroups_effect_modifiers_and_harms_round_trip_through_the_store_json():
    part = Finding(
        "pain",
        "pain",
        "decreased",
        "favours-intervention",
        "In smokers, pain fell.",
        0.8,
        "in smokers",
    )
    modifier = EffectModifier("the oldest tertile", "larger", "Larger gains in the oldest tertile.")
    harms = Harms("events-reported", "Two had a rash.", (AdverseEvent("rash", 2),))
    judged = replace(RCT, findings=(part,), effect_modifiers=(modifier,), harms=harms)
    again = Classification.from_json(json.loads(json.dumps(judged.to_json())))
    assert again == judged
    # Control: a payload without the new keys reads as a whole-trial finding and no harms.
    older = judged.to_json()
    del older["harms"], older["findings"][0]["subgroup"]
    assert Classification.from_json(older).harms is None
    assert Classification.from_json(older).findings[0].subgroup == ""


def test_design_written_as_an_object_reads_as_the_same_call():
    payload = {"design": {"label": "rct", "confidence": 0.9, "source": "model", "evidence": []}}
    assert Classification.from_json(payload).design == DesignCall("rct", 0.9, "model", ())


def test_a_changed_field_is_seen_by_equality():
    """Control for the round-trip tests: equality is not vacuous."""
    changed = {**RCT_JSON, "gaps": {**RCT_JSON["gaps"], "head_to_head": {"relevance": "partly"}}}
    assert Classification.from_json(changed) != RCT


_words = st.text(st.characters(codec="utf-8"), max_size=12)
_gap_calls = st.builds(
    GapCall,
    relevance=st.sampled_from(["addresses", "partly", "no"]),
    score=st.floats(0, 1),
    reasons=st.lists(_words, max_size=3).map(tuple),
)
_classifications = st.builds(
    Classification,
    pmid=st.from_regex(r"[0-9]{1,9}", fullmatch=True),
    design=st.builds(
        DesignCall,
        label=st.sampled_from(["rct", "cohort", "meta-analysis", "other"]),
        confidence=st.floats(0, 1),
        source=st.sampled_from(["publication_type", "model"]),
        evidence=st.lists(_words, max_size=3).map(tuple),
    ),
    attributes=st.builds(
        Attributes,
        forms=st.lists(_words, max_size=2).map(tuple),
        daily_dose=st.none() | st.floats(0, 1e6),
        dose_unit=st.sampled_from(["", "µg", "mg"]),
        comparator=st.sampled_from(["none", "placebo", "active"]),
        n_participants=st.none() | st.integers(0, 10**6),
        follow_up_weeks=st.none() | st.floats(0, 520),
        populations=st.lists(_words, max_size=2).map(tuple),
        outcomes=st.lists(_words, max_size=3).map(tuple),
        evidence=st.dictionaries(_words, _words, max_size=2),
    ),
    topic_relevant=st.booleans(),
    topic_concepts=st.dictionaries(_words, _words, max_size=3).map(lambda d: tuple(d.items())),
    gaps=st.dictionaries(_words, _gap_calls, max_size=3),
)


@given(_classifications)
def test_any_classification_survives_the_store_round_trip(classification):
    stored = json.dumps(classification.to_json(), ensure_ascii=False)
    again = Classification.from_json(json.loads(stored))
    assert again == classification
    assert again.to_json() == classification.to_json()


def test_a_multi_arm_trial_reads_back_with_both_kinds_of_comparison_and_its_better_arm():
    three = replace(
        RCT,
        arms=Arms(
            arms=(
                Arm("injected", True, "methylcobalamin", "intramuscular"),
                Arm("tablets", True, "methylcobalamin", "oral"),
                Arm("placebo", False, control="placebo"),
            ),
            comparisons=(
                Comparison("placebo-controlled", (0, 2)),
                Comparison("head-to-head", (0, 1)),
            ),
            head_to_head_results=(ArmResult("pain", "favours-one-form", "words", better=0),),
            tests_intervention=True,
            not_controlled=("pain",),
        ),
    )
    again = Classification.from_json(json.loads(json.dumps(three.to_json())))
    assert again == three
    assert again.arms is not None and again.arms.controlled and again.arms.head_to_head
    assert again.arms.arms[0].treatment == "intramuscular methylcobalamin"


def test_a_classification_stored_before_arms_falls_back_on_named_forms_for_scope():
    older = RCT.to_json()
    del older["arms"]
    again = Classification.from_json(older)
    assert again.arms is None
    assert again.tests_intervention  # it names methylcobalamin
    assert not replace(again, attributes=Attributes()).tests_intervention
