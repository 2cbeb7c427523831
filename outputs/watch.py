"""What the outputs need to know about a watch; the flow builds it from the watch config."""

from __future__ import annotations

from dataclasses import dataclass

from litwatch.core.classification import HEAD_TO_HEAD
from litwatch.core.guidance import StratumDefinition
from litwatch.core.review import ReviewMode
from litwatch.core.words import first_upper, word


@dataclass(frozen=True)
class Population:
    """A population the summary counts apart (`[[watch.summary.populations]]`): the records in
    the watch's population `name` (`Attributes.populations`). Its words are the watch's: `label`
    in "In {label}: ...", `trials_heading` over its trials' table and `section` (with
    `section_text`, "{n} records study ...") over its records; a heading left empty is not
    shown."""

    name: str
    label: str
    trials_heading: str = ""
    section: str = ""
    section_text: str = ""


@dataclass(frozen=True)
class SummaryWords:
    """The summary's words a watch declares (`[watch.summary]`): a section it leaves empty is
    not shown. A record reports its baseline when the strata reader states its level on
    stratum `baseline_stratum`."""

    statements_heading: str = "What meta-analyses and RCTs show"
    biology: str = ""
    baseline_stratum: str = ""
    formulations: str = ""
    baseline_label: str = ""  # how a record's attributes name it ("baseline X: reported")


@dataclass(frozen=True)
class Question:
    """A question the summary answers from several outcome domains, optionally within one
    population the watch names or one kind of comparison (one formulation against another)."""

    key: str
    title: str
    domains: tuple[str, ...]
    population: str = "all"  # or the name of one of the watch's populations
    head_to_head_only: bool = False
    # An association question (outputs/associations.py): the exposure's name in place of the
    # intervention, the summary section it stands in, and how its statement opens per direction.
    exposure: str = ""
    section: str = ""
    claims: tuple[tuple[str, str], ...] = ()  # (call, "Metformin lowers B12")


@dataclass(frozen=True)
class WatchInfo:
    """A watch as the reader sees it: its name, title, PubMed query and open research gaps."""

    name: str
    title: str
    query: str = ""
    gaps: tuple[tuple[str, str], ...] = ()  # (gap name, the research question it stands for)
    intervention: str = "the intervention"  # how statements name it: "favour B12"
    domains: tuple[tuple[str, str], ...] = ()  # (outcome domain name, its title)
    harms_domain: str = ""  # the domain adverse events count in (`harms = true`), if any
    questions: tuple[Question, ...] = ()  # what the summary's evidence statements answer
    gap_titles: tuple[tuple[str, str], ...] = ()  # (gap name, how a reader sees it named)
    strata: tuple[StratumDefinition, ...] = ()  # who benefits: a baseline measure, a drug's use
    review: ReviewMode = "single"  # "dual": a value counts as checked when two reviewers agree
    populations: tuple[Population, ...] = ()  # the populations statements count apart
    words: SummaryWords = SummaryWords()
    form_titles: tuple[tuple[str, str], ...] = ()  # (form name, how a reader sees it)
    # (form name, what else it gives, as "other B vitamins (B-complex)"), for forms that give
    # the intervention with other actives
    combinations: tuple[tuple[str, str], ...] = ()
    head_to_head: str = ""  # what a head-to-head trial compares, in the watch's words
    dose_unit: str = ""  # the unit doses are shown in ("" shows µg)

    def form_title(self, form: str) -> str:
        """The reader's words for one of the watch's forms, or its name in words."""
        return dict(self.form_titles).get(form) or word(form)

    def comparator_words(self, comparator: str) -> str:
        """A comparator in the reader's words; head-to-head in the watch's ("one form or route
        of the intervention against another" where it declares none)."""
        if comparator == HEAD_TO_HEAD:
            return self.head_to_head or f"one form or route of {self.intervention} against another"
        return word(comparator)

    def gap_title(self, gap: str) -> str:
        """The reader's name for a gap ("Stratified RCTs"); without one, its name in words."""
        title = dict(self.gap_titles).get(gap)
        if title:
            return title
        return first_upper(gap.replace("_", " ").replace("-", " "))

    def domain_title(self, domain: str) -> str:
        """The reader's words for an outcome domain ("nerve conduction"), or its name in words."""
        return dict(self.domains).get(domain) or word(domain)

    def gap_question(self, gap: str) -> str:
        """The question a gap stands for, or "" when the watch does not define it."""
        return dict(self.gaps).get(gap, "")

    @property
    def gap_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.gaps)
