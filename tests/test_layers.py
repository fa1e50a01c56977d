"""The layers of the code, bottom to top, and the rule that keeps them readable: a module imports
only from its own layer or lower ones, and no two of our modules import each other (directly or
round a longer loop). Imports are read from the source (ast), including those inside functions,
so an import moved into a function to dodge a cycle still counts.

The order (README "How it works"):
  cqc, config  <  database  <  ingest  <  vectorstore  <  library  <  assistant  <  evaluation  <  ui, app and entry points

Inside `assistant/`, each sub-package does one job and may import only the ones named in
`ASSISTANT_MAY_IMPORT` (its `__init__` docstring says the same in words).
"""

from __future__ import annotations

import ast
import tomllib
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


# What each part of `assistant/` may import of `assistant/`, besides itself. The question path runs
# question (read, scope) -> evidence -> answers -> check; compare, actions and papers build on it.
# A part not listed here fails `test_every_assistant_part_has_rules`, so a new one gets its rules.
ASSISTANT_MAY_IMPORT: dict[str, set[str]] = {
    "models": set(),  # answers and citations: what every part hands on, importing nothing of ours
    "path": {"question", "evidence", "models"},  # the values one stage hands the next
    "chain": {"question", "evidence", "answers", "check", "llm", "path", "models"},  # the path put together
    "__main__": {"*"},  # the command line, an entry point
    "question": {"llm", "path", "models"},  # read the way it is whatever the library would answer
    "evidence": {"question", "path", "models"},  # found the same whoever writes the answer
    "answers": {"question", "evidence", "check", "llm", "path", "models"},
    "check": {"evidence", "path", "models"},  # judges text against findings, however it was written
    "llm": {"evidence", "models"},  # model plumbing: no stage's decisions
    "compare": {"answers", "evidence", "question", "check", "llm", "path", "models"},
    "actions": {"answers", "evidence", "question", "check", "llm", "models"},
    "papers": {"actions", "compare", "answers", "llm", "models"},  # written from what the others made
}


def _part(module: str) -> str:
    """`assistant.answers.writers` -> `answers`; `assistant.chain` -> `chain`; `assistant` -> ``."""
    return module.split(".")[1] if module.count(".") else ""


def _outside_rules(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, targets in graph.items():
        if not module.startswith("assistant."):
            continue
        allowed = ASSISTANT_MAY_IMPORT.get(_part(module), set())
        for target in targets:
            part = _part(target)
            if target.startswith("assistant.") and part != _part(module) and "*" not in allowed and part not in allowed:
                out.append(f"{module} imports {target} ({_part(module)} may import only {sorted(allowed)})")
    return sorted(out)


def test_every_assistant_part_has_rules() -> None:
    parts = {_part(m) for m in MODULES if m.startswith("assistant.")}
    assert parts == set(ASSISTANT_MAY_IMPORT), parts ^ set(ASSISTANT_MAY_IMPORT)
    assert {"question", "evidence", "answers", "check", "compare", "actions", "llm", "papers"} <= parts


def test_each_part_of_the_assistant_imports_only_what_its_rules_allow() -> None:
    outside = _outside_rules(GRAPH)
    assert not outside, "\n".join(outside)


def test_the_question_path_reads_in_stage_order() -> None:
    """Where the five stages live, and that an earlier stage never reaches a later one."""
    stages = {
        "assistant.question.read": "ReadQuestion", "assistant.question.scope": "ResolveScope",
        "assistant.evidence.retrieve": "RetrieveEvidence", "assistant.answers.answer": "AnswerQuestion",
        "assistant.check.every_answer": "CheckAnswer",
    }
    for module, stage in stages.items():
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        assert stage in {n.name for n in tree.body if isinstance(n, ast.ClassDef)}, (module, stage)
    order = ["question", "evidence", "answers", "check"]
    for i, part in enumerate(order):
        for later in order[i + 1:]:
            if later == "check" and part == "answers":
                continue  # a model's claims are checked while the answer is written
            assert later not in ASSISTANT_MAY_IMPORT[part], (part, later)


def test_every_subpackage_is_described_and_installed() -> None:
    """Each sub-package says what it owns and may import; each is in pyproject's package list, or a
    non-editable install leaves it out."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    for top in listed:
        for init in (ROOT / top.replace(".", "/")).rglob("__init__.py"):
            package = ".".join(init.parent.relative_to(ROOT).parts)
            assert package in listed, f"{package} is missing from pyproject.toml's [tool.setuptools] packages"
    for init in (ROOT / "assistant").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{init.relative_to(ROOT)}: its docstring says what it owns and may import"


def test_the_checker_sees_a_cycle_and_an_upward_import() -> None:
    """The two rules can fail: a loop of three is found, and a lower layer importing a higher one is."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _layer("ingest.structure") < _layer("vectorstore.catalog") < _layer("assistant.chain")
    assert _layer("assistant.__main__") == _layer("app") == _layer("ui.chat") == TOP
    # and, inside the assistant, an answer module importing actions, or a question one importing answers
    assert _outside_rules({"assistant.answers.writers": {"assistant.actions.draft", "assistant.evidence.bundle"},
                           "assistant.question.read": {"assistant.answers.parts", "assistant.question.names"}}) == [
        "assistant.answers.writers imports assistant.actions.draft "
        "(answers may import only ['check', 'evidence', 'llm', 'models', 'path', 'question'])",
        "assistant.question.read imports assistant.answers.parts (question may import only ['llm', 'models', 'path'])",
    ]
