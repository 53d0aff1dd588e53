"""The notebooks: each .ipynb has its jupytext .py twin, in sync, and is committed with outputs.

(Running them is nbmake's job: pytest collects every notebook as a test of its own.)
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PAIRS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _cells(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_the_walkthroughs_are_there() -> None:
    # Read in this order.
    expected = [f"{n:02d}" for n in range(15)]
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


def _notebook_prefixes() -> list[str]:
    return [p.stem[:2] for p in PAIRS]


@pytest.mark.parametrize("prefix", _notebook_prefixes())
def test_every_notebook_asks_for_code_and_checks_each_of_its_exercises(prefix: str) -> None:
    from micrograd_notes.exercises import catalog

    mine = [ex for ex in catalog().values() if ex.notebook == prefix]
    assert any(ex.kind == "code" for ex in mine), f"notebook {prefix} has no code exercise"
    source = "".join(p.read_text(encoding="utf-8") for p in NOTEBOOKS.glob(f"{prefix}_*.py"))
    for ex in mine:  # each is asked in its notebook, under its own name, and checked there
        assert f'exercise("{ex.name}")' in source, f"{ex.name} is not checked in {prefix}"
        assert re.search(rf"^(def |class )?{ex.answer_name or ex.name}\b", source, re.M), ex.name


@pytest.mark.parametrize("twin", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py")), ids=lambda p: p.stem)
def test_a_notebook_stands_on_its_own(twin: Path) -> None:
    # The learner never sees the study notes the course grew from, nor an answer key.
    text = twin.read_text(encoding="utf-8")
    for words in (r"\bthe notes\b", r"\bnotes? 00\d\b", r"\bseed 00\d\b", r"\bseeds/"):
        assert not re.search(words, text, re.IGNORECASE), f"{twin.name}: {words}"
    assert not re.search(r"^# #+ Answers", text, re.MULTILINE), (
        f"{twin.name} has an Answers section"
    )


@pytest.mark.parametrize("twin", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py")), ids=lambda p: p.stem)
def test_a_notebook_refers_back_only_to_earlier_notebooks(twin: Path) -> None:
    number = int(twin.stem[:2])
    text = twin.read_text(encoding="utf-8")
    for later in re.findall(r"\bnotebooks? (\d\d)\b", text):
        assert int(later) < number, f"{twin.name} points ahead to notebook {later}"
