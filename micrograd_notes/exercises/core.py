"""The exercise framework: an exercise, its three kinds, and the catalogue of them all.

An exercise asks for an answer and judges it. There are three kinds:

- ``"number"``: a number worked out by hand. It is right when it agrees with the expected
  value to 4 significant figures, the digits a notebook prints.
- ``"choice"``: one of a few options, as a string. Case and spaces do not matter.
- ``"code"``: a function (or a gate class) the learner writes from a starter. Its checker runs
  it on random inputs against the engine or the NumPy twin and names the mistake it sees.

Every answer starts as ``...`` (Python's Ellipsis): "not answered yet", so a notebook runs top
to bottom before the learner has tried anything. Judging never raises, and every message is
one short line that ends by naming the notebook section to reread.

The exercises themselves live in one module per notebook (``derivatives.py`` for notebook 00,
and so on, listed in ``MODULES``); each declares them with the builders below in a list
``EXERCISES`` and holds their solutions, out of the learner's sight.
"""

from __future__ import annotations

import difflib
import dis
import functools
import importlib
import inspect
import math
import numbers
import os
import reprlib
import signal
import sys
import sysconfig
import threading
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from micrograd_notes.engine import Value
from micrograd_notes.helpers import real_to_float

KINDS = ("code", "number", "choice")
SIGNIFICANT_FIGURES = 4
TIME_LIMIT = 10.0  # seconds for one check: a learner's endless loop is stopped, not waited on
MESSAGE_LIMIT = 300  # characters in one message, at most

# The per-notebook modules, in course order (notebook 00 first); catalog() imports those that
# exist.
MODULES = (
    "derivatives",
    "build_it_yourself",
    "gates",
    "topological_order",
    "gradient_checking",
    "softmax",
    "backprop_by_hand",
    "backward_network",
    "matrices",
    "tensors",
    "training",
    "convolution",
    "open_questions",
    "higher_order",
    "pytorch",
)


class Wrong(Exception):
    """Raised by a checker: the answer is wrong, and the message says why, in one line.

    ``section`` is the notebook section to reread: None for the exercise's own, "" for none
    (a message about the answer's form, such as "expected a number", needs no rereading).
    """

    def __init__(self, message: str, section: str | None = None) -> None:
        super().__init__(message)
        self.section = section


class NotAnswered(Exception):
    """Raised by a checker: the answer is still the starter (its message says what is left)."""


class TimeUp(BaseException):
    """The check ran past TIME_LIMIT. A BaseException, so a learner's ``except Exception``
    cannot swallow it."""


@dataclass(frozen=True)
class Grade:
    """What a check found: ``status`` is "right", "wrong" or "not answered"."""

    status: str
    message: str | None  # None when right; else one line


@dataclass(frozen=True, eq=False)
class Exercise:
    """One exercise: its name, notebook (two digits), kind, and a judge of answers.

    ``judge(answer)`` returns when the answer is right and raises ``Wrong`` or ``NotAnswered``
    when it is not; ``grade`` turns that into a ``Grade`` and never raises. Build exercises
    with ``number``, ``choice`` and ``code`` below rather than by hand.
    """

    name: str
    notebook: str
    kind: str
    title: str  # what is asked, in a few words (listed by `micrograd-notes exercises`)
    section: str  # the notebook section to reread, named in messages
    judge: Callable[[Any], None] = field(repr=False)
    make_solution: Callable[[], Any] = field(repr=False)
    starter: str = field(default="", repr=False)  # code exercises: signature, docstring, ...
    answer_name: str = ""  # the name the learner's answer goes by; the exercise's name if ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"exercise {self.name!r}: kind must be one of {KINDS}")
        if not self.answer_name:
            object.__setattr__(self, "answer_name", self.name)

    def grade(self, answer: Any) -> Grade:
        """Right, wrong (and why, in one line) or not answered yet; never raises."""
        if answer is ...:
            return Grade("not answered", "not answered yet: replace the ... with your answer")
        try:
            with time_limit(TIME_LIMIT):
                self.judge(answer)
        except NotAnswered as why:
            return Grade("not answered", one_line(f"not answered yet: {why}"))
        except Wrong as mistake:
            section = self.section if mistake.section is None else mistake.section
            return Grade(
                "wrong", one_line(str(mistake), f" (reread '{section}')" if section else "")
            )
        except TimeUp:
            return timed_out()
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # an answer of a form no checker foresaw: one line too
            return Grade(
                "wrong", one_line(f"could not check this answer ({describe_error(error)})")
            )
        return Grade("right", None)

    def problem(self, answer: Any) -> str | None:
        """None when ``answer`` is right, else one short message naming the mistake."""
        return self.grade(answer).message

    def accepts(self, answer: Any) -> bool:
        """True when ``answer`` is right, silently."""
        return self.grade(answer).status == "right"

    def check(self, answer: Any) -> bool:
        """Print one line saying whether ``answer`` is right (and if not, why); return that."""
        grade = self.grade(answer)
        print(f"{self.name}: {grade.message or 'right'}")
        return grade.status == "right"

    def solution(self) -> Any:
        """A right answer (for a code exercise, a function or class that passes its checker)."""
        return self.make_solution()


def timed_out() -> Grade:
    """The grade of a check stopped by its time limit."""
    return Grade(
        "wrong", f"the check took longer than {TIME_LIMIT:g} s: does your code loop forever?"
    )


# ---- the three kinds -------------------------------------------------------------------------


def number(
    name: str,
    notebook: str,
    title: str,
    expected: float,
    *,
    section: str,
    mistakes: Mapping[float, str] | None = None,
    hint: str = "",
    figures: int = SIGNIFICANT_FIGURES,
    abs_tol: float = 1e-12,
) -> Exercise:
    """A number exercise: right when the answer agrees with ``expected`` to ``figures``
    significant figures. ``mistakes`` maps likely wrong values to what they mean ("that is
    the one-sided difference"); ``hint`` is said after any other wrong answer, and like every
    message must not state the answer. ``abs_tol``: any answer this close is right too. Compute
    ``expected`` in the module, never type it in a notebook."""
    expected = float(expected)
    if not math.isfinite(expected):
        raise ValueError(f"exercise {name!r}: the expected value must be finite, got {expected}")
    known = dict(mistakes or {})

    def judge(answer: Any) -> None:
        given = as_number(answer)
        if agrees(given, expected, figures, abs_tol):
            return
        for value, meaning in known.items():
            if agrees(given, value, figures, abs_tol):
                raise Wrong(f"{given:.6g}: {meaning}")
        direction = "too high" if given > expected else "too low"
        raise Wrong(f"{given:.6g} is {direction}" + (f"; hint: {hint}" if hint else ""))

    return Exercise(name, notebook, "number", title, section, judge, lambda: expected)


def choice(
    name: str,
    notebook: str,
    title: str,
    options: Sequence[str],
    right: str | Callable[[], str],
    *,
    section: str,
    mistakes: Mapping[str, str] | None = None,
    hint: str = "",
) -> Exercise:
    """A choice exercise: the answer is one of ``options``, as a string; case, spaces, hyphens
    and underscores do not matter. ``mistakes`` maps a wrong option to what it means.
    ``right`` may be a function that works the right option out, called at the first check:
    for an option computed with NumPy, so that its module imports without NumPy (as in the
    browser)."""
    keys = [_normal(option) for option in options]
    if len(set(keys)) != len(keys):
        raise ValueError(f"exercise {name!r}: two options read the same: {list(options)}")
    meanings = {_normal(option): meaning for option, meaning in (mistakes or {}).items()}
    listed = one_line(", ".join(repr(option) for option in options), limit=120)
    longest = max(len(option) for option in options)

    @functools.cache
    def right_option() -> str:
        option = right() if callable(right) else right
        if _normal(option) not in keys:
            raise ValueError(f"exercise {name!r}: the right answer is not among the options")
        return option

    if isinstance(right, str):
        right_option()  # a right option given as it is is checked at once

    def judge(answer: Any) -> None:
        if not isinstance(answer, str):
            raise Wrong(f"answer with one of {listed}, as a string; got {describe(answer)}", "")
        key = _normal(answer) if len(answer) <= 4 * longest + 20 else None
        if key == _normal(right_option()):
            return
        if key not in keys:
            raise Wrong(f"{describe(answer)} is not one of {listed}", "")
        raise Wrong(
            f"{answer.strip()!r}: " + meanings.get(key, "not it" + (f"; {hint}" if hint else ""))
        )

    return Exercise(name, notebook, "choice", title, section, judge, right_option)


def code(
    name: str,
    notebook: str,
    title: str,
    *,
    starter: str,
    solution: Any,
    judge: Callable[[Any], None],
    section: str,
    answer_name: str = "",
) -> Exercise:
    """A code exercise: the learner completes ``starter`` (a signature, a docstring and
    ``...``); ``judge(answer)`` raises ``Wrong`` naming the mistake. An answer that is still
    the starter (a body of ``...``) is "not answered yet" before the judge sees it.
    ``answer_name`` is the name the answer is defined under, if not ``name`` (a class)."""

    def full_judge(answer: Any) -> None:
        if not callable(answer):
            raise Wrong(f"expected your {answer_name or name}, got {describe(answer)}", "")
        if is_stub(answer):
            raise NotAnswered(f"write the body of {answer_name or name} (it is still ...)")
        judge(answer)

    return Exercise(
        name, notebook, "code", title, section, full_judge, lambda: solution, starter, answer_name
    )


# ---- the catalogue ---------------------------------------------------------------------------


def catalog() -> dict[str, Exercise]:
    """Every exercise, name -> exercise, in course order (notebook 00 first)."""
    found: dict[str, Exercise] = {}
    for module_name in MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{module_name}")
        except ModuleNotFoundError as missing:
            if missing.name == f"{__package__}.{module_name}":
                continue  # that notebook has no exercises module yet
            raise
        for ex in module.EXERCISES:
            if ex.name in found:
                raise ValueError(f"two exercises are named {ex.name!r}")
            found[ex.name] = ex
    return found


class UnknownExercise(KeyError):
    """``exercise(name)`` for a name no exercise has; the message lists close names."""

    def __str__(self) -> str:
        return str(self.args[0])


def exercise(name: str) -> Exercise:
    """The exercise called ``name``; a KeyError naming the closest names when there is none."""
    exercises = catalog()
    if isinstance(name, str) and name in exercises:
        return exercises[name]
    close = difflib.get_close_matches(str(name)[:100], list(exercises), n=3, cutoff=0.6)
    advice = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise UnknownExercise(
        f"no exercise is named {_safe_repr(name)}{advice} (catalog() lists them all)"
    )


# ---- expected values -------------------------------------------------------------------------


def exact_gradient(g: Callable[[list[Value]], Value], xs: Sequence[float]) -> list[float]:
    """[∂g/∂x_1, ..., ∂g/∂x_n] at xs, by the engine's backward(): how the topic modules
    compute the expected values of their exercises instead of typing them in."""
    leaves = [Value(x) for x in xs]
    g(leaves).backward()
    return [leaf.grad for leaf in leaves]


# ---- reading answers -------------------------------------------------------------------------


def as_number(answer: Any) -> float:
    """The answer as a finite float (NumPy scalars and 0-d arrays too), or ``Wrong`` saying
    what it is instead."""
    if getattr(answer, "ndim", None) == 0 and hasattr(answer, "item"):  # a 0-d NumPy array
        answer = answer.item()
    if isinstance(answer, Value):
        raise Wrong("expected a number, got a Value: give its .data or its .grad", "")
    given = None if isinstance(answer, bool) else real_to_float(answer)  # True is no answer
    if given is None:
        raise Wrong(f"expected a number, got {describe(answer)}", "")
    if math.isnan(given):
        raise Wrong("nan is not a number: give a finite number", "")
    if math.isinf(given) and isinstance(answer, numbers.Rational):  # an int past 1.8e308
        raise Wrong(f"{_safe_repr(answer)} is too large to be a float", "")
    if math.isinf(given):
        raise Wrong(f"{_safe_repr(answer)} is not a finite number: give a finite one", "")
    return given


def agrees(
    given: float, expected: float, figures: int = SIGNIFICANT_FIGURES, abs_tol: float = 1e-12
) -> bool:
    """True when ``given`` is ``expected`` to ``figures`` significant figures: within one unit
    of the last of them, so a value rounded or worked out from printed digits passes. Within
    ``abs_tol`` always: a value that is zero but for rounding (5.6e-17) accepts 0."""
    if abs(given - expected) <= abs_tol:
        return True
    if expected == 0.0:
        return False
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - figures + 1)
    return abs(given - expected) <= unit * (1 + 1e-9)


def _normal(text: str) -> str:
    """A choice as compared: lower case, without spaces, hyphens or underscores."""
    return "".join(ch for ch in text.casefold() if not ch.isspace() and ch not in "-_")


def is_stub(answer: Any) -> bool:
    """True for a function whose body is only ``...`` (or ``pass``, or a docstring), and for
    a class whose own methods are all such functions: a starter not yet filled in."""
    if isinstance(answer, type):
        methods = [f for f in vars(answer).values() if callable(f) and hasattr(f, "__code__")]
        return bool(methods) and all(map(is_stub, methods))
    # A Gate's backward is wrapped in a check (gates._adds_only): read the learner's own.
    code_object = getattr(inspect.unwrap(answer), "__code__", None)
    if code_object is None:
        return False
    steps = [
        (step.opname, step.argval)
        for step in dis.get_instructions(code_object)
        if step.opname not in ("RESUME", "NOP", "CACHE")
    ]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


# ---- running the learner's code --------------------------------------------------------------


def call(function: Any, *args: Any, what: str) -> Any:
    """``function(*args)`` with warnings hushed; whatever it raises becomes ``Wrong`` naming
    the error and the learner's line. ``what`` is how the message names the call."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NumPy's overflow warnings: the result says it
            return function(*args)
    except (KeyboardInterrupt, TimeUp):
        raise
    except BaseException as error:  # SystemExit too: a learner's exit() must not end the check
        said = describe_error(error)
        if isinstance(error, RecursionError):
            said = "RecursionError (too deep for recursion: use a loop and a list as a stack)"
        # `from error`: a checker may look at what was raised (mistake.__cause__).
        raise Wrong(f"{what} raised {said}{learner_line(error)}") from error


def call_answer(function: Any, *args: Any, what: str) -> Any:
    """``call``, for a function that must return something: None means "not answered yet"
    (a body still missing its ``return``)."""
    got = call(function, *args, what=what)
    if got is None:
        raise NotAnswered(f"{what} returned None: finish its body and return the result")
    return got


def learner_line(error: BaseException) -> str:
    """`` at line 3: dW = X @ dY``: the last line of the traceback in the learner's code (for
    a RecursionError, the line that recurses)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if _learners(f.filename)]
    if not frames:
        return ""
    last = frames[-1]
    if isinstance(error, RecursionError):  # the line that recurses: the one most repeated
        lines = Counter((f.filename, f.lineno) for f in frames)
        last = next(f for f in frames if (f.filename, f.lineno) == lines.most_common(1)[0][0])
    where = f"line {last.lineno}"
    if last.filename.startswith("<cell "):  # a notebook's cell, as the runner names it
        where = f"{last.filename[1:-1]}, {where}"
    text = (last.line or "").strip()
    return f" at {where}: {one_line(text, limit=80)}" if text else f" at {where}"


# Code that is not the learner's: this package, the standard library and installed packages.
_NOT_LEARNERS = tuple(
    {
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
        *(sysconfig.get_paths()[key] + os.sep for key in ("stdlib", "purelib", "platlib")),
    }
)


def _learners(filename: str) -> bool:
    installed = f"{os.sep}site-packages{os.sep}" in filename or "dist-packages" in filename
    return not installed and not filename.startswith(("<frozen", *_NOT_LEARNERS))


def time_limit(seconds: float) -> AbstractContextManager[None]:
    """Raise ``TimeUp`` in the block after ``seconds``: by a timer signal where one rings (the
    main thread of a POSIX Python), elsewhere (a browser, Windows, a thread) by looking at the
    clock at every call and line of Python the block runs."""
    return _alarm(seconds) if _alarm_rings() else _clock_watch(seconds)


def _alarm_rings() -> bool:
    """True where a timer signal can interrupt this thread and no one else's timer runs."""
    if sys.platform == "emscripten":  # Pyodide: the browser rings no timer while Python runs
        return False
    try:
        free = signal.getitimer(signal.ITIMER_REAL)[0] == 0
    except AttributeError:  # Windows has no timer signals
        return False
    return free and threading.current_thread() is threading.main_thread()


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _ring)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _clock_watch(seconds: float) -> Iterator[None]:
    """A trace function that raises ``TimeUp`` once the clock passes the deadline. It slows
    Python code down, and cannot stop one long call into C (``sum(itertools.count())``)."""
    if sys.gettrace() is not None:  # a debugger traces this thread: leave it alone
        yield
        return
    deadline = time.monotonic() + seconds
    learners: dict[Any, bool] = {}  # code object -> is it the learner's?

    def watch(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TimeUp
        code = frame.f_code
        if code not in learners:
            learners[code] = _learners(code.co_filename)
        # Each line of the learner's code, where an endless loop is; in the package's code,
        # each call only (three times faster in the browser).
        return watch if learners[code] else None

    sys.settrace(watch)
    try:
        yield
    finally:
        sys.settrace(None)


def _ring(signum: int, frame: Any) -> None:
    raise TimeUp


# ---- short messages --------------------------------------------------------------------------


_short = reprlib.Repr()
_short.maxstring = _short.maxother = _short.maxlong = 40
_short.maxlist = _short.maxtuple = _short.maxdict = _short.maxset = 6
_short.maxlevel = 2


def describe(value: Any) -> str:
    """A learner's value in a few words, however big: ``a str of 1,000,000 characters: ...``."""
    kind = type(value).__name__
    if value is None or value is ...:
        return repr(value)
    if isinstance(value, (str, bytes)) and len(value) > 40:
        return f"a {kind} of {len(value):,} characters: {_safe_repr(value)}"
    if isinstance(value, (list, tuple, dict, set)) and len(value) > 8:
        return f"a {kind} of {len(value):,} items: {_safe_repr(value)}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return _safe_repr(value)
    return f"{kind} {_safe_repr(value)}"


def _safe_repr(value: Any) -> str:
    """repr, cut short; never raises (a huge int's repr does, and a learner's class may)."""
    if isinstance(value, int) and value.bit_length() > 128:
        return f"an int of about {int(value.bit_length() * 0.30103):,} digits"
    try:
        return _short.repr(value)
    except Exception:
        return f"<{type(value).__name__}>"


def describe_error(error: BaseException) -> str:
    """``ValueError: math domain error``, shortened."""
    try:
        text = str(error)
    except Exception:
        text = ""
    name = type(error).__name__
    return f"{name}: {one_line(text, limit=120)}" if text else name


def one_line(text: str, suffix: str = "", limit: int = MESSAGE_LIMIT) -> str:
    """``text`` on one line, cut to ``limit`` characters with ``suffix`` kept at the end."""
    flat = " ".join(text[: 4 * limit].split())
    room = limit - len(suffix)
    if len(flat) > room:
        flat = flat[: room - 1] + "…"
    return flat + suffix
