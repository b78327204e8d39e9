"""Import structure of portal/, scoring/, questionnaires/: no import cycles.

The graph is read from the source with `ast` (nothing is imported). An import at module level (including
inside module-level `if`/`try` and class bodies) runs when the module loads; an import inside a function
runs when the function is called. Imports under `if TYPE_CHECKING:` never run and are left out.
(grimp, the graph library behind import-linter, cannot tell function-level imports from module-level
ones, which is the distinction these tests need.)
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("portal", "scoring", "questionnaires")

# Module-level cycles still present, edge by edge, each with the reason it is tolerated for now.
KNOWN_MODULE_LEVEL_EDGES: dict[tuple[str, str], str] = {}

# Cycles closed by an import inside a function, as strongly connected groups of modules.
KNOWN_FUNCTION_LEVEL_CYCLES = {
    # The app factory registers the CLI and the report views; a report job (portal.reports.runner) and
    # the scale seeder build an app of their own (create_app) when run in a bare process. The default
    # plan of a stored result (portal.results.plan_ahead, subscribed by the factory) is such a job too.
    frozenset(
        {
            "portal",
            "portal.cli",
            "portal.reports.cli",
            "portal.reports.jobs",
            "portal.reports.local_pool",
            "portal.reports.outbox",
            "portal.reports.runner",
            "portal.reports.views",
            "portal.reports.worker",
            "portal.results.plan_ahead",
        }
    ),
}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    module_level: bool


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(module: str, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> Iterator[str]:
    """The project modules an import statement loads (`from pkg import sub` loads pkg.sub)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            name = alias.name
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                yield name
        return
    base = node.module or ""
    if node.level:  # relative import: resolve against the importing module's package
        package = module.split(".") if modules[module].name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        if f"{base}.{alias.name}" in modules:
            yield f"{base}.{alias.name}"
        elif base in modules:
            yield base


def _walk(
    module: str, body: list[ast.stmt], module_level: bool, modules: dict[str, Path]
) -> Iterator[Import]:
    for node in body:
        if isinstance(node, ast.If) and _is_type_checking(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(module, node, modules):
                if target != module:
                    yield Import(module, target, module_level)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _walk(module, node.body, False, modules)
        else:  # if / try / with / class bodies run with their enclosing scope
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    yield from _walk(module, [child], module_level, modules)
            for handler in getattr(node, "handlers", []):
                yield from _walk(module, handler.body, module_level, modules)


def imports() -> list[Import]:
    modules = _modules()
    found: list[Import] = []
    for module, path in modules.items():
        found.extend(_walk(module, ast.parse(path.read_text(encoding="utf-8")).body, True, modules))
    return found


def strongly_connected(edges: set[tuple[str, str]]) -> set[frozenset[str]]:
    """Groups of two or more modules that reach each other through imports (the graph is small)."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    reach = {node: _reachable(graph, node) for node in graph}
    groups = {
        frozenset({node} | {other for other in reach[node] if node in reach.get(other, ())}) for node in graph
    }
    return {group for group in groups if len(group) > 1}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.fixture(scope="module")
def graph() -> list[Import]:
    return imports()


def test_the_graph_sees_module_and_function_level_imports(graph: list[Import]) -> None:
    """The reader itself: known imports of both kinds are found, type-only ones are not."""
    edges = {(i.source, i.target, i.module_level) for i in graph}
    assert ("portal.home", "portal.access", True) in edges
    assert ("portal.bureau.cli", "portal.bureau.aggregates", False) in edges
    assert ("scoring.eligibility.rules", "scoring.eligibility.rule_check", True) in edges
    assert all(i.source.split(".")[0] in PACKAGES and i.target.split(".")[0] in PACKAGES for i in graph)


def test_no_module_level_import_cycles(graph: list[Import]) -> None:
    edges = {(i.source, i.target) for i in graph if i.module_level}
    stale = set(KNOWN_MODULE_LEVEL_EDGES) - edges
    assert not stale, f"these tolerated edges are gone: remove them from KNOWN_MODULE_LEVEL_EDGES: {stale}"
    sorter = graphlib.TopologicalSorter[str]()
    for source, target in edges - set(KNOWN_MODULE_LEVEL_EDGES):
        sorter.add(source, target)
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        pytest.fail(f"module-level import cycle: {' -> '.join(error.args[1])}")


def test_function_level_cycles_are_only_the_known_ones(graph: list[Import]) -> None:
    """An import inside a function that closes a new cycle (e.g. access ↔ home) is refused."""
    edges = {(i.source, i.target) for i in graph} - set(KNOWN_MODULE_LEVEL_EDGES)
    cycles = strongly_connected(edges)
    assert cycles - KNOWN_FUNCTION_LEVEL_CYCLES == set(), "new import cycle(s)"
    assert KNOWN_FUNCTION_LEVEL_CYCLES - cycles == set(), "a known cycle is gone: remove it from the list"


def test_results_do_not_import_the_bureau(graph: list[Import]) -> None:
    """Results announce a stored row (portal.signals.result_stored); the bureau subscribes to it."""
    upward = [
        i for i in graph if i.source.startswith("portal.results") and i.target.startswith("portal.bureau")
    ]
    assert upward == []
