"""A record's sentence that runs to pages (a 156 KB "results sentence") is cut where people read
it, in every format of the digest and the summary, and says so; JSON keeps it whole."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from litwatch.core.digest import Digest, DigestItem
from litwatch.outputs.render import CUT_MARK, SHOWN_SENTENCE_CHARS, render_digest
from litwatch.outputs.summary import write_summary
from outputs_samples import WATCH, classification, record

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
# One sentence, no full stop inside: what a reader of the abstract would call one result.
LONG = "Pain scores fell more with methylcobalamin than with placebo " + "and fell " * 17_500
SHORT = "Nerve conduction did not differ between groups."


def trial(pmid: str, evidence: str):
    return classification(
        "rct",
        forms=["methylcobalamin"],
        routes=["oral"],
        comparator="placebo",
        n_participants=90,
        findings=[
            {
                "domain": "pain",
                "outcome": "pain score",
                "effect": "decreased",
                "direction": "favours-intervention",
                "evidence": evidence,
                "confidence": 0.9,
            }
        ],
    )


def digest_of(*items: DigestItem) -> Digest:
    return Digest(watch="b12-dpn", key="b12-dpn:2026-W48", created=NOW, items=items)


def test_a_page_long_evidence_sentence_is_cut_in_every_shown_format_and_whole_in_json(tmp_path):
    assert len(LONG.encode()) > 150_000
    long_trial = (record("99000031", "A trial with a long result"), trial("99000031", LONG))
    short_trial = (record("99000032", "A trial with a short result"), trial("99000032", SHORT))
    digest = digest_of(
        DigestItem(long_trial[0], "new", 1, classification=long_trial[1]),
        DigestItem(short_trial[0], "new", 1, classification=short_trial[1]),
    )
    rendered = render_digest(digest, WATCH)
    paths = write_summary(tmp_path, WATCH, [long_trial, short_trial], [digest], NOW)
    shown = {
        "digest.md": rendered.markdown,
        "digest.txt": rendered.text,
        "digest.html": rendered.html,
        "summary.md": paths.markdown.read_text(encoding="utf-8"),
        "summary.html": paths.html.read_text(encoding="utf-8"),
    }
    for name, text in shown.items():
        assert LONG[:200] in text, name  # the sentence is there ...
        assert LONG.strip() not in text, name  # ... but not whole
        assert len(text) < 100_000, (name, len(text))
        assert re.search(r"… \\?\[cut\\?\]", text), name  # and the reader is told
        assert SHORT in text, name  # control: a sentence of ordinary length stays whole
    document = json.loads(rendered.json)
    found = {item["pmid"]: item for item in document["items"]}
    assert found["99000031"]["findings"][0]["evidence"] == LONG
    assert found["99000031"]["key_finding"] == LONG


def test_the_cut_ends_at_a_word_and_leaves_short_sentences_alone():
    from litwatch.outputs.render import shown_sentence

    cut = shown_sentence(LONG)
    assert cut.endswith(CUT_MARK) and len(cut) <= SHOWN_SENTENCE_CHARS + len(CUT_MARK)
    kept = cut.removesuffix(CUT_MARK)
    assert LONG.startswith(kept) and LONG[len(kept)] == " "  # a whole word last
    unbroken = "x" * (SHOWN_SENTENCE_CHARS * 3)  # no space to cut at: cut at the bound
    assert shown_sentence(unbroken) == "x" * SHOWN_SENTENCE_CHARS + CUT_MARK
    assert shown_sentence(SHORT) == SHORT
