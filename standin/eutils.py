"""What esearch, efetch and einfo answer for db=pubmed, as functions of the parameters and the clock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from litwatch.standin import responses
from litwatch.standin.clock import Clock
from litwatch.standin.corpus import Corpus
from litwatch.standin.dates import bound
from litwatch.standin.history import History, HistoryExpired
from litwatch.standin.query import QuerySyntaxError, parse, terms_of

ESEARCH_RETSTART_LIMIT = 9998  # NCBI refuses a larger retstart for PubMed
ESEARCH_WINDOW = 9999  # only this many IDs of a result are reachable by esearch
DEFAULT_RETMAX = 20
EFETCH_RETMAX_LIMIT = 10_000
XML = "text/xml; charset=UTF-8"


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer before any fault touches it."""

    status: int
    body: bytes
    content_type: str = XML
    ids_returned: int = 0


class EUtilities:
    """The E-utilities over one corpus, clock and history server."""

    def __init__(self, corpus: Corpus, clock: Clock, history: History) -> None:
        self.corpus = corpus
        self.clock = clock
        self.history = history

    def esearch(self, params: dict[str, str], keep_history: bool = True) -> Answer:
        """Search PubMed; with keep_history=False nothing is stored (the answer will not arrive)."""
        if params.get("db", "pubmed") != "pubmed":
            return _search_error(f"Database is not supported: {params.get('db')}")
        term = params.get("term", "").strip()
        if not term:
            return _search_error("Empty term and query_key - nothing todo")
        try:
            retstart = _integer(params, "retstart", 0)
            retmax = min(_integer(params, "retmax", DEFAULT_RETMAX), ESEARCH_WINDOW)
            query = parse(term)
        except (ValueError, QuerySyntaxError) as error:
            return _search_error(str(error))
        if retstart > ESEARCH_RETSTART_LIMIT:
            return _search_error(responses.RETSTART_LIMIT_MESSAGE)
        now = self.clock.now()
        pmids = set(self.corpus.search(query, now))
        try:
            window = self._date_window(params)
            if window is not None:
                datetype, first, last = window
                pmids = self.corpus.in_date_window(pmids, datetype, first, last, now)
            ordered = self.corpus.ordered(pmids, params.get("sort", ""), now)
        except ValueError as error:
            return _search_error(str(error))
        page = ordered[retstart : min(retstart + retmax, ESEARCH_WINDOW)]
        webenv, query_key = None, None
        if params.get("usehistory", "").lower() == "y":
            if keep_history:
                webenv, query_key = self.history.store(params.get("WebEnv"), ordered, now)
            else:
                webenv, query_key = params.get("WebEnv") or "MCID_" + uuid.uuid4().hex[:24], 1
        terms = terms_of(query)
        # As NCBI reports them: a word it cannot find is an error, a quoted phrase a warning
        # (written with its quotes), and a field tag it does not know an error.
        not_found = [t for t in terms if not t.unknown_tag and not self.corpus.term_found(t)]
        body = responses.esearch_result(
            count=len(ordered),
            retstart=retstart,
            pmids=page,
            translation=query.translation(),
            webenv=webenv,
            query_key=query_key,
            phrases_not_found=[t.text for t in not_found if not t.quoted],
            fields_not_found=[t.unknown_tag for t in terms if t.unknown_tag],
            quoted_phrases_not_found=[f'"{t.text}"' for t in not_found if t.quoted],
        )
        return Answer(200, body, ids_returned=len(page))

    def efetch(self, params: dict[str, str]) -> Answer:
        """PubmedArticleSet for an id list, or a page of a history result."""
        if params.get("db", "pubmed") != "pubmed":
            return _fetch_error(f"Database is not supported: {params.get('db')}")
        rettype = params.get("rettype", "xml").lower() or "xml"
        retmode = params.get("retmode", "xml").lower() or "xml"
        if rettype not in ("xml", "full", "abstract") or retmode != "xml":
            return _fetch_error(f"rettype={rettype} retmode={retmode} is not served; use xml")
        now = self.clock.now()
        try:
            pmids = self._requested_ids(params, now)
        except HistoryExpired as error:
            return _fetch_error(str(error))
        except ValueError as error:
            return _fetch_error(str(error))
        versions = [self.corpus.current(pmid, now) for pmid in pmids]
        served = [version for version in versions if version is not None]
        body = responses.article_set(self.corpus.article_xml(version) for version in served)
        return Answer(200, body, ids_returned=len(served))

    def einfo(self, params: dict[str, str]) -> Answer:
        if not params.get("db"):
            return Answer(200, responses.einfo_database_list())
        now = self.clock.now()
        count = len(self.corpus.visible(now))
        return Answer(200, responses.einfo_result(count, now.strftime("%Y/%m/%d %H:%M")))

    def _requested_ids(self, params: dict[str, str], now) -> list[str]:
        """The PMIDs asked for: the id list (NCBI prefers it), or a slice of a history result."""
        if params.get("id", "").strip():
            unique = dict.fromkeys(p.strip() for p in params["id"].split(",") if p.strip())
            return list(unique)
        if params.get("WebEnv") and params.get("query_key"):
            stored = self.history.get(params["WebEnv"], _integer(params, "query_key", 1), now)
            retstart = _integer(params, "retstart", 0)
            retmax = min(_integer(params, "retmax", DEFAULT_RETMAX), EFETCH_RETMAX_LIMIT)
            return list(stored[retstart : retstart + retmax])
        raise ValueError("Empty id list - nothing todo")

    def _date_window(self, params: dict[str, str]):
        """(datetype, first day, last day) from mindate/maxdate or reldate, or None."""
        datetype = params.get("datetype", "pdat").lower()
        if datetype not in ("edat", "pdat", "mdat"):
            raise ValueError(f"Unknown datetype '{datetype}'")
        if params.get("reldate"):
            last = self.clock.now().date()
            return datetype, last - timedelta(days=_integer(params, "reldate", 0)), last
        # NCBI needs both ends of a window and ignores a lone one.
        if params.get("mindate") and params.get("maxdate"):
            first = bound(params["mindate"], end=False)
            return datetype, first, bound(params["maxdate"], end=True)
        return None


def _integer(params: dict[str, str], name: str, default: int) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"Invalid {name} '{text}': not a number") from None
    if value < 0:
        raise ValueError(f"Invalid {name} '{text}': negative")
    return value


def _search_error(message: str) -> Answer:
    return Answer(200, responses.esearch_error(message))


def _fetch_error(message: str) -> Answer:
    return Answer(200, responses.efetch_error(message))
