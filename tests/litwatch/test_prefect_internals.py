"""The one module that relies on Prefect internals (litwatch/embedded_api.py) names them in
PREFECT_INTERNALS; each is checked here against the installed Prefect, so a release that
changes one fails this test with a message naming it, not a run with a puzzling traceback."""

from __future__ import annotations

import inspect

import prefect
import pytest
from prefect.server.api.server import SubprocessASGIServer

from litwatch.embedded_api import PREFECT_INTERNALS, STARTUP_TIMEOUT_SECONDS

SOURCE = inspect.getsource(SubprocessASGIServer)


def changed(name: str) -> str:
    return (
        f"Prefect {prefect.__version__} changed SubprocessASGIServer.{name} "
        f"({PREFECT_INTERNALS[name]}): litwatch/embedded_api.py needs a look before this "
        "Prefect release is admitted in pyproject.toml"
    )


@pytest.mark.parametrize("name", sorted(PREFECT_INTERNALS))
def test_each_prefect_internal_litwatch_uses_is_still_there(name):
    assert hasattr(SubprocessASGIServer, name) or f"self.{name} =" in SOURCE, changed(name)


def test_the_instance_registry_is_still_a_dict_keyed_by_port():
    assert isinstance(SubprocessASGIServer.__dict__.get("_instances"), dict), changed("_instances")


def test_the_child_is_still_started_through_subprocess_popen():
    method = inspect.getsource(SubprocessASGIServer._run_uvicorn_command)
    assert "subprocess.Popen(" in method, changed("_run_uvicorn_command")


def test_start_still_takes_a_timeout():
    parameters = inspect.signature(SubprocessASGIServer.start).parameters
    assert "timeout" in parameters, changed("start")
    assert STARTUP_TIMEOUT_SECONDS > 20  # Prefect's own default, too short on a busy machine


def test_control_a_name_prefect_never_had_is_reported():
    """The check can fail: a made-up internal is found missing, with the message a user sees."""
    assert not hasattr(SubprocessASGIServer, "_no_such_internal")
    assert "SubprocessASGIServer._instances" in changed("_instances")
