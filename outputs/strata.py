"""Which of the summary's records enrolled people at one level of a stratum the watch declares
(baseline B12 low or normal): the populations of the per-stratum statements."""

from __future__ import annotations

from collections.abc import Sequence

from litwatch.core.classification import Classification
from litwatch.core.guidance import StratumDefinition
from litwatch.core.records import Record


def stratum_populations(
    records: Sequence[tuple[Record, Classification | None]],
    strata: Sequence[StratumDefinition],
) -> list[tuple[str, str, frozenset[str]]]:
    """(population, its title, the PMIDs at that level) for every level the watch gives a
    population ("low-b12": "people with low B12"), in the watch's order."""
    found = []
    for stratum in strata:
        for level, population in stratum.populations:
            pmids = frozenset(
                record.pmid
                for record, classification in records
                if classification is not None and classification.stratum(stratum.name) == level
            )
            found.append((population, stratum.level_title(level), pmids))
    return found
