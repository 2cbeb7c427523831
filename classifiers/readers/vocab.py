"""Vocabulary readers: which B12 formulations, routes and outcome families a text names, each with its first mention."""

from __future__ import annotations

import re

from litwatch.classifiers.readers.terms import is_negated, word_start
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Span

FORMULATIONS = ("methylcobalamin", "cyanocobalamin", "hydroxocobalamin", "b-complex")
ROUTES = ("oral", "intramuscular", "subcutaneous", "intravenous")
OUTCOMES = (
    "symptom-score",
    "pain-scale",
    "quality-of-life",
    "nerve-conduction",
    "vibration-threshold",
    "corneal-confocal",
    "sudomotor",
    "b12-level",
    "other",
)


def _patterns(table: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {name: word_start(pattern) for name, pattern in table.items()}


_FORMULATION_PATTERNS = _patterns(
    {
        "methylcobalamin": r"\b(?:methyl-?cobalamin|mecobalamin|me-?cbl)\b",
        "cyanocobalamin": r"\b(?:cyano-?cobalamin|cn-?cbl)\b",
        "hydroxocobalamin": r"\b(?:hydrox[oy]-?cobalamin|oh-?cbl)\b",
        # Combined B1/B6/B12 products: named as a complex, or as the neurotropic B vitamins.
        "b-complex": r"\b(?:vitamin\s+)?b[\s-]?complex\b|\bneurotropic\s+b[\s-]vitamins?\b",
    }
)

# "Oral glucose tolerance test" or "oral antidiabetic drugs" name no route of B12 giving.
_NOT_A_ROUTE_AFTER = (
    r"(?!\s+(?:glucose|hypoglyc\w*|antidiabetic|anti-diabetic|antihyperglyc\w*|agents?|health"
    r"|cavity|mucosa|contracept\w*|intake|lesions?|ulcers?|hygiene)\b)"
)
_ROUTE_PATTERNS = {
    # A tablet or capsule is swallowed: "a B-complex tablet" names the oral route.
    "oral": word_start(
        rf"\b(?:oral(?:ly)?\b{_NOT_A_ROUTE_AFTER}|by\s+mouth\b|per\s+os\b|tablets?\b|capsules?\b)"
    ),
    "intramuscular": word_start(
        r"\bintra-?muscular(?:ly)?\b|\bi\.m\.(?!\w)|(?-i:\bIM\b)(?=\s+(?:injection|inj|route|b12|vitamin|cyano|methyl|hydroxo|mecobalamin))"
    ),
    "subcutaneous": word_start(r"\bsub-?cutaneous(?:ly)?\b|\bs\.c\.(?!\w)"),
    "intravenous": word_start(r"\bintra-?venous(?:ly)?\b|\bi\.v\.(?!\w)"),
}

_OUTCOME_PATTERNS = _patterns(
    {
        "symptom-score": (
            r"(?-i:\b(?:MNSI|TCSS|TCNS|NSS|NDS|NTSS(?:-6)?|NIS(?:-LL)?|MDNS|DN4|UENS)\b)"
            r"|michigan\s+neuropathy|michigan\s+diabetic\s+neuropathy|toronto\s+clinical"
            r"|neuropathy\s+(?:total\s+)?symptoms?\s+scores?|total\s+symptom\s+scores?"
            r"|neuropathy\s+(?:disability|impairment)\s+scores?|symptoms?\s+(?:scores?|scales?|questionnaires?)"
            r"|survey\s+of\s+autonomic\s+symptoms|clinical\s+symptoms|neuropathic\s+symptom\s+scores?"
        ),
        "pain-scale": (
            r"(?-i:\b(?:VAS|NRS|BPI|SF-?MPQ|NPSI)\b)|visual\s+analog(?:ue)?\s+scale|numeric(?:al)?\s+rating\s+scale"
            r"|pain\s+(?:scores?|scales?|intensity|ratings?|severity)|brief\s+pain\s+inventory|mcgill\s+pain"
            r"|neuropathic\s+pain\s+symptom\s+inventory|\bpain,\s+quality"
        ),
        "quality-of-life": r"quality\s+of\s+life|\b(?:QoL|QOL|HRQoL|HRQOL)\b|\bSF-?36\b|\bSF-?12\b|\bEQ-?5D\b|\bQOL-DN\b",
        "nerve-conduction": (
            r"nerve\s+conduction|conduction\s+velocit|(?-i:\bNCVs?\b|\bNCS\b)|electrophysiolog|electroneurograph"
            r"|\b(?:sural|peroneal|median|tibial|ulnar)\b[^.;]{0,40}\b(?:amplitude|latency|conduction)"
        ),
        "vibration-threshold": r"vibration\s+(?:perception\s+)?thresholds?|(?-i:\bVPT\b)|biothesiomet",
        "corneal-confocal": r"corneal\s+confocal|(?-i:\bCCM\b)|corneal\s+nerve",
        "sudomotor": r"sudomotor|sudoscan|\bsweat(?:ing)?\s+(?:function|test|response)|electrochemical\s+skin\s+conductance",
        "b12-level": (
            r"(?:serum|plasma|blood|circulating)\s+(?:vitamin\s+)?(?:b-?12|cobalamin)"
            r"|(?:b-?12|cobalamin)\s+(?:levels?|concentrations?|status)|(?:b-?12)\s+(?:was|were|is|should\s+be)\s+measured"
            r"|measur\w*\s+(?:serum\s+)?(?:vitamin\s+)?b-?12|methylmalonic|(?-i:\bMMA\b)|homocysteine|holotranscobalamin|holo-?TC"
        ),
        "other": (
            r"\bfolate\b|ha?emoglobin|\bana?emia\b|intraepidermal\s+nerve\s+fib|(?-i:\bIENFD\b)"
            r"|incident\s+(?:peripheral\s+)?neuropathy|incidence\s+of\s+(?:peripheral\s+)?neuropathy"
            r"|lactic\s+acidosis|mortality|hospital\s+admissions?|peripheral\s+neuropathy\s+assessed|\bfalls?\b"
        ),
    }
)


def _mentions(patterns: dict[str, re.Pattern[str]], passage: Passage) -> dict[str, Span]:
    found = {}
    text = passage.text
    for name, pattern in patterns.items():
        if not passage.may_match(pattern):
            continue
        for match in pattern.finditer(text):
            if not is_negated(text, match.start()):
                found[name] = Span.of(text, match.start(), match.end())
                break
    return found


def read_formulations(text: str | Passage) -> dict[str, Span]:
    """The B12 formulations named, each with its first mention."""
    return _mentions(_FORMULATION_PATTERNS, Passage.of(text))


def read_routes(text: str | Passage) -> dict[str, Span]:
    """The routes of administration named, each with its first mention."""
    return _mentions(_ROUTE_PATTERNS, Passage.of(text))


def read_outcomes(text: str | Passage) -> dict[str, Span]:
    """The outcome families measured, each with its first mention, in vocabulary order."""
    return _mentions(_OUTCOME_PATTERNS, Passage.of(text))


def formulation_mentions(text: str) -> list[tuple[str, Span]]:
    """Every mention of a formulation, in text order (the comparator reader counts arms with it)."""
    return _all_mentions(_FORMULATION_PATTERNS, text)


def route_mentions(text: str) -> list[tuple[str, Span]]:
    """Every mention of a route, in text order."""
    return _all_mentions(_ROUTE_PATTERNS, text)


def names_at_most_one_form_and_route(passage: Passage) -> bool:
    """Whether the screens rule out two formulations, and two routes, anywhere in `passage`."""
    forms = sum(passage.may_match(p) for p in _FORMULATION_PATTERNS.values())
    routes = sum(passage.may_match(p) for p in _ROUTE_PATTERNS.values())
    return forms < 2 and routes < 2


def _all_mentions(patterns: dict[str, re.Pattern[str]], text: str) -> list[tuple[str, Span]]:
    mentions = [
        (name, Span.of(text, match.start(), match.end()))
        for name, pattern in patterns.items()
        for match in pattern.finditer(text)
    ]
    return sorted(mentions, key=lambda mention: mention[1].start)
