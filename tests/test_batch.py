"""The batch in a recorded graph: which sums become a loop over samples, and why not."""

from __future__ import annotations

import random

import pytest

from micrograd_notes import Tape, Value
from micrograd_notes.losses import hinge, l2
from micrograd_notes.nn import MLP


def _data(n: int, seed: int = 0) -> tuple[list[list[Value]], list[float]]:
    rng = random.Random(seed)
    xs = [[Value(rng.uniform(-2, 2)), Value(rng.uniform(-2, 2))] for _ in range(n)]
    return xs, [rng.choice((-1.0, 1.0)) for _ in range(n)]


def _compile_and_compare(make, params):
    """The compiled step of make()'s graph, checked against the engine on the tape."""
    with Tape() as tape:
        loss = make()
    step = tape.compile(loss, params=params)
    for p in params:
        p.grad = 0.0
    got = step(), [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    with Tape():
        again = make()
        again.backward()
    assert got == (again.data, [p.grad for p in params])  # bit for bit, loop or not
    return step


def test_the_l2_term_may_come_before_or_after_the_samples() -> None:
    model = MLP(2, [4, 1], seed=1)
    params = model.parameters()
    xs, ys = _data(6)
    first = _compile_and_compare(
        lambda: l2(params, 0.01) + hinge([model(x) for x in xs], ys), params
    )
    last = _compile_and_compare(
        lambda: hinge([model(x) for x in xs], ys) + l2(params, 0.01), params
    )
    assert first.samples == last.samples == 6


@pytest.mark.parametrize(
    ("make_terms", "why"),
    [
        (lambda m, xs: [m(x).tanh() if k % 2 else m(x).relu() for k, x in enumerate(xs)],
         "sample 1's graph has other gates than sample 0's"),
        (lambda m, xs: (lambda s: [s * m(x) for x in xs])(m(xs[0]) * 1.0),
         "sample 1 shares a node with another sample"),
        (lambda m, xs: [m(x) for x in xs] + [Value(1.0)], "a term is a leaf"),
    ],
    ids=["other gates", "a shared node", "a leaf term"],
)  # fmt: skip
def test_terms_that_are_not_one_shape_make_a_straight_line_program(make_terms, why) -> None:
    model = MLP(2, [3, 1], seed=2)
    params = model.parameters()
    xs, _ = _data(5, seed=2)
    step = _compile_and_compare(lambda: Value.sum(make_terms(model, xs)) * 0.2, params)
    assert step.samples == 0
    assert len(step.notes) == 1 and step.notes[0].startswith("no loop over samples: ")
    assert __import__("re").search(why, step.notes[0]), step.notes[0]


def test_samples_built_layer_by_layer_make_a_straight_line_program() -> None:
    # All samples' first layer, then all samples' second: the engine adds into the first
    # layer's weights after the second's for every sample; a loop would add them otherwise.
    model = MLP(2, [3, 1], seed=3)
    params = model.parameters()
    first, second = model.layers
    xs, ys = _data(4, seed=3)

    def make() -> Value:
        hidden = [first(x) for x in xs]
        return hinge([second(h)[0] for h in hidden], ys)

    step = _compile_and_compare(make, params)
    assert step.samples == 0 and "built interleaved" in step.notes[0]


def test_a_node_used_outside_its_sample_makes_a_straight_line_program() -> None:
    model = MLP(2, [3, 1], seed=4)
    params = model.parameters()
    xs, ys = _data(4, seed=4)

    def make() -> Value:
        scores = [model(x) for x in xs]
        return hinge(scores, ys) + scores[2] * 0.5  # a score also used outside the mean

    step = _compile_and_compare(make, params)
    assert step.samples == 0 and "outside the sum uses a node of a sample" in step.notes[0]


def test_the_sum_of_the_most_terms_becomes_the_loop() -> None:
    model = MLP(2, [3, 1], seed=5)
    params = model.parameters()
    xs, ys = _data(7, seed=5)

    def make() -> Value:
        small = Value.sum([p * p for p in params[:3]])  # a sum of 3 terms: not the batch
        return hinge([model(x) for x in xs], ys) + small

    assert _compile_and_compare(make, params).samples == 7


def test_a_sample_may_use_a_leaf_twice_and_leaves_of_its_own() -> None:
    w = Value(0.7)
    xs = [Value(float(k) / 3) for k in range(5)]

    def make() -> Value:
        return Value.sum([(w * x * x + x).tanh() for x in xs])

    step = _compile_and_compare(make, [w])
    assert step.samples == 5
    # Sample 2 uses another leaf twice: x * x there too; a sample using two leaves where the
    # others use one is not the same shape.
    ys = [Value(0.1) for _ in range(5)]

    def mixed() -> Value:
        return Value.sum([(w * x * (ys[k] if k == 3 else x)).tanh() for k, x in enumerate(xs)])

    step = _compile_and_compare(mixed, [w])
    assert step.samples == 0 and "uses its leaves differently" in step.notes[0]


def test_a_node_made_between_the_samples_that_adds_into_their_params_means_no_loop() -> None:
    # The engine's sweep adds reg's down_diff into w between sample 1's and sample 0's: a loop
    # over the samples, with reg after it, would add them in another order (here, w's grad
    # would differ in its last bit).
    w, v = Value(0.524560164915884), Value(-0.9957878932977786)
    xs = [Value(-0.2184512237807943), Value(0.8861601293631303)]

    def make() -> Value:
        t0 = (w * xs[0]).tanh()
        reg = w * w + v * v
        t1 = (w * xs[1]).tanh()
        return Value.sum([t0, t1]) + reg

    step = _compile_and_compare(make, [w, v])  # the engine's numbers, bit for bit
    assert step.samples == 0
    assert step.notes == (
        "no loop over samples: the * node was made between the samples' nodes (the sum of 2 terms)",
    )
