"""The Judge: findings are part of a classification, and stored classifications go stale when
the findings reader or the watch's outcome domains change, as they do for gap definitions."""

from __future__ import annotations

from dataclasses import replace

import litwatch.classifiers.judge as judge_module
from litwatch.classifiers.design import load_design_model
from litwatch.classifiers.judge import Judge

from litwatch.config import load_watches


def _judge(findings=None) -> Judge:
    watch = load_watches()[0]
    findings = findings or watch.findings_definition
    return Judge(watch.topic, watch.gaps, findings, design_model=load_design_model(None))


def test_a_classification_carries_key_finding_and_findings(ontopic_records):
    [trial] = _judge().classify([ontopic_records["99000016"]])
    assert trial.key_finding.startswith("A B-complex tablet modestly reduced symptoms")
    assert {(f.domain, f.direction) for f in trial.findings} >= {
        ("symptom-score", "favours-intervention")
    }


def test_edited_outcome_domains_make_stored_classifications_stale():
    watch = load_watches()[0]
    fewer = replace(watch.findings_definition, domains=watch.findings_definition.domains[:-1])
    assert _judge().definitions_hash == _judge().definitions_hash  # control: stable
    assert _judge(fewer).definitions_hash != _judge().definitions_hash


def test_a_new_findings_reader_version_makes_stored_classifications_stale(monkeypatch):
    before = _judge().definitions_hash
    monkeypatch.setattr(judge_module, "FINDINGS_VERSION", "next")
    assert _judge().definitions_hash != before
