"""Topic relevance: whether a record is about the watch's question at all, by the concepts and rule the watch declares."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litwatch.classifiers.attributes import Attributes, record_text
from litwatch.classifiers.readers.terms import first_mention
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Span
from litwatch.core.records import Record


@dataclass(frozen=True)
class Concept:
    """A named list of terms; the concept is present when any term is, not negated."""

    name: str
    terms: tuple[str, ...]
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Name:
    name: str

    def holds(self, present: frozenset[str]) -> bool:
        return self.name in present


@dataclass(frozen=True)
class Not:
    operand: Rule

    def holds(self, present: frozenset[str]) -> bool:
        return not self.operand.holds(present)


@dataclass(frozen=True)
class And:
    operands: tuple[Rule, ...]

    def holds(self, present: frozenset[str]) -> bool:
        return all(operand.holds(present) for operand in self.operands)


@dataclass(frozen=True)
class Or:
    operands: tuple[Rule, ...]

    def holds(self, present: frozenset[str]) -> bool:
        return any(operand.holds(present) for operand in self.operands)


Rule = Name | Not | And | Or


@dataclass(frozen=True)
class TopicDefinition:
    """A watch's topic: its concepts and the rule (and / or / not, parentheses) that combines them."""

    concepts: tuple[Concept, ...]
    rule: Rule
    rule_text: str


@dataclass(frozen=True)
class TopicCall:
    """Whether a record is on topic, and the concepts found with their first mention."""

    relevant: bool
    found: tuple[tuple[str, str], ...]  # (concept, quoted mention)
    rule: str


_TOKEN = re.compile(r"\s*(?:(?P<paren>[()])|(?P<word>[A-Za-z_][\w-]*))")


# Parentheses and "not"s nested deeper than this are refused: the parser, rule_names and the
# evaluation all recurse once per level, and no real rule nests more than a few.
MAX_RULE_DEPTH = 32


def parse_rule(text: str) -> Rule:
    """The rule written as e.g. "drug and ((disease and outcome) or exposure)"; ValueError if malformed."""
    tokens = _tokens(text)
    rule, position = _parse_or(tokens, 0, 0)
    if position != len(tokens):
        raise ValueError(f"unexpected {tokens[position]!r} in rule {text!r}")
    return rule


def rule_names(rule: Rule) -> set[str]:
    """Every concept or attribute name a rule mentions."""
    if isinstance(rule, Name):
        return {rule.name}
    if isinstance(rule, Not):
        return rule_names(rule.operand)
    return set().union(*(rule_names(operand) for operand in rule.operands))


def _tokens(text: str) -> list[str]:
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise ValueError(f"cannot read rule {text!r} at {text[position:]!r}")
        tokens.append(match["paren"] or match["word"])
        position = match.end()
    if not tokens:
        raise ValueError("rule is empty")
    return tokens


def _parse_or(tokens: list[str], position: int, depth: int) -> tuple[Rule, int]:
    operands = []
    operand, position = _parse_and(tokens, position, depth)
    operands.append(operand)
    while position < len(tokens) and tokens[position].lower() == "or":
        operand, position = _parse_and(tokens, position + 1, depth)
        operands.append(operand)
    return (operands[0] if len(operands) == 1 else Or(tuple(operands))), position


def _parse_and(tokens: list[str], position: int, depth: int) -> tuple[Rule, int]:
    operands = []
    operand, position = _parse_not(tokens, position, depth)
    operands.append(operand)
    while position < len(tokens) and tokens[position].lower() == "and":
        operand, position = _parse_not(tokens, position + 1, depth)
        operands.append(operand)
    return (operands[0] if len(operands) == 1 else And(tuple(operands))), position


def _parse_not(tokens: list[str], position: int, depth: int) -> tuple[Rule, int]:
    if position >= len(tokens):
        raise ValueError("rule ends where a concept was expected")
    token = tokens[position]
    if token.lower() in ("not", "(") and depth >= MAX_RULE_DEPTH:
        raise ValueError(f"rule nests parentheses and 'not' deeper than {MAX_RULE_DEPTH}")
    if token.lower() == "not":
        operand, position = _parse_not(tokens, position + 1, depth + 1)
        return Not(operand), position
    if token == "(":
        rule, position = _parse_or(tokens, position + 1, depth + 1)
        if position >= len(tokens) or tokens[position] != ")":
            raise ValueError("rule has an unclosed parenthesis")
        return rule, position + 1
    if token == ")" or token.lower() in ("and", "or"):
        raise ValueError(f"unexpected {token!r} where a concept was expected")
    return Name(token), position + 1


def topic_text(record: Record) -> str:
    """What topic relevance reads: title, abstract, keywords and MeSH headings (indexing helps recall)."""
    return f"{record_text(record)}\n{_indexing_text(record)}"


def _indexing_text(record: Record) -> str:
    return "\n".join(("; ".join(record.keywords), "; ".join(record.mesh_terms)))


def is_topic_relevant(
    record: Record,
    attributes: Attributes,
    topic_definition: TopicDefinition,
    text: Passage | None = None,
) -> TopicCall:
    """Whether `record` is about the watch's question, by the watch's concepts and rule.

    `text` is the record's title and abstract as its attributes were read from (record_text),
    when the caller has it prepared: the indexing is added to it rather than all prepared again."""
    if text is not None and text.cut_from is None:
        passage = text.followed_by(_indexing_text(record))
    else:
        passage = Passage.of(topic_text(record))
    found: dict[str, Span] = {}
    for concept in topic_definition.concepts:
        span = first_mention(concept.pattern, passage)
        if span is not None:
            found[concept.name] = span
    present = frozenset(found)
    return TopicCall(
        relevant=topic_definition.rule.holds(present),
        found=tuple((name, span.text) for name, span in found.items()),
        rule=topic_definition.rule_text,
    )
