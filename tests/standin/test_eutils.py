"""esearch and efetch over HTTP as Bio.Entrez reads them: shapes, history, paging, date windows."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.request import urlopen

from lxml import etree

# The first PMID of each article (a regular expression: 140 MB of XML parse slowly).
ARTICLE_PMID = re.compile(
    rb"<Pubmed(?:Book)?Article>\s*<(?:MedlineCitation|BookDocument)[^>]*>\s*<PMID[^>]*>(\d+)<"
)
ONTOPIC_QUERY = "metformin AND (b12 OR cobalamin*)"


def test_esearch_answer_has_ncbi_shape_and_doctype(standin, eutil, entrez_read):
    body = eutil(standin, "esearch", term=ONTOPIC_QUERY, usehistory="y", retmax=5)
    assert b'<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN"' in body
    found = entrez_read(body)
    assert int(found["Count"]) > 5
    assert found["RetMax"] == "5" and found["RetStart"] == "0"
    assert len(found["IdList"]) == 5
    assert found["QueryKey"] == "1" and found["WebEnv"].startswith("MCID_")
    assert "[All Fields]" in found["QueryTranslation"]


def test_ids_come_most_recent_entrez_date_first(standin, eutil, entrez_read):
    found = entrez_read(eutil(standin, "esearch", term=ONTOPIC_QUERY, retmax=100))
    now = standin.clock.now()
    dates = [standin.corpus.current(pmid, now).entrez for pmid in found["IdList"]]
    assert dates == sorted(dates, reverse=True)


def test_unfound_phrase_is_reported_as_ncbi_does(standin, eutil, entrez_read):
    found = entrez_read(eutil(standin, "esearch", term="abcXYZ"))
    assert found["Count"] == "0"
    assert found["ErrorList"]["PhraseNotFound"] == ["abcXYZ"]
    assert found["WarningList"]["OutputMessage"] == ["No items found."]


def test_a_quoted_phrase_or_field_it_cannot_find_is_reported_as_the_esearch_dtd_says(
    standin, eutil, entrez_read
):
    # ErrorList (PhraseNotFound*, FieldNotFound*), WarningList (QuotedPhraseNotFound*,
    # OutputMessage*): a misspelt quoted phrase is a warning, in its quotes; the rest still runs.
    found = entrez_read(
        eutil(standin, "esearch", term='metformin OR "vitamn b12"[tiab] OR b12[tiabx]')
    )
    assert int(found["Count"]) > 0
    assert found["WarningList"]["QuotedPhraseNotFound"] == ['"vitamn b12"']
    assert found["WarningList"]["OutputMessage"] == []  # records were found
    assert found["ErrorList"]["FieldNotFound"] == ["tiabx"]
    assert found["ErrorList"]["PhraseNotFound"] == []
    assert '"vitamn b12"[Title/Abstract]' in found["QueryTranslation"]
    # Control: the same phrase spelt right is found, and draws no warning.
    found = entrez_read(eutil(standin, "esearch", term='"vitamin b12"[tiab]'))
    assert int(found["Count"]) > 0 and "WarningList" not in found and "ErrorList" not in found
    # Every empty result says so, as NCBI's does, errors or not.
    found = entrez_read(eutil(standin, "esearch", term="metformin AND 1800[dp]"))
    assert found["Count"] == "0" and found["WarningList"]["OutputMessage"] == ["No items found."]


def test_malformed_query_gets_an_error_element(standin, eutil):
    body = eutil(standin, "esearch", term="(metformin AND b12")
    assert etree.fromstring(body).findtext("ERROR") == "Missing closing parenthesis"


def test_history_pages_cover_the_whole_result_once(standin, eutil, entrez_read):
    search = entrez_read(eutil(standin, "esearch", term="neuropathy", usehistory="y", retmax=0))
    count = int(search["Count"])
    fetched = []
    for retstart in range(0, count, 40):
        body = eutil(
            standin,
            "efetch",
            WebEnv=search["WebEnv"],
            query_key=search["QueryKey"],
            retstart=retstart,
            retmax=40,
            api_key="k",
        )
        fetched += [a["MedlineCitation"]["PMID"] for a in entrez_read(body)["PubmedArticle"]]
        fetched += [a["BookDocument"]["PMID"] for a in entrez_read(body)["PubmedBookArticle"]]
    every = entrez_read(eutil(standin, "esearch", term="neuropathy", retmax=count, api_key="k"))
    assert fetched == every["IdList"] and len(set(fetched)) == count


def test_esearch_refuses_retstart_past_9998(make_standin, eutil):
    running = make_standin(rate_limit=False)
    body = eutil(running, "esearch", term="humans", retstart=9999)
    assert "'retstart' cannot be larger than 9998" in etree.fromstring(body).findtext("ERROR")


def test_more_than_9999_records_come_whole_through_history(
    make_standin, big_corpus, eutil, entrez_read
):
    running = make_standin(corpus=big_corpus, rate_limit=False)
    search = entrez_read(eutil(running, "esearch", term="1900:2100[edat]", usehistory="y"))
    count = int(search["Count"])
    assert count == 10_100
    pmids = []
    for retstart in range(0, count, 5000):
        body = eutil(
            running,
            "efetch",
            WebEnv=search["WebEnv"],
            query_key=search["QueryKey"],
            retstart=retstart,
            retmax=5000,
        )
        pmids += ARTICLE_PMID.findall(body)
    assert len(pmids) == count == len(set(pmids))


def test_edat_window_selects_by_entrez_date(make_standin, eutil, entrez_read):
    running = make_standin(rate_limit=False)
    found = entrez_read(
        eutil(
            running,
            "esearch",
            term=ONTOPIC_QUERY,
            datetype="edat",
            mindate="2026/10/01",
            maxdate="2026/10/31",
            retmax=100,
        )
    )
    now = running.clock.now()
    dates = {running.corpus.current(p, now).entrez.date() for p in found["IdList"]}
    assert found["IdList"] and all(
        datetime(2026, 10, 1).date() <= d <= datetime(2026, 10, 31).date() for d in dates
    )
    whole_year = entrez_read(
        eutil(
            running,
            "esearch",
            term=ONTOPIC_QUERY,
            datetype="edat",
            mindate="2026",
            maxdate="2026",
            retmax=100,
        )
    )
    assert set(found["IdList"]) < set(whole_year["IdList"])


def test_efetch_by_id_list_by_post(make_standin, standin_corpus, eutil, entrez_read):
    running = make_standin(rate_limit=False)
    now = running.clock.now()
    pmids = [v.pmid for v in standin_corpus.visible(now)][:250]  # Bio.Entrez posts >= 200 ids
    articles = entrez_read(eutil(running, "efetch", id=pmids))
    served = [a["MedlineCitation"]["PMID"] for a in articles["PubmedArticle"]]
    served += [a["BookDocument"]["PMID"] for a in articles["PubmedBookArticle"]]
    assert sorted(served) == sorted(pmids)
    assert running.log.entries()[-1].method == "POST"


def test_every_record_served_passes_biopython_dtd_validation(make_standin, eutil, entrez_read):
    running = make_standin(rate_limit=False)
    search = entrez_read(eutil(running, "esearch", term="1800:2100[edat]", usehistory="y"))
    body = eutil(
        running, "efetch", WebEnv=search["WebEnv"], query_key=search["QueryKey"], retmax=10_000
    )
    assert body.startswith(
        b'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE PubmedArticleSet '
        b'PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"'
    )
    articles = entrez_read(body)
    served = len(articles["PubmedArticle"]) + len(articles["PubmedBookArticle"])
    assert served == int(search["Count"]) == len(running.corpus.versions)


def test_einfo_describes_pubmed(standin, eutil, entrez_read):
    info = entrez_read(eutil(standin, "einfo"))
    database = info["DbInfo"][0]  # Biopython reads DbInfo as a list
    assert database["DbName"] == "pubmed"
    assert int(database["Count"]) == len(standin.corpus.versions)


def test_schedule_is_published_as_json(standin):
    with urlopen(standin.base_url.replace("/entrez/eutils/", "/_schedule"), timeout=10) as answer:
        schedule = json.load(answer)
    assert len(schedule) == len(standin.schedule)
    assert {"pre-indexing", "indexed", "corpus"} <= {entry["kind"] for entry in schedule}


def test_a_thousand_term_or_query_is_answered_like_a_short_one(standin, eutil, entrez_read):
    """Operators read left to right make a 1,000-term OR a tree 1,000 deep; it is answered (the
    same count as the few terms that match), not dropped at Python's recursion limit."""
    fillers = [f"zzfiller{number}" for number in range(998)]
    long_query = " OR ".join(["metformin", *fillers, "cobalamin*"])
    found = entrez_read(eutil(standin, "esearch", term=long_query, retmax=0))
    short = entrez_read(eutil(standin, "esearch", term="metformin OR cobalamin*", retmax=0))
    assert int(found["Count"]) == int(short["Count"]) > 0  # control: the short one finds records
    assert found["QueryTranslation"].count(" OR ") == 999


def test_parentheses_nested_past_the_bound_get_an_error_element(standin, eutil):
    deep = "(" * 101 + "metformin" + ")" * 101
    body = eutil(standin, "esearch", term=deep)
    assert etree.fromstring(body).findtext("ERROR") == "Parentheses nested deeper than 100"
    within = eutil(standin, "esearch", term="(" * 100 + "metformin" + ")" * 100)
    assert etree.fromstring(within).findtext("ERROR") is None  # control: 100 levels are read
