"""The training step, defined once: forward on a batch, loss, backward, an update.

``demo.train``, the site's training lab (web/lab.py) and the training benchmark all step
through ``train_step``. Its loss is the max-margin (hinge) loss on labels in {-1, +1} unless
the caller names another (the lab: binary cross-entropy on {0, 1}), plus alpha·Σ p^2 over the
parameters. ``Training`` adds the demo's recipe around it: plain SGD whose learning rate falls
linearly from 1.0 to 0.1.

Nothing here imports NumPy: the playground runs this module in the browser, under Pyodide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from micrograd_notes.engine import Value
from micrograd_notes.losses import accuracy, hinge, l2
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD, Optimizer
from micrograd_notes.tape import Tape, gc_paused

ALPHA = 1e-4  # the L2 weight of the demo's loss

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
    fast: bool = True,
) -> tuple[float, float]:
    """One step on a batch: loss(model(x), y) + alpha·Σ p^2, backward, ``optimizer``.

    Returns the loss and the accuracy on the batch (a score's sign against the label's: labels
    in {-1, +1} or {0, 1}), both before the update. The L2 term is over the optimizer's
    parameters (the model's). ``fast`` runs the step on the engine's fast path
    (same results): a ``Tape`` records the graph as it is built, so ``backward()`` needs no
    graph search, and the cyclic GC, useless on these acyclic graphs, is paused meanwhile. The
    graph is dropped inside the block, so it is freed (when the tape goes) before the collector
    is back: a live graph would cost the collector's next pass a walk over every node.
    """
    if not fast:
        return _step(model, inputs, labels, optimizer, alpha, loss)
    with gc_paused(), Tape():
        return _step(model, inputs, labels, optimizer, alpha, loss)


def _step(
    model: MLP,
    inputs: Sequence[Sequence[float]],
    labels: Sequence[float],
    optimizer: Optimizer,
    alpha: float,
    loss: Loss,
) -> tuple[float, float]:
    """``train_step`` on whichever path it was called; the graph is freed on return."""
    scores: list[Value] = [model(x) for x in inputs]  # type: ignore[misc]  # one output each
    total = loss(scores, labels) + l2(optimizer.params, alpha)
    optimizer.zero_grad()
    total.backward()
    optimizer.step()
    return total.data, accuracy(scores, labels)


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
    ) -> None:
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be an int >= 1, got {steps!r}")
        self.model, self.inputs, self.labels = model, inputs, labels
        self.optimizer = SGD(model.parameters(), lr=1.0)
        self.steps, self.alpha, self.done = steps, alpha, 0

    def step(self) -> tuple[float, float]:
        """The next step: its loss and training accuracy (before the update)."""
        if self.done >= self.steps:
            raise ValueError(f"training is over: all {self.steps} steps are done")
        self.optimizer.lr = 1.0 - 0.9 * self.done / self.steps
        result = train_step(self.model, self.inputs, self.labels, self.optimizer, self.alpha)
        self.done += 1
        return result
