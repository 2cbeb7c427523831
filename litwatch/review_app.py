"""The review web app (`litwatch review`): server-rendered pages and plain HTML forms over one
watch's store, as small as the job. Starlette serves it, Jinja2 renders it with every value
escaped; sessions live in this process, each with its CSRF token; failed logins are slowed.

Every handler is async and runs on the server's one event-loop thread, so one SQLite connection
serves them all; each write is one short IMMEDIATE transaction, and SQLite's busy timeout lets a
scheduled run and the app share the store (WAL).
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from litwatch.config import Watch
from litwatch.core.errors import LitwatchError
from litwatch.core.review import StaleDecisionError, initials
from litwatch.outputs.order import design_label
from litwatch.reviewers import verify
from litwatch.reviewing import ReviewDesk
from litwatch.settings import Settings
from litwatch.store.db import connect
from litwatch.store.store import Store
from litwatch.wiring import watch_info

COOKIE = "litwatch_review"
MAX_FORM_BYTES = 64 * 1024
FREE_FAILURES = 3  # failed logins before each further try waits
MAX_SESSIONS = 10_000  # the oldest go first: a client making sessions cannot fill memory
MAX_WAIT_S = 300.0
_PMID = re.compile(r"^[0-9]{1,12}$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 ._-]{0,39}$")  # as reviewers.check_name allows
_DESK: ContextVar[ReviewDesk] = ContextVar("review_desk")


@dataclass
class Session:
    csrf: str
    reviewer: str | None = None


@dataclass
class LoginThrottle:
    """Failed logins per client and per name: after FREE_FAILURES, each further try must wait
    twice as long as the one before (1 s, 2 s, 4 s, ... at most MAX_WAIT_S)."""

    clock: Callable[[], float] = time.monotonic
    failures: dict[str, tuple[int, float]] = field(default_factory=dict)

    def wait(self, *keys: str) -> float:
        """Seconds to wait before another try is heard (0: go ahead)."""
        now = self.clock()
        longest = 0.0
        for key in keys:
            count, last = self.failures.get(key, (0, 0.0))
            if count >= FREE_FAILURES:
                delay = min(MAX_WAIT_S, 2.0 ** (count - FREE_FAILURES))
                longest = max(longest, last + delay - now)
        return max(0.0, longest)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        for key in keys:
            count, _ = self.failures.pop(key, (0, 0.0))
            self.failures[key] = (count + 1, now)  # re-inserted: the newest last
        while len(self.failures) > MAX_SESSIONS:
            del self.failures[next(iter(self.failures))]

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self.failures.pop(key, None)


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("litwatch.outputs", "templates"),
        autoescape=True,  # every page escapes record text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["design_label"] = design_label
    environment.filters["initials"] = initials
    environment.filters["percent"] = lambda v: "—" if v is None else f"{v * 100:.0f}%"
    environment.filters["urlpart"] = lambda v: quote(str(v), safe="")
    return environment


def highlighted_abstract(text: str, evidence: list[tuple[str, str]]) -> Markup:
    """The abstract, escaped, with each evidence sentence marked and tied to its call by id."""
    spans: list[tuple[int, int, str]] = []
    for field_name, sentence in evidence:
        sentence = sentence.strip()
        if len(sentence) < 4:
            continue
        start = text.find(sentence)
        if start < 0:
            continue
        end = start + len(sentence)
        if any(start < e and s < end for s, e, _ in spans):
            continue
        spans.append((start, end, field_name))
    out, at = [], 0
    for start, end, field_name in sorted(spans):
        out.append(escape(text[at:start]))
        out.append(
            Markup('<mark id="ev-{0}" title="evidence for {0}">').format(
                field_name.replace(":", "-")
            )
        )
        out.append(escape(text[start:end]))
        out.append(Markup("</mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


class ReviewApp:
    """One watch's review app over a store file."""

    def __init__(
        self,
        db_path: Path,
        watch: Watch,
        out_dir: Path,
        accounts: dict[str, str],
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.db_path = db_path
        self.watch = watch
        self.out_dir = out_dir
        self.accounts = accounts
        self.now = now
        self.sessions: dict[str, Session] = {}
        self.throttle = LoginThrottle(clock)
        self.templates = _environment()
        Store.open(db_path).close()  # the schema brought up to date once, before any request

    @property
    def desk(self) -> ReviewDesk:
        """The request's desk, over the connection opened for it (see `_per_request_store`)."""
        return _DESK.get()

    def _per_request_store(self, app: Starlette) -> Callable:
        """ASGI wrapper: each request gets its own connection, on the thread that serves it,
        closed when it is answered; a connection costs a millisecond and holds no lock."""

        async def wrapped(scope, receive, send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            store = Store(connect(self.db_path), self.db_path)
            token = _DESK.set(ReviewDesk(store, self.watch))
            try:
                await app(scope, receive, send)
            finally:
                _DESK.reset(token)
                store.close()

        return wrapped

    # -- plumbing -------------------------------------------------------------------------

    def asgi(self) -> Callable:
        routes = [
            Route("/", self.home),
            Route("/login", self.login, methods=["GET", "POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/queue", self.queue),
            Route("/record/{pmid}", self.record, methods=["GET", "POST"]),
            Route("/statements", self.statements),
            Route("/history", self.history),
            Route("/conflicts", self.conflicts, methods=["GET", "POST"]),
            Route("/agreement", self.agreement),
            Route("/summary", self.summary),
            Route("/summary.json", self.summary_json),
        ]
        return self._per_request_store(Starlette(routes=routes))

    def _session(self, request: Request) -> tuple[Session, str | None]:
        """The request's session, and a new token to set when it had none."""
        token = request.cookies.get(COOKIE, "")
        session = self.sessions.get(token)
        if session is not None:
            return session, None
        token = secrets.token_urlsafe(32)
        session = Session(csrf=secrets.token_urlsafe(32))
        self._keep(token, session)
        return session, token

    def _keep(self, token: str, session: Session) -> None:
        self.sessions[token] = session
        while len(self.sessions) > MAX_SESSIONS:
            del self.sessions[next(iter(self.sessions))]

    def _page(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        session, new_token = self._session(request)
        nonce = secrets.token_urlsafe(16)
        html = self.templates.get_template(template).render(
            watch=self.watch,
            reviewer=session.reviewer,
            csrf=session.csrf,
            nonce=nonce,
            dual=self.watch.review == "dual",
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline';"
            " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if new_token:
            self._set_cookie(response, new_token)
        return response

    @staticmethod
    def _set_cookie(response: Response, token: str) -> None:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")

    async def _form(self, request: Request) -> dict[str, str] | Response:
        """The posted form, or a refusal: too large, or without this session's CSRF token."""
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return HTMLResponse("form too large", status_code=413)
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50)
        except (UnicodeDecodeError, ValueError):
            return HTMLResponse("form not understood", status_code=400)
        form = {key: values[0] for key, values in fields.items()}
        session = self.sessions.get(request.cookies.get(COOKIE, ""))
        if session is None or not hmac.compare_digest(form.get("csrf", ""), session.csrf):
            return self._page(
                request,
                "review_message.html.j2",
                status=403,
                title="Form refused",
                message="This form has no valid security token (it expired or came from"
                " elsewhere); nothing was saved. Reload the page and try again.",
            )
        return form

    def _reviewer(self, request: Request) -> str | None:
        session = self.sessions.get(request.cookies.get(COOKIE, ""))
        return session.reviewer if session else None

    def _to_login(self, request: Request) -> Response | None:
        if self._reviewer(request) is None:
            return RedirectResponse("/login", status_code=303)
        return None

    # -- pages ----------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/queue", status_code=303)

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self._page(request, "review_login.html.j2", accounts=bool(self.accounts))
        form = await self._form(request)
        if isinstance(form, Response):
            return form
        name = form.get("name", "").strip()[:40]
        client = f"client:{request.client.host if request.client else '?'}"
        keys = (client, f"name:{name.lower()}")
        wait = self.throttle.wait(*keys)
        if wait > 0:
            page = self._page(
                request,
                "review_login.html.j2",
                status=429,
                accounts=bool(self.accounts),
                error=f"Too many failed sign-ins: try again in {wait:.0f} s.",
            )
            page.headers["Retry-After"] = str(int(wait) + 1)
            return page
        if self.accounts:
            ok = verify(self.accounts, name, form.get("password", ""))
        else:
            ok = _NAME.match(name) is not None
        if not ok:
            self.throttle.failed(*keys)
            return self._page(
                request,
                "review_login.html.j2",
                status=401,
                accounts=bool(self.accounts),
                error="Unknown name or wrong password."
                if self.accounts
                else "A name: letters, digits, spaces, '.', '_' or '-', starting with a letter.",
            )
        self.throttle.succeeded(*keys)
        # a new session on sign-in, so a token someone planted before cannot ride along
        old = request.cookies.get(COOKIE, "")
        self.sessions.pop(old, None)
        token = secrets.token_urlsafe(32)
        self._keep(token, Session(csrf=secrets.token_urlsafe(32), reviewer=name))
        response = RedirectResponse("/queue", status_code=303)
        self._set_cookie(response, token)
        return response

    async def logout(self, request: Request) -> Response:
        form = await self._form(request)
        if isinstance(form, Response):
            return form
        self.sessions.pop(request.cookies.get(COOKIE, ""), None)
        return RedirectResponse("/login", status_code=303)

    async def queue(self, request: Request) -> Response:
        if (redirect := self._to_login(request)) is not None:
            return redirect
        filters = {
            key: request.query_params.get(key, "")[:60]
            for key in ("design", "gap", "status", "reviewer")
        }
        entries = self.desk.queue(**filters)
        return self._page(
            request,
            "review_queue.html.j2",
            entries=entries,
            filters=filters,
            designs=sorted({e.design for e in self.desk.queue()}),
            gaps=[gap.name for gap in self.watch.gaps],
        )

    async def record(self, request: Request) -> Response:
        if (redirect := self._to_login(request)) is not None:
            return redirect
        reviewer = self._reviewer(request) or ""
        pmid = request.path_params["pmid"]
        if not _PMID.match(pmid) or self.desk.record(pmid) is None:
            return self._page(
                request,
                "review_message.html.j2",
                status=404,
                title="No such record",
                message=f"PMID {pmid} is not a record of this watch.",
            )
        error = ""
        status = 200
        if request.method == "POST":
            form = await self._form(request)
            if isinstance(form, Response):
                return form
            try:
                seen = int(form.get("seen", "0") or 0)
                self.desk.decide(
                    pmid,
                    form.get("field", ""),
                    form.get("value", ""),
                    reviewer,
                    self.now(),
                    note=form.get("note", ""),
                    seen=seen,
                )
            except StaleDecisionError as refused:
                error, status = str(refused), 409
            except (LitwatchError, ValueError) as refused:
                error, status = str(refused), 400
            else:
                target = f"/record/{pmid}?saved={quote(form.get('field', ''), safe='')}"
                return RedirectResponse(target, status_code=303)
        return self._record_page(request, pmid, reviewer, error, status)

    def _record_page(
        self, request: Request, pmid: str, reviewer: str, error: str, status: int
    ) -> Response:
        record, _version, machine = self.desk.record(pmid) or (None, 0, None)
        assert record is not None
        calls = self.desk.calls(pmid, reviewer)
        evidence = [(call.field, call.evidence) for call in calls if call.evidence]
        queue = [e.pmid for e in self.desk.queue(status="unchecked")]
        following = [p for p in queue if p != pmid]
        return self._page(
            request,
            "review_record.html.j2",
            status=status,
            record=record,
            abstract=highlighted_abstract(record.abstract_text, evidence),
            title_text=record.title,
            calls=calls,
            machine=machine,
            arms=[arm.treatment for arm in machine.arms.arms] if machine and machine.arms else [],
            error=error,
            saved=request.query_params.get("saved", "")[:60],
            next_pmid=following[0] if following else "",
        )

    async def statements(self, request: Request) -> Response:
        if (redirect := self._to_login(request)) is not None:
            return redirect
        questions, domains = self.desk.statements()
        return self._page(request, "review_statements.html.j2", statements=[*questions, *domains])

    async def history(self, request: Request) -> Response:
        if (redirect := self._to_login(request)) is not None:
            return redirect
        pmid = request.query_params.get("pmid") or None
        who = request.query_params.get("reviewer") or None
        decisions = self.desk.history(pmid=pmid, reviewer=who, seen_by=self._reviewer(request))
        return self._page(
            request,
            "review_history.html.j2",
            decisions=list(reversed(decisions)),
            pmid=pmid or "",
            who=who or "",
        )

    async def conflicts(self, request: Request) -> Response:
        if (redirect := self._to_login(request)) is not None:
            return redirect
        reviewer = self._reviewer(request) or ""
        error, status = "", 200
        if request.method == "POST":
            form = await self._form(request)
            if isinstance(form, Response):
                return form
            try:
                self.desk.decide(
                    form.get("pmid", ""),
                    form.get("field", ""),
                    form.get("value", ""),
                    reviewer,
                    self.now(),
                    note=form.get("note", ""),
                    resolve=True,
                )
            except (LitwatchError, ValueError) as refused:
                error, status = str(refused), 400
            else:
                return RedirectResponse("/conflicts", status_code=303)
        return self._page(
            request,
            "review_conflicts.html.j2",
            status=status,
            conflicts=self.desk.conflicts(),
            error=error,
            me=reviewer,
        )

    async def agreement(self, request: Request) -> Response:
        if (redirect := self._to_login(request)) is not None:
            return redirect
        return self._page(request, "review_agreement.html.j2", rows=self.desk.agreement())

    def _rebuilt_summary(self) -> dict[str, Path]:
        from litwatch.outputs.recording import update_summary

        return update_summary(self.desk.store, watch_info(self.watch), self.out_dir, self.now())

    async def summary(self, request: Request) -> Response:
        """The evidence summary, rebuilt now from the store with the checked values."""
        if (redirect := self._to_login(request)) is not None:
            return redirect
        return FileResponse(self._rebuilt_summary()["summary_html"], media_type="text/html")

    async def summary_json(self, request: Request) -> Response:
        """The summary's statements and records as data, from the store now: what summary.json
        holds once the summary is rebuilt, without drawing its charts."""
        if (redirect := self._to_login(request)) is not None:
            return redirect
        from litwatch.outputs.statements import watch_statements
        from litwatch.outputs.summary import summary_json, summary_view
        from litwatch.store.summary_reads import summary_records

        info = watch_info(self.watch)
        records = summary_records(self.desk.store, info.name, info.review)
        digests = self.desk.store.digest_logs(info.name)
        statements = watch_statements(records, info)
        view = summary_view(info, records, digests, self.now(), statements)
        return JSONResponse(summary_json(view, statements, records))


def serve(
    settings: Settings,
    watch: Watch,
    host: str,
    port: int,
    accounts: dict[str, str],
    echo: Callable[[str], None],
) -> None:
    """Serve the review app until interrupted."""
    import uvicorn

    app = ReviewApp(settings.db_path, watch, settings.out_dir / watch.name, accounts)
    echo(f"reviewing watch {watch.name} at http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app.asgi(), host=host, port=port, log_level="warning", access_log=False)
