"""Findings per outcome domain: which of a watch's domains an abstract reports a result for,
what the effect was, and, through the domain's polarity, whom it favours."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from litwatch.classifiers.findings.effect import CONTROL_WORDS, arm_words, read_clause
from litwatch.classifiers.findings.model import FindingsModel
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.retrieval import outcome_words
from litwatch.classifiers.findings.text import (
    BACKGROUND,
    METHODS,
    OTHER,
    Abstract,
    read_abstract,
    stem,
    stem_text,
)

_LEADING_WORD = re.compile(r"[a-z][a-z0-9]*")
from litwatch.core.findings import DomainTerm, EffectCall, Finding, OutcomeDomain, direction_of
from litwatch.core.records import Record

# Sections that name outcomes without reporting them (aims, measures, registrations).
_NOT_RESULTS = frozenset({BACKGROUND, METHODS, OTHER})


def read_findings(
    record: Record,
    domains: Sequence[OutcomeDomain],
    intervention: str | Sequence[str] = "",
    comparator: str | Sequence[str] = "",
    model: FindingsModel | None = None,
) -> tuple[Finding, ...]:
    """One finding per domain (per polarity within a domain) the record reports a result for."""
    return read_findings_in(read_abstract(record), domains, intervention, comparator, model)


def read_findings_in(
    abstract: Abstract,
    domains: Sequence[OutcomeDomain],
    intervention: str | Sequence[str] = "",
    comparator: str | Sequence[str] = "",
    model: FindingsModel | None = None,
) -> tuple[Finding, ...]:
    results = [s for s in abstract.sentences if s.role not in _NOT_RESULTS]
    if not results:
        return ()
    text = "\n".join(s.text for s in results)
    mentions: dict[int, list[str]] = {}
    for index, group in enumerate(_compiled(domains)):
        if group.may_occur(abstract.vocabulary):
            said = group.pattern.findall(text)
            if said:
                mentions[index] = said
    found = []
    groups = _compiled(domains)
    for index, said in mentions.items():
        domain, polarity = groups[index].domain, groups[index].polarity
        # The outcome as the abstract words it most often.
        outcome = max(set(said), key=lambda m: (said.count(m), len(m)))
        call = effect_in(
            abstract, outcome, intervention, comparator, model=model, results_only=True
        )
        if call.label == "not-reported":
            continue
        call = _plain_words_rule(abstract, outcome, call, polarity, intervention, comparator)
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


@dataclass(frozen=True)
class _TermGroup:
    """A domain's terms of one polarity, compiled, with the words one of them must start with:
    most abstracts name none of them, and a set lookup is far cheaper than a regex scan."""

    domain: OutcomeDomain
    polarity: str
    pattern: re.Pattern[str]
    first_words: frozenset[str]
    first_prefixes: tuple[str, ...]
    always: bool  # a term that starts with no letter: no cheap test

    def may_occur(self, vocabulary: frozenset[str]) -> bool:
        if self.always or not self.first_words.isdisjoint(vocabulary):
            return True
        return bool(self.first_prefixes) and any(
            word.startswith(self.first_prefixes) for word in vocabulary
        )


_COMPILED: dict[int, tuple[Sequence[OutcomeDomain], list[_TermGroup]]] = {}


def _compiled(domains: Sequence[OutcomeDomain]) -> list[_TermGroup]:
    """The domains' terms grouped by (domain, polarity) and compiled, kept per domain list (by
    identity: a watch's list lives as long as the watch)."""
    cached = _COMPILED.get(id(domains))
    if cached is not None and cached[0] is domains:
        return cached[1]
    grouped: dict[tuple[int, str], list[DomainTerm]] = {}
    for number, domain in enumerate(domains):
        for term in domain.terms:
            grouped.setdefault((number, domain.polarity_of(term)), []).append(term)
    built = []
    for (number, polarity), terms in grouped.items():
        words, prefixes, always = set(), [], False
        for term in terms:
            first = term.text.strip().split()[0].lower()
            token = _LEADING_WORD.match(stem_text(first.rstrip("*")))
            if token is None:
                always = True
            elif first.endswith("*") and token.group(0) == first.rstrip("*"):
                prefixes.append(token.group(0))
            else:
                words.add(token.group(0))
        alternatives = "|".join(_term_regex(term) for term in terms)
        pattern = re.compile(r"(?=\w)\b(?:" + alternatives + r")(?!\w)", re.IGNORECASE)
        built.append(
            _TermGroup(
                domains[number], polarity, pattern, frozenset(words), tuple(prefixes), always
            )
        )
    if len(_COMPILED) >= 64:  # callers building a new list per record: keep memory bounded
        _COMPILED.clear()
    _COMPILED[id(domains)] = (domains, built)
    return built


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


def _plain_words_rule(
    abstract: Abstract,
    outcome: str,
    call: EffectCall,
    polarity: str,
    intervention: str | Sequence[str],
    comparator: str | Sequence[str],
) -> EffectCall:
    """Where the clause's words are plain, they decide: "improved with methylcobalamin" is a
    gain for the intervention whichever way the measure moved (a judgement outranks the
    polarity), and "fell more with B-complex than with placebo" is a decrease even without a
    p-value, which the model, trained on reports with statistics, would doubt."""
    reading = read_clause(
        call.evidence,
        outcome_words(abstract, outcome),
        arm_words(intervention, comparator),
        arm_words(comparator, intervention),
    )
    if reading.no_difference:
        return call
    better = "increased" if polarity == "higher-is-better" else "decreased"
    worse = "decreased" if better == "increased" else "increased"
    if reading.verdict:
        return replace(call, label=better if reading.verdict > 0 else worse)
    if reading.amount:
        return replace(call, label="increased" if reading.amount > 0 else "decreased")
    return call


def _names_an_arm(
    sentence: str, intervention: str | Sequence[str], comparator: str | Sequence[str]
) -> bool:
    words = {stem(w) for w in re.findall(r"[a-z0-9]+", sentence.lower())}
    arms = arm_words(intervention, comparator) | arm_words(comparator, intervention)
    return bool(words & (arms | CONTROL_WORDS | {"group", "groups", "arm", "arms"}))
