"""The ``micrograd-notes`` command: ``demo`` trains a network, ``draw`` renders an expression."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= minimum, or a message saying what is wrong."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {n}")
        return n

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per job."""
    from micrograd_notes.demo import DATASETS

    parser = argparse.ArgumentParser(
        prog="micrograd-notes",
        description="Learn backpropagation with a small scalar autodiff engine.",
    )
    jobs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = jobs.add_parser("demo", help="train MLP(2, [16, 16, 1]) on a toy dataset")
    demo.add_argument("--dataset", choices=sorted(DATASETS), default="moons")
    demo.add_argument("--samples", type=_int_at_least(2), default=100, help="points (default 100)")
    demo.add_argument("--steps", type=_int_at_least(1), default=100, help="SGD steps (default 100)")
    demo.add_argument("--seed", type=_int_at_least(0), default=0, help="seed for data and weights")
    demo.add_argument("--out", type=Path, default=Path("demo_out"), help="output folder")
    demo.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    draw = jobs.add_parser(
        "draw",
        help="draw the graph of an expression as SVG",
        description="Build EXPR from Values, run backward(), and write its graph. EXPR may use "
        "numbers, names, + - * / **, and relu sigmoid tanh exp log abs max min; "
        "give every name a value, as in: micrograd-notes draw 'tanh(x*w + b)' x=1 w=-2 b=0.5",
    )
    draw.add_argument("expr", help="the expression, quoted")
    draw.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="a value for each name")
    draw.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("graph.svg"),
        help="output file: .svg, .dot (or .png/.pdf with system Graphviz)",
    )
    draw.add_argument("--trace", action="store_true", help="print the backward pass, step by step")
    draw.add_argument("--rankdir", choices=["LR", "TB"], default="LR", help="layout direction")
    return parser


def run_draw(args: argparse.Namespace) -> int:
    from micrograd_notes.expr import ExpressionError, parse, parse_assignments
    from micrograd_notes.viz import RenderError, draw, trace_backward

    try:
        root = parse(args.expr, parse_assignments(args.values))
        trace = trace_backward(root)  # runs backward() and records it
        draw(root, rankdir=args.rankdir).save(args.output)
    except (ExpressionError, ArithmeticError, ValueError, TypeError) as err:
        # The engine's own errors (log of a negative, x / 0, ...) are the user's input too.
        print(f"micrograd-notes draw: error: {err}", file=sys.stderr)
        return 2
    except (RenderError, OSError) as err:
        print(f"micrograd-notes draw: error: {err}", file=sys.stderr)
        return 1
    print(f"{args.expr.strip()} = {root.data:.6g}")
    if args.trace:
        print(trace)
    print(f"wrote {args.output}")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from micrograd_notes.demo import run

    if args.out.exists() and not args.out.is_dir():
        print(f"micrograd-notes demo: error: --out {args.out} is a file", file=sys.stderr)
        return 2
    summary = run(
        args.out,
        dataset=args.dataset,
        samples=args.samples,
        steps=args.steps,
        seed=args.seed,
        progress=not args.no_progress,
    )
    print(
        f"trained MLP(2, [16, 16, 1]) on {summary['samples']} {summary['dataset']} points "
        f"for {summary['steps']} steps in {summary['seconds']:.1f} s"
    )
    print(f"final loss {summary['loss']:.4f}, training accuracy {summary['accuracy']:.0%}")
    print("wrote:")
    for path in summary["files"].values():  # type: ignore[attr-defined]
        print(f"  {path}")
    for note in summary["notes"]:  # type: ignore[attr-defined]
        print(note)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``micrograd-notes`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return run_demo(args)
    if args.command == "draw":
        return run_draw(args)
    raise AssertionError(args.command)  # argparse only lets known commands through


if __name__ == "__main__":
    sys.exit(main())
