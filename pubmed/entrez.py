"""The Entrez edge, where PubMed data enters: esearch over an Entrez-date window, efetch in
batches through the history server, retried and paced, each body checked whole before use.

This is the only module that imports `Bio.Entrez`. Biopython 1.88 hard-codes the NCBI address
in each E-utility function, opens URLs without a timeout, retries HTTP 429/5xx and URLError
itself (3 tries 15 s apart, no jitter, no Retry-After) and paces with a per-process clock that
threads race on. So requests are built with Biopython (its parameters and its rule for when
to POST), parsed with `Entrez.read`, but opened here: against `EntrezConfig.base_url`, with a
timeout, after the machine-wide pace of `pubmed.ratelimit`, under one retry policy. Biopython's
own retry is switched off (`max_tries = 1`) so a fault is never retried twice over. Requests are
built here with urllib (`entrez_request`), by the rules E-utilities documents (identity on
every request, POST past 1,000 characters or 200 ids), since Biopython offers no public way to
build one without opening it.
"""

from __future__ import annotations

import http.client
import io
import logging
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar
from urllib.error import HTTPError, URLError
from urllib.parse import quote_plus, urlencode
from urllib.request import Request, urlopen
from xml.sax.saxutils import unescape

from Bio import Entrez
from litwatch.core.errors import ConfigError, EntrezError
from litwatch.pubmed.ratelimit import limiter_for
from litwatch.pubmed.windows import PUBMED_PAGING_LIMIT, DateWindow, plan_windows

log = logging.getLogger(__name__)

NCBI_EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"

T = TypeVar("T")


@dataclass(frozen=True)
class EntrezConfig:
    """Who we are to NCBI, where E-utilities is, and how patiently to ask it."""

    email: str
    tool: str = "litwatch"
    api_key: str | None = field(default=None, repr=False)
    base_url: str = NCBI_EUTILS
    timeout: float = 30.0  # seconds without a byte before a request counts as stalled
    max_attempts: int = 5
    backoff_base: float = 1.0  # seconds before the first retry; doubles each retry
    backoff_cap: float = 30.0
    max_retry_seconds: float = 300.0  # no retry starts past this much time on one request
    batch_size: int = 200
    requests_per_second: float | None = None  # None: NCBI's limit, 3 without a key, 10 with
    pace_dir: Path | None = None  # where processes share the pace; None: ratelimit's default
    max_webenv_renewals: int = 3
    # An efetch of 200 records is a few MB; a body past this is refused unread, not buffered.
    max_response_bytes: int = 64 * 2**20

    def __post_init__(self) -> None:
        if not self.email.strip():
            raise ConfigError("entrez email: NCBI requires a contact e-mail address")
        if self.max_attempts < 1:
            raise ConfigError(f"entrez max_attempts: must be at least 1, got {self.max_attempts}")
        if not 1 <= self.batch_size <= 10000:
            raise ConfigError(f"entrez batch_size: must be 1..10000, got {self.batch_size}")
        if self.timeout <= 0:
            raise ConfigError(f"entrez timeout: must be positive, got {self.timeout}")
        if self.max_response_bytes < 1:
            raise ConfigError(
                f"entrez max_response_bytes: must be positive, got {self.max_response_bytes}"
            )

    @property
    def rate(self) -> float:
        """Requests per second this client may start."""
        if self.requests_per_second is not None:
            return self.requests_per_second
        return 10.0 if self.api_key else 3.0


@dataclass(frozen=True)
class SearchResult:
    """One esearch on the history server: how many records matched and where they wait."""

    count: int
    webenv: str
    query_key: str
    query_translation: str
    query: str
    window: DateWindow  # kept so an expired WebEnv can be searched again
    datetype: str = "edat"  # edat: when PubMed first listed it; mdat: when it last changed


@dataclass(frozen=True)
class SearchMessage:
    """One of esearch's own notes on a query: an `ErrorList` or `WarningList` entry."""

    kind: str  # the element: PhraseNotFound, FieldNotFound, QuotedPhraseNotFound, OutputMessage...
    text: str  # what PubMed says, as it says it: the phrase, the field, the message
    error: bool  # in the ErrorList (PubMed could not use that part of the query)


@dataclass(frozen=True)
class QueryDiagnosis:
    """What esearch says of a query as written: how many records it finds, how PubMed read it
    (`QueryTranslation`), and its errors and warnings."""

    query: str
    count: int
    translation: str
    messages: tuple[SearchMessage, ...]


@dataclass(frozen=True)
class DatabaseInfo:
    """What einfo says of PubMed: how many records it holds and when it last changed."""

    count: int
    last_update: str


@dataclass(frozen=True)
class EntrezStats:
    """What a client has asked and survived, for a run to report."""

    requests: int
    retries: Mapping[str, int]  # by fault kind, e.g. {"http-503": 2, "timeout": 1}
    webenv_renewals: int

    @property
    def faults_survived(self) -> int:
        return sum(self.retries.values())


class _Fault(Exception):
    """A failed attempt worth retrying, with the one-line reason a user would read."""

    def __init__(self, kind: str, detail: str, retry_after: float | None = None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after


class _WebEnvExpired(Exception):
    """The history server no longer holds the search: search again, then go on."""


class EntrezClient:
    """PubMed through E-utilities; no network until a method is called."""

    def __init__(self, config: EntrezConfig):
        self.config = config
        _own_bio_entrez(config)
        self._limiter = limiter_for(
            config.base_url, config.api_key is not None, config.rate, config.pace_dir
        )
        self._random = random.Random()
        self._stats_lock = threading.Lock()
        self._requests = 0
        self._retries: Counter[str] = Counter()
        self._renewals = 0

    @property
    def stats(self) -> EntrezStats:
        with self._stats_lock:
            return EntrezStats(
                self._requests, MappingProxyType(dict(self._retries)), self._renewals
            )

    def search(
        self, query: str, mindate: date, maxdate: date, datetype: str = "edat"
    ) -> SearchResult:
        """Search PubMed for records entered (or, with datetype "mdat", changed) from `mindate`
        to `maxdate`, kept on the history server."""
        window = DateWindow(mindate, maxdate)
        params = {
            "db": "pubmed",
            "term": query,
            "usehistory": "y",
            "datetype": datetype,
            "mindate": f"{mindate:%Y/%m/%d}",
            "maxdate": f"{maxdate:%Y/%m/%d}",
            "retmax": 0,
        }
        found = self._call("esearch", params, _read_search)
        return SearchResult(
            count=int(str(found["Count"])),
            webenv=str(found.get("WebEnv", "")),
            query_key=str(found.get("QueryKey", "")),
            query_translation=str(found.get("QueryTranslation", "")),
            query=query,
            window=window,
            datetype=datetype,
        )

    def search_windows(
        self,
        query: str,
        start: date,
        end: date,
        limit: int = PUBMED_PAGING_LIMIT,
        datetype: str = "edat",
    ) -> list[tuple[date, date, SearchResult]]:
        """Search `start`..`end` in as few date windows as keep each within `limit` records."""
        planned = plan_windows(
            DateWindow(start, end), lambda w: self.search(query, w.first, w.last, datetype), limit
        )
        return [(window.first, window.last, result) for window, result in planned]

    def fetch_xml(self, result: SearchResult, batch_size: int | None = None) -> Iterator[bytes]:
        """Each batch of the search's records as one whole PubmedArticleSet document."""
        size = batch_size or self.config.batch_size
        renewals = 0
        retstart = 0
        while retstart < result.count:
            params = {
                "db": "pubmed",
                "WebEnv": result.webenv,
                "query_key": result.query_key,
                "retstart": retstart,
                "retmax": size,
                "retmode": "xml",
            }
            try:
                body = self._call("efetch", params, _read_history_article_set)
            except _WebEnvExpired:
                renewals += 1
                if renewals > self.config.max_webenv_renewals:
                    raise EntrezError(
                        f"PubMed efetch failed: the search history expired "
                        f"{renewals} times while fetching {result.window}"
                    ) from None
                self._note_renewal(result, retstart)
                result = self.search(
                    result.query, result.window.first, result.window.last, result.datetype
                )
                continue
            yield body
            retstart += size

    def diagnose(self, query: str) -> QueryDiagnosis:
        """esearch for the query over all of PubMed, for what PubMed says of it rather than for
        its records: the count, the translation, and the ErrorList and WarningList."""
        found = self._call("esearch", {"db": "pubmed", "term": query, "retmax": 0}, _read_count)
        messages = [
            SearchMessage(kind, " ".join(str(text).split()), listed == "ErrorList")
            for listed in ("ErrorList", "WarningList")
            for kind, texts in _listed(found.get(listed)).items()
            for text in texts
        ]
        return QueryDiagnosis(
            query=query,
            count=int(str(found["Count"])),
            translation=str(found.get("QueryTranslation", "")),
            messages=tuple(messages),
        )

    def search_ids(self, query: str, most: int) -> list[str]:
        """The PMIDs of at most `most` records the query finds (no history, no date window): for
        queries bounded by their own terms, such as a list of PMIDs."""
        params = {"db": "pubmed", "term": query, "retmax": min(most, PUBMED_PAGING_LIMIT)}
        found = self._call("esearch", params, _read_count)
        ids = found.get("IdList")
        return [str(pmid) for pmid in ids] if isinstance(ids, list) else []

    def fetch_ids(self, pmids: list[str]) -> bytes:
        """One whole PubmedArticleSet document of the records with these PMIDs (those PubMed
        holds; at most `batch_size` of them)."""
        if len(pmids) > self.config.batch_size:
            raise ValueError(f"fetch_ids takes at most {self.config.batch_size} PMIDs")
        params: dict[str, object] = {"db": "pubmed", "id": list(pmids), "retmode": "xml"}
        return self._call("efetch", params, _read_article_set)

    def database_info(self) -> DatabaseInfo:
        """einfo for PubMed: whether the endpoint answers as E-utilities, and how big PubMed is."""
        found = self._call("einfo", {"db": "pubmed"}, _read_einfo)
        return DatabaseInfo(
            count=int(str(found["Count"])), last_update=str(found.get("LastUpdate", ""))
        )

    def _call(self, utility: str, params: dict[str, object], read: Callable[[bytes], T]) -> T:
        """Send one request until `read` accepts its body, within the attempt and time bounds."""
        deadline = time.monotonic() + self.config.max_retry_seconds
        faults: list[_Fault] = []
        for attempt in range(1, self.config.max_attempts + 1):
            try:
                return read(self._send(utility, params))
            except _WebEnvExpired as expired:
                if "WebEnv" in params:
                    raise  # fetch_xml searches again and goes on
                raise EntrezError(f"PubMed {utility} refused the request: {expired}") from None
            except _Fault as fault:
                faults.append(fault)
                if attempt == self.config.max_attempts:
                    break
                delay = self._backoff(attempt, fault.retry_after)
                if time.monotonic() + delay > deadline:
                    break
                self._note_retry(utility, attempt, fault, delay)
                time.sleep(delay)
        raise EntrezError(self._failure_line(utility, faults))

    def _send(self, utility: str, params: dict[str, object]) -> bytes:
        identity: dict[str, str | None] = {"tool": self.config.tool, "email": self.config.email}
        identity["api_key"] = self.config.api_key  # None is dropped by Biopython
        request = entrez_request(self.config.base_url + utility + ".fcgi", params | identity)
        self._limiter.acquire()
        with self._stats_lock:
            self._requests += 1
        timeout = self.config.timeout
        try:
            with urlopen(request, timeout=timeout) as response:
                return self._read_bounded(utility, response)
        except HTTPError as error:
            raise self._refusal(utility, error) from None
        except TimeoutError:
            raise _Fault("timeout", f"no answer within {timeout:g} s") from None
        except URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise _Fault("timeout", f"no answer within {timeout:g} s") from None
            raise _Fault("connection", f"cannot connect: {error.reason}") from None
        except http.client.IncompleteRead as error:
            raise _Fault("truncated", f"body cut off after {len(error.partial)} bytes") from None
        except (http.client.HTTPException, OSError) as error:
            raise _Fault("connection", f"connection broken: {error!r}") from None

    def _read_bounded(self, utility: str, response: http.client.HTTPResponse) -> bytes:
        """The whole body, unless it is larger than `max_response_bytes`: then EntrezError,
        having read at most that much (a hostile or broken server cannot fill the memory)."""
        limit = self.config.max_response_bytes
        # http.client's length: the Content-Length, or None when the body is chunked (whatever
        # the headers also claim) or ends when the connection closes.
        declared = response.length
        if declared is not None and declared > limit:
            raise self._too_large(utility, f"{declared:,} bytes announced")
        if declared is not None:
            return response.read()  # bounded by the declared length; cut-off bodies still raise
        body = response.read(limit + 1)  # stop one byte past the limit
        if len(body) > limit:
            raise self._too_large(utility, "no length announced")
        return body

    def _too_large(self, utility: str, detail: str) -> EntrezError:
        # Not retried: the same request would bring the same body.
        return EntrezError(
            f"PubMed {utility} answer is larger than {self.config.max_response_bytes:,} bytes "
            f"({detail}); not read. Lower the watch's batch_size, or raise the limit "
            f"(LITWATCH_ENTREZ_MAX_RESPONSE_MB) if the server is trusted"
        )

    def _refusal(self, utility: str, error: HTTPError) -> Exception:
        """What an HTTP error status means: a fault to retry, an expired history, or a refusal."""
        status = f"HTTP {error.code} {error.reason}".strip()
        if error.code == 429:
            return _Fault("http-429", status, _retry_after(error.headers.get("Retry-After")))
        if error.code >= 500:
            return _Fault(f"http-{error.code}", status)
        try:
            message = _error_message(error.read(_ERROR_BODY_LIMIT))
        except (OSError, http.client.HTTPException):
            message = None
        if message and _is_expired_history(message):
            return _WebEnvExpired(message)
        reason = f"{status}: {message}" if message else status
        return EntrezError(f"PubMed {utility} refused the request: {self._one_line(reason)}")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        ceiling = min(self.config.backoff_cap, self.config.backoff_base * 2 ** (attempt - 1))
        # Jitter keeps clients that failed together from all coming back in the same instant.
        delay = ceiling * (0.5 + self._random.random() / 2)
        return delay if retry_after is None else max(delay, retry_after)

    def _note_retry(self, utility: str, attempt: int, fault: _Fault, delay: float) -> None:
        with self._stats_lock:
            self._retries[fault.kind] += 1
        log.warning(
            "PubMed %s attempt %d of %d failed (%s); retrying in %.2f s",
            utility,
            attempt,
            self.config.max_attempts,
            self._one_line(fault.detail),
            delay,
        )

    def _note_renewal(self, result: SearchResult, retstart: int) -> None:
        with self._stats_lock:
            self._retries["webenv-expired"] += 1
            self._renewals += 1
        log.warning(
            "PubMed search history expired at record %d of %s; searching again",
            retstart,
            result.window,
        )

    def _failure_line(self, utility: str, faults: list[_Fault]) -> str:
        kinds = Counter(fault.kind for fault in faults)
        mix = "" if len(kinds) == 1 else ": " + ", ".join(f"{n} {k}" for k, n in kinds.items())
        tries = f"{len(faults)} attempt{'s' if len(faults) > 1 else ''}"
        return self._one_line(
            f"PubMed {utility} failed after {tries}: {faults[-1].detail} "
            f"(last of {len(faults)} error{'s' if len(faults) > 1 else ''}{mix})"
        )

    def _one_line(self, text: str) -> str:
        """Text fit for a user's error line or a log: one line, short, never the API key."""
        line = " ".join(text.split())
        # Messages are built without URLs, so the key should never be in one; this is the
        # guard. A key too short to be NCBI's (36 characters) would mask ordinary words.
        if self.config.api_key and len(self.config.api_key) >= 8:
            # As sent (a server may echo the URL, where the key is percent-encoded) and as is.
            for form in (quote_plus(self.config.api_key), self.config.api_key):
                line = line.replace(form, "***")
        return line if len(line) <= 300 else line[:297] + "..."


_bio_entrez_lock = threading.Lock()


def _own_bio_entrez(config: EntrezConfig) -> None:
    """Set Bio.Entrez's globals from the newest config and switch its own retry off."""
    # Requests also carry tool/email/api_key explicitly, so two clients with different
    # identities in one process never send each other's; the globals only mirror the newest.
    with _bio_entrez_lock:
        # Bio.Entrez declares email and api_key as None (unset) at module level.
        Entrez.email = config.email  # type: ignore[assignment]
        Entrez.tool = config.tool
        Entrez.api_key = config.api_key  # type: ignore[assignment]
        Entrez.max_tries = 1
        Entrez.sleep_between_tries = 0


# E-utilities asks for POST when a GET's query would be long: past 1,000 characters, or 200 ids.
_POST_PAST_CHARACTERS = 1000
_POST_FROM_IDS = 200


def entrez_request(url: str, params: Mapping[str, object]) -> Request:
    """The HTTP request for one E-utility call: parameters without None values, an id list
    joined by commas, by GET, or by POST when E-utilities asks for it."""
    present = {key: value for key, value in params.items() if value is not None}
    ids = present.get("id")
    if isinstance(ids, list | tuple):
        present["id"] = ",".join(str(uid) for uid in ids)
    query = urlencode(present, doseq=True)
    id_count = str(present.get("id", "")).count(",") + 1 if "id" in present else 0
    if len(query) > _POST_PAST_CHARACTERS or id_count >= _POST_FROM_IDS:
        return Request(url, data=query.encode("utf-8"), method="POST")
    return Request(url + "?" + query, method="GET")


# An error page is read only this far: NCBI's <ERROR> element comes in its first bytes.
_ERROR_BODY_LIMIT = 2**20
_ERROR_ELEMENT = re.compile(rb"<ERROR>(.*?)</ERROR>", re.DOTALL)
_ARTICLE_SET_OPEN = re.compile(rb"<PubmedArticleSet[\s>/]")
_ARTICLE_SET_CLOSE = re.compile(rb"(</PubmedArticleSet>|<PubmedArticleSet\s*/>)\s*$")
_HTML = re.compile(rb"<(!DOCTYPE\s+html|html)[\s>]", re.IGNORECASE)


# How esearch words a term it cannot read (E-utilities and the stand-in alike), as against a
# backend that is down for now ("Search Backend failed: ... try again later").
_QUERY_SYNTAX = re.compile(
    r"parenthes|quotation mark|field tag|has no (?:left|right)-hand term|where a term was"
    r"|empty term|wildcard|invalid query|syntax error",
    re.IGNORECASE,
)


def _error_message(body: bytes) -> str | None:
    found = _ERROR_ELEMENT.search(body)
    return unescape(found.group(1).decode("utf-8", "replace")).strip() if found else None


def _is_expired_history(message: str) -> bool:
    # NCBI's words when a WebEnv/query_key is gone: "Unable to obtain query #1".
    return "unable to obtain query" in message.lower()


def _reject_error_or_html(body: bytes) -> None:
    message = _error_message(body)
    if message is not None and "cannot be larger than 9998" in message:
        # NCBI's paging limit: asking again cannot help, smaller date windows can.
        raise EntrezError(
            "PubMed pages through at most 9,999 records of one search; "
            "search in date windows (search_windows) to fetch more"
        )
    if message is not None:
        raise _Fault("error-element", f"PubMed answered with an error: {message}")
    if _HTML.search(body[:1024]):
        raise _Fault("not-xml", "an HTML page instead of XML")


def _read_article_set(body: bytes) -> bytes:
    """The body, if it is one whole PubmedArticleSet document."""
    _reject_error_or_html(body)
    if not _ARTICLE_SET_OPEN.search(body[:4096]):
        start = " ".join(body[:60].decode("utf-8", "replace").split())
        raise _Fault("not-xml", f"not PubMed XML (starts {start!r})")
    if not _ARTICLE_SET_CLOSE.search(body[-256:]):
        raise _Fault("truncated", f"body cut off after {len(body)} bytes")
    return body


def _read_history_article_set(body: bytes) -> bytes:
    message = _error_message(body)
    if message is not None and _is_expired_history(message):
        raise _WebEnvExpired(message)
    return _read_article_set(body)


def _entrez_read(body: bytes, utility: str):
    """`Bio.Entrez.read` of a small E-utilities answer, its failures as faults to retry."""
    _reject_error_or_html(body)
    try:
        return Entrez.read(io.BytesIO(body))
    except RuntimeError as error:  # an error element Biopython found that our pattern did not
        raise _Fault("error-element", f"PubMed answered with an error: {error}") from None
    except ValueError as error:  # Biopython's NotXMLError, CorruptedXMLError, ValidationError
        kind = "truncated" if type(error).__name__ == "CorruptedXMLError" else "not-xml"
        raise _Fault(kind, f"unreadable {utility} answer: {str(error).split('.')[0]}") from None


def _read_search(body: bytes) -> Mapping[str, object]:
    """The parsed eSearchResult, if whole and holding a count and, for hits, a history key."""
    found = _read_count(body)
    if int(str(found["Count"])) > 0 and not (found.get("WebEnv") and found.get("QueryKey")):
        raise _Fault("not-xml", "esearch answer without a history WebEnv")
    return found


def _read_count(body: bytes) -> Mapping[str, object]:
    """The parsed eSearchResult, if whole and holding a count."""
    message = _error_message(body)
    if message is not None and _QUERY_SYNTAX.search(message):
        # The same term gets the same answer however often it is sent: not worth a retry.
        raise EntrezError(f"PubMed cannot read the watch's query: {message}")
    found = _entrez_read(body, "esearch")
    if "Count" not in found:
        raise _Fault("not-xml", "esearch answer without a Count")
    if not (str(found["Count"]).isascii() and str(found["Count"]).isdigit()):
        shown = " ".join(str(found["Count"]).split())[:40]
        raise _Fault("not-xml", f"esearch answer whose Count is not a number ({shown!r})")
    return found


def _listed(entries: object) -> dict[str, list[str]]:
    """An ErrorList or WarningList as Bio.Entrez reads it: {element: [texts]}, empty ones out."""
    if not isinstance(entries, Mapping):
        return {}
    return {
        str(kind): [str(text) for text in texts if str(text).strip()]
        for kind, texts in entries.items()
        if isinstance(texts, list) and any(str(text).strip() for text in texts)
    }


def _read_einfo(body: bytes) -> Mapping[str, object]:
    """The DbInfo of an eInfoResult, if whole and holding a record count."""
    found = _entrez_read(body, "einfo")
    info = found.get("DbInfo") if isinstance(found, Mapping) else None
    if isinstance(info, list) and info:  # the 2019 einfo DTD lets DbInfo repeat
        info = info[0]
    if not isinstance(info, Mapping) or "Count" not in info:
        raise _Fault("not-xml", "einfo answer without a record count")
    return info


def _retry_after(header: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date), if it says."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
