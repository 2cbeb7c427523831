"""Topic and gap definitions as they come from the watch file (pydantic, at the edge), compiled to the plain
frozen types the classifiers use, and hashed so stored calls can be recomputed when a definition changes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from litwatch.classifiers.attributes import ATTRIBUTES_VERSION
from litwatch.classifiers.conditions import (
    AllOf,
    AnyOf,
    AttributeTest,
    Condition,
    DesignIs,
    NotThis,
    PhrasesPresent,
    PopulationHolds,
)
from litwatch.classifiers.gaps import GapDefinition
from litwatch.classifiers.readers.comparator import COMPARATORS
from litwatch.classifiers.readers.terms import compile_terms, term_pattern
from litwatch.classifiers.readers.vocab import ROUTES
from litwatch.classifiers.topic import (
    Concept,
    TopicDefinition,
    parse_rule,
    rule_names,
)
from litwatch.core.classification import DESIGN_LABELS
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# What each attribute holds decides which tests make sense on it, and which values it can take.
# The values of `forms`, `populations` and `outcomes` (its outcome domains) are the watch's own
# names: `WATCH_NAMED` says which, and the watch file checks them against what it declares
# (litwatch/config.py).
ATTRIBUTE_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "forms": ("set", ()),
    "routes": ("set", ROUTES),
    "outcomes": ("set", ()),
    "comparator": ("choice", COMPARATORS),
    "daily_dose": ("number", ()),
    "n_participants": ("number", ()),
    "n_analysed": ("number", ()),
    "follow_up_weeks": ("number", ()),
    "populations": ("set", ()),
}
WATCH_NAMED = ("forms", "populations", "outcomes")
_OPERATORS_FOR = {
    "set": ("includes_any", "includes_all", "present"),
    "choice": ("equals", "one_of", "present"),
    "number": ("at_least", "at_most", "present"),
    "flag": ("equals",),
}
_KINDS = ("design", "attribute", "population", "phrases", "any", "all", "not")


class ConditionModel(BaseModel):
    """One condition: exactly one of design, attribute (with one test), phrases, any, all, not."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    label: str = ""
    design: tuple[str, ...] | None = None
    attribute: str | None = None
    population: str | None = None  # one of the watch's `[[watch.populations]]` holds
    equals: bool | str | None = None
    one_of: tuple[str, ...] | None = None
    at_least: float | None = None
    at_most: float | None = None
    includes_any: tuple[str, ...] | None = None
    includes_all: tuple[str, ...] | None = None
    present: bool | None = None
    phrases: tuple[str, ...] | None = None
    any_of: tuple[ConditionModel, ...] | None = Field(default=None, alias="any")
    all_of: tuple[ConditionModel, ...] | None = Field(default=None, alias="all")
    not_: ConditionModel | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_kind(self) -> ConditionModel:
        given = [kind for kind in _KINDS if self._value_of(kind) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a condition needs exactly one of {', '.join(_KINDS)} (got {', '.join(given) or 'none'})"
            )
        if given[0] == "attribute":
            self._check_attribute_test()
        elif any(
            self._value_of(op) is not None
            for op in _OPERATORS_FOR["set"] + ("equals", "one_of", "at_least", "at_most")
        ):
            raise ValueError(
                "equals, one_of, at_least, at_most, includes_* and present need an attribute"
            )
        if given[0] == "population" and not re.fullmatch(
            r"[a-z0-9][a-z0-9_-]{0,63}", self.population or ""
        ):
            raise ValueError(f"population: {self.population!r} is no population name")
        if given[0] == "design":
            unknown = [label for label in self.design or () if label not in DESIGN_LABELS]
            if unknown or not self.design:
                raise ValueError(
                    f"design: unknown label {unknown} (known: {', '.join(DESIGN_LABELS)})"
                )
        if given[0] == "phrases":
            if not self.phrases:
                raise ValueError("phrases: give at least one phrase")
            for phrase in self.phrases:
                try:
                    term_pattern(phrase)  # what compile() does to it, checked at load
                except ValueError as problem:
                    raise ValueError(f"phrases: {phrase!r}: {problem}") from None
        if given[0] in ("any", "all") and not self._value_of(given[0]):
            raise ValueError(f"{given[0]}: give at least one condition")
        return self

    def _value_of(self, kind: str) -> Any:
        return getattr(self, {"any": "any_of", "all": "all_of", "not": "not_"}.get(kind, kind))

    def _check_attribute_test(self) -> None:
        if self.attribute not in ATTRIBUTE_KINDS:
            raise ValueError(
                f"attribute: unknown attribute {self.attribute!r} (known: "
                f"{', '.join(ATTRIBUTE_KINDS)}; a population of the watch is tested with "
                'population = "NAME")'
            )
        kind, vocabulary = ATTRIBUTE_KINDS[self.attribute]
        every_operator = (
            "equals",
            "one_of",
            "at_least",
            "at_most",
            "includes_any",
            "includes_all",
            "present",
        )
        operators = [op for op in every_operator if getattr(self, op) is not None]
        allowed = _OPERATORS_FOR[kind]
        if len(operators) != 1 or operators[0] not in allowed:
            raise ValueError(
                f"attribute {self.attribute!r} needs exactly one test of {', '.join(allowed)} (got {', '.join(operators) or 'none'})"
            )
        operator = operators[0]
        value = getattr(self, operator)
        if kind == "flag" and not isinstance(value, bool):
            raise ValueError(
                f"{operator}: attribute {self.attribute!r} is true or false, not {value!r}"
            )
        if kind == "choice" and operator == "equals" and value not in vocabulary:
            raise ValueError(
                f"equals: {value!r} is not a {self.attribute} (known: {', '.join(vocabulary)})"
            )
        if vocabulary and operator in ("one_of", "includes_any", "includes_all"):
            unknown = [v for v in value if v not in vocabulary]
            if unknown or not value:
                raise ValueError(
                    f"{operator}: unknown {self.attribute} {unknown} (known: {', '.join(vocabulary)})"
                )

    def named(self) -> list[tuple[str, str]]:
        """(attribute, value) of every watch-named value this condition and those inside it
        use: a form or a population, for the watch to check against what it declares."""
        found = [("populations", self.population)] if self.population is not None else []
        if self.attribute in WATCH_NAMED:
            for operator in ("includes_any", "includes_all"):
                found += [(self.attribute, value) for value in getattr(self, operator) or ()]
        for inner in (*(self.any_of or ()), *(self.all_of or ()), self.not_):
            if inner is not None:
                found += inner.named()
        return found

    def compile(
        self, labels: dict[str, str] | None = None, titles: dict[str, str] | None = None
    ) -> Condition:
        """The plain frozen condition this model describes; `labels` are the watch's words for
        its populations ("people with ..."), `titles` for its outcome domains, by name."""
        labels, titles = labels or {}, titles or {}
        if self.design is not None:
            return DesignIs(self.design, self.label)
        if self.population is not None:
            words = labels.get(self.population, self.population.replace("-", " "))
            return PopulationHolds(self.population, words, self.label)
        if self.attribute is not None:
            every_operator = (
                "equals",
                "one_of",
                "at_least",
                "at_most",
                "includes_any",
                "includes_all",
                "present",
            )
            operator = next(op for op in every_operator if getattr(self, op) is not None)
            value = getattr(self, operator)
            said = {"populations": labels, "outcomes": titles}.get(self.attribute) or {}
            return AttributeTest(self.attribute, operator, value, self.label, tuple(said.items()))
        if self.phrases is not None:
            return PhrasesPresent(self.phrases, compile_terms(self.phrases), self.label)
        if self.any_of is not None:
            return AnyOf(tuple(c.compile(labels, titles) for c in self.any_of), self.label)
        if self.all_of is not None:
            return AllOf(tuple(c.compile(labels, titles) for c in self.all_of), self.label)
        assert self.not_ is not None  # guaranteed by _one_kind
        return NotThis(self.not_.compile(labels, titles), self.label)


class GapDefinitionModel(BaseModel):
    """One `[[watch.gaps]]` table: a name, the plain-language question, and its conditions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    title: str = Field(default="", max_length=80)  # how a reader sees it named; default: the name
    question: str = Field(min_length=1)
    require: tuple[ConditionModel, ...] = Field(min_length=1)
    prefer: tuple[ConditionModel, ...] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_gap(cls, data: Any, handler) -> GapDefinitionModel:
        # pydantic would say "gaps.2.require.0"; the reader of the error wants the gap's name.
        try:
            return handler(data)
        except ValidationError as error:
            first = error.errors()[0]
            name = data.get("name", "?") if isinstance(data, dict) else "?"
            key = _key_path(first["loc"])
            message = (
                "unknown key"
                if first["type"] == "extra_forbidden"
                else first["msg"].removeprefix("Value error, ")
            )
            raise ValueError(f"gap {name!r}, key {key}: {message}") from None


class TopicDefinitionModel(BaseModel):
    """The `[watch.topic]` table: named term lists and the rule combining them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concepts: dict[str, tuple[str, ...]] = Field(min_length=1)
    rule: str

    @field_validator("concepts")
    @classmethod
    def _terms_given(cls, concepts: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, terms in concepts.items():
            if not terms or any(not term.strip().rstrip("*") for term in terms):
                raise ValueError(f"concept {name!r} needs non-empty terms")
        return concepts

    @model_validator(mode="after")
    def _rule_names_known(self) -> TopicDefinitionModel:
        try:
            names = rule_names(parse_rule(self.rule))
        except ValueError as error:
            raise ValueError(f"key rule: {error}") from None
        unknown = sorted(names - set(self.concepts))
        if unknown:
            raise ValueError(
                f"key rule: unknown concept {', '.join(map(repr, unknown))} (known: {', '.join(self.concepts)})"
            )
        return self


def _key_path(loc: Sequence[Any]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "ConditionModel", "tagged-union")):
            path += f".{part}" if path else str(part)
    return path or "(gap)"


def compile_gaps(
    models: Sequence[GapDefinitionModel],
    labels: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
) -> tuple[GapDefinition, ...]:
    """The gaps as plain frozen definitions (`labels`: the watch's words for its populations,
    `titles` for its outcome domains); ValueError when two share a name."""
    names = [model.name for model in models]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"gap name {repeated[0]!r} is used twice")
    return tuple(
        GapDefinition(
            name=model.name,
            question=model.question,
            require=tuple(c.compile(labels, titles) for c in model.require),
            prefer=tuple(c.compile(labels, titles) for c in model.prefer),
        )
        for model in models
    )


def compile_topic(model: TopicDefinitionModel) -> TopicDefinition:
    """The topic as a plain frozen definition."""
    concepts = tuple(
        Concept(name, terms, compile_terms(terms)) for name, terms in model.concepts.items()
    )
    return TopicDefinition(concepts, parse_rule(model.rule), model.rule)


def definitions_hash(
    topic: TopicDefinitionModel | None,
    gaps: Sequence[GapDefinitionModel],
    extra: dict[str, str] | None = None,
) -> str:
    """A digest of the definitions and the attribute readers: a stored call with another hash is
    stale. `extra` names further inputs of a classification (the findings reader and domains)."""
    blob = json.dumps(
        {
            **(extra or {}),
            "attributes": ATTRIBUTES_VERSION,
            "topic": topic.model_dump(by_alias=True, exclude_defaults=True) if topic else None,
            "gaps": [gap.model_dump(by_alias=True, exclude_defaults=True) for gap in gaps],
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
