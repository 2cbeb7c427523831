"""`litwatch import` and the CLI's error contract, through the installed command."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from litwatch.flows.importing import import_files
from litwatch.store import Store

from litwatch.settings import Settings

# Its tests start a stand-in, a Prefect flow or the CLI's flows themselves: the `server` lane.
pytestmark = pytest.mark.server

NOW = datetime(2026, 11, 23, 7, 0)


def test_import_takes_xml_and_medline_into_a_watch_store_once(corpus, tmp_path):
    settings = Settings(data_dir=tmp_path)
    files = [
        corpus / "ontopic" / "ontopic.xml",
        corpus / "medline" / "biopython__biopython__Tests__Medline__pubmed_result1.txt",
    ]
    line = import_files(settings, "b12-dpn", files, NOW)
    assert "\n" not in line and "imported" in line
    again = import_files(settings, "b12-dpn", files, NOW)
    assert " 0 new, 0 revised" in again  # idempotent
    with Store.open(settings.db_path) as store:
        records = store.latest_records("b12-dpn")
        assert {"99000012", "20488910"} <= {r.pmid for r in records}
        assert store.watermark("b12-dpn") is None  # an import searched no date window
        assert store.classification("99000012", 1, "b12-dpn").gaps["stratified_rct"]


def test_an_import_stopped_by_any_error_is_recorded_failed_with_its_reason(
    corpus, tmp_path, monkeypatch
):
    """The import caught only litwatch's own errors and left any other one's run `running`."""
    import litwatch.flows.classifying

    def broken_classifier(store, watch, design_model, **models):
        raise MemoryError("classifying 99000012")

    settings = Settings(data_dir=tmp_path)
    files = [corpus / "ontopic" / "ontopic.xml"]
    import_files(settings, "b12-dpn", files, NOW)  # control: the same import commits
    monkeypatch.setattr(litwatch.flows.classifying, "classify_pending", broken_classifier)
    with pytest.raises(MemoryError):
        import_files(settings, "b12-dpn", files, NOW)
    with Store.open(settings.db_path) as store:
        runs = store.runs("b12-dpn")
    assert [(run.status, run.error) for run in runs] == [
        ("committed", None),
        ("failed", "MemoryError: classifying 99000012"),
    ]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "litwatch.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_user_errors_are_one_line_on_stderr_with_a_non_zero_exit(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not pubmed\n")
    result = run_cli("classify", str(bogus), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"litwatch: {bogus}: not PubMed XML or MEDLINE text"
    ]
    broken = tmp_path / "watches.toml"
    broken.write_text("[[watch]]\nname = 'x'\n")
    result = run_cli("classify", str(bogus), "--watches", str(broken), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "watch 'x': query: Field required" in result.stderr
