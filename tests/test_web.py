"""The playground in a real browser: the site is built, served on 127.0.0.1, and driven in
headless Chromium (the system's, through Playwright).

Without Chromium, Playwright or the site's npm packages these tests skip and say why; with
MICROGRAD_NOTES_REQUIRE_BROWSER=1 (CI sets it) they fail instead, so CI cannot skip them.
Screenshots go to tmp_path, or to $MICROGRAD_NOTES_SCREENSHOTS when it names a folder.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from helpers import balanced_sum, load_script

from micrograd_notes import cli, data
from micrograd_notes.demo import train
from micrograd_notes.expr import parse
from micrograd_notes.nn import MLP
from micrograd_notes.viz import _fmt, trace_backward

ROOT = Path(__file__).resolve().parent.parent
build = load_script(ROOT / "web" / "build.py", "micrograd_notes_web_build")

CHROMIUM = os.environ.get("MICROGRAD_NOTES_CHROMIUM") or shutil.which("chromium") or ""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # a container's small /dev/shm crashes renderers
]
LINK = "playground.html?expr=tanh(x*w%20%2B%20b)%20*%20x&x=2&w=-3&b=6.88"
LOAD_TIMEOUT = 180_000  # ms: Pyodide on a busy 2-core machine; it usually takes seconds
CURRENT = "#ff9f80"  # viz.COLOURS["current"]: the node a backward step is at


def unavailable(reason: str) -> None:
    """Skip with the reason, or fail where the browser tests must run (CI)."""
    if os.environ.get("MICROGRAD_NOTES_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests cannot run: {reason} (MICROGRAD_NOTES_REQUIRE_BROWSER=1)")
    pytest.skip(f"browser tests: {reason}")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built from this tree by web/build.py, as a learner would."""
    if not CHROMIUM or not Path(CHROMIUM).exists():
        unavailable("no Chromium (Debian: apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    pinned = build.npm_packages()
    if any(build.installed_version(n) != v for n, v in pinned.items()) and not shutil.which("npm"):
        unavailable("the site's npm packages are missing and npm is not installed")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, str(ROOT / "web" / "build.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    # Module scripts and WebAssembly must be served with their types, whatever this
    # machine's mime.types says.
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The site served on 127.0.0.1, on a free port."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(site: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page of the site in its own browser context, with every request that would leave
    the site refused and recorded, and the page's errors kept."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1300, "height": 1100})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(LOAD_TIMEOUT)  # every wait: a loaded 2-core machine is slow
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.base_url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path: str) -> Any:
        self.page.goto(self.base_url + path)
        return self.page

    def open_playground(self, path: str = LINK) -> Any:
        page = self.open(path)
        page.wait_for_selector("#status[data-ready]", timeout=LOAD_TIMEOUT)
        page.wait_for_selector("#graph svg", timeout=LOAD_TIMEOUT)
        return page


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    v = Visit(browser, base_url)
    yield v
    v.context.close()


@pytest.fixture(scope="module")
def playground(browser: Any, base_url: str) -> Iterator[Visit]:
    """One loaded playground, shared by the tests that type into it (Python loads once)."""
    v = Visit(browser, base_url)
    v.open_playground("playground.html")
    yield v
    v.context.close()


def screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MICROGRAD_NOTES_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def draw(page: Any, expr: str, values: str) -> None:
    """Type an expression and its values, press Draw, wait for the answer."""
    page.evaluate("document.getElementById('value-line').textContent = ''")
    page.evaluate("document.getElementById('error').textContent = ''")
    page.fill("#expr", expr)
    page.fill("#values", values)
    page.click("#draw")
    page.wait_for_function(
        "document.getElementById('error').textContent"
        " || document.getElementById('value-line').textContent",
        timeout=LOAD_TIMEOUT,
    )


def highlighted(page: Any) -> list[str]:
    """The Graphviz ids (v0, v1, ...) of the nodes drawn in the 'current step' colour."""
    return page.eval_on_selector_all(
        "#graph g.node",
        f"""nodes => nodes
            .filter(n => [...n.querySelectorAll('polygon, path')]
                .some(s => s.getAttribute('fill') === '{CURRENT}'))
            .map(n => n.querySelector('title').textContent)
            .filter(name => !name.startsWith('legend_'))""",  # the colour key is not the graph
    )


# ---- the tests -------------------------------------------------------------------------------


def test_a_shared_link_shows_its_graph_and_the_engines_grads(visit: Visit, tmp_path) -> None:
    page = visit.open_playground(LINK)
    assert page.input_value("#expr") == "tanh(x*w + b) * x"
    assert page.input_value("#values") == "x=2 w=-3 b=6.88"
    trace = trace_backward(parse("tanh(x*w + b) * x", {"x": 2.0, "w": -3.0, "b": 6.88}))
    rows = page.eval_on_selector_all(
        "#nodes tbody tr",
        "rows => rows.map(r => [r.dataset.name,"
        " ...[...r.cells].slice(2).map(c => c.dataset.value)])",
    )
    assert [row[0] for row in rows] == [trace.name(i) for i in range(len(trace.nodes))]
    for (_, data_text, grad_text), node in zip(rows, trace.nodes):
        assert float(data_text) == pytest.approx(node.data, rel=1e-12)
        assert float(grad_text) == pytest.approx(node.grad, rel=1e-12, abs=1e-15)
    # The picture is the package's drawing: one box per Value, one oval per gate, and each
    # box's data and grad as viz writes them.
    svg_text = page.text_content("#graph svg")
    ops = sum(not node.is_leaf for node in trace.nodes)
    titles = page.eval_on_selector_all(
        "#graph g.node", "nodes => nodes.map(n => n.querySelector('title').textContent)"
    )
    graph = [t for t in titles if not t.startswith("legend_")]
    assert len(graph) == len(trace.nodes) + ops
    assert "colours" in svg_text and len(titles) > len(graph)  # and the key to its colours
    for node in trace.nodes:
        assert f"grad {_fmt(node.grad)}" in svg_text
    assert visit.outside == [] and visit.errors == []  # nothing but the site itself
    screenshot(page, "playground_link", tmp_path)


def test_the_slider_steps_through_backward(playground: Visit, tmp_path) -> None:
    page = playground.page
    draw(page, "tanh(x*w + b)", "x=2, w=-3, b=6.88")
    trace = trace_backward(parse("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.88}))
    assert page.get_attribute("#step", "max") == str(len(trace.steps))
    assert highlighted(page) == []  # after backward(): no step is highlighted
    seen = []
    for k, step in enumerate(trace.steps, start=1):
        page.fill("#step", str(k))  # moving the slider fires its input event
        page.wait_for_function(
            f"document.getElementById('step-table').dataset.node === {trace.name(step.node)!r}"
        )
        assert highlighted(page) == [f"v{step.node}"]
        cells = page.eval_on_selector_all(
            "#step-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
        )
        assert cells == [row for row in trace.rows() if row[0] == str(k)]
        seen.append(highlighted(page)[0])
    assert len(set(seen)) == len(seen)  # each step highlights another node
    page.fill("#step", "2")
    screenshot(page, "playground_step_2", tmp_path)


@pytest.mark.parametrize(
    ("expr", "values"),
    [
        ("tanh(x*w +", "x=2 w=1"),
        ("__import__('os')", ""),
        ("log(x)", "x=-1"),
        ("x * y", "x=1"),
        (balanced_sum(2048), "x=0.5"),  # 2,048 nodes: over the drawing limit
    ],
    ids=["syntax", "refused", "log-negative", "no-value", "too-big"],
)
def test_bad_input_shows_the_clis_message(
    playground: Visit, expr: str, values: str, capsys, tmp_path
) -> None:
    page = playground.page
    draw(page, expr, values)
    assert cli.main(["draw", expr, *values.split(), "-o", str(tmp_path / "g.dot")]) == 2
    expected = capsys.readouterr().err.strip().removeprefix("micrograd-notes draw: error: ")
    assert page.is_visible("#error")
    if "--max-nodes" in expected:  # the same problem; the command names its own option for it
        assert page.inner_text("#error").split(":")[0] == expected.split(":")[0]
        screenshot(page, "playground_too_big", tmp_path)
    else:
        assert page.inner_text("#error") == expected
    assert page.locator("#nodes tbody tr").count() == 0  # no earlier graph beside the error
    assert page.inner_html("#graph") == ""


def test_an_absurdly_nested_expression_leaves_the_page_working(visit: Visit) -> None:
    # 3,000 nested minus signs can overflow WebAssembly's stack inside Python's own parser,
    # which Pyodide cannot survive: the page then says so in one line and restarts Python.
    page = visit.open_playground("playground.html")
    draw(page, "-" * 3000 + "x", "x=1")
    message = page.inner_text("#error")
    assert message and "\n" not in message
    page.wait_for_selector("#status[data-ready]", timeout=LOAD_TIMEOUT)
    draw(page, "x * y", "x=3 y=4")
    assert page.inner_text("#value-line") == "x * y = 12"
    assert page.locator("#nodes tbody tr").count() == 3
    assert visit.errors == []


def test_training_reaches_the_demos_accuracy(playground: Visit, tmp_path) -> None:
    page = playground.page
    X, y = data.make_moons(100, seed=0)
    history = train(MLP(2, [16, 16, 1], seed=0), X, (2.0 * y - 1.0).tolist(), 100, progress=False)
    page.click("#reset")
    page.select_option("#dataset", "moons")
    page.fill("#train-steps", "100")
    page.click("#train")
    page.wait_for_selector('#train-status[data-finished="true"]', timeout=LOAD_TIMEOUT)
    assert page.inner_text("#train-step") == "100"
    assert page.inner_text("#train-accuracy") == f"{round(history.accuracy[-1] * 100)}%"
    assert page.inner_text("#train-loss") == f"{history.loss[-1]:.4f}"  # the same run
    screenshot(page, "playground_trained", tmp_path)


def test_training_stops_resets_and_never_blocks_the_page(playground: Visit) -> None:
    page = playground.page
    page.click("#reset")
    page.fill("#train-steps", "1000")
    page.click("#train")
    page.wait_for_function("Number(document.getElementById('train-step').textContent) >= 2")
    # While it trains, the graph panel still answers: the worker takes messages between steps.
    draw(page, "x * y", "x=3 y=4")
    assert page.inner_text("#value-line") == "x * y = 12"
    assert int(page.inner_text("#train-step")) < 1000
    page.click("#stop")
    page.wait_for_function("document.getElementById('train').textContent === 'Resume'")
    stopped_at = page.inner_text("#train-step")
    draw(page, "x + y", "x=3 y=4")  # a round trip through the worker, after the stop
    assert page.inner_text("#train-step") == stopped_at
    page.click("#reset")
    page.wait_for_function("document.getElementById('train-step').textContent === '0'")
    assert page.inner_text("#train-loss") == "–"
    assert playground.outside == [] and playground.errors == []


def test_the_index_links_the_playground_and_every_notebook(visit: Visit, tmp_path) -> None:
    page = visit.open("index.html")
    assert page.get_attribute("#playground-link", "href") == "playground.html"
    links = page.eval_on_selector_all("#notebooks a", "as => as.map(a => a.getAttribute('href'))")
    notebooks = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert links == [f"notebooks/{path.stem}.html" for path in notebooks]
    screenshot(page, "index", tmp_path)
    with page.expect_navigation():
        page.click("#notebooks a >> nth=0")
    assert page.url == visit.base_url + links[0]
    # The committed outputs are there to read, with nothing run and nothing fetched elsewhere.
    assert page.locator(".jp-OutputArea-output").count() > 0
    assert page.get_attribute("nav.site-nav a >> nth=1", "href") == "../playground.html"
    screenshot(page, "notebook_01", tmp_path)
    assert visit.outside == [] and visit.errors == []
