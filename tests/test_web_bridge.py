"""The playground's Python bridge (web/bridge.py), run here in CPython: the browser runs the
same file under Pyodide (tests/test_web.py)."""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import balanced_sum
from hypothesis import given
from hypothesis import strategies as st

from micrograd_notes import cli, data, viz
from micrograd_notes.demo import train
from micrograd_notes.expr import parse
from micrograd_notes.nn import MLP

BRIDGE = Path(__file__).resolve().parent.parent / "web" / "bridge.py"


def _load_bridge():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bridge", BRIDGE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bridge = _load_bridge()


@pytest.fixture(autouse=True)
def render_without_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for viz.js: a renderer that records what it was asked to draw."""
    bridge.use_viz_js(lambda source: f"<svg><!-- {len(source)} --></svg>")
    yield
    viz.use_renderer(None)


# ---- the link ---------------------------------------------------------------------------------


def test_a_shared_link_reads_as_expression_and_values() -> None:
    query = "?expr=tanh(x*w%20%2B%20b)&x=2&w=-3&b=6.88"
    assert bridge.read_query(query) == ("tanh(x*w + b)", ["x=2", "w=-3", "b=6.88"])
    assert bridge.read_query("") == ("", [])
    # A bare + in a query is a space (form encoding): it must not turn into an addition.
    assert bridge.read_query("?expr=x+y") == ("x y", [])


def test_the_share_link_is_readable_and_escapes_plus() -> None:
    query = bridge.share_query("tanh(x*w + b)", ["x=2", "w = -3", "b=6.88"])
    assert query == "?expr=tanh(x*w%20%2B%20b)&x=2&w=-3&b=6.88"
    assert query == bridge.EXAMPLE_QUERY


names = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True).filter(lambda s: s != "expr")


@given(
    expr=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30),
    values=st.dictionaries(names, st.floats(allow_nan=False, allow_infinity=False), max_size=4),
)
def test_share_and_read_round_trip(expr: str, values: dict[str, float]) -> None:
    assignments = [f"{name}={number!r}" for name, number in values.items()]
    assert bridge.read_query(bridge.share_query(expr, assignments)) == (expr.strip(), assignments)


def test_the_values_box_splits_on_spaces_commas_and_semicolons() -> None:
    assert bridge.split_values(" x=2, w = -3;b=6.88\n c=1e-3 ") == [
        "x=2",
        "w=-3",
        "b=6.88",
        "c=1e-3",
    ]
    assert bridge.split_values("") == []


# ---- the graph --------------------------------------------------------------------------------


def test_the_table_holds_what_the_engine_computes() -> None:
    shown = bridge.explain("tanh(x*w + b) * x", "x=2 w=-3 b=6.88")
    assert shown["error"] is None
    root = parse("tanh(x*w + b) * x", {"x": 2.0, "w": -3.0, "b": 6.88})
    root.backward()
    expected = {n.label: (n.data, n.grad) for n in viz.topological_order(root) if n.label}
    got = {row["name"]: (row["data"], row["grad"]) for row in shown["nodes"]}
    for name, pair in expected.items():
        assert got[name] == pair
    assert len(shown["nodes"]) == len(viz.topological_order(root))
    assert shown["value_text"] == f"{root.data:.6g}"
    assert shown["query"] == "?expr=tanh(x*w%20%2B%20b)%20*%20x&x=2&w=-3&b=6.88"
    assert shown["svg"].startswith("<svg")


def test_each_frame_is_one_step_of_the_trace() -> None:
    shown = bridge.explain("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    trace = viz.trace_backward(parse("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.88}))
    assert shown["steps"] == len(trace.steps) == 3
    for k, step in enumerate(trace.steps, start=1):
        frame = bridge.frame(k)
        assert frame["node"] == trace.name(step.node)
        assert frame["rows"] == [row for row in trace.rows() if row[0] == str(k)]
        assert len(frame["rows"]) == len(step.slots)
    assert bridge.frame(0)["node"] is None
    assert bridge.frame(4)["error"] == "there is no step 4: this pass has steps 1 to 3"


@pytest.mark.parametrize(
    ("expr", "values"),
    [
        ("x +", "x=1"),  # a syntax error
        ("x.real", "x=1"),  # refused syntax
        ("log(x)", "x=-1"),  # the engine refuses
        ("x / y", "x=1 y=0"),
        ("x * y", "x=1"),  # a name with no value
        ("x", "x=abc"),  # a value that is not a number
        ("x", "x=1 y=2"),  # a value for a name not in the expression
    ],
)
def test_bad_input_gets_the_clis_one_line_message(
    expr: str, values: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shown = bridge.explain(expr, values)
    assert cli.main(["draw", expr, *values.split(), "-o", str(tmp_path / "g.dot")]) == 2
    message = capsys.readouterr().err.strip()
    assert message == f"micrograd-notes draw: error: {shown['error']}"
    assert "\n" not in shown["error"]


def test_a_graph_over_the_drawing_limit_gets_the_advice() -> None:
    expr = balanced_sum(2048)  # 2,047 additions over one leaf: 2,048 nodes
    shown = bridge.explain(expr, "x=0.5")
    assert "more than 2,000 nodes" in shown["error"]
    assert "Draw a sub-expression" in shown["error"]


def test_a_link_with_nothing_in_it_opens_the_example() -> None:
    shown = bridge.explain_query("")
    assert (shown["expr"], shown["values_text"]) == ("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    assert shown["error"] is None
    assert bridge.explain_query("?expr=q&x=1")["error"] == (
        "no value for 'q': add q=NUMBER"  # the link's own problem, not the example
    )


def test_a_failing_viz_js_is_one_render_error() -> None:
    def broken(source: str) -> str:
        raise RuntimeError("syntax error in line 1")

    bridge.use_viz_js(broken)
    shown = bridge.explain("x * 2", "x=1")
    assert shown["error"] == "viz.js could not render the graph: syntax error in line 1"


# ---- training ---------------------------------------------------------------------------------


def test_training_follows_the_demos_recipe_step_for_step() -> None:
    X, y = data.make_moons(30, seed=1)
    history = train(MLP(2, [16, 16, 1], seed=1), X, (2.0 * y - 1.0).tolist(), 8, progress=False)
    training = bridge.Training(X.tolist(), y.tolist(), steps=8, seed=1)
    results = [training.step() for _ in range(8)]
    assert [r["loss"] for r in results] == history.loss  # the same floats, bit for bit
    assert [r["accuracy"] for r in results] == history.accuracy
    with pytest.raises(ValueError, match="all 8 steps are done"):
        training.step()


def test_the_boundary_grid_holds_the_models_scores() -> None:
    training = bridge.Training([[0.0, 0.0], [1.0, 2.0]], [0, 1], steps=1)
    grid = training.boundary(resolution=4, pad=0.5)
    assert grid["x"] == [-0.5, 1.5] and grid["y"] == [-0.5, 2.5]
    # Row j, column i is the cell centred at (x0 + (i + 1/2)·w, y0 + (j + 1/2)·h).
    centre = [-0.5 + 2.0 * 2.5 / 4, -0.5 + 3.0 * 1.5 / 4]
    assert grid["scores"][1][2] == training.model(centre).data
    assert all(math.isfinite(s) for row in grid["scores"] for s in row)


def test_training_refuses_a_bad_step_count() -> None:
    with pytest.raises(ValueError, match="steps must be an int >= 1, got 0"):
        bridge.Training([[0.0, 0.0]], [0], steps=0)


def test_datasets_load_by_name() -> None:
    text = '{"moons": {"points": [[0.5, 1.0]], "labels": [1]}}'
    assert bridge.load_dataset(text, "moons") == ([[0.5, 1.0]], [1])
    with pytest.raises(ValueError, match="unknown dataset 'spiral'; choose one of moons"):
        bridge.load_dataset(text, "spiral")


def test_the_bridge_needs_neither_numpy_nor_matplotlib() -> None:
    # What Pyodide has here: neither package. The bridge and what it imports must still load.
    # A fresh interpreter, so this process's modules stay the ones every other test uses.
    script = f"""
import importlib.util, sys
sys.modules["numpy"] = None  # import numpy now raises ImportError
sys.modules["matplotlib"] = None
spec = importlib.util.spec_from_file_location("bridge", {str(BRIDGE)!r})
bridge = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bridge)
print(bridge.explain("x * x", "x=3")["nodes"][0]["grad"])
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.split() == ["6.0"]
