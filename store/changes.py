"""What changed between two versions of a record, in the short phrases a digest shows a reader."""

from __future__ import annotations

from dataclasses import fields

from litwatch.core.records import Record

# Fields described by their own phrase below; every other field is named generically.
_DESCRIBED = {
    "status",
    "version",
    "publication_types",
    "mesh_headings",
    "title",
    "abstract",
    "comments_corrections",
    "keywords",
    "registry_ids",
    "authors",
    "source_format",
}


def describe_changes(before: Record, after: Record) -> tuple[str, ...]:
    """Phrases such as "status: Publisher → MEDLINE" or "MeSH: +12 headings", most telling first."""
    phrases: list[str] = []
    if before.status != after.status:
        phrases.append(f"status: {before.status or 'none'} → {after.status or 'none'}")
    if before.version != after.version:
        phrases.append(f"pubmed version: {before.version} → {after.version}")
    if links := _set_change(
        (f"{c.ref_type} {c.pmid or c.source}".strip() for c in before.comments_corrections),
        (f"{c.ref_type} {c.pmid or c.source}".strip() for c in after.comments_corrections),
    ):
        phrases.append(f"comments/corrections: {links}")
    if types := _set_change(before.publication_types, after.publication_types):
        phrases.append(f"publication types: {types}")
    if mesh := _count_change(before.mesh_terms, after.mesh_terms, "heading"):
        phrases.append(f"MeSH: {mesh}")
    if registries := _set_change(before.registry_ids, after.registry_ids):
        phrases.append(f"registry ids: {registries}")
    if keywords := _count_change(before.keywords, after.keywords, "keyword"):
        phrases.append(f"keywords: {keywords}")
    if before.title != after.title:
        phrases.append("title changed")
    if before.abstract != after.abstract:
        phrases.append("abstract added" if not before.abstract else "abstract changed")
    if before.authors != after.authors:
        phrases.append("authors changed")
    phrases.extend(
        f"{field.name.replace('_', ' ')} changed"
        for field in fields(Record)
        if field.name not in _DESCRIBED
        and getattr(before, field.name) != getattr(after, field.name)
    )
    return tuple(phrases)


def _set_change(before, after) -> str:
    """'+Added, -Removed' over two collections, in the order the newer one lists them."""
    old, new = list(dict.fromkeys(before)), list(dict.fromkeys(after))
    added = [f"+{item}" for item in new if item not in old]
    removed = [f"-{item}" for item in old if item not in new]
    return ", ".join(added + removed)


def _count_change(before, after, noun: str) -> str:
    """'+12 headings, -1 heading' where listing every item would swamp the digest."""
    old, new = set(before), set(after)
    parts = []
    for sign, count in (("+", len(new - old)), ("-", len(old - new))):
        if count:
            parts.append(f"{sign}{count} {noun}{'' if count == 1 else 's'}")
    return ", ".join(parts)
