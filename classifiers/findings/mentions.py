"""Where an abstract's results name each outcome domain of a watch: by the watch's own terms
first (the user's declaration), then by the outcome vocabulary (instrument names and their
abbreviations, an instrument's short name before a measure word, a head word with the words
that qualify it), by abbreviations the abstract defines for any of those, and by an outcome
the methods name that the results refer to again ("neuropathy impairment scores" ... "slowed
progression of impairment"). Code holds the matching only: every topic word is data."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial

from litwatch.classifiers.findings.effect import _AMOUNT, _VERDICT
from litwatch.classifiers.findings.text import (
    METHODS,
    STOPWORDS,
    Abstract,
    Sentence,
    content_words,
    stem,
)
from litwatch.core.findings import DomainTerm, OutcomeDomain, OutcomeHead, OutcomeVocabulary

_LEADING_WORD = re.compile(r"[a-z][a-z0-9]*")
_PREFIX = 4  # letters of a word kept to rule out a term written with "*"
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z\-]*)[\s]+$")
# Verbs of change that make a word naming the intervention a measured outcome: "B12 rose",
# "normalised B12", "metformin lowered vitamin B12". After the word only verbs that take no
# object count ("B12 reduced pain" is the intervention acting).
_MOVED_AFTER = frozenset(
    ("rose", "risen", "fell", "fallen", "normalised", "normalized", "remained", "returned")
    + ("declined", "dropped", "doubled", "rising", "falling")
)
_MOVED_BEFORE = frozenset(
    ("normalised", "normalized", "normalise", "normalize", "lowered", "raised", "increased")
    + ("decreased", "reduced", "restored", "corrected", "improved", "replete", "repleted")
)
# "the primary outcome was the change in X": the outcome the results may call "the primary
# outcome" again.
PRIMARY_OUTCOME = re.compile(
    r"\bprimary (?:efficacy )?(?:outcome|end[- ]?point)s?(?: measures?)? (?:was|were|is|are)\b",
    re.IGNORECASE,
)
_PRIMARY_AGAIN = re.compile(
    r"\bprimary\s+(?:efficacy\s+)?(?:outcome|end[\s-]?point)", re.IGNORECASE
)
_BACK_REFERENCE_MIN = 5  # letters of a methods outcome's head word for a results mention of it


@dataclass(frozen=True)
class Mention:
    """One place a reporting sentence names a domain's outcome."""

    sentence: int  # the sentence's index in the abstract
    start: int  # offsets in the sentence's text
    end: int
    text: str  # the outcome as named, with the words that qualify it


@dataclass(frozen=True)
class TermGroup:
    """A domain's wordings of one polarity, compiled, with the words each needs: most
    abstracts name none of them, and set lookups are far cheaper than a regex scan."""

    domain: OutcomeDomain
    polarity: str
    pattern: re.Pattern[str]  # the watch's terms, instrument names, abbreviations, short names
    heads: re.Pattern[str] | None  # head words, widened by their qualifiers when found
    qualified: dict[str, re.Pattern[str]]  # head (lower case) -> its qualifiers, when it needs one
    # Per wording: the words it holds whole and the beginnings of the words it ends with "*".
    needs: tuple[tuple[frozenset[str], tuple[str, ...]], ...]
    measures: re.Pattern[str] | None = field(default=None, compare=False)

    @cached_property
    def anchors(self) -> frozenset[str] | None:
        """One word each wording needs (None when one needs no whole word): a text with none
        of them holds none of the wordings."""
        if any(not words for words, _ in self.needs):
            return None
        return frozenset(max(sorted(words), key=len) for words, _ in self.needs)

    def may_occur(self, written: frozenset[str], beginnings: frozenset[str]) -> bool:
        """Whether a text whose words (as written, lower-cased) are `written` and whose words'
        first letters are `beginnings` can hold one of the wordings."""
        anchors = self.anchors
        if anchors is not None and anchors.isdisjoint(written):
            return False
        return any(
            words <= written and all(p[:_PREFIX] in beginnings for p in prefixes)
            for words, prefixes in self.needs
        )

    def names(self, text: str) -> re.Match[str] | None:
        """The first wording of this group in `text` (a head with its qualifier if it needs
        one)."""
        found = self.pattern.search(text)
        if found or self.heads is None:
            return found
        for match in self.heads.finditer(text):
            qualifiers = self.qualified.get(match.group(0).lower())
            if _qualified(text, match.start(), match.end(), qualifiers):
                return match
        return None


def _needs(term: DomainTerm) -> tuple[frozenset[str], tuple[str, ...]]:
    """The words a text must hold for the term's pattern to match it: each word of the term
    written whole, and the first letters of a word the term leaves open with "*" (a word the
    pattern matches literally is a word of the text, as the parts are set apart by spaces,
    hyphens or the pattern's word boundaries)."""
    words: set[str] = set()
    prefixes: list[str] = []
    for part in re.split(r"[\s\-]+", term.text.strip().lower()):
        literal, star, _ = part.partition("*")
        found = _LEADING_WORD.findall(literal)
        if star and found and literal.endswith(found[-1]):
            open_word = found.pop()
            if len(open_word) >= _PREFIX:
                prefixes.append(open_word)
        words.update(found)
    return frozenset(words), tuple(prefixes)


def term_regex(term: DomainTerm) -> str:
    """A written term as a regex: `*` any word ending, spaces and hyphens alike. A term in
    capitals (an abbreviation such as MMA) matches in capitals only."""
    text = term.text.strip()
    pieces = []
    for part in re.split(r"([\s\-]+|\*)", text):
        if part == "*":
            pieces.append(r"\w*")
        elif part and part.strip(" -") == "":
            pieces.append(r"[\s\-]+")
        elif part:
            pieces.append(re.escape(part))
    pattern = "".join(pieces)
    if len(text) <= 6 and text.isupper():
        pattern = f"(?-i:{pattern})"
    return pattern


def _alternatives(pieces: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?=\w)\b(?:" + "|".join(pieces) + r")(?!\w)", re.IGNORECASE)


_COMPILED: dict[tuple[int, int], tuple[object, object, list[TermGroup]]] = {}


def compiled(
    domains: Sequence[OutcomeDomain], vocabulary: OutcomeVocabulary | None = None
) -> list[TermGroup]:
    """The domains' wordings grouped by (domain, polarity) and compiled, kept per domain list
    and vocabulary (by identity: a watch's lists live as long as the watch)."""
    vocabulary = vocabulary or _EMPTY
    key = (id(domains), id(vocabulary))
    cached = _COMPILED.get(key)
    if cached is not None and cached[0] is domains and cached[1] is vocabulary:
        return cached[2]
    built = _build(domains, vocabulary)
    if len(_COMPILED) >= 64:  # callers building a new list per record: keep memory bounded
        _COMPILED.clear()
    _COMPILED[key] = (domains, vocabulary, built)
    return built


_EMPTY = OutcomeVocabulary()


def _build(domains: Sequence[OutcomeDomain], vocabulary: OutcomeVocabulary) -> list[TermGroup]:
    # The watch's own terms are the user's declaration: a vocabulary wording the watch
    # already gives (to this domain or another) is left to the watch.
    declared = {term.text.strip().lower() for domain in domains for term in domain.terms}
    number_of = {domain.name: number for number, domain in enumerate(domains)}
    terms: dict[tuple[int, str], list[DomainTerm]] = {}
    extra: dict[tuple[int, str], list[DomainTerm]] = {}
    shorts: dict[tuple[int, str], list[str]] = {}
    heads: dict[tuple[int, str], list[OutcomeHead]] = {}
    for number, domain in enumerate(domains):
        for term in domain.terms:
            terms.setdefault((number, domain.polarity_of(term)), []).append(term)
    for instrument in vocabulary.instruments:
        found = number_of.get(instrument.domain)
        if found is None:
            continue
        group = (found, instrument.polarity or domains[found].polarity)
        for text in (instrument.name, *instrument.abbreviations):
            if text.strip().lower() not in declared:
                extra.setdefault(group, []).append(DomainTerm(text))
        for short in instrument.short:
            if short.strip().lower() not in declared:
                shorts.setdefault(group, []).append(short)
    for head in vocabulary.heads:
        found = number_of.get(head.domain)
        if found is not None and head.word.strip().lower() not in declared:
            group = (found, head.polarity or domains[found].polarity)
            heads.setdefault(group, []).append(head)
    measures = (
        "|".join(term_regex(DomainTerm(word)) for word in vocabulary.measures)
        if vocabulary.measures
        else ""
    )
    measure_pattern = (
        re.compile(r"[\s\-]+(?:" + measures + r")(?!\w)", re.IGNORECASE) if measures else None
    )
    built = []
    for group in dict.fromkeys([*terms, *extra, *shorts, *heads]):
        number, polarity = group
        own = terms.get(group, [])
        # Longer vocabulary wordings first: "Norfolk QOL-DN" before "Norfolk".
        more = sorted(dict.fromkeys(extra.get(group, [])), key=lambda t: -len(t.text))
        pieces = [term_regex(term) for term in [*own, *more]]
        needs = [_needs(term) for term in [*own, *more]]
        for short in dict.fromkeys(shorts.get(group, [])):
            if measures:
                pieces.append(
                    re.escape(short) + r"(?:[\s\-]+[A-Za-z]+)?[\s\-]+(?:" + measures + ")"
                )
                needs.append(_needs(DomainTerm(short)))
        own_heads = list(dict.fromkeys(heads.get(group, [])))
        head_pattern = (
            _alternatives([term_regex(DomainTerm(h.word)) for h in own_heads])
            if own_heads
            else None
        )
        needs += [_needs(DomainTerm(h.word)) for h in own_heads]
        qualified = {
            h.word.lower(): _alternatives([term_regex(DomainTerm(q)) for q in h.qualifiers])
            for h in own_heads
            if h.qualifiers
        }
        pattern = _alternatives(pieces) if pieces else re.compile(r"(?!)")
        built.append(
            TermGroup(
                domains[number],
                polarity,
                pattern,
                head_pattern,
                qualified,
                tuple(needs),
                measure_pattern,
            )
        )
    return built


def _qualified(text: str, start: int, end: int, qualifiers: re.Pattern[str] | None) -> bool:
    """Whether a head that needs a qualifier has one beside it ("serum B12", "B12 levels"), or
    a verb of change ("B12 rose", "normalised B12")."""
    if qualifiers is None:
        return True
    before = text[max(0, start - 40) : start].lower().split()[-2:]
    after = text[end : end + 40].lower().split()[:1]
    beside = " ".join([*before, *after])
    if qualifiers.search(beside):
        return True
    if after and after[0].strip(",;.") in _MOVED_AFTER:
        return True
    return any(word.strip(",;.") in _MOVED_BEFORE for word in before)


_DIRECTION_WORDS = frozenset(_AMOUNT) | frozenset(_VERDICT)
# Words before a head that say how much or what happened, not which measure.
_NOT_QUALIFYING = frozenset(
    ("most", "several", "some", "other", "clinical", "no", "not", "any", "all", "change")
    + ("changes", "affect", "alter", "show", "reach", "both", "either", "neither", "and")
)


def _widened(text: str, start: int, end: int, measures: re.Pattern[str] | None) -> tuple[int, int]:
    """A head word's span widened by the words that qualify it: up to two measure words after
    ("conduction velocity") and up to two describing words before ("sural", "foot sudomotor"),
    never a stopword, a direction word, an adverb or a number."""
    if measures is not None:
        for _ in range(2):
            following = measures.match(text, end)
            if not following:
                break
            end = following.end()
    for _ in range(2):
        previous = _WORD_BEFORE.search(text, 0, start)
        if not previous:
            break
        word = previous.group(1).lower()
        if (
            len(word) < 3
            or stem(word) in STOPWORDS
            or word in STOPWORDS
            or word in _DIRECTION_WORDS
            or word.endswith(("ly", "ed"))
            or word in _MOVED_BEFORE
            or word in _NOT_QUALIFYING
        ):
            break
        start = previous.start(1)
    return start, end


def mentions_in(
    abstract: Abstract, groups: Sequence[TermGroup], arms: frozenset[str] = frozenset()
) -> dict[int, list[Mention]]:
    """The mentions of each group (by its index in `groups`) in the sentences that report
    results; `arms` are the words of the arms' names, which never make an outcome's head."""
    reporting = [s for s in abstract.sentences if abstract.reports(s)]
    if not reporting:
        return {}
    texts = [s.text for s in reporting]
    joined = "\n".join(texts)
    starts = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    written = frozenset(_LEADING_WORD.findall(joined.lower()))
    beginnings = frozenset(word[:_PREFIX] for word in written)
    found: dict[int, list[Mention]] = {}
    for number, group in enumerate(groups):
        if not group.may_occur(written, beginnings):
            continue
        said = []
        spans: dict[int, list[tuple[int, int]]] = {}  # sentence -> spans already taken
        for match in group.pattern.finditer(joined):
            at = bisect.bisect_right(starts, match.start()) - 1
            start, end = match.start() - starts[at], match.end() - starts[at]
            said.append(Mention(reporting[at].index, start, end, match.group(0)))
            spans.setdefault(at, []).append((start, end))
        if group.heads is not None:
            for match in group.heads.finditer(joined):
                at = bisect.bisect_right(starts, match.start()) - 1
                sentence = texts[at]
                start, end = match.start() - starts[at], match.end() - starts[at]
                taken = spans.setdefault(at, [])
                if any(a <= start < b for a, b in taken):
                    continue
                qualifiers = group.qualified.get(match.group(0).lower())
                if not _qualified(sentence, start, end, qualifiers):
                    continue
                start, end = _widened(sentence, start, end, group.measures)
                taken.append((start, end))
                said.append(Mention(reporting[at].index, start, end, sentence[start:end]))
        if said:
            found[number] = said
    _defined_abbreviations(abstract, groups, reporting, found)
    _named_in_methods(abstract, groups, reporting, found, arms)
    return found


def _defined_abbreviations(
    abstract: Abstract,
    groups: Sequence[TermGroup],
    reporting: Sequence[Sentence],
    found: dict[int, list[Mention]],
) -> None:
    """ "Neuropathy Total Symptom Score-6 (NTSS-6) ... NTSS-6 fell": an abbreviation the
    abstract defines for a wording of a group is that group's wording too."""
    for short, long_form in abstract.abbreviations.items():
        number = next((n for n, group in enumerate(groups) if group.names(long_form)), None)
        if number is None:
            continue
        pattern = re.compile(r"(?<![\w-])" + re.escape(short) + r"(?![\w-])", re.IGNORECASE)
        said = found.setdefault(number, [])
        seen = {m.sentence for m in said}
        for sentence in reporting:
            if sentence.index in seen or short not in sentence.text.lower():
                continue
            for match in pattern.finditer(sentence.text):
                if not match.group(0).islower():  # "nss" in lower case is a word
                    said.append(Mention(sentence.index, match.start(), match.end(), match.group(0)))
                    break
        if not said:
            del found[number]


def _named_in_methods(
    abstract: Abstract,
    groups: Sequence[TermGroup],
    reporting: Sequence[Sentence],
    found: dict[int, list[Mention]],
    arms: frozenset[str],
) -> None:
    """An outcome the methods name by a group's wording and the results refer to again by its
    head word ("neuropathy impairment scores" ... "progression of impairment"), or as "the
    primary outcome"."""
    heads: dict[
        tuple[int, str], str
    ] = {}  # (group, head word) -> the outcome as the methods name it
    primaries: dict[int, str] = {}
    for sentence in abstract.sentences:
        if abstract.sections[sentence.index] != METHODS:
            continue
        primary = PRIMARY_OUTCOME.search(sentence.text)
        for number, group in enumerate(groups):
            for match in group.pattern.finditer(sentence.text):
                head = _head_word(match.group(0), group.measures, arms)
                if head is not None:
                    heads.setdefault((number, head), match.group(0))
            if primary is not None and not primaries:
                named = group.names(sentence.text[primary.end() : primary.end() + 80])
                if named is not None:
                    primaries[number] = named.group(0)
    for (number, head), outcome in heads.items():
        _add_where(found, number, reporting, outcome, partial(_word_at, head=head))
    for number, outcome in primaries.items():
        _add_where(found, number, reporting, outcome, lambda s: _PRIMARY_AGAIN.search(s.text))


def _add_where(
    found: dict[int, list[Mention]],
    number: int,
    reporting: Sequence[Sentence],
    outcome: str,
    locate: Callable[[Sentence], re.Match[str] | None],
) -> None:
    """A mention of group `number`, named `outcome`, in each reporting sentence where
    `locate` finds it and the group has none yet."""
    said = found.get(number, [])
    seen = {m.sentence for m in said}
    for sentence in reporting:
        if sentence.index in seen:
            continue
        where = locate(sentence)
        if where is not None:
            said.append(Mention(sentence.index, where.start(), where.end(), outcome))
    if said:
        found[number] = said


def _word_at(sentence: Sentence, *, head: str) -> re.Match[str] | None:
    if head not in sentence.words:
        return None
    return re.search(r"\b" + re.escape(head) + r"\w*", sentence.text, re.IGNORECASE)


def _head_word(outcome: str, measures: re.Pattern[str] | None, arms: frozenset[str]) -> str | None:
    """The word that carries an outcome's name: its last content word that is not a measure
    word ("neuropathy impairment scores": "impairment"), when it is long enough to mean one
    thing and names no arm."""
    words = content_words(outcome)
    while words and measures is not None and measures.match(" " + words[-1]):
        words.pop()
    if len(words) < 2:
        return None  # a one-word outcome is already found by its own wording
    head = words[-1]
    if len(head) < _BACK_REFERENCE_MIN or head in arms:
        return None
    return head
