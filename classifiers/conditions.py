"""Gap conditions, compiled from the watch file: tests over a record's design, attributes and phrases that say why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litwatch.classifiers.attributes import Attributes
from litwatch.classifiers.readers.terms import first_mention


@dataclass(frozen=True)
class Facts:
    """What a condition may look at: the record's text, its design label and its attributes."""

    text: str
    design: str
    attributes: Attributes


@dataclass(frozen=True)
class Check:
    """Whether a condition held, and the reason as a reviewer would read it."""

    met: bool
    reason: str


@dataclass(frozen=True)
class DesignIs:
    labels: tuple[str, ...]
    label: str = ""

    def check(self, facts: Facts) -> Check:
        met = facts.design in self.labels
        return Check(met, f"{self.label or 'design'}: design is {facts.design}")


@dataclass(frozen=True)
class AttributeTest:
    """One test of one attribute: `operator` is equals, one_of, at_least, at_most, includes_any, includes_all or present."""

    attribute: str
    operator: str
    value: object
    label: str = ""

    def check(self, facts: Facts) -> Check:
        actual = getattr(facts.attributes, self.attribute)
        met = _OPERATORS[self.operator](actual, self.value)
        span = facts.attributes.evidence.get(self.attribute)
        quoted = f" ({_quote(span.text)})" if met and span is not None else ""
        shown = list(actual) if isinstance(actual, tuple) else actual
        return Check(met, f"{self.label or self.attribute}: {self.attribute} = {shown}{quoted}")


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
class PhrasesPresent:
    """Any of the phrases (`*` for any ending) appears, not negated, in title or abstract."""

    phrases: tuple[str, ...]
    pattern: re.Pattern[str]
    label: str = ""

    def check(self, facts: Facts) -> Check:
        span = first_mention(self.pattern, facts.text)
        if span is None:
            return Check(False, f"{self.label or 'phrases'}: none of {list(self.phrases)}")
        return Check(True, f"{self.label or 'phrases'}: {_quote(span.text)}")


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]
    label: str = ""

    def check(self, facts: Facts) -> Check:
        checks = [condition.check(facts) for condition in self.conditions]
        met = [c.reason for c in checks if c.met]
        if met:
            return Check(True, _labelled(self.label, met[0]))
        return Check(
            False, _labelled(self.label, "none of: " + "; ".join(c.reason for c in checks))
        )


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]
    label: str = ""

    def check(self, facts: Facts) -> Check:
        checks = [condition.check(facts) for condition in self.conditions]
        met = all(c.met for c in checks)
        shown = [c.reason for c in checks if c.met == met]
        return Check(met, _labelled(self.label, "; ".join(shown)))


@dataclass(frozen=True)
class NotThis:
    condition: Condition
    label: str = ""

    def check(self, facts: Facts) -> Check:
        inner = self.condition.check(facts)
        return Check(not inner.met, _labelled(self.label, f"not ({inner.reason})"))


Condition = DesignIs | AttributeTest | PhrasesPresent | AnyOf | AllOf | NotThis


def _labelled(label: str, reason: str) -> str:
    return f"{label}: {reason}" if label else reason


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"
