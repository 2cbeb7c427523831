"""Records written for a test, as a PubMed efetch export, and what `litwatch classify` prints
for them: the user's path for the readers' new wordings."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from functools import cache
from html import escape
from pathlib import Path

from default_judge import default_judge

from litwatch.classify_command import run_classify

# (pmid, title, sections): a section is (label, text); an empty label gives an unlabelled one
Article = tuple[str, str, Sequence[tuple[str, str]]]


def write_export(path: Path, articles: Iterable[Article], publication_type: str = "") -> Path:
    """An efetch XML file of `articles`, each indexed with `publication_type` if given."""
    written = []
    for pmid, title, sections in articles:
        texts = "".join(
            f'<AbstractText Label="{label}">{escape(text)}</AbstractText>'
            if label
            else f"<AbstractText>{escape(text)}</AbstractText>"
            for label, text in sections
        )
        indexed = (
            f"<PublicationTypeList><PublicationType>{escape(publication_type)}"
            "</PublicationType></PublicationTypeList>"
            if publication_type
            else ""
        )
        written.append(
            "<PubmedArticle><MedlineCitation Status='MEDLINE'>"
            f"<PMID Version='1'>{pmid}</PMID><Article><ArticleTitle>{escape(title)}"
            f"</ArticleTitle><Abstract>{texts}</Abstract><Language>eng</Language></Article>"
            f"{indexed}</MedlineCitation></PubmedArticle>"
        )
    path.write_text("<PubmedArticleSet>" + "".join(written) + "</PubmedArticleSet>")
    return path


@cache
def _judge():
    return default_judge()[1]


def classify_rows(path: Path) -> dict[str, dict]:
    """`litwatch classify --text-only --format jsonl` on `path`: each row by PMID."""
    out = io.StringIO()
    run_classify([path], True, "jsonl", out, judge=_judge())
    return {row["pmid"]: row for row in map(json.loads, out.getvalue().splitlines())}
