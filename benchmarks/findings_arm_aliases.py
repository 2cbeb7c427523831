"""Which of the findings reader's wrong calls (5-fold CV grouped by article, as in
findings_eval.py) are on evidence that names an arm by an alias the abstract gives it rather
than by the prompt's own words: an abbreviation ("DEX", "LC group"), a group label ("group B",
"Group II") or a role ("the study group", "the control group"). Counted by kind over all
prompts and over the wrong calls, so a fix of that class shows as fewer wrong calls there.

    python benchmarks/findings_arm_aliases.py [CORPUS_DIR] [--list]

Ends with `arm_alias_wrong=KIND:WRONG/PROMPTS,...` and `findings_macro_f1=X`."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from litwatch.classifiers.findings.effect import _GROUP_LABEL, arm_words
from litwatch.classifiers.findings.model import LABELS
from litwatch.classifiers.findings.text import Abstract, read_abstract
from litwatch.classifiers.findings.training import Prompt, cross_validated_calls
from litwatch.pubmed.xml import parse_xml
from sklearn.metrics import f1_score

from litwatch.findings_command import read_prompts

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
_CAPITALS = re.compile(r"(?<![\w-])([A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*)(?![\w-])")
_ROLE = re.compile(
    r"\b(?:intervention|treatment|study|experimental|active|control|placebo|comparison|"
    r"usual[- ]care|standard[- ]care)\s+(?:group|arm)s?\b",
    re.IGNORECASE,
)


def alias_kinds(abstract: Abstract, prompt: Prompt) -> set[str]:
    """The kinds of arm alias the annotators' evidence uses: an abbreviation the prompt's arms
    do not spell, a group label, a role."""
    text = prompt.evidence
    named = arm_words(prompt.intervention, prompt.comparator) | arm_words(
        prompt.comparator, prompt.intervention
    )
    defined = abstract.abbreviations
    outcome = prompt.outcome.lower()
    kinds = set()
    for short in _CAPITALS.findall(text):
        lowered = short.lower()
        if lowered in named or lowered in outcome or lowered in ("ci", "or", "rr", "hr", "sd"):
            continue
        if lowered in defined and not set(defined[lowered].split()) & set(outcome.split()):
            kinds.add("abbreviation")
    if _GROUP_LABEL.search(text):
        kinds.add("group_label")
    if _ROLE.search(text):
        kinds.add("role")
    return kinds


def main(corpus: Path = CORPUS, listing: bool = False) -> None:
    folder = corpus / "evidence-inference"
    abstracts = {
        record.pmid: read_abstract(record) for record in parse_xml(folder / "ei_dev_abstracts.xml")
    }
    prompts = [p for p in read_prompts(folder / "ei_dev_prompts.csv") if p.label]
    calls = cross_validated_calls(abstracts, prompts, folds=5)
    every: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for prompt, call in zip(prompts, calls, strict=True):
        kinds = alias_kinds(abstracts[prompt.pmid], prompt) or {"none"}
        every.update(kinds)
        if call.label != prompt.label:
            wrong.update(kinds)
            if listing and kinds != {"none"}:
                print(
                    f"{prompt.prompt_id} {sorted(kinds)} truth={prompt.label} "
                    f"called={call.label} | {prompt.intervention[:40]} vs "
                    f"{prompt.comparator[:40]} | {prompt.evidence[:160]}"
                )
    total_wrong = sum(c.label != p.label for c, p in zip(calls, prompts, strict=True))
    print(f"{total_wrong} wrong calls of {len(prompts)}")
    for kind in ("abbreviation", "group_label", "role", "none"):
        print(f"{kind:<13} wrong {wrong[kind]:4d} of {every[kind]:4d} prompts")
    figures = ",".join(
        f"{k}:{wrong[k]}/{every[k]}" for k in ("abbreviation", "group_label", "role")
    )
    print(f"arm_alias_wrong={figures}")
    truth = [p.label for p in prompts]
    predicted = [c.label for c in calls]
    macro = f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0)
    print(f"findings_macro_f1={macro:.3f}")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--list"]
    main(Path(arguments[0]) if arguments else CORPUS, "--list" in sys.argv)
