"""Test helpers shared by several test files."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from micrograd_notes import Tape, Value
from micrograd_notes.exercises.core import Exercise, agrees


def numerical_grads(
    params: Sequence[Value], loss: Callable[[], Value], eps: float = 1e-6
) -> list[float]:
    """d loss / d p for each parameter by central differences, nudging p.data in place."""
    grads = []
    for p in params:
        start = p.data
        p.data = start + eps
        up = loss().data
        p.data = start - eps
        down = loss().data
        p.data = start
        grads.append((up - down) / (2 * eps))
    return grads


def assert_close_lists(
    got: Sequence[float], want: Sequence[float], rtol: float, atol: float
) -> None:
    """Element-wise |got - want| <= atol + rtol |want|, naming the first bad index."""
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert abs(g - w) <= atol + rtol * abs(w), f"index {i}: got {g!r}, want {w!r}"


def balanced_sum(leaves: int) -> str:
    """``((x+x)+(x+x))...`` with ``leaves`` copies of x: shallow enough for any parser."""
    terms = ["x"] * leaves
    while len(terms) > 1:
        terms = [f"({a}+{b})" for a, b in zip(terms[::2], terms[1::2])]
    return terms[0]


def load_script(path: Path, name: str) -> ModuleType:
    """Import the file at ``path`` as module ``name`` without putting its folder on sys.path
    (where web/build.py would shadow PyPI's ``build`` package for every later import)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass in it looks its module up there
    spec.loader.exec_module(module)
    return module


# ---- exercises ------------------------------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# A number literal as a notebook writes it: 12, 0.0474, .5, 4.74e-2 (a sign is separate).
_NUMBER_LITERAL = re.compile(r"(?<![\w.])(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def notebook_source(prefix: str) -> str:
    """The jupytext .py twin of notebook ``prefix`` ("08"), or "" when there is none."""
    return "".join(p.read_text(encoding="utf-8") for p in NOTEBOOKS.glob(f"{prefix}_*.py"))


def notebook_outputs(prefix: str) -> str:
    """Everything notebook ``prefix`` prints, as text (streams and plain-text results)."""
    texts = []
    for path in NOTEBOOKS.glob(f"{prefix}_*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                texts.append("".join(output.get("text", "")))
                texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def notebook_headings(prefix: str) -> set[str]:
    """The markdown headings of notebook ``prefix``, without their #s."""
    return set(re.findall(r"^# #+ (.+?)\s*$", notebook_source(prefix), flags=re.MULTILINE))


def solution_leaks(text: str, value: float) -> list[str]:
    """The number literals in ``text`` that a number exercise with answer ``value`` would
    accept (compared by size: a minus sign is often a character of its own). Whole numbers
    under 100 are in every notebook and are not searched for; an exercise whose answer is one
    needs its reviewer's eye."""
    target = abs(value)
    if target == round(target) and target < 100:
        return []
    return [m for m in _NUMBER_LITERAL.findall(text) if agrees(float(m), target)]


def assert_mistake(ex: Exercise, answer: Any, *words: str) -> str:
    """Assert that ``ex`` calls ``answer`` wrong in one short line that holds every one of
    ``words`` and names, if any, a section that ``ex``'s notebook has; return the line."""
    grade = ex.grade(answer)
    assert grade.status == "wrong", grade
    message = grade.message or ""
    assert "\n" not in message and len(message) <= 300, message
    for word in words:
        assert word in message, f"{word!r} not in: {message}"
    cited = re.search(r"\(reread '(.+)'\)$", message)
    if cited:
        assert cited.group(1) in notebook_headings(ex.notebook), message
    return message


def in_a_thread(function: Callable[..., Any], *args: Any) -> tuple[Any, Any]:
    """``function(*args)`` in a thread of its own, where no timer signal rings (as in the
    browser, under Pyodide): what it returns, and the trace function it leaves behind."""
    done = []

    def run() -> None:
        done.append((function(*args), sys.gettrace()))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=120)  # not a timing: a guard, so a loop never stopped fails the test
    assert not thread.is_alive(), "the check was never stopped"
    return done[0]


# Right answers to the playground's two exercises, as a learner types them into the page.
SOFTPLUS = """\
class Softplus(Gate):
    symbol = "softplus"

    def forward(self, a):
        return math.log1p(math.exp(a.data))

    def backward(self, out):
        (a,) = out.parents
        a.grad += out.grad / (1.0 + math.exp(-a.data))
"""

ORDER = """\
def topological_order(root):
    order, done, stack = [], set(), [(root, False)]
    while stack:
        node, parents_listed = stack.pop()
        if parents_listed:
            order.append(node)
        elif node not in done:
            done.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents if p not in done)
    return order
"""
# The natural first answer: right on small graphs, a RecursionError on a deep chain.
RECURSIVE = """\
def topological_order(root):
    order, seen = [], set()
    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)
    visit(root)
    return order
"""


# ---- the compiled step against the engine (test_compiled.py, test_program.py) -------------


def engine(make, params):
    """The loss and the params' grads from the engine, the graph built again on a tape."""
    for p in params:
        p.grad = 0.0
    with Tape():
        loss = make()
        loss.backward()
    return loss.data, [p.grad for p in params]


def compiled_step(make, params, **options):
    """The compiled step of ``make()``'s graph, and one call's loss and grads."""
    with Tape() as tape:
        loss = make()
    step = tape.compile(loss, params=params, **options)
    for p in params:
        p.grad = 0.0
    return step, (step(), [p.grad for p in params])
