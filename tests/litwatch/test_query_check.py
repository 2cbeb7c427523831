"""The query check's reading of a missed record, without a server: which part of the query keeps
it out, and which of its words no term matches (the CLI end to end: tests/reliability)."""

from __future__ import annotations

from pathlib import Path

from litwatch.pubmed.xml import parse_xml

from litwatch.query_check import explain_miss


def test_a_missed_record_is_explained_by_the_part_it_fails_and_its_own_words(corpus: Path):
    records = {r.pmid: r for r in parse_xml(corpus / "ontopic" / "ontopic.xml")}
    editorial = records["99000019"]  # "B12 for diabetic neuropathy: ... In this editorial ..."

    missed = explain_miss(
        '("vitamin B12"[tiab] OR cobalamin*[tiab]) AND neuropathy[tiab]', editorial
    )
    assert missed.failing == (
        'no term of ("vitamin B12"[Title/Abstract] OR "cobalamin*"[Title/Abstract]) matches it',
    )
    assert missed.near == (("B12", ('"vitamin B12"[Title/Abstract]',)),)
    assert "neuropathy" not in {word.lower() for word in missed.other}  # a term matches it
    assert not {"the", "we", "in"} & {word.lower() for word in missed.other}

    missed = explain_miss("neuropathy[tiab] NOT editorial[tiab]", editorial)
    assert missed.failing == ('NOT "editorial"[Title/Abstract] excludes it',)

    # Control: a query the record meets here, which PubMed nonetheless missed, says so.
    missed = explain_miss("neuropathy[tiab]", editorial)
    assert missed.failing == () and "yet PubMed does not find it" in missed.line()
