"""The playground's Python bridge (web/bridge.py), run here in CPython: the browser runs the
same file under Pyodide (tests/test_web.py)."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import ORDER, RECURSIVE, SOFTPLUS, balanced_sum, in_a_thread, load_script
from hypothesis import given
from hypothesis import strategies as st

from micrograd_notes import Gate, cli, viz
from micrograd_notes import expr as expr_module
from micrograd_notes import trace as trace_module
from micrograd_notes.exercises import core, exercise
from micrograd_notes.expr import parse

BRIDGE = Path(__file__).resolve().parent.parent / "web" / "bridge.py"
bridge = load_script(BRIDGE, "micrograd_notes_web_bridge")


@pytest.fixture(autouse=True)
def render_without_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for viz.js: a renderer that records what it was asked to draw."""
    bridge.use_viz_js(lambda source: f"<svg><!-- {len(source)} --></svg>")
    yield
    viz.use_renderer(None)


# ---- the link ---------------------------------------------------------------------------------


def test_a_shared_link_reads_as_expression_and_values() -> None:
    query = "?expr=tanh(x*w%20%2B%20b)&x=2&w=-3&b=6.88"
    assert bridge.read_query(query) == ("tanh(x*w + b)", ["x=2", "w=-3", "b=6.88"])
    assert bridge.read_query("") == ("", [])


def test_a_raw_plus_in_a_link_is_a_plus() -> None:
    # Issue 24, bug 3: a link typed by hand, or by a chat app that does not escape +.
    assert bridge.read_query("?expr=x+y&x=1&y=2") == ("x+y", ["x=1", "y=2"])
    shown = bridge.explain_query("?expr=x*w+b&x=2&w=-3&b=1")
    assert shown["error"] is None and shown["value_text"] == "-5"


def test_parameters_the_page_does_not_use_are_ignored() -> None:
    # Issue 24, bug 3: links pasted from social sites carry tracking parameters.
    shown = bridge.explain_query("?expr=x*2&x=3&fbclid=IwAR0abc&utm_source=share")
    assert shown["error"] is None and shown["value_text"] == "6"
    assert shown["values_text"] == "x=3"
    assert shown["query"] == "?expr=x*2&x=3"  # and the page's address drops them


def test_a_variable_named_expr_survives_the_share_link() -> None:
    # Issue 20, case 19: `expr=3` used to overwrite the expression when the link was read.
    shown = bridge.explain("expr * 2 + 1", "expr=3")
    assert shown["value_text"] == "7"
    assert bridge.read_query(shown["query"]) == ("expr * 2 + 1", ["expr=3"])
    assert bridge.explain_query(shown["query"])["value_text"] == "7"


@pytest.mark.parametrize(
    "query",
    [
        "?expr=x*2&x=1&" + "n" * 10**6 + "=1",  # a 1 MB name the expression does not use
        "?expr=x*2&x=" + "9" * 10**6 + "q",  # a 1 MB value that is not a number
        "?expr=" + "n" * 10**6 + "&x=1",  # a 1 MB name that is the expression
        "?expr=" + "n" * 10**6 + "&" + "n" * 10**6 + "=1",
    ],
)
def test_a_huge_parameter_gives_one_short_line(query: str) -> None:
    # Issue 20, case 21: the error was as long as the name (1 MB).
    shown = bridge.explain_query(query)
    message = shown["error"] or ""
    assert len(message) <= 160 and "\n" not in message
    if "n" * 10**6 + "=1" in query and "x*2" in query:
        assert shown["error"] is None  # an unused name is simply ignored
    else:
        assert message


def test_the_share_link_is_readable_and_escapes_plus() -> None:
    query = bridge.share_query("tanh(x*w + b)", ["x=2", "w = -3", "b=6.88"])
    assert query == "?expr=tanh(x*w%20%2B%20b)&x=2&w=-3&b=6.88"
    assert query == bridge.EXAMPLE_QUERY


names = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)


@given(
    expr=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30),
    values=st.dictionaries(names, st.floats(allow_nan=False, allow_infinity=False), max_size=4),
)
def test_share_and_read_round_trip(expr: str, values: dict[str, float]) -> None:
    assignments = [f"{name}={number!r}" for name, number in values.items()]
    assert bridge.read_query(bridge.share_query(expr, assignments)) == (expr.strip(), assignments)


def test_the_values_box_splits_on_spaces_commas_and_semicolons() -> None:
    assert bridge.split_values(" x=2, w = -3;b=6.88\n c=1e-3 ") == [
        "x=2",
        "w=-3",
        "b=6.88",
        "c=1e-3",
    ]
    assert bridge.split_values("") == []


# ---- what reaches Python's parser -------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("-" * 3000 + "x", "too long: 3,000 signs (+ or - before a term) one after another"),
        ("+".join(["x"] * 1000), "too long: a sum of 1,000 terms"),
        ("+".join(["x"] * 10_000), "too long: a sum of 10,000 terms"),
        ("*".join(["x"] * 3000), "too long: a product of 3,000 factors"),
        ("(" * 300 + "x" + ")" * 300, "too deep: "),
        ("tanh(" * 150 + "x" + ")" * 150, "too deep: 150 brackets inside one another"),
        ("x+" * 15_000 + "x", "20,000"),
        ("x" + ".a" * 5000, "too long: 5,000 operations"),
        ("x" + "()" * 5000, "too long: 5,000 operations"),
        ("x" + "[0]" * 5000, "too long: 5,000 operations"),
        ("lambda:" * 2000 + "x", "too long: 4,000 operations"),
        ("not " * 2000 + "x", "too long: 2,000 operations"),
    ],
    ids=[
        "minus",
        "sum",
        "sum-10k",
        "product",
        "brackets",
        "calls",
        "long",
        "attributes",
        "call-chain",
        "subscripts",
        "lambdas",
        "nots",
    ],
)
def test_expressions_too_deep_for_the_pages_parser_never_reach_it(
    expr: str, words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 24, bug 1: in the page, Python's parser overflows WebAssembly's stack on these
    # (Python then cannot go on). Nothing may hand them to ast.parse.
    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("ast.parse was called")

    without_parse = SimpleNamespace(**{**vars(ast), "parse": no_parse})
    monkeypatch.setattr(bridge, "ast", without_parse, raising=False)
    monkeypatch.setattr(expr_module, "ast", without_parse)
    shown = bridge.explain(expr, "x=1")
    assert words in shown["error"]
    assert len(shown["error"]) <= 160
    assert bridge.explain_query(f"?expr={expr}&x=1")["error"] == shown["error"]


@pytest.mark.parametrize(
    "expr",
    [
        "+".join(["x"] * 301),  # 300 operations in a row: the page's most
        "(" * 50 + "x" + ")" * 50,
        balanced_sum(1024),  # wide, not deep: 1,024 nodes, each bracket holds one +
    ],
)
def test_expressions_within_the_limits_reach_the_parser(expr: str) -> None:
    assert bridge.explain(expr, "x=1")["error"] is None


# ---- the graph --------------------------------------------------------------------------------


def test_the_table_holds_what_the_engine_computes() -> None:
    shown = bridge.explain("tanh(x*w + b) * x", "x=2 w=-3 b=6.88")
    assert shown["error"] is None
    root = parse("tanh(x*w + b) * x", {"x": 2.0, "w": -3.0, "b": 6.88})
    root.backward()
    order = viz.topological_order(root)
    assert [(row["data"], row["grad"]) for row in shown["nodes"]] == [
        (n.data, n.grad) for n in order
    ]
    assert [row["id"] for row in shown["nodes"]] == [f"v{i}" for i in range(len(order))]
    assert shown["value_text"] == f"{root.data:.6g}"
    assert shown["query"] == "?expr=tanh(x*w%20%2B%20b)%20*%20x&x=2&w=-3&b=6.88"
    assert shown["svg"].startswith("<svg")
    assert (shown["steps"], shown["forward_steps"]) == (4, 4)  # *, +, tanh, * x


def test_each_frame_is_one_step_of_the_trace() -> None:
    shown = bridge.explain("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    trace = viz.trace_backward(parse("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.88}))
    assert shown["steps"] == len(trace.steps) == 3
    for k, step in enumerate(trace.steps, start=1):
        frame = bridge.frame(k)
        assert frame["node"] == trace.name(step.node)
        assert frame["rows"] == [row for row in trace.rows() if row[0] == str(k)]
        assert frame["row_nodes"] == [[step.node, slot.parent] for slot in step.slots]
    assert bridge.frame(0)["node"] is None
    assert bridge.frame(4)["error"] == "there is no step 4: this pass has steps 1 to 3"


def test_each_forward_frame_computes_one_gate() -> None:
    bridge.explain("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    assert bridge.forward_frame(0)["rows"] == []
    assert bridge.forward_frame(1)["rows"] == [["1", "*#2", "*", "x = 2, w = -3", "-6"]]
    assert bridge.forward_frame(1)["row_nodes"] == [[2, 0, 1]]
    assert bridge.forward_frame(3)["rows"][0][2:] == ["tanh", "+#4 = 0.88", "0.7064"]
    assert bridge.forward_frame(4)["error"] == (
        "there is no forward step 4: this pass has steps 0 to 3"
    )


def test_a_frame_is_drawn_when_it_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 20, case 19 (and issue 24, bug 7): every step's frame used to be built before the
    # first could be shown: 15 s at 600 nodes, 47 s at 1,200, in the page.
    drawn = []
    real = viz.to_digraph

    def counting(*args: object, **kwargs: object) -> object:
        drawn.append(kwargs.get("current"))
        return real(*args, **kwargs)

    monkeypatch.setattr(viz, "to_digraph", counting)
    monkeypatch.setattr(trace_module, "to_digraph", counting)  # the frames are drawn there
    terms = [f"x{i}" for i in range(300)]
    values = " ".join(f"{name}=0.5" for name in terms)
    while len(terms) > 1:  # a balanced sum of 300 inputs: 599 nodes, 299 steps
        terms = [f"({a}+{b})" for a, b in zip(terms[::2], terms[1::2])] + terms[len(terms) & ~1 :]
    shown = bridge.explain(terms[0], values)
    assert (len(shown["nodes"]), shown["steps"]) == (599, 299)
    drawn.clear()
    assert bridge.frame(1)["step"] == 1
    assert len(drawn) == 1
    assert bridge.forward_frame(1)["step"] == 1
    assert len(drawn) == 2


def test_gradcheck_compares_each_input() -> None:
    bridge.explain("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    checked = bridge.check()
    assert checked["ok"] and [row["name"] for row in checked["rows"]] == ["x", "w", "b"]
    root = parse("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.88})
    root.backward()
    x_row = checked["rows"][0]
    assert float(x_row["analytical_text"]) == pytest.approx(
        root.parents[0].parents[0].parents[0].grad
    )
    assert float(x_row["numerical_text"]) == pytest.approx(
        float(x_row["analytical_text"]), rel=1e-6
    )


def test_gradcheck_says_where_backward_and_differences_disagree() -> None:
    # relu has no derivative at 0: backward() takes 0, central differences see 1/2.
    bridge.explain("relu(x) * y", "x=0 y=2")
    checked = bridge.check()
    assert not checked["ok"]
    assert [(row["name"], row["agrees"]) for row in checked["rows"]] == [("x", False), ("y", True)]
    assert float(checked["rows"][0]["numerical_text"]) == pytest.approx(1.0)  # 2 * 1/2
    # log(x) nudged below 0 cannot be evaluated: that input says why, in one line.
    bridge.explain("log(x)", "x=1e-7")
    assert bridge.check()["rows"] == [
        {"name": "x", "error": "log: needs a positive input, got -9e-07"}
    ]


def test_no_expression_no_frames() -> None:
    bridge._shown = None
    assert bridge.frame(1) == {"error": "draw an expression first"}
    assert bridge.check() == {"error": "draw an expression first"}


@pytest.mark.parametrize(
    ("expr", "values"),
    [
        ("x +", "x=1"),  # a syntax error
        ("x.real", "x=1"),  # refused syntax
        ("log(x)", "x=-1"),  # the engine refuses
        ("x / y", "x=1 y=0"),
        ("x * y", "x=1"),  # a name with no value
        ("x", "x=abc"),  # a value that is not a number
    ],
)
def test_bad_input_gets_the_clis_one_line_message(
    expr: str, values: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shown = bridge.explain(expr, values)
    assert cli.main(["draw", expr, *values.split(), "-o", str(tmp_path / "g.dot")]) == 2
    message = capsys.readouterr().err.strip()
    assert message == f"micrograd-notes draw: error: {shown['error']}"
    assert "\n" not in shown["error"]


def test_a_value_left_over_from_an_edit_is_not_an_error() -> None:
    # Issue 24, bug 10: deleting `* y` from the expression used to fail on the leftover y=2.
    shown = bridge.explain("x", "x=1 y=2")
    assert shown["error"] is None and shown["unused"] == ["y"]
    assert shown["query"] == "?expr=x&x=1"
    # A name is the name Python reads, however it is typed (NFKC).
    for values in ["𝑥=3", "x=3"]:
        shown = bridge.explain("𝑥 * 2", values)
        assert (shown["error"], shown["value_text"], shown["unused"]) == (None, "6", [])
        assert [(row["name"], row["agrees"]) for row in bridge.check()["rows"]] == [("x", True)]


def test_the_page_explains_powers_and_its_own_limit() -> None:
    # Issue 24, bug 10: the advice named fused=True and --max-nodes, which the page lacks.
    too_big = bridge.explain(balanced_sum(2048), "x=0.5")["error"]
    assert too_big == (
        "this graph has more than 2,000 nodes, the most the page draws: "
        "draw a smaller part of the expression"
    )
    assert "use ** " not in too_big and "fused" not in too_big and "--max-nodes" not in too_big
    assert "use ** for powers" in bridge.explain("x^2", "x=3")["error"]


def test_a_link_with_nothing_in_it_opens_the_example() -> None:
    shown = bridge.explain_query("")
    assert (shown["expr"], shown["values_text"]) == ("tanh(x*w + b)", "x=2 w=-3 b=6.88")
    assert shown["error"] is None
    assert bridge.explain_query("?expr=q&x=1")["error"] == (
        "no value for 'q': add q=NUMBER"  # the link's own problem, not the example
    )


def test_a_failing_viz_js_is_one_render_error() -> None:
    def broken(source: str) -> str:
        raise RuntimeError("syntax error in line 1")

    bridge.use_viz_js(broken)
    shown = bridge.explain("x * 2", "x=1")
    assert shown["error"] == "viz.js could not render the graph: syntax error in line 1"


def test_the_bridge_needs_neither_numpy_nor_matplotlib() -> None:
    # What Pyodide has here: neither package. The bridge, the lab and what they import must
    # still load. A fresh interpreter, so this process's modules stay the ones every other
    # test uses.
    script = f"""
import importlib.util, sys
sys.modules["numpy"] = None  # import numpy now raises ImportError
sys.modules["matplotlib"] = None
sys.path.insert(0, {str(BRIDGE.parent)!r})
import bridge, lab
print(bridge.explain("x * x", "x=3")["nodes"][0]["grad"], lab.Settings().dataset)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.split() == ["6.0", "moons"]


# ---- the exercises ----------------------------------------------------------------------------


def check(name: str, source: str) -> tuple[str, str]:
    answer = bridge.check_exercise(name, source)
    return answer["status"], answer["message"]


def test_the_page_offers_the_two_code_exercises_with_their_starters() -> None:
    offered = bridge.exercises()
    assert [e["name"] for e in offered] == ["gate_backward", "topological_order"]
    for e in offered:
        assert e["starter"] == exercise(e["name"]).starter
        assert e["section"] == exercise(e["name"]).section
        assert check(e["name"], e["starter"])[0] == "not answered"


def test_right_answers_are_right() -> None:
    assert check("gate_backward", SOFTPLUS) == ("right", "right")
    assert check("topological_order", ORDER) == ("right", "right")


def test_the_named_mistakes_are_the_notebooks_messages() -> None:
    equals = SOFTPLUS.replace("a.grad +=", "a.grad =")
    namespace = {"Gate": Gate, "math": math}
    exec(equals, namespace)  # the same code, run as a notebook runs it
    status, message = check("gate_backward", equals)
    assert status == "wrong" and message == exercise("gate_backward").problem(namespace["Softplus"])
    assert "used = where += is needed" in message
    reversed_order = ORDER.replace("    return order\n", "    return order[::-1]\n")
    status, message = check("topological_order", reversed_order)
    assert status == "wrong" and "every node comes before its parents" in message
    swapped = ORDER.replace("    return order\n", "    order[0], order[-1] = order[-1], order[0]\n"
                            "    return order\n")  # fmt: skip
    status, message = check("topological_order", swapped)
    assert status == "wrong" and "comes before its parent" in message


def test_recursion_is_named_with_the_learners_line() -> None:
    status, message = check("topological_order", RECURSIVE)
    assert status == "wrong"
    assert "RecursionError" in message and "at line 7: visit(parent)" in message
    assert message.endswith("(reread 'And no recursion at all')")


def test_code_that_stops_says_why_and_at_which_line() -> None:
    status, message = check("gate_backward", SOFTPLUS.replace("(a,) =", "(a,) = ="))
    assert (status, message) == (
        "error", "your code stopped: SyntaxError: invalid syntax at line 8: (a,) = = out.parents"
    )  # fmt: skip
    status, message = check("gate_backward", "class Softplus(Gat):\n    pass\n")
    assert status == "error"
    assert message == (
        "your code stopped: NameError: name 'Gat' is not defined at line 1: class Softplus(Gat):"
    )
    broken = SOFTPLUS.replace("(1.0 + math.exp", "(0.0 * math.exp")
    status, message = check("gate_backward", broken)  # raises inside the check: its line
    assert status == "wrong" and "ZeroDivisionError" in message
    assert "at line 9: a.grad += out.grad / (0.0 * math.exp(-a.data))" in message


def test_code_that_defines_nothing_or_no_answer_is_not_answered_yet() -> None:
    assert check("topological_order", "") == (
        "not answered",
        "not answered yet: your code defines no topological_order",
    )
    imported = "from micrograd_notes import topological_order\n"  # not the learner's own
    assert check("topological_order", imported)[0] == "not answered"


def test_an_endless_loop_is_stopped_where_no_timer_signal_rings(monkeypatch) -> None:
    # The page runs Python in a Web Worker under Pyodide, where no timer signal rings: the
    # checker watches the clock. A thread has no timer signal either.
    monkeypatch.setattr(core, "TIME_LIMIT", 0.2)
    stopped = "the check took longer than 0.2 s: does your code loop forever?"
    in_the_function = "def topological_order(root):\n    n = 0\n    while True:\n        n += 1\n"
    at_the_top = "n = 0\nwhile True:\n    n += 1\n"
    for source in (in_the_function, at_the_top):
        answer, _ = in_a_thread(bridge.check_exercise, "topological_order", source)
        assert answer == {"status": "wrong", "message": stopped}


def test_an_unknown_exercise_or_a_huge_code_box_is_one_line() -> None:
    assert check("linear_backward", ORDER) == (
        "error", "this page has no exercise 'linear_backward'"
    )  # fmt: skip
    assert check("topological_order", "#" * 100_001) == (
        "error", "your code is 100,001 characters; the box takes 100,000"
    )  # fmt: skip


def test_the_exercises_are_checked_without_numpy_and_import_only_their_modules() -> None:
    # What Pyodide has here: no NumPy. The bridge imports the exercises of notebooks 02 and 03
    # (not the catalogue, whose other modules need NumPy), and grades them.
    script = f"""
import sys
sys.modules["numpy"] = None  # import numpy now raises ImportError
sys.path.insert(0, {str(BRIDGE.parent)!r})
import bridge
print(bridge.check_exercise("gate_backward", {SOFTPLUS!r})["status"])
print(bridge.check_exercise("gate_backward", {SOFTPLUS.replace("+=", "=")!r})["message"])
print(bridge.check_exercise("topological_order", {ORDER!r})["status"])
print(sorted(m for m in sys.modules if m.startswith("micrograd_notes.exercises.")))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-800:]
    right, mistake, also_right, modules = done.stdout.splitlines()
    assert (right, also_right) == ("right", "right")
    assert "used = where += is needed" in mistake
    assert modules == str(
        [
            "micrograd_notes.exercises.core",
            "micrograd_notes.exercises.gates",
            "micrograd_notes.exercises.progress",
            "micrograd_notes.exercises.topological_order",
        ]
    )


def test_a_keyboard_interrupt_from_the_learners_code_is_one_line() -> None:
    # The page has no Ctrl+C: a KeyboardInterrupt can only be the learner's own. Raised out of
    # check_exercise it reached the worker as an error no box was waiting for, and the box
    # said "Checking…" until the 25 s watchdog restarted Python.
    status, message = check("gate_backward", "raise KeyboardInterrupt\n")
    assert (status, message) == (
        "error", "your code stopped: KeyboardInterrupt at line 1: raise KeyboardInterrupt"
    )  # fmt: skip
    interrupting = SOFTPLUS.replace("(a,) = out.parents", "raise KeyboardInterrupt")
    status, message = check("gate_backward", interrupting)  # raised inside the checker's run
    assert (status, message) == (
        "error", "your code stopped: KeyboardInterrupt at line 8: raise KeyboardInterrupt"
    )  # fmt: skip


def test_each_check_starts_with_the_same_recursion_limit() -> None:
    # A learner's sys.setrecursionlimit stayed for every later check, and for the page's own
    # code: a recursive order then passed without asking for it, and deep recursion in the
    # page could overflow the WebAssembly stack instead of raising RecursionError.
    limit = sys.getrecursionlimit()
    raising = "import sys\nsys.setrecursionlimit(100_000)\n"
    assert check("topological_order", raising)[0] == "not answered"
    assert sys.getrecursionlimit() == limit
