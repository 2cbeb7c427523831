"""`litwatch query-check` end to end: the real command, through Bio.Entrez over HTTP, against the
E-utilities stand-in serving the shared on-topic records (issue #21, item 5)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from helpers import NCBI_KEY, one_line
from litwatch.standin.testing import running_standin

from litwatch.config import load_watches

pytestmark = pytest.mark.server

# The default watch's query before issue #21: "B12" only inside "vitamin B12" or "B12
# deficiency", and diabetic nerve damage only as "neuropathy" or "polyneuropathy".
QUERY_BEFORE = """
("Vitamin B 12"[mh] OR "Vitamin B 12 Deficiency"[mh] OR "vitamin B12"[tiab] OR "vitamin B-12"[tiab]
 OR "vitamin B 12"[tiab] OR cobalamin*[tiab] OR methylcobalamin[tiab] OR mecobalamin[tiab]
 OR cyanocobalamin[tiab] OR hydroxocobalamin[tiab] OR hydroxycobalamin[tiab] OR "B12 deficiency"[tiab])
AND
("Diabetic Neuropathies"[mh] OR "diabetic neuropathy"[tiab] OR "diabetic neuropathies"[tiab]
 OR "diabetic peripheral neuropathy"[tiab] OR "diabetic polyneuropathy"[tiab] OR polyneuropath*[tiab]
 OR "peripheral neuropathy"[tiab] OR "Metformin"[mh] OR metformin[tiab])
"""


@pytest.fixture(scope="module")
def ontopic_standin(corpus: Path):
    """The stand-in over the shipped on-topic set: 21 on-topic records and 3 near misses."""
    with running_standin([corpus / "ontopic" / "ontopic.xml"]) as running:
        yield running


@pytest.fixture
def standin_env(cli_env, monkeypatch, ontopic_standin) -> Path:
    """The CLI's settings pointed at the stand-in, one attempt per request."""
    monkeypatch.setenv("LITWATCH_EUTILS_URL", ontopic_standin.base_url)
    monkeypatch.setenv("LITWATCH_NCBI_EMAIL", "tests@example.org")
    monkeypatch.setenv("LITWATCH_NCBI_API_KEY", NCBI_KEY)
    monkeypatch.setenv("LITWATCH_ENTREZ_MAX_ATTEMPTS", "1")
    return cli_env


def watch_file(folder: Path, query: str, known: list[int]) -> Path:
    path = folder / "watches.toml"
    path.write_text(
        f"[[watch]]\nname = \"sim\"\nquery = '''{query}'''\nknown = {known}\n", encoding="utf-8"
    )
    return path


def lines_of(output: str, start: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(start)]


def test_the_default_watch_finds_every_known_record_and_no_near_miss(
    litwatch, standin_env, tmp_path
):
    known = load_watches()[0].known
    assert len(known) == 21 and {"99000019", "99000020"} <= set(known)
    done = litwatch("query-check", "--watch", "b12-dpn")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "b12-dpn: PubMed finds 21 records for the query"
    assert lines_of(done.stdout, "b12-dpn: PubMed reads it as: (")
    assert "b12-dpn: relative recall 1.00: finds 21 of 21 known records" in done.stdout
    assert "misses" not in done.stdout and done.stderr == ""

    # Control: the query as it was misses the two records that say B12, or nerve damage, in
    # other words, and says so.
    before = watch_file(tmp_path, QUERY_BEFORE, [int(pmid) for pmid in known])
    done = litwatch("query-check", "--watches", before)
    assert done.exit_code == 1
    assert (
        "sim: relative recall 0.90: finds 19 of 21 known records; misses 99000019, 99000020"
        in done.stdout
    )


def test_a_misspelt_phrase_shows_pubmeds_warning_in_one_line(litwatch, standin_env, tmp_path):
    query = '("vitamn B12"[tiab] OR methylcobalamin[tiab]) AND metformin[tiab]'
    done = litwatch("query-check", "--watches", watch_file(tmp_path, query, []))
    assert done.exit_code == 0  # shown, not judged: only a missed known record fails
    warning = lines_of(done.stdout, "sim: PubMed warning")
    assert warning == ['sim: PubMed warning: quoted phrase not found: "vitamn B12"']
    assert '"vitamn B12"[Title/Abstract]' in one_line(
        "\n".join(lines_of(done.stdout, "sim: PubMed reads"))
    )
    assert "no known records listed" in done.stdout

    # A field PubMed does not know is its error; spelt right, neither is said.
    query = '("vitamin B12"[tiab] OR methylcobalamin[tiabx]) AND metformin[tiab]'
    done = litwatch("query-check", "--watches", watch_file(tmp_path, query, []))
    assert lines_of(done.stdout, "sim: PubMed error") == [
        "sim: PubMed error: field not found: tiabx"
    ]
    query = '("vitamin B12"[tiab] OR methylcobalamin[tiab]) AND metformin[tiab]'
    done = litwatch("query-check", "--watches", watch_file(tmp_path, query, []))
    assert done.exit_code == 0 and "PubMed error" not in done.stdout
    assert "PubMed warning" not in done.stdout


def test_a_known_record_the_query_misses_is_named_with_its_missing_words(
    litwatch, standin_env, tmp_path
):
    known = [99000019, 99000002, 99000020, 12345]
    done = litwatch("query-check", "--watches", watch_file(tmp_path, QUERY_BEFORE, known))
    assert done.exit_code == 1
    # A PMID PubMed does not hold is named apart, and left out of the recall.
    assert lines_of(done.stdout, "sim: known PMID") == [
        "sim: known PMID 12345 is not in PubMed: check the watch file's known list"
    ]
    assert "sim: relative recall 0.33: finds 1 of 3 known records; misses 99000019, 99000020" in (
        done.stdout
    )
    missed = one_line("\n".join(lines_of(done.stdout, "sim: misses 99000019 ")))
    # The part of the query it fails (the B12 terms), and its word that only those terms hold.
    assert (
        'no term of ("Vitamin B 12"[MeSH Terms] ... "B12 deficiency"[Title/Abstract], 12 terms)'
        in missed
    )
    assert (
        'words no term matches: B12 (part of "vitamin B12"[Title/Abstract], '
        '"B12 deficiency"[Title/Abstract])'
    ) in missed
    assert "other words no term matches: trial, " in missed  # and no "the", "we", "of"
    assert ", we," not in missed and " the," not in missed
    missed = one_line("\n".join(lines_of(done.stdout, "sim: misses 99000020 ")))
    assert (
        'no term of ("Diabetic Neuropathies"[MeSH Terms] ... "metformin"[Title/Abstract]' in missed
    )
    assert "diabetic (part of" in missed and "nerve" in missed and "axonal" in missed
    assert not lines_of(done.stdout, "sim: misses 99000002")  # found: not explained


def test_bad_input_is_one_line_and_says_what_is_wrong(
    litwatch, standin_env, ontopic_standin, tmp_path, monkeypatch
):
    done = litwatch("query-check", "--watch", "nope")
    assert done.exit_code == 1 and done.stdout == ""
    assert one_line(done.stderr) == "litwatch: no watch named 'nope' (known: b12-dpn)"

    for known, problem in (
        ("[20488910, 20488910]", "20488910 is listed twice"),
        ('["PMID20488910"]', "'PMID20488910' is not a PMID"),
    ):
        path = tmp_path / "bad.toml"
        path.write_text(f'[[watch]]\nname = "sim"\nquery = "b12"\nknown = {known}\n')
        done = litwatch("query-check", "--watches", path)
        assert done.exit_code == 1
        assert one_line(done.stderr).startswith(f"litwatch: {path}: watch 'sim': known: ")
        assert problem in done.stderr

    # An answer that is not whole XML (cut off, or an HTML page) is one line, after the retries.
    for fault in ("truncate", "html"):
        ontopic_standin.faults.force(fault)
        done = litwatch("query-check", "--watch", "b12-dpn")
        assert done.exit_code == 1 and done.stdout == ""
        assert one_line(done.stderr).startswith("litwatch: PubMed esearch failed after 1 attempt")
        assert "Traceback" not in done.stderr

    # Nothing listening.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("LITWATCH_EUTILS_URL", f"http://127.0.0.1:{port}/entrez/eutils/")
    done = litwatch("query-check", "--watch", "b12-dpn")
    assert done.exit_code == 1 and done.stdout == ""
    assert "cannot connect" in one_line(done.stderr)
