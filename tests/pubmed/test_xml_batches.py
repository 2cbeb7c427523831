"""Splitting an efetch export into batches for worker processes loses and changes nothing."""

import gzip

from pubmed.xml import article_batches, parse_xml


def test_batches_hold_every_record_unchanged_in_order(corpus, tmp_path):
    source = corpus / "pubmed-xml" / "SEEDtk__ncbi.utils__data__pubmed.xml"
    packed = tmp_path / "baseline.xml.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    whole = list(parse_xml(source))
    batches = list(article_batches(packed, 7))
    assert [len(list(parse_xml(batch))) for batch in batches[:-1]] == [7] * (len(batches) - 1)
    assert [record for batch in batches for record in parse_xml(batch)] == whole
