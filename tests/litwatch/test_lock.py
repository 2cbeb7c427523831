"""A fresh machine installs what was tested: `./dev` and CI install requirements.lock, which
must pin, with hashes, every package pyproject.toml asks for (its ranges are for library users).
A dependency added to pyproject.toml without `./dev upgrade` (or a lock refresh) fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCKED_EXTRAS = ("bulk", "test", "lock")  # what ./dev installs beside the package itself


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalised(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip()).group(0))


def locked() -> dict[str, tuple[str, int]]:
    """Locked package -> (its pinned version, how many hashes it has)."""
    pins: dict[str, tuple[str, int]] = {}
    name = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        pin = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", line)
        if pin:
            name = normalised(pin.group(1))
            pins[name] = (pin.group(2), 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
    return pins


def wanted() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in LOCKED_EXTRAS:
        requirements += project["optional-dependencies"][extra]
    return {requirement_name(r) for r in requirements} | {"pip", "setuptools", "wheel"}


def test_the_lock_pins_every_requirement_of_pyproject_with_hashes():
    pins = locked()
    missing = sorted(wanted() - pins.keys())
    assert not missing, f"not in requirements.lock (run ./dev upgrade): {missing}"
    unhashed = sorted(name for name, (_, hashes) in pins.items() if hashes == 0)
    assert not unhashed, f"locked without a hash: {unhashed}"
    assert len(pins) > 100  # the whole tree, not only the direct requirements


def test_control_a_requirement_the_lock_lacks_is_found():
    assert "no-such-package" not in locked()
    assert requirement_name("No_Such.Package[extra]>=1") == "no-such-package"
