"""The compiled step's program, for people: one statement a line, each with its gate, and the
drawing's names."""

from __future__ import annotations

import ast
import math
import re
import traceback

import pytest
from helpers import compiled_step, engine

from micrograd_notes import Gate, Tape, Value, gates, topological_order
from micrograd_notes.helpers import node_name
from micrograd_notes.losses import hinge
from micrograd_notes.nn import MLP


def _batch(n: int) -> tuple[MLP, list[list[Value]], list[float]]:
    xs = [[Value(0.1 * k), Value(1.0 - 0.2 * k)] for k in range(n)]
    return MLP(2, [5, 4, 1], seed=0), xs, [(-1.0) ** k for k in range(n)]


def test_the_program_has_one_statement_a_line_each_with_its_gate() -> None:
    model, xs, ys = _batch(3)
    looped, _ = compiled_step(lambda: hinge([model(x) for x in xs], ys), model.parameters())
    straight, _ = compiled_step(lambda: (xs[0][0] * xs[0][1]).tanh(), xs[0])
    for step in (looped, straight):
        tree = ast.parse(step.source)
        lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.stmt)]
        assert len(lines) == len(set(lines))  # one statement per line
        symbols = {g.symbol for g in vars(gates).values() if isinstance(g, Gate)}
        for line in step.source.splitlines():
            if (
                re.match(r"\s+(d?v\d+|d?p\d+) [-+]?= ", line)
                and "P[" not in line
                and "seed" not in line
            ):
                assert line.rsplit("# ", 1)[-1].split(":")[0] in symbols, line


def test_a_straight_line_program_names_each_node_as_the_drawing_does() -> None:
    x1, w1, b = Value(2.0, "x1"), Value(-3.0, "w1"), Value(6.0, "b")
    with Tape() as tape:
        out = (w1 * x1 + b).tanh()
        out.label = "out"
    step = tape.compile(out, params=[w1, b], inputs=[x1])
    order = topological_order(out)
    for k, node in enumerate(order):
        if not node.is_leaf and not node.label:  # *#2 in the drawing is v2 here
            name = node_name(node, k)
            assert f"v{k} = " in step.source and name == f"{node.op}#{k}"
    assert "w1 = P[0].data" in step.source and "x1 = X[0].data" in step.source
    assert "out = tanh(v4) if -1e308 < v4 < 1e308 else 1.0 / 0.0  # tanh" in step.source
    assert "dw1 += x1 * dv2  # *" in step.source
    assert step.source.index("out = tanh") < step.source.index("dout = 1.0")  # forward first


def test_a_compiled_program_reads_like_a_function_of_the_math_module() -> None:
    x = Value(0.3)
    step, _ = compiled_step(lambda: (x.exp() + x.log() + x**2.5).tanh(), [x])
    assert step.source.startswith("from math import exp, log, pow, tanh\n")
    assert "pow(p0, 2.5)" in step.source and "2.5 * p0 ** (2.5 - 1.0)" in step.source
    assert math.isfinite(step())


def test_a_programs_lines_show_in_tracebacks_while_it_lives() -> None:
    import gc
    import linecache

    x = Value(0.5)
    step, _ = compiled_step(lambda: (x * 2.0).tanh(), [x])
    x.data = "oops"  # type: ignore[assignment]  # a TypeError inside the program: not caught
    with pytest.raises(TypeError) as error:
        step()
    shown = "".join(traceback.format_exception(error.value))
    assert 'File "<compiled step' in shown and "v2 = p0 * 2.0  # *" in shown
    names = [name for name in linecache.cache if name.startswith("<compiled step")]
    del step, error
    gc.collect()
    assert len([n for n in linecache.cache if n.startswith("<compiled step")]) < len(names)


def test_a_sample_beyond_the_hinges_margin_is_skipped_as_the_engine_skips_it() -> None:
    model, xs, ys = _batch(8)
    last = model.layers[-1].neurons[0]
    last.b.data = 3.0  # scores near 3: the +1 samples are beyond the margin, the -1 are not
    params = model.parameters()

    def make() -> Value:
        return hinge([model(x) for x in xs], ys)

    step, (loss, grads) = compiled_step(make, params)
    assert "if not dv" in step.source and "continue" in step.source
    for p in params:
        p.grad = 0.0
    with Tape():
        again = make()
        again.backward()
    assert (loss, grads) == (again.data, [p.grad for p in params])
    margins = [1.0 - y * model([x.data for x in row]).data for row, y in zip(xs, ys)]
    assert min(margins) < 0.0 < max(margins)  # both kinds of sample


def test_a_label_that_python_would_read_as_another_name_is_not_used() -> None:
    # Python reads a name in its NFKC form: a full-width "ｘ" is "x", a full-width "Ｐ" is P.
    x, wide_x = Value(2.0, "x"), Value(3.0, "\uff58")
    wide_p, y = Value(2.0, "\uff30"), Value(3.0)
    for make, params in [
        (lambda: x * x + wide_x * 5.0, [x, wide_x]),
        (lambda: wide_p * y, [wide_p, y]),
    ]:
        step, got = compiled_step(make, params)
        assert got == engine(make, params)
        assert "\uff58" not in step.source and "\uff30" not in step.source


def test_a_label_that_is_not_a_string_falls_back_to_a_number() -> None:
    c = Value(2.0)
    c.label = 5  # type: ignore[assignment]  # set after construction, past its check
    step, got = compiled_step(lambda: c * c, [c])
    assert got == (4.0, [4.0]) and "p0 = P[0].data" in step.source
