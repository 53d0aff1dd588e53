"""Engine speed and memory against micrograd 0.1.0 and hand-written plain-float code.

Run: ``pip install -e ".[bench]" && python benchmarks/bench_engine.py``

(a) a seeded random DAG of primitive ops (add, mul, relu of earlier nodes): build,
    backward and free, timed interleaved in one process; (b) a chain x -> x + 1 -> ...:
    the deepest chain each engine back-propagates, and the time at 10^5 links; (c) bytes
    per node while a graph is alive (tracemalloc). Ratios, not absolute times, are the
    figures to compare: this machine is shared and noisy.

The DAG has two rows per engine: micrograd_notes by default and on its fast path (a tape,
with the cyclic GC paused); micrograd 0.1.0 as is and with the cyclic GC paused while it
builds and back-propagates (its cycles are then freed by one timed collection at the end).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import interleaved, median_ms, paused, python_line, table

from micrograd_notes import Value

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # the `bench` extra is not installed
    MicrogradValue = None

LEAVES = 100


def dag_recipe(n_ops: int, seed: int = 0) -> tuple[list[float], list[tuple[int, int, int]]]:
    """Leaf values and a list of (op, i, j): op 0 add, 1 mul, 2 relu of earlier nodes i, j.

    ``n_ops`` random ops pick their inputs uniformly among all earlier nodes; then a balanced
    tree of adds sums every node nobody used, so the last node (the root) depends on every
    node and backward visits them all, while the depth stays logarithmic. Leaves are drawn
    from +-[0.5, 1] and a mul always takes a leaf as one side, so values stay finite.
    """
    rng = random.Random(seed)
    leaves = [rng.choice((-1, 1)) * rng.uniform(0.5, 1.0) for _ in range(LEAVES)]
    recipe = []
    used = [False] * (LEAVES + n_ops)
    for k in range(LEAVES, LEAVES + n_ops):
        op = rng.randrange(3)
        i = rng.randrange(k)
        j = rng.randrange(LEAVES) if op == 1 else rng.randrange(k)
        used[i] = used[j] = True
        recipe.append((op, i, j))
    sinks = [k for k in range(LEAVES, LEAVES + n_ops) if not used[k]]
    next_id = LEAVES + n_ops
    while len(sinks) > 1:
        paired = []
        for a, b in zip(sinks[0::2], sinks[1::2]):
            recipe.append((0, a, b))
            paired.append(next_id)
            next_id += 1
        sinks = paired + sinks[len(paired) * 2 :]
    return leaves, recipe


def build_dag_nodes(
    value_cls: type, leaves: list[float], recipe: list[tuple[int, int, int]]
) -> list[object]:
    nodes = [value_cls(x) for x in leaves]
    for op, i, j in recipe:
        if op == 0:
            nodes.append(nodes[i] + nodes[j])
        elif op == 1:
            nodes.append(nodes[i] * nodes[j])
        else:
            nodes.append(nodes[i].relu())
    return nodes


def run_dag_values(
    value_cls: type, leaves: list[float], recipe: list[tuple[int, int, int]]
) -> float:
    """Build the DAG from ``value_cls`` nodes, back-propagate from its root, then free it."""
    nodes = build_dag_nodes(value_cls, leaves, recipe)
    nodes[-1].backward()
    grad = nodes[0].grad
    del nodes  # free the graph (the harness's gc.collect() finds any cycles)
    return grad


def run_dag_tape(leaves: list[float], recipe: list[tuple[int, int, int]]) -> float:
    """``run_dag_values`` on our fast path: recorded on a tape, with the cyclic GC paused."""
    from micrograd_notes import Tape, gc_paused  # imported here: older versions have neither

    # The pause outside the tape: the graph is freed as the tape goes, while the collector
    # is still paused (a graph alive when it comes back costs it a pass over every node).
    with gc_paused(), Tape():
        return run_dag_values(Value, leaves, recipe)


def run_dag_floats(leaves: list[float], recipe: list[tuple[int, int, int]]) -> float:
    """The same work with lists of floats: the floor for pure Python."""
    data = list(leaves)
    for op, i, j in recipe:
        if op == 0:
            data.append(data[i] + data[j])
        elif op == 1:
            data.append(data[i] * data[j])
        else:
            x = data[i]
            data.append(x if x > 0.0 else 0.0)
    grad = [0.0] * len(data)
    grad[-1] = 1.0
    for k in range(len(data) - 1, LEAVES - 1, -1):
        g = grad[k]
        op, i, j = recipe[k - LEAVES]
        if op == 0:
            grad[i] += g
            grad[j] += g
        elif op == 1:
            grad[i] += data[j] * g
            grad[j] += data[i] * g
        elif data[i] > 0.0:
            grad[i] += g
    return grad[0]


def chain(value_cls: type, depth: int) -> float:
    """x + 1 + 1 + ... (depth adds), back-propagated; d/dx is 1."""
    x = value_cls(0.5)
    y = x
    for _ in range(depth):
        y = y + 1.0
    y.backward()
    return x.grad


def deepest_chain(value_cls: type, depths: list[int]) -> int:
    """The largest depth in ``depths`` that builds and back-propagates without an error."""
    best = 0
    for depth in depths:
        try:
            chain(value_cls, depth)
        except RecursionError:
            break
        best = depth
        gc.collect()
    return best


def bytes_per_node(build: Callable[[], list[object]]) -> float:
    """Memory held by a live graph divided by its node count (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    nodes = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    # The list holding the nodes is the benchmark's, not the engine's.
    return (after - before - sys.getsizeof(nodes)) / len(nodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ops", type=int, default=200_000, help="ops in the random DAG")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--chain", type=int, default=100_000, help="chain depth to time")
    parser.add_argument(
        "--deepest", type=int, default=10**6, help="the deepest chain tried (a power of ten)"
    )
    args = parser.parse_args()
    print(python_line())

    leaves, recipe = dag_recipe(args.ops)
    engines: dict[str, type] = {"micrograd_notes": Value}
    if MicrogradValue is not None:
        engines["micrograd 0.1.0"] = MicrogradValue
    else:
        print("micrograd is not installed (pip install -e '.[bench]'): comparing with floats only")

    # The engines must agree before their times mean anything.
    reference = run_dag_floats(leaves, recipe)
    for name, cls in engines.items():
        got = run_dag_values(cls, leaves, recipe)
        assert abs(got - reference) <= 1e-9 * max(1.0, abs(reference)), (name, got, reference)
    print(f"all engines agree: d root / d leaf 0 = {reference:.6g}")

    # The same sums, added in another order (the tape's order, not the sort's): equal up to
    # rounding.
    on_tape = run_dag_tape(leaves, recipe)
    assert abs(on_tape - reference) <= 1e-9 * max(1.0, abs(reference)), (on_tape, reference)

    runners: dict[str, Callable[[], object]] = {
        "micrograd_notes": lambda: run_dag_values(Value, leaves, recipe),
        "micrograd_notes, tape + gc paused": lambda: run_dag_tape(leaves, recipe),
    }
    if MicrogradValue is not None:
        runners["micrograd 0.1.0"] = lambda: run_dag_values(MicrogradValue, leaves, recipe)
        # Its graph is all reference cycles: with the collector paused, the timed
        # gc.collect() at the end frees it in one pass instead of many during the build.
        runners["micrograd 0.1.0, gc paused"] = lambda: paused(
            lambda: run_dag_values(MicrogradValue, leaves, recipe)
        )
    runners["plain floats"] = lambda: run_dag_floats(leaves, recipe)
    times = interleaved(runners, args.repeats, collect_inside=True)  # free is part of it
    ours = median_ms(times["micrograd_notes"])
    floor = median_ms(times["plain floats"])

    print(
        f"\n(a) random DAG, {args.ops:,} ops + {len(recipe) - args.ops:,} adds summing its "
        f"sinks: build + backward + free, median of {args.repeats}"
    )
    rows = []
    for name in runners:
        ms = median_ms(times[name])
        rows.append([name, f"{ms:,.0f} ms", f"{ms / ours:.2f}x", f"{ms / floor:.1f}x"])
    print(table(rows, ["engine", "time", "vs micrograd_notes", "vs plain floats"]))

    print(f"\n(b) chain: deepest that back-propagates; time at {args.chain:,} links")
    depths = [10**k for k in range(3, len(str(args.deepest)))]  # 10^3 ... --deepest
    rows = []
    for name, cls in engines.items():
        deepest = deepest_chain(cls, depths)
        if deepest >= args.chain:
            start = time.perf_counter()
            chain(cls, args.chain)
            timing = f"{1000 * (time.perf_counter() - start):,.0f} ms"
        else:
            timing = "fails (RecursionError)"
        shown = (
            f">= {deepest:,}" if deepest == depths[-1] else f"{deepest:,}" if deepest else "< 1,000"
        )
        rows.append([name, shown, timing])
    tried = f"deepest of 10^3..10^{len(depths) + 2}"
    print(table(rows, ["engine", tried, f"time at {args.chain:,}"]))

    memory_ops = min(args.ops, 100_000)
    print(f"\n(c) memory per node of a live DAG (tracemalloc, {memory_ops:,} ops)")
    small_leaves, small_recipe = dag_recipe(memory_ops, seed=1)
    rows = [
        [
            name,
            f"{bytes_per_node(lambda c=cls: build_dag_nodes(c, small_leaves, small_recipe)):.0f} B",
        ]
        for name, cls in engines.items()
    ]
    print(table(rows, ["engine", "bytes per node"]))


if __name__ == "__main__":
    main()
