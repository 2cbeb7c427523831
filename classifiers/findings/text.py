"""An abstract read once for the findings readers: its sentences with their section, their
normalised words, and the abbreviations the abstract defines."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from litwatch.classifiers.findings import cues
from litwatch.classifiers.text.spans import sentences
from litwatch.core.records import Record

# Section roles, from the journal's heading or NLM's category.
BACKGROUND, METHODS, RESULTS, CONCLUSIONS, OTHER, UNLABELLED = (
    "background",
    "methods",
    "results",
    "conclusions",
    "other",
    "",
)

# Checked in order: "METHODS AND RESULTS" and "METHODS AND FINDINGS" carry results.
_ROLE_WORDS = (
    (RESULTS, ("RESULT", "FINDING", "OUTCOME")),
    (CONCLUSIONS, ("CONCLU", "INTERPRETATION", "DISCUSSION", "SIGNIFICANCE", "IMPLICATION")),
    (
        METHODS,
        (
            "METHOD",
            "DESIGN",
            "SETTING",
            "PARTICIPANT",
            "PATIENT",
            "INTERVENTION",
            "MEASURE",
            "SUBJECT",
            "MATERIAL",
            "PROCEDURE",
            "ANALYSIS",
        ),
    ),
    (
        BACKGROUND,
        (
            "BACKGROUND",
            "INTRODUCTION",
            "OBJECTIVE",
            "AIM",
            "PURPOSE",
            "CONTEXT",
            "RATIONALE",
            "IMPORTANCE",
            "HYPOTHES",
        ),
    ),
)

_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z][a-z0-9]*")
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?", re.IGNORECASE)
# "vibration perception threshold (VPT)": the parenthesis right after a phrase names it.
_ABBREVIATION = re.compile(r"\(([A-Za-z][A-Za-z0-9\-/]{1,11})[;,)]")

# A sentence splitter may end a sentence at the full stop of an abbreviation: "(18% vs." |
# "33%, p=0.12)" leaves the p-value apart from the values it tests. Such a piece is joined to
# the next one in the same section.
_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(\[;,])(?:vs|v|versus|cf|e\.g|i\.e|approx|ca|fig|figs|et\s+al|resp)\.$",
    re.IGNORECASE,
)

_TAIL = 10  # longer than " et al." and "(approx."


def _ends_with_abbreviation(piece: str) -> bool:
    # Only the last few characters can hold it: the pattern is tried on them alone.
    if not piece.endswith("."):
        return False
    tail = piece[-_TAIL:]
    found = _ABBREVIATION_END.search(tail)
    return found is not None and (found.start() > 0 or len(piece) <= _TAIL)


STOPWORDS = frozenset(
    (
        *("a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and"),
        *("or", "as", "is", "was", "were", "be", "been", "are", "this", "that", "these"),
        *("those", "than", "then", "its", "their", "his", "her", "it", "into", "over", "after"),
        *("before", "during", "between", "among", "within", "versus", "vs", "per", "each"),
        *("both", "all", "any", "who", "which", "what", "when", "while", "group", "arm"),
        *("patient", "participant", "subject", "study", "trial", "compared", "comparison"),
    )
)
_STEMS: dict[str, str] = {}
# The light stem as two substitutions, so a whole sentence is stemmed at C speed: "therapies"
# -> "therapy" (5+ letters), "scores" -> "score" (4+ letters, not -ss, -us, -is).
# (Each pattern starts with its literal so the regex engine scans for it.)
_IES = re.compile(r"ies\b(?<=[a-z0-9]{2}ies)")
_PLURAL_S = re.compile(r"s\b(?<=[a-z0-9]{2}[a-hj-rtv-z0-9]s)")


def stem_text(lowered: str) -> str:
    """Every word of a lower-case text stemmed."""
    return _PLURAL_S.sub("", _IES.sub("y", lowered))


def stem(word: str) -> str:
    """A light stem, enough to match "scores"/"score" and "therapies"/"therapy"."""
    found = _STEMS.get(word)
    if found is None:
        found = _STEMS[word] = stem_text(word.lower())
    return found


def words(text: str) -> list[str]:
    """The stemmed words of `text`, in order."""
    return [stem(w) for w in _WORD.findall(text.lower())]


def content_words(text: str) -> list[str]:
    """The stemmed words that carry meaning (no stopwords, no bare numbers)."""
    return [w for w in words(text) if w not in STOPWORDS and not w[0].isdigit()]


def word_set(text: str) -> frozenset[str]:
    """The content words of `text` as a set: each distinct word stemmed once."""
    return frozenset(_LETTERS.findall(stem_text(text.lower()))) - STOPWORDS


@dataclass(frozen=True)
class SentenceCues:
    """What a sentence says regardless of which outcome is asked about; read on first use."""

    p_value: bool
    interval: bool
    numbers: bool
    significant: bool
    no_difference: bool
    direction: bool
    comparison: bool
    measure: bool  # says how an outcome was measured ("were recorded", "we assessed")


@dataclass(frozen=True)
class Sentence:
    text: str
    role: str  # the section role: background, methods, results, conclusions, other or ""
    index: int  # position in the abstract, 0-based
    position: float  # index / number of sentences, 0..1

    # Read on first use: the key finding needs only the text and role, and most abstracts
    # name none of a watch's outcomes, so their words are never looked at.
    @cached_property
    def words(self) -> frozenset[str]:
        """The sentence's content words, stemmed."""
        return word_set(self.text)

    @cached_property
    def written(self) -> frozenset[str]:
        """The sentence's words as written (lower-cased, not stemmed), read once for the cues
        and the outcome mentions both."""
        return frozenset(_LETTERS.findall(self.text.lower()))

    @cached_property
    def cues(self) -> SentenceCues:
        text = self.text
        said = self.written
        return SentenceCues(
            bool(
                ("p" in said and cues.P_VALUE.search(text))
                or (said & cues.NS_WORDS and cues.P_NS.search(text))
            ),
            bool(said & cues.INTERVAL_WORDS and cues.CONFIDENCE_INTERVAL.search(text)),
            bool(_DIGIT.search(text)),
            bool(said & cues.SIGNIFICANT_WORDS),
            bool(said & cues.NO_DIFFERENCE_WORDS and cues.NO_DIFFERENCE.search(text)),
            bool(said & cues.DIRECTION_WORDS),
            bool(said & cues.COMPARISON_WORDS),
            bool(said & cues.MEASURE_WORDS and cues.MEASURE.search(text)),
        )


@dataclass(frozen=True, eq=False)
class Abstract:
    title: str
    sentences: tuple[Sentence, ...]
    structured: bool
    # What the readers work out from the sentences once per abstract (the ranker's
    # outcome-independent scores, per model).
    memo: dict = field(default_factory=dict, repr=False)

    @cached_property
    def abbreviations(self) -> dict[str, str]:
        """ "vpt" -> "vibration perception threshold", as the abstract defines them."""
        return _abbreviations(self.title, [s.text for s in self.sentences])

    @cached_property
    def sections(self) -> tuple[str, ...]:
        """Each sentence's section: its heading's role where the abstract is structured, else
        read from its wording and place (see `guess_sections`)."""
        return guess_sections(self.sentences)

    def reports(self, sentence: Sentence) -> bool:
        """Whether a sentence sits in the results or the conclusions: the only places a
        finding's evidence may come from (an aim, a method or a background names outcomes
        without reporting them)."""
        return self.sections[sentence.index] in (RESULTS, CONCLUSIONS)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every content word of every sentence."""
        return frozenset().union(*(s.words for s in self.sentences))


# An unlabelled sentence's section from its wording: how the study was done, what it set out
# to do, what it concludes. A sentence with a statistic reports a result whatever else it says.
_METHODS_WORDING = re.compile(
    r"\b(?:randomi[sz]ed|randomly\s+(?:assigned|allocated)|were\s+(?:enrolled|recruited|"
    r"included|assigned|allocated|followed|treated\s+with)|we\s+(?:will\s+)?(?:searched|pooled|"
    r"enrolled|recruited|randomi[sz]e|randomi[sz]ed|included|measured|assessed|compared|"
    r"reviewed\s+records|followed|studied|analy[sz]ed|sampled|will)|underwent|"
    r"(?:primary|secondary|main)\s+(?:efficacy\s+)?(?:outcomes?|end-?\s?points?|measures?)|"
    r"(?:were|was)\s+the\s+(?:primary\s+|secondary\s+|main\s+)?(?:outcomes?|end-?\s?points?)"
    r"|outcomes?\s+(?:was|were|included)|were\s+(?:measured|assessed|recorded|evaluated|"
    r"examined|collected|obtained)|in\s+this\s+(?:double-blind|randomi[sz]ed|open|"
    r"prospective|retrospective|cross-sectional)|(?:double|single)-blind|"
    r"at\s+(?:baseline|entry|randomi[sz]ation|enrol?ment|inclusion)|baseline\s+characteristics)\b",
    re.IGNORECASE,
)
_AIM_WORDING = re.compile(
    r"^\s*(?:to\s+(?:assess|evaluate|compare|determine|investigate|examine|test|find|estimate|"
    r"explore|summari[sz]e)\b|(?:the\s+)?(?:aim|objective|purpose|goal)s?\b)"
    r"|\bwe\s+(?:asked|aimed|sought|set\s+out|hypothesi[sz]ed|wanted|reviewed\s+whether|"
    r"examined\s+whether|investigated\s+whether|tested\s+whether)\b"
    r"|^\s*(?:this|the\s+present)\s+(?:review|report|article|paper|editorial|commentary|"
    r"guideline|comment)\s+(?:discusses|describes|summari[sz]es|gives|argues|reviews|presents|"
    r"considers|examines)\b",
    re.IGNORECASE,
)
_CONCLUSION_WORDING = re.compile(
    r"^\s*(?:in\s+conclusion|to\s+conclude|in\s+summary|overall,|taken\s+together|"
    r"these\s+(?:results|findings|data)|our\s+(?:results|findings|data)|we\s+conclude)\b",
    re.IGNORECASE,
)


def guess_sections(sentences: tuple[Sentence, ...]) -> tuple[str, ...]:
    """Each sentence's section. A labelled sentence keeps its heading's role. An unlabelled
    one is read from its wording (a statistic makes it a result; "were randomised", "the
    primary outcome was" a method; "we asked whether" an aim; "in conclusion" a conclusion),
    else from its place: after a method or a result it is a result, before them background."""
    found: list[str] = []
    begun = False  # a method or a result has been seen
    for sentence in sentences:
        if sentence.role:
            found.append(sentence.role)
            begun = begun or sentence.role in (METHODS, RESULTS)
            continue
        text = sentence.text
        said = sentence.cues
        statistic = said.p_value or said.interval
        if _CONCLUSION_WORDING.search(text):
            section = CONCLUSIONS
        elif statistic:
            section = RESULTS
        elif _AIM_WORDING.search(text) and not (begun and _reads_like_result(said)):
            section = BACKGROUND
        elif _METHODS_WORDING.search(text) or said.measure:
            section = METHODS
        elif _reads_like_result(said) or begun:
            section = RESULTS
        else:
            section = BACKGROUND
        begun = begun or section in (METHODS, RESULTS)
        found.append(section)
    return tuple(found)


def _reads_like_result(said: SentenceCues) -> bool:
    return said.significant or said.no_difference or said.direction


@lru_cache(maxsize=1024)  # journals reuse a few hundred headings
def section_role(label: str, nlm_category: str = "") -> str:
    heading = (nlm_category or label).upper()
    if not heading:
        return UNLABELLED
    for role, keys in _ROLE_WORDS:
        if any(key in heading for key in keys):
            return role
    return OTHER


# The last few records read: the judge asks for a record's findings and then its key finding,
# and both read the same abstract. Keyed by identity (a record is immutable), so a record
# read again later, or an equal copy, is simply read again. One memory per thread: task
# runners classify batches on several threads at once.
_RECENT_SIZE = 4
_recent = threading.local()


def read_abstract(record: Record) -> Abstract:
    """The record's abstract split once into sentences."""
    memory: dict[int, tuple[Record, Abstract]] = getattr(_recent, "records", None) or {}
    _recent.records = memory
    remembered = memory.get(id(record))
    if remembered is not None and remembered[0] is record:
        return remembered[1]
    abstract = _split(record)
    if len(memory) >= _RECENT_SIZE:
        del memory[next(iter(memory))]
    memory[id(record)] = (record, abstract)
    return abstract


def _split(record: Record) -> Abstract:
    pieces: list[tuple[str, str]] = []
    for section in record.abstract:
        role = section_role(section.label, section.nlm_category)
        text = section.text
        joined_to_last = False
        for start, end in sentences(text):
            piece = text[start:end].strip()
            if not piece:
                continue
            if joined_to_last:
                pieces[-1] = (pieces[-1][0] + " " + piece, role)
            else:
                pieces.append((piece, role))
            joined_to_last = _ends_with_abbreviation(pieces[-1][0])
    count = max(len(pieces), 1)
    built = tuple(
        Sentence(text, role, index, index / count) for index, (text, role) in enumerate(pieces)
    )
    return Abstract(record.title, built, any(s.role for s in built))


def _abbreviations(title: str, pieces: list[str]) -> dict[str, str]:
    """Abbreviations defined as "long form (LF)": the long form is the words before the
    parenthesis whose initials spell the abbreviation (or as many words as it has letters)."""
    found: dict[str, str] = {}
    for text in [title, *pieces]:
        if "(" not in text:
            continue
        for match in _ABBREVIATION.finditer(text):
            short = match.group(1)
            letters = [c for c in short.lower() if c.isalpha()]
            if not letters or not any(c.isupper() for c in short):
                continue
            before = _WORD.findall(text[: match.start()])[-(len(letters) + 2) :]
            # Walk back to the word starting with the abbreviation's first letter.
            for back in range(min(len(before), len(letters) + 2), 0, -1):
                if before[-back][0].lower() == letters[0]:
                    found.setdefault(short.lower(), " ".join(before[-back:]).lower())
                    break
    return found
