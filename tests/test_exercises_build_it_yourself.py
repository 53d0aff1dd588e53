"""Notebook 01's exercises: neuron_grads and three by hand, each mistake submitted on purpose."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_mistake

from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.build_it_yourself import CASES, engine_grads, neuron_grads

EX = exercise("neuron_grads")


def forward(xs, ws, b):
    n = sum(w * x for w, x in zip(ws, xs)) + b
    return n, math.tanh(n)


def test_the_solution_passes_and_so_does_one_written_with_numpy() -> None:
    def with_numpy(xs, ws, b, y):
        xs, ws = np.array(xs), np.array(ws)
        o = np.tanh(xs @ ws + b)
        dn = 2 * (o - y) * (1 - o**2)
        return xs * dn, dn  # an array and a NumPy scalar

    assert EX.accepts(neuron_grads) and EX.accepts(with_numpy)


@pytest.mark.parametrize("xs, ws, b, y", CASES)
def test_the_solution_agrees_with_the_engine_and_with_finite_differences(xs, ws, b, y) -> None:
    def loss(ws, b):
        return (forward(xs, ws, b)[1] - y) ** 2

    dws, db = neuron_grads(xs, ws, b, y)
    assert np.allclose(dws, engine_grads(xs, ws, b, y)[0], rtol=1e-12, atol=0)
    h = 1e-6
    for i in range(len(ws)):
        up, down = list(ws), list(ws)
        up[i] += h
        down[i] -= h
        assert math.isclose(dws[i], (loss(up, b) - loss(down, b)) / (2 * h), rel_tol=1e-6)
    assert math.isclose(db, (loss(ws, b + h) - loss(ws, b - h)) / (2 * h), rel_tol=1e-6)


def slip(dn_of, times_of):
    """A neuron_grads whose gradient at n is dn_of(n, o, y) and dws[i] is it times times_of."""

    def answer(xs, ws, b, y):
        n, o = forward(xs, ws, b)
        dn = dn_of(n, o, y)
        return [dn * m for m in times_of(xs, ws)], dn

    return answer


def by_x(xs, ws):
    return xs


@pytest.mark.parametrize(
    "answer, words",
    [
        (slip(lambda n, o, y: 2 * (o - y), by_x), "tanh's local derivative 1 − o² is missing"),
        (slip(lambda n, o, y: 2 * (o - y) * (1 - n * n), by_x), "1 − n², with n the input"),
        (slip(lambda n, o, y: 2 * (o - y) * (1 - o), by_x), "not 1 − o"),
        (slip(lambda n, o, y: 1 - o * o, by_x), "the gradient of o, not of L"),
        (slip(lambda n, o, y: 2 * (y - o) * (1 - o * o), by_x), "the sign is flipped"),
        (slip(lambda n, o, y: (o - y) * (1 - o * o), by_x), "the slope of u² is 2u"),
        (
            slip(lambda n, o, y: 2 * (o - y) * (1 - o * o), lambda xs, ws: ws),
            "the OTHER input's value",
        ),
        (
            slip(lambda n, o, y: 2 * (o - y) * (1 - o * o), lambda xs, ws: [1.0] * len(xs)),
            "needs dn/dws[i] = xs[i]",
        ),
    ],
    ids=["no-tanh", "1-n2", "1-o", "no-loss", "sign", "half", "no-swap", "no-x"],
)
def test_each_slip_of_the_chain_is_named(answer, words) -> None:
    message = assert_mistake(EX, answer, words)
    assert "(reread 'Step 2: every gradient of one neuron, by hand')" in message


def test_a_wrong_db_alone_is_named() -> None:
    def db_of_one(xs, ws, b, y):
        dws, db = neuron_grads(xs, ws, b, y)
        return dws, db / (1 - forward(xs, ws, b)[1] ** 2)  # tanh's slope left out of db only

    assert_mistake(EX, db_of_one, "db", "tanh's local derivative 1 − o² is missing")


def test_wrong_forms_are_named() -> None:
    def one_list(xs, ws, b, y):
        dws, db = neuron_grads(xs, ws, b, y)
        return [*dws, db]

    def short(xs, ws, b, y):
        dws, db = neuron_grads(xs, ws, b, y)
        return dws[:-1], db

    def db_in_a_list(xs, ws, b, y):
        dws, db = neuron_grads(xs, ws, b, y)
        return dws, [db]

    def raises(xs, ws, b, y):
        return [x / 0 for x in xs], 0.0

    assert_mistake(EX, one_list, "one flat list of 2 numbers: return a pair (dws, db)")
    assert_mistake(EX, short, "dws has shape (0,); expected (1,)")
    assert_mistake(EX, db_in_a_list, "db is a list of one")
    assert_mistake(EX, raises, "ZeroDivisionError", "return [x / 0 for x in xs], 0.0")


# ---- the numbers ---------------------------------------------------------------------------------


def test_mul_down_diff_and_its_slips() -> None:
    ex = exercise("mul_down_diff")
    assert ex.accepts(-2.0 * 4.0)
    assert_mistake(ex, 3.0 * 4.0, "that is dL/db")
    assert_mistake(ex, -2.0, "local_diff alone")
    assert_mistake(ex, 8.0, "the sign is flipped")


def test_passes_without_reset() -> None:
    ex = exercise("passes_without_reset")
    assert ex.accepts(3) and ex.accepts(3.0)
    assert_mistake(ex, 1, "nothing here sets it back to 0")
    assert_mistake(ex, 2, "too low")


def test_step_that_lands_and_its_slips() -> None:
    ex = exercise("step_that_lands")
    # dL/dw = 2·(2w − 3)·2 = 8·(w − 1.5): a step of lr = 1/8 lands on w = 1.5 from anywhere.
    assert ex.accepts(1 / 8) and ex.accepts(0.125)
    for start in (-4.0, 0.0, 7.0):
        assert math.isclose(start - ex.solution() * 8 * (start - 1.5), 1.5)
    assert_mistake(ex, 0.25, "twice too large", "Step 7: how far to step: the learning rate")
    assert_mistake(ex, 1 / 16, "only halfway")


def test_a_triple_is_not_a_pair() -> None:
    def triple(xs, ws, b, y):
        dws, db = neuron_grads(xs, ws, b, y)
        return dws, db, 0.0

    assert_mistake(EX, triple, "should return the 2 arrays (dws, db)")
