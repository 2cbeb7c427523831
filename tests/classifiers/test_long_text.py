"""A record with a huge abstract is read in time proportional to its length, and past a limit only in part, saying so.

Timings are CPU time of this process, and the bounds are ratios of a big input to a small one, so a
busy machine slows both sides alike; the control case shows the same measure catches the reader
that split the whole abstract once per number (issue #14, defect 2)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

from litwatch.classifiers.attributes import attributes_from_text
from litwatch.classifiers.readers.counts import _COUNT
from litwatch.classifiers.text.passage import TEXT_LIMIT
from litwatch.classifiers.text.spans import sentence_around

TRIAL_SENTENCE = (
    "In this randomised trial, 120 patients with type 2 diabetes and neuropathy received "
    "methylcobalamin 1500 µg daily or placebo for 12 weeks; 110 patients completed it (n = 60). "
)


def trial_text(characters: int) -> str:
    return (TRIAL_SENTENCE * (characters // len(TRIAL_SENTENCE) + 1))[:characters]


def cpu_seconds(work: Callable[[], object], repeats: int = 3) -> float:
    """The least CPU time of `repeats` runs of `work` (other load only ever adds time)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def growth(read: Callable[[str], object], small: int, factor: int = 8) -> float:
    """How many times longer `read` takes on `factor` times the text."""
    little, big = trial_text(small), trial_text(small * factor)
    read(little)  # warm caches (compiled patterns, screens) before timing
    return cpu_seconds(lambda: read(big), repeats=1) / cpu_seconds(lambda: read(little))


def test_the_readers_take_time_in_proportion_to_the_text_below_the_limit():
    assert 8 * 6_000 <= TEXT_LIMIT
    assert growth(attributes_from_text, 6_000) <= 16  # 8 times the text; linear is about 8


def test_control_a_reader_that_splits_the_text_per_number_fails_the_same_measure():
    def sentence_per_count(text: str) -> list[tuple[int, int]]:
        return [sentence_around(text, match.start()) for match in _COUNT.finditer(text)]

    assert growth(sentence_per_count, 6_000) > 16


def _classify_xml(abstract: str) -> str:
    return (
        '<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE">'
        '<PMID Version="1">41000001</PMID><Article><ArticleTitle>Methylcobalamin for diabetic '
        f"neuropathy</ArticleTitle><Abstract><AbstractText>{abstract}</AbstractText></Abstract>"
        "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>\n"
    )


def test_classify_reads_a_1_mb_abstract_in_about_the_time_of_one_8_times_shorter(
    tmp_path, monkeypatch, capsys
):
    from litwatch.cli import main

    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    outputs = {}

    def classify(characters: int) -> None:
        path = tmp_path / f"abstract-{characters}.xml"
        path.write_text(_classify_xml(trial_text(characters)), encoding="utf-8")
        monkeypatch.setattr(sys, "argv", ["litwatch", "classify", str(path), "--text-only"])
        capsys.readouterr()
        try:
            main()
        except SystemExit as exit:
            assert exit.code in (0, None), capsys.readouterr().err
        outputs[characters] = json.loads(capsys.readouterr().out)

    classify(1_000)  # start-up: settings, watch file, design model
    # Both lengths are past the limit, so each costs a real abstract plus parsing; with the
    # quadratic reader and no limit, 1 MB took 43 seconds (issue #14).
    eighth = cpu_seconds(lambda: classify(125_000))
    whole = cpu_seconds(lambda: classify(1_000_000), repeats=1)
    assert whole <= 10 * eighth + 0.5, (eighth, whole)

    attributes = outputs[1_000_000]["attributes"]
    assert attributes["evidence"]["text"].startswith(f"text cut at {TEXT_LIMIT:,} characters")
    assert attributes["n_participants"] == 120 and attributes["follow_up_weeks"] == 12.0
    assert "text" not in outputs[1_000]["attributes"]["evidence"]
