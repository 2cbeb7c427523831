"""A saved model someone else wrote (issue #18, item 4): an archive that unpacks to hundreds of
megabytes, an array whose header claims more than it holds, and types litwatch never saves are
each refused in one line before anything is loaded, by the runs and by `doctor` alike."""

from __future__ import annotations

import collections
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from helpers import one_line, store_rows
from litwatch.classifiers.design import MODEL_PATH
from litwatch.classifiers.findings import model as findings_model
from litwatch.classifiers.model_archive import MAX_UNPACKED_BYTES
from litwatch.core.errors import ConfigError

# A float64 array of zeros just over the unpacked bound: 0.3 MB on disk, 260 MB unpacked.
BOMB_VALUES = (MAX_UNPACKED_BYTES + 4 * 2**20) // 8


def npy_header(shape: tuple[int, ...]) -> bytes:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    return header.getvalue()  # the magic string included


def shipped_with(path: Path, replace: dict[str, object]) -> Path:
    """The shipped design model with its largest array member's bytes as `replace` says:
    "bomb" (zeros past the bound, streamed) or bytes to store as they are."""
    with zipfile.ZipFile(MODEL_PATH) as shipped:
        largest = max(
            (m for m in shipped.infolist() if m.filename.endswith(".npy")),
            key=lambda m: m.file_size,
        )
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as hostile:
            for member in shipped.infolist():
                if member.filename != largest.filename:
                    hostile.writestr(member.filename, shipped.read(member))
                    continue
                content = replace["array"]
                with hostile.open(member.filename, "w", force_zip64=True) as out:
                    if content == "bomb":
                        out.write(npy_header((BOMB_VALUES,)))
                        zeros = bytes(8 * 2**20)
                        for _ in range(BOMB_VALUES * 8 // len(zeros)):
                            out.write(zeros)
                        out.write(bytes(BOMB_VALUES * 8 % len(zeros)))
                    else:
                        assert isinstance(content, bytes)
                        out.write(content)
    return path


@pytest.fixture(scope="module")
def hostile_models(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("models")
    bomb = shipped_with(folder / "bomb.skops", {"array": "bomb"})
    assert bomb.stat().st_size < 3 * 2**20
    lying = shipped_with(folder / "lying.skops", {"array": npy_header((200_000_000,)) + bytes(16)})
    untrusted = folder / "untrusted.skops"
    sio.dump({"title_vectorizer": collections.Counter(a=1)}, untrusted)
    return {"bomb": bomb, "lying": lying, "untrusted": untrusted}


# What the one line says of each, after "... PATH: ".
EXPECTED = {
    "bomb": "unpacked, over 256.0 MB",
    "lying": "declares 1,600,000,000 bytes of data but holds 16",
    "untrusted": "refused, it holds types a litwatch model never has ['collections.Counter']",
}


@pytest.mark.parametrize("model", ["design", "findings"])
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_doctor_loads_the_model_as_a_run_would_and_fails_a_hostile_one(
    litwatch, cli_env, monkeypatch, hostile_models, kind, model
):
    path = hostile_models[kind]
    setting = f"LITWATCH_{model.upper()}_MODEL"
    monkeypatch.setenv(setting, str(path))
    result = litwatch("doctor")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if f"{model} model:" in line]
    assert len(lines) == 1 and lines[0].startswith(f"FAIL {model} model: {path}: "), lines
    assert EXPECTED[kind] in lines[0] and lines[0].endswith(f"({setting})")


def test_doctor_still_passes_the_shipped_models(litwatch, cli_env):
    result = litwatch("doctor")  # control: fails on E-utilities, not on the models
    lines = [line for line in result.stdout.splitlines() if " model:" in line]
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith(f"ok   design model: {MODEL_PATH} (shipped; trained ")
    assert lines[1].startswith(f"ok   findings model: {findings_model.MODEL_PATH} (shipped; ")


def test_an_import_with_a_hostile_model_stops_in_one_line_and_loses_nothing(
    litwatch, cli_env, monkeypatch, corpus, hostile_models
):
    records = corpus / "ontopic" / "ontopic.xml"  # not yet indexed: the model decides
    path = hostile_models["bomb"]
    monkeypatch.setenv("LITWATCH_DESIGN_MODEL", str(path))
    result = litwatch("import", records, "--watch", "b12-dpn")
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith(f"litwatch: design model {path}: ") and EXPECTED["bomb"] in line
    # The model is loaded before any work (issue #18 item 20): nothing was stored or classified.
    store = cli_env / "litwatch.sqlite"
    assert not store.exists() or store_rows(store)["classifications"] == []
    # The next import with a sound model stores and classifies them all.
    monkeypatch.delenv("LITWATCH_DESIGN_MODEL")
    again = litwatch("import", records, "--watch", "b12-dpn")
    assert again.exit_code == 0, again.stderr
    summary = re.fullmatch(
        r"b12-dpn: imported (\d+) records .*; (\d+) classified", again.stdout.strip()
    )
    assert summary and summary[1] == summary[2] != "0", again.stdout


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_the_findings_model_loader_refuses_the_same_in_one_line(hostile_models, kind):
    path = hostile_models[kind]
    with pytest.raises(ConfigError) as refused:
        findings_model.load_model(path)
    assert str(refused.value).startswith(f"findings model {path}: ")
    assert EXPECTED[kind] in str(refused.value) and "\n" not in str(refused.value)
    # Control: the shipped findings model loads through the same checks.
    assert findings_model.load_model(findings_model.MODEL_PATH).ranking
