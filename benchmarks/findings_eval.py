"""Score the findings reader on Evidence Inference prompts: per-label precision, recall and F1
from 5-fold cross-validation grouped by article (no article is judged by a model trained on
it), the share of correct answers whose sentence overlaps the annotators', and the speed of
the shipped model per record (key finding plus the default watch's outcome domains).

    python benchmarks/findings_eval.py [CORPUS_DIR]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from litwatch.classifiers.design import load_design_model
from litwatch.classifiers.findings.domains import read_findings_in
from litwatch.classifiers.findings.key_finding import key_finding_in
from litwatch.classifiers.findings.model import LABELS, shipped_model
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.text import read_abstract
from litwatch.classifiers.findings.training import cross_validated_calls, evidence_overlaps
from litwatch.classifiers.judge import Judge
from litwatch.pubmed.xml import parse_xml
from sklearn.metrics import f1_score, precision_recall_fscore_support

from litwatch.config import load_watches
from litwatch.findings_command import read_prompts

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def main(corpus: Path = CORPUS) -> None:
    folder = corpus / "evidence-inference"
    records = list(parse_xml(folder / "ei_dev_abstracts.xml"))
    abstracts = {record.pmid: read_abstract(record) for record in records}
    prompts = [p for p in read_prompts(folder / "ei_dev_prompts.csv") if p.label]
    print(f"{len(prompts)} prompts over {len({p.pmid for p in prompts})} articles")
    print("label counts:", dict(sorted(Counter(p.label for p in prompts).items())))

    started = time.perf_counter()
    calls = cross_validated_calls(abstracts, prompts, folds=5)
    print(f"5-fold article-grouped CV took {time.perf_counter() - started:.1f} s\n")
    truth = [p.label for p in prompts]
    predicted = [call.label for call in calls]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(LABELS), zero_division=0
    )
    print(f"{'label':<14} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>5}")
    for row in zip(LABELS, precision, recall, f1, support, strict=True):
        print(f"{row[0]:<14} {row[1]:6.3f} {row[2]:6.3f} {row[3]:6.3f} {row[4]:5d}")
    not_reported = predicted.count("not-reported")
    print(f"answered not-reported (all prompts are answerable): {not_reported}")

    correct = [(c, p) for c, p in zip(calls, prompts, strict=True) if c.label == p.label]
    overlapping = sum(evidence_overlaps(c.evidence, p.evidence) for c, p in correct)
    share = overlapping / len(correct) if correct else 0.0
    print(f"evidence overlaps the annotators' for {overlapping} of {len(correct)} correct answers")

    model = shipped_model()
    watch = load_watches()[0]
    domains = watch.outcome_domains
    arms = watch.findings.intervention, watch.findings.comparator
    started = time.perf_counter()
    for record in records:
        abstract = read_abstract(record)
        key_finding_in(abstract)
        read_findings_in(abstract, domains, *arms, model=model)
    per_record = len(records) / (time.perf_counter() - started)
    started = time.perf_counter()
    for p in prompts:
        effect_in(abstracts[p.pmid], p.outcome, p.intervention, p.comparator, model=model)
    per_prompt = len(prompts) / (time.perf_counter() - started)
    # The whole classification on the same records in the same minute: on a shared, loaded
    # machine the ratio says more than either figure alone.
    design_model = load_design_model(None)
    judge = Judge(watch.topic, watch.gaps, watch.findings_definition, design_model=design_model)
    judge.classify(records[:50], text_only=True)  # models load and compile outside the timing
    started = time.perf_counter()
    judge.classify(records, text_only=True)
    per_record_judge = len(records) / (time.perf_counter() - started)
    print(
        f"\nshipped model: {per_record:,.0f} records/s (read, key finding, default domains); "
        f"{per_prompt:,.0f} prompts/s on abstracts already read"
    )
    print(
        f"the whole classification (design, attributes, topic, gaps, key finding, findings): "
        f"{per_record_judge:,.0f} records/s, of which the findings reader takes "
        f"{100 * per_record_judge / per_record:.0f}%"
    )
    macro = f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0)
    print(f"evidence_overlap_share={share:.3f}")
    print(f"records_per_s={per_record:.0f}")
    print(f"findings_macro_f1={macro:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
