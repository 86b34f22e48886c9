"""Every import statement of a package tree, at any depth, and the cycles among modules.

Read with :mod:`ast`, never imported: an import inside a function or an
``if TYPE_CHECKING`` block counts like one at the top, and carries where it sits.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

Graph = dict[str, dict[str, list["Import"]]]  # module -> imported module -> the statements


@dataclass(frozen=True)
class Import:
    """One imported module: who imports it, where, and how deep."""

    module: str
    target: str
    path: Path
    line: int
    in_function: bool = False
    type_checking: bool = False

    @property
    def where(self) -> str:
        return f"{self.path.as_posix()}:{self.line}"

    @property
    def depth(self) -> str:
        """`` (in a function, TYPE_CHECKING)`` or empty for a plain top-level import."""
        tags = [t for t, on in (("in a function", self.in_function),
                                ("TYPE_CHECKING", self.type_checking)) if on]  # fmt: skip
        return f" ({', '.join(tags)})" if tags else ""


def module_name(root: Path, path: Path) -> str:
    """``planner/trackers/http.py`` -> ``relplan.planner.trackers.http`` (the folders are
    installed under the one import name ``relplan``); a package is its ``__init__``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["relplan", *parts])


def collect(root: Path, packages: Sequence[str]) -> list[Import]:
    """Every import in every ``.py`` file under ``root/<package>`` for each package."""
    files = sorted(p for package in packages for p in (root / package).rglob("*.py"))
    known = {module_name(root, p) for p in files}
    found: list[Import] = []
    for path in files:
        module = module_name(root, path)
        source = path.read_text(encoding="utf-8")
        found.extend(imports_in_source(source, module, path.relative_to(root), known, path))
    return found


def imports_in_source(
    source: str, module: str, shown: Path, known: Iterable[str], real: Path | None = None
) -> list[Import]:
    """The imports of one module's source. ``known``: module names that ``from X import Y``
    may mean as ``X.Y``; ``real``: the file path (decides what a relative import is from)."""
    tree = ast.parse(source, filename=str(shown))
    is_package = real is not None and real.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    return list(_walk(tree.body, module, package, shown, set(known), False, False))


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _walk(
    body: Iterable[ast.AST],
    module: str,
    package: str,
    path: Path,
    known: set[str],
    in_function: bool,
    type_checking: bool,
) -> Iterator[Import]:
    for node in body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _walk(node.body, module, package, path, known, in_function, True)
            yield from _walk(node.orelse, module, package, path, known, in_function, type_checking)
            continue
        for target in _targets(node, package, known):
            yield Import(module, target, path, node.lineno, in_function, type_checking)  # type: ignore[attr-defined]
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from _walk(
            ast.iter_child_nodes(node), module, package, path, known, inner, type_checking
        )


def _targets(node: ast.AST, package: str, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        anchor = ".".join(parts[: len(parts) - node.level + 1])
        base = f"{anchor}.{base}" if base else anchor
    # `from pkg import sub` imports the module pkg.sub when there is one
    return sorted({f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names})


def module_graph(imports: Iterable[Import]) -> Graph:
    """Module -> imported module -> the import statements (every module is a key)."""
    graph: Graph = {}
    for imp in imports:
        graph.setdefault(imp.module, {}).setdefault(imp.target, []).append(imp)
        graph.setdefault(imp.target, {})
    return graph


def strongly_connected(graph: dict[str, dict[str, list[Import]]]) -> list[set[str]]:
    """Tarjan's strongly connected components, in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, {})):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            out.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(out, key=min)


def cyclic_components(graph: Graph) -> list[set[str]]:
    """The strongly connected components that hold a cycle (a self-import counts)."""
    return [c for c in strongly_connected(graph) if len(c) > 1 or min(c) in graph.get(min(c), {})]


def cycles(graph: Graph) -> list[list[str]]:
    """Shortest cycles through every module that is on one: per cyclic component, the
    shortest cycle from its first module, then from each module not yet shown on one."""
    found = []
    for component in cyclic_components(graph):
        shown: set[str] = set()
        for start in sorted(component):
            if start not in shown:
                cycle = _shortest_cycle(graph, start, component)
                found.append(cycle)
                shown.update(cycle)
    return found


def _shortest_cycle(graph: Graph, start: str, component: set[str]) -> list[str]:
    paths = {start: [start]}
    queue = [start]
    for node in queue:  # breadth first, back to start
        for nxt in sorted(graph[node]):
            if nxt == start:
                return paths[node]
            if nxt in component and nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    raise AssertionError(f"{start} is on no cycle")


def format_cycle(cycle: Sequence[str], graph: Graph) -> str:
    """``a -> b (a.py:3) -> a (b.py:9, in a function)``: each step with its first import."""
    steps = [cycle[0]]
    for here, there in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
        first = graph[here][there][0]
        depth = first.depth.strip(" ()")
        steps.append(f"{there} ({first.where}{', ' + depth if depth else ''})")
    return " -> ".join(steps)
