"""The training step, defined once: forward on a batch, loss, backward, an update.

``demo.train``, the site's training lab (web/lab.py) and the training benchmark all step
through ``train_step``. Its loss is the max-margin (hinge) loss on labels in {-1, +1} unless
the caller names another (the lab: binary cross-entropy on {0, 1}), plus alpha·Σ p^2 over the
parameters. ``Training`` adds the demo's recipe around it: plain SGD whose learning rate falls
linearly from 1.0 to 0.1.

A step runs on one of three paths, with the same numbers, bit for bit (``PATHS``):

- ``"compiled"`` (the default): the step's graph is recorded once and compiled into a Python
  function (``Tape.compile``; notebook 03 prints one), reused while the model, the optimizer,
  the batch size, the loss and alpha stay the same: each step writes the batch into the
  graph's input leaves and runs the function. About 2.6x faster than the same step in
  hand-written floats (0.39x and 0.37x their time on Python 3.11 and 3.13: README.md).
- ``"tape"``: the engine on its fast path: the graph built again, on a ``Tape``, with the
  cyclic garbage collector paused (``tape.py``).
- ``"engine"``: the engine as a learner first meets it: the graph built, ``backward()``.

Nothing here imports NumPy: the playground runs this module in the browser, under Pyodide.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import chain
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from micrograd_notes.engine import Value
from micrograd_notes.losses import accuracy, hinge, l2
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD, Optimizer
from micrograd_notes.tape import Tape, gc_paused

if TYPE_CHECKING:
    from micrograd_notes.compiled import CompiledStep

ALPHA = 1e-4  # the L2 weight of the demo's loss
PATHS = ("compiled", "tape", "engine")

# A loss of the scores and the labels: hinge, binary_cross_entropy, mse...
Loss = Callable[[Sequence[Value], Sequence[float]], Value]


def train_step(
    model: MLP,
    inputs: Sequence[Sequence[float]],
    labels: Sequence[float],
    optimizer: Optimizer,
    alpha: float = ALPHA,
    *,
    loss: Loss = hinge,
    path: str = "compiled",
) -> tuple[float, float]:
    """One step on a batch: loss(model(x), y) + alpha·Σ p^2, backward, ``optimizer``.

    Returns the loss and the accuracy on the batch (a score's sign against the label's: labels
    in {-1, +1} or {0, 1}), both before the update. The L2 term is over the optimizer's
    parameters (the model's). ``path`` is one of ``PATHS`` (see the module's notes); on the
    tape path the graph is dropped inside the block, so it is freed (when the tape goes)
    before the collector is back: a live graph would cost the collector's next pass a walk
    over every node.
    """
    if path == "compiled":
        return _compiled(model, inputs, labels, optimizer, alpha, loss)
    if path == "tape":
        with gc_paused(), Tape():
            return _step(model, inputs, labels, optimizer, alpha, loss)
    if path == "engine":
        return _step(model, inputs, labels, optimizer, alpha, loss)
    raise ValueError(f"path must be one of {', '.join(PATHS)}, got {path!r}")


def _step(
    model: MLP,
    inputs: Sequence[Sequence[float]],
    labels: Sequence[float],
    optimizer: Optimizer,
    alpha: float,
    loss: Loss,
) -> tuple[float, float]:
    """``train_step`` on the engine; the graph is freed on return."""
    scores: list[Value] = [model(x) for x in inputs]  # type: ignore[misc]  # one output each
    total = loss(scores, labels) + l2(optimizer.params, alpha)
    optimizer.zero_grad()
    total.backward()
    optimizer.step()
    return total.data, accuracy(scores, labels)


class _Recorded:
    """A compiled training step, with the leaves each step writes its batch into."""

    def __init__(
        self,
        key: tuple[object, ...],
        model: MLP,
        inputs: Sequence[Sequence[float]],
        labels: Sequence[float],
        optimizer: Optimizer,
        alpha: float,
        loss: Loss,
    ) -> None:
        self.key, self.params = key, list(optimizer.params)
        self.labels = set(labels)  # the labels the loss has checked (see _compiled)
        self.xs = [[Value(v) for v in x] for x in inputs]
        self.ys = [Value(y) for y in labels]  # leaves: the loss keeps them as they are
        self.leaves = [leaf for x in self.xs for leaf in x]
        with gc_paused(), Tape() as tape:
            self.scores: list[Value] = [model(x) for x in self.xs]  # type: ignore[misc]
            total = loss(self.scores, self.ys) + l2(optimizer.params, alpha)  # type: ignore[arg-type]
            self.step: CompiledStep = tape.compile(
                total, optimizer.params, inputs=[self.xs, self.ys], outputs=self.scores
            )


_FLOAT = frozenset({float})
# One compiled step per optimizer (a training run), dropped with it.
_recorded: WeakKeyDictionary[Optimizer, _Recorded] = WeakKeyDictionary()


def compiled_step(optimizer: Optimizer) -> CompiledStep | None:
    """The compiled step ``train_step`` keeps for ``optimizer`` (None before its first step on
    the compiled path): ``print(compiled_step(optimizer).source)`` shows the program."""
    recorded = _recorded.get(optimizer)
    return None if recorded is None else recorded.step


def _compiled(
    model: MLP,
    inputs: Sequence[Sequence[float]],
    labels: Sequence[float],
    optimizer: Optimizer,
    alpha: float,
    loss: Loss,
) -> tuple[float, float]:
    """``train_step`` on the compiled path: record and compile the step when anything it was
    made from has changed, else write the batch into its leaves and run it."""
    key = (id(model), len(inputs), frozenset(map(len, inputs)), loss, alpha)
    recorded = _recorded.get(optimizer)
    # The loss checked the labels it was recorded with: a label it has not seen (perhaps one
    # it refuses) is recorded again, and checked.
    if (
        recorded is None
        or recorded.key != key
        or recorded.params != optimizer.params
        or not recorded.labels.issuperset(labels)
    ):
        recorded = _recorded[optimizer] = _Recorded(
            key, model, inputs, labels, optimizer, alpha, loss
        )
    data = list(chain.from_iterable(inputs))
    if not (_FLOAT.issuperset(map(type, data)) and math.isfinite(sum(data))):
        data = [Value(v).data for v in data]  # refused as the engine refuses a bad number
    for leaf, v in zip(recorded.leaves, data):
        leaf.data = v
    for leaf, y in zip(recorded.ys, labels):
        leaf.data = float(y)
    with gc_paused():
        optimizer.zero_grad()
        value = recorded.step()
        optimizer.step()
    return value, accuracy(recorded.scores, labels)


class Training:
    """The demo's recipe, one step at a time: ``train_step`` with SGD on ``model``, the
    learning rate falling linearly from 1.0 (the first step) towards 0.1 over ``steps``."""

    def __init__(
        self,
        model: MLP,
        inputs: Sequence[Sequence[float]],
        labels: Sequence[float],
        steps: int,
        alpha: float = ALPHA,
        path: str = "compiled",
    ) -> None:
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be an int >= 1, got {steps!r}")
        if path not in PATHS:
            raise ValueError(f"path must be one of {', '.join(PATHS)}, got {path!r}")
        self.model, self.inputs, self.labels = model, inputs, labels
        self.optimizer = SGD(model.parameters(), lr=1.0)
        self.steps, self.alpha, self.done, self.path = steps, alpha, 0, path

    def step(self) -> tuple[float, float]:
        """The next step: its loss and training accuracy (before the update)."""
        if self.done >= self.steps:
            raise ValueError(f"training is over: all {self.steps} steps are done")
        self.optimizer.lr = 1.0 - 0.9 * self.done / self.steps
        result = train_step(
            self.model, self.inputs, self.labels, self.optimizer, self.alpha, path=self.path
        )
        self.done += 1
        return result
