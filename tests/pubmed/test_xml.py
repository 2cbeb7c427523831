"""efetch XML -> Record: the whole corpus, known records field by field, and hostile input."""

from __future__ import annotations

import gzip
import io
import re
import socket
from datetime import date

import litwatch.pubmed.xml_document
import pytest
from litwatch.core.errors import ParseError
from litwatch.pubmed.formats import parse_file, publication_date, registry_ids
from litwatch.pubmed.xml import iter_article_elements, parse_xml, record_from_element
from lxml import etree

ARTICLE = (
    '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="2">{pmid}</PMID>'
    "<Article><ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
)


def article_set(*articles: str, doctype: str = "") -> bytes:
    return f'<?xml version="1.0"?>{doctype}<PubmedArticleSet>{"".join(articles)}</PubmedArticleSet>'.encode()


def test_every_corpus_xml_record_parses(xml_files, records_by_file, sources_counts):
    books = {path.name: sum(r.is_book for r in records_by_file[path]) for path in xml_files}
    for path in xml_files:
        records = records_by_file[path]
        assert all(record.pmid.isdigit() and record.title for record in records), path.name
        # SOURCES.tsv counts PubmedArticle elements only, so book articles come on top.
        expected = sources_counts.get(path, 24)  # ontopic.xml, not in SOURCES.tsv, holds 24
        assert len(records) == expected + books[path.name], path.name
    total = sum(len(records_by_file[path]) for path in xml_files)
    assert len(xml_files) == 201  # 36 files, 164 in metapub_pmid_xml/, ontopic.xml
    assert total == 1360  # 1336 in pubmed-xml/ (10 of them book articles) + 24 on-topic
    assert sum(books.values()) == 10


def test_record_statuses_cover_every_pubmed_status(xml_records):
    statuses = {record.status for record in xml_records.values() if not record.is_book}
    assert statuses == {
        "MEDLINE",
        "In-Process",
        "In-Data-Review",
        "Publisher",
        "PubMed-not-MEDLINE",
    }


def test_structured_abstract_keeps_label_and_nlm_category(xml_records):
    record = xml_records["22932172"]  # 2012 DTD, In-Process
    assert record.status == "In-Process"
    assert [(s.label, s.nlm_category) for s in record.abstract] == [
        ("BACKGROUND", "BACKGROUND"),
        ("METHODS", "METHODS"),
        ("RESULTS", "RESULTS"),
        ("CONCLUSIONS", "CONCLUSIONS"),
    ]
    assert record.abstract_text.startswith("BACKGROUND: The condition of concomitant upper lobe")


def test_pre_2014_article_affiliation_goes_to_first_author(xml_records):
    first, second = xml_records["22932172"].authors[:2]
    assert first.affiliations == (
        (
            "Division of Pulmonary and Critical Care Medicine, Beijing Chao-Yang Hospital, "
            "Capital Medical University, Beijing 100020, China."
        ),
    )
    assert second.affiliations == ()


def test_medline_date_range_is_read_at_year_precision(xml_records):
    record = xml_records["23194934"]  # <MedlineDate>2013 Mar-Apr</MedlineDate>
    assert (record.publication_date, record.publication_year) == ("2013", 2013)
    assert publication_date("1998 Dec-1999 Jan") == ("1998", 1998)
    assert publication_date("2019 Jan 2") == ("2019-01-02", 2019)


def test_journal_article_fields(xml_records):
    record = xml_records["35649368"]
    assert record.journal == "Cell reports"
    assert record.journal_abbrev == "Cell Rep"
    assert (record.volume, record.issue, record.pages) == ("39", "9", "110870")
    assert record.publication_date == "2022-05-31"
    assert record.entrez_date == date(2022, 6, 1)  # History 'entrez', not 'pubmed' (June 2)
    assert record.revision_date == date(2025, 7, 28)
    assert record.completed_date == date(2022, 6, 3)
    assert record.doi == "10.1016/j.celrep.2022.110870"
    assert record.languages == ("eng",)
    assert record.publication_types == ("Journal Article", "Research Support, N.I.H., Extramural")
    assert "STAT3 acetylation" in record.keywords
    assert record.authors[0].last_name == "Li"
    assert record.authors[0].fore_name == "Yi-Jia"
    assert record.authors[0].initials == "YJ"
    assert "Copyright" not in record.abstract_text
    assert "fatty acid β-oxidation (FAO)" in record.abstract_text


def test_mesh_headings_keep_major_topic_qualifiers_and_ui(xml_records):
    headings = {h.descriptor: h for h in xml_records["27797938"].mesh_headings}
    adenocarcinoma = headings["Adenocarcinoma"]
    assert adenocarcinoma.major and adenocarcinoma.ui == "D000230"
    assert adenocarcinoma.qualifiers == ("epidemiology", "genetics")
    assert not headings["Adult"].major
    assert xml_records["27797938"].pmc == "PMC5442267"


def test_book_article_reads_book_document(xml_records):
    record = xml_records["20301577"]
    assert record.is_book
    assert record.title == "CACNA1C-Related Disorders"
    assert record.journal == "GeneReviews®"
    assert record.publication_types == ("Review",)
    assert record.authors[0].last_name == "Napolitano"
    assert record.abstract[0].label == "CLINICAL CHARACTERISTICS"
    assert record.revision_date == date(2024, 12, 19)
    assert len(record.keywords) == len(set(record.keywords))


def test_inline_markup_is_dropped_and_its_text_kept(xml_files):
    path = next(p for p in xml_files if p.name.startswith("SEEDtk"))  # no DOCTYPE, root RAW_DATA
    for element in iter_article_elements(path):
        if element.findtext(".//PMID") == "37774127":
            raw = etree.tostring(element.find(".//ArticleTitle"), encoding="unicode")
            record = record_from_element(element)
            break
    assert "<i>" in raw
    assert record.title == "Microviruses: A World Beyond phi X174."


def test_mathml_in_abstract_becomes_plain_text(xml_records):
    text = xml_records["30108519"].abstract_text
    assert "mml" not in text and "<sup>" not in text
    assert "maximal oxygen uptake ( V . O 2 m a x ) 67.6 ± 4.1 ml·kg-1·min-1]" in text


def test_comments_corrections_keep_ref_type_and_pmid(xml_records):
    retraction = xml_records["33387232"].comments_corrections
    assert ("RetractionOf", "16007329") in {(c.ref_type, c.pmid) for c in retraction}
    erratum = xml_records["30410033"].comments_corrections
    assert ("ErratumIn", "30467372") in {(c.ref_type, c.pmid) for c in erratum}
    # 'Cites' links are the reference list, not comments or corrections.
    assert not any(
        c.ref_type == "Cites" for r in xml_records.values() for c in r.comments_corrections
    )


def test_trial_registry_ids_come_from_databank_and_abstract(xml_records):
    assert xml_records["29438982"].registry_ids == ("NCT00351390",)
    assert xml_records["32951293"].registry_ids == ("NCT00003117",)
    text = (
        "Registered as ISRCTN12345678, ChiCTR-IOR-17012345, ChiCTR2000029308, "
        "CTRI/2019/05/019123 and EudraCT number 2015-001234-56; see NCT01234567."
    )
    assert registry_ids([("GENBANK", "AB123456"), ("ClinicalTrials.gov", "NCT07654321")], text) == (
        "NCT07654321",
        "ISRCTN12345678",
        "ChiCTR-IOR-17012345",
        "ChiCTR2000029308",
        "CTRI/2019/05/019123",
        "2015-001234-56",
        "NCT01234567",
    )


def test_collective_author_and_publisher_status(xml_records):
    record = xml_records["30875648"]
    assert record.status == "Publisher"
    assert "GSCAN Consortium" in {author.collective_name for author in record.authors}
    assert xml_records["20488910"].entrez_date == date(2010, 5, 21)  # on-topic, Publisher


def test_json_quoted_xml_file_is_unwrapped(records_by_file, xml_files):
    path = next(p for p in xml_files if p.name == "jmjamison__pubmedExtracts__output.xml")
    assert len(records_by_file[path]) == 20


def test_entrez_date_falls_back_to_pubmed_then_date_created():
    pubmed_only = (
        '<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">1</PMID>'
        "<Article><ArticleTitle>A</ArticleTitle></Article></MedlineCitation><PubmedData><History>"
        '<PubMedPubDate PubStatus="pubmed"><Year>2001</Year><Month>3</Month><Day>4</Day>'
        "</PubMedPubDate></History></PubmedData></PubmedArticle>"
    )
    no_history = (
        '<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">2</PMID>'
        "<DateCreated><Year>1999</Year><Month>12</Month><Day>31</Day></DateCreated>"
        "<Article><ArticleTitle>B</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
    )
    first, second = parse_xml(article_set(pubmed_only, no_history))
    assert first.entrez_date == date(2001, 3, 4)
    assert second.entrez_date == date(1999, 12, 31)


@pytest.fixture(params=["whole tree", "streamed"])
def either_way(request, monkeypatch):
    """Run the test on both of the parser's paths: an export up to _WHOLE_TREE_BYTES is parsed
    as one tree, a larger one streamed; a limit of 0 streams everything."""
    if request.param == "streamed":
        monkeypatch.setattr(litwatch.pubmed.xml_document, "_WHOLE_TREE_BYTES", 0)


def test_path_bytes_file_object_and_gzip_give_the_same_records(tmp_path, xml_files, either_way):
    path = next(p for p in xml_files if p.name == "jmjamison__pubmedExtracts__pubmed_result.xml")
    data = path.read_bytes()
    gz_path = tmp_path / "pubmed_result.xml.gz"
    gz_path.write_bytes(gzip.compress(data))
    expected = list(parse_xml(path))
    assert len(expected) == 2
    assert list(parse_xml(data)) == expected
    assert list(parse_xml(io.BytesIO(data))) == expected
    assert list(parse_xml(gz_path)) == expected
    assert list(parse_file(gz_path)) == expected


def test_article_element_serialises_before_next_iteration(xml_files):
    path = next(p for p in xml_files if p.name == "jmjamison__pubmedExtracts__pubmed_result.xml")
    raws = [etree.tostring(element) for element in iter_article_elements(path)]
    assert len(raws) == 2
    reparsed = [record_from_element(etree.fromstring(raw)) for raw in raws]
    assert reparsed == list(parse_xml(path))


def test_version_is_read_from_pmid():
    (record,) = parse_xml(article_set(ARTICLE.format(pmid=5, title="T")))
    assert record.version == 2


def test_an_export_past_the_whole_tree_limit_streams_to_the_same_records(xml_files, tmp_path):
    chosen = [p for p in xml_files if p.name != "SEEDtk__ncbi.utils__data__pubmed.xml"]
    articles = [etree.tostring(element) for p in chosen for element in iter_article_elements(p)]
    big = tmp_path / "big.xml"
    big.write_bytes(b"<PubmedArticleSet>" + b"".join(articles) + b"</PubmedArticleSet>")
    assert big.stat().st_size > litwatch.pubmed.xml_document._WHOLE_TREE_BYTES
    expected = [record for p in chosen for record in parse_xml(p)]
    assert list(parse_xml(big)) == expected


# --- hostile and broken input ----------------------------------------------------------


def test_external_entity_is_not_resolved(tmp_path, either_way):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doctype = f'<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file://{secret}">]>'
    data = article_set(ARTICLE.format(pmid=1, title="Before &x; after"), doctype=doctype)
    (record,) = parse_xml(data)
    assert "TOP-SECRET" not in record.title
    assert record.title.startswith("Before") and record.title.endswith("after")


def test_external_parameter_entity_and_dtd_are_not_loaded(tmp_path, either_way):
    secret = tmp_path / "evil.dtd"
    secret.write_text('<!ENTITY leak "TOP-SECRET-CONTENT">')
    doctype = f'<!DOCTYPE PubmedArticleSet [<!ENTITY % ext SYSTEM "file://{secret}"> %ext;]>'
    data = article_set(ARTICLE.format(pmid=1, title="A &leak; B"), doctype=doctype)
    try:
        titles = [record.title for record in parse_xml(data, source_name="evil.xml")]
    except ParseError as error:
        assert "evil.xml" in str(error)
        titles = []
    assert not any("TOP-SECRET" in title for title in titles)


def test_no_network_access_for_external_dtd_or_entity(either_way):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.2)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/pubmed.dtd"
        doctype = f'<!DOCTYPE PubmedArticleSet SYSTEM "{url}" [<!ENTITY x SYSTEM "{url}">]>'
        data = article_set(ARTICLE.format(pmid=1, title="T &x;"), doctype=doctype)
        (record,) = parse_xml(data)
        with pytest.raises(TimeoutError):
            listener.accept()
    assert record.pmid == "1"


def test_billion_laughs_does_not_expand(either_way):
    levels = ['<!ENTITY a0 "lol">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doctype = f"<!DOCTYPE PubmedArticleSet [{''.join(levels)}]>"
    data = article_set(ARTICLE.format(pmid=1, title="&a9;"), doctype=doctype)
    try:
        titles = [record.title for record in parse_xml(data)]
    except ParseError:
        titles = []
    assert all(len(title) < 100 for title in titles)
    assert not any("lollol" in title for title in titles)


def test_quadratic_blowup_is_refused_or_inert(either_way):
    doctype = f'<!DOCTYPE PubmedArticleSet [<!ENTITY big "{"x" * 50_000}">]>'
    data = article_set(ARTICLE.format(pmid=1, title="&big;" * 2_000), doctype=doctype)
    try:
        titles = [record.title for record in parse_xml(data, source_name="blowup.xml")]
    except ParseError as error:
        assert str(error).startswith("blowup.xml: ")
        return
    assert all(len(title) < 50_000 for title in titles)


def test_truncated_file_yields_records_before_the_break_then_raises(either_way):
    data = article_set(*(ARTICLE.format(pmid=pmid, title="T") for pmid in (1, 2, 3)))
    cut = data[: data.index(b"<PubmedArticle>", data.index(b">3<") - 200) + 40]
    parsed = []
    with pytest.raises(ParseError, match=r"^cut\.xml: XML breaks off after 2 records"):
        for record in parse_xml(cut, source_name="cut.xml"):
            parsed.append(record.pmid)
    assert parsed == ["1", "2"]


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><p>down<br></body></html>",
        b"<html><body><h1>Service unavailable</h1></body></html>",
        b"<eSearchResult><Count>0</Count></eSearchResult>",
        b'{"error": "API rate limit exceeded"}',
        b"",
    ],
)
def test_non_pubmed_input_raises_one_line_parse_error_naming_the_source(content, either_way):
    with pytest.raises(ParseError) as raised:
        list(parse_xml(content, source_name="reply.xml"))
    message = str(raised.value)
    assert message.startswith("reply.xml: ") and "\n" not in message


def test_empty_article_set_gives_no_records(either_way):
    assert list(parse_xml(article_set())) == []


def test_parse_file_refuses_what_is_neither_format(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("pmid,title\n1,A\n")
    with pytest.raises(
        ParseError, match=rf"^{re.escape(str(path))}: not PubMed XML or MEDLINE text$"
    ):
        list(parse_file(path))


def test_cut_off_gzip_yields_records_before_the_break_then_raises(xml_files, either_way):
    path = next(p for p in xml_files if p.name == "mokztk__pubmed-parser__CPFE.xml")
    packed = gzip.compress(path.read_bytes())
    parsed = []
    with pytest.raises(ParseError, match=r"^CPFE\.xml\.gz: XML breaks off after \d+ records"):
        parsed.extend(parse_xml(packed[: len(packed) // 2], source_name="CPFE.xml.gz"))
    assert len(parsed) > 10
    assert parsed == list(parse_xml(path))[: len(parsed)]
