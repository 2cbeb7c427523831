"""`[watch.summary]`: the evidence summary's topic words, declared in the watch file so that no
topic lives in code. The populations statements count apart (each a boolean attribute the
classifiers read, named as gap conditions name them), and the headings and sentences of the
sections only some watches have; a section the watch does not declare is not shown."""

from __future__ import annotations

from dataclasses import fields

from pydantic import BaseModel, ConfigDict, Field, field_validator

from litwatch.core.classification import Attributes
from litwatch.outputs.watch import Population, SummaryWords

# The attributes a population or a baseline may name: the classifiers' yes/no facts.
FLAGS = tuple(f.name for f in fields(Attributes) if f.type in ("bool", bool))


def _flag(value: str) -> str:
    if value and value not in FLAGS:
        raise ValueError(f"{value!r} is not a yes/no attribute (one of: {', '.join(FLAGS)})")
    return value


class PopulationModel(BaseModel):
    """`[[watch.summary.populations]]`: the records whose `attribute` is true, counted apart in
    every statement ("In {label}: ...") and, with headings, listed in sections of their own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    attribute: str
    label: str = Field(min_length=1, max_length=80)
    trials_heading: str = Field(default="", max_length=120)
    section: str = Field(default="", max_length=120)
    section_text: str = Field(default="", max_length=200)  # "{n} records {section_text}."

    @field_validator("attribute")
    @classmethod
    def _known_attribute(cls, value: str) -> str:
        return _flag(value)

    def population(self) -> Population:
        return Population(
            self.name,
            self.attribute,
            self.label,
            self.trials_heading,
            self.section,
            self.section_text,
        )


class SummaryModel(BaseModel):
    """`[watch.summary]`: the summary's headings and topic sentences."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    statements_heading: str = Field(
        default=SummaryWords.statements_heading, min_length=1, max_length=120
    )
    biology: str = Field(default="", max_length=300)  # the preclinical section's one sentence
    baseline: str = Field(default="", max_length=80)  # "Of 6 trials, 3 report {baseline}"
    baseline_attribute: str = ""
    baseline_label: str = Field(default="", max_length=40)  # "baseline B12: reported"
    formulations: str = Field(default="", max_length=120)  # the forms-and-doses heading
    populations: tuple[PopulationModel, ...] = ()

    @field_validator("baseline_attribute")
    @classmethod
    def _known_attribute(cls, value: str) -> str:
        return _flag(value)

    @field_validator("populations")
    @classmethod
    def _unique_populations(cls, value: tuple) -> tuple:
        names = [population.name for population in value]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"population name {twice[0]!r} is used twice")
        return value

    def words(self) -> SummaryWords:
        if bool(self.baseline) != bool(self.baseline_attribute):
            raise ValueError("baseline and baseline_attribute go together")
        return SummaryWords(
            self.statements_heading,
            self.biology,
            self.baseline,
            self.baseline_attribute,
            self.formulations,
            self.baseline_label,
        )

    def population_names(self) -> tuple[str, ...]:
        return tuple(population.name for population in self.populations)
