"""Build the static site: the backprop playground, the training lab and the notebooks as pages.

    python web/build.py            # writes site/ (then: python -m http.server -d site)
    python web/build.py --out DIR

Everything the site needs at run time is copied into it: Pyodide (CPython compiled to
WebAssembly) and viz.js (Graphviz compiled to WebAssembly) from the npm registry (installed
into web/node_modules by `npm ci` when missing), this project's wheel and the pure-Python
`graphviz` wheel it imports, the lab's toy datasets, the playground and the lab, and each
notebook rendered to HTML with its committed outputs. The built folder can be served by any
static file server.
"""

from __future__ import annotations

import argparse
import functools
import html
import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

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
PAGES = [
    "playground.html",
    "playground.js",
    "exercises.js",
    "lab.html",
    "lab.js",
    "site.js",
    "charts.js",
    "needs-server.js",
    "worker.js",
    "style.css",
    "bridge.py",
    "lab.py",
]


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
    version installed here), in out/wheels/; their names."""
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
    return sorted(path.name for path in wheels.glob("*.whl"))


# What the worker fetches while Python starts (the scripts it imports are not counted).
STARTUP_FETCHES = [
    "vendor/pyodide/pyodide.asm.wasm",
    "vendor/pyodide/python_stdlib.zip",
    "vendor/pyodide/pyodide-lock.json",
    "bridge.py",
    "lab.py",
]


def startup_json(out: Path, wheels: list[str]) -> str:
    """The wheels for the worker to unpack, and how many bytes its start fetches in all, so
    the loading screen can say how far it has got."""
    files = [*STARTUP_FETCHES, *(f"wheels/{name}" for name in wheels)]
    return json.dumps({"wheels": wheels, "bytes": sum((out / f).stat().st_size for f in files)})


@functools.cache
def load_lab() -> ModuleType:
    """web/lab.py, which names the datasets the lab offers and where the site keeps them."""
    spec = importlib.util.spec_from_file_location("micrograd_notes_web_lab", WEB / "lab.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def dataset_json(dataset: str, noise: float, seed: int) -> str:
    """One dataset as the lab trains on it: the points `micrograd_notes.data` makes (the page
    has no NumPy, so they are made here), as JSON, which keeps every float exactly."""
    from micrograd_notes import data

    makers = {
        "moons": data.make_moons,
        "circles": data.make_circles,
        "xor": data.make_xor,
        "spiral": functools.partial(data.make_spiral, classes=2),  # the lab has two classes
    }
    X, y = makers[dataset](load_lab().POINTS, noise=noise, seed=seed)
    return json.dumps({"points": X.tolist(), "labels": y.tolist()})


def write_datasets(out: Path) -> int:
    """Every dataset the lab offers, one file per dataset, noise level and seed; their bytes."""
    lab = load_lab()
    size = 0
    for dataset in lab.DATASETS:
        for noise in lab.NOISES:
            for seed in lab.SEEDS:
                path = out / lab.dataset_file(dataset, noise, seed)
                path.parent.mkdir(parents=True, exist_ok=True)
                size += path.write_text(dataset_json(dataset, noise, seed))
    return size


def notebook_title(path: Path) -> str:
    """A notebook's first Markdown heading, or its file name."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return path.stem


def first_sentence(markdown: str, limit: int = 150) -> str:
    """A Markdown cell's heading, or else its first sentence, as plain text (no #, `, * or
    link targets)."""
    text = re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", markdown)  # [words](link) -> words
    text = re.sub(r"[`*$]", "", text).strip()
    first = text.split("\n", 1)[0]
    if first.startswith("#"):
        sentence = first.lstrip("#").strip()
    else:
        paragraph = " ".join(text.split("\n\n", 1)[0].split())
        sentence = re.split(r"(?<=[a-z)][.!?])\s", paragraph, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def describe_images(notebook: Any) -> None:
    """Give each picture a notebook outputs an alternative text, unless it has one: what the
    Markdown just above it says (the notebooks introduce every figure there), and what kind of
    picture it is. Kept in ``output.metadata["alt"]`` for the page's template."""
    above = ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            above = first_sentence(cell.source)
            continue
        for output in cell.get("outputs", []):
            kinds = [kind for kind in output.get("data", {}) if kind.startswith("image/")]
            if not kinds or output.get("metadata", {}).get("alt"):
                continue
            kind = "Graph drawing" if kinds[0] == "image/svg+xml" else "Figure"
            output.setdefault("metadata", {})["alt"] = f"{kind}: {above}" if above else kind


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
        # No widgets run on the site: without their saved state, a widget's output shows the
        # static form it carries (show_steps' frames) instead of an empty box.
        notebook.metadata.pop("widgets", None)
        describe_images(notebook)
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
        (target / f"{path.stem}.html").write_text(body, encoding="utf-8")
        pages.append((f"notebooks/{path.stem}.html", title))
    return pages


def index_page(notebooks: list[tuple[str, str]], versions: dict[str, str]) -> str:
    """The site's front page: the playground and the lab first, then the walkthroughs."""
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
  forward and the backward pass, and check the grads against finite differences.</p>
  <h2><a href="lab.html" id="lab-link">The training lab</a></h2>
  <p>Train a small network on a toy dataset, live: choose the data, the layers, the
  activation and the learning rate, and watch each hidden unit, the weights, the decision
  boundary and the training and test loss as it learns.</p>
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
    write_datasets(out)
    for name in PAGES:
        shutil.copy2(WEB / name, out / name)
    (out / "startup.json").write_text(startup_json(out, wheels))
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
        f"built {summary['out']}: the playground, the lab, {summary['notebooks']} notebooks, "
        f"{summary['bytes'] / 1e6:.1f} MB; serve it with: python -m http.server -d {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
