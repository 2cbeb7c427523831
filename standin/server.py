"""The stand-in's HTTP face: NCBI's E-utilities paths on loopback, plus control and log endpoints.

    /entrez/eutils/esearch.fcgi, efetch.fcgi, einfo.fcgi   (GET or POST, as NCBI)
    GET  /_control/clock          {"now": ISO}            the simulated time
    POST /_control/clock          ISO text, or {"now": ISO} or {"advance_days": N}
    POST /_control/faults         {"kind": K, "count": N} force faults; {"clear": true} stop them
    GET  /_log                    every request so far, as JSON
    GET  /_schedule               every record version and when it is served, as JSON

Requests to the E-utilities pass the per-client rate limit first, then meet any fault.
`/_control/*` answers only requests that carry the stand-in's control token in the
X-Standin-Token header: anyone on the machine can reach a loopback port, and only the one who
started the stand-in (the demo, a test) may move its clock or inject faults. A request must
arrive whole within `read_timeout` seconds and its body hold at most MAX_BODY bytes; bad input
of any kind gets a 4xx answer with a JSON {"error": ...}, never a dropped connection.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import signal
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from litwatch.core.errors import ConfigError
from litwatch.standin import responses
from litwatch.standin.clock import Clock
from litwatch.standin.corpus import DEFAULT_CORPUS, Corpus, CorpusOptions, load_corpus
from litwatch.standin.eutils import Answer, EUtilities
from litwatch.standin.faults import FAULT_KINDS, Faults
from litwatch.standin.history import DEFAULT_TTL, History
from litwatch.standin.ratelimit import SlidingWindowLimit
from litwatch.standin.requestlog import LoggedRequest, RequestLog, redacted, redacted_text
from litwatch.standin.timeline import Replay
from litwatch.standin.versions import IndexingRevisions, VersionFile

log = logging.getLogger(__name__)

EUTILS_PATH = "/entrez/eutils/"
_UTILITIES = {"esearch.fcgi": "esearch", "efetch.fcgi": "efetch", "einfo.fcgi": "einfo"}
CONTROL_PATH = "/_control/"
TOKEN_HEADER = "X-Standin-Token"
# Bio.Entrez posts long id lists: 10,000 PMIDs are about 90 KB. Past this, 413.
MAX_BODY = 1 << 20
# Seconds a client may take to read an answer (an efetch of thousands of records is megabytes).
WRITE_TIMEOUT = 120.0


@dataclass
class StandInOptions:
    """Everything about a stand-in except its corpus files; the defaults behave like NCBI."""

    replay: Replay | None = None
    indexing: IndexingRevisions = field(default_factory=IndexingRevisions)
    version_files: tuple[VersionFile, ...] = ()
    expand_to: int = 0
    now: datetime | None = None  # None: the end of the timeline, when everything is in
    rate_limit: bool = True
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    fault_seed: int = 0
    stall_seconds: float = 5.0
    history_ttl: timedelta = DEFAULT_TTL
    control_token: str | None = None  # None: a fresh random one (StandIn.control_token)
    read_timeout: float = 10.0  # seconds for a whole request to arrive, headers and body

    def corpus_options(self) -> CorpusOptions:
        return CorpusOptions(self.replay, self.indexing, self.version_files, self.expand_to)


class StandIn:
    """The stand-in's state: corpus, clock, history, rate limit, faults and request log."""

    def __init__(self, corpus: Corpus, options: StandInOptions | None = None) -> None:
        options = options or StandInOptions()
        self.corpus = corpus
        try:
            self.clock = Clock(options.now or corpus.end_of_timeline)
        except ValueError as error:
            raise ConfigError(f"stand-in clock start: {error}") from None
        self.history = History(options.history_ttl)
        self.limit = SlidingWindowLimit() if options.rate_limit else None
        self.faults = Faults(
            options.fault_rate, options.fault_kinds, options.fault_seed, options.stall_seconds
        )
        self.log = RequestLog()
        self.eutils = EUtilities(corpus, self.clock, self.history)
        self.stopping = threading.Event()
        self.control_token = options.control_token or secrets.token_urlsafe(24)
        self.read_timeout = options.read_timeout

    def may_control(self, token: str | None) -> bool:
        """Whether a request with this X-Standin-Token may use /_control/* (constant time)."""
        return token is not None and hmac.compare_digest(
            token.encode("utf-8", "replace"), self.control_token.encode("utf-8")
        )

    def answer(self, utility: str, params: dict[str, str], keep_history: bool = True) -> Answer:
        if utility == "esearch":
            return self.eutils.esearch(params, keep_history)
        if utility == "efetch":
            return self.eutils.efetch(params)
        return self.eutils.einfo(params)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    standin: StandIn


class _BadRequest(Exception):
    """A request the stand-in answers with `status` and `message` instead of serving it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _DeadlineReader:
    """The request stream, each read given only what is left of the request's time, so a client
    that trickles a request a byte at a time is cut off as surely as one that stops."""

    def __init__(self, stream, connection: socket.socket, seconds: float) -> None:
        self._stream = stream
        self._connection = connection
        self._seconds = seconds
        self._deadline = time.monotonic() + seconds

    def restart(self) -> None:
        self._deadline = time.monotonic() + self._seconds

    def _arm(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request not received in time")
        self._connection.settimeout(left)

    def readline(self, limit: int = -1) -> bytes:
        self._arm()
        return self._stream.readline(limit)

    def read(self, size: int = -1) -> bytes:
        self._arm()
        return self._stream.read(size)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "standin"

    def setup(self) -> None:
        super().setup()
        self.rfile = _DeadlineReader(  # type: ignore[assignment]
            self.rfile, self.connection, self.server.standin.read_timeout
        )

    def handle_one_request(self) -> None:
        # Each request on a kept-alive connection gets its own time, counted from now; the base
        # class closes the connection on the TimeoutError a late request line or header raises.
        self.rfile.restart()  # type: ignore[attr-defined]
        super().handle_one_request()

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: object) -> None:
        # The request line carries the client's api_key: mask it, as the request log does.
        shown = [redacted_text(arg) if isinstance(arg, str) else arg for arg in args]
        log.debug("%s " + format, self.client_address[0], *shown)

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path
        endpoint = path.strip("/")[:40]
        try:
            if path.startswith(CONTROL_PATH) and not self.server.standin.may_control(
                self.headers.get(TOKEN_HEADER)
            ):
                raise _BadRequest(403, f"{CONTROL_PATH}* needs the {TOKEN_HEADER} header")
            body = self._read_body() if method == "POST" else b""
        except _BadRequest as refusal:
            self.close_connection = True  # an unread body must not be taken for a request
            self._send_json(refusal.status, {"error": str(refusal)}, endpoint)
            self._discard_the_rest()
            return
        # The request is in: the answer gets its own, longer time to be taken.
        self.connection.settimeout(WRITE_TIMEOUT)
        if path.startswith(EUTILS_PATH) and path[len(EUTILS_PATH) :] in _UTILITIES:
            params = _params(self.path, body, self.headers.get("Content-Type", ""))
            self._eutility(method, _UTILITIES[path[len(EUTILS_PATH) :]], params)
        elif path == "/_control/clock":
            self._clock(method, body)
        elif path == "/_control/faults" and method == "POST":
            self._force_faults(body)
        elif path.startswith(CONTROL_PATH):
            error = {"error": f"no {method} {path[:40]}: try GET or POST clock, POST faults"}
            self._send_json(404, error, endpoint)
        elif path == "/_log" and method == "GET":
            entries = [entry.to_json() for entry in self.server.standin.log.entries()]
            self._send_json(200, entries, "_log")
        elif path == "/_schedule" and method == "GET":
            self._send_json(200, [_version_json(v) for v in self.server.standin.corpus.schedule])
        else:
            self._send(404, responses.html_error_page(404), "text/html", path.strip("/"), {})

    def _eutility(self, method: str, utility: str, params: dict[str, str]) -> None:
        standin = self.server.standin
        api_key = params.get("api_key") or None
        client = _client_id(self.client_address[0], api_key)
        if standin.limit is not None:
            refusal = standin.limit.check(client, api_key is not None)
            if refusal is not None:
                shown = "***" if api_key else self.client_address[0]
                body = responses.rate_limit_body(shown, refusal.count, refusal.limit)
                headers = {"Retry-After": str(refusal.retry_after)}
                self._send(429, body, "application/json", utility, params, headers=headers)
                return
        fault = standin.faults.draw(uses_history=bool(params.get("WebEnv")))
        if fault is None:
            answer = standin.answer(utility, params)
            self._send(answer.status, answer.body, answer.content_type, utility, params, answer)
            return
        self._fault(fault, utility, params)

    def _fault(self, fault: str, utility: str, params: dict[str, str]) -> None:
        standin = self.server.standin
        if fault in ("stall", "drop"):
            standin.stopping.wait(standin.faults.stall_seconds)
            if fault == "drop":
                self.close_connection = True
                self._log(utility, params, 0, fault, 0)
                return
            answer = standin.answer(utility, params)
            self._send(
                answer.status, answer.body, answer.content_type, utility, params, answer, fault
            )
            return
        if fault == "truncate":
            answer = standin.answer(utility, params, keep_history=False)
            cut = answer.body[: max(1, len(answer.body) // 2)]
            self._send(200, cut, answer.content_type, utility, params, fault=fault)
        elif fault == "429":
            body = responses.rate_limit_body(self.client_address[0], 4, 3)
            headers = {"Retry-After": "1"}
            self._send(429, body, "application/json", utility, params, fault=fault, headers=headers)
        elif fault in ("500", "502", "503"):
            status = int(fault)
            body = responses.html_error_page(status)
            self._send(status, body, "text/html", utility, params, fault=fault)
        elif fault == "html":
            body = responses.html_error_page(500)
            self._send(200, body, "text/html", utility, params, fault=fault)
        else:
            body = _fault_error_body(fault, utility, params)
            self._send(200, body, "text/xml; charset=UTF-8", utility, params, fault=fault)

    def _clock(self, method: str, body: bytes) -> None:
        clock = self.server.standin.clock
        if method == "POST":
            try:
                _set_clock(clock, body)
            except _BadRequest as error:
                self._send_json(400, {"error": f"bad clock order: {error}"}, "_control/clock")
                return
        self._send_json(200, {"now": clock.now().isoformat()}, "_control/clock")

    def _force_faults(self, body: bytes) -> None:
        faults = self.server.standin.faults
        try:
            order = _json_object(body or b"{}")
            if order.get("clear") is True:
                faults.clear()
            else:
                kind, count = order.get("kind"), order.get("count", 1)
                if not isinstance(kind, str) or kind not in FAULT_KINDS:
                    raise _BadRequest(400, f"kind must be one of {', '.join(FAULT_KINDS)}")
                if type(count) is not int or not 0 < count <= MAX_FORCED:
                    raise _BadRequest(400, f"count must be a whole number 1 to {MAX_FORCED}")
                faults.force(kind, count)
        except _BadRequest as error:
            self._send_json(400, {"error": f"bad fault order: {error}"}, "_control/faults")
            return
        self._send_json(200, {"forced": True}, "_control/faults")

    def _read_body(self) -> bytes:
        """The request's body, whole: 400 for a Content-Length that is not a count, 413 past
        MAX_BODY, 408 when it does not arrive in time."""
        declared = (self.headers.get("Content-Length") or "0").strip()
        if not declared.isdigit() or not declared.isascii():
            raise _BadRequest(400, "Content-Length is not a byte count")
        length = int(declared)
        if length > MAX_BODY:
            raise _BadRequest(413, f"body over {MAX_BODY} bytes")
        try:
            body = self.rfile.read(length) if length else b""
        except TimeoutError:
            raise _BadRequest(408, "body not received in time") from None
        if len(body) < length:
            raise _BadRequest(400, "body shorter than its Content-Length")
        return body

    def _discard_the_rest(self) -> None:
        """Read and drop what the client still sends, for at most a second and MAX_BODY bytes,
        after a refusal: closing with unread bytes would reset the connection, and the client
        could lose the answer that says why."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + 1.0
            dropped = 0
            while dropped < MAX_BODY and (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                dropped += len(chunk)
        except OSError:  # TimeoutError included: the client sent nothing more
            pass

    def _send_json(self, status: int, payload: object, endpoint: str = "") -> None:
        body = json.dumps(payload).encode("utf-8")
        self._send(status, body, "application/json", endpoint or "_schedule", {})

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        endpoint: str,
        params: dict[str, str],
        answer: Answer | None = None,
        fault: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        # Logged before sending, so a client that reads the log after its answer finds the entry.
        self._log(endpoint, params, status, fault, answer.ids_returned if answer else 0)
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout passed during a stall)

    def _log(
        self, endpoint: str, params: dict[str, str], status: int, fault: str | None, ids: int
    ) -> None:
        standin = self.server.standin
        client = _client_id(self.client_address[0], params.get("api_key") or None)
        standin.log.append(
            LoggedRequest(
                time=datetime.now(),
                simulated_time=standin.clock.now(),
                client=client,
                method=self.command,
                endpoint=endpoint,
                params=redacted(params),
                status=status,
                fault=fault,
                ids_returned=ids,
            )
        )


def _params(path: str, body: bytes, content_type: str) -> dict[str, str]:
    """Query-string and form parameters (the first value of each; the form wins)."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(path).query, keep_blank_values=True).items()}
    if body and "json" not in content_type:
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        params.update({key: values[0] for key, values in form.items()})
    return params


def _client_id(address: str, api_key: str | None) -> str:
    """Who the rate limit counts: the API key (hashed, never kept in clear) or the address."""
    if api_key:
        return "key:" + hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:12]
    return address


MAX_FORCED = 10_000  # faults forced by one order


def _json_object(body: bytes) -> dict:
    """A control order: a JSON object, or _BadRequest."""
    try:
        order = json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise _BadRequest(400, f"not JSON ({' '.join(str(error).split())[:80]})") from None
    if not isinstance(order, dict):
        raise _BadRequest(400, "not a JSON object")
    return order


def _set_clock(clock: Clock, body: bytes) -> None:
    """Set or advance the clock as the order in `body` says, or _BadRequest (clock unmoved)."""
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise _BadRequest(400, "not UTF-8 text") from None
    if text.startswith("{"):
        order = _json_object(body)
        if "advance_days" in order:
            days = order["advance_days"]
            if isinstance(days, bool) or not isinstance(days, (int, float)):
                raise _BadRequest(400, "advance_days must be a number")
            if not abs(days) <= MAX_ADVANCE_DAYS:  # NaN too; math.isfinite overflows on 10**400
                raise _BadRequest(400, f"advance_days must be within ±{MAX_ADVANCE_DAYS}")
            try:
                clock.advance(timedelta(days=days))
            except ValueError as error:
                raise _BadRequest(400, str(error)) from None
            return
        if not isinstance(order.get("now"), str):
            raise _BadRequest(400, 'expected {"now": ISO time} or {"advance_days": N}')
        text = order["now"]
    elif text.startswith("now="):
        text = parse_qs(text).get("now", [""])[0]
    try:
        clock.set(datetime.fromisoformat(text))
    except ValueError as error:
        raise _BadRequest(400, " ".join(str(error).split())[:120]) from None


MAX_ADVANCE_DAYS = 400_000  # more than the clock's whole range


def _fault_error_body(fault: str, utility: str, params: dict[str, str]) -> bytes:
    if fault == "expired-webenv":
        message = f"Unable to obtain query #{params.get('query_key', '1')}"
    elif utility == "esearch":
        message = "Search Backend failed: Database is temporarily unavailable, try again later"
    else:
        message = "Cannot retrieve records: backend is temporarily unavailable"
    if utility == "esearch":
        return responses.esearch_error(message)
    return responses.efetch_error(message)


def _version_json(version) -> dict:
    return {
        "pmid": version.pmid,
        "number": version.number,
        "kind": version.kind,
        "available_from": version.available_from.isoformat(),
        "until": version.until.isoformat() if version.until else None,
        "entrez": version.entrez.isoformat(),
        "revised": version.revised.isoformat() if version.revised else None,
    }


def start(standin: StandIn, host: str = "127.0.0.1", port: int = 0) -> _Server:
    """An HTTP server for the stand-in, bound but not yet serving (call serve_forever); a port
    that is not one, or cannot be had, is one ConfigError."""
    if not 0 <= port <= 65535:
        raise ConfigError(f"stand-in port {port}: not a port (0 to 65535; 0 picks a free one)")
    try:
        server = _Server((host, port), _Handler)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ConfigError(f"stand-in cannot listen on {host}:{port} ({reason})") from None
    server.standin = standin
    return server


def base_url(server: _Server) -> str:
    host, port = server.socket.getsockname()[:2]  # a str host, where server_address may be bytes
    return f"http://{host}:{port}{EUTILS_PATH}"


def serve(
    corpus_paths: Sequence[Path | str] = DEFAULT_CORPUS,
    host: str = "127.0.0.1",
    port: int = 0,
    **options: Any,  # StandInOptions' fields, each of its own type
) -> None:
    """Load the corpus and answer E-utilities requests until interrupted (the CLI's entry)."""
    if threading.current_thread() is threading.main_thread():
        # Until interrupted, whatever a parent left of SIGINT: ignored or blocked, it is
        # inherited across exec and Python keeps it so, and the stand-in outlived a Ctrl-C.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    corpus = load_corpus(corpus_paths, StandInOptions(**options).corpus_options())
    standin = StandIn(corpus, StandInOptions(**options))
    server = start(standin, host, port)
    print(f"E-utilities stand-in at {base_url(server)} ({len(corpus.versions)} records)")
    # Shown once, to whoever started it: the one who may steer the clock and the faults.
    print(f"{CONTROL_PATH}* needs the header {TOKEN_HEADER}: {standin.control_token}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stopping.set()
        server.server_close()
