"""The plain domain type every stage passes along: one PubMed citation as parsed from XML or MEDLINE text."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date


def assemble(cls, values: dict):
    """An instance of frozen dataclass `cls` from a dict naming every one of its fields.

    For the parsers' hot path only: it skips the generated __init__, whose one
    object.__setattr__ per field costs more than the parsing around it."""
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance


@dataclass(frozen=True)
class Author:
    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective_name: str = ""
    affiliations: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        if self.collective_name:
            return self.collective_name
        return f"{self.last_name} {self.initials}".strip()


@dataclass(frozen=True)
class AbstractSection:
    text: str
    label: str = ""  # the journal's own heading, e.g. "METHODS AND RESULTS"
    # NLM's normalised heading: BACKGROUND, OBJECTIVE, METHODS, RESULTS, CONCLUSIONS
    nlm_category: str = ""


@dataclass(frozen=True)
class MeshHeading:
    descriptor: str
    major: bool = False
    qualifiers: tuple[str, ...] = ()
    ui: str = ""


@dataclass(frozen=True)
class CommentCorrection:
    """A link from CommentsCorrectionsList, e.g. ("RetractionIn", "12345678")."""

    ref_type: str
    pmid: str = ""
    source: str = ""


@dataclass(frozen=True)
class Record:
    """One PubMed citation; `version` is PubMed's own (`<PMID Version=...>`)."""

    pmid: str
    title: str = ""
    version: int = 1
    status: str = ""  # MEDLINE, In-Process, In-Data-Review, Publisher, PubMed-not-MEDLINE, ...
    abstract: tuple[AbstractSection, ...] = ()
    authors: tuple[Author, ...] = ()
    journal: str = ""  # for a book article (is_book), the book's title
    journal_abbrev: str = ""  # ISO abbreviation from XML (else MedlineTA); MEDLINE text's TA
    volume: str = ""
    issue: str = ""
    pages: str = ""
    publication_date: str = ""  # as precise as the source: "2021", "2021-03", "2021-03-14"
    publication_year: int | None = None
    entrez_date: date | None = None
    revision_date: date | None = None
    completed_date: date | None = None
    publication_types: tuple[str, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    keywords: tuple[str, ...] = ()
    doi: str = ""
    pmc: str = ""
    registry_ids: tuple[str, ...] = ()  # trial registry numbers, e.g. NCT01234567
    languages: tuple[str, ...] = ()
    comments_corrections: tuple[CommentCorrection, ...] = ()
    is_book: bool = False
    source_format: str = field(default="xml", compare=False)  # "xml" or "medline"

    @property
    def abstract_text(self) -> str:
        """The abstract as one string, sections prefixed by their labels."""
        parts = []
        for section in self.abstract:
            parts.append(f"{section.label}: {section.text}" if section.label else section.text)
        return "\n".join(parts)

    @property
    def mesh_terms(self) -> tuple[str, ...]:
        return tuple(heading.descriptor for heading in self.mesh_headings)

    @property
    def url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"

    def to_dict(self) -> dict:
        """A JSON-ready dict (dates as ISO strings)."""
        # By hand rather than dataclasses.asdict, whose generic deep copy took most of the
        # store's time; the output is the same (tuples stay tuples, as asdict leaves them).
        data = {name: getattr(self, name) for name in _RECORD_FIELDS}
        data["abstract"] = tuple(
            {"text": s.text, "label": s.label, "nlm_category": s.nlm_category}
            for s in self.abstract
        )
        data["authors"] = tuple(
            {
                "last_name": a.last_name,
                "fore_name": a.fore_name,
                "initials": a.initials,
                "collective_name": a.collective_name,
                "affiliations": a.affiliations,
            }
            for a in self.authors
        )
        data["mesh_headings"] = tuple(
            {"descriptor": m.descriptor, "major": m.major, "qualifiers": m.qualifiers, "ui": m.ui}
            for m in self.mesh_headings
        )
        data["comments_corrections"] = tuple(
            {"ref_type": c.ref_type, "pmid": c.pmid, "source": c.source}
            for c in self.comments_corrections
        )
        for key in ("entrez_date", "revision_date", "completed_date"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Record:
        """The inverse of `to_dict`."""
        data = dict(data)
        data["abstract"] = tuple(AbstractSection(**s) for s in data.get("abstract", ()))
        data["authors"] = tuple(
            Author(**{**a, "affiliations": tuple(a.get("affiliations", ()))})
            for a in data.get("authors", ())
        )
        data["mesh_headings"] = tuple(
            MeshHeading(**{**m, "qualifiers": tuple(m.get("qualifiers", ()))})
            for m in data.get("mesh_headings", ())
        )
        data["comments_corrections"] = tuple(
            CommentCorrection(**c) for c in data.get("comments_corrections", ())
        )
        for key in ("publication_types", "keywords", "registry_ids", "languages"):
            data[key] = tuple(data.get(key, ()))
        for key in ("entrez_date", "revision_date", "completed_date"):
            value = data.get(key)
            data[key] = date.fromisoformat(value) if value else None
        return cls(**data)

    def content_hash(self) -> str:
        """A digest of everything a reader would notice changing; equal hashes mean the same version."""
        data = self.to_dict()
        data.pop("source_format", None)
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


_RECORD_FIELDS = tuple(f.name for f in fields(Record))
