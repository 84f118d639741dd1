"""The modules of races/ import each other without cycles."""

import ast
from pathlib import Path

import races

RACES = Path(races.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """The races modules a file imports, at any depth, e.g. {'models'}."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("races."):
                found.add(node.module.split(".")[1])
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {path.stem: path for path in RACES.glob("*.py")}
    return {
        name: imported_modules(path) & modules.keys() - {name}
        for name, path in modules.items()
    }


def cycle_through(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A chain of imports leading from `start` back to it, if there is one."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        name, chain = stack.pop()
        for imported in graph[name]:
            if imported == start:
                return [*chain, start]
            if imported not in seen:
                seen.add(imported)
                stack.append((imported, [*chain, imported]))
    return None


def test_races_modules_import_each_other_without_cycles():
    graph = import_graph()
    cycles = [cycle_through(graph, name) for name in sorted(graph)]
    assert [" -> ".join(cycle) for cycle in cycles if cycle] == []


def test_classification_imports_neither_standings_nor_the_views():
    assert imported_modules(RACES / "classification.py") == {"models"}


def test_only_the_urls_import_the_views():
    graph = import_graph()
    assert [name for name, imported in graph.items() if "views" in imported] == ["urls"]
