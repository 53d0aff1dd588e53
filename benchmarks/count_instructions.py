"""Instructions per training step and per DAG node, counted by callgrind (exact, unlike time).

Run: ``python benchmarks/count_instructions.py`` (needs valgrind: ``apt-get install valgrind``).

Each workload runs in a child Python under ``valgrind --tool=callgrind`` twice, once with
``k`` repetitions and once with ``k + n``; the difference divided by ``n`` is the cost of one
repetition, with start-up, imports and the first (warm-up) repetition cancelled out. The
child freezes what its imports made out of the garbage collector's sight first (see child()).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import python_line, table

DAG_OPS = 20_000  # small enough for valgrind (it runs Python about 50x slower)


def dag_counts() -> tuple[int, int, int]:
    """(leaves, random ops, adds that sum the unused nodes) of the DAG the workloads build."""
    from bench_engine import dag_recipe

    leaves, recipe = dag_recipe(DAG_OPS)
    return len(leaves), DAG_OPS, len(recipe) - DAG_OPS


def _workloads() -> dict[str, tuple[Callable[[int], object], int]]:
    """name -> (a run of k repetitions, the units one counts: 1 step or the DAG's nodes).

    Training steps run as one loop, as the demo runs them (a step's graph lives until the
    next step's replaces it); DAGs are built, back-propagated and freed one after another.
    """
    from bench_engine import dag_recipe, run_dag_floats, run_dag_tape, run_dag_values
    from bench_training import LR, FloatMLP, ours_steps, setup

    import micrograd_notes
    from micrograd_notes.optim import SGD

    model, X, y = setup()
    floats = FloatMLP(model)
    leaves, recipe = dag_recipe(DAG_OPS)
    nodes = len(leaves) + len(recipe)
    Value = micrograd_notes.Value
    work: dict[str, tuple[Callable[[int], object], int]] = {
        "training step, default": (lambda k: ours_steps(model, X, y, k, "engine"), 1),
        "training step, plain floats": (lambda k: [floats.step(X, y) for _ in range(k)], 1),
        "DAG node, default": (
            lambda k: [run_dag_values(Value, leaves, recipe) for _ in range(k)],
            nodes,
        ),
        "DAG node, plain floats": (
            lambda k: [run_dag_floats(leaves, recipe) for _ in range(k)],
            nodes,
        ),
    }
    if hasattr(micrograd_notes, "Tape"):  # not in versions before the tape
        work["training step, tape + gc paused"] = (
            lambda k: ours_steps(model, X, y, k, "tape"),
            1,
        )
        work["DAG node, tape + gc paused"] = (
            lambda k: [run_dag_tape(leaves, recipe) for _ in range(k)],
            nodes,
        )
    if hasattr(micrograd_notes, "Tape") and hasattr(micrograd_notes.Tape, "compile"):
        # Recorded and compiled in the first repetition, which the difference of two counts
        # leaves out (see the module's notes): what is counted is the step alone.
        optimizer = SGD(model.parameters(), lr=LR)
        work["training step, compiled"] = (
            lambda k: ours_steps(model, X, y, k, "compiled", optimizer),
            1,
        )
    return work


def child(name: str, repeats: int) -> None:
    run, _ = _workloads()[name]
    # Every count starts from the same collector state. The objects the imports left (more or
    # fewer from one version of the package to the next) are frozen out of the cyclic
    # collector's sight and its counters start at zero: otherwise whether a full collection,
    # which walks all of them, falls inside the counted repetitions depends on how much the
    # imports allocated, not on the engine.
    gc.collect()
    gc.freeze()
    run(repeats)


# Callgrind counts every thread. NumPy's OpenBLAS starts worker threads on import, which spin
# for a while: tens of millions of instructions, a different number each run (+-4% of a
# training run). One thread, and one string hash seed, make a count the same every time.
_SAME_EVERY_RUN = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}


def count(name: str, repeats: int) -> int:
    """Instructions for a child process that runs ``name`` ``repeats`` times."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--child", name, str(repeats)],
        capture_output=True, text=True, check=True, env={**os.environ, **_SAME_EVERY_RUN},
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    assert found, done.stderr
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, metavar=("WORKLOAD", "REPEATS"), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=4, help="repetitions counted (n)")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    print(python_line())
    import micrograd_notes

    print(f"micrograd_notes from {Path(micrograd_notes.__file__).parent}")
    rows = []
    for name, (_, units) in _workloads().items():
        per_unit = (count(name, 1 + args.repeats) - count(name, 1)) / args.repeats / units
        rows.append([name, f"{per_unit:,.0f}"])
        print(f"  {name}: {per_unit:,.0f}", file=sys.stderr, flush=True)
    n_leaves, n_ops, n_sums = dag_counts()
    print(
        f"\ninstructions per unit (callgrind; DAG of {n_ops:,} ops on {n_leaves} leaves, "
        f"+{n_sums:,} adds summing its sinks)"
    )
    print(table(rows, ["workload", "instructions"]))


if __name__ == "__main__":
    main()
