"""`litwatch query-check` (and a line of `litwatch doctor`): does a watch's PubMed query read as
meant, and does it find the records it must?

PubMed's own word on the query comes through the Entrez edge: its count, its `QueryTranslation`,
and the errors and warnings of esearch's `ErrorList` and `WarningList`. Relative recall is
measured against the watch's `known` PMIDs; for each known record the query misses, the record
is fetched and the words of its title and abstract that no term of the query matches are named,
those that share a word with the part of the query the record fails first ("B12" beside
"vitamin B12"[tiab]), so the hole can be closed.

Which term matches which words is judged by the project's one model of PubMed's query language,
the one the stand-in searches by (`standin/query.py`, `standin/index.py`): exact against the
stand-in, close against PubMed, which also maps untagged terms to MeSH and explodes headings.
Only looks: nothing is stored or written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from litwatch.config import Watch
from litwatch.core.records import Record
from litwatch.pubmed.entrez import EntrezClient, QueryDiagnosis, SearchMessage
from litwatch.pubmed.xml import parse_xml
from litwatch.standin.index import TextIndex
from litwatch.standin.query import (
    DATE_FIELDS,
    TEXT_FIELDS,
    Node,
    Operation,
    QuerySyntaxError,
    Term,
    evaluate,
    parse,
    terms_of,
    words_of,
)

# How each element of esearch's ErrorList and WarningList reads in a line.
_MESSAGE_WORDS = {
    "PhraseNotFound": "phrase not found",
    "FieldNotFound": "field not found",
    "QuotedPhraseNotFound": "quoted phrase not found",
    "PhraseIgnored": "phrase ignored",
}
# "No items found." is said of every empty result: the count says it already.
_NO_ITEMS = "no items found."
# Words that carry no topic in English text: never offered as a missing word.
# fmt: off
_FUNCTION_WORDS = frozenset((
    "a", "about", "after", "against", "all", "also", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "during", "each", "either", "for", "from", "had", "has", "have", "how", "if", "in",
    "into", "is", "it", "its", "may", "might", "more", "most", "no", "nor", "not", "of", "on",
    "or", "other", "our", "over", "per", "same", "should", "so", "such", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "under",
    "up", "upon", "was", "we", "were", "what", "when", "where", "whether", "which", "while",
    "who", "whom", "why", "will", "with", "within", "without", "would", "yet",
))
# fmt: on
# A record PubMed misses that meets the query in this model of it: MeSH or mapping differ.
_FOUND_HERE = (
    "its title and abstract meet the query here, yet PubMed does not find it "
    "(indexed otherwise, or not yet)"
)
SHOWN_WORDS = 8  # at most this many of the other unmatched words per missed record
SHOWN_TERMS = 3  # terms named beside a near word


@dataclass(frozen=True)
class MissedRecord:
    """A known record the query does not find, and why, in the record's own words."""

    pmid: str
    title: str
    failing: tuple[str, ...]  # why, per part of the query: "no term of (...) matches it"
    near: tuple[tuple[str, tuple[str, ...]], ...]  # unmatched word, the failing terms it is part of
    other: tuple[str, ...]  # further words no term matches, most frequent first

    def line(self) -> str:
        title = self.title if len(self.title) <= 60 else self.title[:57] + "..."
        parts = [f'misses {self.pmid} "{title}"']
        parts += list(self.failing) or [_FOUND_HERE]
        if self.near:
            parts.append(
                "words no term matches: "
                + ", ".join(f"{word} (part of {', '.join(terms)})" for word, terms in self.near)
            )
        if self.other:
            label = "other words no term matches" if self.near else "words no term matches"
            parts.append(f"{label}: {', '.join(self.other)}")
        return "; ".join(parts)


@dataclass(frozen=True)
class QueryCheck:
    """What PubMed says of one watch's query, and the query's recall on the watch's known list."""

    watch: str
    diagnosis: QueryDiagnosis
    known: tuple[str, ...]
    found: tuple[str, ...]  # known records the query finds
    missed: tuple[MissedRecord, ...]
    absent: tuple[str, ...]  # known PMIDs PubMed does not hold

    @property
    def recall(self) -> float | None:
        """Relative recall: the share of the known records PubMed holds that the query finds."""
        held = len(self.found) + len(self.missed)
        return len(self.found) / held if held else None

    @property
    def holes(self) -> list[str]:
        """What fails the check: known records the query misses, known PMIDs PubMed lacks."""
        return [
            *(f"misses known record {missed.pmid}" for missed in self.missed),
            *(f"known PMID {pmid} is not in PubMed" for pmid in self.absent),
        ]

    @property
    def notes(self) -> list[str]:
        """PubMed's own errors and warnings on the query, shown and not judged: a phrase PubMed
        lacks is mostly a misspelling, but may also be the name of what is yet to be published."""
        return [_message_text(m) for m in self.diagnosis.messages if _worth_saying(m)]

    def lines(self) -> list[str]:
        """The report, one line per fact, each starting with the watch's name."""
        lines = [
            f"PubMed finds {self.diagnosis.count:,} records for the query",
            f"PubMed reads it as: {self.diagnosis.translation or '(no translation)'}",
        ]
        lines += self.notes
        lines.append(self.recall_line())
        lines += [missed.line() for missed in self.missed]
        lines += [
            f"known PMID {pmid} is not in PubMed: check the watch file's known list"
            for pmid in self.absent
        ]
        return [f"{self.watch}: {line}" for line in lines]

    def recall_line(self) -> str:
        if not self.known:
            return "no known records listed (known = [...] in the watch file): recall not measured"
        recall = self.recall
        if recall is None:
            return "relative recall not measured: PubMed holds none of the known records"
        held = len(self.found) + len(self.missed)
        missed = f"; misses {', '.join(m.pmid for m in self.missed)}" if self.missed else ""
        return (
            f"relative recall {recall:.2f}: finds {len(self.found)} of {held} known records{missed}"
        )

    def summary(self) -> str:
        """The check in one line, for doctor."""
        if not self.known:
            recall = "no known records listed"
        elif self.recall is None:
            recall = "PubMed holds none of the known records"
        else:
            held = len(self.found) + len(self.missed)
            recall = f"relative recall {self.recall:.2f} on {held} known records"
        parts = [f"{recall}; PubMed finds {self.diagnosis.count:,} records", *self.holes]
        notes = [note.removeprefix("PubMed ") for note in self.notes]
        if notes:
            parts.append("PubMed says: " + "; ".join(notes))
        return "; ".join(parts)


def check_query(watch: Watch, client: EntrezClient) -> QueryCheck:
    """Ask PubMed about the watch's query and its known records; fetch the ones it misses."""
    diagnosis = client.diagnose(watch.query)
    known = watch.known
    found: list[str] = []
    missed: list[MissedRecord] = []
    absent: list[str] = []
    if known:
        held = set(client.search_ids(_pmid_query(known), len(known)))
        hits = set(client.search_ids(f"({watch.query}) AND {_pmid_query(known)}", len(known)))
        found = [pmid for pmid in known if pmid in hits]
        absent = [pmid for pmid in known if pmid not in held]
        missing = [pmid for pmid in known if pmid in held and pmid not in hits]
        records = _fetch(client, missing)
        missed = [explain_miss(watch.query, records[p]) for p in missing if p in records]
        absent += [pmid for pmid in missing if pmid not in records]
    return QueryCheck(watch.name, diagnosis, known, tuple(found), tuple(missed), tuple(absent))


def _pmid_query(pmids: tuple[str, ...] | list[str]) -> str:
    return "(" + " OR ".join(f"{pmid}[uid]" for pmid in pmids) + ")"


def _fetch(client: EntrezClient, pmids: list[str]) -> dict[str, Record]:
    records: dict[str, Record] = {}
    size = client.config.batch_size
    for start in range(0, len(pmids), size):
        body = client.fetch_ids(pmids[start : start + size])
        records.update((r.pmid, r) for r in parse_xml(body, source_name="PubMed efetch answer"))
    return records


def explain_miss(query: str, record: Record) -> MissedRecord:
    """Which parts of the query the record fails, and its words no term of the query matches."""
    try:
        tree = parse(query)
    except QuerySyntaxError:  # PubMed read it (it searched); this model cannot
        unread = (
            "which part of the query it fails is not known (the query is read otherwise here)",
        )
        words = _other_words(record, _Words(set(), ()))[:SHOWN_WORDS]
        return MissedRecord(record.pmid, record.title, unread, (), words)
    matches = _record_matcher(record)
    failing = _failing_parts(tree, matches)
    matched = _Words.of(t for t in terms_of(tree) if t.field in TEXT_FIELDS and matches(t))
    near = []
    for word, shown in _record_words(record, matched):
        terms = [
            term.translation()
            for part in failing
            for term in terms_of(part)
            if _Words.of([term]).hold(word)
        ]
        if terms:
            near.append((shown, tuple(dict.fromkeys(terms))[:SHOWN_TERMS]))
    near_words = {word.lower() for word, _ in near}
    other = tuple(w for w in _other_words(record, matched) if w.lower() not in near_words)
    return MissedRecord(
        record.pmid,
        record.title,
        tuple(_shown_part(part) for part in failing),
        tuple(near),
        other[:SHOWN_WORDS],
    )


@dataclass(frozen=True)
class _Words:
    """The words some terms hold: whole words, and the stems of truncated ones ("cobalamin*")."""

    whole: set[str]
    stems: tuple[str, ...]

    @classmethod
    def of(cls, terms) -> _Words:
        whole: set[str] = set()
        stems: list[str] = []
        for term in terms:
            words = words_of(term.text)
            if term.truncated and words:
                stems.append(words.pop())
            whole.update(words)
        return cls(whole, tuple(stems))

    def hold(self, word: str) -> bool:
        return word in self.whole or word.startswith(self.stems)


def _record_matcher(record: Record) -> Callable[[Node], bool]:
    """Whether a part of a query matches this one record, as the stand-in would search it."""
    index = TextIndex()
    index.add(0, record)
    everything = frozenset({record.pmid})

    class _One:
        def matching(self, term: Term) -> frozenset[str]:
            if term.unknown_tag:
                return frozenset()
            if term.field in DATE_FIELDS:
                return everything  # not the record's fault: the query's window
            if term.field == "pmid":
                return everything if term.text.strip() == record.pmid else frozenset()
            return everything if index.documents(term) else frozenset()

    one = _One()
    return lambda node: bool(evaluate(node, one))


def _failing_parts(tree: Node, matches: Callable[[Node], bool]) -> list[Node]:
    """The smallest parts of the query that keep the record out: the AND operands it fails,
    down to an OR group none of whose alternatives it meets (or a lone term)."""
    failing: list[Node] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if matches(node):
            continue
        if isinstance(node, Operation) and node.operator == "AND":
            pending += [node.right, node.left]
        elif isinstance(node, Operation) and node.operator == "NOT" and not matches(node.left):
            pending.append(node.left)
        else:  # an OR group, a term, or "a NOT b" that b excludes
            failing.append(node)
    return failing


def _shown_part(part: Node) -> str:
    """Why a failing part of the query keeps the record out, the part in a few words."""
    if isinstance(part, Operation) and part.operator == "NOT":
        return f"NOT {_few_terms(part.right)} excludes it"
    return f"no term of {_few_terms(part)} matches it"


def _few_terms(part: Node) -> str:
    """A part of the query by its first and last term, and how many it has."""
    terms = [term.translation() for term in terms_of(part)]
    if len(terms) == 1:
        return terms[0]
    if len(terms) == 2:
        return part.translation()
    return f"({terms[0]} ... {terms[-1]}, {len(terms)} terms)"


def _record_words(record: Record, matched: _Words) -> list[tuple[str, str]]:
    """(lower-case word, as first written) for each distinct word of the title and abstract
    that no matching term holds, in the order they first appear."""
    seen: dict[str, str] = {}
    for text in [record.title, *(section.text for section in record.abstract)]:
        for shown in _written_words(text):
            word = shown.lower()
            if word not in seen and not matched.hold(word):
                seen[word] = shown
    return list(seen.items())


def _other_words(record: Record, matched: _Words) -> tuple[str, ...]:
    """Words of the title and abstract no term matches, function words and numbers left out,
    the most frequent first (a title word counts twice), ties in order of appearance."""
    counts: Counter[str] = Counter()
    for weight, text in [(2, record.title), *((1, s.text) for s in record.abstract)]:
        for shown in _written_words(text):
            counts[shown.lower()] += weight
    shown_as = dict(_record_words(record, matched))
    order = {word: position for position, word in enumerate(shown_as)}
    candidates = [
        word
        for word in shown_as
        if word not in _FUNCTION_WORDS and not word.isdigit() and len(word) > 1
    ]
    candidates.sort(key=lambda word: (-counts[word], order[word]))
    return tuple(shown_as[word] for word in candidates)


_WORD = re.compile(r"[^\W_]+")


def _written_words(text: str) -> list[str]:
    """The words of `text` as the query language splits them (`words_of`), in their case."""
    folded = unicodedata.normalize("NFKD", text)
    written = _WORD.findall("".join(ch for ch in folded if not unicodedata.combining(ch)))
    lowered = words_of(text)
    return written if [word.lower() for word in written] == lowered else lowered


def _worth_saying(message: SearchMessage) -> bool:
    return message.kind != "OutputMessage" or message.text.lower() != _NO_ITEMS


def _message_text(message: SearchMessage) -> str:
    kind = "error" if message.error else "warning"
    words = _MESSAGE_WORDS.get(message.kind)
    return f"PubMed {kind}: {words}: {message.text}" if words else f"PubMed {kind}: {message.text}"
