"""The ``micrograd-notes`` command: ``demo`` trains a network, ``draw`` renders an expression,
``exercises`` lists the exercises or checks a learner's answers.

Each command imports what it needs when it runs: ``--help`` and ``draw`` never load
matplotlib (0.7 s, and a font cache written under the home folder).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from micrograd_notes import __version__

# The demo's datasets, named here so that building the parser imports nothing heavy
# (tests/test_cli.py checks this list against demo.DATASETS).
DATASET_NAMES = ("circles", "moons", "xor")
MAX_STEPS = 1_000_000
# A step costs about 0.08 ms and 72 graph nodes per sample: 10,000 samples is already about
# 1 s and 720,000 nodes a step. A billion asked for 32 GB before this limit existed.
MAX_SAMPLES = 10_000
# draw's default limit on nodes, viz.MAX_NODES (named here so that --help imports no graphviz;
# tests/test_cli.py checks that the two agree).
MAX_NODES = 2000

DEMO_FILES = """\
files written to the --out folder (an existing file of the same name is replaced):
  decision_boundary.png  the trained model's decision boundary over the data
  training_curves.png    loss and training accuracy (%) after every step
  weights.json           the trained weights (micrograd_notes.weights.load reads them)
  neuron_graph.svg       one first-layer neuron's forward and backward pass"""


def _int_between(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in [minimum, maximum], or a message saying what is wrong."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r:.40}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {n}")
        if maximum is not None and n > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {text:.40}")
        return n

    return parse


class _HelpFormatter(argparse.HelpFormatter):
    """Help that shows each option's default (where there is one to show) and wraps the
    description and epilog to the terminal, keeping their line breaks and the columns of a
    table such as DEMO_FILES."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        # A flag's False and an unset None say nothing a reader can use: no "(default: None)".
        unset = action.default is None or action.default is False  # not 0: --seed's is
        if not action.option_strings or unset or action.default == argparse.SUPPRESS:
            return action.help
        return f"{action.help} (default: %(default)s)"

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = []
        for line in text.splitlines():
            column = re.match(r"\s+\S+\s{2,}", line)  # a table's row: wrap under its 2nd column
            under = indent + " " * (column.end() if column else 0)
            lines += textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=under)
        return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per job."""
    parser = argparse.ArgumentParser(
        prog="micrograd-notes",
        description="Learn backpropagation with a small scalar autodiff engine.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    jobs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = jobs.add_parser(
        "demo",
        help="train MLP(2, [16, 16, 1]) on a toy dataset and save pictures of it",
        description="Train MLP(2, [16, 16, 1]) on a 2-D toy dataset with hinge loss + L2 and "
        "SGD (learning rate decaying from 1.0 to 0.1), then save pictures and the weights.",
        epilog=DEMO_FILES,
        formatter_class=_HelpFormatter,
    )
    demo.add_argument("--dataset", choices=DATASET_NAMES, default="moons", help="the data")
    demo.add_argument(
        "--samples", type=_int_between(2, MAX_SAMPLES), default=100, help="points in the dataset"
    )
    demo.add_argument("--steps", type=_int_between(1, MAX_STEPS), default=100, help="SGD steps")
    demo.add_argument("--seed", type=_int_between(0), default=0, help="seed for data and weights")
    demo.add_argument("--out", type=Path, default=Path("demo_out"), help="output folder")
    demo.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    demo.add_argument(
        "--engine",
        action="store_true",
        help="step on the engine (the graph built again each step, on a tape) instead of the "
        "compiled step (the step recorded once and run as generated Python: same numbers, "
        "about 6x faster)",
    )

    draw = jobs.add_parser(
        "draw",
        help="draw the graph of an expression as SVG",
        description="Build EXPR from Values, run backward(), and write its graph. EXPR may use "
        "numbers, names, + - * / **, and relu sigmoid tanh exp log abs max min; "
        "give every name a value, as in: micrograd-notes draw 'tanh(x*w + b)' x=1 w=-2 b=0.5 "
        "(options may come anywhere, also after the values).",
        epilog="exit codes: 0 drawn; 1 the picture could not be rendered or written; "
        "2 bad input (the expression, a value, an option); 130 interrupted (Ctrl-C)",
        formatter_class=_HelpFormatter,
    )
    draw.add_argument("expr", help="the expression, quoted")
    draw.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="a value for each name")
    draw.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("graph.svg"),
        help="output file: .svg, .dot (or .png/.pdf with system Graphviz); an existing file "
        "is replaced",
    )
    draw.add_argument("--trace", action="store_true", help="print the backward pass, step by step")
    draw.add_argument("--rankdir", choices=["LR", "TB"], default="LR", help="layout direction")
    draw.add_argument(
        "--max-nodes",
        type=_int_between(1),
        default=MAX_NODES,
        help="refuse graphs with more nodes than this (big graphs lay out slowly)",
    )
    _add_exercises(jobs)
    return parser


# draw's options, so that its arguments can be sorted into options and positionals before
# argparse sees them (see _draw_argv).
_DRAW_OPTIONS_WITH_A_VALUE = ("-o", "--output", "--rankdir", "--max-nodes")
_PICTURE_SUFFIXES = (".svg", ".dot", ".png", ".pdf")
_DRAW_FLAGS = ("--trace", "-h", "--help")


def _draw_argv(args: Sequence[str]) -> list[str]:
    """draw's arguments with its options first and the rest after ``--``.

    argparse stops taking positionals at the first option (``draw "x*y" -o g.svg x=2`` would
    leave ``x=2`` unrecognized) and reads ``"-x"`` as an unknown option. Here anything that
    is not one of draw's options is the expression or a value, wherever it stands.
    """
    options: list[str] = []
    positionals: list[str] = []
    items = iter(args)
    for item in items:
        if item == "--":
            positionals.extend(items)
        elif item in _DRAW_OPTIONS_WITH_A_VALUE:
            options.append(item)
            value = next(items, None)  # none at the end: argparse says one is expected
            if value is not None:
                options.append(value)
        elif item in _DRAW_FLAGS or _looks_like_an_option(item) or _attached_output(item):
            options.append(item)
        else:
            positionals.append(item)
    return [*options, "--", *positionals]


def _looks_like_an_option(item: str) -> bool:
    """``--output=g.svg`` or an unknown ``--some-option`` (argparse names it); ``--x``, a
    double negative, would be taken for one too: write it ``- -x``."""
    name = item.split("=")[0]
    return name.startswith("--") and name[2:3].isalpha() and name[2:].replace("-", "").isalpha()


def _attached_output(item: str) -> bool:
    """``-o=g.svg`` or ``-og.svg``: the output with no space (not an expression like ``-o*2``)."""
    return item.startswith("-o=") or (
        item.startswith("-o") and Path(item[2:]).suffix in _PICTURE_SUFFIXES
    )


def run_draw(args: argparse.Namespace) -> int:
    from micrograd_notes.expr import INPUT_ERRORS, parse, parse_assignments
    from micrograd_notes.trace import trace_backward
    from micrograd_notes.viz import RENDER_TIMEOUT, RenderError, RenderTimeout, TooBigToDraw, draw

    existed = args.output.exists()
    trace = None
    try:
        root = parse(args.expr, parse_assignments(args.values))
        if args.trace:
            trace = trace_backward(root, max_nodes=args.max_nodes)  # runs backward(), records it
        else:
            root.backward()  # draw() refuses a graph over the limit before laying it out
        view = draw(root, rankdir=args.rankdir, max_nodes=args.max_nodes)
        view.save(args.output)
    # viz's own advice names Python's spellings (max_nodes=, fused=True neurons): here, the
    # command's options.
    except TooBigToDraw as err:
        print(
            f"micrograd-notes draw: error: this graph has more than {err.max_nodes:,} nodes, the "
            "drawing limit: it would take long to lay out and be unreadable. Draw a part of the "
            "expression, or raise the limit with --max-nodes N",
            file=sys.stderr,
        )
        return 2
    except RenderTimeout as err:
        print(
            f"micrograd-notes draw: error: rendering took longer than {RENDER_TIMEOUT:g} s and "
            f"was stopped: this graph ({err.edges} edges) is too tangled to lay out quickly. "
            "Draw a part of the expression, or write its DOT source with -o graph.dot, which "
            "needs no layout",
            file=sys.stderr,
        )
        return 1
    except INPUT_ERRORS as err:
        # The engine's own errors (log of a negative, x / 0, an overflow, ...) are the
        # user's input too.
        print(f"micrograd-notes draw: error: {err}", file=sys.stderr)
        return 2
    except RenderError as err:
        print(f"micrograd-notes draw: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        reason = err.strerror or str(err)
        print(
            f"micrograd-notes draw: error: cannot write -o {args.output}: {reason}", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        print(f"micrograd-notes draw: interrupted: {args.output} was not written", file=sys.stderr)
        return 130
    print(f"{args.expr.strip()} = {root.data:.6g}")
    if trace is not None:
        print(trace)
    print(f"wrote {args.output}{' (replacing the file that was there)' if existed else ''}")
    return 0


def _check_out_folder(out: Path) -> str | None:
    """Why the demo cannot write into ``out``, or None when it can."""
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return f"cannot make the --out folder {out}: {err.strerror or err}"
    if not os.access(out, os.W_OK | os.X_OK):
        return f"cannot write into the --out folder {out}: permission denied"
    return None


def run_demo(args: argparse.Namespace) -> int:
    from micrograd_notes.extras import INSTALL, missing

    absent = missing("matplotlib", "tqdm")  # the [demo] extra: said before anything is made
    if absent:
        needs = f"{' and '.join(absent)}, which {'is' if len(absent) == 1 else 'are'} not installed"
        print(f"micrograd-notes demo: error: the demo needs {needs}: {INSTALL}", file=sys.stderr)
        return 1
    created = not args.out.exists()
    problem = _check_out_folder(args.out)
    if problem is not None:
        print(f"micrograd-notes demo: error: {problem}", file=sys.stderr)
        return 2
    # A bar redrawn after every step is for a terminal; in a log (CI, a file) it would be a
    # line per step: there, one line says what is going on.
    bar = not args.no_progress and sys.stderr.isatty()
    if not args.no_progress and not bar:
        print(f"training: {args.steps:,} steps (no progress bar: not a terminal)", file=sys.stderr)
    try:
        from micrograd_notes.demo import Interrupted, run
    except KeyboardInterrupt:  # Ctrl-C while numpy and the rest load
        return _interrupted(args.out, created, "before training started", [])
    try:
        summary = run(
            args.out,
            dataset=args.dataset,
            samples=args.samples,
            steps=args.steps,
            seed=args.seed,
            progress=bar,
            path="tape" if args.engine else "compiled",
        )
    except Interrupted as stop:
        if bar:
            print(file=sys.stderr)  # end the progress bar's line: tqdm leaves it open
        return _interrupted(args.out, created, stop.when, stop.written)
    except KeyboardInterrupt:  # between the demo's own checkpoints: making the data
        return _interrupted(args.out, created, "before training started", [])
    except OSError as err:  # a full disk, a file that cannot be replaced, ...
        where = err.filename or args.out
        print(
            f"micrograd-notes demo: error: could not write {where}: {err.strerror or err}",
            file=sys.stderr,
        )
        return 1
    print(
        f"trained MLP(2, [16, 16, 1]) on {summary['samples']} {summary['dataset']} points "
        f"for {summary['steps']} steps in {summary['seconds']:.1f} s "
        f"({'on the engine' if args.engine else 'compiled'})"
    )
    print(f"final loss {summary['loss']:.4f}, training accuracy {summary['accuracy']:.0%}")
    print("wrote:")
    for path in summary["files"].values():  # type: ignore[attr-defined]
        print(f"  {path}")
    for note in summary["notes"]:  # type: ignore[attr-defined]
        print(note)
    return 0


def _interrupted(out: Path, created: bool, when: str, written: list[Path]) -> int:
    """Say in one line what a Ctrl-C left behind; 130 is the shell's code for it."""
    if created and out.is_dir() and not any(out.iterdir()):
        out.rmdir()  # the folder was made for this run and holds nothing: leave no trace
    if written:
        done = f"wrote only {', '.join(p.name for p in written)} in {out}"
    else:
        done = "nothing was written"
    print(f"micrograd-notes demo: interrupted {when}: {done}", file=sys.stderr)
    return 130


# ---- exercises ---------------------------------------------------------------------------------

EXERCISES_HELP = """\
With no PATH, list every exercise with its notebook and kind. With PATH, a notebook (.ipynb)
or a Python file holding your answers: run its code in a separate process (as the notebook
would run, top to bottom, with a time limit) and say which of its exercises are right, which
are wrong and why, and which are not answered yet. The exercises checked are those of the
file's notebook (from the two digits its name starts with) and any other whose answer the file
defines. An answer goes under the exercise's name: a function linear_backward, a class
Softplus, a variable for a number or a choice."""

EXERCISES_EXIT_CODES = """\
exit codes: 0 every exercise right (or the list printed); 1 an exercise wrong or not answered
yet; 2 bad input (no such file, not a notebook or a Python file, no exercises in it); 3 the
file's code raised an error or ran past --timeout (the answers it defined before are still
checked); 130 interrupted (Ctrl-C)"""


def _add_exercises(jobs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exercises = jobs.add_parser(
        "exercises",
        help="list the exercises, or check the answers in a notebook or a Python file",
        description=EXERCISES_HELP,
        epilog=EXERCISES_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exercises.add_argument(
        "path", nargs="?", type=Path, metavar="PATH", help="a notebook or a Python file of answers"
    )
    exercises.add_argument(
        "--timeout",
        type=_int_between(1, 3600),
        default=120,
        metavar="SECONDS",
        help="stop the file's code after this long (default: 120)",
    )


def run_exercises(args: argparse.Namespace) -> int:
    from micrograd_notes.exercises import catalog
    from micrograd_notes.exercises.progress import (
        FileProblem,
        format_catalog,
        format_report,
        grade_file,
    )

    who = "micrograd-notes exercises"
    if args.path is None:
        print(format_catalog(catalog()))
        return 0
    try:
        report = grade_file(args.path, timeout=args.timeout)
    except FileProblem as err:
        print(f"{who}: error: {err}", file=sys.stderr)
        return 2
    except TimeoutError as err:
        print(f"{who}: error: {err} and was stopped (allow longer with --timeout)", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(f"{who}: interrupted", file=sys.stderr)
        return 130
    if report.error:
        print(f"{who}: the code in {args.path} stopped: {report.error}", file=sys.stderr)
    elif not report.grades:
        print(
            f"{who}: error: no exercises in {args.path}: its name starts with no notebook's "
            f"number and it defines no answer (`{who}` lists their names)",
            file=sys.stderr,
        )
        return 2
    if report.grades:
        print(format_report(args.path, report))
    if report.error:
        return 3
    return 0 if all(grade.status == "right" for _, grade in report.grades) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``micrograd-notes`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["draw"]:
        argv = ["draw", *_draw_argv(argv[1:])]
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        _refuse_unknown(parser, args.command, unknown)
    if args.command == "demo":
        return run_demo(args)
    if args.command == "draw":
        return run_draw(args)
    if args.command == "exercises":
        return run_exercises(args)
    raise AssertionError(args.command)  # argparse only lets known commands through


def _refuse_unknown(parser: argparse.ArgumentParser, command: str, unknown: list[str]) -> None:
    """Refuse arguments the command does not know, as argparse does (its usage, exit code 2),
    suggesting the nearest of its options for a mistyped one."""
    # argparse keeps its subcommands and their options in private fields: read-only here.
    jobs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    job: argparse.ArgumentParser = jobs.choices[command]
    options = [name for name in job._option_string_actions if name.startswith("--")]
    hints = []
    for item in unknown:
        nearest = difflib.get_close_matches(item.split("=")[0], options, n=1)
        if item.startswith("--") and nearest:
            hints.append(f"did you mean {nearest[0]}?")
    hint = f" ({'; '.join(hints)})" if hints else ""
    job.error(f"unrecognized arguments: {' '.join(unknown):.100}{hint}")


if __name__ == "__main__":
    sys.exit(main())
