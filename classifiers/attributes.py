"""What a reviewer looks for first in a record (the forms of the watch's intervention, route,
dose, comparator, size, follow-up, the watch's populations, outcomes), read from title and
abstract with the span that supports each. The topic words come from the watch
(`core/vocabulary.AttributeVocabulary`); the readers hold the matching only."""

from __future__ import annotations

from collections.abc import Sequence

from litwatch.classifiers.findings.mentions import compiled, wordings_in
from litwatch.classifiers.readers.comparator import read_comparator
from litwatch.classifiers.readers.counts import read_head_counts
from litwatch.classifiers.readers.dose import daily_dose_of
from litwatch.classifiers.readers.duration import prior_use_pattern, read_follow_up
from litwatch.classifiers.readers.population import read_populations
from litwatch.classifiers.readers.vocab import ROUTES, TreatmentWords, ordered, treatment_words
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Reading, Span
from litwatch.core.classification import Attributes
from litwatch.core.findings import OutcomeDomain, OutcomeVocabulary
from litwatch.core.records import Record
from litwatch.core.vocabulary import AttributeVocabulary, in_dose_unit

# Bumped whenever a reader changes what it finds, so stored attributes are read again.
# 3: forms, dose unit and populations are the watch's (`populations` replaces one yes/no key
# per population), so a row stored before is read again in its watch's words.
ATTRIBUTES_VERSION = "3"


def record_text(record: Record) -> str:
    """Title and abstract as the readers see them: one string, sections on their own lines."""
    return f"{record.title}\n{record.abstract_text}"


def read_attributes(
    record: Record,
    vocabulary: AttributeVocabulary,
    domains: Sequence[OutcomeDomain] = (),
    outcome_vocabulary: OutcomeVocabulary | None = None,
) -> Attributes:
    """Every attribute of `record` from its title and abstract, in the words of `vocabulary`;
    its outcomes are the watch's `domains` it names (with `outcome_vocabulary`'s wordings)."""
    return attributes_from_text(record_text(record), vocabulary, domains, outcome_vocabulary)


def treatment_of(vocabulary: AttributeVocabulary) -> TreatmentWords:
    """The watch's forms and intervention names compiled (once per watch)."""
    return treatment_words(vocabulary.forms, vocabulary.intervention)


_NO_WORDS = AttributeVocabulary()


def attributes_from_text(
    text: str | Passage,
    vocabulary: AttributeVocabulary = _NO_WORDS,
    domains: Sequence[OutcomeDomain] = (),
    outcome_vocabulary: OutcomeVocabulary | None = None,
) -> Attributes:
    """Every attribute read from one text (title and abstract joined), cut at `TEXT_LIMIT` characters."""
    passage = Passage.of(text)
    treatment = treatment_of(vocabulary)
    evidence: dict[str, Span] = {}

    def keep(name: str, reading):
        if reading.span is not None:
            evidence[name] = reading.span
        return reading.value

    forms = treatment.read_forms(passage)
    routes = treatment.read_routes(passage)
    outcomes = outcomes_named(passage, domains, outcome_vocabulary)
    populations = read_populations(passage, vocabulary.populations)
    for name, found in (("forms", forms), ("routes", routes), ("outcomes", outcomes)):
        if found:
            evidence[name] = min(found.values(), key=lambda span: span.start)
    for name, span in populations.items():
        evidence[name] = span
    participants, analysed = read_head_counts(passage)
    dose: Reading[float] = (
        daily_dose_of(passage, treatment.substance) if treatment.substance else Reading()
    )
    unit = vocabulary.dose_unit or "µg"
    per_day = keep("daily_dose", dose)
    return Attributes(
        forms=ordered(treatment.form_names, forms),
        routes=ordered(ROUTES, routes),
        daily_dose=None if per_day is None else in_dose_unit(per_day, unit),
        dose_unit="" if per_day is None else unit,
        comparator=keep("comparator", read_comparator(passage, treatment)),
        n_participants=keep("n_participants", participants),
        n_analysed=keep("n_analysed", analysed),
        follow_up_weeks=keep(
            "follow_up_weeks", read_follow_up(passage, prior_use_pattern(vocabulary.prior_use))
        ),
        populations=ordered(vocabulary.population_names, populations),
        outcomes=tuple(outcomes),
        evidence={name: span.text for name, span in evidence.items()} | _cut_note(passage),
    )


def outcomes_named(
    passage: Passage, domains: Sequence[OutcomeDomain], vocabulary: OutcomeVocabulary | None
) -> dict[str, Span]:
    """The watch's outcome domains the text names, each with its first mention, in the watch's
    order: the wordings the findings reader knows them by (the domains' terms and the outcome
    vocabulary), so there is one vocabulary of outcomes, the watch's."""
    if not domains:
        return {}
    text = passage.text
    groups = compiled(tuple(domains), vocabulary)
    # Only the groups whose wordings' words the text holds are searched (most are not).
    possible = wordings_in(groups, passage.lowered if passage.lowered is not None else text.lower())
    found: dict[str, Span] = {}
    for number in sorted(possible):
        group = groups[number]
        name = group.domain.name
        if name in found:
            continue
        wordings = possible[number]
        if passage.lowered is None and any(group.wordings[at][1] for at in wordings):
            # A text lower-casing cannot show (screen.FOLD_TRAPS) may hold a wording its words
            # seem to rule out: searched by the group's whole alternation.
            match = group.names(text)
        else:
            match = group.first_named(text, wordings)
        if match is not None:
            found[name] = Span.of(text, match.start(), match.end())
    return {d.name: found[d.name] for d in domains if d.name in found}


def _cut_note(passage: Passage) -> dict[str, str]:
    """The evidence note of a text too long to read whole (see passage.TEXT_LIMIT)."""
    if passage.cut_from is None:
        return {}
    return {
        "text": f"text cut at {len(passage.text):,} characters (of {passage.cut_from:,}); "
        "nothing after the cut was read"
    }
