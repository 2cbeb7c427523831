"""The one mapping from NLM indexing (publication types, study MeSH) to design labels.

Used both ways: to label indexed records directly, and to derive training labels for the
text model, so the model learns exactly what this table says.

Priority, first rule that matches wins (a record often carries several types):

 1. protocol            PT Clinical Trial Protocol
 2. guideline           PT Practice Guideline, Guideline, Consensus Development Conference(, NIH)
 3. meta-analysis       PT Meta-Analysis, Network Meta-Analysis
 4. systematic-review   PT Systematic Review, Scoping Review
 5. rct                 PT Randomized Controlled Trial(, Veterinary): only this type asserts
                        randomisation, so Pragmatic/Equivalence/Adaptive trials without it fall to 6
 6. non-randomized-trial PT Clinical Trial, Controlled Clinical Trial, Clinical Trial Phase I-IV,
                        Pragmatic Clinical Trial, Equivalence Trial, Adaptive Clinical Trial,
                        Clinical Trial, Veterinary
 7. case-report         PT Case Reports
 8. narrative-review    PT Review (what is left of it once 3 and 4 have taken theirs)
 9. observational       PT Observational Study(, Veterinary) or a study MeSH, resolved to the
                        most specific design the MeSH names: case-control (Case-Control Studies)
                        > cross-sectional (Cross-Sectional Studies) > cohort (Cohort, Prospective,
                        Longitudinal, Retrospective, Follow-Up Studies); PT Observational Study with
                        none of these reads as cohort, the commonest observational design.
                        Study MeSH only counts when no animal-only indexing says `preclinical`.
10. commentary          PT Editorial, Letter, Comment, News, Newspaper Article, Interview,
                        Personal Narrative, Lecture, Address
11. preclinical         MeSH Animals without Humans, or an in-vitro heading (In Vitro Techniques,
                        Cell Line*, Cells, Cultured) without Humans
12. nothing decisive    None: the caller decides (an indexed record reads as `other` for training)

Case reports, reviews and trials win over commentary because letters that report a case or a
trial are indexed with both types and the design is what a reviewer sorts by.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from litwatch.core.classification import DESIGN_LABELS

LABELS = DESIGN_LABELS  # the vocabulary is the core's (outputs use it too); kept for callers


# Labels a publication type says outright (the observational designs and preclinical come
# from MeSH, which unindexed records never have).
PUBLICATION_TYPE_LABELS = (
    "meta-analysis",
    "systematic-review",
    "rct",
    "non-randomized-trial",
    "case-report",
    "narrative-review",
    "guideline",
    "protocol",
    "commentary",
)

# (label, publication types) in priority order; observational and preclinical slot in by code.
_TYPE_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("protocol", frozenset({"Clinical Trial Protocol"})),
    (
        "guideline",
        frozenset(
            {
                "Practice Guideline",
                "Guideline",
                "Consensus Development Conference",
                "Consensus Development Conference, NIH",
            }
        ),
    ),
    ("meta-analysis", frozenset({"Meta-Analysis", "Network Meta-Analysis"})),
    ("systematic-review", frozenset({"Systematic Review", "Scoping Review"})),
    ("rct", frozenset({"Randomized Controlled Trial", "Randomized Controlled Trial, Veterinary"})),
    (
        "non-randomized-trial",
        frozenset(
            {
                "Clinical Trial",
                "Controlled Clinical Trial",
                "Clinical Trial, Phase I",
                "Clinical Trial, Phase II",
                "Clinical Trial, Phase III",
                "Clinical Trial, Phase IV",
                "Pragmatic Clinical Trial",
                "Equivalence Trial",
                "Adaptive Clinical Trial",
                "Clinical Trial, Veterinary",
            }
        ),
    ),
    ("case-report", frozenset({"Case Reports"})),
    ("narrative-review", frozenset({"Review"})),
)

_OBSERVATIONAL_TYPES = frozenset({"Observational Study", "Observational Study, Veterinary"})

# Most specific first: cohort headings (Retrospective, Follow-Up) are applied very broadly.
_STUDY_MESH: tuple[tuple[str, frozenset[str]], ...] = (
    ("case-control", frozenset({"Case-Control Studies"})),
    ("cross-sectional", frozenset({"Cross-Sectional Studies"})),
    (
        "cohort",
        frozenset(
            {
                "Cohort Studies",
                "Prospective Studies",
                "Longitudinal Studies",
                "Retrospective Studies",
                "Follow-Up Studies",
            }
        ),
    ),
)

_COMMENTARY_TYPES = frozenset(
    {
        "Editorial",
        "Letter",
        "Comment",
        "News",
        "Newspaper Article",
        "Interview",
        "Personal Narrative",
        "Lecture",
        "Address",
    }
)

_IN_VITRO_MESH = frozenset(
    {"In Vitro Techniques", "Cell Line", "Cell Line, Tumor", "Cell Line, Transformed"}
    | {"Cells, Cultured"}
)


@dataclass(frozen=True)
class IndexedDesign:
    """A design read from NLM indexing, with the types or headings that decided it."""

    label: str
    evidence: tuple[str, ...]


def design_from_indexing(
    publication_types: Iterable[str], mesh_terms: Iterable[str] = ()
) -> IndexedDesign | None:
    """The design NLM indexing states, by the priority in the module docstring; None if none does."""
    types = {_normalise_type(name) for name in publication_types}
    headings = set(mesh_terms)
    for label, wanted in _TYPE_RULES:
        found = sorted(types & wanted)
        if found:
            return IndexedDesign(label, tuple(f"publication type: {name}" for name in found))
    preclinical = _preclinical_evidence(headings)
    observational = sorted(types & _OBSERVATIONAL_TYPES)
    if observational or not preclinical:
        for label, wanted in _STUDY_MESH:
            found = sorted(headings & wanted)
            if found:
                evidence = [f"publication type: {name}" for name in observational]
                evidence += [f"MeSH: {name}" for name in found]
                return IndexedDesign(label, tuple(evidence))
        if observational:
            return IndexedDesign("cohort", tuple(f"publication type: {n}" for n in observational))
    commentary = sorted(types & _COMMENTARY_TYPES)
    if commentary:
        return IndexedDesign("commentary", tuple(f"publication type: {n}" for n in commentary))
    if preclinical:
        return IndexedDesign("preclinical", preclinical)
    return None


def _preclinical_evidence(headings: set[str]) -> tuple[str, ...]:
    if "Humans" in headings:
        return ()
    found = sorted(headings & (_IN_VITRO_MESH | {"Animals"}))
    return tuple(f"MeSH: {name}" for name in found)


def _normalise_type(name: str) -> str:
    # Older MEDLINE exports write types in capitals ("JOURNAL ARTICLE").
    name = name.strip()
    return name.title() if name.isupper() else name
