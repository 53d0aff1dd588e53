"""Optimizers against updates worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_notes import Value
from micrograd_notes.nn import Conv1d
from micrograd_notes.optim import SGD, Adam


def test_sgd_plain_step() -> None:
    p = Value(1.0)
    p.grad = 0.5
    SGD([p], lr=0.1).step()
    assert p.data == pytest.approx(1.0 - 0.1 * 0.5)


def test_sgd_momentum_and_weight_decay_over_two_steps() -> None:
    p = Value(2.0)
    opt = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    p.grad = 1.0
    opt.step()
    v1 = 1.0 + 0.01 * 2.0  # g + wd p
    assert p.data == pytest.approx(2.0 - 0.1 * v1)
    p_after_1 = p.data
    p.grad = -0.5
    opt.step()
    v2 = 0.9 * v1 + (-0.5 + 0.01 * p_after_1)
    assert p.data == pytest.approx(p_after_1 - 0.1 * v2)


def test_adam_two_steps_by_hand() -> None:
    p = Value(1.0)
    opt = Adam([p], lr=0.01, betas=(0.9, 0.99), eps=1e-8)
    m = v = 0.0
    data = 1.0
    for t, g in enumerate([0.3, -0.2], start=1):
        p.grad = g
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.99 * v + 0.01 * g * g
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.99**t)
        data -= 0.01 * m_hat / (math.sqrt(v_hat) + 1e-8)
        assert p.data == pytest.approx(data, rel=1e-14)
    # The first Adam step moves every parameter by about lr, whatever the grad's size.
    q = Value(0.0)
    q.grad = 1e-3  # large enough that eps (1e-8) is negligible beside sqrt(v_hat)
    Adam([q], lr=0.01).step()
    assert q.data == pytest.approx(-0.01, rel=1e-3)


def test_zero_grad() -> None:
    ps = [Value(1.0), Value(2.0)]
    for p in ps:
        p.grad = 3.0
    SGD(ps, lr=0.1).zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


@pytest.mark.parametrize("opt_cls", [SGD, Adam])
def test_non_finite_grad_stops_the_step(opt_cls) -> None:
    ps = [Value(1.0), Value(2.0)]
    ps[1].grad = math.inf
    with pytest.raises(OverflowError, match="parameter 1 has a non-finite grad"):
        opt_cls(ps, lr=0.1).step()
    assert [p.data for p in ps] == [1.0, 2.0]  # nothing was changed


@pytest.mark.parametrize(
    "make", [lambda ps: SGD(ps, lr=1e300), lambda ps: SGD(ps, lr=1.0, weight_decay=1e308)]
)
def test_a_step_that_would_overflow_a_weight_changes_none(make) -> None:
    ps = [Value(1.0), Value(2.0)]
    ps[0].grad, ps[1].grad = 1.0, 1e10
    opt = make(ps)
    with pytest.raises(OverflowError, match=r"parameter 1 would become -inf .* no weight"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0]
    assert opt.velocity == [0.0, 0.0]  # the optimizer's state did not move on either


def test_adam_state_moves_on_only_with_the_weights() -> None:
    ps = [Value(-1e308)]
    ps[0].grad = 1.0
    opt = Adam(ps, lr=1e308)  # Adam's step is about lr: -1e308 - 1e308 overflows
    with pytest.raises(OverflowError, match="parameter 0 would become -inf"):
        opt.step()
    assert (ps[0].data, opt.t, opt.m, opt.v) == (-1e308, 0, [0.0], [0.0])


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: SGD([], lr=0.1), ValueError, "empty parameter list"),
        (lambda: SGD([Value(1.0)], lr=0.0), ValueError, "lr must be"),
        (lambda: SGD([Value(1.0)], lr=math.nan), ValueError, "lr must be"),
        (lambda: SGD([Value(1.0)], lr=0.1, momentum=1.0), ValueError, "momentum"),
        (lambda: SGD([Value(1.0)], lr=0.1, weight_decay=-1), ValueError, "weight_decay"),
        (lambda: SGD([1.0], lr=0.1), TypeError, "must be Values, got float"),
        (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, "betas"),
        (lambda: Adam([Value(1.0)], eps=0.0), ValueError, "eps"),
    ],
)
def test_bad_hyperparameters(make, error, words: str) -> None:
    with pytest.raises(error, match=words):
        make()


def test_a_step_that_would_overflow_adams_state_changes_nothing() -> None:
    # g*g = 1e400 overflows v while the weight stays finite; an inf v would then freeze that
    # weight for good (every later step is m / inf = 0). SGD's velocity cannot overflow alone:
    # its weight, p - lr * velocity, overflows with it.
    ps = [Value(1.0), Value(2.0)]
    ps[0].grad, ps[1].grad = 0.5, 1e200
    opt = Adam(ps, lr=0.1)
    with pytest.raises(OverflowError, match="parameter 1's second moment v would become inf"):
        opt.step()
    assert (ps[0].data, ps[1].data, opt.t, opt.m, opt.v) == (1.0, 2.0, 0, [0.0, 0.0], [0.0, 0.0])


def test_the_outputs_of_a_layer_are_refused_as_parameters() -> None:
    conv = Conv1d(2)
    outputs = conv([1.0, 2.0, 3.0])  # what the layer computes, not its parameters
    with pytest.raises(ValueError, match=r"parameter 0 is the output of a 'dot' gate, not a leaf"):
        SGD(outputs, lr=0.1)
    with pytest.raises(
        ValueError, match=r"parameter 1 is the output of a '\*' gate.*parameters\(\)"
    ):
        Adam([Value(1.0), Value(2.0) * 3])
    assert SGD(conv.parameters(), lr=0.1).params == conv.parameters()  # leaves, as meant


@pytest.mark.parametrize(
    ("opt_cls", "given", "named"),
    [
        (SGD, {"lr": "0.01"}, "lr"),
        (SGD, {"momentum": "0.9"}, "momentum"),
        (SGD, {"weight_decay": None}, "weight_decay"),
        (Adam, {"lr": "1e-3"}, "lr"),
        (Adam, {"betas": ("0.9", 0.999)}, r"betas\[0\]"),
        (Adam, {"betas": (0.9, [0.999])}, r"betas\[1\]"),
        (Adam, {"eps": "1e-8"}, "eps"),
    ],
)
def test_a_hyperparameter_that_is_not_a_number_is_named(opt_cls, given, named: str) -> None:
    with pytest.raises(TypeError, match=rf"^{named} must be a (finite )?number.*, got \w+ "):
        opt_cls([Value(1.0)], **given)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (
            lambda: Adam([Value(1.0)], betas=0.9),
            r"^betas must be two numbers in \[0, 1\), got 0\.9",
        ),
        (lambda: Adam([Value(1.0)], betas=(0.9,)), r"^betas must be two numbers"),
        (
            lambda: SGD([Value(1.0)], lr=0.1, weight_decay=math.inf),
            r"^weight_decay must be a finite",
        ),
        (lambda: Adam([Value(1.0)], eps=math.inf), r"^eps must be a finite number > 0, got inf"),
    ],
)
def test_betas_must_be_a_pair_and_every_hyperparameter_finite(make, words: str) -> None:
    with pytest.raises((TypeError, ValueError), match=words):
        make()


def test_numpy_hyperparameters_are_read_as_floats() -> None:
    opt = Adam([Value(1.0)], lr=np.float32(0.5), betas=(np.float64(0.5), 0), eps=np.int64(1))
    assert (opt.lr, opt.betas, opt.eps) == (0.5, (0.5, 0.0), 1.0)
    assert all(type(x) is float for x in (opt.lr, *opt.betas, opt.eps))
