"""The commands as a user runs them, on what goes wrong around them (issue #18, section 2): an
older PubMed version imported late, one watch of many failing, outputs that cannot be written,
settings that cannot work, a broken store or a full disk. Each is one `litwatch:` line or a
correct result, never a traceback, and the check comes before the work."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import command_env, one_line, write_watch_file
from litwatch.core.digest import digest_key
from litwatch.outputs.recording import record_digest
from litwatch.store import Store

from litwatch.config import load_watches
from litwatch.wiring import watch_info

ARTICLE = (
    "<PubmedArticle><MedlineCitation Status='{status}' Owner='NLM'>"
    "<PMID Version='{version}'>{pmid}</PMID>"
    "<Article><Journal><Title>J</Title></Journal><ArticleTitle>{title}</ArticleTitle>"
    "<Abstract><AbstractText>Methylcobalamin or placebo for 12 weeks in 80 people with diabetic"
    " peripheral neuropathy taking metformin; vitamin B12 levels rose.</AbstractText></Abstract>"
    "<Language>eng</Language></Article></MedlineCitation><PubmedData><History>"
    "<PubMedPubDate PubStatus='entrez'><Year>2026</Year><Month>12</Month><Day>1</Day>"
    "</PubMedPubDate></History></PubmedData></PubmedArticle>"
)


def export(path: Path, *articles: str) -> Path:
    path.write_text(f"<PubmedArticleSet>{''.join(articles)}</PubmedArticleSet>", encoding="utf-8")
    return path


def article(pmid: str, title: str, version: int = 1, status: str = "Publisher") -> str:
    return ARTICLE.format(pmid=pmid, title=title, version=version, status=status)


def digest_of(data_dir: Path):
    """The digest a run would now build for the shipped watch from what the imports stored."""
    watch = load_watches()[0]
    now = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    with Store.open(data_dir / "litwatch.sqlite") as store:
        run = store.begin_run(watch.name, None, None, now)
        return record_digest(store, watch_info(watch), digest_key(watch.name, run, now), now).digest


# --- item 10: an older PubMed version never replaces a newer one ----------------------------


def test_an_older_pubmed_version_imported_late_is_history_never_current(
    litwatch, data_dir, tmp_path
):
    final = "Methylcobalamin for diabetic neuropathy: final results"
    newer = export(tmp_path / "v2.xml", article("93000001", final, version=2, status="MEDLINE"))
    older = export(tmp_path / "v1.xml", article("93000001", "Interim results", version=1))
    assert "1 new, 0 revised" in litwatch("import", newer, "--watch", "b12-dpn").stdout
    result = litwatch("import", older, "--watch", "b12-dpn")
    assert result.exit_code == 0, result
    assert "0 new, 0 revised, 0 unchanged, 1 older than the version held (kept as history)" in (
        result.stdout
    )
    with Store.open(data_dir / "litwatch.sqlite") as store:
        assert [r.title for r in store.latest_records("b12-dpn")] == [final]
        assert [v.record.version for v in store.record_versions("93000001")] == [2, 1]  # kept
        assert store.get_record("93000001").title == final
    [item] = digest_of(data_dir).items
    assert (item.kind, item.record.title) == ("new", final)
    # Control: a newer version imported after is a revision.
    again = export(tmp_path / "v3.xml", article("93000001", "Erratum", version=3, status="MEDLINE"))
    revised = litwatch("import", again, "--watch", "b12-dpn")
    assert "0 new, 1 revised" in revised.stdout


def test_two_versions_imported_before_a_digest_are_one_item_at_the_newest(
    litwatch, data_dir, tmp_path
):
    final = "Methylcobalamin for diabetic neuropathy: final results"
    older = export(tmp_path / "v1.xml", article("93000002", "Interim results", version=1))
    newer = export(tmp_path / "v2.xml", article("93000002", final, version=2, status="MEDLINE"))
    litwatch("import", older, "--watch", "b12-dpn")
    assert "0 new, 1 revised" in litwatch("import", newer, "--watch", "b12-dpn").stdout
    digest = digest_of(data_dir)
    assert [(i.record.pmid, i.kind, i.record.title) for i in digest.items] == [
        ("93000002", "new", final)
    ]
    assert digest.covered == (("93000002", 2),)


# --- item 11: implausible numbers are left unread -----------------------------------------

IMPLAUSIBLE = (
    "<PubmedArticle><MedlineCitation Status='Publisher' Owner='NLM'><PMID Version='1'>{pmid}</PMID>"
    "<Article><Journal><Title>J</Title></Journal><ArticleTitle>Methylcobalamin in diabetic"
    " neuropathy</ArticleTitle><Abstract><AbstractText>{count} people with diabetic neuropathy"
    " were randomised to methylcobalamin {dose} daily or placebo for {weeks} weeks."
    "</AbstractText></Abstract><Language>eng</Language></Article></MedlineCitation>"
    "</PubmedArticle>"
)


def test_implausible_counts_follow_up_and_doses_are_unread_by_classify(
    litwatch, data_dir, tmp_path
):
    path = export(
        tmp_path / "numbers.xml",
        IMPLAUSIBLE.format(pmid=1, count="8000000000", dose=f"{'9' * 30} mg", weeks="99999"),
        IMPLAUSIBLE.format(pmid=2, count="80", dose="1000 µg", weeks="12"),  # control
    )
    result = litwatch("classify", path)
    assert result.exit_code == 0, result
    rows = [json.loads(line)["attributes"] for line in result.stdout.splitlines()]
    read = [(r["n_participants"], r["follow_up_weeks"], r["daily_dose"]) for r in rows]
    assert read == [(None, None, None), (80, 12.0, 1000.0)]


# --- item 13: one failing watch does not stop the others -----------------------------------


def test_run_over_every_watch_runs_each_and_names_the_ones_that_failed(
    prefect_api, litwatch, data_dir, hostile_eutils, monkeypatch, tmp_path
):
    hostile_eutils.count = 0  # every search finds nothing: a run that gets going completes
    monkeypatch.setenv("LITWATCH_EUTILS_URL", hostile_eutils.base_url)
    watches = write_watch_file(tmp_path, "metformin", names=("held", "fine"))
    # The first watch's lock is held by a run on another machine: that watch fails at once.
    with Store.open(data_dir / "litwatch.sqlite") as store:
        store.acquire_lock("held", "elsewhere:1", datetime.now(UTC), timedelta(hours=6))
    result = litwatch("run", "--watches", watches)
    assert result.exit_code == 1, result
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["fine"]
    assert one_line(result.stderr).startswith(
        "litwatch: 1 of 2 watches failed: held (watch 'held' is already running"
    )
    with Store.open(data_dir / "litwatch.sqlite") as store:
        assert [run.status for run in store.runs("fine")] == ["committed"]
    # Control: the one watch asked for fails with its own line, as before.
    alone = litwatch("run", "--watches", watches, "--watch", "held")
    assert alone.exit_code == 1
    assert one_line(alone.stderr).startswith("litwatch: watch 'held' is already running")


# --- item 20: outputs and settings checked before the work; a broken store or full disk ------


def test_classify_bulk_checks_its_out_and_scheduler_before_any_work(litwatch, data_dir, tmp_path):
    source = export(tmp_path / "one.xml", article("93000003", "Methylcobalamin"))
    a_file = export(tmp_path / "a-file.xml", article("93000004", "Methylcobalamin"))
    started = time.monotonic()
    for out, expected in (
        (tmp_path, f"litwatch: --out {tmp_path}: is a folder (give a file name, e.g."),
        (
            a_file / "out.parquet",
            f"litwatch: --out {a_file / 'out.parquet'}: {a_file} is not a folder",
        ),
    ):
        result = litwatch("classify-bulk", source, "--out", out)
        assert result.exit_code == 1 and one_line(result.stderr).startswith(expected), result
    result = litwatch(
        "classify-bulk", source, "--out", tmp_path / "r.parquet", "--scheduler", "tcp://127.0.0.1:1"
    )
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith(
        "litwatch: --scheduler tcp://127.0.0.1:1: no Dask scheduler answers ("
    )
    assert time.monotonic() - started < 20  # Dask alone waited 30 s for the scheduler
    assert not (tmp_path / "r.parquet").exists() and not list(tmp_path.glob("*.partial"))


def test_run_checks_its_out_and_now_before_any_work(litwatch, data_dir, tmp_path):
    a_file = export(tmp_path / "digests.txt", "")
    result = litwatch("run", "--out", a_file)
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        f"litwatch: --out {a_file}: not a folder (give a folder to write into)"
    )
    # item 27: a time that is not one
    result = litwatch("run", "--now", "garbage")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "litwatch: --now: expected an ISO time YYYY-MM-DD[THH:MM], got 'garbage'"
    )
    assert not (data_dir / "litwatch.sqlite").exists()  # no run was begun


def test_doctor_fails_an_eutils_url_without_a_scheme_in_one_line(litwatch, data_dir, monkeypatch):
    monkeypatch.setenv("LITWATCH_EUTILS_URL", "localhost")
    result = litwatch("doctor")
    assert (result.exit_code, result.stderr) == (1, "")
    [ncbi] = [line for line in result.stdout.splitlines() if "NCBI" in line]
    assert ncbi.startswith("FAIL NCBI E-utilities: localhost: LITWATCH_EUTILS_URL 'localhost':")
    assert "Traceback" not in result.stdout


def test_a_damaged_store_is_one_line_naming_it(litwatch, data_dir, corpus):
    ontopic = corpus / "ontopic" / "ontopic.xml"
    assert litwatch("import", ontopic, "--watch", "b12-dpn").exit_code == 0
    store = data_dir / "litwatch.sqlite"
    with sqlite3.connect(store) as db:  # the pages of the table every import reads first
        [(root,)] = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'watch_records'")
        page = db.execute("PRAGMA page_size").fetchone()[0]
    damaged = bytearray(store.read_bytes())
    damaged[(root - 1) * page : root * page] = b"\xde\xad" * (page // 2)
    store.write_bytes(bytes(damaged))
    result = litwatch("import", ontopic, "--watch", "b12-dpn")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith(f"litwatch: store {store}: ")
    assert "the file is damaged" in result.stderr


def test_a_full_disk_is_one_line_and_the_next_import_recovers(corpus, tmp_path):
    """The store on a 160 kB file system (a mount namespace of its own), then room made."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare for a small private file system")
    small = tmp_path / "small"
    small.mkdir()
    env = command_env(tmp_path, LITWATCH_DATA_DIR=str(small))
    command = (
        f"{sys.executable} -m litwatch.cli import {corpus / 'ontopic' / 'ontopic.xml'} -w b12-dpn"
    )
    script = (
        f"mount -t tmpfs -o size=160k tmpfs {small} || exit 99; {command}; echo rc=$?;"
        f" mount -o remount,size=16m {small} && {command}"
    )
    child = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if child.returncode == 99:
        pytest.skip(f"cannot mount a private file system here: {child.stderr.strip()}")
    lines = child.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"litwatch: store {small}/litwatch.sqlite: "), (
        child.stderr
    )
    assert "full" in lines[0]
    first, second = child.stdout.splitlines()
    assert first == "rc=1"
    assert second.startswith("b12-dpn: imported 24 records") and "classified" in second


# --- item 27: a path is named as it was given ----------------------------------------------


def test_a_file_that_cannot_be_read_is_named_as_the_user_gave_it(litwatch, data_dir, tmp_path):
    (tmp_path / "exports").mkdir()
    for given in (".", "exports/", "../" + tmp_path.name + "/missing.xml"):
        result = litwatch("classify", given)
        assert result.exit_code == 1
        shown = str(Path(given))  # as Typer hands it over: "exports/" is "exports"
        assert one_line(result.stderr).startswith(f"litwatch: {shown}: cannot be read ("), given


def test_every_long_command_checks_where_it_writes_first(litwatch, data_dir, monkeypatch, tmp_path):
    a_file = export(tmp_path / "a-file.txt", "")
    folder = tmp_path / "models"
    folder.mkdir()
    for args, expected in (
        (("train", "--out", folder), f"--out {folder}: is a folder"),
        (("train-findings", "--out", folder), f"--out {folder}: is a folder"),
        (("demo", "--out", a_file), f"--out {a_file}: not a folder"),
    ):
        result = litwatch(*args)
        assert result.exit_code == 1, args
        assert one_line(result.stderr).startswith(f"litwatch: {expected}"), result
    monkeypatch.setenv("LITWATCH_OUTPUT_DIR", str(a_file))
    result = litwatch("backfill", "--watch", "b12-dpn", "--since", "2026-01-01")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        f"litwatch: output folder {a_file}: not a folder (give a folder to write into)"
    )
