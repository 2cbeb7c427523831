"""A trial's harms, as the harms reader reads them, count as its result in the watch's harms
domain (`harms = true`) where the findings reader read none there: a Safety statement then says
what the trials report ("2 RCTs find no difference in adverse events")."""

from __future__ import annotations

import pytest
from litwatch.classifiers.findings.harms import harms_finding
from litwatch.core.errors import ConfigError
from litwatch.core.findings import DomainTerm, Finding, Harms, OutcomeDomain

from litwatch.config import default_watch_file, load_watches

HARMS = OutcomeDomain(
    "harms", "adverse events", (DomainTerm("adverse event*"),), "lower-is-better", harms=True
)
PAIN = OutcomeDomain("pain", "pain", (DomainTerm("pain"),), "lower-is-better")


@pytest.mark.parametrize(
    ("statement", "direction"),
    [
        ("none-occurred", "no-difference"),
        ("no-difference", "no-difference"),
        ("events-reported", "unclear"),
        ("well-tolerated", "unclear"),
    ],
)
def test_harms_as_reported_become_the_harms_domains_result(statement, direction):
    harms = Harms(statement, "Nobody in either arm had a side effect.")
    (finding,) = harms_finding(harms, (PAIN, HARMS), ())
    assert (finding.domain, finding.direction) == ("harms", direction)
    assert finding.evidence == "Nobody in either arm had a side effect."


def test_the_findings_readers_own_result_there_stands():
    own = Finding("harms", "adverse events", "increased", "favours-comparator", "More AEs.", 0.9)
    assert harms_finding(Harms("none-occurred", "x"), (HARMS,), (own,)) == ()


def test_no_harms_domain_serious_events_only_or_silence_add_nothing():
    assert harms_finding(Harms("none-occurred", "x"), (PAIN,), ()) == ()  # control: no domain
    assert harms_finding(Harms("none-occurred", "x", serious_only=True), (HARMS,), ()) == ()
    assert harms_finding(None, (HARMS,), ()) == ()


def test_the_shipped_watch_counts_harms_in_its_adverse_events_domain():
    domains = load_watches()[0].findings_definition.domains
    assert [domain.name for domain in domains if domain.harms] == ["adverse-events"]


def test_harms_on_two_domains_is_refused_at_load(tmp_path):
    shipped = default_watch_file().read_text(encoding="utf-8")
    twice = shipped.replace(
        'polarity = "lower-is-better"\nterms = ["HbA1c"',
        'polarity = "lower-is-better"\nharms = true\nterms = ["HbA1c"',
        1,
    )
    assert twice != shipped
    path = tmp_path / "watches.toml"
    path.write_text(twice, encoding="utf-8")
    with pytest.raises(ConfigError, match="harms = true on more than one domain"):
        load_watches(path)
