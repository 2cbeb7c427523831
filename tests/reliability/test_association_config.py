"""Association questions in the watch file (issue #21 item 1): a mistake in one is refused at load
in one `litwatch:` line naming file, watch and key, by a run and by doctor, before any store is
opened; the shipped watch's three questions load (the control)."""

from __future__ import annotations

import pytest
from helpers import one_line

from litwatch.config import default_watch_file, load_watches

SHIPPED = default_watch_file().read_text(encoding="utf-8")
QUESTION = """
[[watch.questions]]
name = "extra"
title = "Metformin and homocysteine"
domains = ["b12-status"]
"""

BAD_QUESTIONS = {
    "exposure-without-terms": (
        QUESTION + 'exposure = { name = "metformin" }\n',
        "questions.7.exposure.terms: Field required",
    ),
    "exposure-blank-term": (
        QUESTION + 'exposure = { name = "metformin", terms = ["metformin", " "] }\n',
        "questions.7.exposure.terms: a term is empty",
    ),
    "exposure-with-population": (
        QUESTION
        + 'population = "metformin-users"\nexposure = { name = "metformin", terms = ["metformin"] }\n',
        "question 'extra' has an exposure: it compares the exposed with the unexposed",
    ),
    "claims-without-exposure": (
        QUESTION + 'claims = { decreased = "Metformin lowers homocysteine" }\n',
        "question 'extra': claims apply only to a question with an exposure",
    ),
    "claim-of-no-direction": (
        QUESTION
        + 'exposure = { name = "metformin", terms = ["metformin"] }\nclaims = { lower = "x" }\n',
        "questions.7.claims.lower",
    ),
    "unknown-domain": (
        QUESTION.replace('"b12-status"', '"anaemia"')
        + 'exposure = { name = "metformin", terms = ["metformin"] }\n',
        "question 'extra' names unknown outcome domains: anaemia",
    ),
}


@pytest.mark.parametrize("case", BAD_QUESTIONS, ids=list(BAD_QUESTIONS))
def test_a_bad_association_question_is_one_line_at_load(litwatch, cli_env, monkeypatch, case):
    text, expected = BAD_QUESTIONS[case]
    path = cli_env.parent / "watches.toml"
    path.write_text(SHIPPED + text, encoding="utf-8")
    settings = cli_env.parent / "settings.toml"
    settings.write_text("", encoding="utf-8")
    monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(settings))
    result = litwatch("run", "--watches", path)
    assert result.exit_code == 1 and "Traceback" not in result.stderr, result
    line = one_line(result.stderr)
    assert line.startswith(f"litwatch: {path}: watch 'b12-dpn': ") and expected in line, line
    assert not cli_env.exists()  # refused before any store was opened
    doctor = litwatch("doctor", "--watches", str(path))
    assert f"FAIL watch file: {line[10:]}" in doctor.stdout.splitlines()


def test_the_shipped_watch_asks_its_three_association_questions():
    """Control for the cases above: the file they extend loads, each exposure with its terms."""
    (watch,) = load_watches()
    asked = {q.name: q for q in watch.association_questions}
    assert list(asked) == ["metformin-b12-status", "metformin-neuropathy", "low-b12-neuropathy"]
    assert asked["metformin-b12-status"].exposure.terms == ("metformin", "biguanide*")
    assert [d.name for d in asked["metformin-b12-status"].domains] == ["b12-status"]
    # what the judge reads with, so a changed question reclassifies the store
    assert watch.findings_definition.associations == watch.association_questions
