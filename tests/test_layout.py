"""The floors hold: which top-level package may import which (docs/architecture.md), no cycle
between packages, and nothing of the project names a path outside the checkout."""

from __future__ import annotations

import ast
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from .conftest import ROOT

# From the ground up. The CLI (gkwatch) is the roof and may import every floor below it.
MAY_IMPORT = {
    "core": set(),
    "storage": {"core"},
    "extract": {"core"},
    "crawlers": {"core", "storage", "extract"},
    "monitors": {"core", "storage", "extract"},
    "dashboards": {"core", "storage"},
    "gkwatch": {"core", "storage", "extract", "crawlers", "monitors", "dashboards", "sandbox"},
    "sandbox": set(),   # beside the application: imported only by the demo and the tests
}
SKIPPED = {".git", ".venv", "__pycache__", "demo-data", ".pytest_cache"}
SAVED_PAGES = Path("tests", "files")   # third parties' bytes, kept as found (a page may link a home folder)


def package_imports() -> dict[str, dict[str, set[str]]]:
    """package → imported package → the files that import it, from every module's source."""
    found: dict[str, dict[str, set[str]]] = {package: {} for package in MAY_IMPORT}
    for package in MAY_IMPORT:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in MAY_IMPORT and top != package:
                        found[package].setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_package_imports_only_the_floors_below_it():
    found = package_imports()
    wrong = {(package, imported): sorted(files) for package, imports in found.items()
             for imported, files in imports.items() if imported not in MAY_IMPORT[package]}
    assert wrong == {}
    # the roof really does stand on the floors (the walk above reads real imports)
    assert {"core", "storage", "crawlers", "monitors", "sandbox"} <= set(found["gkwatch"])


def test_the_package_import_graph_has_no_cycle():
    graph = {package: set(imports) for package, imports in package_imports().items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {exc.args[1]}")
    assert order.index("core") < order.index("storage") < order.index("crawlers") < order.index("gkwatch")
    assert graph["sandbox"] == set()


def test_a_cycle_would_be_caught():
    """The check above fails on a cycle (here: storage importing the CLI)."""
    graph = {"core": set(), "storage": {"core", "gkwatch"}, "gkwatch": {"storage"}}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError:
        return
    raise AssertionError("a cycle went unnoticed")


# Built from parts so that this file does not match itself.
OUTSIDE = re.compile("|".join([re.escape("..") + "/shared", "/" + "work/", "/" + "home/", "/" + "Users/",
                               r"[A-Z]:\\\\"]))


def test_no_file_names_a_path_outside_the_checkout():
    hits = []
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if (not path.is_file() or parts & SKIPPED or any(p.endswith(".egg-info") for p in parts)
                or path.relative_to(ROOT).is_relative_to(SAVED_PAGES)):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue   # binary files: screenshots, saved PDFs
        hits += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]
    assert hits == []
