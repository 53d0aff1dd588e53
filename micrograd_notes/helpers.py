"""Three small jobs the whole package shares, each done in this one place.

- ``real_to_float``: read a real number (int, float, Fraction, a NumPy scalar) as a float.
- ``quoted`` (and ``shortened``, which it uses): show a value in an error message, cut short.
- ``node_name``: name a node for people, the way the drawing names it.

Nothing here imports the rest of the package: every module may import this one.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from micrograd_notes.engine import Value


def real_to_float(x: object) -> float | None:
    """``x`` as a float when it is a real number (bool too), else None (a Value included).

    An integer too large for a float gives inf, where ``float()`` would raise: a caller then
    refuses it, with its own words, as it refuses any number that is not finite.
    """
    if type(x) is float:
        return x
    if not isinstance(x, numbers.Real):  # a Value is not a number here: it is a node
        return None
    try:
        return float(x)
    except OverflowError:  # float(10 ** 400)
        return -math.inf if x < 0 else math.inf


def shortened(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, ending in ``...`` where it was cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def quoted(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to at most ``limit`` characters: a message never quotes a whole
    file. A string is cut inside its quotes, so they still pair up: ``'xxxx'...``."""
    text = repr(value)
    if len(text) <= limit or not isinstance(value, str):
        return shortened(text, limit)
    kept = value[: limit - 5]
    while len(repr(kept)) > limit - 3:  # escapes (\n, \x00) take more than one character
        kept = kept[:-1]
    return repr(kept) + "..."


def node_name(node: Value, index: int | None = None) -> str:
    """A node's name for people, the one its box in the drawing shows.

    Its label; else, for a constant (an unlabelled leaf), its value; else its op and its
    place in the graph's topological order (``*#3``: ``index``, as ``viz.draw`` and
    ``trace.trace_backward`` number the nodes), or just its op when no place is given.
    """
    if node.label:
        return node.label
    if node.is_leaf:
        return f"{node.data:.4g}"
    return node.op if index is None else f"{node.op}#{index}"
