"""`litwatch train` and `train-findings` on data they cannot learn from: one line saying what
is missing, never a scikit-learn traceback; unknown labels refused by row; a retrained findings
model written under the data folder and chosen by LITWATCH_FINDINGS_MODEL (issue #18)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace as dataclass_replace
from datetime import datetime
from pathlib import Path

import pytest
from helpers import litwatch_cli
from litwatch.classifiers.findings.model import load_model, shipped_model
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.text import read_abstract
from litwatch.flows.importing import import_files
from litwatch.pubmed.formats import parse_file

from litwatch.doctor import check_findings_model
from litwatch.settings import Settings

ARTICLES = 8  # the first articles of the Evidence Inference prompts: 14 prompts, three labels


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    return litwatch_cli(monkeypatch, capsys, *args)


@pytest.fixture(autouse=True)
def own_settings(monkeypatch, tmp_path):
    """Settings from the environment only, data under tmp_path, run from tmp_path."""
    for name in [name for name in __import__("os").environ if name.startswith("LITWATCH_")]:
        if name != "LITWATCH_CORPUS_DIR":
            monkeypatch.delenv(name)
    (tmp_path / "settings.toml").write_text("")  # a named settings file must exist
    monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def small_set(corpus, tmp_path_factory) -> tuple[Path, list[list[str]]]:
    """A few labelled articles of the Evidence Inference set: their abstracts as PubMed XML
    and their prompts' rows (header first)."""
    folder = corpus / "evidence-inference"
    rows = list(csv.reader(io.StringIO((folder / "ei_dev_prompts.csv").read_text("utf-8"))))
    pmids: list[str] = []
    for row in rows[1:]:
        if row[1] not in pmids:
            pmids.append(row[1])
    chosen = set(pmids[:ARTICLES])
    text = (folder / "ei_dev_abstracts.xml").read_text("utf-8")
    articles = [
        article
        for article in re.findall(r"<PubmedArticle>.*?</PubmedArticle>", text, re.DOTALL)
        if re.search(r"<PMID[^>]*>(\d+)</PMID>", article).group(1) in chosen
    ]
    abstracts = tmp_path_factory.mktemp("ei") / "abstracts.xml"
    abstracts.write_text(
        '<?xml version="1.0"?>\n<PubmedArticleSet>' + "".join(articles) + "</PubmedArticleSet>",
        "utf-8",
    )
    return abstracts, [rows[0], *(row for row in rows[1:] if row[1] in chosen)]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def train_findings(monkeypatch, capsys, abstracts: Path, prompts: Path, *more: str):
    return run(
        monkeypatch,
        capsys,
        "train-findings",
        "--abstracts",
        str(abstracts),
        "--prompts",
        str(prompts),
        *more,
    )


def test_an_unknown_label_is_refused_in_one_line_naming_its_row(
    monkeypatch, capsys, tmp_path, small_set
):
    abstracts, rows = small_set
    relabelled = [
        rows[0],
        *(row[:5] + ["maybe", *row[6:]] if i % 3 == 0 else row for i, row in enumerate(rows[1:])),
    ]
    prompts = write_rows(tmp_path / "prompts.csv", relabelled)
    code, out, err = train_findings(monkeypatch, capsys, abstracts, prompts)
    assert code == 1 and out == ""
    assert err.count("\n") == 1, err
    assert f"{prompts}: line 2: label 'maybe' is not one of" in err
    assert f"(prompt '{rows[1][0]}')" in err
    assert not (tmp_path / "data" / "models").exists()  # nothing learnt from it


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        # every prompt one label: nothing to tell apart
        (lambda row: row[:5] + ["increased", *row[6:]], "the prompts hold only 'increased'"),
        # no prompt names an article of the abstracts file
        (lambda row: [row[0], "1" + row[1], *row[2:]], "names a PMID among the 8 abstracts"),
        # no evidence text found in any abstract: no sentence to learn to find
        (
            lambda row: [*row[:6], "not in any abstract"],
            "needs cited and uncited sentences; no sentence",
        ),
    ],
    ids=["one-label", "no-pmid-matched", "no-evidence-sentence"],
)
def test_train_findings_says_in_one_line_what_its_data_lacks(
    monkeypatch, capsys, tmp_path, small_set, change, missing
):
    abstracts, rows = small_set
    prompts = write_rows(tmp_path / "prompts.csv", [rows[0], *map(change, rows[1:])])
    code, out, err = train_findings(monkeypatch, capsys, abstracts, prompts)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("litwatch: ") and missing in err, err


def test_a_retrained_findings_model_goes_under_the_data_folder_and_the_setting_selects_it(
    monkeypatch, capsys, tmp_path, small_set
):
    abstracts, rows = small_set
    prompts = write_rows(tmp_path / "prompts.csv", rows)
    # Run from a folder laid out like the repository: its shipped model must stay as it was.
    shipped_copy = tmp_path / "classifiers" / "models" / "findings.skops"
    shipped_copy.parent.mkdir(parents=True)
    shipped_copy.write_bytes(b"the shipped model")
    code, out, err = train_findings(monkeypatch, capsys, abstracts, prompts)
    model_file = tmp_path / "data" / "models" / "findings.skops"
    assert code == 0, err
    assert shipped_copy.read_bytes() == b"the shipped model"
    assert model_file.is_file() and f"LITWATCH_FINDINGS_MODEL={model_file}" in out
    card = json.loads((model_file.parent / "findings_card.json").read_text("utf-8"))
    assert card["n_prompts"] == len(rows) - 1 == sum(card["labels"].values())

    # `findings` answers with the model the setting names: the retrained one's calls.
    asked = write_rows(tmp_path / "asked.csv", [row[:5] for row in rows])
    code, out, _ = run(monkeypatch, capsys, "findings", str(abstracts), "--prompts", str(asked))
    assert code == 0
    with_shipped = [json.loads(line) for line in out.splitlines()]
    monkeypatch.setenv("LITWATCH_FINDINGS_MODEL", str(model_file))
    code, out, _ = run(monkeypatch, capsys, "findings", str(abstracts), "--prompts", str(asked))
    assert code == 0
    with_retrained = [json.loads(line) for line in out.splitlines()]
    retrained, texts = load_model(model_file), {}
    for record in parse_file(abstracts):
        texts[record.pmid] = read_abstract(record)
    expected = [
        round(effect_in(texts[row[1]], *row[2:5], model=retrained).confidence, 6)
        for row in rows[1:]
    ]
    assert [round(a["confidence"], 6) for a in with_retrained] == expected
    shipped = [
        round(effect_in(texts[row[1]], *row[2:5], model=shipped_model()).confidence, 6)
        for row in rows[1:]
    ]
    assert [round(a["confidence"], 6) for a in with_shipped] == shipped != expected  # control

    # doctor names the model in use, and a setting that names no model fails every reader.
    assert "LITWATCH_FINDINGS_MODEL" in check_findings_model(Settings()).line()
    assert str(model_file) in check_findings_model(Settings()).line()
    monkeypatch.setenv("LITWATCH_FINDINGS_MODEL", str(tmp_path / "absent.skops"))
    assert check_findings_model(Settings()).failed
    for command in (["findings", str(abstracts)], ["classify", str(abstracts)]):
        code, out, err = run(monkeypatch, capsys, *command)
        assert code == 1 and out == "" and err.count("\n") == 1, err
        assert "absent.skops: no such file (LITWATCH_FINDINGS_MODEL)" in err
    for named, reason in (
        (tmp_path / "prompts.csv", "File is not a zip file"),  # not a model at all
        (model_file.parent, "Is a directory"),
    ):
        monkeypatch.setenv("LITWATCH_FINDINGS_MODEL", str(named))
        code, out, err = run(monkeypatch, capsys, "findings", str(abstracts))
        assert code == 1 and out == "" and err.count("\n") == 1, err
        assert f"findings model {named}: cannot be read (" in err and reason in err


def test_a_store_classified_with_one_findings_model_is_reclassified_with_another(
    monkeypatch, capsys, tmp_path, small_set
):
    """The setting reaches records already stored: their findings were read by another model."""
    abstracts, rows = small_set
    prompts = write_rows(tmp_path / "prompts.csv", rows)
    assert train_findings(monkeypatch, capsys, abstracts, prompts)[0] == 0
    retrained = tmp_path / "data" / "models" / "findings.skops"
    shipped = Settings(data_dir=tmp_path / "store")
    named = shipped.model_copy(update={"findings_model": retrained})

    def classified(settings: Settings) -> int:
        line = import_files(settings, "b12-dpn", [abstracts], datetime(2026, 11, 23, 7, 0))
        return int(line.rsplit(";", 1)[1].split()[0])

    assert classified(shipped) == ARTICLES
    assert classified(shipped) == 0  # control: nothing stale, nothing classified again
    assert classified(named) == ARTICLES
    assert classified(shipped) == ARTICLES  # and back


@pytest.fixture(scope="module")
def trials(small_set) -> Path:
    return small_set[0]  # eight abstracts of randomised trials


SEEDTK = "pubmed-xml/SEEDtk__ncbi.utils__data__pubmed.xml"  # 100 records, other and reviews
BIOPYTHON = "pubmed-xml/biopython__biopython__Tests__Entrez__pubmed{}.xml"  # a few records each


@pytest.mark.parametrize(
    ("sources", "missing"),
    [
        ([SEEDTK], "cross-validation by source file holds out SEEDtk"),
        ([BIOPYTHON.format(1), BIOPYTHON.format(2)], "a model needs two designs of 5 or more"),
    ],
    ids=["one-file", "few-records-of-one-design"],
)
def test_train_says_in_one_line_what_its_data_lacks(
    monkeypatch, capsys, tmp_path, corpus, trials, sources, missing
):
    files = [str(corpus / source) for source in sources]
    code, out, err = run(monkeypatch, capsys, "train", *files, "--trials", str(trials))
    lines = [line for line in err.splitlines() if line.strip()]  # the progress bar ends blank
    assert code == 1 and out == ""
    assert len(lines) == 1 and lines[0].startswith("litwatch: train: ") and missing in err, err
    assert not (tmp_path / "data" / "models").exists()


def test_train_findings_ships_a_calibrated_confidence_that_the_reader_uses(
    monkeypatch, capsys, tmp_path, small_set
):
    """Issue #22: the confidence stored with a call is the calibration's chance that it is
    right (fitted on out-of-fold calls by `train-findings`), not the raw vote share."""
    from dataclasses import replace

    from litwatch.classifiers.findings.reader import effect_reading

    abstracts, rows = small_set
    prompts = write_rows(tmp_path / "prompts.csv", rows)
    assert train_findings(monkeypatch, capsys, abstracts, prompts)[0] == 0
    model_file = tmp_path / "data" / "models" / "findings.skops"
    card = json.loads((model_file.parent / "findings_card.json").read_text("utf-8"))
    assert card["calibrated"] is True
    assert "Confidence: the chance a call is right" in (
        model_file.parent / "findings_card.md"
    ).read_text("utf-8")
    model = load_model(model_file)
    assert model.calibration and set(model.calibration) <= {
        "bias",
        "vote",
        "vote_logit",
        "margin",
        "overridden",
        "top_share",
        "one_candidate",
        *(f"label={label}" for label in ("increased", "decreased", "no-difference")),
    }
    texts = {record.pmid: read_abstract(record) for record in parse_file(abstracts)}
    readings = [effect_reading(texts[row[1]], *row[2:5], model=model) for row in rows[1:]]
    asked = write_rows(tmp_path / "asked.csv", [row[:5] for row in rows])
    monkeypatch.setenv("LITWATCH_FINDINGS_MODEL", str(model_file))
    code, out, _ = run(monkeypatch, capsys, "findings", str(abstracts), "--prompts", str(asked))
    assert code == 0
    answered = [json.loads(line)["confidence"] for line in out.splitlines()]
    assert answered == [call.confidence for call, _ in readings]
    # Control: the same weights without their calibration give the raw vote shares.
    raw = replace(model, calibration={})
    raw_confidences = [
        effect_reading(texts[row[1]], *row[2:5], model=raw)[0].confidence for row in rows[1:]
    ]
    assert raw_confidences == [round(features["vote"], 4) for _, features in readings]
    assert raw_confidences != answered


def test_a_reviewer_checked_call_teaches_the_findings_model(small_set, tmp_path):
    """Issue #22: calls a reviewer checked are learnt from, weighted: a corrected label on
    one prompt turns the retrained model's call on it; the card counts the checked calls."""
    from litwatch.classifiers.findings.model import LABELS
    from litwatch.classifiers.findings.training import train_model

    from litwatch.findings_command import read_prompts

    abstracts_file, rows = small_set
    prompts = read_prompts(write_rows(tmp_path / "prompts.csv", rows), labels=LABELS)
    texts = {record.pmid: read_abstract(record) for record in parse_file(abstracts_file)}
    before = train_model(texts, prompts, calibrate=False)

    def call(model, target) -> str:
        question = (target.outcome, target.intervention, target.comparator)
        return effect_in(texts[target.pmid], *question, model=model).label

    # The first prompt the model calls a difference on: its call is the model's to make.
    target = next(p for p in prompts if call(before, p) != "no-difference")
    corrected = next(label for label in LABELS if label != call(before, target))
    checked = [dataclass_replace(target, label=corrected)]
    after = train_model(texts, prompts, {}, checked=checked, checked_weight=50, calibrate=False)
    assert call(after, target) == corrected
    assert after.card["n_checked"] == 1 and after.card["checked_weight"] == 50
    # Control: at the weight of one prompt, the one correction does not outvote the rest.
    light = train_model(texts, prompts, checked=checked, checked_weight=1e-6, calibrate=False)
    assert call(light, target) == call(before, target)
    # A rule, not the model, calls "to decrease (0.62 vs 0.59; P = 0.19)" no difference: a
    # correction to a direction teaches the model but leaves that call (the reviewer's checked
    # value is what the summary shows for it).
    pinned = prompts[0]
    assert "P = 0.19" in next(row for row in rows[1:] if row[2] == pinned.outcome)[6]
    direction = [dataclass_replace(pinned, label="increased")]
    taught = train_model(texts, prompts, {}, checked=direction, checked_weight=50, calibrate=False)
    assert call(before, pinned) == call(taught, pinned) == "no-difference"
