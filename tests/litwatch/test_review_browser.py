"""Acceptance of the review app (issue #22): Debian's Chromium, driven by Playwright, reviews as
a person would, on a store the weekly flow filled from the stand-in over real HTTP. One app
server per module; screenshots at 1280 and 375 wide land in each test's output folder."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Self

import pytest
from helpers import settings_for
from litwatch.flows.weekly import watch_flow
from litwatch.standin.corpus import CorpusOptions, VersionFile, load_corpus
from litwatch.standin.testing import running_standin
from litwatch.store import Store
from lxml import etree

from litwatch.config import load_watches
from litwatch.review_app import ReviewApp

pytestmark = pytest.mark.server

CHROMIUM = Path("/usr/bin/chromium")
T1 = datetime(2026, 11, 23, 7, 0)  # a Monday after every on-topic record's Entrez date
T2 = T1 + timedelta(weeks=1)
OPEN_LABEL = "99000004"  # vibration perception read "unclear": a reviewer corrects it
B_COMPLEX = "99000016"  # an RCT whose design a reviewer confirms; its abstract is revised at T2
VIBRATION = "domain:vibration-perception"


def revised_abstract(corpus: Path, folder: Path) -> Path:
    """The B-complex trial as PubMed would serve it after the authors corrected its results."""
    tree = etree.parse(str(corpus / "ontopic" / "ontopic.xml"))
    article = tree.xpath(f"//PubmedArticle[MedlineCitation/PMID='{B_COMPLEX}']")[0]
    results = article.xpath(".//AbstractText[@Label='RESULTS']")[0]
    results.text = "Symptom scores did not differ from placebo; nerve conduction did not differ."
    path = folder / "revised.xml"
    root = etree.Element("PubmedArticleSet")
    root.append(article)
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path


class AppServer:
    """The review app under uvicorn on a free loopback port, in a thread of this process."""

    def __init__(self, app: ReviewApp):
        import uvicorn

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app.asgi(), log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> Self:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            self.thread.join(0.02)
        raise AssertionError("the review app did not start")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()


@pytest.fixture(scope="module")
def world(prefect_api, corpus, tmp_path_factory) -> Iterator[dict]:
    """The stand-in (clock at T1, the revised abstract from T2), the weekly flow's store, and
    the review app serving it."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    folder = tmp_path_factory.mktemp("review-world")
    options = CorpusOptions(version_files=(VersionFile(revised_abstract(corpus, folder), T2),))
    served = load_corpus([corpus / "ontopic" / "ontopic.xml"], options)
    watch = load_watches()[0]
    with running_standin(corpus=served, now=T1) as standin:
        settings = settings_for(standin.base_url, folder / "data", None)
        watch_flow(watch.name, now=T1, settings=settings, since=date(1900, 1, 1), deliver=False)
        app = ReviewApp(settings.db_path, watch, folder / "out", {})
        with AppServer(app) as server:
            yield {"standin": standin, "settings": settings, "watch": watch, "url": server.url}


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


def sign_in(page, url: str, name: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=name]", name)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/queue")


def screenshots(page, out: Path, name: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        shot = out / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes().startswith(b"\x89PNG")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} overflows at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def summary_json(page, url: str) -> dict:
    return json.loads(page.request.get(f"{url}/summary.json").text())


def statement(summary: dict, key: str) -> dict:
    return next(s for s in summary["statements"] if s["key"] == key)


def test_a_reviewer_corrects_confirms_and_rules_the_summary(world, browser, tmp_path):
    url, watch = world["url"], world["watch"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, url, "Ann Lee")
    screenshots(page, tmp_path, "queue")
    before = statement(summary_json(page, url), VIBRATION)

    # 1-2. from the queue, correct a finding on one trial...
    page.goto(f"{url}/queue")
    page.click(f"a[href='/record/{OPEN_LABEL}']")
    call = page.locator("#call-finding-vibration-perception")
    call.locator("select[name=value]").select_option("favours-intervention")
    call.locator("input[name=note]").fill("vibration threshold improved, p<0.05")
    call.locator("button").click()
    page.wait_for_url(re.compile(r".*saved=finding"))
    assert "checked (AL)" in page.locator("#call-finding-vibration-perception").inner_text()
    screenshots(page, tmp_path, "record")
    # ...and confirm another's design with the keyboard ("c": the first call not yet checked)
    page.goto(f"{url}/record/{B_COMPLEX}")
    machine_design = page.locator("#call-design select").input_value()
    assert machine_design == "rct"
    page.keyboard.press("c")
    page.wait_for_url(re.compile(r".*saved=design"))
    assert "checked (AL)" in page.locator("#call-design").inner_text()

    # 3. the statement changes on the summary page and in summary.json
    page.goto(f"{url}/summary")
    after = statement(summary_json(page, url), VIBRATION)
    assert after["text"] != before["text"]
    assert after["text"] in page.content()
    checked = {s["pmid"]: s["checked"] for s in after["studies"]}
    assert checked[OPEN_LABEL] is True
    assert f"1 of {len(after['studies'])} checked" in page.content()
    page.goto(f"{url}/statements")
    assert f"1 of {len(after['studies'])} checked" in page.content()

    # 4. reclassifying (a new model: every classification is out of date) changes no checked value
    from litwatch.classifiers.design import load_design_model
    from litwatch.flows.classifying import classify_pending

    with Store.open(world["settings"].db_path) as store:
        store._conn.execute("UPDATE classifications SET definitions_hash = 'an older model'")
        assert classify_pending(store, watch, load_design_model(None)) > 0
    assert statement(summary_json(page, url), VIBRATION)["text"] == after["text"]

    # 5. the stand-in serves a revised abstract: the weekly run, beside a review session that
    # keeps saving, takes it in, and the decision made on the old text needs a re-check
    world["standin"].clock.set(T2)
    saved: list[int] = []

    def review_meanwhile() -> None:
        """A second reviewer's session over HTTP: twenty saves, each on the value it saw."""
        import httpx

        with httpx.Client(base_url=url, timeout=60) as client:
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)[1]
            client.post("/login", data={"csrf": token, "name": "Bo"})
            for n in range(20):
                page = client.get(f"/record/{OPEN_LABEL}").text
                token = re.search(r'name="csrf" value="([^"]+)"', page)[1]
                seen = re.search(
                    r'name="field" value="participants">\s*<input type="hidden" name="seen"'
                    r' value="(\d+)"',
                    page,
                )[1]
                form = {"csrf": token, "field": "participants", "value": str(40 + n), "seen": seen}
                answer = client.post(f"/record/{OPEN_LABEL}", data=form)
                saved.append(answer.status_code)

    session = threading.Thread(target=review_meanwhile)
    session.start()
    result = watch_flow(watch.name, now=T2, settings=world["settings"], deliver=False)
    session.join(60)
    assert saved == [303] * 20 and result.run_id  # each saved, then sent to its page
    page.goto(f"{url}/queue?status=recheck")
    assert "needs re-check" in page.content() and f"PMID {B_COMPLEX}" in page.content()
    page.goto(f"{url}/record/{B_COMPLEX}")
    assert "needs re-check" in page.locator("#call-design").inner_text()
    assert page.locator("#call-design select").input_value() == "rct"  # the value stands
    assert errors == []
    page.close()


def test_two_reviewers_disagree_blind_and_a_third_resolves(world, browser, tmp_path):
    """Dual review with two browser sessions (contexts: separate cookies)."""
    dual = world["watch"].model_copy(update={"review": "dual"})
    app = ReviewApp(world["settings"].db_path, dual, tmp_path / "out", {})
    with AppServer(app) as server:
        url = server.url
        pages = {}
        for name in ("Ann", "Bo", "Cy"):
            pages[name] = browser.new_context().new_page()
            sign_in(pages[name], url, name)
        for name, design in (("Ann", "rct"), ("Bo", "non-randomized-trial")):
            page = pages[name]
            page.goto(f"{url}/record/99000013")
            assert "checked (" not in page.locator("#call-design").inner_text()  # blind
            page.locator("#call-design select").select_option(design)
            page.locator("#call-design button").click()
            page.wait_for_url(re.compile(r".*saved=design"))
        cy = pages["Cy"]
        cy.goto(f"{url}/conflicts")
        conflict = cy.locator(".call", has_text="PMID 99000013")
        assert "Ann says rct" in conflict.inner_text() and "Bo says non-randomized-trial" in (
            conflict.inner_text()
        )
        screenshots(cy, tmp_path, "conflicts")
        conflict.locator("select[name=value]").select_option("rct")
        conflict.locator("button").click()
        cy.wait_for_url(f"{url}/conflicts")
        assert "PMID 99000013" not in cy.content()
        cy.goto(f"{url}/record/99000013")
        assert "checked (CY)" in cy.locator("#call-design").inner_text()
        cy.goto(f"{url}/agreement")
        text = cy.locator("table").inner_text()
        assert re.search(
            r"design\s+kappa \S+ \(\d+ of \d+ agree\)\s+kappa \S+ \(0 of 1 agree\)", text
        )
        screenshots(cy, tmp_path, "agreement")
