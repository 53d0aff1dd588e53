"""The notebooks: each .ipynb has its jupytext .py twin, in sync, and is committed with outputs.

(Running them is nbmake's job: pytest collects every notebook as a test of its own.)
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PAIRS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _cells(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_the_walkthroughs_are_there() -> None:
    # Read in this order; 13 (higher order) is being written.
    expected = [f"{n:02d}" for n in (*range(13), 14)]
    assert [p.stem[:2] for p in PAIRS] == expected


@pytest.mark.parametrize("ipynb", PAIRS, ids=lambda p: p.stem)
def test_python_twin_matches_the_notebook(ipynb: Path) -> None:
    twin = ipynb.with_suffix(".py")
    assert twin.exists(), f"{twin.name} is missing: run `jupytext --sync {ipynb.name}`"
    assert _cells(jupytext.read(ipynb)) == _cells(jupytext.read(twin)), (
        f"{ipynb.name} and {twin.name} have drifted apart: edit one, then run "
        f"`jupytext --sync notebooks/{twin.name}` and re-execute the notebook"
    )


@pytest.mark.parametrize("ipynb", PAIRS, ids=lambda p: p.stem)
def test_notebook_is_committed_with_its_outputs(ipynb: Path) -> None:
    code = [c for c in jupytext.read(ipynb).cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code), "re-execute before committing"
    assert any(c.outputs for c in code)
