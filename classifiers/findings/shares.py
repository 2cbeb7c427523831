"""A result given as the share of each arm that reached a state: "B12 reached the reference
range in 46 of 52 treated participants and in 4 of 52 given saline". No statistic and no
comparative word says who did better; the two shares do. Generic words only: the state is
whatever the abstract names, the arms are told apart by the arms' own names and the words
every control arm answers to."""

from __future__ import annotations

import re

from litwatch.classifiers.findings.effect import CONTROL_WORDS
from litwatch.classifiers.findings.text import stem

I = re.IGNORECASE
# "46 of 52", "46/52", "46 out of 52", "88%", "88.5 %"
_SHARE = re.compile(
    r"(?<![\w.])(?P<part>\d+)\s*(?:of|/|out\s+of)\s*(?P<whole>\d+)(?![\d.])"
    r"|(?<![\w.])(?P<percent>\d+(?:\.\d+)?)\s*%",
    I,
)
# The state a share reached: a good one (the normal range, a response, recovery) or a bad one.
_GOOD = re.compile(
    r"\b(?:reached|attained|achieved|returned\s+to|normali[sz]ed|improved|responded|"
    r"recovered|resolved|remitted)\b",
    I,
)
_BAD = re.compile(r"\b(?:worsened|deteriorated|progressed|relapsed)\b", I)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# Words every control arm answers to, beyond the findings reader's own: an inert injection.
_CONTROL = CONTROL_WORDS | frozenset(stem(w) for w in ("saline", "dummy", "untreated", "inactive"))
_TREATED = frozenset(("treated", "intervention", "active", "supplemented"))
_NEAR = 60  # characters after a share where the arm it counts is named


def states_arm_shares(text: str) -> bool:
    """Whether a sentence may give each arm's share of a state (two shares and a state)."""
    if "%" not in text and " of " not in text and "/" not in text:
        return False
    shares = list(_SHARE.finditer(text))
    if len(shares) < 2:
        return False
    # the state comes before the shares that reached it
    first = shares[0].start()
    return bool(_GOOD.search(text, 0, first) or _BAD.search(text, 0, first))


def arm_shares(text: str, intervention: frozenset[str], comparator: frozenset[str]) -> int:
    """+1 when the intervention arm did better by the shares the text gives (a larger share
    reached a good state, or a smaller one a bad state), -1 when worse, 0 when the text does
    not set one arm's share against the other's this way."""
    if not states_arm_shares(text):
        return 0
    shares = list(_SHARE.finditer(text))
    first = shares[0].start()
    good, bad = _GOOD.search(text, 0, first), _BAD.search(text, 0, first)
    if bool(good) == bool(bad):
        return 0  # no state named before the shares, or both kinds
    found: dict[str, float] = {}
    for at, share in enumerate(shares):
        following = shares[at + 1].start() if at + 1 < len(shares) else len(text)
        arm = _arm_of(
            text[share.end() : min(following, share.end() + _NEAR)], intervention, comparator
        )
        if arm and arm not in found:
            found[arm] = _value(share)
    if len(found) < 2 or found["intervention"] == found["comparator"]:
        return 0
    sign = 1 if found["intervention"] > found["comparator"] else -1
    return sign if good else -sign


def _arm_of(words: str, intervention: frozenset[str], comparator: frozenset[str]) -> str:
    said = {stem(w.lower()) for w in _WORD.findall(words)}
    control = said & (_CONTROL | comparator)
    treated = said & (_TREATED | intervention)
    if control and not treated:
        return "comparator"
    if treated and not control:
        return "intervention"
    return ""


def _value(share: re.Match[str]) -> float:
    if share.group("percent") is not None:
        return float(share.group("percent"))
    whole = int(share.group("whole"))
    return 100.0 * int(share.group("part")) / whole if whole else 0.0
