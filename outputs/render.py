"""Rendering: one Jinja2 renderer per format (HTML, plain text, Markdown) plus JSON, sharing partials.

Templates receive the plain views built in `outputs.view`; nothing here decides
what a reader sees, only how each format spells it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from litwatch.core.digest import Digest, EvidenceChange
from litwatch.core.files import write_file
from litwatch.core.words import first_upper, length_words
from litwatch.outputs import charts, csvexport, ris
from litwatch.outputs.view import digest_view, dose
from litwatch.outputs.watch import WatchInfo

JSON_SCHEMA_VERSION = "1.3"  # 1.1: findings; 1.2: checked; 1.3: findings' tested

# Markdown's own punctuation (~ is GFM's strikethrough) and the @ of an e-mail address, which
# GFM would turn into a mailto: link.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#!~@])")
# GFM's other autolinks: a URL scheme's colon and a bare "www." (escaped, neither reads as one).
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp)(:)|\b(www)(\.)")
_WHITESPACE = re.compile(r"\s+")


def oneline(text: object) -> str:
    """Collapse every run of whitespace, line breaks included, into one space."""
    return _WHITESPACE.sub(" ", str(text)).strip()


# A record's sentence (key finding, a study's evidence) longer than this is cut where people
# read it; JSON keeps it whole. Real results sentences run to a few hundred characters.
SHOWN_SENTENCE_CHARS = 500
CUT_MARK = " … [cut]"


def shown_sentence(text: object) -> str:
    """A sentence from a record as the digest and the summary show it: whole up to
    SHOWN_SENTENCE_CHARS, else cut at the last word boundary before it and marked as cut."""
    text = oneline(text)
    if len(text) <= SHOWN_SENTENCE_CHARS:
        return text
    kept = text[:SHOWN_SENTENCE_CHARS]
    kept = kept.rsplit(" ", 1)[0] if " " in kept else kept
    return kept.rstrip() + CUT_MARK


_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def markdown_text(text: object) -> str:
    """Text that Markdown shows literally: no markup, HTML or links can come from a record."""
    # Entities, not backslashes, for angle brackets and for an & that starts an entity: inert in
    # every Markdown flavour's HTML, and no "&#x202E;" in a record becomes a character when the
    # Markdown is shown; a plain "B12 & DPN" stays readable in the raw file.
    text = _ENTITY_START.sub("&amp;", oneline(text)).replace("<", "&lt;").replace(">", "&gt;")
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: f"{m[1] or m[3]}\\{m[2] or m[4]}", escaped)


def markdown_url(url: object) -> str:
    """A link target Markdown cannot end early: spaces, parentheses and angle brackets, which
    would close or break `[text](url)`, percent-encoded."""
    return quote(oneline(url), safe="/:?#[]@!$&'*+,;=%~.-_")


def code_span(text: object) -> str:
    """Text for inside `backticks`: no backtick to end the span early."""
    return oneline(text).replace("`", "'")


def sentence(text: object) -> str:
    """Upper-case the first letter only, keeping "RCT" and "B12" as written."""
    return first_upper(str(text))


def _environment(autoescape: bool) -> Environment:
    environment = Environment(
        loader=PackageLoader("litwatch.outputs", "templates"),
        autoescape=select_autoescape(["html.j2"], default=False) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["oneline"] = oneline
    environment.filters["cut"] = shown_sentence
    environment.filters["md"] = markdown_text
    environment.filters["md_url"] = markdown_url
    environment.filters["code"] = code_span
    environment.filters["sentence"] = sentence
    environment.filters["study_length"] = length_words
    environment.filters["dose"] = dose
    return environment


_HTML = _environment(autoescape=True)
_TEXT = _environment(autoescape=False)


_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def render_html(template: str, context: Mapping) -> str:
    """An HTML page with its CSS inlined into style attributes, as mail clients need."""
    page = _HTML.get_template(template).render(**context)
    # Template blocks that render nothing leave indented blank lines; drop their spaces.
    page = _TRAILING_SPACE.sub("", page)
    # The <style> block stays too: media queries for narrow screens cannot be inlined.
    return css_inline.CSSInliner(keep_style_tags=True).inline(page)


def render_text(template: str, context: Mapping) -> str:
    """Plain text or Markdown from a template that escapes through its own filters."""
    return _TEXT.get_template(template).render(**context)


@dataclass(frozen=True)
class InlineImage:
    """A picture the HTML shows; in e-mail it travels as a related part named by `content_id`."""

    name: str  # file name, e.g. "designs.png"
    png: bytes

    @property
    def content_id(self) -> str:
        return self.name.replace(".", "-") + "@litwatch"


@dataclass(frozen=True)
class RenderedDigest:
    """One digest in every format; `html` refers to images by CID, `html_file` by file name."""

    subject: str
    html: str
    html_file: str
    text: str
    markdown: str
    json: str
    images: tuple[InlineImage, ...] = field(default=())


def digest_json(view: Mapping) -> str:
    """The digest as JSON following outputs/schema/digest.schema.json."""
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "watch": view["watch"],
        "key": view["key"],
        "created": view["created"],
        "week": view["week"],
        "subject": view["subject"],
        "counts": {
            "new": len(view["new"]),
            "revised": len(view["revised"]),
            "notices": len(view["notices"]),
            "off_topic": view["off_topic"],
            "by_design": {label: count for label, count in view["design_counts"]},
        },
        "items": [_json_item(item) for item in [*view["new"], *view["revised"]]],
        "notices": [
            {key: notice[key] for key in ("kind", "about_pmid", "notice_pmid", "title")}
            for notice in view["notices"]
        ],
        "evidence_changes": view["evidence_changes"],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_item(item: Mapping) -> dict:
    return {
        "pmid": item["pmid"],
        "version": item["version"],
        "kind": item["kind"],
        "title": item["title"],
        "journal": item["journal"],
        "date": item["date"],
        "url": item["url"],
        "doi": item["doi"],
        "registry_ids": item["registry_ids"],
        "design": {
            "label": item["design"],
            "confidence": item["design_confidence"],
            "source": item["design_source"],
            "evidence": item["design_evidence"],
            **(
                {"second_label": "rct", "second_probability": item["possible_rct"]}
                if item["possible_rct"] is not None
                else {}
            ),
        },
        "attributes": dict(item["attribute_tokens"]),
        "gaps": [
            {key: gap[key] for key in ("name", "relevance", "score", "reasons")}
            for gap in item["gaps"]
        ],
        "key_finding": item["key_finding"],
        "findings": [
            {
                key: finding[key]
                for key in (
                    "domain",
                    "outcome",
                    "effect",
                    "direction",
                    "evidence",
                    "confidence",
                    "tested",
                )
            }
            for finding in item["findings"]
        ],
        "changes": item["changes"],
        "checked": item["checked"],
    }


def render_digest(
    digest: Digest, watch: WatchInfo, changes: Sequence[EvidenceChange] = ()
) -> RenderedDigest:
    """Render one digest, with the summary statements it moved, in every format."""
    view = digest_view(digest, watch, changes)
    images: tuple[InlineImage, ...] = ()
    if view["design_counts"]:
        images = (
            InlineImage(
                "designs.png",
                charts.design_bar(view["design_counts"]),
            ),
        )
    by_cid = {image.name.removesuffix(".png"): f"cid:{image.content_id}" for image in images}
    by_file = {image.name.removesuffix(".png"): image_file_name(digest, image) for image in images}
    return RenderedDigest(
        subject=view["subject"],
        html=render_html("digest.html.j2", {**view, "images": by_cid}),
        html_file=render_html("digest.html.j2", {**view, "images": by_file}),
        text=render_text("digest.txt.j2", view),
        markdown=render_text("digest.md.j2", view),
        json=digest_json(view),
        images=images,
    )


@dataclass(frozen=True)
class DigestPaths:
    """Where one digest's files were written."""

    html: Path
    txt: Path
    md: Path
    json: Path
    ris: Path
    csv: Path
    eml: Path
    images: tuple[Path, ...] = ()

    def by_format(self) -> dict[str, Path]:
        """The files by format name ("html", "txt", ... "eml"), images aside."""
        return {
            name: getattr(self, name) for name in ("html", "txt", "md", "json", "ris", "csv", "eml")
        }


def digest_stem(digest: Digest) -> str:
    """A file-name-safe name for a digest, from its key."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", digest.key).strip("._") or "digest"


def image_file_name(digest: Digest, image: InlineImage) -> str:
    """The file an image is written to beside the digest's HTML file."""
    return f"{digest_stem(digest)}-{image.name}"


def write_digest_files(
    digest: Digest,
    watch_info: WatchInfo,
    out_dir: Path,
    sender: str = "litwatch@localhost",
    recipients: tuple[str, ...] = (),
    changes: Sequence[EvidenceChange] = (),
) -> DigestPaths:
    """Render one digest (with the statements it moved) and write every format into `out_dir`;
    the .eml is ready to send."""
    from litwatch.outputs.mail import build_message  # mail builds on render: no cycle

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered = render_digest(digest, watch_info, changes)
    stem = digest_stem(digest)
    records = [(item.record, item.classification) for item in digest.items]
    message = build_message(digest, rendered, watch_info, sender, recipients)
    paths = DigestPaths(
        html=out_dir / f"{stem}.html",
        txt=out_dir / f"{stem}.txt",
        md=out_dir / f"{stem}.md",
        json=out_dir / f"{stem}.json",
        ris=out_dir / f"{stem}.ris",
        csv=out_dir / f"{stem}.csv",
        eml=out_dir / f"{stem}.eml",
        images=tuple(out_dir / image_file_name(digest, image) for image in rendered.images),
    )
    write_file(paths.html, rendered.html_file)
    write_file(paths.txt, rendered.text)
    write_file(paths.md, rendered.markdown)
    write_file(paths.json, rendered.json)
    write_file(paths.ris, ris.records_to_ris(records))
    write_file(paths.csv, csvexport.records_to_csv(records, watch_info))
    write_file(paths.eml, message.as_bytes())  # the next run may send this file as it is
    for image, path in zip(rendered.images, paths.images, strict=True):
        write_file(path, image.png)
    return paths


def digest_folder(out_dir: Path, digest: Digest) -> Path:
    """The folder of one digest's files: out_dir/digests/<its stem>/."""
    return Path(out_dir) / "digests" / digest_stem(digest)


def digest_message(
    digest: Digest,
    changes: Sequence[EvidenceChange],
    watch_info: WatchInfo,
    out_dir: Path,
    sender: str,
    recipients: tuple[str, ...],
) -> Path:
    """The digest's .eml in its folder, rendered first (with the other files) if it is missing."""
    folder = digest_folder(out_dir, digest)
    eml = folder / f"{digest_stem(digest)}.eml"
    if not eml.exists():
        eml = write_digest_files(digest, watch_info, folder, sender, recipients, changes).eml
    return eml
