"""Configuration a careless or hostile user could give (issue #18, items 7, 8, 15, 17, 21, 22,
23): refused at load in one `litwatch:` line by a run, and as one FAIL line by `doctor`, never
read wrong, crashed on later, or read without bound. Each through the console entry point."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from helpers import one_line

from litwatch.config import default_watch_file

SHIPPED = default_watch_file().read_text(encoding="utf-8")


@pytest.fixture
def env(monkeypatch, tmp_path) -> Path:
    """No LITWATCH_* of the user's; an empty settings file; a data folder not yet made; a
    closed port for E-utilities (a run that got past its checks fails there at once)."""
    for name in list(os.environ):
        if name.startswith("LITWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env
    settings = tmp_path / "settings.toml"
    settings.write_text("", encoding="utf-8")
    monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(settings))
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LITWATCH_EUTILS_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("LITWATCH_ENTREZ_MAX_ATTEMPTS", "1")
    return tmp_path / "data"


def doctor_lines(litwatch, *args: str) -> dict[str, str]:
    result = litwatch("doctor", *args)
    assert result.exit_code == 1 and "Traceback" not in result.stderr, result
    return {line[5:].split(":", 1)[0]: line for line in result.stdout.splitlines()}


# --- the watch file ----------------------------------------------------------------------------

EXTRA_GAP = """
[[watch.gaps]]
name = "{name}"
question = "Any?"
[[watch.gaps.require]]
phrases = [{phrase}]
"""

BAD_WATCH_FILES = {
    # 7: without the intervention's names, 99000002 read favours-comparator on four outcomes
    "no-intervention": (
        re.sub(r"(?ms)^intervention = \[.*?\]\n", "", SHIPPED),
        "watch 'b12-dpn': findings: intervention: name what the watch's trials test",
    ),
    # 8: a second question of one name put its before-line under the other in "What this changes"
    "question-twice": (
        SHIPPED + '\n[[watch.questions]]\nname = "symptoms-pain"\ntitle = "Again"\n'
        'domains = ["pain"]\n',
        "watch 'b12-dpn': questions: question name 'symptoms-pain' is used twice",
    ),
    # 8, 15: caught only when a run compiled the gaps
    "gap-twice": (
        SHIPPED + EXTRA_GAP.format(name="head_to_head", phrase='"b12"'),
        "watch 'b12-dpn': gaps: gap name 'head_to_head' is used twice",
    ),
    # 15: IndexError in term_pattern at every run
    "phrase-star": (
        SHIPPED + EXTRA_GAP.format(name="any", phrase='"*"'),
        "phrases: '*': a term is empty",
    ),
    "phrase-empty": (SHIPPED + EXTRA_GAP.format(name="any", phrase='""'), "a term is empty"),
    "phrase-blank": (SHIPPED + EXTRA_GAP.format(name="any", phrase='" "'), "a term is empty"),
    # 17: RecursionError
    "rule-400-deep": (
        SHIPPED.replace(
            'rule = "b12 and ((diabetes and neuropathy) or metformin)"',
            f'rule = "{"(" * 400}b12{")" * 400}"',
        ),
        "rule nests parentheses and 'not' deeper than 32",
    ),
    "arrays-500-deep": (
        SHIPPED.replace('recipients = ["', f"recipients = {'[' * 500}{']' * 500}\n# ", 1),
        "invalid TOML: arrays or tables nested too deeply",
    ),
    # 21: read whole, however large
    "over-4-mb": (SHIPPED + "#" * (4 << 20) + "\n", "watch file is larger than 4 MB; not read"),
}


@pytest.mark.parametrize("case", BAD_WATCH_FILES, ids=list(BAD_WATCH_FILES))
def test_a_watch_file_a_run_would_misread_or_crash_on_is_refused_at_load(litwatch, env, case):
    text, expected = BAD_WATCH_FILES[case]
    path = env.parent / "watches.toml"
    path.write_text(text, encoding="utf-8")
    result = litwatch("run", "--watches", path)
    assert result.exit_code == 1, result
    line = one_line(result.stderr)
    assert line.startswith(f"litwatch: {path}: ") and expected in line, line
    assert not env.exists()  # refused before any store was opened
    doctor = doctor_lines(litwatch, "--watches", str(path))
    assert doctor["watch file"] == f"FAIL watch file: {line[10:]}"


def test_the_shipped_watch_file_passes_the_same_checks(litwatch, env):
    """Control for the cases above: the file they are made from loads, in doctor too."""
    result = litwatch("doctor")
    lines = {line[5:].split(":", 1)[0]: line for line in result.stdout.splitlines()}
    assert lines["watch file"].startswith("ok   watch file: "), result


def test_without_the_intervention_names_the_trial_is_not_read_as_favouring_placebo(
    litwatch, env, corpus
):
    """99000002 ("... improved with methylcobalamin and several measures worsened with
    placebo"): favours B12 with the shipped watch; the same watch without `intervention` read
    it favours-comparator on four outcomes, and is now refused instead."""
    source = (corpus / "ontopic" / "ontopic.xml").read_text(encoding="utf-8")
    article = re.search(
        r"(?s)<PubmedArticle>(?:(?!</PubmedArticle>).)*<PMID[^>]*>99000002<.*?</PubmedArticle>",
        source,
    )
    assert article
    one = env.parent / "99000002.xml"
    one.write_text(f"<PubmedArticleSet>{article.group(0)}</PubmedArticleSet>", encoding="utf-8")
    shipped = litwatch("findings", one)
    assert shipped.exit_code == 0, shipped
    directions = set(re.findall(r'"direction": "([a-z-]+)"', shipped.stdout))
    assert directions == {"favours-intervention"}  # control
    without = env.parent / "watches.toml"
    without.write_text(BAD_WATCH_FILES["no-intervention"][0], encoding="utf-8")
    result = litwatch("findings", one, "--watches", without)
    assert result.exit_code == 1 and "favours-comparator" not in result.stdout
    assert "findings: intervention: name what" in one_line(result.stderr)


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder", "missing"])
def test_a_watch_file_that_is_no_regular_file_is_one_line_not_a_hang(
    litwatch, env, monkeypatch, kind
):
    """/dev/zero grew doctor to 24 GB; a FIFO without a writer would block the open."""
    path = {"dev-zero": Path("/dev/zero")}.get(kind, env.parent / "watches.toml")
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    expected = {
        "dev-zero": "(not a regular file)",
        "fifo": "(not a regular file)",
        "folder": "(it is a folder)",
        "missing": "(No such file or directory)",
    }[kind]
    result = litwatch("run", "--watches", path)
    assert result.exit_code == 1
    assert one_line(result.stderr) == f"litwatch: {path}: cannot read watch file {expected}"
    monkeypatch.setenv("LITWATCH_WATCHES_FILE", str(path))  # the repro: the setting
    lines = doctor_lines(litwatch)
    assert lines["watch file"] == f"FAIL watch file: {path}: cannot read watch file {expected}"


def test_a_prompts_file_that_is_no_regular_file_is_one_line(litwatch, env, corpus):
    """`findings --prompts /dev/zero` raised MemoryError."""
    records = corpus / "ontopic" / "ontopic.xml"
    result = litwatch("findings", records, "--prompts", "/dev/zero")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "litwatch: /dev/zero: cannot read prompts CSV (not a regular file)"
    )


# --- the settings ------------------------------------------------------------------------------

BAD_SETTINGS = {
    # 22: each was silently taken for something else
    "named-file-missing": (
        {"LITWATCH_SETTINGS_FILE": "{tmp}/absent.toml"},
        "{tmp}/absent.toml: cannot read settings file (No such file or directory)",
    ),
    "named-file-a-folder": (
        {"LITWATCH_SETTINGS_FILE": "{tmp}"},
        "{tmp}: cannot read settings file (it is a folder)",
    ),
    "empty-data-dir": (
        {"LITWATCH_DATA_DIR": ""},
        "setting data_dir (LITWATCH_DATA_DIR): Value error, is empty: name a path",
    ),
    "empty-output-dir": (
        {"LITWATCH_OUTPUT_DIR": ""},
        "setting output_dir (LITWATCH_OUTPUT_DIR): Value error, is empty: name a path",
    ),
    "misspelt-variable": (
        {"LITWATCH_SMTP_PROT": "25", "LITWATCH_DATADIR": "/x"},
        (
            "unknown environment variables: LITWATCH_DATADIR (did you mean LITWATCH_DATA_DIR?), "
            "LITWATCH_SMTP_PROT (did you mean LITWATCH_SMTP_PORT?)"
        ),
    ),
    "port-out-of-range": (
        {"LITWATCH_SMTP_PORT": "70000"},
        "setting smtp_port (LITWATCH_SMTP_PORT): Input should be less than or equal to 65535",
    ),
    # 21: read whole, however large, or whatever it was
    "settings-dev-zero": (
        {"LITWATCH_SETTINGS_FILE": "/dev/zero"},
        "/dev/zero: cannot read settings file (not a regular file)",
    ),
    # 17
    "settings-500-deep": (
        {"settings.toml": f"smtp_port = {'[' * 500}{']' * 500}\n"},
        "settings.toml: invalid TOML: arrays or tables nested too deeply",
    ),
}


@pytest.mark.parametrize("case", BAD_SETTINGS, ids=list(BAD_SETTINGS))
def test_settings_a_run_would_take_for_something_else_are_one_line(
    litwatch, env, monkeypatch, case
):
    given, expected = BAD_SETTINGS[case]
    tmp = str(env.parent)
    for name, value in given.items():
        if name == "settings.toml":
            (env.parent / name).write_text(value, encoding="utf-8")
        else:
            monkeypatch.setenv(name, value.format(tmp=tmp))
    expected = expected.format(tmp=tmp)
    result = litwatch("run")
    assert result.exit_code == 1, result
    line = one_line(result.stderr)
    assert line.startswith("litwatch: ") and expected in line, line
    assert not env.exists() and not (env.parent / "out").exists()
    # doctor lists every invalid setting by variable ("LITWATCH_SMTP_PORT: ..."), a run the first
    doctor = doctor_lines(litwatch)
    assert list(doctor) == ["settings"]
    assert expected.split("): ", 1)[-1] in doctor["settings"], doctor


def test_the_settings_cases_pass_when_spelt_right(litwatch, env, monkeypatch):
    """Control: the same variables, valid, pass doctor's settings (doctor reports the rest)."""
    monkeypatch.setenv("LITWATCH_SMTP_PORT", "65535")
    monkeypatch.setenv("LITWATCH_OUTPUT_DIR", str(env.parent / "out"))
    lines = doctor_lines(litwatch)
    assert "settings" not in lines and lines["output folder"].startswith("ok   output folder")


# --- doctor looks at the store, and makes nothing ----------------------------------------------


def test_doctor_checks_the_store_read_only_and_makes_no_folder(litwatch, env):
    from litwatch.store.schema import MIGRATIONS
    from litwatch.store.store import Store

    lines = doctor_lines(litwatch)  # fails on NCBI only: nothing else is wrong
    assert lines["store"] == f"note store: no store yet at {env / 'litwatch.sqlite'}: " + (
        "the first run makes it"
    )
    assert lines["outbox folder"].endswith("can be made (the first run makes it)")
    assert not env.exists()  # data, out and outbox were made as a side effect

    store = env / "litwatch.sqlite"
    with Store.open(store):
        pass
    before = sorted(os.listdir(env))
    assert doctor_lines(litwatch)["store"] == (
        f"ok   store: {store}: schema version {len(MIGRATIONS)}, intact"
    )
    assert sorted(os.listdir(env)) == before  # no -wal, -shm, out/ or outbox/

    connection = sqlite3.connect(store)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    assert doctor_lines(litwatch)["store"] == (
        "FAIL store: store schema version 99 is newer than this litwatch "
        f"({len(MIGRATIONS)}); upgrade litwatch"
    )

    data = bytearray(store.read_bytes())
    data[4096 + 200 :] = b"\xab" * (len(data) - 4096 - 200)  # every page after the first
    store.write_bytes(bytes(data))
    assert doctor_lines(litwatch)["store"] == (
        f"FAIL store: store {store} cannot be read: database disk image is malformed"
    )
