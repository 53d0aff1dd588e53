"""ARCHITECTURE.md stays true: every module is in its table, imports go only upwards in it and
only to the modules its row names, and the engine's teaching path stays short enough to read
in one sitting."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "micrograd_notes"
# engine.py defines Value, then imports these at its end: they make Values (ARCHITECTURE.md).
ENGINE_WIRING = {"gates", "nodes", "tape"}
# The only imports allowed to point down the table (ARCHITECTURE.md says why).
DOWNWARD = {"engine": ENGINE_WIRING, "nn": {"torch_io"}, "viz": {"trace"}}


def _table() -> list[str]:
    """The modules of ARCHITECTURE.md's table, top to bottom (a row may name two; a package
    is named as its folder, ``exercises/``)."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`(\w+)(?:\.py|/)`", row.split("|")[1])]


def _may_import() -> dict[str, set[str] | None]:
    """Each module's "may import" cell as module names (None: "anything above")."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    allowed: dict[str, set[str] | None] = {}
    for row in (line for line in text.splitlines() if line.startswith("| `")):
        cell = row.split("|")[3]
        names = set(re.findall(r"`(\w+)`", cell))
        if "the engine" in cell:
            names |= {"engine"} | ENGINE_WIRING
        for name in re.findall(r"`(\w+)(?:\.py|/)`", row.split("|")[1]):
            allowed[name] = None if "anything above" in cell else names
    return allowed


def _modules() -> dict[str, list[Path]]:
    """Each module of the package by name, with its files (a subpackage has several)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts != ("__init__",):
            found.setdefault(parts[0], []).append(path)
    return found


def _imported(path: Path) -> set[str]:
    """The package's modules that ``path`` imports (outside ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "micrograd_notes":
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "micrograd_notes."
        ):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(
                a.name.split(".")[1] for a in node.names if a.name.startswith("micrograd_notes.")
            )
    return names & set(_modules())


def test_every_module_is_in_the_table() -> None:
    table, modules = _table(), _modules()
    assert len(table) == len(set(table)), "a module is listed twice"
    missing = sorted(set(modules) - set(table))
    assert not missing, f"add a row to ARCHITECTURE.md for {missing}"
    gone = sorted(set(table) - set(modules))
    assert not gone, f"ARCHITECTURE.md lists modules that do not exist: {gone}"


def test_imports_go_only_upwards_in_the_table() -> None:
    place = {name: k for k, name in enumerate(_table())}
    wrong = []
    for name, files in _modules().items():
        for path in files:
            for imported in _imported(path) - {name}:
                allowed = place[imported] < place[name] or imported in DOWNWARD.get(name, ())
                if not allowed:
                    wrong.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not wrong, "imports against ARCHITECTURE.md's order: " + "; ".join(wrong)


def test_each_row_names_what_its_module_imports() -> None:
    may = _may_import()
    wrong = []
    for name, files in _modules().items():
        allowed = may[name]
        imported = set().union(*map(_imported, files)) - {name}
        if allowed is not None and imported - allowed:
            wrong.append(f"{name} imports {sorted(imported - allowed)}")
    assert not wrong, "say so in ARCHITECTURE.md's 'may import' column: " + "; ".join(wrong)


def test_the_check_sees_imports() -> None:
    # The test above passes vacuously if _imported finds nothing: it must find these.
    assert _imported(PACKAGE / "training.py") == {"engine", "losses", "nn", "optim", "tape"}
    assert _imported(PACKAGE / "engine.py") == ENGINE_WIRING
    assert "gates" not in _imported(PACKAGE / "nodes.py")  # only for type checking there


def test_the_teaching_path_reads_in_one_sitting() -> None:
    lines = (PACKAGE / "engine.py").read_text(encoding="utf-8").count("\n")
    assert lines <= 350, f"engine.py has {lines} lines; move what is not Value or backward()"
