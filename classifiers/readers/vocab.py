"""Vocabulary readers: which forms of the watch's intervention and which routes a text names,
each with its first mention (the outcomes a text names are the watch's outcome domains:
`classifiers/attributes.outcomes_named`). The forms are the watch's (`core/vocabulary.Form`,
compiled once per watch by `treatment_words`); routes of administration are generic."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from litwatch.classifiers.readers.terms import (
    compile_terms,
    is_negated,
    longest_first,
    term_pattern,
    word_start,
)
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Span
from litwatch.core.vocabulary import Form

ROUTES = ("oral", "intramuscular", "subcutaneous", "intravenous")


# "Oral glucose tolerance test" or "oral antidiabetic drugs" name no route of giving a treatment.
_NOT_A_ROUTE_AFTER = (
    r"(?!\s+(?:glucose|hypoglyc\w*|antidiabetic|anti-diabetic|antihyperglyc\w*|agents?|health"
    r"|cavity|mucosa|contracept\w*|intake|lesions?|ulcers?|hygiene)\b)"
)


def _route_patterns(names: str) -> dict[str, re.Pattern[str]]:
    """The routes' patterns; a bare "IM" counts before an injection word or before one of
    `names` (a regex alternation of the watch's names for its intervention and forms)."""
    before = r"injection|inj|route|vitamin" + (f"|{names}" if names else "")
    return {
        # A tablet or capsule is swallowed: "a tablet" names the oral route.
        "oral": word_start(
            rf"\b(?:oral(?:ly)?\b{_NOT_A_ROUTE_AFTER}|by\s+mouth\b|per\s+os\b|tablets?\b|capsules?\b)"
        ),
        "intramuscular": word_start(
            rf"\bintra-?muscular(?:ly)?\b|\bi\.m\.(?!\w)|(?-i:\bIM\b)(?=\s+(?:{before}))"
        ),
        "subcutaneous": word_start(r"\bsub-?cutaneous(?:ly)?\b|\bs\.c\.(?!\w)"),
        "intravenous": word_start(r"\bintra-?venous(?:ly)?\b|\bi\.v\.(?!\w)"),
    }


@dataclass(frozen=True)
class TreatmentWords:
    """One watch's forms of its intervention and the routes, compiled: the patterns the
    attribute, comparator and arms readers find them by."""

    forms: dict[str, re.Pattern[str]]
    routes: dict[str, re.Pattern[str]]
    # what a dose may belong to: the intervention's names and its forms' terms (None: nothing)
    substance: re.Pattern[str] | None

    @property
    def form_names(self) -> tuple[str, ...]:
        return tuple(self.forms)

    def read_forms(self, text: str | Passage) -> dict[str, Span]:
        """The forms named, each with its first mention."""
        return _mentions(self.forms, Passage.of(text))

    def read_routes(self, text: str | Passage) -> dict[str, Span]:
        """The routes of administration named, each with its first mention."""
        return _mentions(self.routes, Passage.of(text))

    def form_mentions(self, text: str) -> list[tuple[str, Span]]:
        """Every mention of a form, in text order (the comparator reader counts arms with it)."""
        return _all_mentions(self.forms, text)

    def route_mentions(self, text: str) -> list[tuple[str, Span]]:
        """Every mention of a route, in text order."""
        return _all_mentions(self.routes, text)

    def names_at_most_one_form_and_route(self, passage: Passage) -> bool:
        """Whether the screens rule out two forms, and two routes, anywhere in `passage`."""
        forms = sum(passage.may_match(p) for p in self.forms.values())
        routes = sum(passage.may_match(p) for p in self.routes.values())
        return forms < 2 and routes < 2


@cache
def treatment_words(
    forms: tuple[Form, ...] = (), intervention: tuple[str, ...] = ()
) -> TreatmentWords:
    """The watch's forms (each a name and its terms) and intervention names compiled, once per
    watch; without forms only the routes are read."""
    names = [t for t in (*intervention, *(t for f in forms for t in f.terms)) if t.strip()]
    alternation = "|".join(term_pattern(t) for t in longest_first(names))
    return TreatmentWords(
        forms={form.name: compile_terms(form.terms) for form in forms if form.terms},
        routes=_route_patterns(alternation),
        substance=compile_terms(names) if names else None,
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


def _all_mentions(patterns: dict[str, re.Pattern[str]], text: str) -> list[tuple[str, Span]]:
    mentions = [
        (name, Span.of(text, match.start(), match.end()))
        for name, pattern in patterns.items()
        for match in pattern.finditer(text)
    ]
    return sorted(mentions, key=lambda mention: mention[1].start)


def ordered(names: Sequence[str], found: dict[str, Span]) -> tuple[str, ...]:
    """The names of `names` that `found` holds, in the order of `names`."""
    return tuple(name for name in names if name in found)
