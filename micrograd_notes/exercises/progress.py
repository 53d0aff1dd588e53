"""A learner's progress: which exercises of a notebook (or a Python file) are right.

``grade_file(path)`` runs the file's code in a subprocess, the way the notebook would run it,
and grades each answer it finds under an exercise's name: the exercises of the file's notebook
(from the two digits its name starts with) and any other exercise whose answer it defines.
It is the learner's own code, so there is no sandbox, only what keeps a run from hanging or
making a mess: a time limit, matplotlib's non-interactive backend, no input, its output
discarded. Code that raises, or a run that times out, is one line, and the answers defined
before it are still graded.
"""

from __future__ import annotations

import json
import linecache
import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from micrograd_notes.exercises.core import (
    Exercise,
    Grade,
    TimeUp,
    catalog,
    describe_error,
    learner_line,
    one_line,
)

MAX_BYTES = 50_000_000  # a notebook with its pictures is a few MB; a bigger file is not one


class FileProblem(Exception):
    """The file cannot be graded: missing, a folder, not a notebook, not text (one line)."""


@dataclass
class Report:
    """Each exercise graded, and the error that stopped the learner's code, if one did."""

    grades: list[tuple[Exercise, Grade]] = field(default_factory=list)
    error: str | None = None


def read_cells(path: Path) -> list[tuple[str, str]]:
    """The code to run, as (label, source) pairs: each code cell of a notebook ("cell 7",
    counting every cell from 1 as Jupyter shows them), or a Python file whole."""
    if not path.exists():
        raise FileProblem(f"no such file: {path}")
    if path.is_dir():
        raise FileProblem(f"{path} is a folder: give a notebook (.ipynb) or a Python file (.py)")
    if path.suffix not in (".ipynb", ".py"):
        raise FileProblem(f"{path} is not a notebook (.ipynb) or a Python file (.py)")
    if path.stat().st_size > MAX_BYTES:
        raise FileProblem(f"{path} is over {MAX_BYTES // 1_000_000} MB: too big to be a notebook")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FileProblem(f"{path} is not text (UTF-8)") from None
    except OSError as err:
        raise FileProblem(f"cannot read {path}: {err.strerror or err}") from None
    if path.suffix == ".py":
        return [(str(path), text)]
    try:
        cells = json.loads(text)["cells"]
        return [
            (f"cell {i}", _source(cell["source"]))
            for i, cell in enumerate(cells, start=1)
            if cell["cell_type"] == "code"
        ]
    except (ValueError, KeyError, TypeError) as err:
        why = f"{type(err).__name__}: {err}"[:80]
        raise FileProblem(f"{path} is not a Jupyter notebook ({why})") from None


def _source(source: Any) -> str:
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise TypeError("a cell's source is not text")


def notebook_of(path: Path) -> str | None:
    """The notebook's two digits ("08" for 08_from_scalars_to_matrices.ipynb), or None."""
    found = re.match(r"(\d\d)_", path.name)
    return found.group(1) if found else None


def grade_file(path: Path, timeout: float = 120.0) -> Report:
    """Run the code of ``path`` in a subprocess and grade the answers it defines.

    Raises ``FileProblem`` when the file cannot be read as code, and ``TimeoutError`` when
    the run takes longer than ``timeout`` seconds (it is stopped).
    """
    cells = read_cells(path)
    exercises = catalog()
    with tempfile.TemporaryDirectory(prefix="micrograd-notes-") as scratch:
        payload, result = Path(scratch, "payload.json"), Path(scratch, "result.json")
        payload.write_text(json.dumps({"cells": cells, "notebook": notebook_of(path)}))
        env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-m", __name__, str(payload), str(result)]
        with open(Path(scratch, "stderr.txt"), "w+b") as stderr:
            child = subprocess.Popen(
                command,
                cwd=path.resolve().parent,  # the code finds the files next to it, as in Jupyter
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,  # one process group: stopping it stops its children
            )
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _stop(child)
                raise TimeoutError(f"{path} did not finish within {timeout:g} s") from None
            except KeyboardInterrupt:  # its own session does not see the terminal's Ctrl-C
                _stop(child)
                raise
            if not result.exists():  # it died: os._exit(), a crash, out of memory
                stderr.seek(max(0, stderr.seek(0, os.SEEK_END) - 4096))
                last = stderr.read().decode(errors="replace").strip().splitlines()[-1:]
                said = f": {last[0][:120]}" if last else ""
                return Report(error=f"the run ended with exit code {child.returncode}{said}")
        found = json.loads(result.read_text())
    report = Report(error=found["error"])
    for name, status, message in found["grades"]:
        report.grades.append((exercises[name], Grade(status, message)))
    return report


STATUS_WORDS = {"right": "right", "wrong": "wrong", "not answered": "not answered yet"}


def format_catalog(exercises: dict[str, Exercise]) -> str:
    """Every exercise on a line: its notebook, kind, name and what it asks."""
    width = max((len(name) for name in exercises), default=0)
    lines = ["notebook  kind    name" + " " * (width - 2) + "what"]
    lines += [
        f"{ex.notebook:<8}  {ex.kind:<6}  {ex.name:<{width}}  {ex.title}"
        for ex in exercises.values()
    ]
    return "\n".join(lines)


def format_report(path: Path, report: Report) -> str:
    """A line for the file, then a line per exercise: right, wrong (and why), not answered."""
    right = sum(grade.status == "right" for _, grade in report.grades)
    lines = [f"{path}: {right} of {len(report.grades)} exercises right"]
    width = max((len(ex.name) for ex, _ in report.grades), default=0)
    for ex, grade in report.grades:
        said = grade.message if grade.status == "wrong" else ""
        lines.append(
            f"  {STATUS_WORDS[grade.status]:<16}  {ex.notebook} {ex.kind:<6}  {ex.name:<{width}}"
            + (f"  {said}" if said else "")
        )
    return "\n".join(line.rstrip() for line in lines)


def _stop(child: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups here (Windows), or already gone
        child.kill()
    child.wait()


# ---- in the subprocess ------------------------------------------------------------------------


def run_code(source: str, filename: str, namespace: dict[str, Any]) -> str | None:
    """Run the learner's ``source`` in ``namespace`` as the file ``filename`` (``<cell 7>`` for
    a notebook's cell): None, or one line saying what stopped it, and where
    (``SyntaxError: invalid syntax at cell 7, line 2: def f(:``)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        exec(compile(source, filename, "exec"), namespace)
    except SyntaxError as err:
        cell = f"{filename[1:-1]}, " if filename.startswith("<cell ") else ""
        text = one_line((err.text or "").strip(), limit=80)
        return f"SyntaxError: {err.msg} at {cell}line {err.lineno}" + (f": {text}" if text else "")
    except (KeyboardInterrupt, TimeUp):
        raise
    except BaseException as err:  # SystemExit too
        return f"{describe_error(err)}{learner_line(err)}"
    return None


def answer_in(namespace: dict[str, Any], ex: Exercise) -> Any:
    """The learner's answer to ``ex`` in the namespace their code ran in: ``...`` when there
    is none, or when it was imported rather than written (the package's own
    topological_order, ...)."""
    answer = namespace.get(ex.answer_name, ...)
    return answer if answer is ... or _defined_here(answer) else ...


def _run_and_grade(cells: list[tuple[str, str]], notebook: str | None) -> dict[str, Any]:
    """Run the cells in one namespace, stopping at the first error; grade what is defined."""
    namespace: dict[str, Any] = {"__name__": "__main__", "display": lambda *a, **k: None}
    error = None
    for label, source in cells:
        is_cell = label.startswith("cell ")
        filename = f"<{label}>" if is_cell else label
        error = run_code(_without_magics(source) if is_cell else source, filename, namespace)
        if error:
            break
    grades = []
    for ex in catalog().values():
        answer = answer_in(namespace, ex)
        if ex.notebook == notebook or answer is not ...:
            grade = ex.grade(answer)
            grades.append((ex.name, grade.status, grade.message))
    return {"error": error, "grades": grades}


def _defined_here(answer: Any) -> bool:
    """False for a function or class that the learner's code imported rather than wrote."""
    if callable(answer) and hasattr(answer, "__module__"):
        return bool(answer.__module__ == "__main__")
    return True


def _without_magics(source: str) -> str:
    """IPython's ``%magic`` and ``!shell`` lines become ``pass`` (line numbers kept); a cell
    magic (``%%time``) on the first line is dropped."""
    lines = source.splitlines()
    if lines and lines[0].startswith("%%"):
        lines[0] = ""
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            lines[i] = line[: len(line) - len(stripped)] + "pass"
    return "\n".join(lines) + "\n"


def _main(payload: str, result: str) -> None:
    task = json.loads(Path(payload).read_text())
    found = _run_and_grade([tuple(cell) for cell in task["cells"]], task["notebook"])
    Path(result).write_text(json.dumps(found))


if __name__ == "__main__":
    _main(*sys.argv[1:3])
