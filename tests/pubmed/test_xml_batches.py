"""Splitting an efetch export into batches for worker processes loses and changes nothing."""

import gzip

import pytest
from litwatch.core.errors import ParseError
from litwatch.pubmed.xml import parse_xml
from litwatch.pubmed.xml_batches import article_batches


def test_batches_hold_every_record_unchanged_in_order(corpus, tmp_path):
    source = corpus / "pubmed-xml" / "SEEDtk__ncbi.utils__data__pubmed.xml"  # 3.5 MB: 4 blocks
    packed = tmp_path / "baseline.xml.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    whole = list(parse_xml(source))
    batches = list(article_batches(packed, 7))
    assert [len(list(parse_xml(batch))) for batch in batches[:-1]] == [7] * (len(batches) - 1)
    assert [record for batch in batches for record in parse_xml(batch)] == whole


def test_every_corpus_file_splits_into_the_records_the_parser_reads(corpus):
    files = sorted((corpus / "pubmed-xml").rglob("*.xml")) + [corpus / "ontopic" / "ontopic.xml"]
    for path in files:
        expected = [record.pmid for record in parse_xml(path)]
        batches = list(article_batches(path, 25))
        assert [r.pmid for batch in batches for r in parse_xml(batch)] == expected, path.name


def test_a_file_that_is_not_pubmed_xml_is_refused(tmp_path):
    medline = tmp_path / "export.txt"
    medline.write_text("PMID- 12345\nTI  - A title\n")
    with pytest.raises(ParseError, match="export.txt: not PubMed XML"):
        list(article_batches(medline, 10))
