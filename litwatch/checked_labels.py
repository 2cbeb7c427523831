"""Reviewers' checked values as training labels, for `litwatch train` and `litwatch
train-findings`: checked designs with their record, checked domain calls with the sentence
the call rests on. A value whose record's text changed since it was checked (it needs a
re-check) is left out: it was decided on other words than the ones the model would learn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from litwatch.classifiers.design.training_data import LabelledRecord
from litwatch.classifiers.findings.training import Prompt
from litwatch.config import Watch, find_watch, load_watches
from litwatch.core.classification import Classification
from litwatch.core.findings import direction_of
from litwatch.core.records import Record
from litwatch.settings import Settings

CHECKED_SOURCE = "reviewer-checked"


@dataclass
class CheckedLabels:
    """What the store's reviewers checked, ready to learn from."""

    designs: list[LabelledRecord] = field(default_factory=list)
    findings: list[Prompt] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)  # the records the findings read
    left_out: int = 0  # checked values that need a re-check, or say nothing to learn
    watches: tuple[str, ...] = ()

    def none_line(self, command: str) -> str | None:
        """The one line saying no checked label was found, or None when some were."""
        if self.designs or self.findings:
            if self.left_out:
                return (
                    f"{command}: {self.left_out} checked value(s) left out: their record's text"
                    " changed since (needs a re-check) or they hold no effect or sentence to learn"
                )
            return None
        where = ", ".join(self.watches) or "no store"
        return f"{command}: no reviewer-checked labels found ({where}); training on the corpus only"


def read_checked_labels(settings: Settings, watch_name: str | None = None) -> CheckedLabels:
    """The checked labels of every watch (or the one named) in the settings' store; none
    without a store."""
    if not settings.db_path.exists():
        if watch_name is not None:  # a misspelt --watch is one line, store or not
            find_watch(load_watches(settings.watches_file), watch_name)
        return CheckedLabels()
    watches = find_watch(load_watches(settings.watches_file), watch_name)
    from litwatch.store import Store

    labels = CheckedLabels(watches=tuple(w.name for w in watches))
    with Store.open(settings.db_path) as store:
        for watch in watches:
            _watch_labels(store, watch, labels)
    return labels


def _watch_labels(store, watch: Watch, labels: CheckedLabels) -> None:
    states = store.review_states(watch.name, watch.review)
    if not states:
        return
    versions = {v.record.pmid: v for v in store.latest_versions(watch.name)}
    machine = store.classifications(
        watch.name,
        [(pmid, versions[pmid].store_version) for pmid in states if pmid in versions],
        machine=True,
    )
    polarity = {d.name: d.polarity for d in watch.findings.domains}
    for pmid, fields in sorted(states.items()):
        version = versions.get(pmid)
        if version is None:
            continue
        record = version.record
        for name, state in sorted(fields.items()):
            checked = state.checked
            if checked is None or not (name == "design" or name.startswith("finding:")):
                continue  # topic decisions teach the relevance model (litwatch/relevance.py)
            if checked.needs_recheck:
                labels.left_out += 1
                continue
            if name == "design":
                labels.designs.append(
                    LabelledRecord(
                        record,
                        checked.value,
                        (f"checked by {checked.reviewer}",),
                        f"{CHECKED_SOURCE} {watch.name}",
                        checked=True,
                    )
                )
            elif name.startswith("finding:"):
                call = machine.get((pmid, version.store_version))
                prompt = _finding_prompt(
                    watch, call, name[8:], checked.value, polarity, f"{pmid}/{name}"
                )
                if prompt is None:
                    labels.left_out += 1
                else:
                    labels.findings.append(prompt)
                    labels.records[pmid] = record


def _finding_prompt(
    watch: Watch,
    machine: Classification | None,
    domain: str,
    direction: str,
    polarity: dict[str, str],
    prompt_id: str,
) -> Prompt | None:
    """The checked call as a labelled prompt: the outcome as the abstract names it, the
    watch's arms, the effect the reviewer's direction means, and the sentence the call rests on.
    A call with no sentence to learn from (the machine read none) or no effect ("unclear",
    not reported) is none."""
    if machine is None:
        return None
    here = [f for f in machine.findings if f.domain == domain]
    overall = next((f for f in here if not f.subgroup), None)
    if overall is None or not overall.evidence:
        return None
    effect = _effect_for(direction, overall.effect, polarity.get(domain, ""))
    if effect is None:
        return None
    return Prompt(
        prompt_id,
        machine.pmid,
        overall.outcome or domain,
        _first(watch.findings.intervention),
        _first(watch.findings.comparator),
        effect,
        overall.evidence,
    )


def _effect_for(direction: str, machine_effect: str, polarity: str) -> str | None:
    """The effect (increased, decreased, no-difference) that reads as `direction`, keeping the
    machine's effect where it already does."""
    if direction == "no-difference":
        return "no-difference"
    candidates = [e for e in ("increased", "decreased") if direction_of(e, polarity) == direction]
    if not candidates:
        return None  # "unclear", not reported, or a domain without a polarity
    return machine_effect if machine_effect in candidates else candidates[0]


def _first(words: Sequence[str]) -> str:
    return words[0] if words else ""
