"""Findings per outcome domain: which of a watch's domains an abstract reports a result for,
what the effect was, and, through the domain's polarity, whom it favours."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from litwatch.classifiers.findings.effect import CONTROL_WORDS, arm_words, read_clause
from litwatch.classifiers.findings.model import FindingsModel
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.retrieval import outcome_words
from litwatch.classifiers.findings.text import (
    BACKGROUND,
    METHODS,
    OTHER,
    Abstract,
    Sentence,
    read_abstract,
    stem,
)

_LEADING_WORD = re.compile(r"[a-z][a-z0-9]*")
_PREFIX = 4  # letters of a word kept to rule out a term written with "*"
from litwatch.core.findings import DomainTerm, EffectCall, Finding, OutcomeDomain, direction_of
from litwatch.core.records import Record

# Sections that name outcomes without reporting them (aims, measures, registrations).
_NOT_RESULTS = frozenset({BACKGROUND, METHODS, OTHER})

# A non-inferiority or equivalence trial states its result for the primary outcome, often
# without naming it again ("Subcutaneous injection was non-inferior at 12 weeks"): the outcome
# is the one the methods call primary. "was not non-inferior" is no such statement.
_PRIMARY_OUTCOME = re.compile(
    r"\bprimary (?:efficacy )?(?:outcome|end[- ]?point)s?(?: measures?)? (?:was|were|is|are)\b",
    re.IGNORECASE,
)
_STATED_NON_INFERIOR = re.compile(
    r"\b(?:was|were|is|are|proved|remained) (?:(?!not\b|never\b)\w+ )?"
    r"(?:non-?inferior|equivalent)\b"
    r"|\bnon-?inferiority (?:was|were) (?:shown|demonstrated|established|confirmed|met)\b",
    re.IGNORECASE,
)
# Every Evidence Inference prompt whose evidence sentence states non-inferiority or equivalence
# is labelled no difference (3 of 3 in the development prompts); Laplace-smoothed, 4/5.
NON_INFERIORITY_CONFIDENCE = 0.8


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
    # The words as written, lower-cased: a term's pattern matches its first word literally,
    # so no stemming is needed to rule a term out.
    written = frozenset(_LEADING_WORD.findall(text.lower()))
    beginnings = frozenset(word[:_PREFIX] for word in written)
    mentions: dict[int, list[str]] = {}
    for index, group in enumerate(_compiled(domains)):
        if group.may_occur(written, beginnings):
            said = group.pattern.findall(text)
            if said:
                mentions[index] = said
    found = []
    groups = _compiled(domains)
    for index, said in mentions.items():
        domain, polarity = groups[index].domain, groups[index].polarity
        # The outcome as the abstract words it most often.
        outcome = max(
            sorted(set(said)), key=lambda m: (said.count(m), len(m))
        )  # ties: sorted, not hash order
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
    reported = {finding.domain for finding in found}
    found.extend(
        _primary_outcome_non_inferior(
            abstract, [group for group in groups if group.domain.name not in reported], results
        )
    )
    return tuple(found)


def _primary_outcome_non_inferior(
    abstract: Abstract, groups: Sequence[_TermGroup], results: Sequence[Sentence]
) -> list[Finding]:
    """No difference for the domain of the primary outcome, where the results state
    non-inferiority or equivalence without naming any outcome of the watch."""
    if not groups:
        return []
    statement = next((s for s in results if _STATED_NON_INFERIOR.search(s.text)), None)
    if statement is None or any(group.pattern.search(statement.text) for group in groups):
        return []
    for sentence in abstract.sentences:
        primary = _PRIMARY_OUTCOME.search(sentence.text)
        if primary is None:
            continue
        named = sentence.text[primary.end() :]
        for group in groups:
            said = group.pattern.search(named)
            if said:
                return [
                    Finding(
                        group.domain.name,
                        said.group(0),
                        "no-difference",
                        direction_of("no-difference", group.polarity),
                        statement.text,
                        NON_INFERIORITY_CONFIDENCE,
                    )
                ]
        return []  # the first statement of the primary outcome is the one
    return []


@dataclass(frozen=True)
class _TermGroup:
    """A domain's terms of one polarity, compiled, with the words each term needs: most
    abstracts name none of them, and set lookups are far cheaper than a regex scan."""

    domain: OutcomeDomain
    polarity: str
    pattern: re.Pattern[str]
    # Per term: the words it holds whole and the beginnings of the words it ends with "*".
    needs: tuple[tuple[frozenset[str], tuple[str, ...]], ...]

    @cached_property
    def anchors(self) -> frozenset[str] | None:
        """One word each term needs (None when a term needs no whole word): a text with none
        of them holds none of the terms."""
        if any(not words for words, _ in self.needs):
            return None
        return frozenset(max(sorted(words), key=len) for words, _ in self.needs)

    def may_occur(self, written: frozenset[str], beginnings: frozenset[str]) -> bool:
        """Whether a text whose words (as written, lower-cased) are `written` and whose words'
        first letters are `beginnings` can hold one of the terms."""
        anchors = self.anchors
        if anchors is not None and anchors.isdisjoint(written):
            return False
        return any(
            words <= written and all(p[:_PREFIX] in beginnings for p in prefixes)
            for words, prefixes in self.needs
        )


def _needs(term: DomainTerm) -> tuple[frozenset[str], tuple[str, ...]]:
    """The words a text must hold for the term's pattern to match it: each word of the term
    written whole, and the first letters of a word the term leaves open with "*" (a word the
    pattern matches literally is a word of the text, as the parts are set apart by spaces,
    hyphens or the pattern's word boundaries)."""
    words: set[str] = set()
    prefixes: list[str] = []
    for part in re.split(r"[\s\-]+", term.text.strip().lower()):
        literal, star, _ = part.partition("*")
        found = _LEADING_WORD.findall(literal)
        if star and found and literal.endswith(found[-1]):
            open_word = found.pop()
            if len(open_word) >= _PREFIX:
                prefixes.append(open_word)
        words.update(found)
    return frozenset(words), tuple(prefixes)


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
        alternatives = "|".join(_term_regex(term) for term in terms)
        pattern = re.compile(r"(?=\w)\b(?:" + alternatives + r")(?!\w)", re.IGNORECASE)
        needs = tuple(_needs(term) for term in terms)
        built.append(_TermGroup(domains[number], polarity, pattern, needs))
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
    intervention = intervention if isinstance(intervention, str) else tuple(intervention)
    comparator = comparator if isinstance(comparator, str) else tuple(comparator)
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
    intervention = intervention if isinstance(intervention, str) else tuple(intervention)
    comparator = comparator if isinstance(comparator, str) else tuple(comparator)
    arms = arm_words(intervention, comparator) | arm_words(comparator, intervention)
    return bool(words & (arms | CONTROL_WORDS | {"group", "groups", "arm", "arms"}))
