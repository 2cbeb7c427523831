"""`EntrezClient.database_info` (einfo, what `litwatch doctor` asks) reads NCBI's real answer,
served over loopback HTTP from the shared corpus, and refuses a cut-off one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from helpers import ContainedServer
from litwatch.core.errors import EntrezError
from litwatch.pubmed.entrez import EntrezClient, EntrezConfig

EINFO = "eutils/biopython__biopython__Tests__Entrez__einfo2.xml"  # PubMed, November 2025


@contextmanager
def answering(body: bytes) -> Iterator[str]:
    """A loopback server answering every request with `body`; its E-utilities base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ContainedServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/entrez/eutils/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def client(base_url: str, tmp_path: Path) -> EntrezClient:
    config = EntrezConfig(
        email="tests@example.org",
        base_url=base_url,
        max_attempts=2,
        backoff_base=0.01,
        pace_dir=tmp_path,
        requests_per_second=50,
    )
    return EntrezClient(config)


def test_database_info_reads_ncbis_einfo_answer(corpus, tmp_path):
    with answering((corpus / EINFO).read_bytes()) as base_url:
        info = client(base_url, tmp_path).database_info()
    assert info.count == 39_730_388
    assert info.last_update == "2025/11/27 06:33"


def test_a_cut_off_einfo_answer_is_an_entrez_error(corpus, tmp_path):
    whole = (corpus / EINFO).read_bytes()
    with (
        answering(whole[: len(whole) // 2]) as base_url,
        pytest.raises(EntrezError, match="einfo failed after 2 attempts"),
    ):
        client(base_url, tmp_path).database_info()
