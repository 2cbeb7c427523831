"""Gap conditions, compiled from the watch file: tests over a record's design, attributes and phrases that say why."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from litwatch.classifiers.attributes import Attributes
from litwatch.classifiers.readers.terms import first_mention
from litwatch.classifiers.text.passage import Passage
from litwatch.core.words import joined, word, words


@dataclass(frozen=True)
class Facts:
    """What a condition may look at: the record's text, its design label and its attributes."""

    text: Passage
    design: str
    attributes: Attributes


@dataclass(frozen=True)
class Check:
    """Whether a condition held, and the reason as a reviewer would read it: the condition's
    label, then what in the record bears on it ("at least 100 participants: 240 participants")."""

    met: bool
    reason: str
    detail: str = ""  # the reason without the label, for an enclosing condition to reuse


def _check(met: bool, label: str, detail: str) -> Check:
    if not label:
        return Check(met, detail, detail)
    # A label that already says it all ("people with the condition") needs no detail,
    # and a condition that failed is named by its label alone.
    if not detail or not met:
        return Check(met, label, detail)
    return Check(met, f"{label}: {detail}", detail)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def attribute_words(
    attributes: Attributes, name: str, labels: Mapping[str, str] | None = None
) -> str:
    """What an attribute says of a record in a clinician's words: "240 participants",
    "104 weeks of follow-up", "compares form A and form B (oral)"; `labels` are the watch's
    words for its populations or outcome domains, by name."""
    value = getattr(attributes, name)
    if value in (None, (), "", False):
        return ""
    if name == "n_participants":
        return f"{_number(value)} participants"
    if name == "n_analysed":
        return f"{_number(value)} analysed"
    if name == "follow_up_weeks":
        return f"{_number(value)} weeks of follow-up"
    if name == "daily_dose":
        return f"{_number(value)} {attributes.dose_unit or 'µg'} a day"
    if name == "forms":
        return words(value)
    if name == "populations":
        return joined([(labels or {}).get(p, p.replace("-", " ")) for p in value])
    if name == "routes":
        return joined(list(value)) + (" route" if len(value) == 1 else " routes")
    if name == "outcomes":
        return "measures " + joined([(labels or {}).get(o, word(o)) for o in value])
    if name == "comparator":
        if value == "head-to-head":
            forms = words(attributes.forms)
            routes = joined(list(attributes.routes))
            if forms and routes:
                return f"compares {forms} ({routes})"
            return f"compares {forms or routes or word(value)}"
        return "placebo-controlled" if value == "placebo" else f"against {word(value)}"
    return word(str(value))


@dataclass(frozen=True)
class DesignIs:
    labels: tuple[str, ...]
    label: str = ""

    def check(self, facts: Facts) -> Check:
        met = facts.design in self.labels
        return _check(met, self.label, "" if self.label else f"design: {word(facts.design)}")


@dataclass(frozen=True)
class AttributeTest:
    """One test of one attribute: `operator` is equals, one_of, at_least, at_most, includes_any, includes_all or present."""

    attribute: str
    operator: str
    value: object
    label: str = ""
    labels: tuple[tuple[str, str], ...] = ()  # the watch's words for its populations

    def check(self, facts: Facts) -> Check:
        actual = getattr(facts.attributes, self.attribute)
        met = _OPERATORS[self.operator](actual, self.value)
        said = attribute_words(facts.attributes, self.attribute, dict(self.labels))
        if said and self.label and said.lower() in self.label.lower():
            said = ""  # the label says it already
        return _check(met, self.label, said or ("" if self.label else word(self.attribute)))


def _at_least(actual, bound) -> bool:
    return actual is not None and actual >= bound


def _at_most(actual, bound) -> bool:
    return actual is not None and actual <= bound


_OPERATORS = {
    "equals": lambda actual, expected: actual == expected,
    "one_of": lambda actual, expected: actual in expected,
    "at_least": _at_least,
    "at_most": _at_most,
    "includes_any": lambda actual, expected: bool(set(actual) & set(expected)),
    "includes_all": lambda actual, expected: set(expected) <= set(actual),
    "present": lambda actual, expected: (actual not in (None, (), "", False)) == expected,
}


@dataclass(frozen=True)
class PopulationHolds:
    """One of the watch's populations holds for the record (`population = "NAME"`); `words`
    are the watch's for it ("people with ...")."""

    population: str
    words: str
    label: str = ""

    def check(self, facts: Facts) -> Check:
        met = facts.attributes.in_population(self.population)
        said = self.words if met else ""
        if said and self.label and said.lower() in self.label.lower():
            said = ""  # the label says it already
        return _check(met, self.label, said or ("" if self.label else self.words))


@dataclass(frozen=True)
class PhrasesPresent:
    """Any of the phrases (`*` for any ending) appears, not negated, in title or abstract."""

    phrases: tuple[str, ...]
    pattern: re.Pattern[str]
    label: str = ""

    def check(self, facts: Facts) -> Check:
        span = first_mention(self.pattern, facts.text)
        if span is None:
            return _check(False, self.label, "says none of " + joined(list(self.phrases)))
        return _check(True, self.label, "" if self.label else f"says {_quote(span.text)}")


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]
    label: str = ""

    def check(self, facts: Facts) -> Check:
        checks = [condition.check(facts) for condition in self.conditions]
        met = [c for c in checks if c.met]
        if met:
            return _check(True, self.label, met[0].detail if self.label else met[0].reason)
        return _check(False, self.label, "none of: " + "; ".join(c.reason for c in checks))


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]
    label: str = ""

    def check(self, facts: Facts) -> Check:
        checks = [condition.check(facts) for condition in self.conditions]
        met = all(c.met for c in checks)
        shown = [c.detail if self.label else c.reason for c in checks if c.met == met]
        return _check(met, self.label, "; ".join(dict.fromkeys(part for part in shown if part)))


@dataclass(frozen=True)
class NotThis:
    condition: Condition
    label: str = ""

    def check(self, facts: Facts) -> Check:
        inner = self.condition.check(facts)
        return _check(not inner.met, self.label, f"not ({inner.reason})")


Condition = DesignIs | AttributeTest | PopulationHolds | PhrasesPresent | AnyOf | AllOf | NotThis


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"
