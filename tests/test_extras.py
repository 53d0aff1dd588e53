"""The [demo] extra (matplotlib, tqdm): when it is missing, one line says how to install it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from micrograd_notes.cli import main
from micrograd_notes.extras import INSTALL, MissingExtra, require

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_require_imports_what_is_there() -> None:
    import matplotlib.pyplot

    assert require("matplotlib.pyplot") is matplotlib.pyplot


def test_require_names_the_missing_package_and_the_command(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    with pytest.raises(MissingExtra) as caught:
        require("matplotlib.pyplot")
    assert str(caught.value) == f"matplotlib is not installed: {INSTALL}"
    assert INSTALL == "pip install 'micrograd-notes[demo]'"
    assert isinstance(caught.value, ImportError)


def test_in_jupyter_it_is_one_line_not_a_traceback(monkeypatch, capsys) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    shell = InteractiveShell.instance()
    result = shell.run_cell(
        'from micrograd_notes.extras import require\nplt = require("matplotlib.pyplot")'
    )
    assert isinstance(result.error_in_exec, MissingExtra)
    shown = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(shown) == 1 and INSTALL in shown[0], shown


@pytest.mark.parametrize("twin", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py")), ids=lambda p: p.stem)
def test_notebooks_check_for_matplotlib_before_importing_it(twin: Path) -> None:
    # The house style (figures.use_house_style) or extras.require says in one line how to
    # install matplotlib when it is missing: either must come before the first import of it.
    code = twin.read_text()
    first_import = re.search(r"^(import|from) matplotlib", code, re.MULTILINE)
    checks = [code.find(call) for call in ("use_house_style()", 'require("matplotlib')]
    checked = min((at for at in checks if at >= 0), default=-1)
    if first_import is None and checked < 0:
        return  # this notebook draws no plots
    assert checked >= 0, f"{twin.name} imports matplotlib without use_house_style() or require()"
    assert first_import is None or checked < first_import.start()


def test_the_demo_without_its_extra_says_so_in_one_line(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "o"
    assert main(["demo", "--out", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "micrograd-notes demo: error: the demo needs matplotlib, which is not installed: "
        f"{INSTALL}\n"
    )
    assert not out.exists()  # refused before anything was made
