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


def test_shrinking_batches_get_smaller_towards_the_end_and_lose_nothing(corpus, tmp_path):
    """Issue #20 item 7: a large last batch keeps one worker busy while the others idle; sizes
    guided by how much of the file is left end in small batches. Control: fixed-size batches
    (the same file, the same largest size) do not shrink."""
    from litwatch.pubmed.xml_batches import shrinking_sizes

    source = corpus / "pubmed-xml" / "SEEDtk__ncbi.utils__data__pubmed.xml"  # 3.5 MB: 4 blocks
    packed = tmp_path / "baseline.xml.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    whole = list(parse_xml(source))
    with packed.open("rb") as raw:
        sizes = shrinking_sizes(raw, packed.stat().st_size, 2, largest=20, smallest=2)
        batches = list(article_batches(raw, sizes, source_name=packed.name))
    counts = [len(list(parse_xml(batch))) for batch in batches]
    assert [record for batch in batches for record in parse_xml(batch)] == whole
    assert counts[0] == 20 and max(counts) == 20, counts  # large while much is left
    assert counts[-2] == 2 and counts[-1] <= 2, counts  # the smallest at the end
    fixed = [len(list(parse_xml(batch))) for batch in article_batches(packed, 20)]
    assert fixed == [20] * 5  # control: without the schedule, the last batch is as large


HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>'
TAIL = b"</PubmedArticleSet>"


@pytest.mark.parametrize("block", [1, 5, 18, 19, 20, 33, 4096])
def test_a_start_tag_cut_by_the_reading_blocks_is_still_found(tmp_path, monkeypatch, block):
    """Issue #20 item 7: the splitter no longer copies what it reads into one growing buffer
    (each copy of a baseline file's 450 MB cost the reading process about 0.3 CPU s); a start
    tag that two blocks (or, with short reads, several) cut apart is found from their joined
    edges, and each is found once."""
    from litwatch.pubmed import xml_batches

    monkeypatch.setattr(xml_batches, "_BLOCK", block)
    articles = [
        b"<PubmedArticle><MedlineCitation><PMID>1</PMID></MedlineCitation></PubmedArticle>",
        b'<PubmedBookArticle ><BookDocument><PMID Version="1">2</PMID></BookDocument></Pub'
        + b"medBookArticle>",
        b"<PubmedArticle\n><MedlineCitation><PMID>3</PMID></MedlineCitation></PubmedArticle>",
        b"<PubmedArticle><MedlineCitation><PMID>4</PMID></MedlineCitation></PubmedArticle  >",
    ]
    source = tmp_path / "export.xml"
    source.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>\n'
        + b"\n".join(articles)
        + b"\n<DeleteCitation><PMID>9</PMID></DeleteCitation>\n</PubmedArticleSet>\n"
    )
    assert list(article_batches(source, 1)) == [
        HEAD + articles[0] + b"\n" + TAIL,
        HEAD + articles[1] + b"\n" + TAIL,
        HEAD + articles[2] + b"\n" + TAIL,
        HEAD + articles[3] + TAIL,  # the last ends at its end tag
    ]
    assert list(article_batches(source, 3)) == [
        HEAD + b"\n".join(articles[:3]) + b"\n" + TAIL,
        HEAD + articles[3] + TAIL,
    ]
