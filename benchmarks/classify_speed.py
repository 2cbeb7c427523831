"""How many records per second the whole classification judges (design, attributes, topic, gaps, key
finding and findings), on the Evidence Inference abstracts with the default watch, text-only (as
before NLM indexing), in one process.

Start-up and parsing are excluded: the records are parsed and the watch compiled first, and a
warm-up batch loads the models. The timed call is the Judge entry the flows use (`Judge.classify`).
Also prints where the time goes, part by part, so a slow reader is found without a profiler; the
parts are called as the Judge calls them (topic and gaps given the title and abstract the
attributes were read from, prepared once; preparing it is part of the attributes' time).

    .venv/bin/python benchmarks/classify_speed.py [CORPUS_DIR] [--repeats N]

Ends with `classify_records_per_s=X` (the best of the repeats, in CPU time of this process: other
work on a shared machine only slows a run down, so the best run is the least disturbed one).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from litwatch.classifiers.attributes import read_attributes, record_text
from litwatch.classifiers.design import classify_designs, load_design_model
from litwatch.classifiers.findings.domains import read_findings
from litwatch.classifiers.findings.key_finding import key_finding
from litwatch.classifiers.gaps import assess_gaps
from litwatch.classifiers.judge import Judge
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.topic import is_topic_relevant
from litwatch.core.records import Record
from litwatch.pubmed.formats import parse_file

from litwatch.config import load_watches


def best_rate(work: Callable[[], object], records: int, repeats: int) -> float:
    """Records per CPU second of `work`, best of `repeats` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return records / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()

    from litwatch.settings import Settings

    corpus = options.corpus or Settings().corpus_dir
    records: list[Record] = list(parse_file(corpus / "evidence-inference" / "ei_dev_abstracts.xml"))
    watch = load_watches()[0]
    model = load_design_model(None)
    judge = Judge(watch.topic, watch.gaps, watch.findings_definition, design_model=model)
    without_findings = Judge(watch.topic, watch.gaps, design_model=model)
    judge.classify(records[:20], text_only=True)  # compiles the watch, loads the models
    findings = watch.findings_definition
    # the attributes as the Judge reads them: in the watch's words, its domains the outcomes
    words = (findings.attributes, findings.domains, findings.vocabulary)

    designs = [call.label for call in classify_designs(records, model, text_only=True)]
    attributes = [read_attributes(record, *words) for record in records]
    texts = [Passage.of(record_text(record)) for record in records]
    topics = [
        is_topic_relevant(r, a, judge.topic, x)
        for r, a, x in zip(records, attributes, texts, strict=True)
    ]
    parts = {
        "design": lambda: classify_designs(records, model, text_only=True),
        "attributes": lambda: [read_attributes(record, *words) for record in records],
        "topic": lambda: [
            is_topic_relevant(r, a, judge.topic, x)
            for r, a, x in zip(records, attributes, texts, strict=True)
        ],
        # A copy of each prepared text, without the screens the previous run cached in it.
        "gaps": lambda: [
            assess_gaps(r, d, a, judge.gaps, topic=t, text=Passage(x.text, x.lowered, x.folded))
            for r, d, a, t, x in zip(records, designs, attributes, topics, texts, strict=True)
        ],
        "key finding": lambda: [key_finding(record) for record in records],
        "findings": lambda: [
            read_findings(r, findings.domains, findings.intervention, findings.comparator)
            for r in records
        ],
    }
    for name, work in parts.items():
        rate = best_rate(work, len(records), options.repeats)
        print(f"{name}: {rate:,.0f} records/s ({1e6 / rate:,.0f} µs per record)")

    rate = best_rate(
        lambda: without_findings.classify(records, text_only=True), len(records), options.repeats
    )
    print(f"without findings: {rate:,.0f} records/s")
    rate = best_rate(lambda: judge.classify(records, text_only=True), len(records), options.repeats)
    print(f"records: {len(records)} Evidence Inference abstracts, text-only, default watch")
    print(f"classify_records_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
