"""One training step of the demo, against micrograd 0.1.0 and hand-written plain floats.

Run: ``pip install -e ".[bench]" && python benchmarks/bench_training.py``

The step: MLP(2, [16, 16, 1]) on 100 moons points, hinge loss + L2, forward, backward and
an SGD update (for micrograd_notes, ``training.train_step``: the step the demo and the
playground take, here at a fixed learning rate). All three start from the same weights; the
script first checks that they compute the same loss and gradients, then times them
interleaved in one process. The plain-float version is the floor for pure Python: no graph,
no nodes, just the arithmetic.

Each run is a block of consecutive steps, timed as a training loop feels it: the garbage
collections that happen during the block count, so an engine whose graphs are cyclic
garbage pays for collecting them in its later steps. What is left after the block's last
step is collected untimed before the next engine runs (a small bias in micrograd's favour).
The table shows time per step.

Three rows for micrograd_notes: the engine as is, on its fast path (a tape, with the cyclic
GC paused during each step), and compiled (the demo's path: the step recorded and compiled
once, before the timing, then run as a Python function); two for micrograd 0.1.0: as is,
and with the cyclic GC paused for the whole block, so that its cyclic garbage is collected
untimed: the fairest case for micrograd.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import interleaved, median_ms, paused, python_line, table

from micrograd_notes.data import make_moons
from micrograd_notes.nn import MLP
from micrograd_notes.optim import SGD
from micrograd_notes.training import ALPHA, train_step

try:
    from micrograd import nn as micrograd_nn
except ImportError:  # the `bench` extra is not installed
    micrograd_nn = None

LR = 0.5


def ours_steps(
    model: MLP, X: list[list[float]], y: list[float], steps: int, path: str, optimizer=None
) -> float:
    """``steps`` training steps with micrograd_notes (fused neurons, the default), each the
    package's own ``train_step`` on ``path`` ("engine", "tape": a tape with the cyclic GC
    paused, or "compiled") with plain SGD at a fixed ``LR``; the last step's loss. A
    compiled step is recorded on the first step of an ``optimizer`` and reused after: give
    the same one to every block to time the steps alone."""
    optimizer = SGD(model.parameters(), lr=LR) if optimizer is None else optimizer
    loss_data = 0.0
    for _ in range(steps):
        loss_data, _ = train_step(model, X, y, optimizer, ALPHA, path=path)
    return loss_data


def micrograd_step(model, X: list[list[float]], y: list[float]) -> float:
    """The same step written as micrograd's own demo writes it."""
    from micrograd.engine import Value as MValue

    inputs = [list(map(MValue, x)) for x in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= LR * p.grad
    return total.data


class FloatMLP:
    """The same network as nested lists of floats, with its backward pass written by hand."""

    def __init__(self, model: MLP) -> None:
        self.W = [[[w.data for w in n.w] for n in layer.neurons] for layer in model.layers]
        self.b = [[n.b.data for n in layer.neurons] for layer in model.layers]

    def step(self, X: list[list[float]], y: list[float]) -> float:
        W1, W2, W3 = self.W
        b1, b2, b3 = self.b
        gW = [[[0.0] * len(row) for row in W] for W in self.W]
        gb = [[0.0] * len(b) for b in self.b]
        gW1, gW2, gW3 = gW
        gb1, gb2, gb3 = gb
        n = len(X)
        loss = 0.0
        for x, yi in zip(X, y):
            h1 = [max(sum(w * v for w, v in zip(row, x)) + b, 0.0) for row, b in zip(W1, b1)]
            h2 = [max(sum(w * v for w, v in zip(row, h1)) + b, 0.0) for row, b in zip(W2, b2)]
            s = sum(w * v for w, v in zip(W3[0], h2)) + b3[0]
            margin = 1.0 - yi * s
            if margin <= 0.0:
                continue
            loss += margin
            ds = -yi / n
            # Output layer: dW3 = ds h2, dh2 = ds W3.
            gb3[0] += ds
            row3 = gW3[0]
            dh2 = []
            for j, (h, w) in enumerate(zip(h2, W3[0])):
                row3[j] += ds * h
                dh2.append(ds * w if h > 0.0 else 0.0)  # relu'(z) folded in
            # Hidden layer 2: dW2 = dz2 h1ᵀ, dh1 = W2ᵀ dz2.
            dh1 = [0.0] * len(h1)
            for i, dz in enumerate(dh2):
                if dz == 0.0:
                    continue
                gb2[i] += dz
                grow, wrow = gW2[i], W2[i]
                for j, h in enumerate(h1):
                    grow[j] += dz * h
                    dh1[j] += dz * wrow[j]
            # Hidden layer 1: dW1 = dz1 xᵀ.
            for i, (dh, h) in enumerate(zip(dh1, h1)):
                if h > 0.0:
                    gb1[i] += dh
                    gW1[i][0] += dh * x[0]
                    gW1[i][1] += dh * x[1]
        loss /= n
        # L2 and the update.
        for W, G, b, g in zip(self.W, gW, self.b, gb):
            for row, grow in zip(W, G):
                for j, w in enumerate(row):
                    loss += ALPHA * w * w
                    row[j] = w - LR * (grow[j] + 2.0 * ALPHA * w)
            for j, bias in enumerate(b):
                loss += ALPHA * bias * bias
                b[j] = bias - LR * (g[j] + 2.0 * ALPHA * bias)
        return loss


def compile_cost(points: int, repeats: int) -> tuple[float, float, int]:
    """Compiling the demo's step for ``points`` points, as ``train_step`` does it (the graph
    recorded on a tape, then ``Tape.compile``, the cyclic GC paused): the median CPU time of
    the compile alone over ``repeats`` runs, in seconds; its peak memory in bytes
    (tracemalloc, in a run of its own: tracing slows it down); the program's size in bytes."""
    import statistics
    import time
    import tracemalloc

    from micrograd_notes import Tape, Value, gc_paused
    from micrograd_notes.losses import hinge, l2

    def record():
        model, X, y = setup(points)
        xs, ys = [[Value(a), Value(b)] for a, b in X], [Value(v) for v in y]
        with Tape() as tape:
            scores = [model(x) for x in xs]
            loss = hinge(scores, ys) + l2(model.parameters(), ALPHA)
        return lambda: tape.compile(loss, model.parameters(), inputs=[xs, ys], outputs=scores)

    times = []
    for _ in range(repeats):
        run = record()
        with gc_paused():
            start = time.process_time()
            run()
            times.append(time.process_time() - start)
    run = record()
    gc.collect()
    tracemalloc.start()
    step = run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak, len(step.source)


def micrograd_model(model: MLP):
    """A micrograd MLP holding our model's weights."""
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    for p_theirs, p_ours in zip(theirs.parameters(), model.parameters()):
        p_theirs.data = p_ours.data
    return theirs


def setup(points: int = 100) -> tuple[MLP, list[list[float]], list[float]]:
    """The demo's network (seed 0) and its moons points, labels in {-1, +1}."""
    X_np, y_np = make_moons(points, noise=0.1, seed=0)
    return MLP(2, [16, 16, 1], seed=0), X_np.tolist(), (2.0 * y_np - 1.0).tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9, help="interleaved rounds")
    parser.add_argument("--block", type=int, default=5, help="consecutive steps per timed run")
    parser.add_argument("--points", type=int, default=100, help="training points (the demo's 100)")
    parser.add_argument(
        "--compile-points", type=int, nargs="*", default=[100, 1000], help="table (b)'s sizes"
    )
    args = parser.parse_args()
    print(python_line())

    model, X, y = setup(args.points)
    # micrograd orders a neuron's parameters as w..., b, as we do: check the copy lines up.
    floats = FloatMLP(model)
    fast_model, compiled_model = setup(args.points)[0], setup(args.points)[0]
    compiled_optimizer = SGD(compiled_model.parameters(), lr=LR)  # one recording, reused
    ours_steps(compiled_model, X, y, 1, "compiled", compiled_optimizer)  # record and compile
    runners = {
        "micrograd_notes": lambda: ours_steps(model, X, y, args.block, "engine"),
        "micrograd_notes, tape + gc paused": lambda: ours_steps(
            fast_model, X, y, args.block, "tape"
        ),
        "micrograd_notes, compiled": lambda: ours_steps(
            compiled_model, X, y, args.block, "compiled", compiled_optimizer
        ),
    }
    losses = {"plain floats": FloatMLP(model).step(X, y)}
    if micrograd_nn is not None:
        theirs, theirs_no_gc = micrograd_model(model), micrograd_model(model)
        losses["micrograd 0.1.0"] = micrograd_step(micrograd_model(model), X, y)
        runners["micrograd 0.1.0"] = lambda: [
            micrograd_step(theirs, X, y) for _ in range(args.block)
        ]
        # The whole block with the collector off: micrograd's cyclic garbage piles up untouched
        # and is collected, untimed, before the next run. The fairest case for micrograd.
        runners["micrograd 0.1.0, gc paused"] = lambda: paused(
            lambda: [micrograd_step(theirs_no_gc, X, y) for _ in range(args.block)]
        )
    else:
        print("micrograd is not installed (pip install -e '.[bench]'): comparing with floats only")
    stepped = setup(args.points)[0]
    losses["micrograd_notes"] = ours_steps(stepped, X, y, 1, "engine")
    stepped_fast = setup(args.points)[0]
    losses["micrograd_notes, tape + gc paused"] = ours_steps(stepped_fast, X, y, 1, "tape")
    stepped_compiled = setup(args.points)[0]
    losses["micrograd_notes, compiled"] = ours_steps(stepped_compiled, X, y, 1, "compiled")
    reference = losses["plain floats"]
    for name, value in losses.items():
        assert abs(value - reference) <= 1e-9, (name, value, reference)
    # The weights after one update agree too, so every gradient did.
    check = FloatMLP(model)
    check.step(X, y)
    after = [w for layer in check.W for row in layer for w in row] + [
        b for bs in check.b for b in bs
    ]
    ours_after = [w.data for layer in stepped.layers for n in layer.neurons for w in n.w]
    ours_after += [n.b.data for layer in stepped.layers for n in layer.neurons]
    assert max(abs(a - b) for a, b in zip(after, ours_after)) <= 1e-12
    for other in (stepped_fast, stepped_compiled):  # the tape, the compiled step: bit for bit
        assert [p.data for p in other.parameters()] == [p.data for p in stepped.parameters()]
    print(f"all engines agree on the first step's loss ({reference:.10f}) and update")
    runners["plain floats"] = lambda: [floats.step(X, y) for _ in range(args.block)]

    times = interleaved(runners, args.repeats, collect_inside=False)
    per_step = {name: median_ms(t) / args.block for name, t in times.items()}
    ours, floor = per_step["micrograd_notes"], per_step["plain floats"]
    print(
        f"\none demo training step (MLP(2, [16, 16, 1]), {args.points} points, hinge + L2, SGD): "
        f"median of {args.repeats} blocks of {args.block} steps"
    )
    rows = []
    for name in runners:
        ms = per_step[name]
        rows.append([name, f"{ms:,.1f} ms", f"{ms / ours:.2f}x", f"{ms / floor:.2f}x"])
    print(table(rows, ["engine", "time per step", "vs micrograd_notes", "vs plain floats"]))

    print(
        "\n(b) compiling the demo's step, as train_step does it (recorded, then Tape.compile, "
        f"the GC paused): median CPU time of {args.repeats}; peak memory (tracemalloc)"
    )
    rows = []
    for points in args.compile_points:
        seconds, peak, size = compile_cost(points, args.repeats)
        rows.append([f"{points:,}", f"{1000 * seconds:,.0f} ms", f"{peak / 1e6:.1f} MB",
                     f"{size / 1000:.0f} KB"])  # fmt: skip
    print(table(rows, ["points", "compile", "peak memory", "program"]))


if __name__ == "__main__":
    main()
