"""Where an abstract's results name each outcome domain of a watch: by the watch's own terms
first (the user's declaration), then by the outcome vocabulary (instrument names and their
abbreviations, an instrument's short name before a measure word, a head word with the words
that qualify it), by abbreviations the abstract defines for any of those, and by an outcome
the methods name that the results refer to again ("neuropathy impairment scores" ... "slowed
progression of impairment"). Code holds the matching only: every topic word is data."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from functools import partial

from litwatch.classifiers.findings import cues
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
# "for any outcome", "on all end points", "in either outcome": a result said of every outcome;
# not "any secondary outcome", whose outcomes the abstract may not tell apart.
EVERY_OUTCOME = re.compile(
    r"\b(?:any|all|every|each|either|both)\s+(?:of\s+the\s+)?(?:(?:study|trial|efficacy)\s+)?"
    r"(?:outcomes?|end[\s-]?points?|measures)\b",
    re.IGNORECASE,
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
    # Per wording (in the order of `needs`): its own pattern, and whether it is a head word.
    wordings: tuple[tuple[re.Pattern[str], bool], ...] = field(default=(), compare=False)

    def may_occur(self, written: frozenset[str], beginnings: Container[str]) -> bool:
        """Whether a text whose words (as written, lower-cased) are `written` and whose words'
        first letters are `beginnings` can hold one of the wordings."""
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
        return self._qualified_head(text)

    def first_named(self, text: str, wordings: Sequence[int]) -> re.Match[str] | None:
        """What `names(text)` finds, searching only the `wordings` given (indices, ascending,
        as `possible_wordings` gives them: the others cannot occur in `text`), each by its own
        pattern: the group's whole alternation scans the text at every character."""
        first: re.Match[str] | None = None
        head_possible = False
        for at in wordings:
            pattern, head = self.wordings[at]
            if head:
                head_possible = True
            # As the alternation finds it: leftmost, the earlier wording at the same place.
            elif (match := pattern.search(text)) is not None and (
                first is None or match.start() < first.start()
            ):
                first = match
        if first is not None or not head_possible or self.heads is None:
            return first
        return self._qualified_head(text)

    def _qualified_head(self, text: str) -> re.Match[str] | None:
        assert self.heads is not None
        for match in self.heads.finditer(text):
            qualifiers = self.qualified.get(match.group(0).lower())
            if _qualified(text, match.start(), match.end(), qualifiers):
                return match
        return None


@dataclass(frozen=True)
class _Index:
    """A group list's wordings by the word each is looked up by (its longest, with the other
    words and the beginnings it needs), and those without a whole word by their beginnings."""

    groups: Sequence[TermGroup]
    by_anchor: dict[str, list[tuple[int, int, frozenset[str], tuple[str, ...]]]]
    anchors: frozenset[str]
    by_beginnings: dict[tuple[str, ...], list[tuple[int, int]]]


_INDEXES: dict[int, _Index] = {}  # per group list, by identity


def _index(groups: Sequence[TermGroup]) -> _Index:
    cached = _INDEXES.get(id(groups))
    if cached is not None and cached.groups is groups:
        return cached
    by_anchor: dict[str, list[tuple[int, int, frozenset[str], tuple[str, ...]]]] = {}
    by_beginnings: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for number, group in enumerate(groups):
        for at, (words, prefixes) in enumerate(group.needs):
            beginnings = tuple(dict.fromkeys(p[:_PREFIX] for p in prefixes))
            if words:
                anchor = max(sorted(words), key=len)
                entry = (number, at, words - {anchor}, beginnings)
                by_anchor.setdefault(anchor, []).append(entry)
            else:
                by_beginnings.setdefault(beginnings, []).append((number, at))
    if len(_INDEXES) >= 64:
        _INDEXES.clear()
    built = _INDEXES[id(groups)] = _Index(groups, by_anchor, frozenset(by_anchor), by_beginnings)
    return built


def wordings_in(groups: Sequence[TermGroup], lowered: str) -> dict[int, list[int]]:
    """`possible_wordings` of one lowered text: its words and word beginnings read off it."""
    return possible_wordings(groups, frozenset(_LEADING_WORD.findall(lowered)), Beginnings(lowered))


def possible_wordings(
    groups: Sequence[TermGroup], written: frozenset[str], beginnings: Container[str]
) -> dict[int, list[int]]:
    """The wordings (by group, then by index in the group) that a text whose words are
    `written` may hold: each wording is looked up by one word it holds, so a text is checked
    once for all groups, word by word, and only those wordings' patterns scan it."""
    index = _index(groups)
    found: dict[int, list[int]] = {}
    # Plain loops: any() and all() over a generator cost more than the tests, and most
    # wordings need no beginning, or one.
    for needed, wordings in index.by_beginnings.items():
        if _all_in(needed, beginnings):
            for number, at in wordings:
                found.setdefault(number, []).append(at)
    # Only the text's words that anchor a wording (a set intersection, at C speed).
    for word in index.anchors & written:
        for number, at, others, needed in index.by_anchor[word]:
            if (not others or others <= written) and (not needed or _all_in(needed, beginnings)):
                found.setdefault(number, []).append(at)
    return {number: sorted(ats) for number, ats in sorted(found.items())}


def _all_in(needed: tuple[str, ...], beginnings: Container[str]) -> bool:
    for prefix in needed:
        if prefix not in beginnings:
            return False
    return True


def term_matches(group: TermGroup, wordings: Sequence[int], text: str) -> list[re.Match[str]]:
    """The matches in `text` of the group's (non-head) wordings given, leftmost first, an
    earlier wording winning at the same place, none overlapping: as one alternation of them
    would find them, at the cost of the few wordings the text may hold."""
    found: list[tuple[int, int, re.Match[str]]] = []
    for at in wordings:
        pattern, head = group.wordings[at]
        if not head:
            found.extend((match.start(), at, match) for match in pattern.finditer(text))
    found.sort(key=lambda item: (item[0], item[1]))
    kept: list[re.Match[str]] = []
    for _, _, match in found:
        if not kept or match.start() >= kept[-1].end():
            kept.append(match)
    return kept


class Beginnings:
    """Whether a word of a text (as `_LEADING_WORD` finds them) begins with given letters, asked
    of the lower-cased text itself: the same answer as the words' first letters would give, at
    the cost of a few substring searches instead of slicing each of the text's words."""

    def __init__(self, lowered: str) -> None:
        self.lowered = lowered  # several texts joined by line breaks are asked as one
        self.answers: dict[str, bool] = {}

    def __contains__(self, prefix: object) -> bool:
        if not isinstance(prefix, str):
            return False
        answer = self.answers.get(prefix)
        if answer is None:
            answer = self.answers[prefix] = _begins_a_word(prefix, self.lowered)
        return answer


_LOWER_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")


def _begins_a_word(prefix: str, lowered: str) -> bool:
    """Whether a word begins with `prefix` (a letter, then letters or digits): a place it stands
    where no letter comes before it, but for digits that a word's letters run into."""
    at = lowered.find(prefix)
    while at >= 0:
        before = at - 1
        while before >= 0 and lowered[before] in _DIGITS:
            before -= 1  # "12para": the word is "para"; "b12para": the word is "b12para"
        if before < 0 or lowered[before] not in _LOWER_LETTERS:
            return True
        at = lowered.find(prefix, at + 1)
    return False


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
        wordings = [(_alternatives([piece]), False) for piece in pieces]
        own_heads = list(dict.fromkeys(heads.get(group, [])))
        head_pattern = (
            _alternatives([term_regex(DomainTerm(h.word)) for h in own_heads])
            if own_heads
            else None
        )
        needs += [_needs(DomainTerm(h.word)) for h in own_heads]
        wordings += [(_alternatives([term_regex(DomainTerm(h.word))]), True) for h in own_heads]
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
                tuple(wordings),
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
    # Each sentence's words as written: a wording is looked for only in the sentences that
    # hold its words (most wordings of most groups are in none of them).
    texts = [s.text for s in reporting]
    lowered = [text.lower() for text in texts]
    sentence_words = [s.written for s in reporting]
    sentence_beginnings = [Beginnings(text) for text in lowered]
    written = frozenset().union(*sentence_words)
    beginnings = Beginnings("\n".join(lowered))
    found: dict[int, list[Mention]] = {}
    for number, wordings in possible_wordings(groups, written, beginnings).items():
        group = groups[number]
        said = []
        for at, (text, words) in enumerate(zip(texts, sentence_words, strict=True)):
            here = [
                w
                for w in wordings
                if group.needs[w][0] <= words
                and all(p[:_PREFIX] in sentence_beginnings[at] for p in group.needs[w][1])
            ]
            if here:
                said += _sentence_mentions(group, here, text, reporting[at].index)
        if said:
            found[number] = said
    _defined_abbreviations(abstract, groups, reporting, found)
    _named_in_methods(abstract, groups, reporting, found, arms)
    return _longest_named(found)


def _longest_named(found: dict[int, list[Mention]]) -> dict[int, list[Mention]]:
    """Each group's mentions without those that overlap a longer mention of another group in
    the same sentence: "Norfolk Quality of Life-Diabetic Neuropathy scores" names a quality of
    life measure, not a neuropathy score, as the longer name says."""
    if len(found) < 2:
        return found
    placed = [(number, m) for number, said in found.items() for m in said]
    kept: dict[int, list[Mention]] = {}
    for number, mention in placed:
        longer = any(
            other is not mention
            and theirs != number
            and other.sentence == mention.sentence
            and other.start < mention.end
            and mention.start < other.end
            and other.end - other.start > mention.end - mention.start
            for theirs, other in placed
        )
        if not longer:
            kept.setdefault(number, []).append(mention)
    return kept


def _sentence_mentions(
    group: TermGroup, wordings: Sequence[int], text: str, index: int
) -> list[Mention]:
    """The group's mentions in one sentence: its wordings, then its head words (widened by
    their qualifiers) where no wording already stands."""
    said = [
        Mention(index, match.start(), match.end(), match.group(0))
        for match in term_matches(group, wordings, text)
    ]
    taken = [(m.start, m.end) for m in said]
    for wording in wordings:
        pattern, head = group.wordings[wording]
        if not head:
            continue
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if any(a <= start < b for a, b in taken):
                continue
            if not _qualified(text, start, end, group.qualified.get(match.group(0).lower())):
                continue
            start, end = _widened(text, start, end, group.measures)
            taken.append((start, end))
            said.append(Mention(index, start, end, text[start:end]))
    return said


def _defined_abbreviations(
    abstract: Abstract,
    groups: Sequence[TermGroup],
    reporting: Sequence[Sentence],
    found: dict[int, list[Mention]],
) -> None:
    """ "Neuropathy Total Symptom Score-6 (NTSS-6) ... NTSS-6 fell": an abbreviation the
    abstract defines for a wording of a group is that group's wording too."""
    for short, long_form in abstract.abbreviations.items():
        # (lowered, as the abbreviations are kept)
        number = next(
            (n for n in wordings_in(groups, long_form) if groups[n].names(long_form)), None
        )
        if number is None:
            continue
        pattern: re.Pattern[str] | None = None  # compiled once a sentence may hold it
        said = found.setdefault(number, [])
        seen = {m.sentence for m in said}
        for sentence in reporting:
            if sentence.index in seen or short not in sentence.text.lower():
                continue
            if pattern is None:
                pattern = re.compile(r"(?<![\w-])" + re.escape(short) + r"(?![\w-])", re.IGNORECASE)
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
    sentences = [s for s in abstract.sentences if abstract.sections[s.index] == METHODS]
    if not sentences:
        return
    text = "\n".join(s.text for s in sentences)
    # Words never run across a line break: the text's words are its sentences' words.
    written = frozenset().union(*(s.written for s in sentences))
    beginnings = Beginnings(text.lower())
    # (group, head word) -> the outcome as the methods name it
    heads: dict[tuple[int, str], str] = {}
    primaries: dict[int, str] = {}
    first_named: dict[int, str] = {}  # group -> its first wording in the methods
    primary = PRIMARY_OUTCOME.search(text) if "primary" in written else None
    for number, wordings in possible_wordings(groups, written, beginnings).items():
        group = groups[number]
        matches = term_matches(group, wordings, text)
        if matches:
            first_named[number] = matches[0].group(0)
        for match in matches:
            outcome = _with_its_measure(text, match, group.measures)
            head = _head_word(outcome, group.measures, arms)
            if head is not None:
                heads.setdefault((number, head), outcome)
        if primary is not None and not primaries:
            named = group.names(text[primary.end() : primary.end() + 80].split("\n")[0])
            if named is not None:
                primaries[number] = named.group(0)
    for (number, head), outcome in heads.items():
        _add_where(found, number, reporting, outcome, partial(_word_at, head=head))
    for number, outcome in primaries.items():
        _add_where(found, number, reporting, outcome, lambda s: _PRIMARY_AGAIN.search(s.text))
    # "No between-group differences were observed for any outcome": every outcome the methods
    # name, in a result that names none of them and denies a difference between the arms
    # ("every outcome improved" says nothing each outcome's direction could be read from).
    every = [
        s for s in reporting if EVERY_OUTCOME.search(s.text) and cues.BETWEEN_DENIED.search(s.text)
    ]
    if not every:
        return
    spoken = {m.sentence for said in found.values() for m in said}
    unnamed = [s for s in every if s.index not in spoken]
    for number, outcome in first_named.items():
        _add_where(found, number, unnamed, outcome, lambda s: EVERY_OUTCOME.search(s.text))


_NEXT_WORD = re.compile(r"[ \t-]+([A-Za-z][A-Za-z-]*)")


def _with_its_measure(text: str, match: re.Match[str], measures: re.Pattern[str] | None) -> str:
    """A methods wording with the part of the instrument the methods go on to name, up to a
    measure word: "Michigan Neuropathy Screening Instrument examination score", which the
    results call "the examination score" (one describing word at most, never a stopword)."""
    end = match.end()
    if measures is not None:
        word = _NEXT_WORD.match(text, end)
        if word and stem(word.group(1).lower()) not in STOPWORDS:
            measured = measures.match(text, word.end())
            if measured:
                end = measured.end()
    return text[match.start() : end]


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
