"""The text side of the design classifier, for records NLM has not indexed yet: phrase rules,
structure features and a calibrated linear model over title + abstract, trained from records
labelled by `classifiers.pubtypes`, saved with skops (never pickle).

Phrase rules come in two strengths. Every rule is a model feature; the few marked `decisive`
also settle the label outright, because an author who writes "a systematic review and
meta-analysis" in the title is more reliable than any model trained on a few dozen reviews."""

from __future__ import annotations

import copy
import functools
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import skops.io as sio
from litwatch.core.records import Record
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

SEED = 20240601
# Fewer examples than this and a label is left to the rules: a model cannot learn it.
MIN_EXAMPLES = 5
MAX_ABSTRACT_CHARS = 20_000  # longer abstracts add nothing but time


@dataclass(frozen=True)
class PhraseRule:
    """A phrase an author writes about their own design; `where` is "title" or "text"."""

    name: str
    label: str
    pattern: re.Pattern[str]
    where: str = "text"
    decisive: bool = False
    cues: tuple[str, ...] = ()  # plain substrings, one of which must occur for the regex to run
    unless: tuple[str, ...] = ()  # names of rules that, firing too, keep this one from deciding

    def search(self, view: TextView) -> re.Match[str] | None:
        """The phrase in the view's title or text, if the rule fires."""
        source = view.title if self.where == "title" else view.text
        if not self.cues:
            return self.pattern.search(source)
        if not _holds_cue(source, self.cues):
            return None
        if self.where == "title":
            return self.pattern.search(source)
        # Phrases sit inside one sentence, so only the sentences holding a cue are searched:
        # scanning whole abstracts with a dozen-way pattern was most of the model's time.
        for sentence in view.sentences:
            if _holds_cue(sentence, self.cues):
                match = self.pattern.search(sentence)
                if match:
                    return match
        return None


def _holds_cue(text: str, cues: tuple[str, ...]) -> bool:
    # A plain loop: any() over a generator costs more than the substring tests themselves.
    for cue in cues:
        if cue in text:
            return True
    return False


def _rule(
    name: str,
    label: str,
    regex: str,
    where: str = "text",
    decisive: bool = False,
    cues: tuple[str, ...] = (),
    unless: tuple[str, ...] = (),
) -> PhraseRule:
    return PhraseRule(name, label, re.compile(regex), where, decisive, cues, unless)


# A report of randomised allocation settles `rct` unless the paper only reuses a trial's data
# or reviews trials.
_NOT_A_TRIAL_REPORT = (
    "secondary analysis",
    "PRISMA",
    "literature search",
    "pooled estimate",
    "review in title",
    "protocol wording",
)

# Evidence that a paper synthesises others' studies, which keeps review wording from deciding
# `narrative-review` (systematic reviews say "this review" too).
_SYNTHESIS = ("PRISMA", "literature search", "pooled estimate")

# Any sign of random allocation keeps a trial from being called non-randomised.
_RANDOMISED = (
    "randomised allocation",
    "randomised design",
    "randomised trial",
    "blinding",
    "randomised trial in title",
    "trial participants",
)

# "randomised" but not "non-randomised", "quasi-randomised", "Mendelian randomisation" (genetic
# instruments, not allocation) or "lack of randomisation".
_RANDOMI = r"(?<!non-)(?<!quasi-)(?<!semi-)(?<!mendelian )(?<!lack of )(?<!without )randomi[sz]"
_NUMBER = r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
_PERSON = (
    r"(man|woman|men|women|male|female|boy|girl|patient|child|infant|neonate|newborn|baby"
    r"|gentleman|lady|primigravida|multigravida)"
)


# Decisive rules are tried in this order; the first that fires sets the label.
PHRASE_RULES: tuple[PhraseRule, ...] = (
    _rule(
        "protocol in title",
        "protocol",
        r"\b(study|trial|review) protocol\b|\bprotocol (for|of) an?\b|: (a |the )?protocol\b"
        r"|\brationale and (study )?design\b|\bdesign and rationale\b",
        "title",
        decisive=True,
        cues=("protocol", "rationale"),
    ),
    _rule(
        "meta-analysis in title",
        "meta-analysis",
        r"\bmeta-?analy[sz]|\bmeta-?regression|\bpooled analysis of (\w+ ){0,3}(trials|studies)",
        "title",
        decisive=True,
        cues=("meta", "pooled"),
    ),
    _rule(
        "systematic review in title",
        "systematic-review",
        # One review of the authors' own, not papers about systematic reviews ("librarian time
        # spent on systematic review tasks", "searching in systematic reviews").
        r"\bsystematic (literature )?review\b(?! (process|tasks?|methods?|methodology|teams?))"
        r"|\b(overview|review) of systematic reviews\b|\bscoping review\b|\bumbrella review"
        r"|\bcochrane review",
        "title",
        decisive=True,
        cues=("systematic", "scoping", "umbrella", "cochrane"),
    ),
    _rule(
        "guideline in title",
        "guideline",
        # The guideline itself ("ACG clinical guideline: ...", "Guidelines for the management
        # of ..."), not a study of following one ("adherence to guidelines").
        r"^(the )?([\w/&-]+ ){0,5}(clinical (practice )?|practice |consensus )?guidelines?"
        r"( \d{4})?(:|\.?$)"
        r"|^(\w+ ){0,3}guidelines? (for|on) (the )?(\w+[ ,-]+){0,3}(management|diagnosis|treatment"
        r"|prevention|use|care|screening|assessment|evaluation)\b"
        r"|: (an? |the )?(updated |revised |international |joint |\d{4} )*([\w/&-]+ ){0,3}"
        r"(guidelines?|consensus statement|position statement|practice parameter)\.?$"
        r"|\bconsensus (statement|guidelines?|recommendations)\b|\bposition statement\b"
        r"|\bpractice parameter\b",
        "title",
        decisive=True,
        cues=("guideline", "consensus", "position statement", "practice parameter"),
    ),
    _rule(
        "case report in title",
        "case-report",
        r"\bcase reports?\b|\ba case of\b|\bcase presentation\b|\ba rare case\b|\bcase study\b"
        # "case" never as the start of "case-control".
        r"|\breport of (a|an|two|three|four|five|\d+) (\w+ ){0,2}cases?\b(?!-)|: a case\b(?!-)"
        r"|\bcase series\b|\bcases? and (a )?review of\b|\bcase-based (review|update)\b",
        "title",
        decisive=True,
        cues=("case",),
    ),
    _rule(
        "randomised trial in title",
        "rct",
        rf"\b{_RANDOMI}ed(,)? (\w+[ ,-]+){{0,4}}(trial|study)\b|\b{_RANDOMI}ed clinical\b"
        rf"|\b{_RANDOMI}ed controlled\b",
        "title",
        decisive=True,
        cues=("randomi",),
        unless=_NOT_A_TRIAL_REPORT,
    ),
    _rule("PRISMA", "systematic-review", r"\bprisma\b", cues=("prisma",)),
    _rule(
        "literature search",
        "systematic-review",
        r"\b(we )?(systematically )?searched (the )?(\w+ ){0,3}(medline|pubmed|embase|cochrane"
        r"|web of science|scopus|databases?)\b|\bdata sources\b|\bstudy selection\b",
        cues=("searched", "data sources", "study selection"),
    ),
    _rule(
        "systematic review done",
        "systematic-review",
        r"\b(a |this )?systematic (literature )?review (was|is) (performed|conducted|carried out"
        r"|undertaken)\b|\bwe (performed|conducted|carried out|undertook) a systematic "
        r"(literature )?review\b",
        decisive=True,
        cues=("systematic",),
        unless=("pooled estimate",),
    ),
    _rule(
        "pooled estimate",
        "meta-analysis",
        r"\bmeta-?analy[sz]|\bpooled (estimate|odds|risk)",
        cues=("meta", "pooled"),
    ),
    _rule(
        "protocol wording",
        "protocol",
        r"\bthis protocol\b|\bwill be (randomi[sz]ed|recruited)",
        cues=("protocol", "will be"),
    ),
    _rule(
        "randomised allocation",
        "rct",
        # Random allocation, not random sampling ("were randomly selected").
        r"\b(were|was|being) randomly(?! (selected|sampled|chosen|drawn|distributed))\b"
        rf"|\b(were|was|being) {_RANDOMI}ed\b|\brandomly (assigned|allocated|divided)"
        rf"|\b{_RANDOMI}ed (to|into|in a|1:1)\b|\b{_RANDOMI}ation\b|\bwe {_RANDOMI}ed\b"
        rf"|\b{_RANDOMI}ed ({_NUMBER} \w+|them|participants|patients|subjects)\b"
        rf"|\b{_RANDOMI}ed \(?\d:\d|\b(allocated|assigned) (at random|randomly)\b"
        r"|\brandom (allocation|assignment)\b",
        decisive=True,
        cues=("random",),
        unless=_NOT_A_TRIAL_REPORT,
    ),
    _rule(
        "randomised design",
        "rct",
        # The paper's own design: a "Design:" heading, "this randomised trial", "we conducted a
        # randomised ...", or a randomised trial in the same breath as blinding.
        r"\b(study )?(design|methods?|setting)( and \w+)?:? (this (study )?(is|was) )?(in )?"
        rf"(a |an )?(\w+[ ,-]+){{0,4}}{_RANDOMI}ed\b"
        rf"|\b(this|the present|our) (\w+[ ,-]+){{0,3}}{_RANDOMI}ed\b"
        r"|\bwe (conducted|performed|carried out|undertook|did|report|designed) (a|an) "
        rf"(\w+[ ,-]+){{0,5}}{_RANDOMI}ed\b"
        rf"|\b{_RANDOMI}ed,? (\w+[ ,-]+){{0,3}}(double|single|triple)[- ]blind"
        rf"|\b(double|single|triple)[- ]blind(ed)?,? (\w+[ ,-]+){{0,3}}{_RANDOMI}ed"
        rf"|\b{_RANDOMI}ed,? (\w+[ ,-]+){{0,3}}placebo[- ]controlled\b"
        # "The TEAM trial is a randomized controlled trial ...", "(TRIUMPH), a randomized
        # controlled trial", "a randomized controlled design was used".
        rf"|\b(is|was) (a|an|the first) (\w+[ ,-]+){{0,4}}{_RANDOMI}ed (\w+[ ,-]+){{0,2}}(trial|study)\b"
        rf"|\), an? (\w+[ ,-]+){{0,4}}{_RANDOMI}ed (\w+[ ,-]+){{0,2}}trial\b"
        rf"|\b{_RANDOMI}ed (\w+ ){{0,2}}design (was|is) (used|employed|adopted)\b",
        decisive=True,
        cues=("randomi",),
        unless=(*_NOT_A_TRIAL_REPORT, "review wording", "review format"),
    ),
    _rule(
        "trial participants",
        "rct",
        # Analyses of a trial's participants, which NLM indexes as reports of the trial.
        r"\b(participants? (in|of|from)|participating in|enrolled in|recruited (from|in|for)"
        r"|part of|data (from|of)|drawn from|nested (within|in)|analysis of|within|completed"
        r"|participated in|enrolled (for|in)|samples from)"
        rf" (a|an|the|two|\d+) (\w+[ ,-]+){{0,4}}{_RANDOMI}ed\b",
        decisive=True,
        cues=("randomi",),
        unless=(*_SYNTHESIS, "review in title"),
    ),
    _rule(
        "randomised trial",
        "rct",
        r"\brandomi[sz]ed(,)? (\w+[ ,-]+){0,4}(trial|study)\b|\brct\b|\bcluster[- ]randomi",
        cues=("randomi", "rct"),
    ),
    _rule(
        "blinding",
        "rct",
        r"\b(double|single|triple)[- ]blind|\bplacebo[- ]controlled\b",
        cues=("blind", "placebo"),
    ),
    _rule(
        "secondary analysis",
        "other",
        # The paper is a secondary analysis ("a post hoc analysis of ..."), not a trial report
        # naming its own secondary analyses ("in secondary analyses, rates of control ...").
        r"\b(secondary|post[- ]hoc|ancillary|exploratory|pooled) analys[ie]s (of|from|using)\b"
        r"|\bsub-?study\b|\bdata from (the|a) \w+",
        cues=("analys", "sub", "data from"),
    ),
    _rule(
        "case description",
        "case-report",
        # "A 54-year-old woman presented with ...", "two men aged 62 and 43 years".
        rf"\b(a|an) \d+[- ](years?|months?|weeks?|days?)[- ]old (\w+ ){{0,2}}{_PERSON}\b"
        rf"|\b{_NUMBER} (\w+ ){{0,2}}{_PERSON} aged \d+",
        decisive=True,
        cues=("-old", " old ", " aged "),
        unless=_SYNTHESIS,
    ),
    _rule(
        "case wording",
        "case-report",
        # "A case of ... is presented", "in this case report", "the article describes three
        # cases"; the rules are split by the words they need so each runs on few abstracts.
        r"\b(the|this) (article|report|paper) (describes|reports|presents) "
        rf"{_NUMBER} (\w+ ){{0,2}}cases\b"
        rf"|\b{_NUMBER} (\w+ ){{0,3}}cases? (of (\S+ ){{1,12}})?(is|are|was|were) "
        r"(described|reported|presented|encountered)\b"
        r"|\bcase (presentation|report|description)s?:|\b(in )?this case report\b"
        r"|\bsummary of (the )?case\b|\bin a case of\b",
        decisive=True,
        cues=("case",),
        unless=_SYNTHESIS,
    ),
    _rule(
        "cases reported",
        "case-report",
        # "We report a case ...", "the authors describe two patients ...".
        r"\b(we|the authors|authors) (here(in)? )?(report|describe|present|encountered|experienced"
        rf"|saw|treated) (here )?{_NUMBER} (\w+[ ,-]+){{0,4}}(case|patient)s?\b(?! stud)"
        r"|\b(we|the authors|authors) (here(in)? )?(report|describe|present) the case of\b",
        decisive=True,
        cues=("we ", "authors"),
        unless=_SYNTHESIS,
    ),
    _rule(
        "non-randomised design",
        "non-randomized-trial",
        # The authors' own uncontrolled or non-randomised intervention design ("a single-arm
        # phase II study", "a quasi-experimental pre-post design"); never with any sign of
        # random allocation, nor in a review describing others' trials.
        r"\b(a|an|this|our|the present) (\w+[ ,-]+){0,3}(phase (i|ii|iv|1|2|4|i/ii|1/2|iia|iib)"
        r"|single[- ](arm|group)|open[- ]label|non-?randomi[sz]ed|uncontrolled|quasi-?experimental"
        r"|before[- ]and[- ]after|pre-?post|pre-?test[- ]post-?test) (\w+[ ,-]+){0,3}"
        r"(trial|study|design|intervention)\b",
        decisive=True,
        cues=(
            "phase",
            "single-",
            "single ",
            "open-",
            "open label",
            "random",
            "uncontrolled",
            "quasi",
            "before",
            "pre-",
            "prepost",
            "pre post",
            "pretest",
            "pre test",
        ),
        unless=(*_RANDOMISED, *_SYNTHESIS, "review in title", "own review", "review format"),
    ),
    _rule(
        "non-randomised trial",
        "non-randomized-trial",
        r"\bnon-?randomi[sz]ed\b|\bsingle[- ]arm\b|\bopen[- ]label\b|\bphase (i|ii|1|2)\b"
        r"|\bquasi-?experimental\b|\bpilot (study|trial)\b",
        cues=("random", "single", "open", "phase", "quasi", "pilot"),
    ),
    _rule(
        "cohort wording",
        "cohort",
        r"\b(retrospective|prospective|population-based|birth|longitudinal) cohort\b"
        r"|\bcohort study\b|\bfollowed (up )?for\b|\bhazard ratio",
        cues=("cohort", "followed", "hazard"),
    ),
    _rule(
        "case-control wording",
        "case-control",
        r"\bcase[- ]control\b|\bmatched controls\b",
        cues=("control",),
    ),
    _rule(
        "cross-sectional wording",
        "cross-sectional",
        r"\bcross[- ]sectional\b|\bsurvey\b|\bquestionnaire\b|\bprevalence\b",
        cues=("sectional", "survey", "questionnaire", "prevalence"),
    ),
    _rule(
        "guideline wording",
        "guideline",
        r"\bguidelines?\b|\bconsensus (statement|conference|recommendations)\b"
        r"|\bposition (statement|paper)\b|\bpractice parameter\b",
        cues=("guideline", "consensus", "position", "practice parameter"),
    ),
    _rule(
        "review wording",
        "narrative-review",
        r"\b(this|we|the present) review\b|\breview(ed)? (of )?the (current )?literature\b"
        r"|\boverview\b|\bcurrent (concepts|knowledge|evidence)\b",
        cues=("review", "overview", "current"),
    ),
    _rule(
        "own review",
        "narrative-review",
        # Authors naming their paper a review ("In this review, we ..."); systematic reviews
        # say it too, so any sign of a literature search or pooling keeps it from deciding.
        r"\b(this|the present|our) (narrative |brief |short |mini-?|critical |comprehensive )?"
        r"review\b|\bhere,? we (review|summari[sz]e)\b"
        r"|\b(we|this (article|chapter|paper|overview)) (also |then |further |briefly )?"
        r"(discuss(es)?|summari[sz]es?|highlights?|outlines?|reviews?) (the |recent |current |how "
        r"|what |some |several |these |key |its |their |potential |possible |emerging |new |novel "
        r"|major )",
        decisive=True,
        cues=("review", "summari", "discuss", "highlight", "outline"),
        unless=_SYNTHESIS,
    ),
    _rule(
        "review aims",
        "narrative-review",
        r"\b(this|the present|our) (article|chapter|paper|overview)"
        r" (\w+ ){0,2}(reviews|summari[sz]es|discusses|highlights|provides an overview)\b"
        r"|\b(are|is) (reviewed|summari[sz]ed)\b|\brecent (advances|developments|progress)\b"
        r"|\bfuture (directions|perspectives)\b|\bstate of the art\b",
        cues=(
            "reviews",
            "reviewed",
            "summari",
            "discusses",
            "highlights",
            "overview",
            "recent",
            "future",
            "state of the art",
        ),
    ),
    _rule(
        "review format",
        "narrative-review",
        # The "Purpose of review / Recent findings / Summary" abstract of review journals.
        r"\bpurpose of (this )?review\b|\brecent findings\b",
        decisive=True,
        cues=("review", "recent findings"),
        unless=_SYNTHESIS,
    ),
    _rule(
        "review in title",
        "narrative-review",
        # Not a chart review ("retrospective review of 50 patients") or peer review.
        r"(?<!retrospective )(?<!chart )(?<!record )(?<!peer )\breview\b(?! of \d+)"
        r"|\ban update\b",
        "title",
        cues=("review", "update"),
    ),
    _rule(
        "case-like title",
        "case-report",
        # How case reports are titled when they do not say "case".
        r"\bcomplicating\b|\bas a complication of\b|\bmimicking\b|\bmasquerading as\b"
        r"|\bunusual (presentation|cause|site|manifestation)\b"
        r"|\b(a )?rare (cause|presentation|complication|manifestation)\b",
        "title",
        cues=("complicat", "mimick", "masquerad", "unusual", "rare"),
    ),
    _rule(
        "commentary in title",
        "commentary",
        # "Response to ..." opening a title, not a patient's "blood pressure response to".
        r"\beditorial\b|\bcomment(ary)? on\b|^comment(ary)?:|\bin reply\b|\breply to\b"
        r"|^(in )?response to\b|\bletter\b|\breply\b|^re:",
        "title",
        cues=("editorial", "comment", "reply", "response", "letter", "re:"),
    ),
    _rule(
        "laboratory model",
        "preclinical",
        r"\b(mice|mouse|rats?|murine|rodents?|zebrafish|xenografts?|knockout)\b"
        r"|\bin vitro\b|\bcell lines?\b|\bcultured\b",
        cues=(
            "mice",
            "mouse",
            "rat ",
            "rats",
            "rat,",
            "rat.",
            "rat)",
            "murine",
            "rodent",
            "zebrafish",
            "xenograft",
            "knockout",
            "in vitro",
            "cell line",
            "cultured",
        ),
    ),
)

# Section headings that mark a design (structured abstracts say what kind of paper they are).
SECTION_CUES = (
    "background",
    "objective",
    "methods",
    "results",
    "conclusion",
    "case",
    "design",
    "setting",
    "participants",
    "intervention",
    "data sources",
    "study selection",
    "data extraction",
    "synthesis",
    "ethics and dissemination",
    "trial registration",
    "main outcome",
    "discussion",
    "introduction",
)

STRUCTURE_FEATURES = (
    "no abstract",
    "abstract length",
    "section count",
    "trial registry id",
    *(f"section: {cue}" for cue in SECTION_CUES),
    *(f"phrase: {rule.name}" for rule in PHRASE_RULES),
)

_TAG = re.compile(r"</?[a-zA-Z][^>]{0,40}>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TextView:
    """What the model reads of one record: normalised title and abstract, section headings."""

    title: str
    text: str
    sections: tuple[str, ...]
    has_registry_id: bool
    words: int
    sentences: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelCall:
    """One text-model decision: label, calibrated probability and what decided it."""

    label: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass
class DesignModel:
    """The fitted text model: vectorisers, calibrated classifier and measured rule precision."""

    title_vectorizer: TfidfVectorizer
    text_vectorizer: TfidfVectorizer
    classifier: CalibratedClassifierCV
    rule_precision: dict[str, float]
    card: dict = field(default_factory=dict)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(str(label) for label in self.classifier.classes_)

    def predict(self, records: Sequence[Record]) -> list[ModelCall]:
        """One call per record, vectorised over the whole batch."""
        if not records:
            return []
        views = [text_view(record) for record in records]
        features, hits = self._features(views)
        probabilities = self.classifier.predict_proba(features)
        contributions = self._contributions(features)
        names = self._feature_names
        calls = []
        for row, view in enumerate(views):
            decisive = _deciding_rule(hits[row])
            if decisive is not None:
                calls.append(self._rule_call(decisive, view, probabilities[row]))
                continue
            best = int(np.argmax(probabilities[row]))
            evidence = _top_evidence(contributions, row, best, names)
            calls.append(ModelCall(self.labels[best], float(probabilities[row, best]), evidence))
        return calls

    def _features(self, views: Sequence[TextView]) -> tuple[sp.csr_matrix, list[list[PhraseRule]]]:
        structure, hits = structure_matrix(views)
        title = self.title_vectorizer.transform([view.title for view in views])
        text = self.text_vectorizer.transform([view.text for view in views])
        return sp.hstack([title, text, structure], format="csr"), hits

    def _contributions(self, features: sp.csr_matrix):
        base = self.classifier.calibrated_classifiers_[0].estimator
        return features, base.coef_

    @functools.cached_property
    def _feature_names(self) -> list[str]:
        names = [f"title: {n}" for n in self.title_vectorizer.get_feature_names_out()]
        names += [f"word: {n}" for n in self.text_vectorizer.get_feature_names_out()]
        return names + list(STRUCTURE_FEATURES)

    def _rule_call(self, rule: PhraseRule, view: TextView, probabilities) -> ModelCall:
        match = rule.search(view)
        phrase = match.group(0) if match else rule.name
        confidence = self.rule_precision.get(rule.name, 0.9)
        if rule.label in self.labels:
            confidence = max(confidence, float(probabilities[self.labels.index(rule.label)]))
        return ModelCall(rule.label, round(confidence, 4), (f'{rule.where} phrase: "{phrase}"',))


def _deciding_rule(fired: list[PhraseRule]) -> PhraseRule | None:
    names = {rule.name for rule in fired}
    for rule in fired:
        if rule.decisive and not names.intersection(rule.unless):
            return rule
    return None


def text_view(record: Record) -> TextView:
    """The normalised title and abstract the text model reads."""
    title = normalise_text(record.title)
    abstract = normalise_text(record.abstract_text[:MAX_ABSTRACT_CHARS])
    sections = tuple(
        normalise_text(section.nlm_category or section.label) for section in record.abstract
    )
    sections += tuple(normalise_text(s.label) for s in record.abstract if s.nlm_category)
    text = f"{title} {abstract}"
    return TextView(
        title=title,
        text=text,
        sections=sections,
        has_registry_id=bool(record.registry_ids),
        words=abstract.count(" ") + 1 if abstract else 0,
        sentences=tuple(text.split(". ")),
    )


def normalise_text(text: str) -> str:
    """Lower-case text without inline markup or entities, in NFKC form, spaces collapsed."""
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2010", "-")
    return _SPACE.sub(" ", text).strip()


def structure_matrix(views: Sequence[TextView]) -> tuple[sp.csr_matrix, list[list[PhraseRule]]]:
    """Structure and phrase features for each view, and the rules that fired for each."""
    rows, cols, values = [], [], []
    hits: list[list[PhraseRule]] = []
    rule_offset = 4 + len(SECTION_CUES)
    for row, view in enumerate(views):
        cells = {
            0: float(view.words == 0),
            1: min(math.log1p(view.words) / 7.0, 1.5),
            2: min(len(view.sections) / 8.0, 1.5),
            3: float(view.has_registry_id),
        }
        for index, cue in enumerate(SECTION_CUES):
            if any(cue in section for section in view.sections):
                cells[4 + index] = 1.0
        fired = []
        for index, rule in enumerate(PHRASE_RULES):
            if rule.search(view):
                cells[rule_offset + index] = 1.0
                fired.append(rule)
        hits.append(fired)
        for col, value in cells.items():
            if value:
                rows.append(row)
                cols.append(col)
                values.append(value)
    shape = (len(views), len(STRUCTURE_FEATURES))
    return sp.csr_matrix((values, (rows, cols)), shape=shape), hits


def _top_evidence(contributions, row: int, label_index: int, names: list[str]) -> tuple[str, ...]:
    features, coef = contributions
    weights = coef[label_index] if coef.shape[0] > 1 else coef[0]
    start, end = features.indptr[row], features.indptr[row + 1]
    columns = features.indices[start:end]
    scores = features.data[start:end] * weights[columns]
    order = np.argsort(-scores)[:4]
    return tuple(names[columns[i]] for i in order if scores[i] > 0)


def train_design_model(
    examples: Iterable[tuple[Record, str]],
    *,
    trained_on: date | None = None,
    seed: int = SEED,
    sources: Sequence[str] = (),
) -> tuple[DesignModel, dict]:
    """Fit the text model on (record, label) pairs; returns the model and its card."""
    examples = list(examples)
    counts = Counter(label for _, label in examples)
    kept = [(r, label) for r, label in examples if counts[label] >= MIN_EXAMPLES]
    views = [text_view(record) for record, _ in kept]
    labels = np.array([label for _, label in kept])
    title_vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_features=8000, sublinear_tf=True, dtype=np.float32
    )
    text_vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_features=30000, sublinear_tf=True, dtype=np.float32
    )
    title = title_vectorizer.fit_transform([view.title for view in views])
    text = text_vectorizer.fit_transform([view.text for view in views])
    structure, hits = structure_matrix(views)
    features = sp.hstack([title, text, structure], format="csr")
    folds = min(3, min(Counter(labels).values()))
    classifier = CalibratedClassifierCV(
        LinearSVC(C=0.5, class_weight="balanced", random_state=seed),
        method="sigmoid",
        cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
        ensemble=False,
    )
    classifier.fit(features, labels)
    _slim(title_vectorizer, text_vectorizer, classifier)
    model = DesignModel(
        title_vectorizer, text_vectorizer, classifier, _rule_precision(hits, labels.tolist())
    )
    card = {
        "trained_on": trained_on.isoformat() if trained_on else None,
        "sources": list(sources),
        "examples": len(examples),
        "label_counts": dict(sorted(counts.items())),
        "labels_left_to_rules": sorted(label for label, n in counts.items() if n < MIN_EXAMPLES),
        "seed": seed,
        "rule_precision": model.rule_precision,
    }
    model.card = card
    return model, card


def cross_validated_predictions(
    examples: Sequence[tuple[Record, str]], groups: Sequence[str], folds: int = 5, seed: int = SEED
) -> list[str]:
    """Each example's text-only label from a model that never saw its group (source file)."""
    groups = list(groups)
    predicted = [""] * len(examples)
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
    for train, test in splitter.split(np.zeros(len(examples)), groups=groups):
        model, _ = train_design_model([examples[i] for i in train], seed=seed)
        for index, call in zip(test, model.predict([examples[i][0] for i in test]), strict=True):
            predicted[index] = call.label
    return predicted


def _slim(*fitted) -> None:
    # `stop_words_` keeps every pruned n-gram only for introspection (sklearn's docs allow
    # dropping it); float32 weights halve the rest.
    for estimator in fitted:
        if getattr(estimator, "stop_words_", None) is not None:
            estimator.stop_words_ = None
    base = fitted[-1].calibrated_classifiers_[0].estimator
    base.coef_ = base.coef_.astype(np.float32)
    base.intercept_ = base.intercept_.astype(np.float32)


def _rule_precision(hits: list[list[PhraseRule]], labels: list[str]) -> dict[str, float]:
    # Laplace-smoothed share of training records a rule fired on that carry its label.
    fired: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for rules, label in zip(hits, labels, strict=True):
        for rule in rules:
            fired[rule.name] += 1
            right[rule.name] += rule.label == label
    return {
        rule.name: round((right[rule.name] + 1) / (fired[rule.name] + 2), 4)
        for rule in PHRASE_RULES
    }


# Everything a saved model may contain beyond skops' defaults; loading refuses anything else.
TRUSTED_TYPES = [
    "builtins.float",
    "numpy.dtype",
    "numpy.float32",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.svm._classes.LinearSVC",
]


def save_model(model: DesignModel, path: Path) -> None:
    """Write the model with skops (a format that cannot run code on load)."""
    bundle = {
        "title_vectorizer": _without_vocabulary(model.title_vectorizer),
        "title_terms": _terms(model.title_vectorizer),
        "text_vectorizer": _without_vocabulary(model.text_vectorizer),
        "text_terms": _terms(model.text_vectorizer),
        "classifier": model.classifier,
        "rule_precision": model.rule_precision,
        "card": model.card,
    }
    sio.dump(bundle, Path(path), compression=8)


def load_model(path: Path) -> DesignModel:
    """Read a model written by `save_model`, trusting only the types listed in TRUSTED_TYPES."""
    bundle = sio.load(Path(path), trusted=TRUSTED_TYPES)
    return DesignModel(
        _with_vocabulary(bundle["title_vectorizer"], bundle["title_terms"]),
        _with_vocabulary(bundle["text_vectorizer"], bundle["text_terms"]),
        bundle["classifier"],
        dict(bundle["rule_precision"]),
        dict(bundle["card"]),
    )


# skops writes a dict entry by entry; a vocabulary of tens of thousands of n-grams goes in
# and out far faster as one array of terms in column order.
def _terms(vectorizer: TfidfVectorizer) -> np.ndarray:
    return np.array(vectorizer.get_feature_names_out().tolist(), dtype=str)


def _without_vocabulary(vectorizer: TfidfVectorizer) -> TfidfVectorizer:
    stripped = copy.copy(vectorizer)
    del stripped.vocabulary_
    return stripped


def _with_vocabulary(vectorizer: TfidfVectorizer, terms: np.ndarray) -> TfidfVectorizer:
    vectorizer.vocabulary_ = {term: index for index, term in enumerate(terms.tolist())}
    return vectorizer
