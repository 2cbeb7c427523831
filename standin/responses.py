"""The bodies NCBI answers with, byte for byte in shape: eSearchResult, PubmedArticleSet, errors."""

from __future__ import annotations

import json
from collections.abc import Iterable
from xml.sax.saxutils import escape

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>\n'
ESEARCH_DOCTYPE = (
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
PUBMED_DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
EFETCH_DOCTYPE = (
    '<!DOCTYPE eFetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
)
EINFO_DOCTYPE = (
    '<!DOCTYPE eInfoResult PUBLIC "-//NLM//DTD einfo 20190110//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20190110/einfo.dtd">\n'
)
RETSTART_LIMIT_MESSAGE = (
    "Search Backend failed: Exception:\n'retstart' cannot be larger than 9998. For PubMed, "
    "ESearch can only retrieve the first 9,999 records matching the query. To obtain more than "
    "9,999 PubMed records, consider using EDirect that contains additional logic to batch "
    "PubMed search results automatically so that an arbitrary number can be retrieved. For "
    "details see https://www.ncbi.nlm.nih.gov/books/NBK25499/"
)
_HTTP_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def esearch_result(
    count: int,
    retstart: int,
    pmids: list[str],
    translation: str,
    webenv: str | None = None,
    query_key: int | None = None,
    phrases_not_found: Iterable[str] = (),
    fields_not_found: Iterable[str] = (),
    quoted_phrases_not_found: Iterable[str] = (),
) -> bytes:
    """An eSearchResult as NCBI writes it (RetMax is the number of IDs returned), with the
    ErrorList and WarningList of its esearch DTD; every empty result says "No items found."."""
    history = ""
    if webenv is not None:
        history = f"<QueryKey>{query_key}</QueryKey><WebEnv>{escape(webenv)}</WebEnv>"
    ids = "".join(f"<Id>{pmid}</Id>\n" for pmid in pmids)
    id_list = f"<IdList>\n{ids}</IdList>" if pmids else "<IdList/>"
    errors = "".join(f"<PhraseNotFound>{escape(p)}</PhraseNotFound>" for p in phrases_not_found)
    errors += "".join(f"<FieldNotFound>{escape(f)}</FieldNotFound>" for f in fields_not_found)
    error_list = f"<ErrorList>{errors}</ErrorList>" if errors else ""
    warnings = "".join(
        f"<QuotedPhraseNotFound>{escape(p)}</QuotedPhraseNotFound>"
        for p in quoted_phrases_not_found
    )
    if count == 0:
        warnings += "<OutputMessage>No items found.</OutputMessage>"
    warning_list = f"<WarningList>{warnings}</WarningList>" if warnings else ""
    body = (
        f"<eSearchResult><Count>{count}</Count><RetMax>{len(pmids)}</RetMax>"
        f"<RetStart>{retstart}</RetStart>{history}{id_list}<TranslationSet/>"
        f"<QueryTranslation>{escape(translation)}</QueryTranslation>{error_list}"
        f"{warning_list}</eSearchResult>\n"
    )
    return (XML_DECLARATION + ESEARCH_DOCTYPE + body).encode("utf-8")


def esearch_error(message: str) -> bytes:
    body = f"<eSearchResult><ERROR>{escape(message)}</ERROR></eSearchResult>\n"
    return (XML_DECLARATION + ESEARCH_DOCTYPE + body).encode("utf-8")


def efetch_error(message: str) -> bytes:
    body = f"<eFetchResult>\n\t<ERROR>{escape(message)}</ERROR>\n</eFetchResult>\n"
    return (XML_DECLARATION + EFETCH_DOCTYPE + body).encode("utf-8")


def article_set(articles: Iterable[bytes]) -> bytes:
    """A PubmedArticleSet around already serialised PubmedArticle/PubmedBookArticle elements."""
    head = (XML_DECLARATION + PUBMED_DOCTYPE + "<PubmedArticleSet>\n").encode("utf-8")
    return head + b"\n".join(articles) + b"\n</PubmedArticleSet>\n"


def einfo_result(record_count: int, last_update: str) -> bytes:
    """einfo for db=pubmed: the database's name, description, size and last update."""
    body = (
        "<eInfoResult>\n\t<DbInfo>\n\t\t<DbName>pubmed</DbName>\n\t\t<MenuName>PubMed</MenuName>\n"
        "\t\t<Description>PubMed bibliographic record</Description>\n"
        "\t\t<DbBuild>Build-standin</DbBuild>\n"
        f"\t\t<Count>{record_count}</Count>\n\t\t<LastUpdate>{last_update}</LastUpdate>\n"
        "\t\t<FieldList/>\n\t\t<LinkList/>\n\t</DbInfo>\n</eInfoResult>\n"
    )
    return (XML_DECLARATION + EINFO_DOCTYPE + body).encode("utf-8")


def einfo_database_list() -> bytes:
    body = "<eInfoResult>\n<DbList>\n\t<DbName>pubmed</DbName>\n</DbList>\n</eInfoResult>\n"
    return (XML_DECLARATION + EINFO_DOCTYPE + body).encode("utf-8")


def html_error_page(status: int) -> bytes:
    """An HTML error page like the ones NCBI's front ends send with 5xx answers."""
    reason = _HTTP_REASONS.get(status, "Error")
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f"<title>{status} {reason}</title></head><body>"
        f"<h1>{reason}</h1><p>The server encountered a temporary error and could not complete "
        "your request. Please try again later.</p></body></html>\n"
    ).encode()


def rate_limit_body(client: str, count: int, limit: int) -> bytes:
    """NCBI's 429 body; `client` is what NCBI echoes: the caller's address or (masked) key."""
    body = {"error": "API rate limit exceeded", "api-key": client, "count": str(count)}
    body["limit"] = str(limit)
    return json.dumps(body, separators=(",", ":")).encode("utf-8")
