"""No import cycle among the modules of crawler/ and db/.

The graph is read from the source with ast: every `import` and `from ... import` statement, at module
level or inside a function, is an edge; imports under `if TYPE_CHECKING:` are ignored (they never run).
`from pkg import name` points at the submodule `pkg.name` when there is one, else at `pkg`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "db")

# No cycle is allowed (the last one, db.export <-> db.export_parallel, went with db.rows).
ALLOWED_CYCLES: set[frozenset[str]] = set()


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> source file, for every .py file under the given packages."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imports(node: ast.AST, type_checking: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements anywhere below `node`; those under `if TYPE_CHECKING:` only if asked."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test) and not type_checking:
            for orelse_node in child.orelse:
                yield from _imports(ast.Module(body=[orelse_node], type_ignores=[]), type_checking)
        else:
            yield from _imports(child, type_checking)


def _from_base(module: str, is_package: bool, statement: ast.ImportFrom) -> str:
    """The absolute module a `from X import ...` statement reads from."""
    if statement.level == 0:
        return statement.module or ""
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    anchor = package_parts[: len(package_parts) - (statement.level - 1)]
    return ".".join(anchor + ([statement.module] if statement.module else []))


def _known_prefix(name: str, modules: dict[str, Path]) -> str | None:
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(modules: dict[str, Path], type_checking: bool = False) -> dict[str, set[str]]:
    """Module -> the project modules it imports (at run time; also for type checking if asked)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for statement in _imports(tree, type_checking):
            if isinstance(statement, ast.Import):
                targets = [_known_prefix(alias.name, modules) for alias in statement.names]
            else:
                base = _from_base(module, is_package, statement)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else _known_prefix(base, modules)
                    for alias in statement.names
                ]
            graph[module].update(target for target in targets if target and target != module)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Components of more than one module (Tarjan's algorithm, iterative)."""
    index_of: dict[str, int] = {}
    low_link: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index_of:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index_of[start] = low_link[start] = len(index_of)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index_of:
                    index_of[successor] = low_link[successor] = len(index_of)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low_link[node] = min(low_link[node], index_of[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low_link[parent] = min(low_link[parent], low_link[node])
                if low_link[node] == index_of[node]:
                    members: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.add(member)
                        if member == node:
                            break
                    if len(members) > 1:
                        components.append(frozenset(members))
    return components


def cycle_path(graph: dict[str, set[str]], component: frozenset[str]) -> list[str]:
    """One concrete cycle inside a component: [a, b, ..., a] (breadth-first, so a shortest one from a)."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        next_frontier: list[str] = []
        for node in frontier:
            for successor in sorted(graph[node] & component):
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if successor not in came_from:
                    came_from[successor] = node
                    next_frontier.append(successor)
        frontier = next_frontier
    raise AssertionError(f"no cycle through {start} in {sorted(component)}")


def test_no_import_cycle_in_crawler_or_db() -> None:
    graph = import_graph(module_files(ROOT, PACKAGES))
    cycles = [component for component in strongly_connected(graph) if component not in ALLOWED_CYCLES]
    described = [" -> ".join(cycle_path(graph, component)) for component in cycles]
    assert described == [], "import cycles:\n" + "\n".join(described)


def test_no_cycle_in_records_even_through_type_only_imports() -> None:
    # crawler.records.meetings <-> crawler.records.places was such a cycle (issue 11)
    graph = import_graph(module_files(ROOT, ("crawler",)), type_checking=True)
    records = [component for component in strongly_connected(graph)
               if any(name.startswith("crawler.records") for name in component)]
    assert [cycle_path(graph, component) for component in records] == []


def test_the_graph_sees_every_package() -> None:
    graph = import_graph(module_files(ROOT, PACKAGES))
    assert "crawler.records.extract" in graph
    assert "crawler.records.places" in graph["crawler.records.meetings"]
    assert "db.models" in graph


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"pkg/__init__.py": "", "pkg/a.py": "from . import b\n", "pkg/b.py": "from .a import thing\n"},
            [["pkg.a", "pkg.b", "pkg.a"]],
            id="relative-module-level",
        ),
        pytest.param(
            {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n",
             "pkg/b.py": "def later():\n    from pkg.sub import c\n",
             "pkg/sub/__init__.py": "", "pkg/sub/c.py": "from ..a import x\n"},
            [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]],
            id="function-level-and-subpackage",
        ),
        pytest.param(
            {"pkg/__init__.py": "", "pkg/a.py": "from .b import y\n",
             "pkg/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import x\n"},
            [],
            id="type-checking-only-ignored",
        ),
        pytest.param(
            {"pkg/__init__.py": "from .a import x\n", "pkg/a.py": "import os\nfrom pkg import b\n",
             "pkg/b.py": "import json\n"},
            [],
            id="no-cycle",
        ),
    ],
)
def test_cycle_detection_on_a_small_package(tmp_path: Path, files: dict[str, str],
                                            expected: list[list[str]]) -> None:
    _write(tmp_path, files)
    graph = import_graph(module_files(tmp_path, ("pkg",)))
    assert [cycle_path(graph, component) for component in strongly_connected(graph)] == expected
