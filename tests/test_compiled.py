"""The compiled step: the engine's numbers from a generated program, its limits, its errors."""

from __future__ import annotations

import re
import warnings

import pytest
from helpers import compiled_step, engine
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import OPS, build, plans

from micrograd_notes import Gate, Tape, Value, compiled, gates
from micrograd_notes.compiled import BakedBranchWarning, CompileError
from micrograd_notes.losses import binary_cross_entropy, hinge, l2, mse, softmax_cross_entropy
from micrograd_notes.nn import MLP

# ---- the engine's numbers ------------------------------------------------------------------


# A drawn input can make a node's data equal the 1.7 below by chance, which compile reports
# as a possible baked-in read (it is not one here): the numbers are what this test checks.
@pytest.mark.filterwarnings("ignore::micrograd_notes.compiled.BakedBranchWarning")
@pytest.mark.parametrize("case", OPS, ids=lambda case: case.name)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_every_gate_compiles_to_the_engines_numbers(case, data) -> None:
    xs = [Value(data.draw(domain)) for domain in case.domain]
    if case.apart and abs(xs[0].data - xs[1].data) < 1e-3:
        xs[1].data += 0.5

    def make() -> Value:
        return case.build(*xs) * 1.7  # an up_diff that is not 1

    _, got = compiled_step(make, xs)
    assert got == engine(make, xs)  # bit for bit


@settings(max_examples=60, deadline=None)
@given(plans())
def test_random_graphs_compile_to_the_engines_numbers(plan) -> None:
    xs = [Value(x) for x in plan.inputs]
    step, got = compiled_step(lambda: build(plan, xs), xs)
    assert got == engine(lambda: build(plan, xs), xs)
    assert step.check() == 0.0


def test_every_gate_carries_its_rule_as_code() -> None:
    for gate in [g for g in vars(gates).values() if isinstance(g, Gate)]:
        assert gate.code and gate.code_diffs, gate  # type: ignore[attr-defined]
        names = re.findall(r"{(\w+)}", gate.code)  # type: ignore[attr-defined]
        parents = dict.fromkeys(n for n in names if n in "abwx")
        assert len(gate.code_diffs) == len(parents), gate  # type: ignore[attr-defined]


def _batch(n: int, seed: int = 0) -> tuple[MLP, list[list[Value]], list[float]]:
    import random

    rng = random.Random(seed)
    xs = [[Value(rng.uniform(-2, 2)), Value(rng.uniform(-2, 2))] for _ in range(n)]
    return MLP(2, [5, 4, 1], seed=seed), xs, [rng.choice((-1.0, 1.0)) for _ in range(n)]


def test_a_mean_over_a_batch_is_one_loop_of_one_size_at_any_batch_size() -> None:
    sources = []
    for n in (8, 40):
        model, xs, ys = _batch(n)
        params = model.parameters()

        def make(model=model, xs=xs, ys=ys, params=params) -> Value:  # type: ignore[no-untyped-def]
            return hinge([model(x) for x in xs], ys) + l2(params, 1e-3)

        step, got = compiled_step(make, params, inputs=xs)
        assert step.samples == n and step.notes == ()
        assert got == engine(make, params)
        sources.append(step.source)
    sizes = [len(re.sub(r"\d+ samples", "n samples", source)) for source in sources]
    assert sizes[0] == sizes[1]  # the loop's body is one sample's graph, whatever n is
    assert "for x0, x1, c0 in S:" in sources[0]  # its inputs and its label, row by row


@pytest.mark.parametrize("loss", [hinge, binary_cross_entropy, mse])
def test_each_loss_of_the_package_makes_a_loop(loss) -> None:
    model, xs, ys = _batch(12, seed=3)
    labels = [max(y, 0.0) for y in ys] if loss is binary_cross_entropy else ys
    params = model.parameters()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of them reads .data while building
        step, got = compiled_step(lambda: loss([model(x) for x in xs], labels), params)
    assert step.samples == 12
    assert got == engine(lambda: loss([model(x) for x in xs], labels), params)


# ---- what a call reads and writes ------------------------------------------------------------


def test_each_call_reads_the_params_and_the_inputs_and_nothing_else() -> None:
    model, xs, ys = _batch(6, seed=1)
    params = model.parameters()
    other = Value(0.25)  # a leaf in neither list: a constant

    def make() -> Value:
        return hinge([model(x) * other for x in xs], ys)

    step, _ = compiled_step(make, params, inputs=xs)
    for p in params:
        p.data *= 1.1
    for x in xs:
        x[0].data, x[1].data = x[1].data, -x[0].data
    other.data = 3.0  # not read by the step: 0.25 was written into its program
    for p in params:
        p.grad = 0.0
    loss = step()
    grads = [p.grad for p in params]
    other.data = 0.25
    assert (loss, grads) == engine(make, params)
    assert "0.25" in step.source


def test_grads_accumulate_in_the_params_as_backward_does() -> None:
    a, b = Value(0.3), Value(-1.2)
    with Tape() as tape:
        loss = (a * b).tanh() + a
    step = tape.compile(loss, params=[a, b])
    step()
    step()
    twice = [a.grad, b.grad]
    a.grad = b.grad = 0.0
    loss.backward()
    loss.backward()
    assert twice == [a.grad, b.grad]


def test_outputs_get_their_new_data_at_every_call() -> None:
    model, xs, ys = _batch(5, seed=2)
    with Tape() as tape:
        scores = [model(x) for x in xs]
        loss = hinge(scores, ys)
        middle = loss * 2.0
    step = tape.compile(middle, params=model.parameters(), inputs=xs, outputs=[*scores, loss])
    for x in xs:
        x[0].data += 0.5
    step()
    assert [s.data for s in scores] == [model([x.data for x in row]).data for row in xs]
    assert loss.data == hinge(scores, ys).data


@pytest.mark.parametrize(
    ("make", "moved"),
    [
        (lambda x: x.relu() * 3.0, -1.0),
        (lambda x: abs(x) * 3.0, -1.0),
        (lambda x: x.max(0.2) * 3.0, -1.0),
        (lambda x: x.min(0.2) * 3.0, -1.0),
        (lambda x: x.sigmoid() * 3.0, -800.0),
    ],
    ids=["relu", "abs", "max", "min", "sigmoid"],
)
def test_gates_whose_result_depends_on_the_data_follow_it_at_every_call(make, moved) -> None:
    x = Value(0.7)
    step, _ = compiled_step(lambda: make(x), [x])
    x.data = moved  # the other side of the kink, or of the stable sigmoid's branch
    x.grad = 0.0
    assert (step(), [x.grad]) == engine(lambda: make(x), [x])


def test_a_python_branch_on_data_is_taken_at_every_call() -> None:
    # The documented limit: this branch is decided once, while the tape records.
    x = Value(0.7)

    def relu_by_hand() -> Value:
        return x * 1.0 if x.data > 0 else x * 0.0

    step, _ = compiled_step(relu_by_hand, [x])
    x.data = -2.0
    x.grad = 0.0
    assert step() == -2.0 and x.grad == 1.0  # still the x > 0 branch
    assert engine(relu_by_hand, [x]) == (0.0, [0.0])


# ---- signs of a branch on .data, reported ----------------------------------------------------


def test_a_comparison_of_values_while_recording_is_reported() -> None:
    a, b = Value(1.0), Value(2.0)
    with Tape() as tape:
        loss = a * b if a < b else a + b
    assert tape.comparisons == [0]
    with pytest.warns(BakedBranchWarning, match="1 comparison"):
        step = tape.compile(loss, params=[a, b])
    assert any("comparison" in note for note in step.notes)


def test_a_number_read_off_data_is_reported() -> None:
    # log_sum_exp shifts the logits by m = max(z.data): a constant taken from the data.
    _, xs, _ = _batch(4, seed=5)
    net = MLP(2, [3, 3], seed=5)
    with Tape() as tape:
        loss = softmax_cross_entropy([net([x.data for x in row]) for row in xs], [0, 1, 2, 1])
    with pytest.warns(BakedBranchWarning, match=r"3 constant\(s\) .* is the data of a dot node"):
        step = tape.compile(loss, params=net.parameters())
    assert step.check() == 0.0  # the shift cancels: the same numbers while nothing overflows


def test_a_constant_equal_to_a_nodes_data_by_chance_is_reported_as_a_possibility() -> None:
    w, x = Value(1.0), Value(0.0)
    with Tape() as tape:
        loss = x.sigmoid() * w + w * 0.5  # sigmoid(0) = 0.5: equal by chance, not read off
    with pytest.warns(BakedBranchWarning, match=r"perhaps.* if one was read off \.data"):
        tape.compile(loss, params=[w], inputs=[x])


# ---- gates of your own -------------------------------------------------------------------------


class Square(Gate):
    """x^2;  d/dx = 2x."""

    symbol = "sq"

    def forward(self, a: Value) -> float:
        return a.data * a.data

    def backward(self, out: Value) -> None:
        out._a.grad += 2.0 * out._a.data * out.grad


class CodedSquare(Square):
    """Square, with its rule as code too."""

    code = "{a} * {a}"
    code_diffs = ("2.0 * {a} * {up}",)

    def backward(self, out: Value) -> None:
        out._a.grad += 2.0 * out._a.data * out.grad


class WrongSquare(CodedSquare):
    """Its code says d/dx = 3x: step.check() must catch it."""

    code_diffs = ("3.0 * {a} * {up}",)

    def backward(self, out: Value) -> None:
        out._a.grad += 2.0 * out._a.data * out.grad


class FancyMul(gates.Mul):
    """A subclass with a backward of its own, but Mul's templates."""

    def backward(self, out: Value) -> None:
        out._a.grad += 0.0


def test_a_gate_without_code_is_refused_by_name() -> None:
    x = Value(0.5)
    with Tape() as tape:
        loss = Square()(x) + 1.0
    with pytest.raises(CompileError, match=r"the gate <gate sq> \(Square\) has no code template"):
        tape.compile(loss, params=[x])


def test_a_gate_that_overrides_backward_needs_code_of_its_own() -> None:
    x = Value(0.5)
    with Tape() as tape:
        loss = FancyMul()(x, 3.0)
    with pytest.raises(
        CompileError, match="has a backward of its own but the code template of Mul"
    ):
        tape.compile(loss, params=[x])


class Twice(gates.Mul):
    """2ab: a forward of its own, but Mul's templates (the product, without the 2)."""

    symbol = "2*"

    def forward(self, a: Value, b: Value) -> float:
        return 2.0 * a.data * b.data


def test_a_gate_that_overrides_forward_needs_code_of_its_own() -> None:
    a, b = Value(3.0), Value(4.0)
    with Tape() as tape:
        loss = Twice()(a, b) + 1.0
    with pytest.raises(CompileError, match="has a forward of its own but the code template of Mul"):
        tape.compile(loss, params=[a, b])


def test_a_gate_of_your_own_with_code_compiles() -> None:
    x = Value(0.5)
    step, got = compiled_step(lambda: CodedSquare()(x.tanh()), [x])
    assert got == engine(lambda: CodedSquare()(x.tanh()), [x])
    assert "  # sq" in step.source


def test_check_catches_a_rule_that_disagrees_with_the_engine() -> None:
    x = Value(0.5)
    step, _ = compiled_step(lambda: WrongSquare()(x), [x])
    x.grad = 7.0
    with pytest.raises(AssertionError, match=r"the grad of parameter 0 is 1\.5, the engine's 1\.0"):
        step.check()
    assert x.grad == 7.0  # left as it was


# ---- errors: named as the engine names them -----------------------------------------------


def _same_error(make, params, change) -> str:
    """The error a call raises after ``change()``, which the engine must raise too."""
    step, _ = compiled_step(make, params)
    change()
    with pytest.raises((ArithmeticError, ValueError)) as theirs:
        engine(make, params)
    with pytest.raises(type(theirs.value)) as mine:
        step()
    assert str(mine.value) == str(theirs.value)
    return str(mine.value)


def test_an_overflow_in_the_forward_pass_is_named_as_the_engine_names_it() -> None:
    w, x = Value(2.0), Value(3.0)

    def change() -> None:
        w.data = 1e200

    message = _same_error(lambda: (w * w) * x, [w, x], change)
    assert "overflows a float" in message


HIDERS = {  # a gate that turns an inf (big) or a nan (big - big) into a number
    "tanh": lambda big: big.tanh(),
    "sigmoid of inf": lambda big: big.sigmoid(),
    "sigmoid of -inf": lambda big: (-big).sigmoid(),
    "relu of -inf": lambda big: (-big).relu(),
    "relu of nan": lambda big: (big - big).relu(),
    "exp": lambda big: (-big).exp(),
    "div": lambda big: 1.0 / big,
    "pow -1": lambda big: big**-1.0,
    "pow 0": lambda big: (big - big) ** 0.0,
    "pow of a Value": lambda big: 2.0 ** (-big),
    "max of -inf": lambda big: (-big).max(1.0),
    "max of nan": lambda big: (big - big).max(1.0),
    "min of inf": lambda big: big.min(1.0),
    "min of nan": lambda big: (big - big).min(1.0),
}


@pytest.mark.parametrize("hide", HIDERS.values(), ids=HIDERS.keys())
def test_an_overflow_a_later_gate_hides_is_named_as_the_engine_names_it(hide) -> None:
    x, w = Value(1.0), Value(0.5)

    def make() -> Value:
        return hide(x * 1e300 * 1e7) * w  # 1e307 while recording

    step, _ = compiled_step(make, [w], inputs=[x])
    x.data = 100.0  # 1e309: an inf, which the gate after it would turn into a number
    with pytest.raises(OverflowError) as theirs:
        engine(make, [w])
    with pytest.raises(OverflowError) as mine:
        step()
    assert str(mine.value) == str(theirs.value)


def test_exp_overflow_and_division_by_zero_are_named_as_the_engine_names_them() -> None:
    a = Value(1.0)

    def big() -> None:
        a.data = 800.0

    assert "exp: e ** 800.0 overflows" in _same_error(lambda: (a * 1.0).exp(), [a], big)
    b = Value(2.0)

    def zero() -> None:
        b.data = 0.0

    assert "division" in _same_error(lambda: 1.0 / (b * 1.0), [b], zero)


def test_an_overflowing_grad_is_named_as_the_engine_names_it() -> None:
    x, scale = Value(1e-12), Value(1.0)

    def make() -> Value:
        return ((x * 1.0) * 1e10).tanh() * scale

    step, _ = compiled_step(make, [x, scale])
    scale.data = 1e300  # the forward pass stays finite; d/dx would be 1e310
    with pytest.raises(OverflowError) as theirs:
        engine(make, [x, scale])
    x.grad = scale.grad = 0.0
    with pytest.raises(OverflowError) as mine:
        step()
    assert str(mine.value) == str(theirs.value)
    assert "the grad of" in str(mine.value)


def test_finite_grads_that_add_up_to_inf_need_no_engine(monkeypatch) -> None:
    a, b, x = Value(0.5), Value(0.5), Value(1e308)
    step, (loss, grads) = compiled_step(lambda: a * x + b * x, [a, b], inputs=[x])
    assert (loss, grads) == (1e308, [1e308, 1e308])  # each grad finite, their sum is not
    runs = []
    monkeypatch.setattr(compiled.CompiledStep, "through_engine", lambda self: runs.append(1))
    a.grad = b.grad = 0.0
    assert step() == 1e308 and runs == []  # the compiled program's own result


def test_a_log_of_a_negative_number_is_named_as_the_engine_names_it() -> None:
    x = Value(2.0)
    step, _ = compiled_step(lambda: (x * 1.0).log(), [x])
    x.data = -1.0
    with pytest.raises(ValueError, match=r"log: needs a positive input, got -1\.0"):
        step()


def test_a_power_outside_the_engines_domain_is_named_as_the_engine_names_it() -> None:
    w, z = Value(1.0), Value(4.0)  # z an input: no grad of z would divide by 0 for it
    step, _ = compiled_step(lambda: (z**0.5) * w, [w], inputs=[z])
    z.data = 0.0
    with pytest.raises(ValueError, match=r"the derivative of x \*\* 0\.5 is infinite at x = 0"):
        step()
    p = Value(2.0)
    step, _ = compiled_step(lambda: p ** Value(2.0), [p])
    p.data = -2.0
    with pytest.raises(ValueError, match=r"-2\.0 \*\* b with a Value exponent needs a positive"):
        step()


# ---- what compile refuses ----------------------------------------------------------------------


def test_compile_refuses_what_it_cannot_compile_with_a_reason() -> None:
    x = Value(1.0)
    early = x * 2.0  # made before the tape opened
    with Tape() as tape:
        inside = x * 3.0
        late = early + 1.0
    cases = [
        (lambda: tape.compile(x, [x]), "the loss is a leaf"),
        (lambda: tape.compile(1.0, [x]), "the loss must be a Value, got float"),  # type: ignore[arg-type]
        (lambda: tape.compile(early, [x]), "not made while this tape was open"),
        (lambda: tape.compile(late, [x]), "made before the tape opened"),
        (lambda: tape.compile(inside, [inside]), "params must be leaves"),
        (lambda: tape.compile(inside, [x], inputs=[["a"]]), "inputs must hold Values, got str"),
        (lambda: tape.compile(inside, [x], outputs=[x]), "outputs must be nodes made by gates"),
    ]
    for run, words in cases:
        with pytest.raises(CompileError, match=words):
            run()


def test_params_and_inputs_may_be_any_iterable() -> None:
    a, x = Value(1.0), Value(2.0)
    with Tape() as tape:
        loss = a * x * 3.0
    step = tape.compile(loss, params=(p for p in [a]), inputs=iter([(x,)]))
    a.grad = 0.0
    assert step() == 6.0 and a.grad == 6.0


def test_a_big_graph_without_a_loop_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(compiled, "STRAIGHT_LINE_LIMIT", 20)
    x = Value(0.5)
    with Tape() as tape:
        y = x
        for _ in range(30):
            y = y * 1.01
    with pytest.raises(CompileError, match="30 nodes and no loop over samples"):
        tape.compile(y, [x])
