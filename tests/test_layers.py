"""The rooms keep their rules (ARCHITECTURE.md, rooms): read every module's imports, functions' included,
and check none crosses into a room it must never use."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]

# The folders that install as litwatch.<room>; the face is the folder litwatch/ itself.
ROOMS = ("core", "pubmed", "store", "classifiers", "outputs", "flows", "standin")
# Sub-rooms of classifiers with rules of their own: the text plumbing is the floor every reader
# stands on, and the design model judges the design alone.
SUBROOMS = ("classifiers.text", "classifiers.design", "classifiers.readers", "classifiers.findings")
FACE = "the face (litwatch.cli, settings, config, ...)"

PREFECT = ("prefect", "prefect_dask")
CLI_LIBRARIES = ("typer", "rich")

# Room -> what it never imports: litwatch rooms by name, FACE, or outside top-level packages.
NEVER: dict[str, tuple[str, ...]] = {
    "core": tuple(room for room in ROOMS if room != "core") + (FACE,),
    "pubmed": (*PREFECT, "store", "classifiers", "outputs", FACE),
    "store": (*PREFECT, "Bio", "pubmed", "classifiers", "outputs", FACE),
    "classifiers": (*PREFECT, "Bio", "pubmed", "store", "outputs", *CLI_LIBRARIES, FACE),
    "outputs": (*PREFECT, "Bio", "pubmed", "classifiers", "standin", FACE),
    "flows": ("standin", *CLI_LIBRARIES),
}
NEVER["classifiers.design"] = (*NEVER["classifiers"], "classifiers.readers", "classifiers.findings")
NEVER["classifiers.text"] = (*NEVER["classifiers.design"], "classifiers", "classifiers.design")
NEVER["classifiers.readers"] = NEVER["classifiers"]
NEVER["classifiers.findings"] = NEVER["classifiers"]
# The demo is the one flow that starts the stand-in (ARCHITECTURE.md, rooms).
ALLOWED = {("litwatch.flows.demo", "standin")}
# Leaks that another change removes: each must still exist, so the entry goes with the leak.
# (None now: reading training exports moved to the face, litwatch/training_sources.py.)
KNOWN_LEAKS: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Crossing:
    """One import that breaks a room's rule."""

    module: str
    line: int
    imported: str
    forbidden: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported} ({self.forbidden})"


def module_name(path: Path) -> str:
    """litwatch.classifiers.readers.dose for classifiers/readers/dose.py; the face is litwatch.*."""
    parts = list(path.relative_to(REPOSITORY).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts if parts[0] == "litwatch" else ["litwatch", *parts])


def imported_names(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, anywhere in the module."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from litwatch import store` imports litwatch.store, not only litwatch.
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def place(imported: str) -> str:
    """The room an import lands in, FACE for the rest of litwatch, or the outside package."""
    parts = imported.split(".")
    if parts[0] != "litwatch":
        return parts[0]
    if len(parts) > 2 and ".".join(parts[1:3]) in SUBROOMS:
        return ".".join(parts[1:3])
    if len(parts) > 1 and parts[1] in ROOMS:
        return parts[1]
    return FACE


def crossings(source: str, module: str, is_package: bool = False) -> list[Crossing]:
    """The imports of one module that break its room's rule (none for the face and standin)."""
    room = place(module)
    never = NEVER.get(room, ())
    seen: dict[tuple[int, str], Crossing] = {}
    for line, imported in imported_names(source, module, is_package):
        target = place(imported)
        if target == room or target not in never or (module, target) in ALLOWED:
            continue
        # `from litwatch import store` yields litwatch and litwatch.store: report the precise one.
        if imported == "litwatch":
            continue
        seen.setdefault((line, target), Crossing(module, line, imported, target))
    return list(seen.values())


def repository_modules() -> list[tuple[str, Path]]:
    folders = [REPOSITORY / room for room in ROOMS] + [REPOSITORY / "litwatch"]
    return [
        (module_name(path), path)
        for folder in folders
        for path in sorted(folder.rglob("*.py"))
        if "templates" not in path.parts
    ]


def all_crossings() -> list[Crossing]:
    found = []
    for module, path in repository_modules():
        source = path.read_text(encoding="utf-8")
        found += crossings(source, module, is_package=path.name == "__init__.py")
    return found


def test_every_room_keeps_its_rules():
    found = all_crossings()
    leaks = [c for c in found if (c.module, c.imported) not in KNOWN_LEAKS]
    assert not leaks, "\n".join(map(str, leaks))


def test_each_known_leak_still_exists_so_its_allowance_cannot_outlive_it():
    found = {(c.module, c.imported) for c in all_crossings()}
    assert KNOWN_LEAKS <= found, f"gone, remove from KNOWN_LEAKS: {KNOWN_LEAKS - found}"


def test_the_checker_reads_every_room():
    rooms = {place(module) for module, _ in repository_modules()}
    assert rooms == {*ROOMS, *SUBROOMS, FACE}
    assert len(repository_modules()) > 60  # the repository, not an empty folder


def litwatch_names(source: str) -> list[tuple[int, str, str]]:
    """(line, module, name) of every `from litwatch... import name`, functions' included."""
    return [
        (node.lineno, node.module, alias.name)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and not node.level and node.module
        if node.module.split(".")[0] == "litwatch"
        for alias in node.names
    ]


def missing_names(source: str) -> list[str]:
    """The litwatch names `source` imports that do not exist (a function's import fails only
    when the function runs: after a move, this finds the callers left behind)."""
    missing = []
    for line, module, name in litwatch_names(source):
        if not module_exists(module):
            missing.append(f"{line}: no module {module}")
        elif not hasattr(importlib.import_module(module), name) and not module_exists(
            f"{module}.{name}"
        ):
            missing.append(f"{line}: {module} has no {name}")
    return missing


def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent is missing or is a module, not a package
        return False


def test_every_litwatch_name_imported_exists_even_in_functions():
    """In the package, the benchmarks and the tests (a benchmark is run by hand, rarely)."""
    paths = [path for _, path in repository_modules()]
    paths += sorted((REPOSITORY / "benchmarks").glob("*.py"))
    paths += sorted((REPOSITORY / "tests").rglob("*.py"))
    missing = [
        f"{path.relative_to(REPOSITORY)}:{problem}"
        for path in paths
        for problem in missing_names(path.read_text(encoding="utf-8"))
    ]
    assert len(paths) > 100 and not missing, "\n".join(missing)


def test_a_name_moved_away_is_reported():
    """Control: the import a moved function leaves behind in a caller's body is found."""
    source = "def run(store, watch):\n    from litwatch.classifiers.judge import classify_pending\n"
    assert missing_names(source) == ["2: litwatch.classifiers.judge has no classify_pending"]
    assert missing_names("from litwatch.core.nowhere import x\n") == [
        "1: no module litwatch.core.nowhere"
    ]
    assert missing_names("from litwatch.core.classification import Classification\n") == []


@pytest.mark.parametrize(
    ("module", "source", "forbidden"),
    [
        ("litwatch.classifiers.judge", "def f():\n    from litwatch.store import Store\n", "store"),
        ("litwatch.classifiers.judge", "from litwatch.config import Watch\n", FACE),
        ("litwatch.classifiers.judge", "import rich.progress\n", "rich"),
        ("litwatch.core.digest", "from litwatch.outputs.view import record_view\n", "outputs"),
        ("litwatch.core.digest", "import litwatch.settings\n", FACE),
        ("litwatch.outputs.view", "from ..classifiers import judge\n", "classifiers"),
        ("litwatch.outputs.view", "from litwatch import classifiers\n", "classifiers"),
        ("litwatch.pubmed.xml", "from prefect import task\n", "prefect"),
        ("litwatch.store.db", "from Bio import Entrez\n", "Bio"),
        (
            "litwatch.flows.weekly",
            "from litwatch.standin.testing import running_standin\n",
            "standin",
        ),
        ("litwatch.flows.weekly", "import typer\n", "typer"),
        (
            "litwatch.classifiers.text.passage",
            "from litwatch.classifiers.readers.dose import read_dose\n",
            "classifiers.readers",
        ),
        (
            "litwatch.classifiers.text.spans",
            "from litwatch.classifiers import judge\n",
            "classifiers",
        ),
        (
            "litwatch.classifiers.design.rules",
            "from litwatch.classifiers.findings.cues import x\n",
            "classifiers.findings",
        ),
        ("litwatch.classifiers.design.model", "from prefect import task\n", "prefect"),
    ],
)
def test_a_forbidden_import_is_reported(module, source, forbidden):
    """Control: the check fails when a room reaches where it must not, inside a function too."""
    assert [c.forbidden for c in crossings(source, module)] == [forbidden]


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("litwatch.classifiers.judge", "from litwatch.core.classification import Classification\n"),
        ("litwatch.classifiers.judge", "from .gaps import assess_gaps\n"),
        ("litwatch.classifiers.readers.dose", "from litwatch.classifiers.text import spans\n"),
        ("litwatch.classifiers.judge", "from litwatch.classifiers.design import classify_design\n"),
        ("litwatch.outputs.view", "from litwatch.core.digest import Digest\nimport jinja2\n"),
        ("litwatch.flows.weekly", "from litwatch.config import Watch\nfrom prefect import flow\n"),
        ("litwatch.flows.demo", "from litwatch.standin.testing import running_standin\n"),
        ("litwatch.cli", "import typer\nfrom litwatch.standin import server\n"),
    ],
)
def test_an_allowed_import_is_not_reported(module, source):
    assert crossings(source, module) == []
