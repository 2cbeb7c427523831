"""The watch file: which PubMed questions to watch, when, for whom, and which gaps to judge them by.

Validated on load (pydantic at the edge); every error names the file, the key and the problem.
"""

from __future__ import annotations

import os
import re
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from litwatch.addresses import one_address
from litwatch.attribute_words import FormModel, PopulationDefinitionModel
from litwatch.classifiers.definitions import (
    WATCH_NAMED,
    GapDefinitionModel,
    TopicDefinitionModel,
    compile_gaps,
    compile_topic,
)
from litwatch.core.associations import AssociationQuestion, Exposure
from litwatch.core.errors import ConfigError
from litwatch.core.findings import (
    POLARITIES,
    DomainTerm,
    FindingsDefinition,
    Instrument,
    OutcomeDomain,
    OutcomeHead,
    OutcomeVocabulary,
)
from litwatch.core.guidance import StratumDefinition
from litwatch.core.vocabulary import DOSE_UNITS, AttributeVocabulary
from litwatch.small_files import WATCH_FILE_LIMIT, read_toml
from litwatch.summary_words import SummaryModel
from litwatch.validators import Terms
from litwatch.validators import unique_names as _unique_names

# A watch name becomes part of file and folder names: keep it to a safe slug so that
# "../" or a path separator can never escape the output folder.
# Used with fullmatch: "$" would also match before a final newline.
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_NAME_RULE = "must be 1-64 lower-case letters, digits, '-' or '_'"


def _slug(value: str, why: str = "") -> str:
    """`value` if it is a whole safe name (watch, domain, question); else the reason, and `why`."""
    if not _NAME.fullmatch(value):
        raise ValueError(f"{_NAME_RULE} ({why})" if why else _NAME_RULE)
    return value


def local_timezone() -> str:
    """This machine's IANA time zone name (TZ, else the /etc/localtime link), else UTC."""
    candidates = [os.environ.get("TZ", "").removeprefix(":")]
    try:
        candidates.append(str(Path("/etc/localtime").resolve()).partition("zoneinfo/")[2])
    except OSError:
        pass
    for name in candidates:
        try:
            if name and ZoneInfo(name):
                return name
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return "UTC"


def _no_blank_term(terms: tuple) -> tuple:
    """A watch's outcome terms as given, refused when one is empty ("" or only "*")."""
    for term in terms:
        if isinstance(term, str) and not term.strip().strip("*"):
            raise ValueError("a term is empty")
    return terms


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cron: str = "0 7 * * 1"  # Monday 07:00
    timezone: str = Field(default_factory=local_timezone)  # the machine's, unless the file says

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from datetime import datetime

        from cronsim import CronSim, CronSimError

        try:
            CronSim(value, datetime(2026, 1, 1))
        except CronSimError as error:
            raise ValueError(f"not a cron expression ({error})") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class DomainTermModel(BaseModel):
    """A term with its own polarity: `{ term = "homocysteine", polarity = "lower-is-better" }`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    term: str
    polarity: str

    @field_validator("term")
    @classmethod
    def _term_not_blank(cls, value: str) -> str:
        if not value.strip().strip("*"):
            raise ValueError("a term is empty")
        return value.strip()

    @field_validator("polarity")
    @classmethod
    def _known_polarity(cls, value: str) -> str:
        return _polarity(value)


class OutcomeDomainModel(BaseModel):
    """One outcome domain of a watch: its terms and which way is better."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str = ""
    polarity: str
    terms: tuple[str | DomainTermModel, ...] = Field(min_length=1)
    # Adverse events as reported ("none occurred", "similar in both groups") count here.
    harms: bool = False

    @field_validator("name")
    @classmethod
    def _safe_domain_name(cls, value: str) -> str:
        return _slug(value)

    @field_validator("polarity")
    @classmethod
    def _known_polarity(cls, value: str) -> str:
        return _polarity(value)

    @field_validator("terms")
    @classmethod
    def _terms_not_blank(cls, value: tuple) -> tuple:
        return _no_blank_term(value)

    def domain(self) -> OutcomeDomain:
        terms = tuple(
            DomainTerm(t.strip()) if isinstance(t, str) else DomainTerm(t.term, t.polarity)
            for t in self.terms
        )
        return OutcomeDomain(
            self.name, self.title or self.name, terms, self.polarity, harms=self.harms
        )


class _VocabularyEntry(BaseModel):
    """What every entry of the outcome vocabulary has: the domain it counts for, and a polarity
    of its own where it differs from the domain's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: str
    polarity: str = ""

    @field_validator("polarity")
    @classmethod
    def _known_polarity(cls, value: str) -> str:
        return _polarity(value) if value else value


class InstrumentModel(_VocabularyEntry):
    """An instrument of the outcome vocabulary: its name, abbreviations and domain."""

    name: str = Field(min_length=1)
    abbreviations: Terms = ()
    short: Terms = ()  # the words that name it before a measure word: "Toronto"


class HeadModel(_VocabularyEntry):
    """A head word of the outcome vocabulary ("conduction") and its domain."""

    word: str = Field(min_length=1)
    qualifiers: Terms = ()


class VocabularyModel(BaseModel):
    """The outcome vocabulary file, or `[watch.findings.vocabulary]`, which extends it
    (`shipped = false` leaves the shipped file out)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shipped: bool = True
    measures: tuple[str, ...] = ()
    instrument: tuple[InstrumentModel, ...] = ()
    head: tuple[HeadModel, ...] = ()

    def vocabulary(self) -> OutcomeVocabulary:
        return OutcomeVocabulary(
            tuple(
                Instrument(i.name, i.domain, i.abbreviations, i.short, i.polarity)
                for i in self.instrument
            ),
            tuple(OutcomeHead(h.word, h.domain, h.qualifiers, h.polarity) for h in self.head),
            self.measures,
        )


def shipped_vocabulary_file() -> Path:
    """The outcome vocabulary shipped with litwatch."""
    return Path(str(resources.files("litwatch") / "watches" / "outcome_vocabulary.toml"))


@cache
def shipped_vocabulary() -> OutcomeVocabulary:
    """The shipped outcome vocabulary, read and checked once per process."""
    path = shipped_vocabulary_file()
    raw = read_toml(path, "outcome vocabulary", WATCH_FILE_LIMIT)
    try:
        return VocabularyModel.model_validate(raw).vocabulary()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


class FindingsDefinitionModel(BaseModel):
    """`[watch.findings]`: the arms findings are read for, and the outcome domains."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intervention: tuple[str, ...] = ()  # names of what the watch's trials test
    comparator: tuple[str, ...] = ()  # names of what they test it against
    # How the summary names the intervention: "4 of 5 RCTs favour B12".
    label: str = Field(default="the intervention", min_length=1, max_length=40)
    domains: tuple[OutcomeDomainModel, ...] = ()
    # Further wordings of the domains' outcomes, added to the shipped vocabulary.
    vocabulary: VocabularyModel = Field(default_factory=VocabularyModel)
    # The forms of the intervention (`[[watch.findings.forms]]`) and the unit its doses are
    # shown in ("µg", "mg", "g"; default µg).
    forms: tuple[FormModel, ...] = ()
    dose_unit: str = ""
    # What a head-to-head trial compares, in the watch's words ("one X form against another").
    head_to_head: str = Field(default="", max_length=120)

    @field_validator("forms")
    @classmethod
    def _unique_forms(cls, value: tuple) -> tuple:
        return _unique_names("form", value)

    @field_validator("dose_unit")
    @classmethod
    def _known_unit(cls, value: str) -> str:
        if value and value not in DOSE_UNITS:
            raise ValueError(f"{value!r} is not a dose unit (one of: {', '.join(DOSE_UNITS)})")
        return value

    @field_validator("domains")
    @classmethod
    def _unique_domains(cls, value: tuple) -> tuple:
        harms = [domain.name for domain in value if domain.harms]
        if len(harms) > 1:
            raise ValueError(f"harms = true on more than one domain: {', '.join(harms)}")
        return _unique_names("domain", value)

    @field_validator("intervention", "comparator")
    @classmethod
    def _names_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not name.strip() for name in value):
            raise ValueError("a name is empty")
        return tuple(name.strip() for name in value)

    @model_validator(mode="after")
    def _intervention_named(self) -> FindingsDefinitionModel:
        # Without the intervention's names the reader cannot tell the arms apart, and reads
        # "improved with <the drug>" as a gain for the comparator: findings reversed.
        if self.domains and not self.intervention:
            raise ValueError(
                'intervention: name what the watch\'s trials test (e.g. ["drug name", "its class"]); '
                "without it no result can be said to favour either arm"
            )
        return self


class ExposureModel(BaseModel):
    """`exposure = { name = "metformin", terms = ["metformin", "biguanide*"] }`: what an
    association question compares the exposed and the unexposed by."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=60)
    terms: Terms = Field(min_length=1)


ASSOCIATION_CLAIMS = Literal["increased", "decreased", "no-association"]


class QuestionModel(BaseModel):
    """`[[watch.questions]]`: a question the evidence summary answers from some outcome domains,
    optionally within one of the watch's populations or among trials that compare forms or
    routes; or, with an `exposure`, the outcome in the exposed against the unexposed (an
    association question)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str = Field(min_length=1, max_length=120)
    domains: tuple[str, ...] = Field(min_length=1)
    population: str = "all"  # or a population of `[watch.summary]`
    comparison: Literal["any", "head-to-head"] = "any"
    # An association question: the exposure in place of the watch's intervention, the summary
    # section its statement stands in, more words for its outcome, and how its statement opens
    # for each direction ("Metformin lowers B12").
    exposure: ExposureModel | None = None
    section: str = Field(default="", max_length=120)
    terms: tuple[str | DomainTermModel, ...] = ()
    claims: dict[ASSOCIATION_CLAIMS, str] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _safe_question_name(cls, value: str) -> str:
        return _slug(value)

    @field_validator("terms")
    @classmethod
    def _terms_not_blank(cls, value: tuple) -> tuple:
        return _no_blank_term(value)

    @field_validator("claims")
    @classmethod
    def _claims_not_blank(cls, value: dict) -> dict:
        for key, claim in value.items():
            if not claim.strip() or len(claim) > 120:
                raise ValueError(f"claim {key!r} must be 1-120 characters")
        return value

    @model_validator(mode="after")
    def _association_keys_need_exposure(self) -> QuestionModel:
        if self.exposure is None:
            given = [key for key in ("section", "terms", "claims") if getattr(self, key)]
            if given:
                raise ValueError(
                    f"question {self.name!r}: {', '.join(given)} apply only to a question "
                    "with an exposure"
                )
        elif self.population != "all" or self.comparison != "any":
            raise ValueError(
                f"question {self.name!r} has an exposure: it compares the exposed with the "
                "unexposed, so population and comparison do not apply"
            )
        return self

    def association(self, domains: dict[str, OutcomeDomain]) -> AssociationQuestion | None:
        """The question as the association reader takes it, or None without an exposure."""
        if self.exposure is None:
            return None
        return AssociationQuestion(
            self.name,
            Exposure(self.exposure.name, self.exposure.terms),
            tuple(domains[name] for name in self.domains if name in domains),
            tuple(
                DomainTerm(t.strip()) if isinstance(t, str) else DomainTerm(t.term, t.polarity)
                for t in self.terms
            ),
        )


class StratumLevelModel(BaseModel):
    """How the summary names one level of a stratum: its statements' population and title."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    population: str = ""  # "low-b12": the population of the level's statements
    title: str = Field(min_length=1, max_length=80)  # "people with low B12"

    @field_validator("population")
    @classmethod
    def _safe_population(cls, value: str) -> str:
        return _slug(value) if value else value


class StratumModel(BaseModel):
    """`[[watch.strata]]`: a baseline characteristic "who benefits" is read by. A `measure`
    (baseline B12) has a unit and cut-offs: an enrolment ceiling at or below `low_at_most`
    makes a trial's participants low, a floor at or above `normal_from` normal. A `use`
    (metformin) has users and non-users."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str = Field(min_length=1, max_length=80)
    kind: Literal["measure", "use"] = "measure"
    measure: str = ""  # how the summary names the measured thing or the drug ("B12")
    terms: Terms = Field(min_length=1)
    unit: str = ""
    units: dict[str, float] = Field(default_factory=dict)  # other unit -> factor to `unit`
    low_at_most: float | None = Field(default=None, gt=0)
    normal_from: float | None = Field(default=None, gt=0)
    levels: dict[str, StratumLevelModel] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _safe_stratum_name(cls, value: str) -> str:
        return _slug(value)

    @model_validator(mode="after")
    def _known_levels(self) -> StratumModel:
        allowed = ("low", "normal") if self.kind == "measure" else ("users", "non-users")
        unknown = [level for level in self.levels if level not in allowed]
        if unknown:
            raise ValueError(
                f"stratum {self.name!r}: levels must be among {', '.join(allowed)}, "
                f"not {', '.join(unknown)}"
            )
        if self.kind == "measure" and (self.low_at_most is None or not self.unit):
            raise ValueError(f"stratum {self.name!r}: a measure needs a unit and low_at_most")
        return self

    def definition(self) -> StratumDefinition:
        return StratumDefinition(
            name=self.name,
            title=self.title,
            terms=self.terms,
            kind=self.kind,
            measure=self.measure or self.title,
            unit=self.unit,
            units=tuple(self.units.items()),
            low_at_most=self.low_at_most,
            normal_from=self.normal_from,
            populations=tuple(
                (level, entry.population)
                for level, entry in self.levels.items()
                if entry.population
            ),
            titles=tuple((level, entry.title) for level, entry in self.levels.items()),
        )


def _polarity(value: str) -> str:
    if value not in POLARITIES:
        raise ValueError(f"must be one of {', '.join(POLARITIES)}, not {value!r}")
    return value


# A watch's named lists, by field: what one item is called in a "duplicate name" message.
_ONE_OF = {"gaps": "gap", "questions": "question", "strata": "stratum", "populations": "population"}


class Watch(BaseModel):
    """One watched PubMed question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str = ""
    query: str
    recipients: tuple[str, ...] = ()
    schedule: Schedule = Field(default_factory=Schedule)
    start_date: date | None = None  # first Entrez date to look at when the store is empty
    overlap_days: int = Field(default=7, ge=0, le=365)
    batch_size: int = Field(default=200, ge=1, le=10_000)
    track_revisions: bool = True  # also search the modification date, to see records re-indexed
    send_empty: bool = True  # send a short "nothing new" e-mail in an empty week
    topic: TopicDefinitionModel | None = None  # None: every record the query finds is on topic
    gaps: tuple[GapDefinitionModel, ...] = ()
    findings: FindingsDefinitionModel = Field(default_factory=FindingsDefinitionModel)
    questions: tuple[QuestionModel, ...] = ()
    summary: SummaryModel = Field(default_factory=SummaryModel)
    # Records the query must find, by PMID: `litwatch query-check` measures recall against them.
    known: tuple[str, ...] = ()
    strata: tuple[StratumModel, ...] = ()  # who benefits: a baseline measure, a drug's use
    # The populations a record's study may concern, which gap conditions, the topic rule and
    # [watch.summary.populations] name (`[[watch.populations]]`).
    populations: tuple[PopulationDefinitionModel, ...] = ()
    # "dual": a value counts as checked when two reviewers agree (litwatch review)
    review: Literal["single", "dual"] = "single"

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        return _slug(value, "it names files and folders")

    @field_validator("known", mode="before")
    @classmethod
    def _known_pmids(cls, value: object) -> object:
        return _pmids(value) if isinstance(value, (list, tuple)) else value

    @field_validator("query")
    @classmethod
    def _query_not_blank(cls, value: str) -> str:
        query = " ".join(value.split())
        if not query:
            raise ValueError("is empty")
        if query.count('"') % 2:
            raise ValueError("has an unclosed quote")
        _check_nesting(query)
        return query

    @field_validator("gaps", "questions", "strata", "populations")
    @classmethod
    def _unique_within(cls, value: tuple, info: ValidationInfo) -> tuple:
        return _unique_names(_ONE_OF[info.field_name or ""], value)

    @field_validator("recipients")
    @classmethod
    def _valid_recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        addresses = []
        for entry in value:
            try:
                addresses.append(one_address(entry))
            except ValueError as problem:
                raise ValueError(f"{entry!r} {problem}") from None
        return tuple(addresses)

    @property
    def outcome_domains(self) -> tuple[OutcomeDomain, ...]:
        """The watch's outcome domains as the classifiers take them."""
        return tuple(domain.domain() for domain in self.findings.domains)

    @property
    def findings_definition(self) -> FindingsDefinition:
        """What the classifiers need to read this watch's findings, as plain data."""
        return FindingsDefinition(
            intervention=self.findings.intervention,
            comparator=self.findings.comparator,
            domains=self.outcome_domains,
            label=self.findings.label,
            vocabulary=self.outcome_vocabulary,
            strata=tuple(stratum.definition() for stratum in self.strata),
            associations=self.association_questions,
            attributes=self.attribute_vocabulary,
        )

    @property
    def attribute_vocabulary(self) -> AttributeVocabulary:
        """The watch's words for the attribute readers: its forms, dose unit, populations."""
        return AttributeVocabulary(
            intervention=self.findings.intervention,
            forms=tuple(form.form() for form in self.findings.forms),
            dose_unit=self.findings.dose_unit,
            populations=tuple(p.definition() for p in self.populations),
            prior_use=tuple(t for s in self.strata if s.kind == "use" for t in s.terms),
        )

    @property
    def domain_titles(self) -> dict[str, str]:
        """The watch's words for its outcome domains, by name (a gap's reasons say them)."""
        return {d.name: d.title or d.name for d in self.findings.domains}

    @property
    def population_labels(self) -> dict[str, str]:
        """The watch's words for its populations, by name (a gap's reasons say them)."""
        return {p.name: p.label for p in self.populations}

    @property
    def association_questions(self) -> tuple[AssociationQuestion, ...]:
        """The watch's questions that name an exposure, as the association reader takes them."""
        domains = {domain.name: domain for domain in self.outcome_domains}
        asked = (question.association(domains) for question in self.questions)
        return tuple(question for question in asked if question is not None)

    @property
    def outcome_vocabulary(self) -> OutcomeVocabulary:
        """The shipped vocabulary (unless the watch leaves it out) and the watch's own
        additions, for the watch's domains only."""
        own = self.findings.vocabulary
        parts = [shipped_vocabulary()] if own.shipped else []
        parts.append(own.vocabulary())
        joined = OutcomeVocabulary(
            tuple(i for part in parts for i in part.instruments),
            tuple(h for part in parts for h in part.heads),
            tuple(dict.fromkeys(m for part in parts for m in part.measures)),
        )
        return joined.for_domains(frozenset(d.name for d in self.findings.domains))

    @model_validator(mode="after")
    def _questions_name_known_domains(self) -> Watch:
        known = {domain.name for domain in self.findings.domains}
        for question in self.questions:
            unknown = [name for name in question.domains if name not in known]
            if unknown:
                raise ValueError(
                    f"question {question.name!r} names unknown outcome domains: "
                    + ", ".join(unknown)
                )
            if question.population not in ("all", *self.summary.population_names()):
                raise ValueError(
                    f"question {question.name!r} names population {question.population!r}, "
                    "which [watch.summary] does not declare"
                )
        return self

    @model_validator(mode="after")
    def _names_known_forms_and_populations(self) -> Watch:
        # A gap, the topic rule or the summary naming a form or population the watch does not
        # declare (or an attribute of an older litwatch) is one line at load: which, and what
        # the watch has.
        declared = {
            "forms": [form.name for form in self.findings.forms],
            "populations": [p.name for p in self.populations],
            "outcomes": [domain.name for domain in self.findings.domains],
        }
        places = {
            "forms": "[[watch.findings.forms]]",
            "populations": "[[watch.populations]]",
            "outcomes": "[[watch.findings.domains]]",
        }
        for kind in WATCH_NAMED:
            known = ", ".join(declared[kind]) or "none declared"
            where = places[kind]
            named = [(f"gap {gap.name!r}", n) for gap in self.gaps for n in _gap_names(gap, kind)]
            if kind == "populations":
                named += [
                    ("[[watch.summary.populations]]", p.name) for p in self.summary.populations
                ]
                named += [
                    (f"population {p.name!r}, key also.with", other)
                    for p in self.populations
                    for other in (p.also.with_ if p.also else ())
                ]
                strata = {s.name for s in self.strata}
                if self.summary.baseline_stratum and self.summary.baseline_stratum not in strata:
                    raise ValueError(
                        f"[watch.summary] baseline_stratum {self.summary.baseline_stratum!r} is "
                        f"not a stratum of the watch (known: {', '.join(sorted(strata)) or 'none'})"
                    )
            for place, name in named:
                if name not in declared[kind]:
                    noun = {"outcomes": "outcome domain"}.get(kind, kind.removesuffix("s"))
                    raise ValueError(
                        f"{place} names {noun} {name!r}, which {where} does not declare "
                        f"(known: {known})"
                    )
        return self

    @model_validator(mode="after")
    def _definitions_compile(self) -> Watch:
        # What every run compiles is compiled once here, so a definition a run would fail on
        # fails at load (and in doctor) instead.
        try:
            compile_gaps(self.gaps, self.population_labels, self.domain_titles)
        except ValueError as problem:
            raise ValueError(f"gaps: {problem}") from None
        if self.topic is not None:
            try:
                compile_topic(self.topic)
            except ValueError as problem:
                raise ValueError(f"topic: {problem}") from None
        return self

    @model_validator(mode="after")
    def _vocabulary_names_known_domains(self) -> Watch:
        known = {domain.name for domain in self.findings.domains}
        own = self.findings.vocabulary
        named = [i.domain for i in own.instrument] + [h.domain for h in own.head]
        unknown = [name for name in dict.fromkeys(named) if name not in known]
        if unknown:
            raise ValueError(
                "findings.vocabulary names unknown outcome domains: " + ", ".join(unknown)
            )
        return self

    @model_validator(mode="after")
    def _default_title(self) -> Watch:
        if not self.title:
            object.__setattr__(self, "title", self.name)
        return self


def _gap_names(gap: GapDefinitionModel, kind: str) -> list[str]:
    """The forms or populations (`kind`) the conditions of `gap` name."""
    return [
        name
        for condition in (*gap.require, *gap.prefer)
        for attribute, name in condition.named()
        if attribute == kind
    ]


_PMID = re.compile(r"[1-9][0-9]{0,9}")


def _pmids(values: list | tuple) -> tuple[str, ...]:
    """PMIDs written as numbers or strings, each once, as strings."""
    pmids: list[str] = []
    for value in values:
        text = str(value).strip() if isinstance(value, (int, str)) else ""
        if isinstance(value, bool) or not _PMID.fullmatch(text):
            raise ValueError(f"{value!r} is not a PMID (a whole number, such as 20488910)")
        if text in pmids:
            raise ValueError(f"{text} is listed twice")
        pmids.append(text)
    return tuple(pmids)


def _check_nesting(query: str) -> None:
    """ValueError unless every ')' closes an earlier '(' and every '(' is closed; parentheses
    inside quoted phrases are words, not grouping."""
    depth = 0
    for position, part in enumerate(query.split('"')):
        if position % 2:  # inside a quoted phrase
            continue
        for character in part:
            if character == "(":
                depth += 1
            elif character == ")":
                depth -= 1
                if depth < 0:
                    raise ValueError("has a ')' before its '(' (unbalanced parentheses)")
    if depth:
        raise ValueError("has unbalanced parentheses")


class WatchFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    watch: list[Watch] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> WatchFile:
        seen: set[str] = set()
        for watch in self.watch:
            if watch.name in seen:
                raise ValueError(f"watch name {watch.name!r} is used twice")
            seen.add(watch.name)
        return self


def default_watch_file() -> Path:
    """The watch file shipped with litwatch (vitamin B12, metformin, diabetic neuropathy)."""
    return Path(str(resources.files("litwatch") / "watches" / "default.toml"))


def _error_location(raw: dict, loc: tuple) -> str:
    """Turn pydantic's ('watch', 0, 'schedule', 'cron') into "watch 'b12-dpn': schedule.cron"."""
    if len(loc) >= 2 and loc[0] == "watch" and isinstance(loc[1], int):
        try:
            name = raw["watch"][loc[1]].get("name", f"#{loc[1] + 1}")
        except (KeyError, IndexError, AttributeError, TypeError):
            name = f"#{loc[1] + 1}"
        rest = ".".join(str(part) for part in loc[2:]) or "(watch)"
        return f"watch {name!r}: {rest}"
    return ".".join(str(part) for part in loc) or "(file)"


def load_watches(path: Path | None = None) -> list[Watch]:
    """Read and validate a watch file (the shipped default when `path` is None)."""
    path = Path(path) if path else default_watch_file()
    raw = read_toml(path, "watch file", WATCH_FILE_LIMIT)
    try:
        return WatchFile.model_validate(raw).watch
    except ValidationError as error:
        first = error.errors()[0]
        where = _error_location(raw, tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        raise ConfigError(f"{path}: {where}: {message}") from None


def find_watch(watches: list[Watch], name: str | None) -> list[Watch]:
    """The watch called `name`, or every watch when `name` is None."""
    if name is None:
        return watches
    for watch in watches:
        if watch.name == name:
            return [watch]
    known = ", ".join(w.name for w in watches)
    raise ConfigError(f"no watch named {name!r} (known: {known})")
