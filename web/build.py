"""Build the static site: the backprop playground and the notebooks as pages.

    python web/build.py            # writes site/ (then: python -m http.server -d site)
    python web/build.py --out DIR

Everything the site needs at run time is copied into it: Pyodide (CPython compiled to
WebAssembly) and viz.js (Graphviz compiled to WebAssembly) from the npm registry (installed
into web/node_modules by `npm ci` when missing), this project's wheel and the pure-Python
`graphviz` wheel it imports, the toy datasets, the playground, and each notebook rendered to
HTML with its committed outputs. The built folder can be served by any static file server.
"""

from __future__ import annotations

import argparse
import html
import importlib.metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parent
ROOT = WEB.parent
sys.path.insert(0, str(ROOT))  # this tree's micrograd_notes, not another installed copy

# The files of each npm package that the site serves, from web/node_modules.
VENDOR = {
    "pyodide": [
        "pyodide.mjs",
        "pyodide.asm.mjs",
        "pyodide.asm.wasm",
        "python_stdlib.zip",
        "pyodide-lock.json",
        "package.json",
    ],
    "@viz-js/viz": ["dist/viz.js", "package.json"],
}
PAGES = ["playground.html", "playground.js", "worker.js", "style.css", "bridge.py"]
DATASETS = {"moons": "make_moons", "circles": "make_circles", "xor": "make_xor"}


class BuildError(RuntimeError):
    """A step of the build could not be done; the message says which and why."""


def npm_packages() -> dict[str, str]:
    """The npm packages the site copies in, with the exact versions web/package.json pins."""
    return dict(json.loads((WEB / "package.json").read_text())["dependencies"])


def installed_version(package: str) -> str | None:
    """The version of ``package`` in web/node_modules, or None when it is not there."""
    manifest = WEB / "node_modules" / package / "package.json"
    if not manifest.exists():
        return None
    return str(json.loads(manifest.read_text())["version"])


def ensure_npm_packages() -> None:
    """Run `npm ci` in web/ unless node_modules already holds the pinned versions."""
    if all(installed_version(name) == version for name, version in npm_packages().items()):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm is not installed: install Node.js (it brings npm), then build again")
    _run([npm, "ci", "--no-audit", "--no-fund"], "npm ci", cwd=WEB)


def _run(command: list[str], what: str, cwd: Path = ROOT, timeout: float = 600) -> None:
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:  # a stalled registry must not hang the build forever
        raise BuildError(f"{what} took longer than {timeout:g} s and was stopped") from None
    if done.returncode != 0:
        raise BuildError(f"{what} failed:\n{done.stdout}{done.stderr}")


def copy_vendor(out: Path) -> None:
    """Pyodide's core runtime and viz.js, from web/node_modules into out/vendor/."""
    for package, files in VENDOR.items():
        target = out / "vendor" / package.split("/")[-1]
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copy2(WEB / "node_modules" / package / name, target / Path(name).name)


def write_wheels(out: Path) -> list[str]:
    """This project's wheel, built from the tree, and the `graphviz` wheel (pure Python, the
    version installed here), in out/wheels/ with a list of them for the worker to unpack."""
    wheels = out / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # No build isolation: hatchling comes with the dev extra, so building needs no download.
    wheel = [*pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(wheels)]
    _run([*wheel, str(ROOT)], "building the wheel")
    graphviz = f"graphviz=={importlib.metadata.version('graphviz')}"
    _run(
        [*pip, "download", "--no-deps", "--only-binary=:all:", "--dest", str(wheels), graphviz],
        f"downloading the {graphviz} wheel",
    )
    names = sorted(path.name for path in wheels.glob("*.whl"))
    (wheels / "wheels.json").write_text(json.dumps(names))
    return names


def datasets_json() -> str:
    """The demo's datasets (100 points, seed 0) as JSON: the page trains on exactly the points
    `micrograd_notes.data` makes, with no NumPy in the browser."""
    from micrograd_notes import data

    sets = {}
    for name, function in DATASETS.items():
        X, y = getattr(data, function)(100, seed=0)
        sets[name] = {"points": X.tolist(), "labels": y.tolist()}
    return json.dumps(sets)


def notebook_title(path: Path) -> str:
    """A notebook's first Markdown heading, or its file name."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return path.stem


def write_notebooks(out: Path) -> list[tuple[str, str]]:
    """Each notebook as an HTML page with its committed outputs (nothing is run), through a
    template that loads no script from another site. Returns (file name, title) pairs."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_template_basedirs=[str(WEB)], template_name="notebook_page")
    target = out / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    pages = []
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        title = notebook_title(path)
        notebook = nbformat.read(path, as_version=4)
        notebook.metadata["title"] = title  # the page's <title>, else the file name
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
        (target / f"{path.stem}.html").write_text(body, encoding="utf-8")
        pages.append((f"notebooks/{path.stem}.html", title))
    return pages


def index_page(notebooks: list[tuple[str, str]], versions: dict[str, str]) -> str:
    """The site's front page: the playground first, then the walkthroughs in order."""
    items = "\n".join(
        f'    <li><a href="{html.escape(href)}">{html.escape(title)}</a></li>'
        for href, title in notebooks
    )
    made_with = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in versions.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>micrograd_notes: learn backprop in the browser</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="style.css">
</head>
<body>
<main class="narrow">
  <h1>micrograd_notes</h1>
  <p>Learn backpropagation by running a small scalar autodiff engine: the same Python package
  you can read and <code>pip install</code>, here running in your browser, with nothing to
  install.</p>
  <h2><a href="playground.html" id="playground-link">The backprop playground</a></h2>
  <p>Type an expression, see its graph with every node's data and grad, step through the
  backward pass, and train a small network on a toy dataset.</p>
  <h2>Walkthroughs</h2>
  <p>The notebooks, with their outputs, to read here or run with Jupyter.</p>
  <ol id="notebooks">
{items}
  </ol>
  <footer>Runs in the browser on {made_with}.</footer>
</main>
</body>
</html>
"""


def build(out: Path) -> dict[str, object]:
    """Build the whole site into ``out`` (emptied first); return what went in."""
    ensure_npm_packages()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_vendor(out)
    wheels = write_wheels(out)
    (out / "data").mkdir()
    (out / "data" / "datasets.json").write_text(datasets_json())
    for name in PAGES:
        shutil.copy2(WEB / name, out / name)
    notebooks = write_notebooks(out)
    versions = {f"{name.split('/')[-1]}": v for name, v in npm_packages().items()}
    (out / "index.html").write_text(index_page(notebooks, versions), encoding="utf-8")
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    return {"out": out, "wheels": wheels, "notebooks": len(notebooks), "bytes": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the static site (playground, notebooks).")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (site/)")
    args = parser.parse_args(argv)
    try:
        summary = build(args.out)
    except BuildError as err:
        print(f"web/build.py: error: {err}", file=sys.stderr)
        return 1
    print(
        f"built {summary['out']}: the playground, {summary['notebooks']} notebooks, "
        f"{summary['bytes'] / 1e6:.1f} MB; serve it with: python -m http.server -d {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
