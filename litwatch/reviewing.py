"""What `litwatch review` does with a watch's store, for the web app and the spreadsheet
commands alike: the queue, one record's calls, saving decisions, statements with their checked
counts, the history, dual-review conflicts and agreement, CSV out and in."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from litwatch.config import Watch
from litwatch.core.classification import Classification
from litwatch.core.digest import RANKED_LOWER
from litwatch.core.errors import ConfigError
from litwatch.core.records import Record
from litwatch.core.review import (
    DECIDE,
    RESOLVE,
    Decision,
    FieldState,
    ReviewError,
    allowed_values,
    check_value,
    field_choices,
    machine_confidence,
    machine_evidence,
    machine_untested,
    machine_value,
    review_fields,
)
from litwatch.relevance import rank_records
from litwatch.reviewers import check_name
from litwatch.store.store import Store
from litwatch.wiring import watch_info

CSV_COLUMNS = ("pmid", "field", "value", "reviewer", "note")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class QueueEntry:
    """One record in the review queue."""

    pmid: str
    title: str
    design: str
    confidence: float  # the least sure of its calls
    feeds_statement: bool
    entrez_date: date | None
    gaps: tuple[str, ...]
    checked_fields: int
    needs_recheck: bool
    reviewers: tuple[str, ...]
    ranked_lower: str = ""  # why the watch's relevance model put it after the others


def review_order(entries: Iterable[QueueEntry]) -> list[QueueEntry]:
    """The queue's order: records whose calls feed a statement first, then the least confident
    calls, then the newest. One pure function, so a better confidence ordering can replace it."""
    return sorted(
        entries,
        key=lambda e: (
            not e.feeds_statement,
            not e.needs_recheck,
            e.confidence,
            -(e.entrez_date.toordinal() if e.entrez_date else 0),
            e.pmid,
        ),
    )


@dataclass(frozen=True)
class Call:
    """One machine call of a record as the record page shows it."""

    field: str
    machine: str
    confidence: float | None
    evidence: str
    choices: tuple[str, ...] | None  # None: a number
    shown: str  # the value the reviewer sees as current (theirs in dual review)
    checked_by: str
    needs_recheck: bool
    seen: int  # the decision the page is based on (0: none), for refusing stale saves
    subgroups: tuple[str, ...] = ()  # a domain's results for part of the participants only
    untested: bool = False  # a difference its words report without a statistical test


class ReviewDesk:
    """One watch's review work over its store."""

    def __init__(self, store: Store, watch: Watch):
        self.store = store
        self.watch = watch
        self.mode = watch.review
        self.strata = tuple(stratum.definition() for stratum in watch.strata)
        self.fields = review_fields(
            [gap.name for gap in watch.gaps],
            [d.name for d in watch.findings.domains],
            [q.name for q in watch.association_questions],
            [s.name for s in self.strata],
        )

    def choices(self, machine: Classification | None) -> dict[str, tuple[str, ...]]:
        """The values of the record's fields that the watch or the record itself gives: its
        strata's levels and the arms a head-to-head result may favour."""
        return field_choices(self.strata, machine)

    # -- reading --------------------------------------------------------------------------

    def _latest(self) -> list[tuple[Record, int, Classification | None]]:
        versions = self.store.latest_versions(self.watch.name)
        machine = self.store.classifications(
            self.watch.name, [(v.record.pmid, v.store_version) for v in versions], machine=True
        )
        return [
            (v.record, v.store_version, machine.get((v.record.pmid, v.store_version)))
            for v in versions
        ]

    def statements(self):
        """The summary's statements over checked values: (question statements, domain ones)."""
        from litwatch.outputs.statements import watch_statements
        from litwatch.store.summary_reads import summary_records

        info = watch_info(self.watch)
        return watch_statements(summary_records(self.store, info.name, info.review), info)

    def queue(
        self,
        design: str = "",
        gap: str = "",
        status: str = "",
        reviewer: str = "",
    ) -> list[QueueEntry]:
        """The queue in `review_order`, filtered by design, gap, checked status and reviewer."""
        questions, domains = self.statements()
        feeding = {pmid for s in (*questions, *domains) for pmid in s.pmids}
        states = self.store.review_states(self.watch.name, self.mode)
        latest = self._latest()
        checked_now = self.store.classifications(
            self.watch.name, [(r.pmid, v) for r, v, _ in latest], self.mode
        )
        entries = []
        for record, version, machine in latest:
            record_states = states.get(record.pmid, {})
            checked = {f: s.checked for f, s in record_states.items() if s.checked}
            current = checked_now.get((record.pmid, version))
            design_now = current.design.label if current else "other"
            gaps_now = current.gaps_addressed if current else ()
            reviewers = tuple(
                sorted({d.reviewer for s in record_states.values() for d in _deciders(s)})
            )
            confidences = [
                c for f in self.fields if (c := machine_confidence(machine, f)) is not None
            ]
            entry = QueueEntry(
                pmid=record.pmid,
                title=record.title,
                design=design_now,
                confidence=min(confidences, default=0.0),
                feeds_statement=record.pmid in feeding,
                entrez_date=record.entrez_date,
                gaps=gaps_now,
                checked_fields=len(checked),
                needs_recheck=any(c.needs_recheck for c in checked.values()),
                reviewers=reviewers,
            )
            if design and entry.design != design:
                continue
            if gap and gap not in entry.gaps:
                continue
            if status == "checked" and not entry.checked_fields:
                continue
            if status == "unchecked" and entry.checked_fields:
                continue
            if status == "recheck" and not entry.needs_recheck:
                continue
            if reviewer and reviewer not in entry.reviewers:
                continue
            entries.append(entry)
        return self._relevance_order(review_order(entries), latest)

    def _relevance_order(
        self, entries: list[QueueEntry], latest: list[tuple[Record, int, Classification | None]]
    ) -> list[QueueEntry]:
        """The queue with the records the watch's relevance model finds likely not relevant
        last, each saying so (`litwatch train --relevance`); unchanged without a model."""
        by_pmid = {record.pmid: record for record, _, _ in latest}
        order, lowered = rank_records(
            self.store.path, self.watch.name, [by_pmid[e.pmid] for e in entries]
        )
        entry_of = {e.pmid: e for e in entries}
        return [
            replace(entry_of[pmid], ranked_lower=RANKED_LOWER)
            if pmid in lowered
            else entry_of[pmid]
            for pmid in order
        ]

    def record(self, pmid: str) -> tuple[Record, int, Classification | None] | None:
        for record, version, machine in self._latest():
            if record.pmid == pmid:
                return record, version, machine
        return None

    def calls(self, pmid: str, reviewer: str) -> list[Call]:
        """Every call of the record with what the reviewer sees as its current value."""
        found = self.record(pmid)
        if found is None:
            raise ReviewError(f"PMID {pmid} is not a record of watch {self.watch.name}")
        _, version, machine = found
        states = self.store.review_states(self.watch.name, self.mode, [pmid]).get(pmid, {})
        decisions = self.store.decisions(self.watch.name, pmid=pmid)
        choices = self.choices(machine)
        now = self.store.classifications(self.watch.name, [(pmid, version)], self.mode)
        current = now.get((pmid, version))
        compares_arms = bool(current and current.arms and current.arms.head_to_head)
        calls = []
        for field in self.fields:
            state = states.get(field)
            if field == "better_arm" and not compares_arms and state is None:
                continue  # a trial that compares no arms head to head has no better arm
            own = [d for d in decisions if d.field == field and d.reviewer == reviewer]
            resolved = [d for d in decisions if d.field == field and d.kind == RESOLVE]
            if self.mode == "dual":
                # blind: a reviewer sees the machine's value and their own decisions only
                visible = sorted(own + resolved, key=lambda d: d.decision_id)
            else:
                visible = [d for d in decisions if d.field == field]
            seen = visible[-1].decision_id if visible else 0
            shown = visible[-1].reviewer_value if visible else machine_value(machine, field)
            checked = state.checked if state else None
            calls.append(
                Call(
                    field=field,
                    machine=machine_value(machine, field),
                    confidence=machine_confidence(machine, field),
                    evidence=machine_evidence(machine, field),
                    choices=allowed_values(field, choices),
                    shown=shown,
                    checked_by=checked.reviewer if checked else "",
                    needs_recheck=bool(checked and checked.needs_recheck),
                    seen=seen,
                    subgroups=_subgroup_results(machine, field),
                    untested=machine_untested(machine, field),
                )
            )
        return calls

    def history(
        self, pmid: str | None = None, reviewer: str | None = None, seen_by: str | None = None
    ) -> list[Decision]:
        """Who changed what, when, from what, to what, oldest first. In dual review, for
        `seen_by`, another reviewer's decision shows only once both have decided (blind)."""
        decisions = self.store.decisions(self.watch.name, pmid=pmid, reviewer=reviewer)
        if self.mode != "dual" or seen_by is None:
            return decisions
        states = self.store.review_states(self.watch.name, self.mode)

        def settled(d: Decision) -> bool:
            state = states.get(d.pmid, {}).get(d.field)
            return bool(state and (state.checked or state.conflict))

        return [d for d in decisions if d.reviewer == seen_by or d.kind == RESOLVE or settled(d)]

    # -- deciding -------------------------------------------------------------------------

    def decide(
        self,
        pmid: str,
        field: str,
        value: str,
        reviewer: str,
        now: datetime,
        *,
        note: str = "",
        seen: int | None = None,
        resolve: bool = False,
    ) -> int:
        """Save one decision; ReviewError for an unknown field or value, StaleDecisionError
        when someone saved the field since the reviewer's page showed it."""
        found = self.record(pmid)
        choices = self.choices(found[2] if found else None)
        value = check_value(field, value, self.fields, choices)
        return self.store.record_decision(
            self.watch.name,
            pmid,
            field,
            value,
            reviewer,
            now,
            note=note[:2000],
            kind=RESOLVE if resolve else DECIDE,
            seen=seen,
            mode=self.mode,
        )

    def conflicts(self) -> list[tuple[str, str, FieldState]]:
        """(pmid, field, state) for every dual-review disagreement not yet resolved."""
        states = self.store.review_states(self.watch.name, self.mode)
        return [
            (pmid, field, state)
            for pmid, fields in sorted(states.items())
            for field, state in sorted(fields.items())
            if state.conflict
        ]

    def agreement(self) -> list[dict]:
        """Cohen's kappa per kind of field, machine against reviewer and reviewer against
        reviewer, with the counts of pairs it rests on."""
        latest: dict[tuple[str, str, str], Decision] = {}
        for decision in self.history():
            if decision.kind == DECIDE:
                latest[(decision.pmid, decision.field, decision.reviewer)] = decision
        machine_pairs: dict[str, list[tuple[str, str]]] = {}
        people_pairs: dict[str, list[tuple[str, str]]] = {}
        by_item: dict[tuple[str, str], list[Decision]] = {}
        for (pmid, field, _), decision in latest.items():
            kind = field.split(":")[0]
            machine_pairs.setdefault(kind, []).append(
                (decision.machine_value, decision.reviewer_value)
            )
            by_item.setdefault((pmid, field), []).append(decision)
        for (_, field), decisions in by_item.items():
            if len(decisions) >= 2:
                first, second = sorted(decisions, key=lambda d: d.decision_id)[:2]
                people_pairs.setdefault(field.split(":")[0], []).append(
                    (first.reviewer_value, second.reviewer_value)
                )
        rows = []
        for kind in sorted(set(machine_pairs) | set(people_pairs)):
            rows.append(
                {
                    "field": kind,
                    "machine_kappa": kappa(machine_pairs.get(kind, [])),
                    "machine_pairs": len(machine_pairs.get(kind, [])),
                    "machine_agree": sum(a == b for a, b in machine_pairs.get(kind, [])),
                    "people_kappa": kappa(people_pairs.get(kind, [])),
                    "people_pairs": len(people_pairs.get(kind, [])),
                    "people_agree": sum(a == b for a, b in people_pairs.get(kind, [])),
                }
            )
        return rows

    # -- spreadsheets ---------------------------------------------------------------------

    def export_csv(self) -> str:
        """One row per record and field: the value that rules now and who checked it."""
        states = self.store.review_states(self.watch.name, self.mode)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for record, _version, machine in self._latest():
            for field in self.fields:
                state = states.get(record.pmid, {}).get(field)
                if state and state.checked:
                    writer.writerow(
                        [record.pmid, field, state.checked.value, state.checked.reviewer, ""]
                    )
                else:
                    writer.writerow([record.pmid, field, machine_value(machine, field), "", ""])
        return out.getvalue()

    def import_csv(self, path: Path, now: datetime) -> int:
        """Apply a spreadsheet's decisions: every row is checked first, and one bad row (named
        by its line) applies nothing. Rows without a reviewer, and rows that repeat the value
        that already rules, are no decisions. Returns how many decisions were recorded."""
        rows = _read_csv(path)
        known = {record.pmid: machine for record, _v, machine in self._latest()}
        states = self.store.review_states(self.watch.name, self.mode)
        wanted = []
        for line, row in rows:
            where = f"{path.name} line {line}"
            pmid = row["pmid"].strip()
            if pmid not in known:
                raise ReviewError(f"{where}: unknown PMID {pmid[:20]!r} in watch {self.watch.name}")
            field = row["field"].strip()
            if not row["reviewer"].strip() and row["value"].strip() == "" and field in self.fields:
                continue  # an exported call the machine left unread (a trial's better arm)
            try:
                value = check_value(field, row["value"], self.fields, self.choices(known[pmid]))
            except ReviewError as error:
                raise ReviewError(f"{where}: {error}") from None
            reviewer = row["reviewer"].strip()
            if not reviewer:
                continue
            try:
                reviewer = check_name(reviewer)
            except ConfigError as error:
                raise ReviewError(f"{where}: {error}") from None
            state = states.get(pmid, {}).get(field)
            checked = state.checked if state else None
            if checked and checked.value == value and reviewer in checked.reviewer.split("+"):
                continue
            wanted.append((pmid, field, value, reviewer, row["note"].strip()[:2000]))
        return self.store.record_decisions(self.watch.name, wanted, now, mode=self.mode)


def _subgroup_results(machine: Classification | None, field: str) -> tuple[str, ...]:
    """ "in metformin users: favours-intervention" for each subgroup result of a domain."""
    if machine is None or not field.startswith("finding:"):
        return ()
    domain = field.removeprefix("finding:")
    return tuple(
        f"in {f.subgroup}: {f.direction}"
        for f in machine.findings
        if f.domain == domain and f.subgroup
    )


def _deciders(state: FieldState) -> Iterable[Decision]:
    yield from state.conflict
    yield from state.waiting
    if state.checked:
        yield Decision(0, "", "", 0, "", "", "", "", "", state.checked.reviewer, "")


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a decisions spreadsheet, or ReviewError saying what is wrong."""
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ReviewError(f"{path}: larger than {MAX_IMPORT_BYTES // 2**20} MiB")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ReviewError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReviewError(f"{path}: a folder, not a CSV file") from None
    except UnicodeDecodeError as error:
        raise ReviewError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ReviewError(f"{path}: cannot be read ({error.strerror})") from None
    if "\x00" in text:
        raise ReviewError(f"{path}: not a CSV file (it holds NUL bytes)")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(name.strip() for name in reader.fieldnames or ())
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ReviewError(
            f"{path}: line 1 lacks column(s) {', '.join(missing)}"
            f" (expected {','.join(CSV_COLUMNS)})"
        )
    reader.fieldnames = list(header)
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(row.get(c) is None for c in CSV_COLUMNS):
                raise ReviewError(f"{path.name} line {line}: expected {len(header)} columns")
            rows.append((line, {c: row[c] for c in CSV_COLUMNS}))
    except csv.Error as error:
        raise ReviewError(f"{path.name} line {reader.line_num}: {error}") from None
    return rows


def kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of paired labels; None without pairs or where it is undefined (one label
    throughout)."""
    if not pairs:
        return None
    from sklearn.metrics import cohen_kappa_score

    first, second = zip(*pairs, strict=True)
    if len(set(first) | set(second)) < 2:
        return 1.0 if first == second else None
    value = float(cohen_kappa_score(first, second))
    return None if math.isnan(value) else round(value, 3)


def decisions_by_reviewer(decisions: Iterable[Decision]) -> Counter[str]:
    return Counter(d.reviewer for d in decisions)
