"""The HTML digest as a person sees it: headless Chromium at desktop and phone widths."""

from __future__ import annotations

import pytest
from litwatch.outputs.render import write_digest_files
from outputs_samples import SAMPLE_CHANGES, WATCH, sample_digest


@pytest.mark.parametrize("width", [1280, 375])
def test_html_digest_fits_the_screen_without_errors(chromium, tmp_path, width):
    paths = write_digest_files(sample_digest(), WATCH, tmp_path, changes=SAMPLE_CHANGES)
    page = chromium(paths.html, width, tmp_path / f"digest-{width}.png")
    assert page.screenshot.read_bytes().startswith(b"\x89PNG")
    assert page.scroll_width <= page.client_width, f"horizontal overflow at {width}px"
    assert page.console_errors == []


def test_the_check_sees_overflow_and_script_errors(chromium, tmp_path):
    """A control: a page that overflows and throws must fail the same check."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><div style="width:900px">wide</div>'
        "<script>undefinedFunction()</script></body></html>"
    )
    result = chromium(page, 375, tmp_path / "bad.png")
    assert result.scroll_width > result.client_width
    assert any("undefinedFunction" in error for error in result.console_errors)
