"""The "what changed" phrases a digest shows for a revised record."""

from litwatch.core.records import AbstractSection, CommentCorrection, MeshHeading, Record
from litwatch.store.changes import describe_changes


def test_indexing_reports_status_types_and_mesh_count():
    before = Record(pmid="1", title="T", status="Publisher", publication_types=("Journal Article",))
    after = Record(
        pmid="1",
        title="T",
        status="MEDLINE",
        publication_types=("Journal Article", "Randomized Controlled Trial"),
        mesh_headings=tuple(MeshHeading(f"Heading {i}") for i in range(12)),
    )
    assert describe_changes(before, after) == (
        "status: Publisher → MEDLINE",
        "publication types: +Randomized Controlled Trial",
        "MeSH: +12 headings",
    )


def test_title_abstract_and_retraction_link_are_named():
    before = Record(pmid="1", title="Old", abstract=(AbstractSection("a"),))
    after = Record(
        pmid="1",
        title="New",
        abstract=(AbstractSection("b"),),
        comments_corrections=(CommentCorrection("RetractionIn", "999"),),
    )
    assert describe_changes(before, after) == (
        "comments/corrections: +RetractionIn 999",
        "title changed",
        "abstract changed",
    )


def test_removed_types_and_unlisted_fields_are_reported():
    before = Record(pmid="1", publication_types=("Review", "Journal Article"), doi="")
    after = Record(pmid="1", publication_types=("Journal Article",), doi="10.1/x")
    assert describe_changes(before, after) == ("publication types: -Review", "doi changed")


def test_identical_records_have_no_changes():
    record = Record(pmid="1", title="T", status="MEDLINE")
    assert describe_changes(record, record) == ()
