"""Findings per outcome domain: which of a watch's domains an abstract reports a result for,
what the effect was, and, through the domain's polarity, whom it favours."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from litwatch.classifiers.findings.effect import CONTROL_WORDS, arm_words
from litwatch.classifiers.findings.model import FindingsModel
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.text import (
    BACKGROUND,
    METHODS,
    OTHER,
    Abstract,
    read_abstract,
    stem,
)
from litwatch.core.findings import DomainTerm, Finding, OutcomeDomain, direction_of
from litwatch.core.records import Record

# Sections that name outcomes without reporting them (aims, measures, registrations).
_NOT_RESULTS = frozenset({BACKGROUND, METHODS, OTHER})


def read_findings(
    record: Record,
    domains: Sequence[OutcomeDomain],
    intervention: str = "",
    comparator: str = "",
    model: FindingsModel | None = None,
) -> tuple[Finding, ...]:
    """One finding per domain (per polarity within a domain) the record reports a result for."""
    return read_findings_in(read_abstract(record), domains, intervention, comparator, model)


def read_findings_in(
    abstract: Abstract,
    domains: Sequence[OutcomeDomain],
    intervention: str = "",
    comparator: str = "",
    model: FindingsModel | None = None,
) -> tuple[Finding, ...]:
    results = [s for s in abstract.sentences if s.role not in _NOT_RESULTS]
    if not results:
        return ()
    text = "\n".join(s.text for s in results)
    found = []
    for domain in domains:
        for polarity, pattern in _patterns(domain):
            mentions = [m.group(0) for m in pattern.finditer(text)]
            if not mentions:
                continue
            # The outcome as the abstract words it most often.
            outcome = max(set(mentions), key=lambda m: (mentions.count(m), len(m)))
            call = effect_in(abstract, outcome, intervention, comparator, model=model)
            if call.label == "not-reported":
                continue
            direction = direction_of(call.label, polarity)
            if call.label != "no-difference" and not _names_an_arm(
                call.evidence, intervention, comparator
            ):
                # "Pain decreased (p < 0.01)" with no arm named may be change within one arm.
                direction = "unclear"
            found.append(
                Finding(domain.name, outcome, call.label, direction, call.evidence, call.confidence)
            )
    return tuple(found)


@lru_cache(maxsize=256)
def _patterns(domain: OutcomeDomain) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One case-free regex per polarity the domain's terms carry."""
    by_polarity: dict[str, list[str]] = {}
    for term in domain.terms:
        by_polarity.setdefault(domain.polarity_of(term), []).append(_term_regex(term))
    return tuple(
        (polarity, re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE))
        for polarity, parts in by_polarity.items()
    )


def _term_regex(term: DomainTerm) -> str:
    """A written term as a regex: `*` any word ending, spaces and hyphens alike. A term in
    capitals (an abbreviation such as MMA) matches in capitals only."""
    text = term.text.strip()
    pieces = []
    for part in re.split(r"([\s\-]+|\*)", text):
        if part == "*":
            pieces.append(r"\w*")
        elif part and part.strip(" -") == "":
            pieces.append(r"[\s\-]+")
        elif part:
            pieces.append(re.escape(part))
    pattern = "".join(pieces)
    if len(text) <= 6 and text.isupper():
        pattern = f"(?-i:{pattern})"
    return pattern


def _names_an_arm(sentence: str, intervention: str, comparator: str) -> bool:
    words = {stem(w) for w in re.findall(r"[a-z0-9]+", sentence.lower())}
    arms = arm_words(intervention, comparator) | arm_words(comparator, intervention)
    return bool(words & (arms | CONTROL_WORDS | {"group", "groups", "arm", "arms"}))
