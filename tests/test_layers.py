"""The import direction of docs/architecture.md, held: a module may import its own layer and the
layers below it, never one above. Every `import` and `from … import` counts, also those inside
functions (ast, not the import machinery, so lazy imports are seen too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: Layer numbers, lowest first. Longest matching prefix wins; ADAPTER_SUFFIXES lift a module of a
#: lower package (masterdata/api.py, monitoring/views.py) to the adapter layer.
LAYERS = {
    "ecer.core": 0, "ecer.catalogs": 0, "ecer.plans": 0, "ecer.hj212": 0, "ecer.errors": 0,
    "ecer.texttable": 0, "ecer.config": 0, "ecer": 0,
    "ecer.accounting": 1, "ecer.masterdata": 1, "ecer.monitoring": 1, "ecer.demo": 1, "ecer.jobs": 1,
    "ecer.results": 1, "ecer.maps": 1, "ecer.accounts": 1, "ecer.audit": 1, "ecer.collection": 1,
    # the columnar store (Parquet segments queried with DuckDB) lives with the gateway that writes it,
    # but is a store: the monitoring read side queries it
    "ecer.gateway.lake": 1, "ecer.gateway.segments": 1,
    "ecer.analytics": 1,  # roll-ups over the lake (no Django), read by the monitoring services
    "ecer.alarms": 1,  # stored alarms; ecer.alarms.detect is pure (no Django)
    "ecer.tasks": 1,  # task tracking of the plan (models); pages/api are adapters
    "ecer.energy": 1,  # the key energy-using units register (models); pages/api are adapters
    "ecer.energy.simulator": 3,
    "ecer.energy.report_views": 3,  # the annual energy-report pages (adapter)  # simulated meters: an HTTP client of the upload endpoint, like the gateway's
    "ecer.projects": 1,  # the key-project ledger (models); pages/api are adapters
    "ecer.twohigh": 1,  # the 两高一低 register (models); pages/api are adapters
    "ecer.reports": 1,  # report documents and their renderers (Word, PDF, Excel; no Django); views/api are adapters
    "ecer.services": 2,
    "ecer.cli": 3, "ecer.web": 3, "ecer.site": 3, "ecer.gateway": 3, "ecer.__main__": 3,
}
NAMES = {0: "domain (core, catalogs, plans, hj212)", 1: "data (accounting, masterdata, monitoring)",
         2: "services", 3: "adapters (cli, web, site, api, gateway)"}
ADAPTER_SUFFIXES = ("api", "views", "urls", "admin", "templatetags", "job_handlers")


def layer(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "ecer":
        raise ValueError(module)
    if any(p in ADAPTER_SUFFIXES for p in parts[2:]):
        return 3
    if module == "ecer":
        return LAYERS["ecer"]
    for n in range(len(parts), 1, -1):  # a new package must be given a layer: no fallback to "ecer"
        prefix = ".".join(parts[:n])
        if prefix in LAYERS:
            return LAYERS[prefix]
    raise AssertionError(f"{module}: no layer assigned")


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ecer import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "ecer"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            if base.split(".")[0] == "ecer":
                # `from ecer.services import monitoring` imports ecer.services.monitoring
                out += [(node.lineno, f"{base}.{a.name}" if _is_module(f"{base}.{a.name}") else base)
                        for a in node.names]
    return out


def _is_module(name: str) -> bool:
    path = SRC.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def violations() -> list[str]:
    found = []
    for path in sorted(SRC.joinpath("ecer").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        here = module_name(path)
        for line, target in imports(path):
            if layer(target) > layer(here):
                found.append(f"{path.relative_to(SRC)}:{line}: {here} ({NAMES[layer(here)]}) imports {target} "
                             f"({NAMES[layer(target)]})")
    return found


def test_no_lower_layer_imports_a_higher_one() -> None:
    assert violations() == []


def test_every_module_has_a_layer() -> None:
    for path in SRC.joinpath("ecer").rglob("*.py"):
        layer(module_name(path))


@pytest.mark.parametrize(("module", "expected"), [
    ("ecer.core.progress", 0), ("ecer.accounting.gather_db", 1), ("ecer.masterdata.services.imports", 1),
    ("ecer.masterdata.api", 3), ("ecer.monitoring.views", 3), ("ecer.services.progress", 2), ("ecer.cli.main", 3),
])
def test_layer_of(module: str, expected: int) -> None:
    assert layer(module) == expected


def test_the_check_sees_function_level_imports(tmp_path: Path) -> None:
    """A lazy import inside a function of a lower layer is a violation too (what the circles were made of)."""
    fake = SRC / "ecer" / "core" / "_layer_probe.py"
    fake.write_text("def f():\n    from ecer.cli.main import cli\n    return cli\n", encoding="utf-8")
    try:
        assert any("ecer.core._layer_probe" in v and "ecer.cli.main" in v for v in violations())
    finally:
        fake.unlink()


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in SRC.joinpath("ecer").rglob("*.py"):
        if "migrations" not in path.parts:
            here = module_name(path)
            graph[here] = {t for _, t in imports(path) if t != here and not here.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or round a loop, even through a function-level
    import (a package importing its own submodules is not a cycle)."""
    assert cycles(import_graph()) == []


def test_cycle_finder_finds_a_loop() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


#: What the CLI may take from below the services: renderings and value types, no evaluation.
CLI_MAY_IMPORT_BELOW = ("ecer.accounting.report", "ecer.core.decomposition", "ecer.catalogs", "ecer.plans",
                        "ecer.errors", "ecer.texttable", "ecer.hj212", "ecer.config", "ecer.masterdata.services.setup",
                        # the job worker's process loop (`ecer jobs worker`): plumbing, no evaluation logic
                        "ecer.jobs.worker")
#: Set-up and operations commands that call the data layer directly (no use case of an end user).
CLI_SETUP = {"ecer.cli.demo", "ecer.cli.manage", "ecer.cli.serve", "ecer.cli.audit", "ecer.cli.token"}


def test_cli_holds_no_evaluation_logic() -> None:
    """The CLI's use-case commands reach accounting, decomposition, assessment and imports only
    through ecer.services (what they may import below is rendering and value types)."""
    found = []
    for path in sorted(SRC.joinpath("ecer", "cli").glob("*.py")):
        here = module_name(path)
        if here in CLI_SETUP:
            continue
        for line, target in imports(path):
            if layer(target) < 2 and target != "ecer" and not target.startswith(CLI_MAY_IMPORT_BELOW):
                found.append(f"{path.relative_to(SRC)}:{line}: {target}")
    assert found == []
