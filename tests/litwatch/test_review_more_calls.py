"""Arms, strata and association calls in the review app (issue #22), as a reviewer meets them:
the record page shows each with the machine's value, a correction through its form moves the
summary (summary.json and the HTML summary, rebuilt from the store), and dual review takes them
to the conflicts page and the agreement table like every other call."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from review_client import save, sign_in
from review_store import build_review_store, statement_of
from starlette.testclient import TestClient

from litwatch.review_app import ReviewApp

PLACEBO_TRIAL = "99000016"  # B12 against placebo, 120 participants, baseline B12 not stated
HEAD_TO_HEAD_TRIAL = "99000021"  # two forms against each other, no difference
CASE_CONTROL = "99000017"  # metformin users and non-users; its B12 comparison read "unclear"
HEAD_TO_HEAD = "question:formulation-route"
SYMPTOMS = "question:symptoms-pain"
B12_STATUS = "domain:b12-status"  # the head-to-head trial's one outcome
METFORMIN_B12 = "association:metformin-b12-status"


@pytest.fixture(scope="module")
def template_store(tmp_path_factory, corpus):
    path = tmp_path_factory.mktemp("review-more") / "litwatch.sqlite"
    return path, build_review_store(path, corpus)


@pytest.fixture
def reviewer(template_store, tmp_path):
    """Ann Lee signed in to the app over a fresh copy of the reviewed store."""
    path, watch = template_store
    return client_of(path, watch, tmp_path)


def client_of(path, watch, tmp_path, name="Ann Lee") -> TestClient:
    copy = tmp_path / "litwatch.sqlite"
    if not copy.exists():
        shutil.copy(path, copy)
    app = ReviewApp(
        copy,
        watch,
        tmp_path / "out",
        {},
        now=lambda: datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )
    client = TestClient(app.asgi())
    assert sign_in(client, name).status_code == 303
    return client


def pmids_in(summary: dict, key: str) -> set[str]:
    return {study["pmid"] for study in statement_of(summary, key)["studies"]}


def machine_read(page: str, field: str) -> str:
    return re.search(rf"<strong>{re.escape(field)}</strong>: machine read <em>([^<]*)</em>", page)[
        1
    ]


def test_a_corrected_comparator_moves_the_trial_between_controlled_and_head_to_head(reviewer):
    before = reviewer.get("/summary.json").json()
    assert PLACEBO_TRIAL in pmids_in(before, SYMPTOMS)
    assert PLACEBO_TRIAL not in pmids_in(before, HEAD_TO_HEAD)  # control
    assert HEAD_TO_HEAD_TRIAL in pmids_in(before, HEAD_TO_HEAD)
    assert HEAD_TO_HEAD_TRIAL not in pmids_in(before, B12_STATUS)
    page = reviewer.get(f"/record/{PLACEBO_TRIAL}").text
    assert machine_read(page, "comparator") == "placebo"
    assert "<strong>better_arm</strong>" not in page  # no arms compared head to head

    assert save(reviewer, PLACEBO_TRIAL, "comparator", "head-to-head").status_code == 303
    assert save(reviewer, HEAD_TO_HEAD_TRIAL, "comparator", "placebo").status_code == 303
    after = reviewer.get("/summary.json").json()
    assert PLACEBO_TRIAL not in pmids_in(after, SYMPTOMS)
    assert PLACEBO_TRIAL in pmids_in(after, HEAD_TO_HEAD)
    assert HEAD_TO_HEAD_TRIAL in pmids_in(after, B12_STATUS)
    assert HEAD_TO_HEAD_TRIAL not in pmids_in(after, HEAD_TO_HEAD)
    assert statement_of(after, HEAD_TO_HEAD)["text"] != statement_of(before, HEAD_TO_HEAD)["text"]
    # the trial now compares arms, so its page asks which arm did better
    assert "<strong>better_arm</strong>" in reviewer.get(f"/record/{PLACEBO_TRIAL}").text


def test_a_head_to_head_trials_better_arm_is_checked_and_rules_its_verdict(reviewer):
    page = reviewer.get(f"/record/{HEAD_TO_HEAD_TRIAL}").text
    assert machine_read(page, "better_arm") == "no-difference"
    arms = re.search(
        r'<select name="value" aria-label="better_arm">(.*?)</select>', page, re.DOTALL
    )[1]
    first_arm = re.findall(r'<option value="([^"]+)"', arms)[0]
    assert first_arm not in ("no-difference", "unclear")
    bad = save(reviewer, HEAD_TO_HEAD_TRIAL, "better_arm", "an arm it never had")
    assert bad.status_code == 400 and "better_arm cannot be" in bad.text

    assert save(reviewer, HEAD_TO_HEAD_TRIAL, "better_arm", first_arm).status_code == 303
    summary = reviewer.get("/summary.json").json()
    study = next(
        s for s in statement_of(summary, HEAD_TO_HEAD)["studies"] if s["pmid"] == HEAD_TO_HEAD_TRIAL
    )
    assert study["call"] == "favours-one-form" and study["better_arm"] == first_arm
    assert study["checked"] is True


def test_a_corrected_association_call_moves_its_statement_and_is_counted_checked(reviewer):
    def association(summary):
        return next(a for a in summary["associations"] if a["key"] == METFORMIN_B12)

    before = association(reviewer.get("/summary.json").json())
    case_control = next(s for s in before["studies"] if s["pmid"] == CASE_CONTROL)
    assert case_control["call"] == "unclear" and case_control["checked"] is False
    page = reviewer.get(f"/record/{CASE_CONTROL}").text
    assert machine_read(page, "association:metformin-b12-status") == "unclear"
    studies = len(before["studies"])
    html = reviewer.get("/summary").text
    assert f"0 of {studies} checked" in html and "checked (AL)" not in html  # control

    saved = save(reviewer, CASE_CONTROL, "association:metformin-b12-status", "decreased")
    assert saved.status_code == 303
    after = association(reviewer.get("/summary.json").json())
    case_control = next(s for s in after["studies"] if s["pmid"] == CASE_CONTROL)
    assert case_control["call"] == "decreased" and case_control["checked"] is True
    observational = lambda text: int(re.search(r"(\d+) observational stud", text)[1])
    assert observational(after["text"]) == observational(before["text"]) + 1
    html = reviewer.get("/summary").text
    assert f"1 of {studies} checked" in html
    line = _study_line(html, after["text"], CASE_CONTROL)
    assert "checked (AL)" in line and "machine-read" not in line
    assert "machine-read" in _study_line(html, after["text"], "99000015")  # one not checked


def _study_line(html: str, statement: str, pmid: str) -> str:
    """The line under a statement of the HTML summary that lists one study."""
    below = html[html.index(statement[:40]) :]
    return re.search(rf"<li(?:(?!</li>).)*/{pmid}/(?:(?!</li>).)*</li>", below, re.DOTALL)[0]


def test_a_corrected_stratum_moves_the_low_b12_statement_and_who_benefits(reviewer):
    low = f"{SYMPTOMS}:low-b12"
    before = reviewer.get("/summary.json").json()
    assert PLACEBO_TRIAL not in pmids_in(before, low)
    page = reviewer.get(f"/record/{PLACEBO_TRIAL}").text
    assert machine_read(page, "stratum:b12") == "not-stated"
    wrong = save(reviewer, PLACEBO_TRIAL, "stratum:b12", "users")  # a level of another stratum
    assert wrong.status_code == 400 and "stratum:b12 cannot be" in wrong.text
    who_before = _who_benefits(reviewer.get("/summary").text)

    assert save(reviewer, PLACEBO_TRIAL, "stratum:b12", "low").status_code == 303
    after = reviewer.get("/summary.json").json()
    assert PLACEBO_TRIAL in pmids_in(after, low)
    assert statement_of(after, low)["text"] != statement_of(before, low)["text"]
    who_after = _who_benefits(reviewer.get("/summary").text)
    low_count = lambda text: int(re.search(r"(\d+) low\b", text)[1])
    assert low_count(who_after) == low_count(who_before) + 1


def _who_benefits(html: str) -> str:
    section = html.split(">Who benefits</h3>", 1)[1].split("<h2", 1)[0]
    return re.sub(r"<[^>]+>", " ", section)


def test_dual_review_of_the_new_calls_has_conflicts_resolutions_and_kappa(template_store, tmp_path):
    path, watch = template_store
    dual = watch.model_copy(update={"review": "dual"})
    ann = client_of(path, dual, tmp_path, "Ann")
    bo = client_of(path, dual, tmp_path, "Bo")
    cy = client_of(path, dual, tmp_path, "Cy")
    assert save(ann, PLACEBO_TRIAL, "stratum:b12", "low").status_code == 303
    assert save(bo, PLACEBO_TRIAL, "stratum:b12", "normal").status_code == 303
    assert (
        save(ann, CASE_CONTROL, "association:metformin-b12-status", "decreased").status_code == 303
    )
    assert (
        save(bo, CASE_CONTROL, "association:metformin-b12-status", "decreased").status_code == 303
    )
    conflicts = cy.get("/conflicts").text
    assert "Ann says <em>low</em>" in conflicts and "Bo says <em>normal</em>" in conflicts
    assert "association:" not in conflicts  # they agreed on that one
    token = re.search(r'name="csrf" value="([^"]+)"', conflicts)[1]
    form = {"csrf": token, "pmid": PLACEBO_TRIAL, "field": "stratum:b12", "value": "normal"}
    assert cy.post("/conflicts", data=form, follow_redirects=False).status_code == 303
    assert "No conflicts." in cy.get("/conflicts").text
    assert "checked (CY)" in cy.get(f"/record/{PLACEBO_TRIAL}").text
    agreement = re.sub(r"\s+", " ", cy.get("/agreement").text)
    # each against the machine (two pairs each), and the two reviewers (one pair each)
    row = r"{}</td> <td>kappa [^<]*\(0 of 2 agree\)</td> <td>kappa [^<]*\({} of 1 agree\)"
    assert re.search(row.format("association", 1), agreement), agreement
    assert re.search(row.format("stratum", 0), agreement), agreement


def test_a_revised_abstract_marks_the_new_calls_for_re_check_and_they_stand(
    reviewer, template_store, tmp_path, corpus
):
    from litwatch.classifiers.design import load_design_model
    from litwatch.core.records import AbstractSection
    from litwatch.flows.classifying import classify_pending
    from litwatch.pubmed.xml import parse_xml
    from litwatch.store import Store
    from review_store import MONDAY

    field = "association:metformin-b12-status"
    assert save(reviewer, CASE_CONTROL, field, "decreased").status_code == 303
    assert save(reviewer, PLACEBO_TRIAL, "comparator", "head-to-head").status_code == 303
    record = next(
        r for r in parse_xml(corpus / "ontopic" / "ontopic.xml") if r.pmid == CASE_CONTROL
    )
    revised = replace(
        record, abstract=(*record.abstract, AbstractSection("ERRATUM", "A table was corrected."))
    )
    watch = template_store[1]
    with Store.open(tmp_path / "litwatch.sqlite") as store:
        run = store.begin_run(watch.name, None, None, MONDAY)
        store.upsert_records(run, watch.name, [revised], MONDAY)
        classify_pending(store, watch, load_design_model(None))
    page = reviewer.get(f"/record/{CASE_CONTROL}").text
    call = page.split(f'id="call-{field.replace(":", "-")}"', 1)[1].split("</p>", 1)[0]
    assert "needs re-check" in call
    trial = reviewer.get(f"/record/{PLACEBO_TRIAL}").text  # control: its text did not change
    assert "needs re-check" not in trial and "checked (AL)" in trial
    association = next(
        a for a in reviewer.get("/summary.json").json()["associations"] if a["key"] == METFORMIN_B12
    )
    study = next(s for s in association["studies"] if s["pmid"] == CASE_CONTROL)
    assert study["call"] == "decreased" and study["checked"] is True  # the reviewer's value stands
    assert "checked (AL), needs re-check" in reviewer.get("/summary").text


def test_a_domain_calls_subgroup_results_show_beside_it(reviewer, template_store, tmp_path):
    from litwatch.core.findings import Finding
    from litwatch.store import Store

    watch = template_store[1]
    page = reviewer.get(f"/record/{PLACEBO_TRIAL}").text
    assert "subgroup only" not in page  # control: the machine read no subgroup result
    with Store.open(tmp_path / "litwatch.sqlite") as store:
        version = next(
            v.store_version
            for v in store.latest_versions(watch.name)
            if v.record.pmid == PLACEBO_TRIAL
        )
        machine = store.classifications(watch.name, [(PLACEBO_TRIAL, version)], machine=True)
        classification = machine[(PLACEBO_TRIAL, version)]
        in_users = Finding(
            "pain", "pain", "decreased", "favours-intervention", "Pain fell in users.", 0.7,
            "metformin users",
        )  # fmt: skip
        defs = store._conn.execute(
            "SELECT definitions_hash FROM classifications WHERE pmid = ? AND store_version = ?",
            (PLACEBO_TRIAL, version),
        ).fetchone()[0]
        store.save_classification(
            PLACEBO_TRIAL,
            version,
            watch.name,
            defs,
            replace(classification, findings=(*classification.findings, in_users)),
        )
    page = reviewer.get(f"/record/{PLACEBO_TRIAL}").text
    pain = page.split('id="call-finding-pain"', 1)[1].split("</p>", 1)[0]
    assert "subgroup only: in metformin users: favours-intervention" in pain
