"""Findings trials written for tests, asked as a user asks them: abstracts of a methods and a
results section exported as efetch XML, one prompt per trial through `litwatch findings
--prompts`; and what the effect rules alone read of one sentence."""

from __future__ import annotations

import json
from pathlib import Path

from classify_export import write_export
from helpers import litwatch_cli
from litwatch.classifiers.findings.effect import arm_words, effect_features
from litwatch.classifiers.findings.text import content_words


def export_abstracts(path: Path, abstracts: dict[str, tuple[str, str]]) -> Path:
    """pmid -> (methods, results) as an efetch export at `path`."""
    return write_export(
        path,
        [
            (pmid, f"Trial {pmid}", (("METHODS", methods), ("RESULTS", results)))
            for pmid, (methods, results) in abstracts.items()
        ],
    )


def ask_findings(
    monkeypatch,
    capsys,
    tmp_path: Path,
    abstracts: dict[str, tuple[str, str]],
    prompts: dict[str, tuple[str, str, str]],
) -> dict[str, dict]:
    """The answers of `litwatch findings EXPORT --prompts TABLE` by prompt id (each prompt's
    pmid): `abstracts` pmid -> (methods, results), `prompts` pmid -> (outcome, intervention,
    comparator). The command must succeed and say nothing on stderr."""
    table = tmp_path / "prompts.csv"
    rows = ["prompt_id,pmid,outcome,intervention,comparator"]
    for pmid, (outcome, intervention, comparator) in prompts.items():
        rows.append(f'{pmid},{pmid},{outcome},"{intervention}","{comparator}"')
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    export = export_abstracts(tmp_path / "t.xml", abstracts)
    code, out, err = litwatch_cli(
        monkeypatch, capsys, "findings", str(export), "--prompts", str(table)
    )
    assert code == 0 and err == ""
    return {answer["prompt_id"]: answer for answer in map(json.loads, out.splitlines())}


def rules_read(
    sentence: str, outcome: str, intervention: str, comparator: str, rule: str = "rule"
) -> str:
    """What one of the effect rules alone reads of `sentence`: "up" (the intervention higher),
    "down" or "none". `rule`: "rule" (the direction words) or "numbers" (the arms' values)."""
    features = effect_features(
        sentence,
        frozenset(content_words(outcome)),
        arm_words(intervention, comparator),
        arm_words(comparator, intervention),
    )
    if features[f"{rule}_up"]:
        return "up"
    return "down" if features[f"{rule}_down"] else "none"


def answer_trials(
    monkeypatch, capsys, tmp_path: Path, trials: dict[str, tuple[str, str, str, str, str, str]]
) -> dict[str, tuple[str, str]]:
    """For `trials` pmid -> (methods, results, outcome, intervention, comparator, the right
    label): each prompt's (label, evidence sentence) as `litwatch findings --prompts` gives it."""
    answers = ask_findings(
        monkeypatch,
        capsys,
        tmp_path,
        {pmid: (trial[0], trial[1]) for pmid, trial in trials.items()},
        {pmid: (trial[2], trial[3], trial[4]) for pmid, trial in trials.items()},
    )
    return {pmid: (answer["label"], answer["evidence"]) for pmid, answer in answers.items()}
