"""`[watch.summary]`: the evidence summary's topic words, declared in the watch file so that no
topic lives in code. The populations statements count apart (each one of the watch's
`[[watch.populations]]`, by its name), and the headings and sentences of the sections only some
watches have; a section the watch does not declare is not shown."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from litwatch.outputs.watch import Population, SummaryWords
from litwatch.validators import unique_names


class PopulationModel(BaseModel):
    """`[[watch.summary.populations]]`: the records in the watch's population `name`, counted
    apart in every statement ("In {label}: ...") and, with headings, listed in sections of
    their own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    label: str = Field(min_length=1, max_length=80)
    trials_heading: str = Field(default="", max_length=120)
    section: str = Field(default="", max_length=120)
    section_text: str = Field(default="", max_length=200)  # "{n} records {section_text}."

    @model_validator(mode="before")
    @classmethod
    def _no_attribute(cls, data: object) -> object:
        # An older watch file named a yes/no attribute here; the population is its name now.
        if isinstance(data, dict) and "attribute" in data:
            raise ValueError(
                f"attribute = {data['attribute']!r} is no longer read: name one of the watch's "
                "[[watch.populations]] as the population's name"
            )
        return data

    def population(self) -> Population:
        return Population(
            self.name,
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
    # The stratum (`[[watch.strata]]`) a record's attributes show as reported at baseline when
    # the strata reader states its level; "Who benefits" counts its levels over the trials.
    baseline_stratum: str = ""
    baseline_label: str = Field(default="", max_length=40)  # "baseline X: reported"
    formulations: str = Field(default="", max_length=120)  # the forms-and-doses heading
    populations: tuple[PopulationModel, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _no_baseline_attribute(cls, data: object) -> object:
        # An older watch file's baseline sentence ("Of 6 trials, 3 report ...") and its yes/no
        # attribute: "Who benefits" states each trial's baseline stratum in one line now.
        for old in ("baseline", "baseline_attribute"):
            if isinstance(data, dict) and old in data:
                raise ValueError(
                    f"{old} = {data[old]!r} is no longer read: name the stratum trials report "
                    "at baseline as baseline_stratum (one of [[watch.strata]])"
                )
        return data

    @field_validator("populations")
    @classmethod
    def _unique_populations(cls, value: tuple) -> tuple:
        return unique_names("population", value)

    def words(self) -> SummaryWords:
        return SummaryWords(
            self.statements_heading,
            self.biology,
            self.baseline_stratum,
            self.formulations,
            self.baseline_label,
        )

    def population_names(self) -> tuple[str, ...]:
        return tuple(population.name for population in self.populations)
