"""Notebook 14, from here to PyTorch: the exercise and its solution.

``state_dict_shapes``: the name and shape of every tensor of the ``torch.nn.Sequential`` that
an ``MLP(nin, nouts, activation, last=last)`` becomes, as ``weights.to_tensors`` writes it.
The checker compares with ``to_tensors`` itself on networks chosen so that each slip shows:
square and non-square layers (a weight written (in, out) instead of (out, in)), tanh, relu,
sigmoid and "linear" activations (which modules take a number), a last layer with and
without an activation.
"""

from __future__ import annotations

import itertools
from typing import Any

from micrograd_notes.exercises.core import Wrong, call_answer, code, describe
from micrograd_notes.nn import MLP
from micrograd_notes.weights import to_tensors

NOTEBOOK = "14"
NAMES = "The names and shapes are PyTorch's"

STARTER = '''\
def state_dict_shapes(nin, nouts, activation, last):
    """{tensor name: shape} of the torch.nn.Sequential equivalent to
    MLP(nin, nouts, activation, last=last), e.g. {"0.weight": (8, 3), "0.bias": (8,), ...}."""
    ...
'''

# (nin, nouts, activation, last): the first is the notebook's example.
NETWORKS = [
    (3, [8, 4, 2], "tanh", "sigmoid"),
    (2, [16, 16, 1], "relu", "linear"),
    (4, [4, 4], "sigmoid", "tanh"),  # square layers: a transpose keeps every shape
    (5, [3], "relu", "linear"),
    (2, [6, 6, 3], "linear", "relu"),  # linear hidden layers add no module
]

Shapes = dict[str, tuple[int, ...]]


def state_dict_shapes(nin: int, nouts: list[int], activation: str, last: str) -> Shapes:
    """Every Linear layer is a module, and so is every activation but "linear"; a Linear at
    position i of the Sequential holds i.weight (out, in) and i.bias (out,)."""
    shapes: Shapes = {}
    position = 0
    sizes = [nin, *nouts]
    for k, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        shapes[f"{position}.weight"] = (n_out, n_in)
        shapes[f"{position}.bias"] = (n_out,)
        act = last if k == len(nouts) - 1 else activation
        position += 1 if act == "linear" else 2
    return shapes


def _expected(nin: int, nouts: list[int], activation: str, last: str) -> Shapes:
    tensors, _ = to_tensors(MLP(nin, nouts, activation, last=last))
    return {name: tuple(array.shape) for name, array in tensors.items()}


def _as_shapes(got: Any, what: str) -> Shapes:
    """The learner's dict with every shape as a tuple of ints (a list or a torch.Size is fine)."""
    if not isinstance(got, dict):
        raise Wrong(f"{what} should return a dict of name -> shape, got {describe(got)}", "")
    shapes: Shapes = {}
    for name, shape in got.items():
        try:
            shapes[str(name)] = tuple(int(n) for n in shape)
        except TypeError:
            raise Wrong(
                f"the shape of {name!r} should be a tuple, got {describe(shape)}", ""
            ) from None
    return shapes


def _numbering_slip(got: Shapes, want: Shapes) -> str | None:
    """Name a numbering mistake: activations skipped, or "linear" counted as a module."""
    got_positions = sorted({int(name.split(".")[0]) for name in got if name[:1].isdigit()})
    want_positions = sorted({int(name.split(".")[0]) for name in want})
    if got_positions == want_positions or len(got_positions) != len(want_positions):
        return None
    if got_positions == list(range(len(want_positions))):
        return (
            "the Linear layers are numbered 0, 1, 2, ...; but each activation is a module of "
            "the Sequential too, and takes a number"
        )
    if all(g >= w for g, w in zip(got_positions, want_positions)):
        return 'a "linear" activation adds no module to the Sequential, so it takes no number'
    return (
        f"the layers sit at positions {want_positions} of the Sequential, not {got_positions}: "
        "which activations are modules?"
    )


def judge(answer: Any) -> None:
    """Run the learner's state_dict_shapes on each network; raise Wrong naming the slip."""
    for nin, nouts, activation, last in NETWORKS:
        what = f"state_dict_shapes({nin}, {nouts}, {activation!r}, {last!r})"
        got = _as_shapes(call_answer(answer, nin, list(nouts), activation, last, what=what), what)
        want = _expected(nin, nouts, activation, last)
        if got == want:
            continue
        if set(got) != set(want):
            slip = _numbering_slip(got, want)
            if slip is not None:
                raise Wrong(f"{what}: {slip}")
            missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
            raise Wrong(
                f"{what}: names {missing} are missing and {extra} are not in the state_dict"
                if extra
                else f"{what}: the names {missing} are missing"
            )
        for name, shape in want.items():
            if got[name] == shape:
                continue
            if name.endswith(".weight") and got[name] == shape[::-1]:
                raise Wrong(
                    f"{what}: {name} is {got[name]}; PyTorch stores a Linear weight as "
                    f"(out, in) = {shape}, one row per neuron"
                )
            if name.endswith(".bias") and len(got[name]) == 2:
                raise Wrong(f"{what}: {name} is {got[name]}; a bias is one vector, {shape}")
            raise Wrong(f"{what}: {name} is {got[name]}, expected {shape}")


EXERCISES = [
    code(
        "state_dict_shapes",
        NOTEBOOK,
        "the tensor names and shapes of an MLP in PyTorch",
        starter=STARTER,
        solution=state_dict_shapes,
        judge=judge,
        section=NAMES,
    ),
]
