"""Charts for the digest e-mail and the evidence summary, drawn with matplotlib into PNG bytes."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot

import matplotlib.pyplot as plt
from litwatch.outputs.order import DESIGNS, design_label
from matplotlib.axis import Axis
from matplotlib.ticker import MaxNLocator

_PALETTE = {
    "meta-analysis": "#0b3c5d",
    "systematic-review": "#1d5f8a",
    "rct": "#0b8fd6",
    "non-randomized-trial": "#5bb6e8",
    "cohort": "#2f9e5b",
    "case-control": "#6cc28a",
    "cross-sectional": "#a8dbb9",
    "case-report": "#c9a227",
    "narrative-review": "#9e9e9e",
    "guideline": "#7e57c2",
    "protocol": "#b39ddb",
    "commentary": "#bdbdbd",
    "preclinical": "#ef8a62",
    "other": "#e0e0e0",
}


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    # Fixed metadata keeps the bytes identical across runs for identical data.
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _whole_number_ticks(axis: Axis) -> None:
    """Ticks at whole numbers only: the axis counts records."""
    locator = axis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # AutoLocator, a numeric axis's own
        locator.set_params(integer=True)


def design_bar(design_counts: Sequence[tuple[str, int]]) -> bytes:
    """A horizontal bar per design label (already in reading order) with its count."""
    labels = [label for label, _ in design_counts][::-1]
    counts = [count for _, count in design_counts][::-1]
    figure, axes = plt.subplots(figsize=(6, 0.45 * len(labels) + 0.8))
    axes.barh(labels, counts, color="#0b8fd6")
    for y, count in enumerate(counts):
        axes.text(count, y, f" {count}", va="center")
    axes.set_xlabel("records")
    _whole_number_ticks(axes.xaxis)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _png(figure)


def records_per_year(designs_by_year: Sequence[tuple[int, str]]) -> bytes:
    """Stacked bars: records per publication year, split by design, on a time axis (a year
    without records is a gap, not skipped)."""
    counts = Counter(designs_by_year)
    years = sorted({year for year, _ in counts})
    figure, axes = plt.subplots(figsize=(7, 3.6))
    bottom = dict.fromkeys(years, 0)
    for design in DESIGNS:
        # Bars only for the years that have records of this design: zero-height bars draw
        # nothing, and drawing them took most of the chart's time.
        heights = {year: counts[year, design] for year in years if counts[year, design]}
        if not heights:
            continue
        axes.bar(
            list(heights),
            list(heights.values()),
            bottom=[bottom[year] for year in heights],
            label=design_label(design),
            color=_PALETTE.get(design),
        )
        for year, height in heights.items():
            bottom[year] += height
    axes.set_ylabel("records")
    _whole_number_ticks(axes.yaxis)
    if years:
        # Whole years, as many as fit, and a year's room on each side (one year alone is a bar,
        # not the whole plot).
        axes.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        axes.set_xlim(years[0] - 1, years[-1] + 1)
        axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    else:
        axes.text(0.5, 0.5, "no records yet", ha="center", transform=axes.transAxes)
        axes.set_xticks([])
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _png(figure)


def gap_evidence_map(
    gaps: Sequence[str], designs: Sequence[str], cells: dict[tuple[str, str], int]
) -> bytes:
    """A gap × design grid; each cell shows how many records address the gap with that design."""
    figure, axes = plt.subplots(figsize=(7, 0.6 * max(len(gaps), 1) + 1.6))
    grid = [[cells.get((gap, design), 0) for design in designs] for gap in gaps] or [[0]]
    axes.imshow(
        grid,
        cmap="Greens",
        aspect="auto",
        vmin=0,
        vmax=max(max(grid_row) for grid_row in grid) or 1,
    )
    axes.set_xticks(
        range(len(designs)), [design_label(d) for d in designs], rotation=35, ha="right"
    )
    axes.set_yticks(range(len(gaps)), list(gaps))
    for row, gap in enumerate(gaps):
        for column, design in enumerate(designs):
            value = cells.get((gap, design), 0)
            axes.text(column, row, str(value), ha="center", va="center", color="#102a43")
    figure.tight_layout()
    return _png(figure)
