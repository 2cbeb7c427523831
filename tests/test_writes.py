"""Every file litwatch writes goes through core/files.py (STYLE.md, "Writes that cannot be
redirected"): read every module of the rooms and find any other way of writing a file."""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
ROOMS = ("core", "pubmed", "store", "classifiers", "outputs", "flows", "standin", "litwatch")

# Ways to write a file that would follow a link planted at the target (or a guessable name).
_WRITERS = re.compile(
    r"\.write_text\(|\.write_bytes\(|\bopen\([^)]*['\"][rwax+b]*[wax][rwax+b]*['\"]"
    r"|shutil\.(copy\w*|move)\(|copytree\(|\.savefig\((?!buffer)|ParquetWriter\((?!handle)"
    r"|sio\.dump\([^)]*\bPath\("
)
# The writers that may: the helper itself, and the pace file, a lock opened O_NOFOLLOW in place
# (pubmed/ratelimit.py; tests/pubmed/test_pace_file.py holds it against planted links).
ALLOWED = {"core/files.py", "pubmed/ratelimit.py"}


def other_writers(source: str) -> list[str]:
    """The lines of `source` that write a file some other way than core/files.py."""
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(source.splitlines(), 1)
        if _WRITERS.search(line) and not line.lstrip().startswith("#")
    ]


def test_every_file_is_written_through_the_one_helper():
    found = {}
    for room in ROOMS:
        for path in sorted((REPOSITORY / room).rglob("*.py")):
            name = path.relative_to(REPOSITORY).as_posix()
            if name not in ALLOWED and (lines := other_writers(path.read_text(encoding="utf-8"))):
                found[name] = lines
    assert found == {}


def test_the_check_finds_each_way_of_writing_around_the_helper():
    """Control: the writers main had are each found."""
    for line in (
        'paths.html.write_text(rendered.html_file, encoding="utf-8")',
        "temporary.write_bytes(data)",
        'with target.open("wb") as out:',
        "with open(path, 'a') as log:",
        "shutil.copytree(folder, latest, dirs_exist_ok=True)",
        'return pq.ParquetWriter(path, schema, compression="zstd")',
        "sio.dump(bundle, Path(path), compression=8)",
    ):
        assert other_writers(line), line
    assert other_writers('with path.open("rb") as handle:') == []
    assert other_writers("write_file(paths.html, rendered.html_file)") == []
