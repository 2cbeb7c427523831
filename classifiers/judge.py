"""Everything litwatch judges about a record, in one place: design, attributes, topic, gaps,
key finding and findings per outcome domain.

A `Judge` holds a watch's topic and gap definitions compiled once; `classify` turns records
into `Classification`s. Which records to classify, and where the results go, is the
caller's business (flows/classifying.py for the store, the `classify` command for files).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from litwatch.classifiers.attributes import attributes_from_text, record_text, treatment_of
from litwatch.classifiers.definitions import (
    GapDefinitionModel,
    TopicDefinitionModel,
    compile_gaps,
    compile_topic,
    definitions_hash,
)
from litwatch.classifiers.design import DesignModel, classify_designs
from litwatch.classifiers.findings import FINDINGS_VERSION
from litwatch.classifiers.findings.associations import read_associations_in
from litwatch.classifiers.findings.domains import read_effect_modifiers_in, read_findings_in
from litwatch.classifiers.findings.harms import harms_finding, read_harms_in
from litwatch.classifiers.findings.key_finding import key_finding_in, shorten
from litwatch.classifiers.findings.model import FindingsModel, shipped_model
from litwatch.classifiers.findings.text import read_abstract
from litwatch.classifiers.gaps import GapDefinition, assess_gaps
from litwatch.classifiers.readers.arms import (
    ARMS_VERSION,
    intervention_pattern,
    not_against_control,
    read_arms,
)
from litwatch.classifiers.readers.included import read_included_studies
from litwatch.classifiers.readers.recommendations import GUIDANCE_VERSION, read_recommendations
from litwatch.classifiers.readers.strata import read_strata
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.topic import TopicDefinition, is_topic_relevant
from litwatch.core.classification import Classification
from litwatch.core.findings import FindingsDefinition
from litwatch.core.records import Record

# The designs whose included studies are read ("a meta-analysis of 12 trials").
_REVIEWS = ("meta-analysis", "systematic-review", "narrative-review")


@dataclass(frozen=True)
class Judge:
    """A watch's topic and gap definitions (as the watch file gives them), compiled once,
    applied to many records with the design model it is given (the one the settings name:
    `classifiers.design.load_design_model`). A watch without a topic takes every record as on
    topic."""

    topic_definition: TopicDefinitionModel | None = None
    gap_definitions: tuple[GapDefinitionModel, ...] = ()
    findings_definition: FindingsDefinition = field(default_factory=FindingsDefinition)
    findings_model: FindingsModel | None = field(default=None, compare=False)  # None: shipped
    design_model: DesignModel = field(kw_only=True, repr=False, compare=False)

    @cached_property
    def topic(self) -> TopicDefinition | None:
        return compile_topic(self.topic_definition) if self.topic_definition else None

    @cached_property
    def gaps(self) -> tuple[GapDefinition, ...]:
        findings = self.findings_definition
        labels = {p.name: p.label for p in findings.attributes.populations}
        titles = {d.name: d.title or d.name for d in findings.domains}
        return compile_gaps(self.gap_definitions, labels, titles)

    @cached_property
    def intervention(self):
        """The watch's names of its intervention as one pattern, for the arms reader."""
        return intervention_pattern(self.findings_definition.intervention)

    @cached_property
    def definitions_hash(self) -> str:
        # Edited outcome domains, a new findings reader or a retrained findings model (not the
        # shipped one, so that stores classified with it stay current) make stored calls stale.
        findings = self.findings_definition
        extra = {
            "findings": FINDINGS_VERSION,
            "findings_definition": repr(findings),
            "arms": ARMS_VERSION,
            "guidance": GUIDANCE_VERSION,
        }
        model = self.findings_model
        if model is not None and model.weights_digest != shipped_model().weights_digest:
            extra["findings_model"] = model.weights_digest
        return definitions_hash(self.topic_definition, self.gap_definitions, extra=extra)

    def classify(
        self, records: Sequence[Record], *, text_only: bool = False
    ) -> list[Classification]:
        """Each record's classification, in the order given; `text_only` ignores indexing."""
        designs = classify_designs(records, self.design_model, text_only=text_only)
        classifications = []
        for record, design in zip(records, designs, strict=True):
            # Title and abstract prepared once (cut, lower-cased, split into sentences as needed)
            # for the attribute readers and the gap conditions both.
            text = Passage.of(record_text(record))
            findings = self.findings_definition
            attributes = attributes_from_text(
                text, findings.attributes, findings.domains, findings.vocabulary
            )
            topic = is_topic_relevant(record, attributes, self.topic, text) if self.topic else None
            gaps = assess_gaps(record, design.label, attributes, self.gaps, topic=topic, text=text)
            abstract = read_abstract(record)
            found = (
                read_findings_in(
                    abstract,
                    findings.domains,
                    findings.intervention,
                    findings.comparator,
                    self.findings_model,
                    vocabulary=findings.vocabulary,
                )
                if findings.domains
                else ()
            )
            modifiers = (
                read_effect_modifiers_in(abstract, findings.domains, findings.vocabulary, text)
                if findings.domains
                else ()
            )
            harms = read_harms_in(abstract)
            found = (*found, *harms_finding(harms, findings.domains, found))
            treatment = treatment_of(findings.attributes)
            arms = read_arms(
                text, self.intervention, findings.domains, found, abstract, treatment=treatment
            )
            arms = replace(arms, not_controlled=not_against_control(arms, found, treatment))
            if design.label in _REVIEWS:
                studies, people = read_included_studies(text)
                arms = replace(arms, included_studies=studies, pooled_participants=people)
            recommendations = read_recommendations(
                abstract, design.label, findings.strata, findings.intervention
            )
            # A guideline's finding is what it recommends, not how its panel graded the evidence.
            issued = [r.text for r in recommendations if r.issuer == "guideline"]
            classifications.append(
                Classification(
                    pmid=record.pmid,
                    design=design,
                    attributes=attributes,
                    topic_relevant=topic.relevant if topic else True,
                    topic_concepts=topic.found if topic else (),
                    gaps=gaps,
                    key_finding=shorten(issued[0]) if issued else key_finding_in(abstract),
                    findings=found,
                    effect_modifiers=modifiers,
                    harms=harms,
                    arms=arms,
                    recommendations=recommendations,
                    strata=read_strata(abstract, findings.strata),
                    associations=read_associations_in(
                        abstract, findings.associations, findings.vocabulary, text
                    ),
                )
            )
        return classifications
