"""`litwatch train`: a stratified, resumable PubMed sample through the stand-in; a model written
under the data folder with its card, named by LITWATCH_DESIGN_MODEL and reported by doctor."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import litwatch_cli
from litwatch.classifiers.design import MODEL_PATH, classify_designs, load_design_model
from litwatch.core.errors import ConfigError
from litwatch.flows.importing import import_files
from litwatch.pubmed.entrez import EntrezClient, EntrezConfig
from litwatch.pubmed.formats import parse_file
from litwatch.standin.testing import running_standin

from litwatch.doctor import check_design_model
from litwatch.settings import Settings
from litwatch.train_command import run_train
from litwatch.training_sources import EntrezSample, load_labelled, sample_entrez

SEEDTK = "pubmed-xml/SEEDtk__ncbi.utils__data__pubmed.xml"  # 100 records entered 2023-07..09
QUERIES = (("other", '"Journal Article"[pt]'), ("narrative-review", '"Review"[pt]'))


def client_for(standin, pace_dir: Path) -> EntrezClient:
    return EntrezClient(
        EntrezConfig(
            email="tests@example.org",
            base_url=standin.base_url,
            requests_per_second=3,  # NCBI's pace without a key
            pace_dir=pace_dir,
        )
    )


def test_entrez_sample_takes_recent_months_first_up_to_the_cap(corpus, tmp_path):
    plan = EntrezSample(cap=30, latest=date(2023, 9, 30), months=4, queries=QUERIES)
    with running_standin([corpus / SEEDTK]) as standin:
        sample = sample_entrez(client_for(standin, tmp_path), tmp_path / "sample", plan)
    by_query = [item.source_name.split()[1] for item in sample]
    # September holds 24 records, August 39: the cap is reached in August, July is never asked.
    assert by_query.count("other") == 30
    assert sorted(p.name for p in (tmp_path / "sample" / "other").iterdir()) == [
        "2023-08",
        "2023-09",
    ]
    # The rarer design goes back through every month of the plan and finds all 8 reviews
    # (some of them came with the first query already; each record is kept once).
    assert len(list((tmp_path / "sample" / "narrative-review").iterdir())) == 4
    reviews = {item.record.pmid for item in sample if item.label == "narrative-review"}
    assert len(reviews) == 8
    assert len({item.record.pmid for item in sample}) == len(sample)
    local = {item.record.pmid: item.label for item in load_labelled([corpus / SEEDTK])}
    assert all(local[item.record.pmid] == item.label for item in sample)  # labels from indexing


def test_entrez_sample_resumes_at_the_month_it_had_not_finished(corpus, tmp_path):
    plan = EntrezSample(cap=30, latest=date(2023, 9, 30), months=4, queries=QUERIES)
    folder = tmp_path / "sample"
    with running_standin([corpus / SEEDTK]) as standin:
        client = client_for(standin, tmp_path)
        first = sample_entrez(client, folder, plan)
        # A stop in the middle of August: its batches sit in a folder not yet renamed.
        (folder / "other" / "2023-08").rename(folder / "other" / "2023-08.partial")
        standin.log.clear()
        again = sample_entrez(client, folder, plan)
        assert standin.log.esearch_calls() == 1  # only August is searched again
        standin.log.clear()
        sample_entrez(client, folder, plan)
        assert standin.log.count() == 0  # a finished sample is read back without PubMed
    assert [item.record.pmid for item in again] == [item.record.pmid for item in first]
    assert not (folder / "other" / "2023-08.partial").exists()


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("data") / "models" / "design.skops"
    card = run_train(
        [corpus / SEEDTK, corpus / "medline" / "firbolg__ACTS_MeSH__pubmed.txt"],
        out,
        trained_on=date(2025, 1, 1),
        command="litwatch train (test)",
    )
    return out, card


def test_train_writes_the_model_with_a_card_that_describes_it(trained):
    out, card = trained
    written = json.loads(out.with_name("design_card.json").read_text())
    assert written["command"] == "litwatch train (test)"
    assert written["examples"] == card["examples"] > 100
    # Every held-out call is in the reliability table once, or left out as unjudgeable.
    assert sum(row["raw_calls"] for row in written["reliability"]) + sum(
        written["reliability_left_out"].values()
    ) == sum(m["support"] for m in written["cross_validation"]["per_label"].values())
    markdown = out.with_name("design_card.md").read_text()
    assert "## Reliability of `design_confidence`" in markdown


def test_classify_uses_the_model_the_setting_names_as_doctor_reports_it(
    trained, corpus, tmp_path, monkeypatch, capsys
):
    """Issue 18, item 9: `classify` used the shipped model whatever LITWATCH_DESIGN_MODEL said."""
    out, _ = trained
    for name in [name for name in os.environ if name.startswith("LITWATCH_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    path = corpus / "ontopic" / "ontopic.xml"

    def designs(setting: Path | None) -> list[tuple]:
        if setting is None:
            monkeypatch.delenv("LITWATCH_DESIGN_MODEL", raising=False)
        else:
            monkeypatch.setenv("LITWATCH_DESIGN_MODEL", str(setting))
        code, printed, errors = litwatch_cli(monkeypatch, capsys, "classify", path, "--text-only")
        assert (code, errors) == (0, "")
        rows = [json.loads(line) for line in printed.splitlines()]
        return [(row["design"], row["design_confidence"]) for row in rows]

    named = designs(out)
    expected = classify_designs(list(parse_file(path)), load_design_model(out), text_only=True)
    assert named == [(call.label, call.confidence) for call in expected]
    assert named != designs(None)  # control: the shipped model calls these records otherwise
    assert str(out) in check_design_model(Settings(design_model=out)).detail

    monkeypatch.setenv("LITWATCH_DESIGN_MODEL", str(tmp_path / "absent.skops"))
    code, printed, errors = litwatch_cli(monkeypatch, capsys, "classify", path)
    assert (code, printed) == (1, "")
    assert errors.splitlines() == [
        f"litwatch: design model {tmp_path / 'absent.skops'}: no such file (LITWATCH_DESIGN_MODEL)"
    ]


def test_a_retrained_model_file_is_read_again(trained, tmp_path):
    out, _ = trained
    copy = tmp_path / "design.skops"
    copy.write_bytes(MODEL_PATH.read_bytes())
    assert load_design_model(copy).card["trained_on"] != "2025-01-01"
    copy.write_bytes(out.read_bytes())  # retrained in place, as `litwatch train --out` does
    assert load_design_model(copy).card["trained_on"] == "2025-01-01"


def test_doctor_reports_the_model_the_setting_names(trained, tmp_path):
    out, _ = trained
    named = check_design_model(Settings(design_model=out))
    assert (named.outcome, str(out) in named.detail) == ("ok", True)
    assert "LITWATCH_DESIGN_MODEL" in named.detail
    shipped = check_design_model(Settings(design_model=None))
    assert (shipped.outcome, str(MODEL_PATH) in shipped.detail) == ("ok", True)
    missing = check_design_model(Settings(design_model=tmp_path / "nope.skops"))
    assert missing.outcome == "FAIL" and "nope.skops" in missing.detail
    (tmp_path / "notes.skops").write_text("not a model")
    wrong = check_design_model(Settings(design_model=tmp_path / "notes.skops"))
    assert wrong.outcome == "FAIL" and "not a skops model" in wrong.detail


def test_a_missing_named_model_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="gone.skops"):
        load_design_model(tmp_path / "gone.skops")


def test_an_import_classifies_with_the_model_the_settings_name(corpus, tmp_path):
    files = [corpus / "ontopic" / "ontopic.xml"]  # records not yet indexed: the model decides
    named = Settings(data_dir=tmp_path / "a", design_model=tmp_path / "absent.skops")
    with pytest.raises(ConfigError, match="absent.skops"):
        import_files(named, "b12-dpn", files, datetime(2026, 11, 23, 7, 0))
    # Control: the default settings classify with the shipped model.
    line = import_files(Settings(data_dir=tmp_path / "b"), "b12-dpn", files, datetime.now())
    assert "imported" in line
