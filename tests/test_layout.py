"""The package's folders are its pipeline: scenario -> calibrate -> engine -> batch -> report
-> app. Every import, those inside functions included, runs down that list, never up it, and
no modules import each other in a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "estimator"
#: Each layer may import the layers before it (and itself), never one after it.
LAYERS = ("scenario", "calibrate", "engine", "batch", "report", "app")
#: Top-level modules: the package's front (re-exports) and documented import paths.
FRONT = {"estimator", "estimator.queueing"}
#: Top-level modules any layer may read: the version.
SHARED = {"estimator._version"}
#: Libraries that draw or make widgets: never imported by computation.
DRAWING = ("matplotlib", "ipywidgets", "IPython", "cycler")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULE_FILES = {_module_name(p) for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, name: str | None = None) -> set[str]:
    """Every module an estimator module imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = name or _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # `from estimator.report import charts` imports the module estimator.report.charts;
            # `from estimator.report.words import money` imports estimator.report.words
            for a in node.names:
                sub = f"{base}.{a.name}"
                found.add(sub if sub in MODULE_FILES else base)
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {
    name: {m for m in _imports(path) if m in MODULES and m != name}
    for name, path in MODULES.items()
}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_belongs_to_a_layer_or_the_front():
    loose = [m for m in MODULES if _layer(m) is None and m not in FRONT | SHARED]
    assert not loose, f"modules outside the pipeline's folders: {loose}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_down_the_pipeline(module):
    mine = _layer(module)
    if mine is None:
        return
    upward = sorted(m for m in GRAPH[module] if (_layer(m) or -1) > mine or m in FRONT)
    assert not upward, f"{module} imports {upward}, which come later in {' -> '.join(LAYERS)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) is not None
                                          and _layer(m) < LAYERS.index("report")))
def test_computation_never_imports_drawing_libraries(module):
    drawn = sorted(m for m in _imports(MODULES[module]) if m.split(".")[0] in DRAWING)
    assert not drawn, f"{module} imports {drawn}"


def test_no_import_cycles():
    """Depth-first search for a cycle among the package's modules (package __init__ files
    re-export their members, so a package importing its own modules is not a cycle)."""
    def edges(m: str) -> set[str]:
        return {n for n in GRAPH[m] if not (MODULES[m].name == "__init__.py"
                                            and n.startswith(m + "."))}

    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(edges(m)):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state and (cycle := visit(n)):
                return cycle
        state[m] = 2
        path.pop()
        return None

    for m in sorted(MODULES):
        if m not in state and (cycle := visit(m)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_the_walker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    """The check catches what the layout removed: an upward import inside a function."""
    nested = tmp_path / "x.py"
    nested.write_text("def f():\n    from estimator.app.cli import main\n"
                      "    from ..report import words\n", encoding="utf-8")
    found = _imports(nested, "estimator.engine.x")
    assert {"estimator.app.cli", "estimator.report.words"} <= found


def test_documented_imports_keep_working():
    from estimator import Result, Scenario, ScenarioError, load_scenario, simulate  # noqa: F401
    from estimator.batch import compare, sweep  # noqa: F401
    from estimator.queueing import erlang_c_agents

    assert int(erlang_c_agents(200, 3, 20 / 60, 0.8)) == 14
