"""Named kill points for the crash-recovery tests: armed once from settings at a flow's entry.

`LITWATCH_CRASH_AT=<point>` makes the process SIGKILL itself when it reaches that point (as a
power cut or the OOM killer would); `<point>:stop` makes it SIGSTOP itself there instead, so a
test can hold a run mid-way (once) and start a second one. Unarmed, `crash_point` does nothing.
"""

from __future__ import annotations

import os
import signal

from litwatch.core.errors import ConfigError

# In pipeline order; tests/reliability/test_crash.py kills a run at each.
CRASH_POINTS = (
    "search",  # after esearch, before any efetch
    "fetch",  # the first efetch batch received, not yet stored
    "store",  # inside the store transaction of the first batch, before COMMIT
    "stored",  # the first batch committed, the rest not fetched
    "classify",  # records classified, no digest recorded
    "digest",  # digest recorded, nothing rendered
    "render",  # digest files written, summary not
    "summary",  # inside the evidence-summary write: Markdown written, HTML not
    "smtp-accepted",  # the SMTP server accepted the message; nothing local noted it yet
    "delivered",  # the delivery recorded, the run not committed
)

_armed: tuple[str, signal.Signals] | None = None


def arm(spec: str) -> None:
    """Arm the point `spec` names ("" disarms); called once per run with the setting."""
    global _armed
    if not spec:
        _armed = None
        return
    point, _, action = spec.partition(":")
    if point not in CRASH_POINTS or action not in ("", "kill", "stop"):
        raise ConfigError(
            f"LITWATCH_CRASH_AT={spec!r}: expected <point>[:stop] with a point among "
            + ", ".join(CRASH_POINTS)
        )
    _armed = (point, signal.SIGSTOP if action == "stop" else signal.SIGKILL)


def crash_point(name: str) -> None:
    """Kill this process here if the point `name` is armed, or stop it here the first time."""
    global _armed
    if _armed is not None and _armed[0] == name:
        action = _armed[1]
        if action == signal.SIGSTOP:
            _armed = None  # a point inside a loop pauses the run once, not at every turn
        os.kill(os.getpid(), action)
