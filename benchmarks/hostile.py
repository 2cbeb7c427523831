"""Two hostile inputs measured through the entry `litwatch classify` uses (issue #14):

* reader_scaling: CPU seconds to classify one record whose abstract is 2 MB of ordinary trial
  sentences, over the same for 0.25 MB. Linear readers give about 8 (8x the text); at most 10
  is the target. Both sizes run in this process, one after the other, through
  `litwatch.classify_command.run_classify` with the shipped watch's Judge, after a warm-up record,
  so model loading is not counted.
* bomb_peak_mb: peak RSS of `litwatch classify` in a child process given a 1 MB gzip bomb (a
  JSON-quoted export, the form that once read the whole stream: 1 GB of spaces unpacked).
  Target: at most 400.

Run: .venv/bin/python benchmarks/hostile.py [--skip-scaling]"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

# The bomb and the peak-memory child are the reliability tests' own (tests/support).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from hostile_inputs import classify_peak, gzip_bomb

MB = 2**20
SMALL_BYTES = MB // 4
LARGE_BYTES = 2 * MB
MAX_SCALING = 10.0
MAX_BOMB_MB = 400
LITWATCH = Path(sys.executable).parent / "litwatch"

# Ordinary sentences of a trial abstract, numbers and all: what every reader looks at.
TRIAL_SENTENCES = (
    "In this randomized, double-blind, placebo-controlled trial, 120 patients with type 2 "
    "diabetes and painful peripheral neuropathy taking metformin for at least 4 years were "
    "assigned to oral methylcobalamin 1500 ug daily or placebo for 52 weeks. "
    "Vibration perception threshold fell by 3.2 V (95% CI 1.1 to 5.3; P = 0.004) and the "
    "Michigan Neuropathy Screening Instrument score by 1.4 points in 58 of 60 participants. "
    "Serum B12 rose from 180 pmol/L to 420 pmol/L; 12 participants withdrew. "
)


def trial_export(abstract_bytes: int, pmid: int) -> bytes:
    repeats = abstract_bytes // len(TRIAL_SENTENCES) + 1
    abstract = (TRIAL_SENTENCES * repeats)[:abstract_bytes]
    return (
        "<PubmedArticleSet><PubmedArticle><MedlineCitation Status='MEDLINE'>"
        f"<PMID Version='1'>{pmid}</PMID><Article><ArticleTitle>Methylcobalamin in diabetic "
        "neuropathy: a randomized trial</ArticleTitle><Abstract><AbstractText>"
        f"{abstract}</AbstractText></Abstract><Language>eng</Language></Article>"
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    ).encode()


def classify_seconds(path: Path, judge) -> float:
    """CPU seconds of `litwatch classify`'s body over one file (output discarded)."""
    from litwatch.classify_command import run_classify

    start = time.process_time()
    run_classify([path], False, "jsonl", io.StringIO(), judge=judge)
    return time.process_time() - start


def reader_scaling(folder: Path) -> float:
    from litwatch.classifiers.design import load_design_model
    from litwatch.classifiers.judge import Judge

    from litwatch.config import load_watches

    watch = load_watches()[0]
    model = load_design_model(None)
    judge = Judge(watch.topic, watch.gaps, watch.findings_definition, design_model=model)
    files = {}
    for size in (1024, SMALL_BYTES, LARGE_BYTES):
        files[size] = folder / f"abstract-{size}.xml"
        files[size].write_bytes(trial_export(size, 90000000 + size))
    classify_seconds(files[1024], judge)  # warm-up: models and patterns load here
    small = classify_seconds(files[SMALL_BYTES], judge)
    print(f"0.25 MB abstract: {small:.2f} s CPU", flush=True)
    large = classify_seconds(files[LARGE_BYTES], judge)
    print(f"2 MB abstract: {large:.2f} s CPU", flush=True)
    return large / small


def bomb_peak_mb(folder: Path) -> tuple[float, str]:
    """1 GB unpacked, about 1 MB packed: a JSON-quoted PubmedArticleSet then spaces."""
    bomb = gzip_bomb(folder / "bomb.xml.gz", 1024, b'"<PubmedArticleSet>', b" ")
    print(f"bomb: {bomb.stat().st_size / MB:.2f} MB packed, 1024 MB unpacked")
    code, peak, said = classify_peak(bomb)
    return float(peak), said or f"exit {code}"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="litwatch-hostile-") as name:
        folder = Path(name)
        peak, said = bomb_peak_mb(folder)
        print(f"classify said: {said}")
        verdict = "within" if peak <= MAX_BOMB_MB else "OVER"
        print(f"bomb_peak_mb={peak:.0f} ({verdict} the {MAX_BOMB_MB} MB target)", flush=True)
        if "--skip-scaling" not in sys.argv:
            scaling = reader_scaling(folder)
            verdict = "within" if scaling <= MAX_SCALING else "OVER"
            print(f"reader_scaling={scaling:.1f} ({verdict} the {MAX_SCALING:g}x target)")


if __name__ == "__main__":
    main()
