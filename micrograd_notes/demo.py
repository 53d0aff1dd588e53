"""The demo: train a small MLP on a 2-D toy dataset and save what there is to look at.

The recipe is the classic micrograd one: MLP(2, [16, 16, 1]), max-margin (hinge) loss plus a
little L2, plain SGD whose learning rate decays linearly from 1.0 to 0.1.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure  # the object API: no pyplot, no global backend switch
from tqdm import tqdm

from micrograd_notes import data as datasets
from micrograd_notes.engine import Tape, Value, gc_paused
from micrograd_notes.losses import accuracy, hinge, l2
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD
from micrograd_notes.vectorized import VectorizedMLP
from micrograd_notes.viz import RenderError
from micrograd_notes.weights import save

DATASETS: dict[str, Callable[..., datasets.Dataset]] = {
    "moons": datasets.make_moons,
    "circles": datasets.make_circles,
    "xor": datasets.make_xor,
}


@dataclass
class History:
    """Loss and training accuracy after every step."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def train(
    model: MLP,
    X: np.ndarray,
    y_signed: list[float],
    steps: int,
    alpha: float = 1e-4,
    progress: bool = True,
) -> History:
    """Full-batch training with hinge + alpha·L2 and SGD, lr decaying from 1.0 to 0.1."""
    inputs = X.tolist()  # plain floats: the engine lifts them to constant leaves
    params = model.parameters()
    optimizer = SGD(params, lr=1.0)
    history = History()
    bar = tqdm(range(steps), desc="training", unit="step", disable=not progress)
    for k in bar:
        # The fast path (same results): the tape records the graph as it is built, so
        # backward() needs no graph walk; the cyclic GC, useless on these acyclic graphs,
        # is paused meanwhile. The graph is dropped inside the block, so it is freed (when
        # the tape goes) before the collector is back: a live graph would cost it one pass.
        with gc_paused(), Tape():
            scores = [model(x)[0] for x in inputs]
            loss = hinge(scores, y_signed) + l2(params, alpha)
            optimizer.zero_grad()
            loss.backward()
            optimizer.lr = 1.0 - 0.9 * k / steps
            optimizer.step()
            history.loss.append(loss.data)
            history.accuracy.append(accuracy(scores, y_signed))
            del scores, loss
        bar.set_postfix(loss=f"{history.loss[-1]:.4f}", acc=f"{history.accuracy[-1]:.0%}")
    return history


def plot_decision_boundary(model: MLP, X: np.ndarray, y: np.ndarray, path: Path) -> None:
    """The model's score over the plane (via the NumPy twin: one matrix pass), with the data."""
    pad = 0.5
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, 200)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, 200)
    gx, gy = np.meshgrid(xs, ys)
    scores = VectorizedMLP.from_mlp(model).predict(np.column_stack([gx.ravel(), gy.ravel()]))
    fig = Figure(figsize=(5, 4.5), dpi=100)
    ax = fig.subplots()
    ax.contourf(gx, gy, scores[:, 0].reshape(gx.shape) > 0, levels=1, cmap="coolwarm", alpha=0.35)
    ax.contour(gx, gy, scores[:, 0].reshape(gx.shape), levels=[0.0], colors="k", linewidths=1)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=25)
    ax.set_title("decision boundary (score = 0)")
    fig.tight_layout()
    fig.savefig(path)


def plot_history(history: History, path: Path) -> None:
    """Loss (log scale) and training accuracy against the step."""
    fig = Figure(figsize=(9, 3.5), dpi=100)
    left, right = fig.subplots(1, 2)
    left.plot(history.loss)
    left.set(yscale="log", xlabel="step", ylabel="loss", title="hinge + L2 loss")
    right.plot(history.accuracy)
    right.set(xlabel="step", ylabel="accuracy", title="training accuracy", ylim=(0, 1.05))
    fig.tight_layout()
    fig.savefig(path)


def draw_one_neuron(model: MLP, x: list[float], path: Path) -> None:
    """The forward graph of one first-layer neuron on one sample, as SVG."""
    from micrograd_notes.nn import Neuron
    from micrograd_notes.viz import draw

    first = model.layers[0].neurons[0]
    neuron = Neuron(first.nin, first.activation, fused=False)  # primitive gates draw best
    for w, source in zip([*neuron.w, neuron.b], [*first.w, first.b]):
        w.data = source.data
    for i, w in enumerate(neuron.w):
        w.label = f"w{i + 1}"
    neuron.b.label = "b"
    out = neuron([Value(v, f"x{i + 1}") for i, v in enumerate(x)])
    out.label = "out"
    out.backward()
    draw(out, params=neuron.parameters()).save(path)


def run(
    out_dir: Path,
    dataset: str = "moons",
    samples: int = 100,
    steps: int = 100,
    seed: int = 0,
    progress: bool = True,
) -> dict[str, object]:
    """Train, write plots, weights and a graph into ``out_dir``; return a summary."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    X, y = DATASETS[dataset](samples, seed=seed)
    y_signed = (2.0 * y - 1.0).tolist()  # hinge wants -1/+1
    model = MLP(2, [16, 16, 1], seed=seed)
    start = time.perf_counter()
    history = train(model, X, y_signed, steps, progress=progress)
    seconds = time.perf_counter() - start

    files = {
        "decision_boundary": out_dir / "decision_boundary.png",
        "training_curves": out_dir / "training_curves.png",
        "weights": out_dir / "weights.json",
        "neuron_graph": out_dir / "neuron_graph.svg",
    }
    plot_decision_boundary(model, X, y, files["decision_boundary"])
    plot_history(history, files["training_curves"])
    save(model, files["weights"])
    notes: list[str] = []
    try:
        draw_one_neuron(model, X[0].tolist(), files["neuron_graph"])
    except RenderError as err:  # no renderer on this machine: the rest of the demo stands
        del files["neuron_graph"]
        notes.append(f"skipped neuron_graph.svg: {err}")
    return {
        "dataset": dataset,
        "samples": samples,
        "steps": steps,
        "seed": seed,
        "loss": history.loss[-1],
        "accuracy": history.accuracy[-1],
        "seconds": seconds,
        "files": files,
        "notes": notes,
    }
