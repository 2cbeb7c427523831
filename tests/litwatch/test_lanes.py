"""The fast lane (`./dev check`) leaves out exactly the tests that need a server."""

from pathlib import Path

from helpers import needs_server

TESTS = Path(__file__).parents[1]


def test_tests_of_flows_and_of_the_stand_in_need_a_server():
    assert needs_server(TESTS / "flows" / "test_weekly.py", ("tmp_path",))
    assert needs_server(TESTS / "standin" / "test_query.py", ())
    assert needs_server(TESTS / "pubmed" / "test_entrez_standin.py", ("tmp_path",))


def test_a_test_is_marked_by_the_server_fixtures_it_takes():
    mail = TESTS / "outputs" / "test_mail.py"
    assert needs_server(mail, ("smtp_server", "tmp_path"))
    assert not needs_server(mail, ("tmp_path",))  # control: the same module, no server


def test_pure_tests_stay_in_the_fast_lane():
    assert not needs_server(TESTS / "store" / "test_store_runs.py", ("store", "now"))
    assert not needs_server(TESTS / "classifiers" / "test_design.py", ("ontopic_records",))
