"""The simulated clock, record versions (late MEDLINE indexing, version files) and the replay."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.request import urlopen

from litwatch.standin.corpus import CorpusOptions, load_corpus
from litwatch.standin.versions import VersionFile
from lxml import etree


def _fetch_one(running, eutil, pmid: str) -> etree._Element | None:
    root = etree.fromstring(eutil(running, "efetch", id=pmid))
    return root.find("PubmedArticle")


def _searched(running, eutil, entrez_read, term: str, **params) -> list[str]:
    return entrez_read(eutil(running, "esearch", term=term, retmax=9999, **params))["IdList"]


def test_records_appear_at_their_entrez_date(make_standin, eutil, entrez_read):
    running = make_standin(rate_limit=False)
    newest = max(running.schedule, key=lambda v: v.entrez)
    running.clock.set(newest.entrez - timedelta(minutes=1))
    assert newest.pmid not in _searched(running, eutil, entrez_read, f"{newest.pmid}[pmid]")
    assert _fetch_one(running, eutil, newest.pmid) is None
    running.clock.set(newest.entrez)
    assert _searched(running, eutil, entrez_read, f"{newest.pmid}[pmid]") == [newest.pmid]


def test_clock_is_set_over_http(standin):
    request = standin.control_request("clock", b"2026-10-01T12:00:00")
    with urlopen(request, timeout=10) as answer:
        assert json.load(answer) == {"now": "2026-10-01T12:00:00"}
    assert standin.clock.now() == datetime(2026, 10, 1, 12)
    request = standin.control_request("clock", json.dumps({"advance_days": 7}).encode())
    with urlopen(request, timeout=10):
        pass
    assert standin.clock.now() == datetime(2026, 10, 8, 12)


def test_newly_indexed_record_is_replaced_after_the_lag(make_standin, eutil, entrez_read):
    running = make_standin(rate_limit=False)
    before = next(v for v in running.schedule if v.kind == "pre-indexing" and v.entrez.year > 2000)
    after = running.corpus.versions[before.pmid][1]
    assert after.kind == "indexed" and after.available_from == before.until
    assert timedelta(days=14) <= after.available_from - before.available_from <= timedelta(days=42)

    running.clock.set(before.available_from)
    unindexed = _fetch_one(running, eutil, before.pmid)
    citation = unindexed.find("MedlineCitation")
    assert citation.get("Status") == "In-Process"
    assert citation.find("MeshHeadingList") is None
    assert citation.xpath("Article/PublicationTypeList/PublicationType/text()") == [
        "Journal Article"
    ]
    assert _revised(citation) == before.available_from.date()
    mesh = running.corpus.documents[after.document].record.mesh_terms[0]
    assert before.pmid not in _searched(running, eutil, entrez_read, f'"{mesh}"[mh]')

    running.clock.set(after.available_from)
    indexed = _fetch_one(running, eutil, before.pmid).find("MedlineCitation")
    assert indexed.get("Status") == "MEDLINE" and indexed.find("MeshHeadingList") is not None
    assert _revised(indexed) == after.available_from.date()
    assert before.pmid in _searched(running, eutil, entrez_read, f'"{mesh}"[mh]')
    day = after.available_from.strftime("%Y/%m/%d")
    revised_today = _searched(
        running,
        eutil,
        entrez_read,
        f"{before.pmid}[pmid]",
        datetype="mdat",
        mindate=day,
        maxdate=day,
    )
    assert revised_today == [before.pmid]


def test_schedule_predicts_what_a_client_parses(standin_corpus):
    version = next(v for v in standin_corpus.schedule if v.kind == "pre-indexing")
    record = standin_corpus.record(version)
    assert record.pmid == version.pmid and record.status == "In-Process"
    assert record.mesh_headings == () and record.publication_types == ("Journal Article",)
    later = standin_corpus.record(standin_corpus.versions[version.pmid][1])
    assert later.content_hash() != record.content_hash()


def test_version_file_replaces_a_record_from_its_date(corpus, tmp_path, make_standin, eutil):
    ontopic = corpus / "ontopic" / "ontopic.xml"
    tree = etree.parse(str(ontopic))
    article = tree.getroot()[0]
    pmid = article.findtext("MedlineCitation/PMID")
    article.find("MedlineCitation/Article/ArticleTitle").text = "Corrected title."
    revised = tmp_path / "revised.xml"
    revised.write_bytes(b"<PubmedArticleSet>" + etree.tostring(article) + b"</PubmedArticleSet>")
    when = datetime(2027, 1, 4)
    loaded = load_corpus([ontopic], CorpusOptions(version_files=(VersionFile(revised, when),)))
    running = make_standin(corpus=loaded, rate_limit=False, now=when - timedelta(days=1))
    assert _fetch_one(running, eutil, pmid).findtext(".//ArticleTitle") != "Corrected title."
    running.clock.set(when)
    served = _fetch_one(running, eutil, pmid)
    assert served.findtext(".//ArticleTitle") == "Corrected title."
    assert _revised(served.find("MedlineCitation")) == when.date()


def test_replay_brings_new_and_revised_records_every_week(replay_corpus, replay):
    for week in range(replay.weeks):
        start = replay.start + timedelta(weeks=week)
        within = [
            v
            for v in replay_corpus.schedule
            if start <= v.available_from < start + timedelta(weeks=1)
        ]
        assert any(v.number == 1 for v in within), f"no new record in week {week + 1}"
        assert any(v.number > 1 for v in within), f"no revised record in week {week + 1}"


def test_replayed_xml_carries_the_simulated_dates(replay_corpus, replay):
    version = next(v for v in replay_corpus.schedule if v.available_from >= replay.start)
    article = etree.fromstring(replay_corpus.article_xml(version))
    for status in ("entrez", "pubmed"):
        served = article.find(f".//History/PubMedPubDate[@PubStatus='{status}']")
        if served is not None:
            parts = [
                int(served.findtext(name)) for name in ("Year", "Month", "Day", "Hour", "Minute")
            ]
            assert datetime(*parts) == version.entrez
    assert replay_corpus.record(version).entrez_date == version.entrez.date()


def test_backlog_is_in_pubmed_before_the_stream(replay_corpus, replay):
    backlog = [
        v for v in replay_corpus.schedule if v.number == 1 and v.entrez < replay.stream_start
    ]
    assert backlog and all(v.entrez.year < 2023 for v in backlog)


def _revised(citation: etree._Element):
    return datetime(
        *(int(citation.findtext(f"DateRevised/{p}")) for p in ("Year", "Month", "Day"))
    ).date()


def test_history_expires_with_simulated_time(make_standin, eutil, entrez_read):
    running = make_standin(rate_limit=False, history_ttl=timedelta(hours=8))
    search = entrez_read(eutil(running, "esearch", term="metformin", usehistory="y"))
    running.clock.advance(timedelta(days=1))
    body = eutil(running, "efetch", WebEnv=search["WebEnv"], query_key=search["QueryKey"])
    assert etree.fromstring(body).findtext("ERROR") == "Unable to obtain query #1"
