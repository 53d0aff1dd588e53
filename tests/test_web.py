"""The site in a real browser: the playground, the training lab and the notebook pages. The
site is built, served on 127.0.0.1, and driven in headless Chromium (the system's, through
Playwright).

Without Chromium, Playwright or the site's npm packages these tests skip and say why; with
MICROGRAD_NOTES_REQUIRE_BROWSER=1 (CI sets it) they fail instead, so CI cannot skip them.
Screenshots go to tmp_path, or to $MICROGRAD_NOTES_SCREENSHOTS when it names a folder.
"""

from __future__ import annotations

import functools
import http.server
import itertools
import math
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from helpers import ORDER, RECURSIVE, SOFTPLUS, balanced_sum, load_script

from micrograd_notes import cli
from micrograd_notes.exercises import core, exercise
from micrograd_notes.expr import parse
from micrograd_notes.viz import _fmt, trace_backward

ROOT = Path(__file__).resolve().parent.parent
build = load_script(ROOT / "web" / "build.py", "micrograd_notes_web_build")


@functools.cache
def lab_py() -> Any:
    """web/lab.py, to run the lab's training in CPython beside the page."""
    return load_script(ROOT / "web" / "lab.py", "micrograd_notes_web_lab")


@functools.cache
def bridge_py() -> Any:
    """web/bridge.py, to check a learner's code in CPython beside the page."""
    return load_script(ROOT / "web" / "bridge.py", "micrograd_notes_web_bridge_beside")


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
LAB = "lab.html"
CIRCLES = "?dataset=circles&layers=8&activation=tanh&lr=0.1&test=0.3&steps=300"
# ms: Pyodide on a busy 2-core machine; it usually takes seconds
LOAD_TIMEOUT = int(os.environ.get("MICROGRAD_NOTES_BROWSER_TIMEOUT", "180000"))
CURRENT = "#ff9f80"  # viz.COLOURS["current"]: the node a step is at


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

    def __init__(self, browser: Any, base_url: str, **context: Any) -> None:
        self.base_url = base_url
        self.context = browser.new_context(
            **{"viewport": {"width": 1300, "height": 1100}, **context}
        )
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.missing: list[str] = []  # 404s
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(LOAD_TIMEOUT)  # every wait: a loaded 2-core machine is slow
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("response", lambda r: r.status == 404 and self.missing.append(r.url))

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

    def open_lab(self, query: str = "") -> Any:
        page = self.open(LAB + query)
        page.wait_for_selector("#status[data-ready]", timeout=LOAD_TIMEOUT)
        page.wait_for_selector("#boundary image", timeout=LOAD_TIMEOUT)
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


@pytest.fixture(scope="module")
def lab(browser: Any, base_url: str) -> Iterator[Visit]:
    """One loaded lab, opened from the circles link, shared by the lab's tests."""
    v = Visit(browser, base_url)
    v.open_lab(CIRCLES)
    yield v
    v.context.close()


def screenshot(page: Any, name: str, tmp_path: Path, part: Any = None) -> Path:
    """The whole page, or ``part`` of it (a selector or a locator), as ``name``.png."""
    folder = Path(os.environ.get("MICROGRAD_NOTES_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if part is not None:
        (page.locator(part) if isinstance(part, str) else part).screenshot(path=str(path))
    else:
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


def smallest_text_px(page: Any, selector: str) -> float:
    """The smallest text under ``selector`` as it is drawn on the screen, in CSS pixels."""
    return page.eval_on_selector_all(
        f"{selector} text",
        """texts => texts.length === 0 ? 0 : Math.min(...texts.map(t => {
            const size = parseFloat(t.getAttribute('font-size') ?? getComputedStyle(t).fontSize);
            const m = t.getScreenCTM();
            return size * Math.hypot(m.a, m.b);
        }))""",
    )


def page_width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def record_text_changes(page: Any, element_id: str) -> None:
    """Keep every text ``#element_id`` shows from now on, in window.__seen."""
    page.evaluate(
        """id => {
            window.__seen = [];
            const node = document.getElementById(id);
            new MutationObserver(() => window.__seen.push(node.textContent))
                .observe(node, {childList: true, characterData: true, subtree: true});
        }""",
        element_id,
    )


def contrast(colour: str) -> float:
    """The contrast ratio of a #rrggbb colour against white (WCAG 2)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


# ---- the playground ---------------------------------------------------------------------------


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


def test_tracking_parameters_and_a_raw_plus_in_a_link(visit: Visit) -> None:
    # Issue 24, bug 3: `&fbclid=` gave "not a number", a raw + read as a space.
    page = visit.open_playground("playground.html?expr=x+y&x=1&y=2&fbclid=IwAR0abc&utm_source=s")
    assert page.inner_text("#value-line") == "x+y = 3"
    assert not page.is_visible("#error")
    assert page.url.endswith("playground.html?expr=x%2By&x=1&y=2")  # the address is tidied


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


def test_the_forward_stepper_computes_one_gate_at_a_time(playground: Visit, tmp_path) -> None:
    page = playground.page
    draw(page, "tanh(x*w + b)", "x=2 w=-3 b=6.88")
    trace = trace_backward(parse("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.88}))
    order = [i for i, node in enumerate(trace.nodes) if not node.is_leaf]  # as computed
    assert page.get_attribute("#fstep", "max") == str(len(order))
    for k in range(1, len(order) + 1):
        page.fill("#fstep", str(k))
        page.wait_for_function(
            "document.getElementById('step-table').dataset.pass === 'forward' && "
            f"document.getElementById('step-table').dataset.node === {trace.name(order[k - 1])!r}"
        )
        assert highlighted(page) == [f"v{order[k - 1]}"]
        unknown = page.text_content("#graph svg").count("data ?")
        assert unknown == len(order) - k  # the gates not computed yet
        cells = page.eval_on_selector_all(
            "#step-table tbody td", "cells => cells.map(c => c.textContent)"
        )
        assert cells[1:3] == [trace.name(order[k - 1]), trace.nodes[order[k - 1]].op]
        assert cells[4] == _fmt(trace.nodes[order[k - 1]].data)
    page.fill("#fstep", "1")
    page.wait_for_function("document.getElementById('step-table').dataset.node === '*#2'")
    screenshot(page, "playground_forward_step_1", tmp_path, "#graph-panel")


def test_every_name_in_the_step_tables_is_drawn(playground: Visit) -> None:
    # Issue 24, bug 14: the step table named nodes (*#2) that no box in the graph showed.
    page = playground.page
    expr, values = "tanh(x*w + b) * x + 2 * exp(-x)", {"x": 0.5, "w": -3.0, "b": 1.0}
    draw(page, expr, "x=0.5 w=-3 b=1")
    trace = trace_backward(parse(expr, values))
    gates = [i for i, node in enumerate(trace.nodes) if not node.is_leaf]  # forward's order
    named = set()
    for stepper, kind, at, columns in [
        ("#step", "backward", [step.node for step in trace.steps], (1, 3)),  # node, parent
        ("#fstep", "forward", gates, (1,)),  # node
    ]:
        for k, i in enumerate(at, start=1):
            page.fill(stepper, str(k))
            page.wait_for_function(
                "([kind, name]) => document.getElementById('step-table').dataset.pass === kind"
                " && document.getElementById('step-table').dataset.node === name",
                arg=[kind, trace.name(i)],
            )
            rows = page.eval_on_selector_all(
                "#step-table tbody tr",
                "rows => rows.map(r => [...r.cells].map(c => c.textContent))",
            )
            drawn = set(
                page.eval_on_selector_all("#graph g.node text", "ts => ts.map(t => t.textContent)")
            )
            for row in rows:
                for column in columns:
                    assert row[column] in drawn, (kind, k, row[column], sorted(drawn))
                    named.add(row[column])
    assert {"*#2", "+#4", "tanh#5", "2", "x"} <= named  # unlabelled results, a constant, a leaf


def test_rows_and_boxes_find_each_other(playground: Visit) -> None:
    page = playground.page
    draw(page, "x*x + y", "x=3 y=1")
    trace = trace_backward(parse("x*x + y", {"x": 3.0, "y": 1.0}))
    linked = "nodes => nodes.filter(n => n.classList.contains('linked'))"
    for i in range(len(trace.nodes)):
        page.hover(f"#nodes tbody tr >> nth={i}")
        boxes = page.eval_on_selector_all(
            "#graph g.node", f"{linked}.map(n => n.querySelector('title').textContent)"
        )
        assert boxes == [f"v{i}"]
    page.focus("#nodes tbody tr >> nth=0")  # the keyboard too
    assert page.eval_on_selector_all("#graph g.node.linked title", "ts => ts.length") == 1
    # And the other way: pointing at a box marks its row.
    x_box = page.locator("#graph g.node", has=page.locator("title", has_text=re.compile("^v0$")))
    x_box.hover()
    rows = page.eval_on_selector_all("#nodes tbody tr", f"{linked}.map(r => r.dataset.name)")
    assert rows == ["x"]
    # A row of the step table is an edge: its two ends are marked, and no other edge.
    page.fill("#step", "1")  # the root, x*x + y, sends to x*x and to y
    page.wait_for_function("document.getElementById('step-table').dataset.node")
    page.hover("#step-table tbody tr >> nth=1")
    step = trace.steps[0]
    boxes = page.eval_on_selector_all(
        "#graph g.node", f"{linked}.map(n => n.querySelector('title').textContent)"
    )
    assert sorted(boxes) == sorted([f"v{step.node}", f"v{step.slots[1].parent}"])
    edges = page.eval_on_selector_all("#step-table tbody tr", f"{linked}.length")
    assert edges == 1


def test_the_gradcheck_button_compares_every_input(playground: Visit, tmp_path) -> None:
    page = playground.page
    draw(page, "tanh(x*w + b)", "x=2 w=-3 b=6.88")
    page.click("#check")
    page.wait_for_selector("#check-table:not([hidden])")
    rows = page.eval_on_selector_all(
        "#check-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert [(row[0], row[5]) for row in rows] == [("x", "yes"), ("w", "yes"), ("b", "yes")]
    for row in rows:
        assert float(row[2]) == pytest.approx(float(row[3]), rel=1e-6)
    assert "All 3 inputs agree" in page.inner_text("#check-summary")
    screenshot(page, "playground_gradcheck", tmp_path, ".check")
    # relu has no derivative at 0: backward() takes 0 where the differences see 1/2.
    draw(page, "relu(x) * y", "x=0 y=2")
    page.click("#check")
    page.wait_for_selector("#check-table:not([hidden])")
    rows = page.eval_on_selector_all(
        "#check-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert [(row[0], row[5]) for row in rows] == [("x", "NO"), ("y", "yes")]
    assert "Not every input agrees" in page.inner_text("#check-summary")


def test_the_gallery_draws_each_example(playground: Visit, tmp_path) -> None:
    page = playground.page
    examples = page.eval_on_selector_all("a.example", "as => as.map(a => a.textContent)")
    assert examples == [
        "reuse of a variable",
        "max routing",
        "a saturated tanh",
        "a vanishing product",
    ]
    for k, name in enumerate(examples):
        page.evaluate("document.getElementById('value-line').textContent = ''")
        page.click(f"a.example >> nth={k}")
        page.wait_for_function("document.getElementById('value-line').textContent")
        assert not page.is_visible("#error"), name
        assert page.url.split("?")[1] == page.get_attribute(f"a.example >> nth={k}", "href")[1:]
    # The last one teaches the chain rule's product: each sigmoid passes at most a quarter.
    x_grad = float(page.get_attribute("#nodes tbody tr >> nth=0 >> td >> nth=3", "data-value"))
    assert 0 < x_grad < 0.25**4
    screenshot(page, "playground_gallery", tmp_path, "#gallery")


@pytest.mark.parametrize(
    ("expr", "values"),
    [
        ("tanh(x*w +", "x=2 w=1"),
        ("__import__('os')", ""),
        ("log(x)", "x=-1"),
        ("x * y", "x=1"),
    ],
    ids=["syntax", "refused", "log-negative", "no-value"],
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


def test_messages_speak_the_pages_language(playground: Visit, tmp_path) -> None:
    # Issue 24, bug 10: advice named fused=True and --max-nodes; x^2 gave "BitXor"; a value
    # left over after deleting a term was an error.
    page = playground.page
    draw(page, balanced_sum(2048), "x=0.5")
    message = page.inner_text("#error")
    assert "the most the page draws" in message
    assert "fused" not in message and "--max-nodes" not in message
    screenshot(page, "playground_too_big", tmp_path)
    draw(page, "x^2", "x=3")
    assert "use ** for powers" in page.inner_text("#error")
    draw(page, "x * y", "x=3 y=4")
    draw(page, "x", "x=3 y=4")
    assert not page.is_visible("#error")
    assert page.inner_text("#value-line") == "x = 3"
    assert page.inner_text("#note") == "Not in the expression, so not used: y."


@pytest.mark.parametrize(
    "expr",
    [
        "-" * 3000 + "x",
        "+".join(["x"] * 1000),
        "+".join(["x"] * 10_000),
        "*".join(["x"] * 3000),
        "(" * 300 + "x" + ")" * 300,
    ],
    ids=["3000-minus", "1000-terms", "10000-terms", "3000-factors", "300-brackets"],
)
def test_an_absurdly_nested_expression_leaves_the_page_working(
    playground: Visit, expr: str
) -> None:
    # Issue 24, bug 1: these overflowed WebAssembly's stack inside Python's parser; Python was
    # restarted (6 s) and the typed expression replaced by the last good one.
    page = playground.page
    draw(page, expr, "x=1")
    message = page.inner_text("#error")
    assert message.startswith("the expression is too ") and "\n" not in message
    assert page.input_value("#expr") == expr  # the learner's text stays
    assert page.get_attribute("#status", "data-ready") == "true"  # Python never stopped
    draw(page, "x * y", "x=3 y=4")
    assert page.inner_text("#value-line") == "x * y = 12"
    assert page.locator("#nodes tbody tr").count() == 3
    assert playground.errors == []


def test_a_big_graph_can_be_zoomed_and_panned(playground: Visit, tmp_path) -> None:
    # Issue 24, bug 5: the picture was squeezed into the panel's width, a 100-term chain into
    # a hairline, and browser zoom could not help.
    page = playground.page
    draw(page, "+".join(["x"] * 100), "x=1")
    assert smallest_text_px(page, "#graph svg") >= 9
    box = page.eval_on_selector("#graph", "b => [b.scrollWidth, b.clientWidth]")
    assert box[0] > box[1]  # wider than its box: the box scrolls
    before = smallest_text_px(page, "#graph svg")
    page.click("#zoom-in")
    assert smallest_text_px(page, "#graph svg") == pytest.approx(before * 1.25, rel=0.01)
    # Drag to pan.
    left = page.eval_on_selector("#graph", "b => b.scrollLeft")
    bounds = page.locator("#graph").bounding_box()
    page.mouse.move(bounds["x"] + 300, bounds["y"] + 100)
    page.mouse.down()
    page.mouse.move(bounds["x"] + 100, bounds["y"] + 100, steps=5)
    page.mouse.up()
    assert page.eval_on_selector("#graph", "b => b.scrollLeft") == left + 200
    page.click("#zoom-fit")
    fitted = page.eval_on_selector("#graph", "b => [b.scrollWidth, b.clientWidth]")
    assert fitted[0] <= fitted[1]
    screenshot(page, "playground_zoom_fit", tmp_path, "#graph-panel")


def test_a_big_graph_steps_at_once_and_says_it_is_busy(playground: Visit) -> None:
    # Issue 24, bug 7: the first step of a 1,000-leaf sum took 20 s, with no sign of work.
    page = playground.page
    names = [f"x{i}" for i in range(1000)]
    terms = names
    while len(terms) > 1:
        terms = [f"({a}+{b})" for a, b in zip(terms[::2], terms[1::2])] + terms[len(terms) & ~1 :]
    draw(page, terms[0], " ".join(f"{n}=1" for n in names))
    assert page.inner_text("#value-line").endswith("= 1000")
    busy = page.evaluate(
        """() => { document.getElementById('next').click();
                   return document.getElementById('graph-panel').getAttribute('aria-busy'); }"""
    )
    assert busy == "true"  # said at once; "Working…" shows if the answer is slow
    page.wait_for_function("document.getElementById('step-table').dataset.node")
    assert page.get_attribute("#graph-panel", "aria-busy") is None
    assert not page.is_visible("#busy")
    assert page.inner_text("#step-label").startswith("1 of 999")


def test_stepping_never_moves_the_page(playground: Visit) -> None:
    # Issue 24, bug 14: the layout jumped between frames (titles and tables of other sizes).
    page = playground.page
    draw(page, "tanh(x*w + b) * x", "x=2 w=-3 b=6.88")
    where = """ids => ids.map(id => {
        const r = document.getElementById(id).getBoundingClientRect();
        return [id, Math.round(r.top + scrollY), Math.round(r.height)]; })"""
    ids = ["step", "graph", "nodes"]
    first = page.evaluate(where, ids)
    for k in [1, 2, 4, 0]:
        page.fill("#step", str(k))
        page.wait_for_function(
            f"document.getElementById('step-label').textContent[0] === '{k}'"
            f" || document.getElementById('step-title').textContent"
            f".startsWith('Step {k}:')"
        )
        page.wait_for_timeout(50)
        assert page.evaluate(where, ids) == first, k
    ids += ["fstep", "check"]
    first = page.evaluate(where, ids)
    for k in [1, 3, 0]:
        page.fill("#fstep", str(k))
        page.wait_for_function(f"document.getElementById('fstep-label').textContent[0] === '{k}'")
        page.wait_for_timeout(50)
        assert page.evaluate(where, ids) == first, k


def test_back_returns_to_the_previous_graph(playground: Visit) -> None:
    # Issue 24, bug 12: each edit replaced the history entry, so Back left the page.
    page = playground.page
    draw(page, "x + 1", "x=1")
    draw(page, "x * 5", "x=2")
    page.go_back()
    page.wait_for_function("document.getElementById('value-line').textContent === 'x + 1 = 2'")
    assert page.input_value("#expr") == "x + 1"
    page.go_forward()
    page.wait_for_function("document.getElementById('value-line').textContent === 'x * 5 = 10'")
    assert page.input_value("#values") == "x=2"


def test_the_graphs_controls_and_picture_have_accessible_names(playground: Visit) -> None:
    # Issue 24, bug 11: ◀ ▶ had no names; the graph exposed no text.
    page = playground.page
    draw(page, "tanh(x*w + b)", "x=2 w=-3 b=6.88")
    for name in [
        "previous backward step",
        "next backward step",
        "previous forward step",
        "next forward step",
        "zoom in",
        "zoom out",
    ]:
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name
    assert page.get_by_role("figure", name=re.compile(r"graph of tanh\(x\*w \+ b\)")).count() == 1


def test_the_labs_pictures_have_accessible_names(lab: Visit) -> None:
    # Issue 24, bug 11: the canvases exposed no text.
    page = lab.page
    assert page.get_by_role("img", name=re.compile(r"test accuracy \d+%")).count() == 1
    assert page.get_by_role("img", name=re.compile("hidden layers of 8 units")).count() == 1
    assert page.get_by_role("img", name=re.compile(r"Loss after step \d+")).count() == 1


def test_text_typed_while_python_loads_is_kept(visit: Visit) -> None:
    # Issue 24, bug 9: what the learner typed was replaced by the example when Python was ready.
    held: list[Any] = []
    visit.page.route("**/pyodide.asm.wasm", lambda route: held.append(route))  # held back
    page = visit.open("playground.html")
    page.fill("#expr", "x * 7")
    page.fill("#values", "x=6")
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    page.wait_for_selector("#status[data-ready]")
    page.wait_for_function("document.getElementById('value-line').textContent")
    assert page.input_value("#expr") == "x * 7"
    assert page.inner_text("#value-line") == "x * 7 = 42"


def test_loading_shows_its_progress(visit: Visit) -> None:
    # Issue 24, bug 13: the loading screen was one static line.
    visit.context.add_init_script(
        """window.__seen = [];
        document.addEventListener('DOMContentLoaded', () => {
            const node = document.getElementById('status');
            new MutationObserver(() => window.__seen.push(node.textContent))
                .observe(node, {childList: true, characterData: true, subtree: true});
        });"""
    )
    page = visit.open_playground("playground.html")
    seen = page.evaluate("window.__seen")
    amounts = [re.search(r"([\d.]+) of ([\d.]+) MB", text) for text in seen]
    counted = [float(m.group(1)) for m in amounts if m]
    assert len(set(counted)) >= 3 and counted == sorted(counted)  # bytes arriving, in order
    assert any(text.startswith("Installing micrograd_notes") for text in seen)
    assert seen[-1].startswith("Ready (Python loaded in")
    assert page.is_hidden("#load-progress")


def test_opened_from_a_file_the_page_says_to_serve_it(browser: Any, site: Path) -> None:
    # Issue 24, bug 8: from file:// the page said "Loading…" forever.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((site / "playground.html").as_uri())
        page.wait_for_selector("#status[data-needs-server]", timeout=20_000)
        assert "python3 -m http.server 8000" in page.inner_text("#status")
        assert "http://127.0.0.1:8000/playground.html" in page.inner_text("#status")
    finally:
        context.close()


def test_a_phone_shows_everything_without_sideways_scrolling(
    browser: Any, base_url: str, tmp_path
) -> None:
    # Issue 24, bug 4: on a 390 px phone the page was 459 px wide, graph text about 4 px and
    # the canvases blurry.
    phone = Visit(
        browser,
        base_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = phone.open_playground(LINK)
        assert page_width(page) <= 390
        assert smallest_text_px(page, "#graph svg") >= 9
        controls = page.eval_on_selector_all(
            "input, button, select, textarea",
            "els => els.map(e => e.getBoundingClientRect().right)",
        )
        assert max(controls) <= 390
        screenshot(page, "phone_playground", tmp_path)
        wait_for_exercises(page)
        # The code box takes a tap and typing, at a readable size; long lines scroll inside it.
        box = "#code-gate_backward"
        equals = SOFTPLUS.replace("a.grad +=", "a.grad =").rstrip()
        page.fill(box, equals)
        page.tap(box)
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")  # keeps the line's indentation
        page.keyboard.type("# typed on a phone")
        assert page.input_value(box) == equals + "\n        # typed on a phone"
        assert smallest_css_text_px(page, "#exercises") >= 12  # 9 pt
        assert page.eval_on_selector(box, "b => b.scrollWidth > b.clientWidth")
        said = check_code(page, "gate_backward")
        assert "used = where += is needed" in said
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        screenshot(page, "phone_exercises", tmp_path, "#exercises")
        page = phone.open_lab(CIRCLES)
        assert page_width(page) <= 390
        assert smallest_text_px(page, ".lab-pictures svg") >= 9
        sharp = page.eval_on_selector_all(
            "canvas", "cs => cs.every(c => c.width >= c.clientWidth * devicePixelRatio)"
        )
        assert sharp
        screenshot(page, "phone_lab", tmp_path)
        assert phone.errors == []
    finally:
        phone.context.close()


# ---- the exercises ----------------------------------------------------------------------------


def check_code(page: Any, name: str, source: str | None = None) -> str:
    """Put ``source`` in the exercise's code box (unless None), press its Check, and return
    the verdict's line once the worker has answered."""
    article = f"article[data-name={name}]"
    if source is not None:
        page.fill(f"{article} textarea", source)
    page.click(f"{article} .check-code")
    page.wait_for_function(
        f"document.querySelector('{article} .verdict').dataset.status !== 'checking'"
    )
    return page.inner_text(f"{article} .verdict")


def in_cpython(name: str, source: str) -> str:
    """The line the notebooks' checker gives ``source``, here in CPython."""
    return f"{name}: {bridge_py().check_exercise(name, source)['message']}"


def wait_for_exercises(page: Any) -> None:
    page.wait_for_function("!document.querySelector('article.exercise .check-code').disabled")


def test_the_exercises_say_what_the_notebooks_checker_says(playground: Visit, tmp_path) -> None:
    page = playground.page
    wait_for_exercises(page)
    for name in ["gate_backward", "topological_order"]:  # the starters, not yet answered
        assert page.input_value(f"#code-{name}") == exercise(name).starter
        assert check_code(page, name) == in_cpython(name, exercise(name).starter)
        assert "not answered yet" in page.inner_text(f"article[data-name={name}] .verdict")
    assert check_code(page, "gate_backward", SOFTPLUS) == "gate_backward: right"
    assert check_code(page, "topological_order", ORDER) == "topological_order: right"
    screenshot(page, "exercises_right", tmp_path, "#exercises")
    # Two named mistakes, each the notebooks' message: = for +=, and a child before its parent.
    equals = SOFTPLUS.replace("a.grad +=", "a.grad =")
    said = check_code(page, "gate_backward", equals)
    assert said == in_cpython("gate_backward", equals) and "used = where += is needed" in said
    swapped = ORDER.replace(
        "    return order\n", "    order[0], order[-1] = order[-1], order[0]\n    return order\n"
    )
    said = check_code(page, "topological_order", swapped)
    assert said == in_cpython("topological_order", swapped)
    assert "'f' (*) comes before its parent 'e' (*)" in said
    # And two more: the wrong derivative (e^x, softplus's own slope forgotten), a node twice.
    slope = SOFTPLUS.replace("out.grad / (1.0 + math.exp(-a.data))", "out.grad * math.exp(a.data)")
    said = check_code(page, "gate_backward", slope)
    assert said == in_cpython("gate_backward", slope)
    assert "that is e^x: the derivative of log(u) is 1/u, so divide by 1 + e^x" in said
    twice = ORDER.replace("    return order\n", "    return order + order[:1]\n")
    said = check_code(page, "topological_order", twice)
    assert said == in_cpython("topological_order", twice)
    assert "'b' (a leaf) appears twice: visit each node once" in said
    # Recursion fails on the 10,000-link chain (and freeing that chain leaves Python alive).
    said = check_code(page, "topological_order", RECURSIVE)
    assert "RecursionError" in said and "at line 7: visit(parent)" in said
    assert said.endswith("(reread 'And no recursion at all')")
    # The learner's code that does not run names its line.
    said = check_code(page, "gate_backward", SOFTPLUS.replace("(a,) =", "(a,) = ="))
    assert said.startswith("gate_backward: your code stopped: SyntaxError: ")
    assert said.endswith(" at line 8: (a,) = = out.parents")
    said = check_code(page, "topological_order", ORDER.replace("order, done", "order, dne"))
    assert said == in_cpython("topological_order", ORDER.replace("order, done", "order, dne"))
    assert "NameError: name 'done' is not defined at line 7: elif node not in done:" in said
    # A KeyboardInterrupt can only be the learner's here: one line, not a stuck "Checking…".
    said = check_code(page, "gate_backward", "raise KeyboardInterrupt\n")
    assert said == "gate_backward: your code stopped: KeyboardInterrupt at line 1: " + (
        "raise KeyboardInterrupt"
    )
    # A worker has no keyboard: input() reads the end of the input, in one line.
    said = check_code(page, "gate_backward", "name = input('your name? ')\n")
    assert (
        said
        == "gate_backward: your code stopped: EOFError: EOF when reading a line at line 1: "
        + ("name = input('your name? ')")
    )
    screenshot(page, "exercises_wrong", tmp_path, "#exercises")
    verdicts = page.get_by_role("status").filter(has_text="topological_order: ")
    assert verdicts.count() == 1  # announced to screen readers
    assert page.get_attribute("#status", "data-ready") == "true"  # Python never stopped
    assert playground.errors == [] and playground.outside == []


def smallest_css_text_px(page: Any, selector: str) -> float:
    """The smallest font size, in CSS pixels, of the text and text boxes under ``selector``."""
    return page.eval_on_selector_all(
        f"{selector} *",
        """els => Math.min(...els
            .filter(e => e.tagName === 'TEXTAREA' || [...e.childNodes]
                .some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
            .map(e => parseFloat(getComputedStyle(e).fontSize)))""",
    )


def test_the_exercises_text_is_at_least_9_points(playground: Visit) -> None:
    # The code in the panel's words (`Gate`, `exercise(name).check`) was 11.7 px: the
    # browser's smaller default for monospace, times the hint's 0.9em.
    page = playground.page
    wait_for_exercises(page)
    check_code(page, "gate_backward", SOFTPLUS)  # the verdict line shows too
    assert smallest_css_text_px(page, "#exercises") >= 12  # 9 pt


def test_an_endless_loop_is_stopped_and_the_page_works_after(visit: Visit) -> None:
    page = visit.open_playground(LINK)
    wait_for_exercises(page)
    # A loop of Python code: the checker's own time limit stops it (10 s), Python lives on;
    # in the code's top level, and in the function the checker calls.
    stopped = f"the check took longer than {core.TIME_LIMIT:g} s: does your code loop forever?"
    said = check_code(page, "topological_order", "while True: pass\n")
    assert said == "topological_order: " + stopped
    loop = "def topological_order(root):\n    while True:\n        pass\n"
    said = check_code(page, "topological_order", loop)
    assert said == "topological_order: " + stopped
    assert check_code(page, "topological_order", ORDER) == "topological_order: right"
    # A loop inside one call into C cannot be stopped from Python: the page starts a new one.
    stuck = "import itertools\nsum(itertools.count())\n"
    said = check_code(page, "gate_backward", stuck)
    assert said.startswith("gate_backward: Python stopped (the check of your code did not end")
    assert said.endswith("your code is kept. Does it loop forever?")
    assert page.input_value("#code-gate_backward") == stuck  # the learner's code is kept
    page.wait_for_selector("#status[data-ready]")
    page.wait_for_function("document.getElementById('value-line').textContent")
    assert page.inner_text("#value-line").startswith("tanh(x*w + b) * x = ")  # drawn again
    wait_for_exercises(page)
    assert check_code(page, "gate_backward", SOFTPLUS) == "gate_backward: right"
    assert visit.errors == []


def test_the_code_box_works_by_keyboard_and_keeps_the_code(visit: Visit) -> None:
    page = visit.open_playground("playground.html")
    wait_for_exercises(page)
    box = "#code-topological_order"
    page.fill(box, "")
    page.focus(box)
    # Enter keeps the indentation (one more level after a colon); Tab indents; Shift+Tab
    # takes one level off the line.
    page.keyboard.type("def topological_order(root):")
    page.keyboard.press("Enter")
    page.keyboard.type("order = []")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("return order")
    assert page.input_value(box) == (
        "def topological_order(root):\n    order = []\n    return order"
    )
    # Esc, then Tab, leaves the box for its Check button; Enter presses it.
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "check-code"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('article[data-name=topological_order] .verdict')"
        ".dataset.status === 'wrong'"
    )
    # The code is the learner's: kept across a reload, never in the page's address.
    page.reload()
    page.wait_for_selector("#status[data-ready]")
    wait_for_exercises(page)
    assert page.input_value(box).endswith("    return order")
    assert "order" not in page.url
    page.click("article[data-name=topological_order] .reset-code")
    assert page.input_value(box) == exercise("topological_order").starter
    page.keyboard.press("Control+z")  # Reset is undone like any edit
    assert page.input_value(box).endswith("    return order")
    assert visit.errors == []


# ---- the training lab -------------------------------------------------------------------------


def test_the_circles_link_trains_to_90_percent_and_says_so(lab: Visit, tmp_path) -> None:
    page = lab.page
    page.click("#train")
    page.wait_for_selector('#train-status[data-finished="true"]')
    text = page.inner_text("#train-status")
    accuracy = re.search(r"test accuracy (\d+)%", text)
    assert accuracy and int(accuracy.group(1)) >= 90, text
    assert re.search(r"training accuracy \d+%", text)
    # The page's numbers are the package's: the same run in CPython. (Not bit for bit: the
    # page's C library computes exp and tanh to the last bit differently.)
    settings, _ = lab_py().read_settings(CIRCLES)
    run = lab_py().start(CIRCLES, build.dataset_json("circles", settings.noise, settings.seed))
    while not run.finished:
        run.step()
    metrics = run.metrics()
    for key in ["train_loss", "test_loss", "train_accuracy", "test_accuracy"]:
        shown = page.get_attribute(f"#{key.replace('_', '-')}", "data-value")
        assert float(shown) == pytest.approx(metrics[key], rel=1e-9), key
    assert lab.outside == [] and lab.errors == []
    screenshot(page, "lab_circles_trained", tmp_path)
    for panel in ["network", "boundary", "curves"]:
        screenshot(page, f"lab_{panel}", tmp_path, f"#{panel}")


def test_the_network_shows_each_unit_and_weight(lab: Visit) -> None:
    page = lab.page
    page.click("#reset")
    page.wait_for_function("document.getElementById('train-step').textContent === '0'")
    units = page.eval_on_selector_all("#network g.unit", "gs => gs.length")
    assert units == 8  # one heatmap per hidden unit
    assert page.eval_on_selector_all("#network g.input", "gs => gs.length") == 2
    assert page.eval_on_selector_all("#network g.output", "gs => gs.length") == 1
    edges = page.eval_on_selector_all(
        "#network path.weight",
        """ps => ps.map(p => [Number(p.dataset.weight), p.getAttribute('stroke'),
                              Number(p.getAttribute('stroke-width'))])""",
    )
    settings, _ = lab_py().read_settings(CIRCLES)
    run = lab_py().start(CIRCLES, build.dataset_json("circles", settings.noise, settings.seed))
    weights = [w.data for layer in run.model.layers for n in layer.neurons for w in n.w]
    assert sorted(w for w, _, _ in edges) == sorted(weights)  # the untrained network's
    for w, stroke, _ in edges:
        assert stroke == ("#d9650b" if w >= 0 else "#1f6fb4")  # orange positive, blue negative
    by_size = sorted(edges, key=lambda e: abs(e[0]))
    assert [e[2] for e in by_size] == sorted(e[2] for e in by_size)  # wider for bigger


def test_one_step_play_pause_speed_and_reset(lab: Visit) -> None:
    page = lab.page
    page.click("#reset")
    page.wait_for_function("document.getElementById('train-step').textContent === '0'")
    page.click("#one-step")
    page.wait_for_function("document.getElementById('train-step').textContent === '1'")
    page.select_option("#speed", "slow")
    page.click("#train")
    page.wait_for_function("Number(document.getElementById('train-step').textContent) >= 2")
    assert page.inner_text("#train") == "Pause"
    page.click("#train")
    page.wait_for_function("document.getElementById('train').textContent === 'Resume'")
    stopped = page.inner_text("#train-step")
    page.wait_for_timeout(700)  # slow is a step every 0.3 s: none may come after a pause
    assert page.inner_text("#train-step") == stopped
    page.select_option("#speed", "normal")
    page.click("#reset")
    page.wait_for_function("document.getElementById('train-step').textContent === '0'")
    assert lab.errors == []


def test_every_setting_lives_in_the_address(lab: Visit) -> None:
    page = lab.page
    wanted = {
        "dataset": "xor",
        "noise": "0.2",
        "test": "0.4",
        "layers": "4,4",
        "activation": "relu",
        "lr": "0.03",
        "l2": "0.001",
        "batch": "20",
        "seed": "3",
        "steps": "50",
    }
    for name, value in wanted.items():
        target = "#train-steps" if name == "steps" else f"#{name}"
        if name in ("dataset", "activation"):
            page.select_option(target, value)
        else:
            page.fill(target, value)
            page.dispatch_event(target, "change")
    query = "?" + "&".join(f"{k}={v}" for k, v in wanted.items())
    page.wait_for_function(f"location.search === {query!r}")
    assert page.eval_on_selector_all("#network g.unit", "gs => gs.length") == 8
    page.reload()  # the address alone brings the same settings back
    page.wait_for_selector("#status[data-ready]")
    page.wait_for_selector("#boundary image")
    for name, value in wanted.items():
        target = "#train-steps" if name == "steps" else f"#{name}"
        assert page.input_value(target) == value, name
    page.goto(lab.base_url + LAB + CIRCLES)  # back to the link the other tests use
    page.wait_for_selector("#status[data-ready]")
    page.wait_for_selector("#boundary image")


def test_an_empty_steps_box_is_named_and_the_status_keeps_working(lab: Visit) -> None:
    # Issue 24, bug 2: Train with an empty steps box replaced the status line and deleted its
    # numbers; every later update threw and the curves never drew again.
    page = lab.page
    page.fill("#train-steps", "")
    page.click("#train")
    assert page.locator("#train-step").count() == 1
    page.wait_for_selector("#lab-error:not([hidden])")
    assert "steps must be a whole number from 1 to 10000, got ''" in page.inner_text("#lab-error")
    page.fill("#train-steps", "3")
    page.click("#train")
    page.wait_for_function("document.getElementById('train-step').textContent === '3'")
    page.wait_for_selector('#train-status[data-finished="true"]')
    assert page.is_hidden("#lab-error")
    assert lab.errors == []


def test_train_after_a_finished_run_trains_again(lab: Visit) -> None:
    # Issue 24, bug 10: Train did nothing once a run had finished.
    page = lab.page
    page.fill("#train-steps", "3")
    page.dispatch_event("#train-steps", "change")
    page.click("#train")
    page.wait_for_selector('#train-status[data-finished="true"]')
    assert page.inner_text("#train-step") == "3"
    record_text_changes(page, "train-step")
    page.click("#train")
    page.wait_for_function("window.__seen.includes('1')")
    page.wait_for_function("window.__seen.at(-1) === '3'")
    page.wait_for_selector('#train-status[data-finished="true"]')
    page.fill("#train-steps", "300")
    page.dispatch_event("#train-steps", "change")


def test_chart_ticks_are_round_numbers(lab: Visit) -> None:
    # Issue 24, bug 14: the axes read "0.00", "-0.00" and 0.52.
    page = lab.page
    for chart in ["#boundary", "#curves"]:
        for axis in [".x-tick", ".y-tick"]:
            labels = page.eval_on_selector_all(
                f"{chart} {axis}", "ts => ts.map(t => t.textContent)"
            )
            assert len(labels) >= 3, (chart, axis)
            assert not any(re.fullmatch(r"-0(\.0*)?", t) for t in labels)
            values = [float(t) for t in labels]
            steps = {round(b - a, 9) for a, b in itertools.pairwise(values)}
            assert len(steps) == 1, labels
            step = steps.pop()
            mantissa = step / 10 ** math.floor(math.log10(step))
            assert round(mantissa, 6) in (1, 2, 5), labels
            assert all(abs(v / step - round(v / step)) < 1e-9 for v in values)  # on the grid


def test_chart_text_is_dark_enough_to_read(lab: Visit) -> None:
    # Issue 24, bug 11: the accuracy axis's green was 3.5:1 against white.
    fills = lab.page.eval_on_selector_all(
        ".lab-pictures svg text", "ts => [...new Set(ts.map(t => t.getAttribute('fill')))]"
    )
    assert fills and all(contrast(colour) >= 4.5 for colour in fills), fills


# ---- the site ---------------------------------------------------------------------------------


def test_the_index_links_the_playground_the_lab_and_every_notebook(visit: Visit, tmp_path) -> None:
    page = visit.open("index.html")
    assert page.get_attribute("#playground-link", "href") == "playground.html"
    assert page.get_attribute("#lab-link", "href") == "lab.html"
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


def test_notebook_pages_describe_their_pictures_and_link_plainly(visit: Visit) -> None:
    # Issue 24, bug 11: generic alt text, navigation that looked like plain text, a 404 for
    # /favicon.ico on every page.
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        page = visit.open(f"notebooks/{path.stem}.html")
        page.wait_for_load_state("load")
        alts = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.alt)")
        for alt in alts:
            assert alt.startswith(("Figure: ", "Graph drawing: ")) and len(alt) > 20, alt
        decoration = page.eval_on_selector(
            "nav.site-nav a", "a => getComputedStyle(a).textDecorationLine"
        )
        assert decoration == "underline", path.stem
        # Headless Chromium never asks for /favicon.ico; a browser with a window does, and the
        # site has none: each page names its icon (an empty one) instead.
        assert page.get_attribute("link[rel=icon]", "href") == "data:,"
    assert visit.missing == []


def test_the_notebook_stepper_shows_its_frames(visit: Visit, tmp_path) -> None:
    # Issue 24, bug 6: notebook 02's show_steps slider was an empty box on its page.
    page = visit.open("notebooks/02_gates_and_backward_flow.html")
    strip = page.locator(".jp-OutputArea-output div[style*='white-space:nowrap']")
    assert strip.count() == 1
    frames = strip.locator("svg")
    assert frames.count() == 2  # the trace's two steps
    for k in range(frames.count()):
        box = frames.nth(k).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    assert "step 1/2" in frames.nth(0).text_content()
    screenshot(page, "notebook_02_steps", tmp_path, strip)
