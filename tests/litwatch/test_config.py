"""The watch file: the shipped default loads, and every kind of mistake gets one line naming file, watch and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from litwatch.core.errors import ConfigError

from litwatch.config import default_watch_file, find_watch, load_watches

GOOD = """
[[watch]]
name = "mine"
query = "metformin[tiab]"
recipients = ["me@example.org"]
schedule = { cron = "0 7 * * 1", timezone = "Europe/Paris" }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watches.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_watch_catches_the_topic_as_a_searcher_writes_it():
    (watch,) = load_watches()
    query = watch.query.lower()
    for synonym in (
        '"vitamin b 12"[mh]',
        "cobalamin",
        "methylcobalamin",
        "mecobalamin",
        "cyanocobalamin",
        "hydroxocobalamin",
        '"b12 deficiency"',
        "metformin",
        '"diabetic neuropathies"[mh]',
        '"diabetic peripheral neuropathy"',
        "polyneuropath",
    ):
        assert synonym in query, synonym
    assert watch.schedule.cron == "0 7 * * 1"
    assert [gap.name for gap in watch.gaps] == [
        "stratified_rct",
        "outcomes_followup",
        "head_to_head",
    ]
    assert watch.recipients


def test_a_minimal_watch_gets_defaults(tmp_path):
    (watch,) = load_watches(write(tmp_path, GOOD))
    assert watch.title == "mine" and watch.overlap_days == 7 and watch.topic is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('name = "mine"', 'name = "../etc"'), "watch '../etc': name: must be"),
        (('name = "mine"', 'name = "a/b"'), "name: must be"),
        (
            ('query = "metformin[tiab]"', 'query = "(metformin[tiab]"'),
            "query: has unbalanced parentheses",
        ),
        (
            ('"me@example.org"', '"not-an-address"'),
            "recipients: 'not-an-address' is not one e-mail",
        ),
        (('cron = "0 7 * * 1"', 'cron = "every monday"'), "schedule.cron: not a cron expression"),
        (('"Europe/Paris"', '"Mars/Olympus"'), "schedule.timezone: unknown time zone"),
        (("recipients =", "recipientz ="), "watch 'mine': recipientz: unknown key"),
        (('name = "mine"', 'name = "mine\\n"'), "name: must be"),
        (('"me@example.org"', '"a, b@example.org"'), "'a, b@example.org' is not one e-mail"),
        (('"metformin[tiab]"', '")metformin("'), "query: has a ')' before its '('"),
        (('"metformin[tiab]"', '"\\"a)\\" b)"'), "query: has a ')' before its '('"),
        (("recipients =", 'subject = "x"\nrecipients ='), "watch 'mine': subject: unknown key"),
    ],
)
def test_invalid_config_gets_one_line_naming_file_watch_and_key(tmp_path, change, expected):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_watches(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert expected in message


def test_parentheses_inside_a_quoted_phrase_are_words_not_grouping(tmp_path):
    (watch,) = load_watches(write(tmp_path, GOOD.replace("metformin[tiab]", '\\"b12 (oral)\\"')))
    assert watch.query == '"b12 (oral)"'


def test_broken_toml_and_missing_file_are_one_line_errors(tmp_path):
    with pytest.raises(ConfigError, match=r"invalid TOML"):
        load_watches(write(tmp_path, "[[watch]\nname = 1"))
    with pytest.raises(ConfigError, match=r"cannot read watch file"):
        load_watches(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match=r"used twice"):
        load_watches(write(tmp_path, GOOD + GOOD))


def test_find_watch_names_the_known_watches():
    with pytest.raises(ConfigError, match=r"no watch named 'nope' \(known: b12-dpn\)"):
        find_watch(load_watches(default_watch_file()), "nope")
