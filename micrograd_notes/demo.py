"""The demo: train a small MLP on a 2-D toy dataset and save what there is to look at.

The recipe is the classic micrograd one: MLP(2, [16, 16, 1]), max-margin (hinge) loss plus a
little L2, plain SGD whose learning rate decays linearly from 1.0 to 0.1.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from micrograd_notes import data as datasets
from micrograd_notes.engine import Value
from micrograd_notes.nn import MLP
from micrograd_notes.training import ALPHA, Training
from micrograd_notes.vectorized import VectorizedMLP
from micrograd_notes.viz import RenderError
from micrograd_notes.weights import save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DATASETS: dict[str, Callable[..., datasets.Dataset]] = {
    "moons": datasets.make_moons,
    "circles": datasets.make_circles,
    "xor": datasets.make_xor,
}


class Interrupted(Exception):
    """Ctrl-C stopped the demo: ``when`` says where, ``written`` lists the complete files."""

    def __init__(self, when: str, written: list[Path]) -> None:
        super().__init__(f"interrupted {when}")
        self.when = when
        self.written = written


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
    alpha: float = ALPHA,
    progress: bool = True,
    history: History | None = None,
    path: str = "compiled",
) -> History:
    """Full-batch training with hinge + alpha·L2 and SGD, lr decaying from 1.0 to 0.1.

    Each step's loss and accuracy are appended to ``history`` (a new one if not given): after
    a Ctrl-C, the caller's ``history`` says how far training got. ``path`` is the training
    step's (``training.PATHS``): compiled by default, or ``"tape"`` for the engine's.
    """
    from tqdm import tqdm  # here, not at the top: importing the demo stays light

    training = Training(model, X.tolist(), y_signed, steps, alpha, path)  # inputs as floats
    history = History() if history is None else history
    with tqdm(range(steps), desc="training", unit="step", disable=not progress) as bar:
        for _ in bar:
            loss, acc = training.step()  # the first step records and compiles the step
            history.loss.append(loss)
            history.accuracy.append(acc)
            bar.set_postfix(loss=f"{loss:.4f}", acc=f"{acc:.0%}")
    return history


def plot_decision_boundary(
    model: MLP, X: np.ndarray, y: np.ndarray, path: Path, title: str = "decision boundary"
) -> Figure:
    """The model's score over the plane (via the NumPy twin: one matrix pass), with the data."""
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from micrograd_notes.figures import CLASS_COLOURS, label_axes, new_figure

    pad = 0.5
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, 200)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, 200)
    gx, gy = np.meshgrid(xs, ys)
    scores = VectorizedMLP.from_mlp(model).predict(np.column_stack([gx.ravel(), gy.ravel()]))
    score = scores[:, 0].reshape(gx.shape)
    colours = CLASS_COLOURS[:2]
    fig, ax = new_figure(6.0, 6.0)
    ax.contourf(gx, gy, score > 0, levels=1, cmap=ListedColormap(colours), alpha=0.2)
    ax.contour(gx, gy, score, levels=[0.0], colors="k", linewidths=1)
    for label, colour in enumerate(colours):
        points = X[y == label]
        ax.scatter(points[:, 0], points[:, 1], color=colour, edgecolors="k", s=25)
    label_axes(ax, "$x_1$ (first input)", "$x_2$ (second input)", title)
    ax.grid(False)  # the shading is the background here
    ax.legend(
        handles=[
            Line2D(
                [], [], marker="o", ls="", color=colours[0], mec="k", label="class 0 (target -1)"
            ),
            Line2D(
                [], [], marker="o", ls="", color=colours[1], mec="k", label="class 1 (target +1)"
            ),
            Patch(color=colours[0], alpha=0.2, label="predicted class 0 (score < 0)"),
            Patch(color=colours[1], alpha=0.2, label="predicted class 1 (score > 0)"),
            Line2D([], [], color="k", lw=1, label="decision boundary (score = 0)"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        frameon=False,
    )
    fig.savefig(path)
    return fig


def plot_history(history: History, path: Path) -> Figure:
    """Loss (log scale) and training accuracy (in percent, as the console shows it)."""
    from micrograd_notes.figures import label_axes, new_figure

    steps = range(1, len(history.loss) + 1)  # the values after step 1, 2, ...
    fig, (left, right) = new_figure(8.0, 3.4, 1, 2)
    left.plot(steps, history.loss)
    left.set_yscale("log")
    label_axes(left, "step", "loss (log scale)", "hinge + L2 loss")
    right.plot(steps, [100.0 * a for a in history.accuracy])
    right.set_ylim(0, 105)
    label_axes(right, "step", "training accuracy (%)", "training accuracy")
    fig.savefig(path)
    return fig


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
    draw(out, params=neuron.parameters()).save(path)  # with viz's legend of the colours


def run(
    out_dir: Path,
    dataset: str = "moons",
    samples: int = 100,
    steps: int = 100,
    seed: int = 0,
    progress: bool = True,
    path: str = "compiled",
) -> dict[str, object]:
    """Train (on the training step's ``path``), write plots, weights and a graph into
    ``out_dir``; return a summary."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    X, y = DATASETS[dataset](samples, seed=seed)
    y_signed = (2.0 * y - 1.0).tolist()  # hinge wants -1/+1
    model = MLP(2, [16, 16, 1], seed=seed)
    history = History()
    start = time.perf_counter()
    try:
        train(model, X, y_signed, steps, progress=progress, history=history, path=path)
    except KeyboardInterrupt:
        raise Interrupted(
            f"during training, after step {len(history.loss)} of {steps}", []
        ) from None
    seconds = time.perf_counter() - start

    files = {
        "decision_boundary": out_dir / "decision_boundary.png",
        "training_curves": out_dir / "training_curves.png",
        "weights": out_dir / "weights.json",
        "neuron_graph": out_dir / "neuron_graph.svg",
    }
    title = f"decision boundary after {steps} steps\ntraining accuracy {history.accuracy[-1]:.0%}"
    writers: dict[str, Callable[[Path], object]] = {
        "decision_boundary": lambda path: plot_decision_boundary(model, X, y, path, title),
        "training_curves": lambda path: plot_history(history, path),
        "weights": lambda path: save(model, path),
        "neuron_graph": lambda path: draw_one_neuron(model, X[0].tolist(), path),
    }
    notes: list[str] = []
    written: list[Path] = []
    for name, write in writers.items():
        try:
            write(files[name])
        except RenderError as err:  # no renderer on this machine: the rest of the demo stands
            notes.append(f"skipped {files.pop(name).name}: {err}")
            continue
        except KeyboardInterrupt:
            if name != "weights":  # save() replaces the file whole or not at all
                files[name].unlink(missing_ok=True)  # a half-written picture: remove it
            raise Interrupted(f"while writing {files[name].name}", written) from None
        written.append(files[name])
    return {
        "dataset": dataset,
        "samples": samples,
        "steps": steps,
        "seed": seed,
        "path": path,
        "loss": history.loss[-1],
        "accuracy": history.accuracy[-1],
        "seconds": seconds,
        "files": files,
        "notes": notes,
    }
