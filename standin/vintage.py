"""Bring records of older DTD vintages to the shape of pubmed_250101.dtd before the stand-in serves them.

Each rule repeats a change NLM itself made between vintages, so a served record reads as
NCBI would serve the same citation today."""

from __future__ import annotations

from lxml import etree

_TIME_OF_DAY = ("Hour", "Minute", "Second")


def to_current_dtd(article: etree._Element) -> None:
    """Rewrite one PubmedArticle/PubmedBookArticle element in place."""
    # DateCreated left the DTD in 2018; the history dates carry the same fact.
    for created in article.findall(".//DateCreated"):
        created.getparent().remove(created)
    # ArticleDate is a calendar date only in the current DTD.
    for article_date in article.iter("ArticleDate"):
        for part in _TIME_OF_DAY:
            for child in article_date.findall(part):
                article_date.remove(child)
    for author in article.iter("Author"):
        _wrap_affiliations(author)
    for citation_article in article.iter("Article"):
        _move_article_affiliation(citation_article)
    # NLM renamed the catch-all abstract category.
    for abstract_text in article.iter("AbstractText"):
        if abstract_text.get("NlmCategory") == "UNLABELLED":
            abstract_text.set("NlmCategory", "UNASSIGNED")


def _wrap_affiliations(author: etree._Element) -> None:
    """Before 2015 an Author held Affiliation directly; now it sits in AffiliationInfo."""
    for affiliation in author.findall("Affiliation"):
        position = author.index(affiliation)
        author.remove(affiliation)
        affiliation.tail = None
        info = etree.Element("AffiliationInfo")
        info.append(affiliation)
        author.insert(position, info)


def _move_article_affiliation(citation_article: etree._Element) -> None:
    """The old article-level affiliation went to the first author when NLM moved to per-author ones."""
    for affiliation in citation_article.findall("Affiliation"):
        citation_article.remove(affiliation)
        affiliation.tail = None
        first_author = citation_article.find("AuthorList/Author")
        if first_author is None or first_author.find("AffiliationInfo") is not None:
            continue
        info = etree.SubElement(first_author, "AffiliationInfo")
        info.append(affiliation)
