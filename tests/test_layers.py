"""The layers of the code, bottom to top, and the rule that keeps them readable: a module imports
only from its own layer or lower ones, and no two of our modules import each other (directly or
round a longer loop). Imports are read from the source (ast), including those inside functions,
so an import moved into a function to dodge a cycle still counts.

The order (README "How it works"):
  cqc, config  <  database  <  ingest  <  vectorstore  <  library  <  assistant  <  evaluation  <  ui, app and entry points
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cqc", "config", "database", "ingest", "vectorstore", "library", "assistant", "evaluation", "ui", "bench", "scripts")
LAYERS = {"cqc": 0, "config": 0, "database": 1, "ingest": 2, "vectorstore": 3, "library": 4, "assistant": 5,
          "evaluation": 6}
TOP = 7  # ui, app.py, bench, scripts and every package's __main__: they may import anything


def _modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else ():
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _layer(module: str) -> int:
    if module.split(".")[-1] == "__main__":
        return TOP
    return LAYERS.get(module.split(".")[0], TOP)


def _resolve(name: str) -> str | None:
    """The module of ours a dotted name is, or lives in (`cqc.text.dates.MONTHS` -> `cqc.text.dates`)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target and target != module:
                out.add(target)
    # `from cqc.text import dates` names both the package and its module; keep the most precise.
    return {t for t in out if not any(o.startswith(t + ".") for o in out)}


GRAPH = {module: _imports(module) for module in MODULES}


def test_every_layer_is_found() -> None:
    assert {"cqc.framework", "cqc.models", "ingest.structure", "vectorstore.catalog", "assistant.chain"} <= set(MODULES)


def test_no_module_imports_from_a_higher_layer() -> None:
    upward = sorted(
        f"{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if _layer(target) > _layer(module)
    )
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_the_bottom_packages_import_nothing_of_ours() -> None:
    """The domain core and the settings stand alone: each imports only itself."""
    outside = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] in ("cqc", "config")
        for target in targets
        if target.split(".")[0] != module.split(".")[0]
    )
    assert not outside, "\n".join(outside)


def _reads_environment(path: Path) -> list[int]:
    """Lines that touch os.environ or call getenv (however os was imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"))
        or (isinstance(node, ast.Name) and node.id in ("environ", "getenv"))
        or (isinstance(node, ast.alias) and node.name in ("environ", "getenv"))
    )


def test_only_the_settings_read_the_environment() -> None:
    """A setting has one place to be read and documented: config/. Every other module is handed a
    Settings (the tests set variables, which is why they are not scanned)."""
    readers = {
        module: lines
        for module, path in MODULES.items()
        if module.split(".")[0] != "config" and (lines := _reads_environment(path))
    }
    assert not readers, readers
    assert _reads_environment(ROOT / "config" / "settings.py")  # the scan can find a reader


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
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
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_import_cycles_between_our_modules() -> None:
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_checker_sees_a_cycle_and_an_upward_import() -> None:
    """The two rules can fail: a loop of three is found, and a lower layer importing a higher one is."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _layer("ingest.structure") < _layer("vectorstore.catalog") < _layer("assistant.chain")
    assert _layer("assistant.__main__") == _layer("app") == _layer("ui.chat") == TOP
