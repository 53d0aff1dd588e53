"""The benchmark scripts still run and print their tables (tiny sizes; no timing is checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from micrograd_notes import Value

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _rows(out: str, column: str) -> dict[str, list[str]]:
    """The rows of the first table with a column titled ``column``, by engine name."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("engine") and column in line)
    rows = {}
    for line in lines[start + 2 :]:  # past the header and its dashes
        if not line.strip():
            break
        name, *cells = [cell for cell in line.split("  ") if cell]
        rows[name.strip()] = [cell.strip() for cell in cells]
    return rows


def test_engine_benchmark_prints_its_three_tables() -> None:
    out = _run("bench_engine.py", "--ops", "500", "--repeats", "1", "--chain", "1000",
               "--deepest", "10000")  # fmt: skip
    assert out.startswith("Python ")
    assert "all engines agree" in out
    dag = _rows(out, "vs micrograd_notes")
    assert dag["micrograd_notes"][1] == "1.00x"
    assert {"micrograd_notes, tape + gc paused", "plain floats"} <= dag.keys()
    chain = _rows(out, "deepest of 10^3..10^4")
    assert chain["micrograd_notes"][0] == ">= 10,000"
    assert "(c) memory per node of a live DAG (tracemalloc, 500 ops)" in out  # it follows --ops
    memory = _rows(out, "bytes per node")
    assert 50 < float(memory["micrograd_notes"][0].removesuffix(" B")) < 250


def test_training_benchmark_prints_its_table() -> None:
    out = _run("bench_training.py", "--repeats", "1", "--block", "1", "--points", "10",
               "--compile-points", "10", "30")  # fmt: skip
    assert "all engines agree on the first step's loss" in out
    assert "MLP(2, [16, 16, 1]), 10 points" in out
    step = _rows(out, "time per step")
    assert step["micrograd_notes"][1] == "1.00x"
    assert step["plain floats"][2] == "1.00x"
    assert {"micrograd_notes, tape + gc paused", "micrograd_notes, compiled"} <= step.keys()
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("points"))
    compiled = [line.split() for line in lines[start + 2 : start + 4]]
    assert [row[0] for row in compiled] == ["10", "30"]
    assert compiled[0][-2] == compiled[1][-2]  # the same program size: one loop, any batch


def test_instruction_count_workloads_all_run() -> None:
    # The callgrind script itself needs valgrind; what it counts must at least run.
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_engine
        import count_instructions

        work = count_instructions._workloads()
        n_leaves, n_ops, n_sums = count_instructions.dag_counts()
        leaves, recipe = bench_engine.dag_recipe(count_instructions.DAG_OPS)
        built = bench_engine.build_dag_nodes(Value, leaves, recipe)
    finally:
        sys.path.remove(str(BENCHMARKS))
    assert {"training step, tape + gc paused", "DAG node, tape + gc paused"} <= work.keys()
    assert "training step, compiled" in work
    assert n_ops == count_instructions.DAG_OPS and n_sums > 0
    assert n_leaves + n_ops + n_sums == len(built)  # a unit is one node the DAG builds
    for name, (run, units) in work.items():
        run(1)
        assert units == (1 if name.startswith("training") else len(built))
