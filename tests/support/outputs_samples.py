"""Hand-built records, classifications and digests for the outputs tests (the classifiers are not needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from litwatch.core.classification import Classification
from litwatch.core.digest import Digest, DigestItem, EvidenceChange, Notice
from litwatch.core.records import AbstractSection, Author, Record
from litwatch.outputs.watch import Question, WatchInfo

HOSTILE_TITLE = 'Sneaky <script>alert("x")</script> trial "><img src=x onerror=alert(1)> of B12'
HOSTILE_ABSTRACT = '=HYPERLINK("http://evil.example/","click")\nER  - \nTY  - JOUR'

WATCH = WatchInfo(
    name="b12-dpn",
    title="B12 & DPN",
    query='("Vitamin B 12"[mh] OR cobalamin*[tiab]) AND ("Diabetic Neuropathies"[mh] OR metformin[tiab])',
    gaps=(
        ("stratified_rct", "Larger RCTs stratified by baseline B12 status and metformin use?"),
        ("outcomes_followup", "Standardized outcomes and follow-up of a year or more?"),
        ("head_to_head", "Cyanocobalamin vs methylcobalamin vs injections?"),
    ),
    gap_titles=(
        ("stratified_rct", "Stratified RCTs"),
        ("outcomes_followup", "Standard outcomes, longer follow-up"),
        ("head_to_head", "Head-to-head formulations and routes"),
    ),
    intervention="B12",
    domains=(("pain", "pain"), ("nerve-conduction", "nerve conduction")),
    questions=(Question("symptoms-pain", "Neuropathy symptoms and pain", ("pain",)),),
)


def record(pmid: str, title: str, year: int = 2026, **fields) -> Record:
    """A Record as the parsers would give it, with a journal, authors and an abstract."""
    return Record(
        pmid=pmid,
        title=title,
        journal=fields.pop("journal", "Journal of Diabetes Research"),
        publication_date=fields.pop("publication_date", f"{year}-11"),
        publication_year=year,
        authors=(
            Author(last_name="Rivera", initials="AM"),
            Author(last_name="Okafor", initials="C"),
        ),
        abstract=(
            AbstractSection(
                text=fields.pop("abstract", "Participants were randomized."), label="METHODS"
            ),
        ),
        **fields,
    )


def classification(
    design: str,
    *,
    gaps: dict | None = None,
    findings: list | None = None,
    strata: list | None = None,
    **attributes,
) -> Classification:
    """A classification as the design, attribute and gap classifiers would make it, from the
    JSON the store keeps (keys left out take their defaults)."""
    return Classification.from_json(
        {
            "design": design,
            "design_confidence": 0.91,
            "design_source": "model",
            "design_evidence": ["randomized"],
            "topic_relevant": True,
            "attributes": attributes,
            "gaps": gaps or {},
            "key_finding": findings[0]["evidence"] if findings else "",
            "findings": findings or [],
            "strata": strata or [],
        }
    )


RCT_GAP = classification(
    "rct",
    forms=["methylcobalamin"],
    routes=["oral"],
    daily_dose=1000,
    dose_unit="µg",
    comparator="placebo",
    n_participants=90,
    follow_up_weeks=52,
    populations=["metformin-users", "b12-measured"],
    strata=[{"stratum": "b12", "level": "low"}],
    outcomes=["nerve-conduction", "pain-scale", "quality-of-life"],
    findings=[
        {
            "domain": "pain",
            "outcome": "pain score",
            "effect": "decreased",
            "direction": "favours-intervention",
            "evidence": "Pain scores fell more with methylcobalamin than with placebo (p = 0.01).",
            "confidence": 0.9,
        },
        {
            "domain": "nerve-conduction",
            "outcome": "sural nerve conduction velocity",
            "effect": "no-difference",
            "direction": "no-difference",
            "evidence": "Nerve conduction did not differ between groups.",
            "confidence": 0.8,
        },
    ],
    gaps={
        "stratified_rct": {
            "relevance": "addresses",
            "score": 0.9,
            "reasons": ["stratified by metformin use"],
        },
        "outcomes_followup": {
            "relevance": "partly",
            "score": 0.5,
            "reasons": ["52-week follow-up"],
        },
        "head_to_head": {"relevance": "no", "score": 0.0, "reasons": []},
    },
)


def sample_digest(created: datetime | None = None, key: str = "b12-dpn:2026-W48") -> Digest:
    """A digest with a gap-filling RCT, a meta-analysis, a hostile record, a revision and a retraction."""
    created = created or datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    items = (
        DigestItem(
            record(
                "99000010",
                "Mecobalamin injections versus oral cyanocobalamin",
                doi="10.1000/h2h.1",
                registry_ids=("NCT01234567",),
            ),
            "new",
            1,
            classification=classification(
                "rct",
                forms=["methylcobalamin", "cyanocobalamin"],
                routes=["intramuscular", "oral"],
                comparator="head-to-head",
                n_participants=120,
                gaps={
                    "head_to_head": {
                        "relevance": "addresses",
                        "score": 1.0,
                        "reasons": ["compares routes"],
                    }
                },
            ),
        ),
        DigestItem(
            record("99000011", "B12 for diabetic neuropathy: a meta-analysis", year=2025),
            "new",
            1,
            classification=classification("meta-analysis"),
        ),
        DigestItem(
            record(
                "99000012",
                HOSTILE_TITLE,
                abstract=HOSTILE_ABSTRACT,
                doi='10.1/"><script>x</script>',
            ),
            "new",
            1,
            classification=classification("cohort", n_participants=400),
        ),
        DigestItem(
            record("99000013", "Methylcobalamin in metformin users, one year", status="MEDLINE"),
            "revised",
            2,
            changes=("status: In-Process → MEDLINE", "design: other → rct"),
            classification=RCT_GAP,
        ),
        DigestItem(record("99000014", "An unclassified record"), "new", 1, classification=None),
    )
    notices = (Notice("retraction", "20488910", "99000020", "Retraction: B12 and metformin trial"),)
    return Digest(
        watch="b12-dpn",
        key=key,
        created=created,
        items=items,
        notices=notices,
        off_topic=3,
    )


SAMPLE_CHANGES = (  # the statements sample_digest() moved, as recording it computes them
    EvidenceChange(
        key="question:symptoms-pain",
        title="Neuropathy symptoms and pain",
        before="Neuropathy symptoms and pain: 1 RCT (60 participants) favours B12.",
        after="Neuropathy symptoms and pain: both RCTs (150 participants) favour B12.",
        new_pmids=("99000013",),
    ),
)


def empty_digest(key: str = "b12-dpn:2026-W49") -> Digest:
    return Digest(
        watch="b12-dpn", key=key, created=datetime(2026, 11, 30, 7, 0, tzinfo=UTC), off_topic=2
    )
