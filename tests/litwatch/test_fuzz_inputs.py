"""Property-based fuzzing of two more inputs from users: the prompts CSV (`findings --prompts`,
`train-findings`) and `backfill`'s dates and slice length. Whatever arrives gives results or
one litwatch error, never another exception (issue #18)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fuzzing import FUZZ, within_bounds
from hypothesis import example, given
from hypothesis import strategies as st
from litwatch.classifiers.findings.model import LABELS
from litwatch.pubmed.windows import (
    EARLIEST_ENTREZ_DATE,
    MAX_SLICE_DAYS,
    backfill_span,
    fixed_windows,
)

from litwatch.cli import _date_option
from litwatch.findings_command import read_prompts

HEADERS = [
    "prompt_id,pmid,outcome,intervention,comparator\n",
    "prompt_id,pmid,outcome,intervention,comparator,label,evidence\n",
    "prompt_id,pmid,outcome,intervention,comparator,label,label\n",
    "prompt_id,prompt_id,pmid,outcome,intervention,comparator\n",
    " prompt_id , pmid ,outcome,intervention,comparator,\n",
    "pmid,outcome\n",
    "\ufeffprompt_id,pmid,outcome,intervention,comparator,label\n",
]
CELLS = [
    "a",
    "1",
    "1",
    "99000016",
    "",
    " ",
    "pain",
    "B12",
    "placebo",
    "increased",
    "decreased",
    "no-difference",
    "maybe",
    "Increased",
    '"quoted, with a comma"',
    '"unclosed',
    '""',
    "\x1b]0;title\x07",
    "\x00",
    "é",
    "=cmd()",
]

# Whole rows of five, six and seven fields, so that some files are read whole.
ROWS = [
    "a,99000016,pain,B12,placebo\n",
    "b,99000016,nerve conduction,B12,placebo\n",
    "c,1,pain,B12,placebo,increased\n",
    "d,2,pain,B12,placebo,no-difference,It did not differ.\n",
    "e,3,pain,B12,placebo,decreased,It fell.\n",
    "f,3,pain,B12,placebo,increased,It rose.\n",
    "a,4,pain,B12,placebo,maybe,Unclear.\n",
]


def _prompts_files() -> st.SearchStrategy[bytes]:
    # A header, then cells, commas and line ends in any order: one flat list, as the other
    # fuzzers build theirs, so that drawing an input costs little.
    body = st.lists(st.sampled_from([*CELLS, *ROWS, ",", ",", "\n", "\r\n"]), max_size=30)
    structured = st.tuples(st.sampled_from(HEADERS), body.map("".join)).map("".join)
    # Well-formed files too, of labelled rows, some labels unknown and some ids repeated.
    labelled = [row for row in ROWS if row.count(",") == 6]
    tidy = st.lists(st.sampled_from(labelled), max_size=4).map(
        lambda rows: HEADERS[1] + "".join(rows)
    )
    texts = st.one_of(tidy, structured, st.text(max_size=200))
    return st.one_of(
        texts.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=200)
    )


@pytest.fixture(scope="module")
def prompts_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "prompts.csv"


@FUZZ
@given(data=_prompts_files())
@example(data=b"prompt_id,pmid,outcome,intervention,comparator,label\na,1,o,i,c,x\na,1,o,i,c,x\n")
def test_any_prompts_csv_gives_prompts_or_one_litwatch_error(prompts_path, data):
    prompts_path.write_bytes(data)
    for labels in ((), LABELS):  # as `findings --prompts` reads it, and as `train-findings`
        prompts = within_bounds(lambda labels=labels: read_prompts(prompts_path, labels=labels))
        ids = [prompt.prompt_id for prompt in prompts]
        assert len(set(ids)) == len(ids) and all(ids)
        assert all(prompt.pmid and prompt.outcome for prompt in prompts)
        assert not labels or all(prompt.label in LABELS for prompt in prompts)


TODAY = date(2026, 12, 6)
DATES = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "1799-12-31", "1800-01-01", "2026-12-07"]),
    st.text(max_size=20),
)


@FUZZ
@given(
    since=DATES,
    until=st.one_of(st.none(), DATES),
    slice_days=st.one_of(st.integers(), st.integers(min_value=-2, max_value=MAX_SLICE_DAYS + 2)),
)
@example(since="2021-01-01", until="2020-01-01", slice_days=365)
@example(since="2020-01-01", until="9999-12-31", slice_days=365)
@example(since="2020-01-01", until=None, slice_days=99_999_999_999)
@example(since="0001-01-01", until=None, slice_days=365)
def test_any_backfill_dates_give_slices_or_one_litwatch_error(since, until, slice_days):
    def slices():
        first = _date_option("--since", since)
        last = _date_option("--until", until) if until else None
        span = backfill_span(first, last, TODAY, slice_days)
        assert EARLIEST_ENTREZ_DATE <= span.first <= span.last <= TODAY
        if span.days // slice_days > 2_000:  # long enough to be slow to list; counted instead
            return [span]
        windows = fixed_windows(span, slice_days)
        assert windows[0].first == span.first and windows[-1].last == span.last
        return windows

    within_bounds(slices)
