"""The training lab's Python side: a small network trained live on a toy dataset.

The lab page runs this module under Pyodide, in the same Web Worker as bridge.py; its
JavaScript only draws and wires. The network is ``micrograd_notes.nn.MLP``, the loss
``losses.binary_cross_entropy`` plus ``losses.l2``, the optimizer ``optim.SGD`` with momentum,
and every step is ``micrograd_notes.training.train_step``, the demo's: every number the page
shows is computed by the package. The points come from ``micrograd_notes.data``, written into the
site by build.py for each dataset, noise level and seed (there is no NumPy in the page).

Every setting has a name in the page's address, so a link reproduces a run exactly:
``lab.html?dataset=circles&noise=0.1&test=0.3&layers=8,8&activation=tanh&lr=0.1&l2=0
&batch=10&seed=0&steps=300``.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from urllib.parse import unquote

from micrograd_notes import Value, gc_paused
from micrograd_notes.helpers import quoted
from micrograd_notes.losses import accuracy, binary_cross_entropy
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD
from micrograd_notes.training import train_step

DATASETS = ("moons", "circles", "xor", "spiral")
POINTS = 200  # points per dataset, training and test together
NOISES = tuple(round(0.05 * i, 2) for i in range(11))  # 0, 0.05, ..., 0.5: the files built
SEEDS = tuple(range(10))
ACTIVATIONS = ("tanh", "relu", "sigmoid")
MAX_LAYERS, MAX_WIDTH = 4, 16  # hidden layers, units per layer: the page draws each unit
MAX_STEPS = 10_000
MOMENTUM = 0.9  # SGD with momentum: on these small problems plain SGD crawls


def dataset_file(dataset: str, noise: float, seed: int) -> str:
    """Where the site keeps one dataset's points, relative to the site's root."""
    return f"data/{dataset}/noise{noise:.2f}-seed{seed}.json"


# ---- the settings, and the address that holds them --------------------------------------------


@dataclass(frozen=True)
class Settings:
    """One run of the lab: the data, the network, the training. The field names are the
    query names of the page's address."""

    dataset: str = "moons"
    noise: float = 0.1  # the standard deviation of the Gaussian noise on the points
    test: float = 0.3  # the held-out fraction of the points
    layers: tuple[int, ...] = (8, 8)  # hidden layer sizes
    activation: str = "tanh"
    lr: float = 0.1
    l2: float = 0.0  # alpha of the alpha·Σ w² term
    batch: int = 10  # points per step (the whole training set at most)
    seed: int = 0  # the dataset's seed, and the network's and the batches'
    steps: int = 500  # how long a run is

    def query(self) -> str:
        """The address's query for these settings, readable: ``?dataset=moons&...``."""
        parts = [f"{field.name}={_text(getattr(self, field.name))}" for field in fields(self)]
        return "?" + "&".join(parts)


def _text(value: object) -> str:
    """A setting as the address writes it: ``moons``, ``0.1`` (a float's shortest exact
    form, so the link gives back the same float), ``0``, ``8,8``."""
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _number(text: str, name: str, low: float, high: float) -> float:
    """``text`` as a finite float in [low, high], or a ValueError naming the setting."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not low <= value <= high:  # false for NaN too
        raise ValueError(
            f"{name} must be a number from {low:g} to {high:g}, got {quoted(text, 40)}"
        )
    return value


def _whole(text: str, name: str, low: int, high: int) -> int:
    """``text`` as an int in [low, high], or a ValueError naming the setting."""
    digits = text.strip()
    # Few ASCII digits only: int() refuses '²' and takes long over a million digits.
    if (
        not (digits.isascii() and digits.isdigit() and len(digits) <= 9)
        or not low <= int(digits) <= high
    ):
        raise ValueError(
            f"{name} must be a whole number from {low} to {high}, got {quoted(text, 40)}"
        )
    return int(digits)


def _choice(text: str, name: str, options: Sequence[str]) -> str:
    if text not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}, got {quoted(text, 40)}")
    return text


def _layers(text: str) -> tuple[int, ...]:
    sizes = [part.strip() for part in text.split(",")] if text.strip() else []
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"layers: at most {MAX_LAYERS} hidden layers, got {len(sizes)}")
    return tuple(_whole(size, "each layer size", 1, MAX_WIDTH) for size in sizes)


def _noise(text: str) -> float:
    noise = round(_number(text, "noise", 0.0, 0.5), 2)
    if noise not in NOISES:  # the site has the points for these only
        raise ValueError(f"noise must be a multiple of 0.05 from 0 to 0.5, got {quoted(text, 40)}")
    return noise


# How each query name is read: text in, the setting's value out, or a ValueError.
READERS: dict[str, Callable[[str], object]] = {
    "dataset": lambda text: _choice(text, "dataset", DATASETS),
    "noise": _noise,
    "test": lambda text: _number(text, "test", 0.1, 0.9),
    "layers": _layers,
    "activation": lambda text: _choice(text, "activation", ACTIVATIONS),
    "lr": lambda text: _number(text, "lr", 1e-4, 10.0),
    "l2": lambda text: _number(text, "l2", 0.0, 1.0),
    "batch": lambda text: _whole(text, "batch", 1, POINTS),
    "seed": lambda text: _whole(text, "seed", SEEDS[0], SEEDS[-1]),
    "steps": lambda text: _whole(text, "steps", 1, MAX_STEPS),
}


def read_settings(query: str) -> tuple[Settings, list[str]]:
    """The settings a query asks for, and one line per value that could not be used (that
    setting keeps its default). Names the lab does not use (``utm_source``...) are ignored."""
    chosen: dict[str, object] = {}
    problems = []
    for part in query.removeprefix("?").split("&"):
        key, _, text = part.partition("=")
        key = unquote(key)
        if key not in READERS or key in chosen:
            continue  # not the lab's; or given twice, where the first one counts
        try:
            chosen[key] = READERS[key](unquote(text))
        except ValueError as err:
            problems.append(str(err))
    return replace(Settings(), **chosen), problems


def settings_view(settings: Settings) -> dict[str, str]:
    """The settings as the page's controls show them (text), and the address's query."""
    view = {field.name: _text(getattr(settings, field.name)) for field in fields(settings)}
    view["query"] = settings.query()
    return view


def look_up(query: str) -> dict[str, object]:
    """What the page needs to know of a query: the settings it gives (as text), the problems
    with it (one line each), and the dataset file those settings train on."""
    settings, problems = read_settings(query)
    return {
        "settings": settings_view(settings),
        "problems": problems,
        "file": dataset_file(settings.dataset, settings.noise, settings.seed),
    }


# ---- training -------------------------------------------------------------------------------


def split(points: list, labels: list, test: float) -> tuple[list, list, list, list]:
    """(train points, test points, train labels, test labels): the last ceil(test · n) points
    are held out. The datasets come shuffled (xor's points are drawn independently), so the
    last points are as random a sample as any."""
    n_test = min(len(points) - 1, max(1, math.ceil(test * len(points))))
    cut = len(points) - n_test
    return points[:cut], points[cut:], labels[:cut], labels[cut:]


class Run:
    """One run of the lab: the split data, the network, its optimizer, the steps so far."""

    def __init__(
        self,
        settings: Settings,
        points: Sequence[Sequence[float]],
        labels: Sequence[int],
    ) -> None:
        self.settings = settings
        data = [[float(a), float(b)] for a, b in points]
        classes = [float(y) for y in labels]
        self.train_x, self.test_x, self.train_y, self.test_y = split(data, classes, settings.test)
        self.model = MLP(2, [*settings.layers, 1], settings.activation, seed=settings.seed)
        self.optimizer = SGD(self.model.parameters(), lr=settings.lr, momentum=MOMENTUM)
        self._batches = random.Random(settings.seed)
        self._order: list[int] = []
        self.done = 0

    @property
    def finished(self) -> bool:
        """True when all the settings' steps are done."""
        return self.done >= self.settings.steps

    def _next_batch(self) -> list[int]:
        """The next ``batch`` training points: each pass over the set in a new seeded order."""
        size = min(self.settings.batch, len(self.train_x))
        if len(self._order) < size:
            order = list(range(len(self.train_x)))
            self._batches.shuffle(order)
            self._order += order
        batch, self._order = self._order[:size], self._order[size:]
        return batch

    def step(self) -> dict[str, float]:
        """One training step: its number, and the batch's loss (L2 term included) before it."""
        if self.finished:
            raise ValueError(f"this run is over: all {self.settings.steps} steps are done")
        batch = self._next_batch()
        loss, _ = train_step(  # the package's one training step (compiled: the first call
            # records the step and compiles it, later calls write their batch into it)
            self.model,
            [self.train_x[i] for i in batch],
            [self.train_y[i] for i in batch],
            self.optimizer,
            self.settings.l2,
            loss=binary_cross_entropy,
        )
        self.done += 1
        return {"step": self.done, "batch_loss": loss}

    def _scores(self, inputs: Sequence[Sequence[float]]) -> list[Value]:
        return [self.model(x) for x in inputs]  # type: ignore[misc]  # one output each

    def metrics(self) -> dict[str, float]:
        """Loss (cross-entropy, without the L2 term) and accuracy on the training and the test
        set."""
        result: dict[str, float] = {"step": self.done}
        with gc_paused():  # small graphs, each dropped at once: nothing for the collector
            for part, xs, ys in [
                ("train", self.train_x, self.train_y),
                ("test", self.test_x, self.test_y),
            ]:
                scores = self._scores(xs)
                result[f"{part}_loss"] = binary_cross_entropy(scores, ys).data
                result[f"{part}_accuracy"] = accuracy(scores, [2.0 * y - 1.0 for y in ys])
                del scores
        return result

    def extent(self, pad: float = 0.5) -> tuple[list[float], list[float]]:
        """The input plane the pictures show: a square around every point, padded by ``pad``
        (square, so that a circle in the data looks like one)."""
        xs = [p[0] for p in self.train_x + self.test_x]
        ys = [p[1] for p in self.train_x + self.test_x]
        half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 + pad
        mid_x, mid_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        return [mid_x - half, mid_x + half], [mid_y - half, mid_y + half]

    def picture(self, resolution: int = 30) -> dict[str, object]:
        """What the network computes over the input plane, on a resolution² grid (rows from
        the bottom, the cells' centres): the inputs, each hidden unit's activation and the
        output's score (its sign is the predicted class); and every weight and bias."""
        (x0, x1), (y0, y1) = self.extent()

        def at(lo: float, hi: float, i: int) -> float:
            return lo + (hi - lo) * (i + 0.5) / resolution

        layers = self.model.layers
        grids: list[list[list[list[float]]]] = [
            [[[0.0] * resolution for _ in range(resolution)] for _ in layer.neurons]
            for layer in layers
        ]
        with gc_paused():
            for j in range(resolution):
                for i in range(resolution):
                    out: Sequence[Value | float] = [at(x0, x1, i), at(y0, y1, j)]
                    for layer, grid in zip(layers, grids):
                        out = layer(out)
                        for unit, value in zip(grid, out):
                            unit[j][i] = value.data
        cells = range(resolution)
        return {
            "x": [x0, x1],
            "y": [y0, y1],
            "inputs": [  # x1 and x2 themselves: what the first layer starts from
                [[at(x0, x1, i) for i in cells] for _ in cells],
                [[at(y0, y1, j)] * resolution for j in cells],
            ],
            "score": grids[-1][0],
            "units": grids[:-1],  # units[layer][unit]: that hidden unit's activation
            "weights": [[[w.data for w in n.w] for n in layer.neurons] for layer in layers],
            "biases": [[n.b.data for n in layer.neurons] for layer in layers],
        }

    def data(self) -> dict[str, object]:
        """The points, split, with their labels (0 or 1), for the page to plot."""
        return {
            "train": self.train_x,
            "test": self.test_x,
            "train_labels": [int(y) for y in self.train_y],
            "test_labels": [int(y) for y in self.test_y],
        }


def start(settings_query: str, dataset_text: str) -> Run:
    """A new run for the settings in a query, on the dataset file's points."""
    settings, _ = read_settings(settings_query)
    points = json.loads(dataset_text)
    return Run(settings, points["points"], points["labels"])
