"""What the outputs need to know about a watch; the flow builds it from the watch config."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WatchInfo:
    """A watch as the reader sees it: its name, title, PubMed query and open research gaps."""

    name: str
    title: str
    query: str = ""
    gaps: tuple[tuple[str, str], ...] = ()  # (gap name, the research question it stands for)

    def gap_question(self, gap: str) -> str:
        """The question a gap stands for, or "" when the watch does not define it."""
        return dict(self.gaps).get(gap, "")

    @property
    def gap_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.gaps)
