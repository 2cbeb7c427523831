"""Whether two demo output folders say the same thing, timestamps aside.

Run the demo before and after a change that should not change behaviour, then compare:

    litwatch demo --weeks 12 --out /tmp/before     # on the old code
    litwatch demo --weeks 12 --out /tmp/after      # on the new code
    python benchmarks/compare_demo.py /tmp/before /tmp/after

Compares every digest and summary file (Markdown, JSON, CSV, RIS, text, HTML, the .eml
messages with their random MIME boundaries masked) and the store's classification and digest
payloads. Prints one line per difference; exits 1 if there is any, or if nothing was compared.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

COMPARED = (".md", ".json", ".csv", ".ris", ".txt", ".html", ".eml")
# ISO dates with a time, e.g. 2026-11-23T07:00 or 2026-11-23 07:00:00+00:00: the run's clock.
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?")
_EML_DATE = re.compile(r"^Date: .*$", re.MULTILINE)
_MIME_BOUNDARY = re.compile(r"={15}\d+==")
_STORE_QUERIES = {
    "classifications": "SELECT pmid, store_version, watch, definitions_hash, payload"
    " FROM classifications ORDER BY pmid, store_version, watch",
    "digests": "SELECT watch, digest_key, payload FROM digests ORDER BY watch, digest_key",
}


def masked(path: Path) -> str:
    """The file's text with what legitimately differs between two runs replaced by a mark."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".eml":
        text = _MIME_BOUNDARY.sub("=BOUNDARY=", _EML_DATE.sub("Date: DATE", text))
    return _TIMESTAMP.sub("TIMESTAMP", text)


def output_files(root: Path) -> dict[str, Path]:
    return {
        str(path.relative_to(root)): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in COMPARED
    }


def store_rows(root: Path) -> dict[str, list[tuple]]:
    stores = sorted(root.rglob("*.sqlite"))
    if not stores:
        return {}
    with sqlite3.connect(f"file:{stores[0]}?mode=ro", uri=True) as conn:
        return {name: conn.execute(query).fetchall() for name, query in _STORE_QUERIES.items()}


def differences(before: Path, after: Path) -> tuple[list[str], int]:
    """Lines describing each difference, and how many files and tables were compared."""
    old, new = output_files(before), output_files(after)
    lines = [f"only in {before}: {name}" for name in sorted(old.keys() - new.keys())]
    lines += [f"only in {after}: {name}" for name in sorted(new.keys() - old.keys())]
    common = sorted(old.keys() & new.keys())
    lines += [f"differs: {name}" for name in common if masked(old[name]) != masked(new[name])]
    old_rows, new_rows = store_rows(before), store_rows(after)
    for table in sorted(old_rows.keys() | new_rows.keys()):
        if old_rows.get(table) != new_rows.get(table):
            lines.append(f"differs: store table {table}")
    return lines, len(common) + len(old_rows.keys() & new_rows.keys())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    lines, compared = differences(Path(argv[0]), Path(argv[1]))
    for line in lines:
        print(line)
    if compared == 0:
        print("nothing compared: are these demo output folders?")
        return 1
    print(f"compared={compared} differences={len(lines)}")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
