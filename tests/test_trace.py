"""The backward and forward passes step by step (micrograd_notes.trace): what each step
records, the grads after each step, the frames, the stepper, and the memory a trace takes."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from strategies import Plan, build, plans
from test_viz import _chain, _expression, needs_builtin_renderer, no_system_dot  # noqa: F401

from micrograd_notes import Value, viz
from micrograd_notes.trace import (
    FrameStrip,
    draw_forward_step,
    draw_step,
    draw_steps,
    forward_order,
    show_steps,
    trace_backward,
)
from micrograd_notes.viz import COLOURS


def test_the_trace_names_are_viz_names_too() -> None:
    # Code written before the trace moved out of viz imports it from there.
    from micrograd_notes import trace
    from micrograd_notes.viz import show_steps as shown_by_viz
    from micrograd_notes.viz import trace_backward as traced_by_viz

    assert traced_by_viz is trace_backward and shown_by_viz is show_steps
    assert all(getattr(viz, name) is getattr(trace, name) for name in trace.__all__)
    with pytest.raises(AttributeError, match="has no attribute 'trace_forward'"):
        viz.trace_forward  # noqa: B018


def test_trace_records_local_and_down_diffs() -> None:
    out, _ = _expression()
    trace = trace_backward(out)
    first = trace.steps[0]
    assert trace.nodes[first.node] is out and first.up_diff == 1.0
    for step in trace.steps:
        for slot in step.slots:
            assert slot.down_diff == slot.local_diff * step.up_diff
    table = str(trace)
    assert table.splitlines()[0].split()[:3] == ["step", "node", "up_diff"]
    assert "<table>" in trace._repr_html_()


@settings(max_examples=40, deadline=None)
@given(plans(max_ops=25))
def test_trace_down_diffs_add_up_to_every_grad(plan: Plan) -> None:
    inputs = [Value(x) for x in plan.inputs]
    root = build(plan, inputs)
    trace = trace_backward(root)
    received = [0.0] * len(trace.nodes)
    for step in trace.steps:
        for slot in step.slots:
            received[slot.parent] += slot.down_diff
    for i, node in enumerate(trace.nodes):
        want = 1.0 if node is root else node.grad
        got = received[i] if node is not root else 1.0 + received[i]
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
    # And the trace's grads are backward()'s grads.
    grads = [v.grad for v in inputs]
    for v in inputs:
        v.grad = 0.0
    root.backward()
    assert [v.grad for v in inputs] == grads


@needs_builtin_renderer
@pytest.mark.usefixtures("no_system_dot")
def test_frames_highlight_each_step_in_turn() -> None:
    out, _ = _expression()
    trace = trace_backward(out)
    frames = draw_steps(trace)
    assert len(frames) == len(trace.steps)
    for k, frame in enumerate(frames):
        node_lines = [line for line in frame.source.splitlines() if line.lstrip().startswith("v")]
        assert sum(COLOURS["current"] in line for line in node_lines) == 1
        assert f"step {k + 1}/{len(frames)}" in frame.source
    # Grads fill in as the pass goes: the first frame has only the root's.
    assert "grad 0" in frames[0].source


def test_one_backward_frame_is_drawn_alone_and_equals_the_strips() -> None:
    out, _ = _expression()
    trace = trace_backward(out)
    frames = draw_steps(trace)
    for k in range(1, len(trace.steps) + 1):
        assert draw_step(trace, k).source == frames[k - 1].source
    for k in (0, len(trace.steps) + 1):
        with pytest.raises(ValueError, match=f"there is no step {k}: this pass has steps 1 to"):
            draw_step(trace, k)


def _data_fields(source: str) -> dict[str, str]:
    """Each box's data field in DOT source, by box name: ``{"v0": "data 1.5", ...}``."""
    found = {}
    for line in source.splitlines():
        name = line.strip().split(" ", 1)[0]
        if name.startswith("v") and "data " in line:
            found[name] = "data " + line.split("data ", 1)[1].split(" ", 1)[0].rstrip("|}")
    return found


def test_the_forward_pass_fills_in_data_one_gate_at_a_time() -> None:
    out, _ = _expression()
    trace = trace_backward(out)
    order = forward_order(trace)
    assert order == [i for i, n in enumerate(trace.nodes) if n.parents]
    assert len(order) == 6  # x * w, + b, tanh, x * x, +, + 3 (the constant 3 is a leaf)
    for k in range(len(order) + 1):
        source = draw_forward_step(trace, k).source
        fields = _data_fields(source)
        for i, node in enumerate(trace.nodes):
            known = node.is_leaf or i in order[:k]
            assert fields[f"v{i}"] == (f"data {viz._fmt(node.data)}" if known else "data ?")
        assert "grad" not in source.replace("backprop", "")  # no grads before backward
        boxes = [line.strip() for line in source.splitlines() if line.strip().startswith("v")]
        current = [line.split(" ", 1)[0] for line in boxes if COLOURS["current"] in line]
        assert current == ([f"v{order[k - 1]}"] if k else [])  # the node just computed
    with pytest.raises(ValueError, match="there is no forward step 7: this pass has steps 0 to 6"):
        draw_forward_step(trace, 7)


@needs_builtin_renderer
@pytest.mark.usefixtures("no_system_dot")
def test_stepper_is_a_slider_with_ipywidgets() -> None:
    pytest.importorskip("ipywidgets")  # in the dev extra; optional for users
    trace = trace_backward(_expression()[0])
    frames = draw_steps(trace)
    stepper = show_steps(trace)
    slider, view = stepper.children
    assert (slider.min, slider.max, slider.value) == (1, len(frames), 1)
    assert view.value == frames[0].svg()
    slider.value = 3  # moving the slider shows that step's frame
    assert view.value == frames[2].svg()
    # Where widgets cannot run (a notebook as a web page), its HTML shows every frame.
    bundle = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == FrameStrip(frames)._repr_html_()


@needs_builtin_renderer
@pytest.mark.usefixtures("no_system_dot")
def test_stepper_without_ipywidgets_is_a_static_strip(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # as if not installed
    trace = trace_backward(_expression()[0])
    strip = show_steps(trace)
    assert isinstance(strip, FrameStrip)
    assert strip._repr_html_().count("<svg") == len(trace.steps)


def test_trace_after_backward_leaves_the_grads_of_one_pass() -> None:
    out, leaves = _expression()
    out.backward()
    once = [v.grad for v in leaves]
    trace = trace_backward(out)
    assert [v.grad for v in leaves] == once  # not twice
    # The trace's last frame is that same pass, starting from zero grads.
    assert trace.grads_after[-1] == pytest.approx([n.grad for n in trace.nodes], rel=1e-15)
    trace_backward(out)  # and again: still one pass
    assert [v.grad for v in leaves] == once


def test_trace_keeps_grads_added_up_from_several_losses() -> None:
    out, leaves = _expression()
    x = leaves[0]
    (x * 10.0).backward()  # a second loss that also uses x
    out.backward()
    together = [v.grad for v in leaves]
    trace = trace_backward(out)
    assert [v.grad for v in leaves] == together  # tracing looks; it does not reset
    x_step = trace.grads_after[-1][trace.nodes.index(x)]
    assert x_step == pytest.approx(together[0] - 10.0, rel=1e-12)  # the trace is out's pass alone


def test_trace_of_a_fresh_graph_fills_the_grads_like_backward() -> None:
    traced, leaves = _expression()
    trace_backward(traced)
    plain, same = _expression()
    plain.backward()
    assert [v.grad for v in leaves] == [v.grad for v in same]


def test_a_trace_that_overflows_gives_the_leaves_their_grads_back() -> None:
    x = Value(1e-200, "x")
    (x * 3.0).backward()  # a first loss: x.grad = 3
    out = x**-1  # 1e200 is finite; its derivative -x^-2 = -1e400 is not
    with pytest.raises(OverflowError):
        trace_backward(out)
    assert x.grad == 3.0  # what it held before the trace, not 0


def test_frames_draw_under_the_limit_the_trace_was_made_with() -> None:
    out = Value(0.5, "x")
    for _ in range(30):
        out = out * 1.01 + 0.1  # about 120 nodes
    trace = trace_backward(out, max_nodes=200)
    assert trace.max_nodes == 200 and len(draw_steps(trace)) == len(trace.steps)
    with pytest.raises(ValueError, match="more than 50 nodes"):
        trace_backward(out, max_nodes=50)
    trace.max_nodes = 100  # the frames follow the trace's limit, not draw's default of 2000
    with pytest.raises(ValueError, match="more than 100 nodes"):
        draw_steps(trace)


def _peak_bytes_of_a_trace(nodes: int) -> int:
    import tracemalloc

    root = _chain(nodes)
    tracemalloc.start()
    try:
        trace = trace_backward(root, max_nodes=nodes)
        str(trace)  # the table too, as `micrograd-notes draw --trace` prints it
        assert trace.grads_after[-1][0] == pytest.approx(1.0001 ** ((nodes - 1) // 2))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_trace_takes_memory_in_proportion_to_the_graph() -> None:
    # It kept every node's grad after every step: steps × nodes floats, 656 MB for the
    # command line at 9,000 nodes. Twice the graph should take about twice the memory.
    small, large = _peak_bytes_of_a_trace(1001), _peak_bytes_of_a_trace(2001)
    assert large < 2.6 * small, (small, large)
    assert large < 2000 * 2001  # about a kilobyte a node, not a megabyte


def test_grads_after_each_step_are_added_up_from_the_steps() -> None:
    out, _ = _expression()
    trace = trace_backward(out)
    running = [0.0] * len(trace.nodes)
    running[-1] = 1.0  # the seed
    assert len(trace.grads_after) == len(trace.steps)
    for k, step in enumerate(trace.steps):
        for slot in step.slots:
            running[slot.parent] += slot.down_diff
        assert trace.grads_after[k] == running
    assert trace.grads_after[-1] == trace.grads_after[len(trace.steps) - 1]
    assert trace.grads_after[1:3] == [trace.grads_after[1], trace.grads_after[2]]
    with pytest.raises(IndexError):
        trace.grads_after[len(trace.steps)]
