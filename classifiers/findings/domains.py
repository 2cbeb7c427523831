"""Findings per outcome domain: which of a watch's domains an abstract reports a result for,
what the effect was, and, through the domain's polarity, whom it favours."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from litwatch.classifiers.findings import cues
from litwatch.classifiers.findings.aliases import arms_in
from litwatch.classifiers.findings.effect import (
    CONTROL_WORDS,
    effect_features,
    read_clause,
)
from litwatch.classifiers.findings.mentions import (
    EVERY_OUTCOME,
    PRIMARY_OUTCOME,
    Mention,
    TermGroup,
    compiled,
    mentions_in,
)
from litwatch.classifiers.findings.model import FindingsModel, shipped_model
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.retrieval import outcome_words
from litwatch.classifiers.findings.shares import arm_shares
from litwatch.classifiers.findings.subgroups import (
    effect_modifiers_in,
    parts_of_the_effect,
    subgroup_of,
)
from litwatch.classifiers.findings.text import (
    Abstract,
    Sentence,
    content_words,
    read_abstract,
    stem,
    word_set,
)
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.screen import fold, may_match
from litwatch.core.findings import (
    EffectModifier,
    Finding,
    OutcomeDomain,
    OutcomeVocabulary,
    direction_of,
)
from litwatch.core.records import Record

_STATED_NON_INFERIOR = re.compile(
    r"\b(?:was|were|is|are|proved|remained) (?:(?!not\b|never\b)\w+ )?"
    r"(?:non-?inferior|equivalent)\b"
    r"|\bnon-?inferiority (?:was|were) (?:shown|demonstrated|established|confirmed|met)\b",
    re.IGNORECASE,
)
# Every Evidence Inference prompt whose evidence sentence states non-inferiority or equivalence
# is labelled no difference (3 of 3 in the development prompts); Laplace-smoothed, 4/5.
NON_INFERIORITY_CONFIDENCE = 0.8

# Where one sentence joins two results, each outcome is read in its own clause: "X reduced
# pain but did not change nerve conduction".
_CLAUSES = re.compile(
    r";|,?\s+(?:but|whereas|while|although|yet)\s+|,\s+however,?\s+", re.IGNORECASE
)
# A comparison that closes a sentence speaks for each of its clauses: "..., compared with
# placebo".
_SHARED_COMPARISON = re.compile(
    r",?\s+(?:(?:when\s+)?compared\s+(?:with|to)|relative\s+to|versus|vs\.?|than)\s+[^,;]+$",
    re.IGNORECASE,
)
# A parenthesis that closes a sentence, as figures do: "... (pain, p = 0.003; conduction, ...)."
_CLOSING_ASIDE = re.compile(r"\s*\([^()]*\)[\s.]*$")


def _asides(text: str) -> list[tuple[int, int]]:
    """Where the text's parenthesised asides run (outermost), as (start, end) offsets."""
    found, depth, start = [], 0, 0
    for at, character in enumerate(text):
        if character == "(":
            if depth == 0:
                start = at
            depth += 1
        elif character == ")" and depth:
            depth -= 1
            if depth == 0:
                found.append((start, at + 1))
    if depth:
        found.append((start, len(text)))  # an aside the sentence never closes
    return found


def _inside(offset: int, asides: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in asides)


# A clause that starts with a verb has the first clause's subject: "... but did not change".
_NO_SUBJECT = re.compile(
    r"^\s*(?:did|does|do|was|were|had|has|is|are|not|also|failed|showed|had|improved|reduced|"
    r"increased|decreased|lowered|raised|left)\b",
    re.IGNORECASE,
)
# A result set between the arms: a comparison, a difference or its denial, or a contrast
# with one arm only ("with treatment only").
_BETWEEN = re.compile(
    r"\b(?:than|versus|vs\.?|compared\s+(?:with|to)\s+(?!baseline|pre)|relative\s+to\s+(?!baseline)|"
    r"differ\w*|difference\w*|similar(?:ly)?|comparable|equivalent|equally|non-?inferior\w*|"
    r"superior\w*|inferior\w*|as\s+effective\s+as|advantage\s+of|in\s+favou?r\s+of|"
    r"between(?:-|\s+)(?:the\s+)?(?:two\s+|three\s+|treatment\s+|study\s+)?(?:groups?|arms?)|"
    r"across\s+(?:the\s+)?(?:\w+\s+)?(?:groups|arms|regimens)|inter-?group)\b",
    re.IGNORECASE,
)
_ONE_ARM_ONLY = re.compile(
    r"\b(?:with|in|on|among|after)\s+(?:the\s+)?(?:active\s+)?(?:treatment|intervention|"
    r"supplementation|supplements?|treated\s+\w+)\s+only\b|\bonly\s+(?:with|in|on|among|after)\s+"
    r"(?:the\s+)?(?:active\s+)?(?:treatment|intervention|treated|supplement\w*)\b",
    re.IGNORECASE,
)
# "498 pmol/L with sublingual tablets and 512 pmol/L with swallowed tablets", "increased by 1.1 µV
# in the hydroxocobalamin arm and decreased by 0.4 µV in the saline arm": a value for each of two
# arms, set side by side, is a comparison between them.
_EACH_ARM_VALUE = re.compile(
    r"\d+(?:\.\d+)?[^;,()\d]{0,25}?\b(?:with|in|on|for)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,3}?"
    r"\s+and\s+(?:[a-z]+\s+){0,3}?[-−]?\d+(?:\.\d+)?[^;,()\d]{0,25}?\b(?:with|in|on|for)\s+"
    r"(?:the\s+)?[\w-]+",
    re.IGNORECASE,
)
# A change within the arms: from baseline, from one value to another, in both groups, over
# time, or a measure that did not change.
_WITHIN = re.compile(
    r"\bfrom\s+-?\d[^;]{0,40}?\bto\s+-?\d|\b(?:unchanged|did\s+not\s+change|no\s+(?:significant\s+)?"
    r"change|remained\s+(?:stable|unchanged|the\s+same)|over\s+time)\b",
    re.IGNORECASE,
)
# "decreased in the methylcobalamin group": a change placed in one arm, not set against another.
_IN_ONE_GROUP = re.compile(
    r"\b(?:in|within|among)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:group|arm)\b", re.IGNORECASE
)
# A review's count of trials each way: "two found less pain with B12 and three found no
# difference".
_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
_COUNT = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_VOTES = re.compile(
    _COUNT + r"\s+(?:of\s+(?:them|these|those)\s+)?(?:\w+\s+){0,2}?(?:found|showed|reported)\s+"
    r"(?!no\b)[^;.]{0,80}?\band\s+"
    + _COUNT
    + r"\s+(?:\w+\s+){0,2}?(?:found|showed|reported)\s+no\s+(?:significant\s+)?"
    r"(?:difference|effect|benefit|change|improvement)",
    re.IGNORECASE,
)


def _vote(text: str) -> tuple[str, str] | None:
    """A review's count of its trials both ways ("of five trials, two found less pain and three
    found no difference"): "mixed" where neither side has two thirds of them, "none" where
    those finding no difference do, else "some" with the words of the side that found an
    effect, whose result the review's is; None where the text counts no trials so."""
    if not _VOTES_SCREEN.search(text):
        return None
    for match in _VOTES.finditer(text):
        some, none = (_count(match.group(i)) for i in (1, 2))
        if not some or not none:
            continue
        if 3 * min(some, none) > some + none:
            return "mixed", ""
        if none > some:
            return "none", ""
        return "some", text[match.start() : match.start(2)]
    return None


_VOTES_SCREEN = re.compile(r"\bfound\s+no\b|\bshowed\s+no\b|\breported\s+no\b", re.IGNORECASE)


def _count(said: str) -> int:
    return int(said) if said.isdigit() else _NUMBER_WORDS[said.lower()]


# Results a review (or a trial) calls mixed say no direction, whatever each part of them says.
_MIXED_WORD = r"(?:inconsistent|conflicting|mixed|contradictory|equivocal|inconclusive)(?![\w-])"
_MIXED = re.compile(
    r"\b(?:was|were|is|are|remained|remain|appeared|seemed)\s+(?:\w+\s+)?"
    + _MIXED_WORD
    + r"|\b"
    + _MIXED_WORD
    + r"\s+(?:findings|results|evidence|effects?)\b(?![\s-]+(?:models?|regression|analys[ie]s))",
    re.IGNORECASE,
)
_MIXED_WORDS = word_set("inconsistent conflicting mixed contradictory equivocal inconclusive")
_INTERACTION_WORDS = word_set("interaction heterogeneity modification")
# A state the arms' shares reached (`shares.py`): a sentence without one gives no shares.
_STATE_WORDS = word_set(
    "reached attained achieved returned normalised normalized improved responded recovered "
    "resolved remitted worsened deteriorated progressed relapsed"
)
# A study without a control arm cannot say whom a change favours.
_SINGLE_ARM = re.compile(
    r"\b(?:without\s+a\s+control(?:\s+group|\s+arm)?|no\s+control\s+(?:group|arm)|"
    r"single[\s-]arm|one[\s-]arm|uncontrolled|single[\s-]group|before[\s-]and[\s-]after\s+study|"
    r"pre-?post\s+study)\b",
    re.IGNORECASE,
)


def read_findings(
    record: Record,
    domains: Sequence[OutcomeDomain],
    intervention: str | Sequence[str] = "",
    comparator: str | Sequence[str] = "",
    model: FindingsModel | None = None,
    vocabulary: OutcomeVocabulary | None = None,
) -> tuple[Finding, ...]:
    """One finding per domain (per polarity within a domain) the record reports a result for,
    and one per subgroup a result is stated for only."""
    return read_findings_in(
        read_abstract(record), domains, intervention, comparator, model, vocabulary
    )


def read_findings_in(
    abstract: Abstract,
    domains: Sequence[OutcomeDomain],
    intervention: str | Sequence[str] = "",
    comparator: str | Sequence[str] = "",
    model: FindingsModel | None = None,
    vocabulary: OutcomeVocabulary | None = None,
) -> tuple[Finding, ...]:
    model = model or shipped_model()
    groups = compiled(domains, vocabulary)
    intervention, comparator = _hashable(intervention), _hashable(comparator)
    index = mentions_in(abstract, groups, _name_words(intervention, comparator))
    results = [s for s in abstract.sentences if abstract.reports(s)]
    if not results:
        return ()
    context = _Context(
        abstract,
        intervention,
        comparator,
        *arms_in(abstract, intervention, comparator),
        model,
        index,
    )
    found = []
    for number, said in index.items():
        group = groups[number]
        by_sentence: dict[int, list[Mention]] = {}
        for mention in said:
            by_sentence.setdefault(mention.sentence, []).append(mention)
        overall: set[int] = set()
        parts: dict[str, set[int]] = {}
        for at, mentions in by_sentence.items():
            clause = _own_clause(abstract.sentences[at].text, mentions)
            part = subgroup_of(clause, abstract)
            if part:
                parts.setdefault(part, set()).add(at)
            else:
                overall.add(at)
        for part, sentences in [("", overall), *parts.items()]:
            if not sentences:
                continue
            finding = _finding(context, number, group, said, sentences, part)
            if finding is not None:
                found.append(finding)
    found.extend(_parts_of_a_result(abstract, index, groups, found))
    reported = {finding.domain for finding in found}
    found.extend(
        _primary_outcome_non_inferior(
            abstract, [group for group in groups if group.domain.name not in reported], results
        )
    )
    return tuple(found)


def _parts_of_a_result(
    abstract: Abstract,
    index: dict[int, list[Mention]],
    groups: Sequence[TermGroup],
    found: Sequence[Finding],
) -> list[Finding]:
    """ "The benefit was concentrated in the lowest tertile of baseline B12, with little effect
    in the middle and upper tertiles": a sentence that names no outcome but speaks of the
    effect the sentence before it reported, part by part. Each part gets that result where the
    effect lay, and no difference where it was little or none."""
    named = {m.sentence for said in index.values() for m in said}
    added: list[Finding] = []
    for sentence in abstract.sentences:
        if sentence.index in named or not abstract.reports(sentence):
            continue
        parts = parts_of_the_effect(sentence.text, abstract)
        if not parts:
            continue
        before = [i for i in named if i < sentence.index]
        if not before:
            continue
        last = abstract.sentences[max(before)].text
        for finding in found:
            if finding.subgroup or finding.evidence != last:
                continue
            if finding.direction not in ("favours-intervention", "favours-comparator"):
                continue
            for part, lay in parts:
                effect = finding.effect if lay else "no-difference"
                direction = finding.direction if lay else "no-difference"
                added.append(
                    Finding(
                        finding.domain,
                        finding.outcome,
                        effect,
                        direction,
                        sentence.text,
                        finding.confidence,
                        part,
                        finding.tested,
                    )
                )
    return added


def read_effect_modifiers_in(
    abstract: Abstract,
    domains: Sequence[OutcomeDomain],
    vocabulary: OutcomeVocabulary | None = None,
    prepared: Passage | None = None,
) -> tuple[EffectModifier, ...]:
    """The statements that the effect differs by a characteristic, each with the domain it
    names, if any; `prepared`, the record's title and abstract as the attribute readers
    prepared them, screens the whole text from the needles it has found already."""
    groups = compiled(domains, vocabulary)
    return effect_modifiers_in(
        abstract, [(group.domain.name, group.names) for group in groups], prepared
    )


@dataclass(frozen=True, eq=False)
class _Context:
    """What every domain's reading of one abstract shares."""

    abstract: Abstract
    intervention: str | tuple[str, ...]
    comparator: str | tuple[str, ...]
    int_words: frozenset[str]
    cmp_words: frozenset[str]
    model: FindingsModel
    index: dict[int, list[Mention]]

    @cached_property
    def single_arm(self) -> bool:
        """Whether the abstract says the study had no control arm."""
        return any(_SINGLE_ARM.search(s.text) for s in self.abstract.sentences)


def _finding(
    context: _Context,
    number: int,
    group: TermGroup,
    said: Sequence[Mention],
    sentences: set[int],
    part: str,
) -> Finding | None:
    abstract = context.abstract
    forms = [m.text for m in said if m.sentence in sentences]
    # The outcome as the abstract words it most often (ties: sorted, not hash order), asked
    # about with every wording the results give it.
    outcome = max(sorted(set(forms)), key=lambda m: (forms.count(m), len(m)))
    # A mention that refers back ("the primary outcome", "impairment") is asked about in its
    # own words too, so that its sentence shares them.
    written = {
        abstract.sentences[m.sentence].text[m.start : m.end]
        for m in said
        if m.sentence in sentences
    }
    wordings = set(forms) | {w for w in written if w}
    query_text = " ; ".join(sorted(wordings, key=lambda m: (m != outcome, m)))
    call = effect_in(
        abstract,
        query_text,
        context.intervention,
        context.comparator,
        model=context.model,
        results_only=True,
        allowed=lambda s: s.index in sentences,
    )
    if call.label == "not-reported":
        return _said_of_every_outcome(context, group, sentences, outcome, part)
    sentence = next(
        abstract.sentences[i]
        for i in sorted(sentences)
        if abstract.sentences[i].text == call.evidence
    )
    query = outcome_words(abstract, query_text)
    reading, _ = _clause_reading(context, number, sentence, sentence.text)
    # Most sentences hold none of the words these rules need: their words decide first.
    holds = sentence.words
    interaction = not _INTERACTION_WORDS.isdisjoint(holds)
    if interaction:
        reading = _without_interaction_test(reading)
    label = call.label
    own_clause = reading is not sentence.text
    reading = _figures_as_one(reading)
    if own_clause:
        label = _clause_label(reading, query, context) or label
    label = _plain_words_rule(reading, query, label, group.polarity, context)
    # "reached the reference range in 46 of 52 treated and in 4 of 52 given saline": the arms'
    # shares set one against the other.
    shares = (
        arm_shares(reading, context.int_words, context.cmp_words)
        if not _STATE_WORDS.isdisjoint(holds)
        else 0
    )
    if shares:
        better = "increased" if group.polarity == "higher-is-better" else "decreased"
        worse = "decreased" if better == "increased" else "increased"
        label = better if shares > 0 else worse
    # The cues of a comparison are read with the outcomes' own names blanked out: "inferior
    # whorl length" is no comparison, and "normalised B12" names no arm.
    masked = _masked(sentence, context.index)
    masked_reading, masked_subject = _clause_reading(context, number, sentence, masked)
    if interaction:
        masked_reading = _without_interaction_test(masked_reading)
    direction = (
        direction_of(label, group.polarity)
        if shares
        else _direction(label, group.polarity, masked_subject + masked_reading, context)
    )
    if not _MIXED_WORDS.isdisjoint(holds) and _MIXED.search(
        _own_clause(sentence.text, [m for m in said if m.sentence == sentence.index])
    ):
        # "findings were inconsistent: three trials faster, three no different" is neither
        direction = "unclear"
    elif vote := _vote(sentence.text):
        # a review's count of trials each way: the majority's result, or none where split
        side, words = vote
        if side == "mixed":
            direction = "unclear"
        elif side == "none":
            label, direction = "no-difference", "no-difference"
        else:
            label = _clause_label(words, query, context) or label
            direction = direction_of(label, group.polarity)
    return Finding(
        group.domain.name,
        outcome,
        label,
        direction,
        sentence.text,
        call.confidence,
        part,
        tested=_tested(context, number, sentence, sentences),
    )


def _said_of_every_outcome(
    context: _Context, group: TermGroup, sentences: set[int], outcome: str, part: str
) -> Finding | None:
    """ "No between-group differences were observed for any outcome": a result that names no
    outcome, for each outcome the methods name (`mentions.EVERY_OUTCOME`). Only a denial of
    a difference between the arms is read so: what "improved" would mean depends on each
    outcome's direction, which such a sentence does not give."""
    for index in sorted(sentences):
        sentence = context.abstract.sentences[index]
        if EVERY_OUTCOME.search(sentence.text) and cues.BETWEEN_DENIED.search(sentence.text):
            return Finding(
                group.domain.name,
                outcome,
                "no-difference",
                "no-difference",
                sentence.text,
                EVERY_OUTCOME_CONFIDENCE,
                part,
            )
    return None


# Not measured: few abstracts deny a difference for every outcome at once; set as for a stated
# non-inferiority (NON_INFERIORITY_CONFIDENCE), which reads as plainly.
EVERY_OUTCOME_CONFIDENCE = 0.8


def _tested(context: _Context, number: int, sentence: Sentence, sentences: set[int]) -> bool:
    """Whether a statistical test backs the domain's result: in a sentence that names the
    outcome (the results' figures, where the finding's sentence is the conclusion restating
    them), or in the sentence right after the finding's that names no other outcome ("The
    difference was significant (p = 0.01)."). Unsure is tested: a result is said to lack a
    test only when none is near."""
    abstract = context.abstract
    if any(cues.reports_a_test(abstract.sentences[i].text) for i in sentences):
        return True
    following = sentence.index + 1
    if following >= len(abstract.sentences):
        return False
    others = {m.sentence for n, said in context.index.items() if n != number for m in said}
    after = abstract.sentences[following]
    return following not in others and cues.reports_a_test(after.text)


# A test of whether the effect differs between subgroups ("although the test for interaction
# was not significant", "(p for interaction = 0.01)") says nothing of the result beside it: a
# subgroup's result stands or falls by its own figures.
_INTERACTION_TEST = re.compile(
    r"\b(?:interaction|heterogeneity|effect\s+modification)\b", re.IGNORECASE
)


_FIGURES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _figures_as_one(text: str) -> str:
    """The text with a semicolon inside a parenthesis as a comma: "(SMD -0.31, 95% CI -0.55 to
    -0.07; 9 trials)" separates figures, not clauses, and the clause readers split at every
    semicolon."""
    if ";" not in text:
        return text
    return _FIGURES.sub(lambda aside: aside.group(0).replace(";", ","), text)


def _without_interaction_test(text: str) -> str:
    """The text without its clauses and asides about an interaction test; the same object
    when it has none."""
    if not _INTERACTION_TEST.search(text):
        return text
    asides = _asides(text)
    kept = text
    for start, end in reversed(asides):
        if _INTERACTION_TEST.search(text, start, end):
            kept = kept[:start] + kept[end:]
    pieces, start = [], 0
    for match in _CLAUSES.finditer(kept):
        if _inside(match.start(), _asides(kept)):
            continue
        pieces.append(kept[start : match.start()])
        start = match.end()
    pieces.append(kept[start:])
    own = [piece for piece in pieces if not _INTERACTION_TEST.search(piece)]
    if not own:
        return text  # the interaction is all the text says: leave it to the other readers
    return " ".join(piece.strip() for piece in own).rstrip(" ,") + "."


def _own_clause(text: str, mentions: Sequence[Mention]) -> str:
    """The clause of a sentence that holds the first of these mentions."""
    start = 0
    for match in _CLAUSES.finditer(text):
        if match.start() > mentions[0].start:
            return text[start : match.start()]
        start = match.end()
    return text[start:]


def _masked(sentence: Sentence, index: dict[int, list[Mention]]) -> str:
    """The sentence with every outcome mention in it blanked (same length, so spans hold)."""
    text = sentence.text
    for said in index.values():
        for m in said:
            if m.sentence == sentence.index:
                text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
    return text


def _clause_reading(
    context: _Context, number: int, sentence: Sentence, text: str
) -> tuple[str, str]:
    """The words that report this group's result in a sentence, and the subject they borrow:
    the whole sentence, or, where the sentence joins results for other outcomes in other
    clauses, this outcome's own clauses with a comparison that closes the sentence ("...
    compared with placebo") and the first clause's subject when its own has none. `text` is
    the sentence's text or the same blanked by `_masked`."""
    asides = _asides(text)
    spans = []
    start = 0
    for match in _CLAUSES.finditer(text):
        if _inside(match.start(), asides):
            continue  # "(pain, p = 0.003; conduction, p > 0.3)" is one aside, not two clauses
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    if len(spans) == 1:
        return sentence.text if text == sentence.text else text, ""

    def clauses_of(group: int) -> set[int]:
        said = [m for m in context.index.get(group, ()) if m.sentence == sentence.index]
        # An outcome named again in a parenthesis of figures does not own that clause; it
        # does where the parenthesis is all that names it.
        outside = [m for m in said if not _inside(m.start, asides)] or said
        return {i for m in outside for i, (a, b) in enumerate(spans) if a <= m.start < b}

    own = clauses_of(number)
    others = set().union(*(clauses_of(g) for g in context.index if g != number)) - own
    if not own or not others:
        return sentence.text if text == sentence.text else text, ""
    reading = " ".join(text[spans[i][0] : spans[i][1]].strip() for i in sorted(own))
    # The comparison that closes the sentence, before any closing parenthesis of figures.
    last = _CLOSING_ASIDE.sub("", text[spans[-1][0] : spans[-1][1]])
    shared = _SHARED_COMPARISON.search(last)
    if shared and len(spans) - 1 not in own and not _BETWEEN.search(reading):
        reading = reading.rstrip(" .") + shared.group(0)
    subject = ""
    first = min(own)
    if first > 0 and _NO_SUBJECT.match(text[spans[first][0] :]):
        subject = text[spans[0][0] : spans[0][1]] + " "
    return reading, subject


def _clause_label(reading: str, query: frozenset[str], context: _Context) -> str | None:
    """The effect one clause states: its denial, or the model's call on the clause alone."""
    said = read_clause(reading, query, context.int_words, context.cmp_words)
    if said.no_difference or cues.NO_DIFFERENCE.search(reading):
        return "no-difference"
    scores = context.model.effect_scores(
        effect_features(reading, query, context.int_words, context.cmp_words)
    )
    return max(scores, key=scores.__getitem__)


def _direction(label: str, polarity: str, reading: str, context: _Context) -> str:
    """Whom the result favours, where the words set one arm against another. A change within
    one arm (from baseline, "in the X group", in a study without a control) is unclear, and so
    is a measure that "did not change" without a comparison: neither is a difference between
    the arms, nor its absence."""
    if context.single_arm:
        return "unclear"
    between = bool(
        _BETWEEN.search(reading) or _ONE_ARM_ONLY.search(reading) or _EACH_ARM_VALUE.search(reading)
    )
    arm_named = _names_an_arm(reading, context)
    if label == "no-difference":
        # "B12 did not change conduction" denies an effect of the arm; "conduction was
        # unchanged" or "did not change in the B12 group" only that a measure stayed put.
        if between or (arm_named and not _IN_ONE_GROUP.search(reading)):
            return "no-difference"
        return "unclear"
    if between:
        return direction_of(label, polarity)
    if (
        _WITHIN.search(reading)
        or cues.WITHIN_GROUP.search(reading)
        or _IN_ONE_GROUP.search(reading)
    ):
        return "unclear"
    if arm_named:
        return direction_of(label, polarity)
    # "Pain decreased (p < 0.01)" with no arm named may be change within one arm.
    return "unclear"


def _primary_outcome_non_inferior(
    abstract: Abstract, groups: Sequence[TermGroup], results: Sequence[Sentence]
) -> list[Finding]:
    """No difference for the domain of the primary outcome, where the results state
    non-inferiority or equivalence without naming any outcome of the watch."""
    if not groups:
        return []
    # Most results state no non-inferiority: one screen of them all says so (text/screen.py).
    # (The whole prepared text is no better a screen: its methods name non-inferiority trials.)
    joined = "\n".join(s.text for s in results)
    if not may_match(_STATED_NON_INFERIOR, fold(joined), joined):
        return []
    statement = next((s for s in results if _STATED_NON_INFERIOR.search(s.text)), None)
    if statement is None or any(group.names(statement.text) for group in groups):
        return []
    for sentence in abstract.sentences:
        primary = PRIMARY_OUTCOME.search(sentence.text)
        if primary is None:
            continue
        named = sentence.text[primary.end() :]
        for group in groups:
            said = group.names(named)
            if said:
                return [
                    Finding(
                        group.domain.name,
                        said.group(0),
                        "no-difference",
                        direction_of("no-difference", group.polarity),
                        statement.text,
                        NON_INFERIORITY_CONFIDENCE,
                    )
                ]
        return []  # the first statement of the primary outcome is the one
    return []


def _plain_words_rule(
    reading: str, query: frozenset[str], label: str, polarity: str, context: _Context
) -> str:
    """Where the clause's words are plain, they decide: "improved with methylcobalamin" is a
    gain for the intervention whichever way the measure moved (a judgement outranks the
    polarity), and "fell more with B-complex than with placebo" is a decrease even without a
    p-value, which the model, trained on reports with statistics, would doubt."""
    said = read_clause(reading, query, context.int_words, context.cmp_words)
    if said.no_difference or label == "no-difference" and cues.NO_DIFFERENCE.search(reading):
        return label
    better = "increased" if polarity == "higher-is-better" else "decreased"
    worse = "decreased" if better == "increased" else "increased"
    if said.verdict:
        return better if said.verdict > 0 else worse
    if said.amount:
        return "increased" if said.amount > 0 else "decreased"
    return label


def _names_an_arm(reading: str, context: _Context) -> bool:
    words = {stem(w) for w in re.findall(r"[a-z0-9]+", reading.lower())}
    arms = context.int_words | context.cmp_words
    return bool(words & (arms | CONTROL_WORDS | {"group", "groups", "arm", "arms"}))


@lru_cache(maxsize=64)  # a watch asks with the same arms for every record
def _name_words(
    intervention: str | tuple[str, ...], comparator: str | tuple[str, ...]
) -> frozenset:
    """The content words of the arms' names."""
    return frozenset(content_words(" ".join(_as_tuple(intervention) + _as_tuple(comparator))))


def _hashable(names: str | Sequence[str]) -> str | tuple[str, ...]:
    """Arm names in a hashable form (the arm-word cache keys on them)."""
    return names if isinstance(names, str) else tuple(names)


def _as_tuple(names: str | tuple[str, ...]) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else names
