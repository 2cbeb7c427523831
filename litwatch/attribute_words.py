"""`[[watch.findings.forms]]`, `[watch.findings] dose_unit` and `[[watch.populations]]`: the
words the attribute readers look for in a watch's records, declared in the watch file so that no
topic lives in code (issue #21). Carried to the classifiers as `core/vocabulary`'s types."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from litwatch.core.vocabulary import Form, PopulationDefinition
from litwatch.validators import Terms

_NAME = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class FormModel(BaseModel):
    """One form of the intervention: `{ name = "...", terms = [...] }`, with `title` for how a
    reader sees it where that is not its name, and `combined_with` for a product that gives
    the intervention together with other actives ("other B vitamins"): a statement then says
    how many of its trials gave it so, since their results are not the intervention's alone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME)
    title: str = Field(default="", max_length=60)
    terms: Terms = Field(min_length=1)
    combined_with: str = Field(default="", max_length=80)

    def form(self) -> Form:
        return Form(self.name, self.terms)


class AlsoModel(BaseModel):
    """`also = { terms = [...], with = [...] }`: terms that count once another population
    holds (a complication named where its disease is)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    terms: Terms = Field(min_length=1)
    with_: tuple[str, ...] = Field(alias="with", min_length=1)


class PopulationDefinitionModel(BaseModel):
    """`[[watch.populations]]`: a population a record's study may concern, by its terms, by
    terms that count with another population (`also`), or by a measure it reports at baseline
    (`measured`, with `markers`). `label` is how a gap's reason names it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME)
    label: str = Field(min_length=1, max_length=80)
    terms: Terms = ()
    also: AlsoModel | None = None
    measured: Terms = ()
    markers: Terms = ()

    @model_validator(mode="after")
    def _read_somehow(self) -> PopulationDefinitionModel:
        if not (self.terms or self.measured):
            raise ValueError(f"population {self.name!r}: give terms or measured")
        return self

    def definition(self) -> PopulationDefinition:
        also = self.also
        return PopulationDefinition(
            name=self.name,
            label=self.label,
            terms=self.terms,
            also_terms=also.terms if also else (),
            also_with=also.with_ if also else (),
            measured=self.measured,
            markers=self.markers,
        )
