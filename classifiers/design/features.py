"""The structure and phrase features the design model reads beside its TF-IDF columns: abstract
length and headings, a trial registry id, and one column per phrase rule."""

from __future__ import annotations

import math
from collections.abc import Sequence

import scipy.sparse as sp
from litwatch.classifiers.design.rules import PHRASE_RULES, Fired, cues_in, rules_to_try
from litwatch.classifiers.design.text import TextView

# Section headings that mark a design (structured abstracts say what kind of paper they are).
SECTION_CUES = (
    "background",
    "objective",
    "methods",
    "results",
    "conclusion",
    "case",
    "design",
    "setting",
    "participants",
    "intervention",
    "data sources",
    "study selection",
    "data extraction",
    "synthesis",
    "ethics and dissemination",
    "trial registration",
    "main outcome",
    "discussion",
    "introduction",
)

STRUCTURE_FEATURES = (
    "no abstract",
    "abstract length",
    "section count",
    "trial registry id",
    *(f"section: {cue}" for cue in SECTION_CUES),
    *(f"phrase: {rule.name}" for rule in PHRASE_RULES if rule.column),
)


# Rules without a column (decisive ones the shipped model was not trained with) still fire, and
# decide, through the `Fired` hits.
_RULE_COLUMN = {rule: index for index, rule in enumerate(r for r in PHRASE_RULES if r.column)}


def structure_matrix(views: Sequence[TextView]) -> tuple[sp.csr_matrix, list[Fired]]:
    """Structure and phrase features for each view, and the rules that fired for each with the
    phrase each found (kept, so that a deciding rule's evidence needs no second search)."""
    rows, cols, values = [], [], []
    hits: list[Fired] = []
    rule_offset = 4 + len(SECTION_CUES)
    for row, view in enumerate(views):
        cells = {
            0: float(view.words == 0),
            1: min(math.log1p(view.words) / 7.0, 1.5),
            2: min(len(view.sections) / 8.0, 1.5),
            3: float(view.has_registry_id),
        }
        # One string to test instead of one per heading: no cue holds the separator, so none
        # can be found across two headings.
        headings = "\n".join(view.sections)
        for index, cue in enumerate(SECTION_CUES):
            if cue in headings:
                cells[4 + index] = 1.0
        fired: Fired = {}
        present = cues_in(view)
        for rule in rules_to_try(view, present):
            match = rule.search(view, present)
            if match:
                if rule.column:
                    cells[rule_offset + _RULE_COLUMN[rule]] = 1.0
                fired[rule] = match
        hits.append(fired)
        for col, value in cells.items():
            if value:
                rows.append(row)
                cols.append(col)
                values.append(value)
    shape = (len(views), len(STRUCTURE_FEATURES))
    return sp.csr_matrix((values, (rows, cols)), shape=shape), hits
