"""What the attribute readers look for in one watch's records, as plain data from its watch file:
the forms of its intervention, the unit its doses are shown in, and the populations it names.

Nothing here is one topic's: the words are the watch's (`[[watch.findings.forms]]`,
`[watch.findings] dose_unit`, `[[watch.populations]]`); routes of administration, counts and
lengths are generic and stay with the readers."""

from __future__ import annotations

from dataclasses import dataclass

# Doses are read in µg; a watch shows them in its own unit: that unit per microgram.
_PER_MICROGRAM = {"µg": 1.0, "mg": 1e-3, "g": 1e-6}
DOSE_UNITS = tuple(_PER_MICROGRAM)


def in_dose_unit(micrograms: float, unit: str) -> float:
    """A dose read in µg, in `unit` (one of DOSE_UNITS)."""
    return micrograms * _PER_MICROGRAM[unit]


@dataclass(frozen=True)
class Form:
    """One form of the watch's intervention, by its name and the terms that name it in an
    abstract (the topic's term syntax: case-free, `*` for any ending, space or hyphen alike)."""

    name: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class PopulationDefinition:
    """A population the watch names: a record is in it when its title or abstract says so.

    Any of `terms` says so; so does any of `also_terms` where one of the populations named in
    `also_with` holds (a complication named where its disease is). `measured` names a measure whose
    baseline value a study reports, selects people by, or stratifies by ("serum X", "X levels",
    "X below 200", "stratified by X"); `markers` are further terms that say it was measured.
    `label` is how a reader sees it ("people with chronic kidney disease")."""

    name: str
    label: str
    terms: tuple[str, ...] = ()
    also_terms: tuple[str, ...] = ()
    also_with: tuple[str, ...] = ()
    measured: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttributeVocabulary:
    """A watch's words for the attribute readers: its intervention's names (a dose belongs to
    one of them or to a form), its forms, its dose unit ("µg", "mg"; "" shows µg) and its
    populations, in the watch's order."""

    intervention: tuple[str, ...] = ()
    forms: tuple[Form, ...] = ()
    dose_unit: str = ""
    populations: tuple[PopulationDefinition, ...] = ()
    # Drugs whose use before the study is a baseline characteristic (a use stratum's terms):
    # "taking X for four years" is no follow-up.
    prior_use: tuple[str, ...] = ()

    @property
    def form_names(self) -> tuple[str, ...]:
        return tuple(form.name for form in self.forms)

    @property
    def population_names(self) -> tuple[str, ...]:
        return tuple(population.name for population in self.populations)

    def population_label(self, name: str) -> str:
        """How a reader sees population `name`; its name in words when the watch gives none."""
        found = next((p.label for p in self.populations if p.name == name), "")
        return found or name.replace("-", " ")
