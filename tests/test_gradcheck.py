"""Gradient checkers: each passes on right derivatives and names the culprit on wrong ones."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from strategies import Plan, build, plans

from micrograd_notes import (
    GradcheckError,
    GradcheckReport,
    Value,
    central_difference,
    check_graph,
    engine,
    gradcheck,
)


def test_central_difference_is_second_order() -> None:
    # The error of (f(x+h) - f(x-h)) / 2h is about h^2 f'''(x) / 6: shrinking h tenfold
    # shrinks it a hundredfold, until round-off takes over.
    errors = [abs(central_difference(math.exp, 1.0, eps=h) - math.e) for h in (1e-2, 1e-3)]
    assert errors[1] < errors[0] / 90
    assert errors[0] == pytest.approx(1e-4 * math.e / 6, rel=1e-2)


def test_central_difference_picks_the_argument() -> None:
    f = lambda x, y: x * y**2  # noqa: E731
    assert central_difference(f, 3.0, 2.0, arg=0) == pytest.approx(4.0, abs=1e-8)
    assert central_difference(f, 3.0, 2.0, arg=1) == pytest.approx(12.0, abs=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "error"), [({"eps": 0.0}, ValueError), ({"arg": 2}, IndexError)]
)
def test_central_difference_rejects_bad_arguments(kwargs, error) -> None:
    with pytest.raises(error):
        central_difference(lambda x, y: x, 1.0, 2.0, **kwargs)


def test_gradcheck_passes_and_leaves_inputs_alone() -> None:
    x, y = Value(0.7, "x"), Value(-1.2, "y")
    report = gradcheck(lambda a, b: (a * b).tanh() + a.exp() / (b * b), [x, y])
    assert report.ok and report.checked == 2 and not report.mismatches
    assert (x.grad, y.grad) == (0.0, 0.0)


class _WrongMul(engine.Mul):
    """A mul gate with the classic slip: it forgets to swap its inputs."""

    def backward(self, out: Value) -> None:
        a, b = out.parents
        a.grad += a.data * out.grad
        b.grad += b.data * out.grad


@pytest.fixture
def broken_mul(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "MUL", _WrongMul())


def test_gradcheck_fails_on_a_wrong_derivative_and_names_the_input(broken_mul) -> None:
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: a * b + a, [Value(2.0, "x"), Value(5.0, "y")])
    report = caught.value.report
    assert len(report.mismatches) == 2
    first = report.mismatches[0]
    assert (first.numerical, first.analytical) == (pytest.approx(6.0), 3.0)
    assert "input 0 ('x') = 2" in str(caught.value)
    assert "numerical 6" in str(caught.value) and "analytical 3" in str(caught.value)


def test_gradcheck_can_return_the_report(broken_mul) -> None:
    report = gradcheck(lambda a, b: a * b, [2.0, 5.0], raise_exception=False)
    assert isinstance(report, GradcheckReport) and not report and not report.ok
    assert "2 derivatives checked, 2 mismatched" in str(report)


def test_gradcheck_needs_a_value_back() -> None:
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda a: a.data * 2, [1.0])


def test_gradcheck_tolerances_are_honoured() -> None:
    # A derivative off by 1e-4 passes a loose check and fails a tight one.
    class Nudged(engine.Tanh):
        def backward(self, out: Value) -> None:
            (a,) = out.parents
            a.grad += ((1.0 - out.data**2) + 1e-4) * out.grad

    gate = Nudged()
    f = lambda a: engine._apply(gate, (a,))  # noqa: E731
    assert gradcheck(f, [0.3], atol=1e-3, rtol=0.0)
    assert not gradcheck(f, [0.3], atol=1e-6, rtol=0.0, raise_exception=False)


# ---- check_graph: every node's own derivative ----------------------------------------------


def _net(x: Value, y: Value) -> Value:
    h = (x * y + x).tanh()
    return (h * h).sigmoid() + (y * 3.0).relu() / (x * x + 1.0)


def test_check_graph_passes_on_a_healthy_graph() -> None:
    root = _net(Value(0.4, "x"), Value(1.3, "y"))
    report = check_graph(root)
    assert report.ok and report.checked > 10


def test_check_graph_names_the_broken_node(broken_mul) -> None:
    x, y = Value(0.4, "x"), Value(1.3, "y")
    root = _net(x, y)
    # At the inputs, the broken gate shows up only as wrong totals...
    assert not gradcheck(_net, [x, y], raise_exception=False)
    # ...check_graph says which nodes and which slots are wrong.
    with pytest.raises(GradcheckError) as caught:
        check_graph(root)
    wheres = [m.where for m in caught.value.report.mismatches]
    assert wheres and all("(*" in w for w in wheres), wheres
    # The square h * h has both slots equal, so only x*y and y*3 and x*x can be told wrong.
    assert any("d/d parent 0" in w for w in wheres)
    assert all("tanh" not in w and "sigmoid" not in w for w in wheres)


def test_check_graph_names_a_labelled_node(broken_mul) -> None:
    x, y = Value(2.0), Value(3.0)
    z = x * y
    z.label = "z"
    report = check_graph(z.tanh(), raise_exception=False)
    assert [m.where for m in report.mismatches] == [
        "node 0 (* 'z'), d/d parent 0",
        "node 0 (* 'z'), d/d parent 1",
    ]


def test_check_graph_catches_a_stale_graph() -> None:
    x = Value(2.0)
    y = x * x
    x.data = 3.0  # changed after y was computed
    report = check_graph(y, raise_exception=False)
    assert [m.where for m in report.mismatches] == ["node 0 (*) forward value"]


def test_check_graph_skips_kinks_and_domain_edges() -> None:
    a = Value(1.5)
    root = a.max(1.5) + Value(0.0).relu() + Value(1e-7).log()
    report = check_graph(root)
    skipped = "\n".join(report.skipped)
    assert "max), d/d parent 0: not differentiable at 1.5" in skipped
    assert "relu), d/d parent 0: not differentiable at 0" in skipped
    assert "log), d/d parent 0: a nudge of 1e-06 leaves the domain" in skipped


@settings(max_examples=30, deadline=None)
@given(plans())
def test_check_graph_on_random_graphs(plan: Plan) -> None:
    check_graph(build(plan, [Value(x) for x in plan.inputs]), atol=1e-5, rtol=1e-5)


class Softsign(engine.Gate):
    """s(x) = x / (1 + |x|);  d/dx = 1 / (1 + |x|)^2."""

    symbol = "softsign"

    def forward(self, x: Value) -> float:
        return x.data / (1.0 + abs(x.data))

    def backward(self, out: Value) -> None:
        (x,) = out.parents
        x.grad += out.grad / (1.0 + abs(x.data)) ** 2


class SloppySoftsign(Softsign):
    """The same forward, and the derivative of x / (1 + x) by mistake: wrong for x < 0."""

    def backward(self, out: Value) -> None:
        (x,) = out.parents
        x.grad += out.grad / (1.0 + x.data) ** 2


def test_check_graph_checks_a_gate_written_outside_the_engine() -> None:
    x, w = Value(-0.8, "x"), Value(1.3, "w")
    report = check_graph(Softsign()(x * w) + x, raise_exception=False)
    assert report.ok and report.checked == 8  # each node: its forward, then one per slot: 3+2+3
    with pytest.raises(GradcheckError) as caught:
        check_graph(SloppySoftsign()(x * w) + x)
    (mismatch,) = caught.value.report.mismatches
    assert mismatch.where == "node 1 (softsign), d/d parent 0"
    assert mismatch.numerical == pytest.approx(1 / (1 + 1.04) ** 2, rel=1e-6)
    assert mismatch.analytical == pytest.approx(1 / (1 - 1.04) ** 2, rel=1e-12)
