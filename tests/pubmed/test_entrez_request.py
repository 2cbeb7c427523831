"""Requests are built by E-utilities' documented rules with urllib, not Biopython's private
`_build_request`: identity on each request, None dropped, id lists joined, POST when long."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from litwatch.pubmed.entrez import entrez_request

URL = "http://127.0.0.1:1/eutils/efetch.fcgi"


def test_a_short_request_is_a_get_with_every_parameter_and_none_dropped():
    request = entrez_request(URL, {"db": "pubmed", "term": "b12 AND metformin", "api_key": None})
    assert request.get_method() == "GET"
    query = parse_qs(urlsplit(request.full_url).query)
    assert query == {"db": ["pubmed"], "term": ["b12 AND metformin"]}


def test_an_id_list_is_joined_by_commas():
    request = entrez_request(URL, {"db": "pubmed", "id": ["1", "22", 333]})
    assert parse_qs(urlsplit(request.full_url).query)["id"] == ["1,22,333"]


def test_two_hundred_ids_or_a_long_query_go_by_post():
    many = entrez_request(URL, {"db": "pubmed", "id": [str(n) for n in range(200)]})
    assert many.get_method() == "POST" and many.full_url == URL
    assert parse_qs(many.data.decode())["id"][0].count(",") == 199
    long_term = entrez_request(URL, {"db": "pubmed", "term": "x" * 1001})
    assert long_term.get_method() == "POST"
    # control: a few ids and a short term stay a GET
    assert entrez_request(URL, {"id": [str(n) for n in range(60)]}).get_method() == "GET"
    assert entrez_request(URL, {"term": "x" * 900}).get_method() == "GET"
