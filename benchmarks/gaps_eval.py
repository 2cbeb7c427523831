"""Score attributes, topic relevance and the default watch's gaps against corpus/ontopic/labels.tsv.

Gaps are scored twice: with the design column of labels.tsv (the gaps alone) and with the
design classifier (the pipeline as it runs). A gap counts as found when its relevance is
`addresses` or `partly`. The last lines are `topic_f1=X` and one `gap_<name>_f1=X` per gap,
with the design classifier.

    python benchmarks/gaps_eval.py [CORPUS_DIR]
"""

from __future__ import annotations

import csv
import sys
import time
import tomllib
from pathlib import Path

from litwatch.classifiers.attributes import read_attributes
from litwatch.classifiers.definitions import (
    GapDefinitionModel,
    TopicDefinitionModel,
    compile_gaps,
    compile_topic,
)
from litwatch.classifiers.gaps import assess_gaps
from litwatch.classifiers.topic import is_topic_relevant
from litwatch.pubmed.xml import parse_xml

from litwatch.config import default_watch_file, load_watches

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


# The labels.tsv columns that say whether a record is in one of the default watch's
# populations: (score name, population, column).
_POPULATION_COLUMNS = (
    ("metformin_exact", "metformin-users", "metformin_population"),
    ("b12_status_exact", "b12-measured", "b12_status_reported_or_stratified"),
)


def default_definitions():
    """The default watch's topic and gaps, compiled, and its words for the attribute readers."""
    [watch] = [w for w in load_watches(default_watch_file()) if w.topic is not None][:1]
    raw = tomllib.loads(default_watch_file().read_text(encoding="utf-8"))["watch"][0]
    topic = compile_topic(TopicDefinitionModel.model_validate(raw["topic"]))
    gaps = compile_gaps(
        [GapDefinitionModel.model_validate(gap) for gap in raw["gaps"]],
        watch.population_labels,
        watch.domain_titles,
    )
    return topic, gaps, watch


def _f1(truth: list[bool], predicted: list[bool]) -> tuple[float, float, float]:
    hits = sum(t and p for t, p in zip(truth, predicted, strict=True))
    precision = hits / sum(predicted) if any(predicted) else 1.0
    recall = hits / sum(truth) if any(truth) else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _listed(cell: str) -> set[str]:
    return {part for part in cell.split(";") if part and part != "none"}


def evaluate(corpus: Path = CORPUS, designs: str = "labels") -> dict[str, float]:
    """Scores over the on-topic corpus; `designs` is "labels" or "classifier"."""
    labels = {
        row["pmid"]: row
        for row in csv.DictReader(
            (corpus / "ontopic" / "labels.tsv").open(encoding="utf-8"), delimiter="\t"
        )
    }
    records = list(parse_xml(corpus / "ontopic" / "ontopic.xml"))
    topic, gaps, watch = default_definitions()
    vocabulary = watch.attribute_vocabulary
    domains, outcome_vocabulary = watch.outcome_domains, watch.outcome_vocabulary
    if designs == "classifier":
        from litwatch.classifiers.design import classify_designs, load_design_model

        design_of = {
            r.pmid: call.label
            for r, call in zip(
                records, classify_designs(records, load_design_model(None)), strict=True
            )
        }
    else:
        design_of = {pmid: row["design"] for pmid, row in labels.items()}

    rows = []
    for record in records:
        attributes = read_attributes(record, vocabulary, domains, outcome_vocabulary)
        topic_call = is_topic_relevant(record, attributes, topic)
        calls = assess_gaps(record, design_of[record.pmid], attributes, gaps, topic=topic_call)
        rows.append((labels[record.pmid], attributes, topic_call, calls))

    scores: dict[str, float] = {}
    truth = [row["topic_relevant"] == "1" for row, *_ in rows]
    predicted = [call.relevant for _, _, call, _ in rows]
    scores["topic_precision"], scores["topic_recall"], scores["topic_f1"] = _f1(truth, predicted)
    for gap in gaps:
        truth = [row[f"gap_{gap.name}"] == "1" for row, *_ in rows]
        predicted = [calls[gap.name].addresses_gap for *_, calls in rows]
        _, _, scores[f"gap_{gap.name}_f1"] = _f1(truth, predicted)

    stated = [(row, a) for row, a, *_ in rows if row["n_participants"]]
    scores["participants_exact"] = sum(
        a.n_participants == int(row["n_participants"]) for row, a in stated
    ) / len(stated)
    stated = [(row, a) for row, a, *_ in rows if row["follow_up_weeks"]]
    scores["follow_up_within_10pct"] = sum(
        a.follow_up_weeks is not None
        and abs(a.follow_up_weeks - float(row["follow_up_weeks"]))
        <= 0.1 * float(row["follow_up_weeks"])
        for row, a in stated
    ) / len(stated)
    for field, column in (("forms", "formulations"), ("routes", "routes")):
        scores[f"{column}_exact"] = sum(
            set(getattr(a, field)) == _listed(row[column]) for row, a, *_ in rows
        ) / len(rows)
    scores["comparator_exact"] = sum(
        a.comparator == row["comparator"] for row, a, *_ in rows
    ) / len(rows)
    for score, population, column in _POPULATION_COLUMNS:
        scores[score] = sum(
            a.in_population(population) == (row[column] == "1") for row, a, *_ in rows
        ) / len(rows)
    return scores


def _records_per_second(corpus: Path) -> float:
    records = list(parse_xml(corpus / "ontopic" / "ontopic.xml"))
    topic, gaps, watch = default_definitions()
    vocabulary = watch.attribute_vocabulary
    domains, outcome_vocabulary = watch.outcome_domains, watch.outcome_vocabulary
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for record in records:
            attributes = read_attributes(record, vocabulary, domains, outcome_vocabulary)
            call = is_topic_relevant(record, attributes, topic)
            assess_gaps(record, "rct", attributes, gaps, topic=call)
    return rounds * len(records) / (time.perf_counter() - started)


def main(corpus: Path = CORPUS) -> None:
    with_labels = evaluate(corpus, "labels")
    print("with the labelled design:")
    for name, value in with_labels.items():
        print(f"  {name}={value:.3f}")
    print(f"records per second (attributes, topic, gaps): {_records_per_second(corpus):.0f}")
    with_classifier = evaluate(corpus, "classifier")
    print("with the design classifier:")
    print(f"topic_f1={with_classifier['topic_f1']:.3f}")
    for name, value in with_classifier.items():
        if name.startswith("gap_"):
            print(f"{name}={value:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
