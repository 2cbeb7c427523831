"""Fixtures for the outputs tests: hand-built digests and headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# Appended to a page copy: after layout, report overflow and any script error into the DOM.
_CHECK = """
<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
window.addEventListener('load', () => {
  const d = document.documentElement;
  const report = {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, errors: window.__errors};
  const out = document.createElement('pre'); out.id = '__layout_report';
  out.textContent = JSON.stringify(report);
  document.body.appendChild(out);
});
</script>
"""


@dataclass(frozen=True)
class PageCheck:
    scroll_width: int
    client_width: int
    console_errors: list[str]
    screenshot: Path


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", *args,
        ],
        capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip


@pytest.fixture
def chromium(tmp_path):
    """Open a local HTML file in headless Chromium at a width; screenshot it and measure overflow."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(
            "headless Chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        )

    def check(page: Path, width: int, screenshot: Path) -> PageCheck:
        profile = tmp_path / f"profile-{width}"
        shot = _chromium(
            f"--window-size={width},2000",
            f"--screenshot={screenshot}",
            page.as_uri(),
            profile=profile,
        )
        probe = page.with_name(f".probe-{width}-{page.name}")
        probe.write_text(
            page.read_text(encoding="utf-8").replace("</body>", _CHECK + "</body>"),
            encoding="utf-8",
        )
        dom = _chromium(
            f"--window-size={width},2000", "--virtual-time-budget=3000", "--dump-dom", probe.as_uri(),
            profile=profile,
        )  # fmt: skip
        probe.unlink()
        marker = '<pre id="__layout_report">'
        assert marker in dom.stdout, f"layout report missing; chromium said: {dom.stderr[-500:]}"
        report = json.loads(
            dom.stdout.split(marker, 1)[1].split("</pre>", 1)[0].replace("&quot;", '"')
        )
        console = [
            line for line in shot.stderr.splitlines() + dom.stderr.splitlines()
            if "CONSOLE" in line and ("ERROR" in line or "Uncaught" in line)
        ]  # fmt: skip
        return PageCheck(
            report["scrollWidth"], report["clientWidth"], report["errors"] + console, screenshot
        )

    return check
