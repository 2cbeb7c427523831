"""Two processes writing the same store at once: IMMEDIATE transactions keep record versions single."""

import subprocess
import sys

from litwatch.store import Store

# Each writer runs its own watch over the same PMIDs, twice over with revised content.
WRITER = """
import sys
from datetime import datetime
from litwatch.core.records import Record
from litwatch.store import Store

path, watch = sys.argv[1], sys.argv[2]
now = datetime.fromisoformat("2026-11-23T07:00:00+00:00")
with Store.open(path) as store:
    run = store.begin_run(watch, None, now, now)
    for status in ("Publisher", "MEDLINE"):
        for start in range(0, 300, 20):
            batch = [Record(pmid=str(p), status=status) for p in range(start, start + 20)]
            store.upsert_records(run, watch, batch, now)
    store.finish_run(run, now, now, {})
"""


def test_concurrent_writers_share_versions_without_duplicates(tmp_path):
    path = tmp_path / "litwatch.sqlite"
    Store.open(path).close()
    writers = [
        subprocess.Popen(
            [sys.executable, "-P", "-c", WRITER, str(path), watch], stderr=subprocess.PIPE
        )
        for watch in ("a", "b")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors.decode()
    with Store.open(path) as store:
        assert all(len(store.record_versions(str(p))) == 2 for p in range(300))
        for watch in ("a", "b"):
            counts = store.counts(watch)
            assert (counts.records, counts.versions, counts.revised) == (300, 600, 300)
