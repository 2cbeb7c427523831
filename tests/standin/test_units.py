"""The stand-in's small parts on their own: the sliding-window limit, fault draws, duplicates."""

from __future__ import annotations

from pathlib import Path

from litwatch.standin.corpus import load_corpus
from litwatch.standin.faults import Faults
from litwatch.standin.ratelimit import SlidingWindowLimit
from lxml import etree


def test_sliding_window_counts_the_last_second_only():
    now = [0.0]
    limit = SlidingWindowLimit(monotonic=lambda: now[0])
    assert [limit.check("a", has_key=False) for _ in range(3)] == [None, None, None]
    refusal = limit.check("a", has_key=False)
    assert (refusal.count, refusal.limit, refusal.retry_after) == (4, 3, 1)
    now[0] = 0.999
    assert limit.check("a", has_key=False) is not None
    now[0] = 1.0
    assert limit.check("a", has_key=False) is None  # the first request has left the window
    assert limit.check("b", has_key=False) is None  # each client has its own window


def test_fault_draws_depend_only_on_seed_and_request_order():
    def sequence(seed: int) -> list[str | None]:
        faults = Faults(rate=0.5, seed=seed)
        return [faults.draw(uses_history=i % 2 == 0) for i in range(50)]

    assert sequence(1) == sequence(1) != sequence(2)
    assert "expired-webenv" not in [
        f for i, f in enumerate(sequence(1)) if i % 2 == 1
    ]  # only requests that use the history server


def test_forced_faults_come_first_then_random_ones_resume():
    faults = Faults(rate=0.0, seed=0)
    faults.force("503", count=2)
    assert [faults.draw(False) for _ in range(3)] == ["503", "503", None]


def test_duplicate_pmids_keep_the_most_recent_revision(corpus, tmp_path: Path):
    article = etree.parse(str(corpus / "ontopic" / "ontopic.xml")).getroot()[0]
    pmid = article.findtext("MedlineCitation/PMID")
    newer = etree.fromstring(etree.tostring(article))
    newer.find("MedlineCitation/Article/ArticleTitle").text = "Newer title."
    citation = newer.find("MedlineCitation")
    revised = etree.Element("DateRevised")
    for name, value in (("Year", "2030"), ("Month", "01"), ("Day", "01")):
        etree.SubElement(revised, name).text = value
    citation.find("PMID").addnext(revised)
    (tmp_path / "a.xml").write_bytes(
        b"<PubmedArticleSet>" + etree.tostring(newer) + b"</PubmedArticleSet>"
    )
    (tmp_path / "b.xml").write_bytes(
        b"<PubmedArticleSet>" + etree.tostring(article) + b"</PubmedArticleSet>"
    )
    loaded = load_corpus([tmp_path])
    assert len(loaded.versions) == 1
    assert loaded.record(loaded.versions[pmid][0]).title == "Newer title."
