"""PubMed's query language for the stand-in: parse a `term` into a tree, evaluate it over an index.

PubMed reads Boolean operators left to right with no precedence ("a OR b AND c" is
"(a OR b) AND c"), NOT is binary ("a NOT b"), and adjacent terms are joined by AND.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

# Field tags PubMed accepts (short and long forms) mapped onto the fields the stand-in indexes.
FIELD_TAGS: dict[str, str] = {
    "tiab": "tiab",
    "title/abstract": "tiab",
    "ti": "ti",
    "title": "ti",
    "ab": "ab",
    "abstract": "ab",
    "mh": "mh",
    "mesh": "mh",
    "mesh terms": "mh",
    "mh:noexp": "mh",
    "mesh terms:noexp": "mh",
    "mesh:noexp": "mh",
    "majr": "majr",
    "mesh major topic": "majr",
    "majr:noexp": "majr",
    "pt": "pt",
    "publication type": "pt",
    "la": "la",
    "language": "la",
    "dp": "dp",
    "pdat": "dp",
    "publication date": "dp",
    "edat": "edat",
    "entrez date": "edat",
    "mdat": "mdat",
    "modification date": "mdat",
    "ot": "kw",
    "other term": "kw",
    "kw": "kw",
    "keyword": "kw",
    "au": "au",
    "author": "au",
    "pmid": "pmid",
    "uid": "pmid",
    "tw": "all",
    "text word": "all",
    "all": "all",
    "all fields": "all",
}

# How each field is written back in QueryTranslation, as NCBI names it.
FIELD_NAMES: dict[str, str] = {
    "tiab": "Title/Abstract",
    "ti": "Title",
    "ab": "Abstract",
    "mh": "MeSH Terms",
    "majr": "MeSH Major Topic",
    "pt": "Publication Type",
    "la": "Language",
    "dp": "Date - Publication",
    "edat": "Date - Entrez",
    "mdat": "Date - Modification",
    "kw": "Other Term",
    "au": "Author",
    "pmid": "UID",
    "all": "All Fields",
}

# Fields whose value is one whole heading or code, not words of running text.
VALUE_FIELDS = frozenset({"mh", "majr", "pt", "la", "au", "pmid"})
DATE_FIELDS = frozenset({"dp", "edat", "mdat"})
TEXT_FIELDS = frozenset({"tiab", "ti", "ab", "kw", "all"})
OPERATORS = ("AND", "OR", "NOT")
# The descent recurses once per open parenthesis; a real search never nests this deep.
MAX_NESTING = 100

T = TypeVar("T")

_WORD = re.compile(r"[^\W_]+")


def words_of(text: str) -> list[str]:
    """Lower-case words of `text` with accents folded and punctuation (hyphens too) as breaks."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(folded.lower())


def normalise_value(text: str) -> str:
    """A heading or code in comparable form: its words joined by single spaces."""
    return " ".join(words_of(text))


class QuerySyntaxError(ValueError):
    """The term cannot be read as a PubMed query; esearch answers with an ERROR element."""


@dataclass(frozen=True)
class Term:
    """One search term: words (a phrase when quoted), an optional field, maybe truncated."""

    text: str
    field: str = "all"
    quoted: bool = False
    truncated: bool = False
    unknown_tag: str = ""  # a tag PubMed would not know: the term matches nothing

    def translation(self) -> str:
        shown = self.text + ("*" if self.truncated else "")
        if self.field in DATE_FIELDS:
            return f"{shown}[{FIELD_NAMES[self.field]}]"
        return f'"{shown}"[{FIELD_NAMES[self.field]}]'


@dataclass(frozen=True)
class Operation:
    """A Boolean operation: operator is AND, OR or NOT (binary: left NOT right)."""

    operator: str
    left: Node
    right: Node

    def translation(self) -> str:
        return _fold(
            self,
            Term.translation,
            lambda operator, left, right: f"({left} {operator} {right})",
        )


Node = Term | Operation


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "phrase", "tag", "(", ")", "op"
    text: str


def tokenize(query: str) -> list[Token]:
    """Split a query into words, quoted phrases, [tags], parentheses and operators."""
    tokens: list[Token] = []
    position = 0
    while position < len(query):
        char = query[position]
        if char.isspace():
            position += 1
        elif char in "()":
            tokens.append(Token(char, char))
            position += 1
        elif char == '"':
            end = query.find('"', position + 1)
            if end < 0:
                raise QuerySyntaxError(f"Unterminated quotation mark at position {position}")
            tokens.append(Token("phrase", query[position + 1 : end]))
            position = end + 1
        elif char == "[":
            end = query.find("]", position + 1)
            if end < 0:
                raise QuerySyntaxError(f"Unterminated field tag at position {position}")
            tokens.append(Token("tag", query[position + 1 : end].strip()))
            position = end + 1
        elif char == "]":
            raise QuerySyntaxError(f"Unexpected ']' at position {position}")
        else:
            match = re.compile(r'[^\s()"\[\]]+').match(query, position)
            assert match is not None  # the branches above took every other first character
            text = match.group(0)
            tokens.append(Token("op" if text in OPERATORS else "word", text))
            position = match.end()
    return tokens


class _Parser:
    """Recursive descent over tokens: query := operand ((op)? operand)*; operand := (query) | term."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0  # parentheses open here: each level is two frames of this descent

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def query(self) -> Node:
        node = self.operand()
        while (token := self.peek()) is not None and token.kind != ")":
            operator = "AND"
            if token.kind == "op":
                operator = self.take().text
                if (right := self.peek()) is None or right.kind == ")":
                    raise QuerySyntaxError(f"Operator {operator} has no right-hand term")
            node = Operation(operator, node, self.operand())
        return node

    def operand(self) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("Query ends where a term was expected")
        if token.kind == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise QuerySyntaxError(f"Parentheses nested deeper than {MAX_NESTING}")
            node = self.query()
            self.depth -= 1
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QuerySyntaxError("Missing closing parenthesis")
            self.take()
            return node
        if token.kind in ("word", "phrase"):
            return self.term_run()
        if token.kind == "op":
            raise QuerySyntaxError(f"Operator {token.text} has no left-hand term")
        if token.kind == ")":
            raise QuerySyntaxError("Unbalanced closing parenthesis")
        raise QuerySyntaxError(f"Field tag [{token.text}] has no term")

    def term_run(self) -> Node:
        """A quoted phrase, or bare words up to a tag, operator or parenthesis."""
        first = self.take()
        if first.kind == "phrase":
            return self.tagged([first.text], quoted=True)
        words = [first.text]
        while (token := self.peek()) is not None and token.kind == "word":
            words.append(self.take().text)
        return self.tagged(words, quoted=False)

    def tagged(self, words: list[str], quoted: bool) -> Node:
        tag = ""
        if (token := self.peek()) is not None and token.kind == "tag":
            tag = self.take().text
        field = FIELD_TAGS.get(tag.lower(), "all") if tag else "all"
        unknown = tag if tag and tag.lower() not in FIELD_TAGS else ""
        if quoted or field in VALUE_FIELDS or field in DATE_FIELDS:
            return _term(" ".join(words), field, quoted, unknown)
        # Bare words in running text are separate terms joined by AND, each with the tag.
        node: Node = _term(words[0], field, False, unknown)
        for word in words[1:]:
            node = Operation("AND", node, _term(word, field, False, unknown))
        return node


def _term(text: str, field: str, quoted: bool, unknown_tag: str) -> Term:
    text = text.strip()
    truncated = text.endswith("*")
    if truncated:
        text = text.rstrip("*")
    if not text:
        raise QuerySyntaxError("Empty term")
    if "*" in text:
        raise QuerySyntaxError(f"Wildcard '*' is only allowed at the end of a term: {text}*")
    return Term(text, field, quoted, truncated, unknown_tag)


def parse(query: str) -> Node:
    """Parse a PubMed query; raise QuerySyntaxError when it cannot be read."""
    tokens = tokenize(query)
    if not tokens:
        raise QuerySyntaxError("Empty term and query_key - nothing todo")
    parser = _Parser(tokens)
    node = parser.query()
    if parser.peek() is not None:
        raise QuerySyntaxError("Unbalanced closing parenthesis")
    return node


def terms_of(node: Node) -> list[Term]:
    """Every term in the tree, left to right."""
    return [each for each in _post_order(node) if isinstance(each, Term)]


class SearchIndex(Protocol):
    """What the evaluator needs: the PMIDs visible now that match one term."""

    def matching(self, term: Term) -> frozenset[str]: ...


def evaluate(node: Node, index: SearchIndex) -> frozenset[str]:
    """The PMIDs that satisfy the query."""
    return _fold(node, index.matching, _combine)


def _combine(operator: str, left: frozenset[str], right: frozenset[str]) -> frozenset[str]:
    if operator == "AND":
        return left & right
    if operator == "OR":
        return left | right
    return left - right


def _fold(node: Node, on_term: Callable[[Term], T], on_operation: Callable[[str, T, T], T]) -> T:
    """The tree reduced bottom-up, without recursion: PubMed reads operators left to right, so
    a query of n ORs is a tree n deep, and a recursive walk of a 1,000-term query would stop
    at Python's recursion limit."""
    values: list[T] = []
    for each in _post_order(node):
        if isinstance(each, Term):
            values.append(on_term(each))
        else:
            right = values.pop()
            values.append(on_operation(each.operator, values.pop(), right))
    return values.pop()


def _post_order(node: Node) -> list[Node]:
    """The tree's nodes, each after its left then its right subtree."""
    order: list[Node] = []
    pending: list[tuple[Node, bool]] = [(node, False)]
    while pending:
        each, children_done = pending.pop()
        if isinstance(each, Term) or children_done:
            order.append(each)
        else:
            pending += [(each, True), (each.right, False), (each.left, False)]
    return order
