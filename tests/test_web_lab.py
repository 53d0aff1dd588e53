"""The training lab's Python side (web/lab.py), run here in CPython: the browser runs the
same file under Pyodide (tests/test_web.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from helpers import load_script

from micrograd_notes import Tape, data, gc_paused, training
from micrograd_notes.losses import accuracy, binary_cross_entropy, l2
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD

lab = load_script(
    Path(__file__).resolve().parent.parent / "web" / "lab.py", "micrograd_notes_web_lab"
)

CIRCLES = "?dataset=circles&layers=8&activation=tanh&lr=0.1&test=0.3&steps=300"


def points(settings):  # type: ignore[no-untyped-def]
    """The settings' dataset, as build.py writes it for the site."""
    makers = {"moons": data.make_moons, "circles": data.make_circles, "xor": data.make_xor}
    if settings.dataset == "spiral":
        X, y = data.make_spiral(lab.POINTS, classes=2, noise=settings.noise, seed=settings.seed)
    else:
        X, y = makers[settings.dataset](lab.POINTS, noise=settings.noise, seed=settings.seed)
    return X.tolist(), y.tolist()


def run_for(query: str):  # type: ignore[no-untyped-def]
    settings, problems = lab.read_settings(query)
    assert problems == []
    return lab.Run(settings, *points(settings))


# ---- the settings and the address -------------------------------------------------------------


def test_every_setting_has_its_query_name() -> None:
    settings, problems = lab.read_settings(
        "?dataset=spiral&noise=0.25&test=0.4&layers=4,6,2&activation=relu&lr=0.03&l2=0.001"
        "&batch=20&seed=7&steps=900"
    )
    assert problems == []
    assert settings == lab.Settings(
        dataset="spiral",
        noise=0.25,
        test=0.4,
        layers=(4, 6, 2),
        activation="relu",
        lr=0.03,
        l2=0.001,
        batch=20,
        seed=7,
        steps=900,
    )


def test_the_query_gives_back_the_same_settings() -> None:
    for settings in [lab.Settings(), lab.Settings(lr=0.123456789, l2=1e-05, layers=())]:
        assert lab.read_settings(settings.query()) == (settings, [])
    assert lab.Settings().query() == (
        "?dataset=moons&noise=0.1&test=0.3&layers=8,8&activation=tanh&lr=0.1&l2=0&batch=10"
        "&seed=0&steps=500"
    )


def test_other_parameters_are_ignored_and_bad_values_named() -> None:
    settings, problems = lab.read_settings(
        "?fbclid=IwAR0abc&utm_source=x&dataset=donut&lr=abc&layers=8,99&steps=&seed=12"
        "&noise=0.13&batch=" + "9" * 10**6
    )
    assert settings == lab.Settings()  # every bad value keeps its default
    assert problems == [
        "dataset must be one of moons, circles, xor, spiral, got 'donut'",
        "lr must be a number from 0.0001 to 10, got 'abc'",
        "each layer size must be a whole number from 1 to 16, got '99'",
        "steps must be a whole number from 1 to 10000, got ''",
        "seed must be a whole number from 0 to 9, got '12'",
        "noise must be a multiple of 0.05 from 0 to 0.5, got '0.13'",
        "batch must be a whole number from 1 to 200, got '" + "9" * 35 + "'...",  # 40 characters
    ]
    assert lab.read_settings("?lr=nan&l2=inf&test=1")[1] == [
        "lr must be a number from 0.0001 to 10, got 'nan'",
        "l2 must be a number from 0 to 1, got 'inf'",
        "test must be a number from 0.1 to 0.9, got '1'",
    ]
    assert lab.read_settings("?seed=²")[1] == ["seed must be a whole number from 0 to 9, got '²'"]
    assert lab.read_settings("?layers=1,2,3,4,5")[1] == ["layers: at most 4 hidden layers, got 5"]


def test_look_up_names_the_dataset_file() -> None:
    found = lab.look_up("?dataset=xor&noise=0.05&seed=3")
    assert found["file"] == "data/xor/noise0.05-seed3.json"
    assert found["settings"]["dataset"] == "xor" and found["problems"] == []
    assert found["settings"]["query"].startswith("?dataset=xor&noise=0.05&")


# ---- training ---------------------------------------------------------------------------------


def test_the_held_out_points_are_the_last_ones() -> None:
    xs, ys = list(range(10)), list(range(10))
    assert lab.split(xs, ys, 0.3) == (xs[:7], xs[7:], ys[:7], ys[7:])
    assert lab.split(xs, ys, 0.01)[1] == [9]  # at least one on each side
    assert lab.split(xs, ys, 0.99)[0] == [0]


def test_a_run_is_the_packages_training_step_for_step() -> None:
    # The same numbers as training by hand with micrograd_notes: MLP, binary cross-entropy
    # plus L2, SGD with momentum, the batches drawn in the lab's seeded order.
    run = run_for("?dataset=moons&layers=4&activation=relu&lr=0.2&l2=0.001&batch=7&steps=12")
    model = MLP(2, [4, 1], "relu", seed=0)
    optimizer = SGD(model.parameters(), lr=0.2, momentum=0.9)
    order = []
    rng = __import__("random").Random(0)
    while len(order) < 12 * 7:
        shuffled = list(range(len(run.train_x)))
        rng.shuffle(shuffled)
        order += shuffled
    for k in range(12):
        batch = order[7 * k : 7 * k + 7]
        with gc_paused(), Tape():
            scores = [model(run.train_x[i]) for i in batch]
            loss = binary_cross_entropy(scores, [run.train_y[i] for i in batch])
            loss = loss + l2(model.parameters(), 0.001)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        assert run.step() == {"step": k + 1, "batch_loss": loss.data}  # bit for bit
    assert [p.data for p in run.model.parameters()] == [p.data for p in model.parameters()]
    assert run.finished
    with pytest.raises(ValueError, match="all 12 steps are done"):
        run.step()


def test_every_step_goes_through_the_packages_one_step_function(monkeypatch) -> None:
    # The demo's step (micrograd_notes.training.train_step) is the lab's: a faster step put
    # there later speeds up both, and nothing else trains.
    assert lab.train_step is training.train_step
    calls = []

    def step(model, inputs, targets, optimizer, alpha, **options):  # type: ignore[no-untyped-def]
        calls.append((len(inputs), alpha, options["loss"]))
        return training.train_step(model, inputs, targets, optimizer, alpha, **options)

    monkeypatch.setattr(lab, "train_step", step)
    run = run_for("?batch=150&steps=3&l2=0.01")
    for _ in range(3):
        run.step()
    # the batch is the whole training set at most; the loss is the lab's own
    assert calls == [(140, 0.01, binary_cross_entropy)] * 3


def test_the_lab_steps_on_the_compiled_path_one_recording_for_its_batches() -> None:
    run = run_for("?batch=10&steps=40&seed=3")
    for _ in range(40):
        run.step()
    step = training.compiled_step(run.optimizer)
    assert step is not None and step.samples == 10  # a loop over the batch's points
    assert "x0, x1, x2 = S[k]" in step.source  # each point's x1, x2 and its label, read


def test_metrics_are_the_losses_and_accuracies_of_both_parts() -> None:
    run = run_for("?steps=5")
    for _ in range(5):
        run.step()
    metrics = run.metrics()
    for part, xs, ys in [("train", run.train_x, run.train_y), ("test", run.test_x, run.test_y)]:
        scores = [run.model(x) for x in xs]
        assert metrics[f"{part}_loss"] == binary_cross_entropy(scores, ys).data
        assert metrics[f"{part}_accuracy"] == accuracy(scores, [2 * y - 1 for y in ys])
    assert (len(run.train_x), len(run.test_x)) == (140, 60)


def test_the_circles_link_learns_the_circles() -> None:
    # What the browser test shows on the page: this link reaches 90% on held-out points.
    run = run_for(CIRCLES)
    while not run.finished:
        run.step()
    assert run.metrics()["test_accuracy"] >= 0.9


def test_the_same_settings_give_the_same_run() -> None:
    first, second = run_for("?steps=20&seed=4"), run_for("?steps=20&seed=4")
    assert [first.step() for _ in range(20)] == [second.step() for _ in range(20)]


def test_the_picture_is_what_the_network_computes() -> None:
    run = run_for("?layers=3,2&steps=2")
    run.step()
    picture = run.picture(resolution=5)
    (x0, x1), (y0, y1) = picture["x"], picture["y"]
    assert x1 - x0 == pytest.approx(y1 - y0)  # a square: circles look round
    assert [len(layer) for layer in picture["units"]] == [3, 2]
    assert all(len(grid) == 5 and len(grid[0]) == 5 for grid in picture["units"][0])
    # Row j, column i is the cell centred at (x0 + (i + 1/2) w, y0 + (j + 1/2) h).
    centre = [x0 + (x1 - x0) * 3.5 / 5, y0 + (y1 - y0) * 1.5 / 5]
    assert picture["score"][1][3] == run.model(centre).data
    first = run.model.layers[0](centre)
    assert [grid[1][3] for grid in picture["units"][0]] == [v.data for v in first]
    assert picture["inputs"][0][1][3] == centre[0] and picture["inputs"][1][1][3] == centre[1]
    weights = [[[w.data for w in n.w] for n in layer.neurons] for layer in run.model.layers]
    assert picture["weights"] == weights
    assert picture["biases"][1] == [n.b.data for n in run.model.layers[1].neurons]
    assert all(math.isfinite(v) for row in picture["score"] for v in row)


def test_the_data_is_the_split_with_class_labels() -> None:
    run = run_for("?dataset=xor&test=0.5")
    shown = run.data()
    X, y = data.make_xor(lab.POINTS, noise=0.1, seed=0)
    assert shown["train"] + shown["test"] == X.tolist()
    assert shown["train_labels"] + shown["test_labels"] == y.tolist()


def test_start_reads_the_query_and_the_dataset_file() -> None:
    import json

    settings, _ = lab.read_settings("?dataset=circles&steps=3")
    X, y = points(settings)
    run = lab.start("?dataset=circles&steps=3", json.dumps({"points": X, "labels": y}))
    assert run.settings == settings and run.train_x == X[:140]
