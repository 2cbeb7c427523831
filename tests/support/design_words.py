"""Records written for the design tests in their authors' own words: how an unindexed record is
built, the two checks each table of wordings runs (the named design decides; a lookalike does
not), and what `litwatch classify` prints for them as an efetch export."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from html import escape
from pathlib import Path

from default_judge import default_judge
from litwatch.classifiers.design import classify_design
from litwatch.classifiers.design.features import structure_matrix
from litwatch.classifiers.design.rules import deciding_rule
from litwatch.classifiers.design.text import text_view
from litwatch.core.records import AbstractSection, Record

from litwatch.classify_command import run_classify

# (pmid, title, abstract, publication types)
Row = tuple[str, str, str, tuple[str, ...]]


def record(title: str, abstract: str, types: tuple[str, ...] = ("Journal Article",)) -> Record:
    return Record(
        pmid="1", title=title, abstract=(AbstractSection(text=abstract),), publication_types=types
    )


def assert_named_design_decides(title: str, abstract: str, label: str, model) -> None:
    """The design the text names decides the unindexed record, through a phrase rule."""
    call = classify_design(record(title, abstract), model)
    assert (call.label, call.source) == (label, "model"), call
    assert call.evidence[0].startswith(("text phrase:", "title phrase:")), call


def assert_not_decided_as(title: str, abstract: str, label: str) -> None:
    """No phrase rule decides the record as `label` (words another design shares)."""
    _, hits = structure_matrix([text_view(record(title, abstract))])
    decided = deciding_rule(hits[0])
    assert decided is None or decided.label != label, decided


def classify_printed(path: Path, rows: Sequence[Row], status: str = "MEDLINE") -> list[dict]:
    """`litwatch classify --format jsonl` (indexing read) on `rows` written to `path` as an
    efetch export whose citations have `status`: the rows it prints, in order."""
    articles = "".join(
        f'<PubmedArticle><MedlineCitation Status="{status}"><PMID Version="1">{pmid}</PMID>'
        f"<Article><ArticleTitle>{escape(title)}</ArticleTitle><Abstract><AbstractText>"
        f"{escape(abstract)}</AbstractText></Abstract><PublicationTypeList>"
        + "".join(f"<PublicationType>{t}</PublicationType>" for t in types)
        + "</PublicationTypeList></Article></MedlineCitation></PubmedArticle>"
        for pmid, title, abstract, types in rows
    )
    path.write_text(
        f'<?xml version="1.0"?>\n<PubmedArticleSet>{articles}</PubmedArticleSet>\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    run_classify([path], text_only=False, fmt="jsonl", out=out, judge=default_judge()[1])
    return [json.loads(line) for line in out.getvalue().splitlines()]
