"""The query language: parsing PubMed's syntax, and what each operator and field tag matches."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from litwatch.standin.corpus import Corpus, load_corpus
from litwatch.standin.query import Operation, QuerySyntaxError, Term, parse

NOW = datetime(2030, 1, 1)


def test_operators_read_left_to_right_without_precedence():
    tree = parse("a OR b AND c")
    assert tree == Operation("AND", Operation("OR", Term("a"), Term("b")), Term("c"))


def test_not_is_binary_and_adjacent_terms_join_with_and():
    assert parse("a NOT b") == Operation("NOT", Term("a"), Term("b"))
    assert parse("a b") == Operation("AND", Term("a"), Term("b"))


def test_parentheses_group():
    tree = parse("a OR (b AND c)")
    assert tree == Operation("OR", Term("a"), Operation("AND", Term("b"), Term("c")))


def test_quoted_phrase_truncation_and_tags():
    assert parse('"vitamin b12"[tiab]') == Term("vitamin b12", "tiab", quoted=True)
    assert parse("neuropath*[ti]") == Term("neuropath", "ti", truncated=True)
    assert parse("Diabetic Neuropathies[mh:noexp]") == Term("Diabetic Neuropathies", "mh")
    assert parse("Randomized Controlled Trial[Publication Type]").field == "pt"
    assert parse('"metformin"[MeSH Terms]').field == "mh"
    assert parse("english[Language]").field == "la"
    assert parse("2019:2021[dp]") == Term("2019:2021", "dp")
    assert parse("2024/01/01:2024/02/01[edat]").field == "edat"


def test_bare_words_before_a_text_tag_each_take_the_tag():
    tree = parse("vitamin b12[tiab]")
    assert tree == Operation("AND", Term("vitamin", "tiab"), Term("b12", "tiab"))


def test_unknown_tag_is_kept_for_field_not_found():
    assert parse("x[nonsense]").unknown_tag == "nonsense"


def test_lower_case_boolean_words_are_terms():
    assert parse("a and b") == Operation("AND", Operation("AND", Term("a"), Term("and")), Term("b"))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "(a AND b",
        "a AND b)",
        '"open phrase',
        "a AND",
        "OR b",
        "a[ti",
        "[ti]",
        "ne*uro",
        "a AND ()",
    ],
)
def test_malformed_queries_are_refused(query):
    with pytest.raises(QuerySyntaxError):
        parse(query)


def test_translation_names_fields_as_ncbi_does():
    assert parse('"b12"[tiab] OR x').translation() == '("b12"[Title/Abstract] OR "x"[All Fields])'


def _article(
    pmid,
    title,
    abstract="",
    mesh=(),
    types=("Journal Article",),
    language="eng",
    year="2020",
    edat=(2020, 1, 1),
    keywords=(),
):
    headings = "".join(
        f'<MeshHeading><DescriptorName UI="D0" MajorTopicYN="{"Y" if major else "N"}">{name}'
        "</DescriptorName></MeshHeading>"
        for name, major in mesh
    )
    mesh_list = f"<MeshHeadingList>{headings}</MeshHeadingList>" if mesh else ""
    pts = "".join(f'<PublicationType UI="D0">{t}</PublicationType>' for t in types)
    kws = "".join(f'<Keyword MajorTopicYN="N">{k}</Keyword>' for k in keywords)
    keyword_list = f'<KeywordList Owner="NOTNLM">{kws}</KeywordList>' if keywords else ""
    y, m, d = edat
    return f"""<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">{pmid}</PMID><Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print">
<PubDate><Year>{year}</Year></PubDate></JournalIssue><Title>J Test</Title></Journal>
<ArticleTitle>{title}</ArticleTitle><Pagination><MedlinePgn>1-2</MedlinePgn></Pagination>
<Abstract><AbstractText>{abstract}</AbstractText></Abstract><Language>{language}</Language>
<PublicationTypeList>{pts}</PublicationTypeList></Article>
<MedlineJournalInfo><MedlineTA>J Test</MedlineTA></MedlineJournalInfo>{mesh_list}{keyword_list}
</MedlineCitation><PubmedData><History>
<PubMedPubDate PubStatus="entrez"><Year>{y}</Year><Month>{m}</Month><Day>{d}</Day></PubMedPubDate>
</History><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>
<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>"""


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Corpus:
    articles = [
        _article(
            "1",
            "Vitamin B12 for diabetic neuropathy",
            "A randomised trial of methylcobalamin.",
            mesh=[("Diabetic Neuropathies", True), ("Vitamin B 12", False)],
            types=("Journal Article", "Randomized Controlled Trial"),
            year="2019",
            edat=(2019, 3, 1),
        ),
        _article(
            "2",
            "Metformin and B12 deficiency",
            "Cross-sectional study of neuropathy.",
            mesh=[("Metformin", False)],
            year="2021",
            edat=(2021, 6, 1),
            keywords=("cobalamin",),
        ),
        _article(
            "3",
            "Neuropathic pain in diabetes",
            "Diabetic neuropathy is common.",
            language="fre",
            year="2023",
            edat=(2023, 9, 1),
        ),
        _article(
            "4",
            "Gastric cancer outcomes",
            "No relation to vitamins.",
            year="2024",
            edat=(2024, 2, 1),
        ),
    ]
    path = Path(tmp_path_factory.mktemp("small")) / "small.xml"
    path.write_text(f"<PubmedArticleSet>{''.join(articles)}</PubmedArticleSet>")
    return load_corpus([path])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("neuropathy", {"1", "2", "3"}),
        ("neuropathy AND metformin", {"2"}),
        ("metformin OR cancer", {"2", "4"}),
        ("neuropathy NOT metformin", {"1", "3"}),
        ("(metformin OR cancer) AND deficiency", {"2"}),
        ('"diabetic neuropathy"', {"1", "3"}),
        ('"neuropathy diabetic"', set()),
        ("neuropath*", {"1", "2", "3"}),
        ("neuropath*[ti]", {"1", "3"}),
        ("diabetic neuropathy[ti]", {"1"}),
        ('"diabetic neuropathy"[ab]', {"3"}),
        ('"diabetic neuropathy"[Title/Abstract]', {"1", "3"}),
        ("methylcobalamin[tiab]", {"1"}),
        ("cobalamin", {"2"}),
        ("cross-sectional", {"2"}),
        ("CROSS SECTIONAL[tiab]", {"2"}),
        ("Diabetic Neuropathies[mh]", {"1"}),
        ('"diabetic neuropathies"[MeSH Terms]', {"1"}),
        ("Diabetic Neuropathies[mh:noexp]", {"1"}),
        ("Metformin[majr]", set()),
        ("Diabetic Neuropathies[majr]", {"1"}),
        ("vitamin b 12[mh]", {"1"}),
        ("randomized controlled trial[pt]", {"1"}),
        ('"Randomized Controlled Trial"[Publication Type]', {"1"}),
        ("fre[la]", {"3"}),
        ("french[Language]", {"3"}),
        ("2021[dp]", {"2"}),
        ("2020:2023[dp]", {"2", "3"}),
        ("2024/01/01:2024/12/31[edat]", {"4"}),
        ("2[pmid]", {"2"}),
        ("unknownword", set()),
        ("x[nonsense]", set()),
    ],
)
def test_each_operator_and_tag_selects_the_right_records(small_corpus, query, expected):
    assert set(small_corpus.search(parse(query), NOW)) == expected


def test_records_are_invisible_before_their_entrez_date(small_corpus):
    assert set(small_corpus.search(parse("neuropathy"), datetime(2020, 1, 1))) == {"1"}
