"""Markdown shows record text literally, and plain words stay readable in the raw file."""

from litwatch.outputs.render import markdown_text


def test_an_entity_in_record_text_stays_text():
    shown = markdown_text("Bad &#x202E; and &amp; and &lt;b&gt;")
    assert shown == "Bad &amp;\\#x202E; and &amp;amp; and &amp;lt;b&amp;gt;"


def test_a_plain_ampersand_stays_readable():
    assert markdown_text("B12 & DPN") == "B12 & DPN"
    # control: angle brackets still never reach Markdown's HTML
    assert markdown_text("<script>") == "&lt;script&gt;"
