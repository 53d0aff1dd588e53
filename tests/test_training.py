"""The one training step: what it computes, its two paths, the demo's schedule, no NumPy."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from micrograd_notes.data import make_moons
from micrograd_notes.losses import accuracy, binary_cross_entropy, hinge, l2
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD
from micrograd_notes.training import PATHS, Training, train_step

X, Y01 = make_moons(16, seed=2)
INPUTS, LABELS = X.tolist(), (2.0 * Y01 - 1.0).tolist()


def test_a_step_is_hinge_plus_l2_then_one_update() -> None:
    model, twin = MLP(2, [4, 1], seed=5), MLP(2, [4, 1], seed=5)
    loss, acc = train_step(model, INPUTS, LABELS, SGD(model.parameters(), lr=0.3), 1e-3)
    # The same step written out by hand on the twin.
    params = twin.parameters()
    scores = [twin(x) for x in INPUTS]
    expected = hinge(scores, LABELS) + l2(params, 1e-3)
    expected.backward()
    assert loss == expected.data and acc == accuracy(scores, LABELS)
    assert [p.data for p in model.parameters()] == [p.data - 0.3 * p.grad for p in params]


def test_a_step_takes_another_loss_as_the_lab_does() -> None:
    # The training lab steps with binary cross-entropy on labels in {0, 1}.
    model, twin = MLP(2, [4, 1], seed=6), MLP(2, [4, 1], seed=6)
    optimizer = SGD(model.parameters(), lr=0.2, momentum=0.9)
    loss, acc = train_step(model, INPUTS, Y01.tolist(), optimizer, 0.0, loss=binary_cross_entropy)
    scores = [twin(x) for x in INPUTS]
    expected = binary_cross_entropy(scores, Y01.tolist()) + l2(twin.parameters(), 0.0)
    expected.backward()
    assert loss == expected.data and acc == accuracy(scores, LABELS)  # {0, 1} reads as {-1, +1}
    assert [p.data for p in model.parameters()] == [
        p.data - 0.2 * p.grad for p in twin.parameters()
    ]


def test_the_three_paths_give_the_same_numbers() -> None:
    models = {path: MLP(2, [6, 6, 1], seed=3) for path in PATHS}
    optimizers = {path: SGD(m.parameters(), lr=0.5) for path, m in models.items()}
    for _ in range(3):
        steps = {path: train_step(models[path], INPUTS, LABELS, optimizers[path], path=path)
                 for path in PATHS}  # fmt: skip
        assert steps["compiled"] == steps["tape"] == steps["engine"]  # bit for bit
    weights = {path: [p.data for p in m.parameters()] for path, m in models.items()}
    assert weights["compiled"] == weights["tape"] == weights["engine"]


def test_a_hundred_compiled_steps_end_where_the_engine_does() -> None:
    # The demo's run: 100 steps of its schedule on 100 moons, compiled and on the engine.
    X100, y100 = make_moons(100, noise=0.1, seed=0)
    inputs, labels = X100.tolist(), (2.0 * y100 - 1.0).tolist()
    runs = {path: Training(MLP(2, [16, 16, 1], seed=0), inputs, labels, 100, path=path)
            for path in ("compiled", "engine")}  # fmt: skip
    for _ in range(100):
        results = {path: run.step() for path, run in runs.items()}
        assert results["compiled"] == pytest.approx(results["engine"], rel=1e-12)
    compiled, engine = ([p.data for p in run.model.parameters()] for run in runs.values())
    assert compiled == pytest.approx(engine, rel=1e-12, abs=0.0)


def test_a_step_on_an_unknown_path_is_refused() -> None:
    with pytest.raises(ValueError, match="path must be one of compiled, tape, engine, got 'fast'"):
        train_step(MLP(2, [1]), INPUTS, LABELS, SGD(MLP(2, [1]).parameters(), lr=0.1), path="fast")
    with pytest.raises(ValueError, match="path must be one of"):
        Training(MLP(2, [1]), INPUTS, LABELS, steps=2, path="gpu")


def test_training_follows_the_demos_schedule() -> None:
    training = Training(MLP(2, [4, 1], seed=1), INPUTS, LABELS, steps=4)
    rates = []
    for _ in range(4):
        loss, acc = training.step()
        rates.append(training.optimizer.lr)
        assert math.isfinite(loss) and 0.0 <= acc <= 1.0
    assert rates == pytest.approx([1.0, 0.775, 0.55, 0.325])  # 1 - 0.9 k / steps
    assert training.done == 4
    with pytest.raises(ValueError, match="training is over: all 4 steps are done"):
        training.step()


@pytest.mark.parametrize("steps", [0, -1, 2.0, True, "3"])
def test_training_refuses_a_bad_step_count(steps: object) -> None:
    with pytest.raises(ValueError, match="steps must be an int >= 1"):
        Training(MLP(2, [1]), INPUTS, LABELS, steps=steps)  # type: ignore[arg-type]


def test_the_step_imports_without_numpy() -> None:
    # The playground runs it under Pyodide, which has no NumPy there.
    script = (
        "import sys; sys.modules['numpy'] = None\n"
        "from micrograd_notes.nn import MLP\n"
        "from micrograd_notes.training import Training\n"
        "print(Training(MLP(2, [3, 1]), [[0.5, 1.0], [-1.0, 0.2]], [1.0, -1.0], 2).step()[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-800:]
    assert 0.0 <= float(done.stdout) <= 1.0


def test_mini_batches_on_the_compiled_path_are_the_engines_steps() -> None:
    # The lab's way: another batch each step (points and labels written into the compiled
    # step's leaves), binary cross-entropy, momentum; then a batch of another size.
    models = {path: MLP(2, [5, 1], "tanh", seed=4) for path in ("compiled", "engine")}
    optimizers = {p: SGD(m.parameters(), lr=0.3, momentum=0.9) for p, m in models.items()}
    y01 = Y01.tolist()
    for k in range(6):
        size = 4 if k < 5 else 7
        batch = [(3 * k + 5 * i) % len(INPUTS) for i in range(size)]
        xs, ys = [INPUTS[i] for i in batch], [y01[i] for i in batch]
        steps = {
            path: train_step(models[path], xs, ys, optimizers[path], 0.01,
                             loss=binary_cross_entropy, path=path)
            for path in models
        }  # fmt: skip
        assert steps["compiled"] == steps["engine"]
    weights = [[p.data for p in m.parameters()] for m in models.values()]
    assert weights[0] == weights[1]


def test_the_compiled_path_checks_each_batch_as_the_engine_does() -> None:
    model = MLP(2, [3, 1], seed=7)
    optimizer = SGD(model.parameters(), lr=0.1)
    train_step(model, INPUTS[:4], LABELS[:4], optimizer)  # recorded, labels checked
    with pytest.raises(ValueError, match=r"hinge: labels must be -1 or \+1, got 0"):
        train_step(model, INPUTS[:4], [0, 1, 1, -1], optimizer)  # a label it has not seen
    bad = [row[:] for row in INPUTS[:4]]
    bad[2][1] = math.nan
    with pytest.raises(ValueError, match="Value data must be finite, got nan"):
        train_step(model, bad, LABELS[:4], optimizer)
    whole = [[1, 0], [0, 1], [2, 2], [-1, 3]]  # ints, as a learner types them
    twin = MLP(2, [3, 1], seed=7)
    for p, q in zip(twin.parameters(), model.parameters()):
        p.data = q.data
    compiled = train_step(model, whole, LABELS[:4], optimizer)
    engine = train_step(twin, whole, LABELS[:4], SGD(twin.parameters(), lr=0.1), path="engine")
    assert compiled == engine
