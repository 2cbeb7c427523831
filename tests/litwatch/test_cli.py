"""The CLI's flags: `--out` never moves the store; the demo quiets Prefect's logs."""

from __future__ import annotations

import logging
import os

import litwatch.flows.weekly
from typer.testing import CliRunner

from litwatch.cli import app


def settings_of_run(monkeypatch, tmp_path, *args: str):
    """The settings `litwatch run ARGS` hands the flow (the flow itself is not run)."""
    handed = []

    def run_watches(settings, **options):
        handed.append(settings)
        return iter(())

    monkeypatch.setattr(litwatch.flows.weekly, "run_watches", run_watches)
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "settings.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(tmp_path / "settings.toml"))
    result = CliRunner().invoke(app, ["run", *args])
    assert result.exit_code == 0, result.output
    return handed[0]


def test_run_out_moves_the_digest_files_and_leaves_the_store_in_the_data_folder(
    monkeypatch, tmp_path
):
    settings = settings_of_run(monkeypatch, tmp_path, "--out", str(tmp_path / "digests"))
    assert settings.out_dir == tmp_path / "digests"
    assert settings.db_path == tmp_path / "data" / "litwatch.sqlite"
    assert settings.outbox_dir == tmp_path / "data" / "outbox"


def test_without_out_the_files_go_to_the_data_folder(monkeypatch, tmp_path):
    settings = settings_of_run(monkeypatch, tmp_path)  # control
    assert settings.out_dir == tmp_path / "data" / "out"


def test_the_demo_quiets_prefect_without_editing_the_environment(monkeypatch):
    # (Analytics are off for every command's temporary API, the demo's included:
    # tests/reliability/test_embedded_api.py.)
    from litwatch.flows.demo import offline_prefect

    monkeypatch.delenv("PREFECT_LOGGING_LEVEL", raising=False)
    prefect_logger = logging.getLogger("prefect")
    level = prefect_logger.level
    environment = dict(os.environ)
    try:
        prefect_logger.setLevel(logging.INFO)
        assert prefect_logger.getEffectiveLevel() == logging.INFO  # control
        with offline_prefect():
            assert prefect_logger.getEffectiveLevel() == logging.WARNING
        assert dict(os.environ) == environment
    finally:
        prefect_logger.setLevel(level)
