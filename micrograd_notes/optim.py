"""Optimizers: SGD (with momentum and weight decay) and Adam, as PyTorch defines them.

A step refuses, with an ``OverflowError`` naming the parameter, a grad that is not finite (the
engine's ``backward()`` checks the grads it passes on, not those it leaves in the leaves: they
are checked here) and an update that would overflow a weight; no weight is changed then.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from micrograd_notes.engine import Value
from micrograd_notes.helpers import quoted, real_to_float


class Optimizer:
    """Holds the parameters; ``step()`` moves them along their grads, ``zero_grad()`` clears."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"optimizer parameters must be Values, got {type(p).__name__}")
            if not p.is_leaf:  # as PyTorch refuses a non-leaf tensor
                raise ValueError(
                    f"optimizer parameter {i} is the output of a {p.op!r} gate, not a leaf: "
                    "give the optimizer a model's parameters (model.parameters()), not what "
                    "the model computes from them, which the next call makes anew"
                )
        self.lr = _hyperparameter(lr, "lr", "a finite number > 0", lambda x: x > 0.0)

    def step(self) -> None:
        """One update of every parameter (each optimizer says how)."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0."""
        for p in self.params:
            p.grad = 0.0

    def _grads(self) -> list[float]:
        # A NaN or inf here would silently wreck every weight it touches: stop instead.
        # (backward() checks the grads it passes on; a leaf's is checked here, where it is read.)
        grads = [p.grad for p in self.params]
        i = _first_non_finite(grads)
        if i is not None:
            raise OverflowError(
                f"parameter {i} has a non-finite grad ({grads[i]}); lower the learning rate "
                "or check the loss"
            )
        return grads

    def _write(self, new_data: list[float], state: dict[str, list[float]]) -> None:
        # Check every updated weight before writing any: a step that overflows a float
        # (a huge lr times a big grad) would otherwise leave -inf or nan in a weight.
        i = _first_non_finite(new_data)
        if i is not None:
            raise OverflowError(
                f"parameter {i} would become {new_data[i]} (data {self.params[i].data:.6g}, "
                f"grad {self.params[i].grad:.6g}, lr {self.lr:g}); no weight was changed. "
                "Lower the learning rate"
            )
        # The optimizer's new memory too: Adam's g*g is inf for a finite g = 1e200, and an
        # inf v freezes that weight for good (its every later step is m / inf = 0).
        for name, values in state.items():
            i = _first_non_finite(values)
            if i is not None:
                raise OverflowError(
                    f"parameter {i}'s {name} would become {values[i]} (grad "
                    f"{self.params[i].grad:.6g}); no weight was changed. Scale the loss "
                    "down or clip the grads"
                )
        for p, x in zip(self.params, new_data):
            p.data = x


def _hyperparameter(x: object, name: str, meant: str, ok: Callable[[float], bool]) -> float:
    """``x`` as a float when it is a finite real number for which ``ok`` holds; else an error
    naming the hyperparameter, ``meant`` saying what it must be."""
    number = real_to_float(x)
    if number is None:
        raise TypeError(f"{name} must be {meant}, got {type(x).__name__} {quoted(x)}")
    if not (math.isfinite(number) and ok(number)):
        raise ValueError(f"{name} must be {meant}, got {quoted(x)}")
    return number


def _first_non_finite(values: list[float]) -> int | None:
    """The index of the first inf or nan in ``values``; None when every one is finite.

    One sum at C speed answers the usual case: a finite sum means every term is finite.
    """
    if math.isfinite(sum(values)):
        return None
    return next((i for i, x in enumerate(values) if not math.isfinite(x)), None)


def _fraction(x: float) -> bool:
    """A momentum or a beta: a share of the old average kept at each step, in [0, 1)."""
    return 0.0 <= x < 1.0


class SGD(Optimizer):
    """v = momentum · v + (g + weight_decay · p);  p = p - lr · v."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _hyperparameter(momentum, "momentum", "a number in [0, 1)", _fraction)
        self.weight_decay = _hyperparameter(
            weight_decay, "weight_decay", "a finite number >= 0", lambda x: x >= 0.0
        )
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter."""
        velocity = [
            self.momentum * v + g + self.weight_decay * p.data
            for p, g, v in zip(self.params, self._grads(), self.velocity)
        ]
        self._write(
            [p.data - self.lr * v for p, v in zip(self.params, velocity)], {"velocity": velocity}
        )
        self.velocity = velocity


class Adam(Optimizer):
    """m, v = running means of g and g^2;  p = p - lr · m̂ / (sqrt(v̂) + eps), bias-corrected."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        try:
            b1, b2 = betas
        except (TypeError, ValueError):  # not a pair
            raise TypeError(f"betas must be two numbers in [0, 1), got {quoted(betas)}") from None
        self.betas = (
            _hyperparameter(b1, "betas[0]", "a number in [0, 1)", _fraction),
            _hyperparameter(b2, "betas[1]", "a number in [0, 1)", _fraction),
        )
        self.eps = _hyperparameter(eps, "eps", "a finite number > 0", lambda x: x > 0.0)
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter."""
        grads = self._grads()
        t = self.t + 1
        b1, b2 = self.betas
        correction1, correction2 = 1.0 - b1**t, 1.0 - b2**t
        m = [b1 * m_i + (1.0 - b1) * g for m_i, g in zip(self.m, grads)]
        v = [b2 * v_i + (1.0 - b2) * g * g for v_i, g in zip(self.v, grads)]
        self._write(
            [
                p.data - self.lr * (m_i / correction1) / (math.sqrt(v_i / correction2) + self.eps)
                for p, m_i, v_i in zip(self.params, m, v)
            ],
            {"first moment m": m, "second moment v": v},
        )
        self.t, self.m, self.v = t, m, v  # the state moves on only with the weights
