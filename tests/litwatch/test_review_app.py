"""The review app over HTTP (Starlette's test client, a real store): sign-in and its throttle,
CSRF on every form, cookies, escaping of record text on every page, stale saves, dual review
with conflicts and kappa. The browser tests (test_review_browser.py) walk the same pages."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from litwatch.core.records import AbstractSection
from litwatch.pubmed.xml import parse_xml
from litwatch.store import Store
from review_store import MONDAY, build_review_store
from starlette.testclient import TestClient

from litwatch.review_app import ReviewApp
from litwatch.reviewers import add_reviewer, read_reviewers

OPEN_LABEL = "99000004"
HOSTILE = "<script>alert('title')</script><img src=x onerror=alert(1)>"
PAGES = ("/queue", "/statements", "/history", "/conflicts", "/agreement")
SHOW_TEXT = {"/queue", f"/record/{OPEN_LABEL}", f"/history?pmid={OPEN_LABEL}", "/history"}


@pytest.fixture(scope="module")
def template_store(tmp_path_factory, corpus):
    path = tmp_path_factory.mktemp("review") / "litwatch.sqlite"
    watch = build_review_store(path, corpus)
    return path, watch


@pytest.fixture
def store_file(template_store, tmp_path):
    path, _ = template_store
    copy = tmp_path / "litwatch.sqlite"
    shutil.copy(path, copy)
    return copy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_app(store_file, watch, tmp_path, accounts=None, clock=None) -> ReviewApp:
    return ReviewApp(
        store_file,
        watch,
        tmp_path / "out",
        accounts or {},
        clock=clock or Clock(),
        now=lambda: datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, name: str, password: str | None = None):
    token = csrf_of(client.get("/login").text)
    form = {"csrf": token, "name": name, **({"password": password} if password else {})}
    return client.post("/login", data=form, follow_redirects=False)


def save(client, pmid, field, value, seen="0", note=""):
    page = client.get(f"/record/{pmid}").text
    form = {"csrf": csrf_of(page), "field": field, "value": value, "seen": seen, "note": note}
    return client.post(f"/record/{pmid}", data=form, follow_redirects=False)


@pytest.fixture
def app(store_file, template_store, tmp_path):
    return make_app(store_file, template_store[1], tmp_path)


def test_sessions_are_httponly_strict_cookies_and_pages_need_one(app):
    client = TestClient(app.asgi())
    assert client.get("/queue", follow_redirects=False).headers["location"] == "/login"
    signed = sign_in(client, "Ann Lee")
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    queue = client.get("/queue")
    assert queue.status_code == 200 and OPEN_LABEL in queue.text


def test_a_form_posted_without_its_csrf_token_is_refused(app, store_file, template_store):
    client = TestClient(app.asgi())
    sign_in(client, "Ann Lee")
    form = {"field": "design", "value": "rct", "seen": "0"}
    refused = client.post(f"/record/{OPEN_LABEL}", data=form)
    assert refused.status_code == 403 and "security token" in refused.text
    forged = client.post(f"/record/{OPEN_LABEL}", data={**form, "csrf": "guessed"})
    assert forged.status_code == 403
    assert not TestClient(app.asgi()).post("/login", data={"name": "x"}).is_success
    with Store.open(store_file) as store:
        assert store.decisions(template_store[1].name) == []
    assert save(client, OPEN_LABEL, "design", "rct").status_code == 303  # control: with it


def test_a_stale_save_is_refused_with_a_message_and_nothing_is_lost(app, store_file):
    ann, bo = TestClient(app.asgi()), TestClient(app.asgi())
    sign_in(ann, "Ann Lee")
    sign_in(bo, "Bo")
    bo_page = bo.get(f"/record/{OPEN_LABEL}").text  # Bo opens the page: nothing decided yet
    assert save(ann, OPEN_LABEL, "design", "rct").status_code == 303
    form = {"csrf": csrf_of(bo_page), "field": "design", "value": "cohort", "seen": "0"}
    stale = bo.post(f"/record/{OPEN_LABEL}", data=form)
    assert stale.status_code == 409
    assert "was set to &#39;rct&#39; by Ann Lee since you opened the page" in stale.text
    with Store.open(store_file) as store:
        assert [d.reviewer_value for d in store.decisions("b12-dpn")] == ["rct"]
    seen = re.search(
        r'name="field" value="design">\s*<input type="hidden" name="seen" value="(\d+)"', stale.text
    )
    assert save(bo, OPEN_LABEL, "design", "cohort", seen=seen.group(1)).status_code == 303


def test_a_script_in_record_text_is_inert_on_every_page(
    store_file, template_store, tmp_path, corpus
):
    watch = template_store[1]
    record = next(r for r in parse_xml(corpus / "ontopic" / "ontopic.xml") if r.pmid == OPEN_LABEL)
    hostile = replace(
        record,
        title=HOSTILE,
        abstract=(AbstractSection("RESULTS", f"Scores fell. {HOSTILE} and </textarea>"),),
    )
    with Store.open(store_file) as store:
        run = store.begin_run(watch.name, None, None, MONDAY)
        store.upsert_records(run, watch.name, [hostile], MONDAY)
        from litwatch.classifiers.design import load_design_model
        from litwatch.flows.classifying import classify_pending

        classify_pending(store, watch, load_design_model(None))
    app = make_app(store_file, watch, tmp_path)
    client = TestClient(app.asgi())
    sign_in(client, "Ann Lee")
    assert save(client, OPEN_LABEL, "design", "rct", note=HOSTILE).status_code == 303
    for page in (*PAGES, f"/record/{OPEN_LABEL}", f"/history?pmid={OPEN_LABEL}", "/summary"):
        body = client.get(page).text
        assert "<script>alert" not in body and "<img src=x" not in body, page
        if page in SHOW_TEXT:  # (the others list PMIDs and values, not titles or notes)
            assert "&lt;script&gt;alert(" in body, page


def test_repeated_failed_logins_are_slowed(store_file, template_store, tmp_path):
    accounts_file = tmp_path / "reviewers.json"
    add_reviewer(accounts_file, "Ann Lee", "correct horse battery")
    clock = Clock()
    app = make_app(store_file, template_store[1], tmp_path, read_reviewers(accounts_file), clock)
    client = TestClient(app.asgi())
    for _ in range(3):
        assert sign_in(client, "Ann Lee", "wrong password!").status_code == 401
    slowed = sign_in(client, "Ann Lee", "correct horse battery")
    assert slowed.status_code == 429 and "try again in" in slowed.text  # even the right one
    assert int(slowed.headers["retry-after"]) >= 1
    clock.now += 1.5
    assert sign_in(client, "Ann Lee", "wrong password!").status_code == 401
    clock.now += 1.5  # the fourth failure doubled the wait to 2 s
    assert sign_in(client, "Ann Lee", "correct horse battery").status_code == 429
    clock.now += 1.0
    assert sign_in(client, "Ann Lee", "correct horse battery").status_code == 303
    assert sign_in(client, "Ann Lee", "wrong password!").status_code == 401  # count starts anew


def test_dual_review_is_blind_then_conflicts_are_resolved_and_kappa_shown(
    store_file, template_store, tmp_path
):
    watch = template_store[1].model_copy(update={"review": "dual"})
    app = make_app(store_file, watch, tmp_path)
    ann, bo, cy = (TestClient(app.asgi()) for _ in range(3))
    for client, name in ((ann, "Ann"), (bo, "Bo"), (cy, "Cy")):
        sign_in(client, name)
    assert save(ann, OPEN_LABEL, "design", "rct").status_code == 303
    assert save(ann, "99000002", "design", "rct").status_code == 303
    bo_page = bo.get(f"/record/{OPEN_LABEL}").text
    assert "checked (" not in bo_page  # one reviewer's value checks nothing in dual review
    assert 'value="rct" selected' not in bo_page  # Bo does not see Ann's value
    assert "Ann" not in bo.get(f"/history?pmid={OPEN_LABEL}").text
    assert save(bo, OPEN_LABEL, "design", "cohort").status_code == 303
    assert save(bo, "99000002", "design", "rct").status_code == 303
    assert "checked (ANN+BO)" in bo.get("/record/99000002").text  # agreed: checked
    conflicts = cy.get("/conflicts").text
    assert "Ann says <em>rct</em>" in conflicts and "Bo says <em>cohort</em>" in conflicts
    form = {"csrf": csrf_of(conflicts), "pmid": OPEN_LABEL, "field": "design", "value": "rct"}
    assert cy.post("/conflicts", data=form, follow_redirects=False).status_code == 303
    assert "No conflicts." in cy.get("/conflicts").text
    assert "checked (CY)" in cy.get(f"/record/{OPEN_LABEL}").text
    agreement = re.sub(r"\s+", " ", cy.get("/agreement").text)
    assert "(1 of 2 agree)" in agreement  # reviewer against reviewer on design
    assert re.search(r"design</td> <td>kappa (-?[0-9.]+|n/a) \(\d of 4 agree\)", agreement)


def test_the_queue_filters_and_the_record_page_ties_evidence_to_calls(app):
    client = TestClient(app.asgi())
    sign_in(client, "Ann Lee")
    everything = client.get("/queue").text
    assert everything.index("feeds a statement") < everything.rindex("PMID")  # statement ones lead
    assert save(client, OPEN_LABEL, "design", "rct").status_code == 303
    listed = lambda query: set(re.findall(r'href="/record/(\d+)"', client.get(query).text))
    assert listed("/queue?status=checked") == {OPEN_LABEL}
    assert OPEN_LABEL not in listed("/queue?status=unchecked")
    assert listed("/queue?reviewer=Ann+Lee") == {OPEN_LABEL}
    assert OPEN_LABEL in listed("/queue?design=rct")
    assert OPEN_LABEL not in listed("/queue?design=cohort")
    page = client.get(f"/record/{OPEN_LABEL}").text
    marks = re.findall(r'<mark id="ev-([a-z0-9-]+)"', page)
    assert marks and all(f'href="#ev-{mark}"' in page for mark in marks)  # each tied to its call
    assert re.search(r"\(\d+% sure\)", page)
    # "Symptom scores fell more with the B-complex than with placebo": the reviewer sees that
    # no test backs the finding; "nerve conduction did not differ" states no difference to test.
    tablet = client.get("/record/99000016").text
    symptom = tablet[tablet.index('id="call-finding-symptom-score"') :]
    assert "no statistical test reported" in symptom[: symptom.index("</p>")]
    nerve = tablet[tablet.index('id="call-finding-nerve-conduction"') :]
    assert "no statistical test reported" not in nerve[: nerve.index("</p>")]


def test_hostile_requests_get_a_readable_refusal_and_change_nothing(app, store_file):
    client = TestClient(app.asgi())
    sign_in(client, "Ann Lee")
    token = csrf_of(client.get(f"/record/{OPEN_LABEL}").text)
    huge = client.post(f"/record/{OPEN_LABEL}", content=b"csrf=" + b"x" * 70_000)
    assert huge.status_code == 413
    garbled = client.post(
        f"/record/{OPEN_LABEL}",
        content=b"\xff\xfe=\x00",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert garbled.status_code == 400
    assert client.get("/record/not-a-pmid").status_code == 404
    assert client.get("/record/123").status_code == 404
    form = {"csrf": token, "field": "colour", "value": "red", "seen": "0"}
    unknown = client.post(f"/record/{OPEN_LABEL}", data=form)
    assert unknown.status_code == 400 and "unknown field &#39;colour&#39;" in unknown.text
    form = {"csrf": token, "field": "participants", "value": "1e400", "seen": "x"}
    assert client.post(f"/record/{OPEN_LABEL}", data=form).status_code == 400
    with Store.open(store_file) as store:
        assert store.decisions("b12-dpn") == []


def test_clients_making_sessions_cannot_fill_memory(app, monkeypatch):
    import litwatch.review_app

    monkeypatch.setattr(litwatch.review_app, "MAX_SESSIONS", 5)
    for _ in range(20):
        TestClient(app.asgi()).get("/login")
    assert len(app.sessions) == 5
    reviewer = TestClient(app.asgi())
    sign_in(reviewer, "Ann Lee")  # the newest session stays
    assert reviewer.get("/queue", follow_redirects=False).status_code == 200
