"""Neural networks from scalars: Module, Neuron, Layer, MLP.

A neuron computes act(w · x + b). By default the weighted sum is one fused ``dot`` node with
2n + 1 parents; ``fused=False`` builds it from primitive ``*`` and ``+`` gates instead, which
draws the way the notes do. Both give the same values and gradients, bit for bit.

Initialisation is seeded and uniform on [-a, a]: a = sqrt(6 / nin) for relu (He: weight
variance 2 / nin keeps the signal's size through relu, which zeroes half of it) and
a = sqrt(3 / nin) otherwise (LeCun: variance 1 / nin). Biases start at 0.
"""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from micrograd_notes.engine import Operand, Value
from micrograd_notes.gates import DOT
from micrograd_notes.helpers import quoted, real_to_float
from micrograd_notes.nodes import _apply

_ONLY_VALUE = frozenset({Value})


def _identity(z: Value) -> Value:
    return z


# Each activation as the Value method that applies it (``linear`` leaves z unchanged).
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": _identity,
}


class Module:
    """Something with parameters: a neuron, a layer, a network."""

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Each parameter with a dotted name, in a fixed order."""
        return iter(())

    def parameters(self) -> list[Value]:
        """The parameters, in the order of ``named_parameters``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (backward() accumulates into leaves)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Parameter values by name."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set parameter values from ``state``, which must name exactly these parameters."""
        params = dict(self.named_parameters())
        missing, extra = params.keys() - state.keys(), state.keys() - params.keys()
        if missing or extra:
            raise KeyError(
                f"state does not match the model: missing {sorted(missing)[:5]}, "
                f"unexpected {sorted(extra)[:5]}"
            )
        floats = {name: real_to_float(value) for name, value in state.items()}
        for name, number in floats.items():
            if number is None or not math.isfinite(number):
                raise ValueError(f"parameter {name!r} must be a finite number, got {state[name]!r}")
        for name, p in params.items():
            p.data = floats[name]  # type: ignore[assignment]  # checked above

    def to_torch(self) -> Any:
        """The equivalent PyTorch module in float64, for an MLP, Conv1d or Conv2d (needs
        PyTorch; ``micrograd_notes.torch_io.from_torch`` goes back)."""
        from micrograd_notes.torch_io import to_torch  # here: it imports this module

        return to_torch(self)  # type: ignore[arg-type]  # a Neuron or Layer: a clear TypeError


def _check_activation(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    return activation


def _resolve_activation(activation: str | None, nonlin: bool | None) -> str:
    """The activation, from ``activation=`` or from micrograd's ``nonlin=`` (True is relu)."""
    if nonlin is None:
        return _check_activation("relu" if activation is None else activation)
    if activation is not None:
        raise ValueError(
            f"give activation= or nonlin= (micrograd's spelling), not both: got "
            f"activation={activation!r} and nonlin={nonlin!r}"
        )
    if not isinstance(nonlin, bool):
        raise ValueError(f"nonlin must be True (relu) or False (linear), got {nonlin!r}")
    return "relu" if nonlin else "linear"


def _as_parameter(x: object, held: Value | None, what: str) -> Value:
    """A weight or bias as a Value: a Value as is; a plain number goes into the leaf ``held``
    there already (so an optimizer built earlier, which holds that leaf, still trains it),
    or into a new leaf when there is none."""
    if isinstance(x, Value):
        return x
    number = real_to_float(x)
    if number is None or not math.isfinite(number):
        raise TypeError(f"a neuron's {what} must be a Value or a finite number, got {x!r}")
    if held is None or not held.is_leaf:
        return Value(number)
    held.data = number
    return held


def _into_leaves(
    values: Sequence[object], held: Sequence[Value | None], what: str, count: str
) -> list[Value]:
    """Each of ``values`` as a parameter (``_as_parameter``): a number goes into the leaf
    ``held`` at its place. ``what`` names one in errors (``weight w`` gives ``weight w[2]``),
    ``count`` says how many there must be (``this kernel has 3 weights``)."""
    if len(values) != len(held):
        raise ValueError(f"{count}, got {len(values)}")
    return [_as_parameter(v, old, f"{what}[{i}]") for i, (v, old) in enumerate(zip(values, held))]


def _weights_and_bias(w: list[Value], b: Value) -> Iterator[tuple[str, Value]]:
    """The parameters of a neuron or a Conv1d by name: ``w.0``, ``w.1``, ..., then ``b``."""
    for i, wi in enumerate(w):
        yield f"w.{i}", wi
    yield "b", b


def _check_count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n


def _as_inputs(x: Sequence[Operand], nin: int, who: str) -> list[Value]:
    """The inputs as a list of Values, checked once: plain numbers become leaves, shared by
    every neuron of a layer (one leaf per input, not one per neuron)."""
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")
    return [v if isinstance(v, Value) else Value(v) for v in x]


class Neuron(Module):
    """act(w · x + b) for ``nin`` inputs.

    ``activation`` is one of ``ACTIVATIONS`` (relu by default); micrograd's ``nonlin=True``
    (relu) and ``nonlin=False`` (linear) are accepted too. The weights ``w`` and the bias
    ``b`` are Values; a plain number put in (``n.w = [1, 0.5, -1]``, ``n.w[0] = 1``,
    ``n.b = -3``) is written into the leaf already there, so the parameter an optimizer built
    earlier holds is the one that changes, and it still trains.
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = None,
        *,
        fused: bool = True,
        rng: random.Random | None = None,
        nonlin: bool | None = None,
    ) -> None:
        self.nin = _check_count(nin, "nin")
        self.activation = _resolve_activation(activation, nonlin)
        self._activate = ACTIVATIONS[self.activation]
        self.fused = fused
        rng = rng if rng is not None else random.Random(0)
        scale = math.sqrt((6.0 if self.activation == "relu" else 3.0) / nin)
        self.w = [Value(rng.uniform(-scale, scale)) for _ in range(nin)]
        self.b = Value(0.0)

    @property
    def w(self) -> list[Value]:
        """The weights, one Value per input."""
        return self._w

    @w.setter
    def w(self, weights: Sequence[Operand]) -> None:
        # The leaves set last time, kept apart from the list: ``n.w[0] = 1`` drops its leaf
        # from the list, and that is the leaf the number must go into.
        held: tuple[Value | None, ...] = getattr(self, "_held_w", (None,) * self.nin)
        count = f"this neuron has {self.nin} inputs, so {self.nin} weights"
        self._w = _into_leaves(weights, held, "weight w", count)
        self._held_w = tuple(self._w)

    @property
    def b(self) -> Value:
        """The bias, a Value."""
        return self._b

    @b.setter
    def b(self, bias: Operand) -> None:
        self._b = _as_parameter(bias, getattr(self, "_b", None), "bias b")

    def __call__(self, x: Sequence[Operand]) -> Value:
        """act(w_1 x_1 + ... + w_n x_n + b)."""
        return self._fire(_as_inputs(x, self.nin, "neuron"))

    def _own_parameters(self) -> None:
        """Make sure every weight and the bias is a Value: ``n.w[0] = 1`` changes the list in
        place, past the setter (the 1 goes into the leaf that was there). Both paths below
        call this, so they agree on what they accept, and reject anything else alike."""
        if not (type(self._b) is Value and _ONLY_VALUE.issuperset(map(type, self._w))):
            self.w, self.b = self._w, self._b  # the setters convert or refuse

    def _fire(self, x: list[Value]) -> Value:
        """act(w · x + b) for inputs already checked by ``_as_inputs``."""
        if self.fused:
            # Value.dot(self.w, x, self.b) without checking each operand's type again: a
            # layer checks its inputs once for all its neurons, and the weights are Values.
            try:
                z = _apply(DOT, (*self._w, *x, self._b))
            except AttributeError:  # a weight without .data: a number put into w in place
                self._own_parameters()
                z = _apply(DOT, (*self._w, *x, self._b))
        else:
            # The same sum from primitive gates, added in the same order as the fused node.
            self._own_parameters()
            w, b = self._w, self._b
            z = w[0] * x[0]
            for wi, xi in zip(w[1:], x[1:]):
                z = z + wi * xi
            z = z + b
        return self._activate(z)

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        self._own_parameters()  # n.w[0] = 1 just now: its leaf is the parameter, holding 1
        return _weights_and_bias(self._w, self._b)

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r}, fused={self.fused})"


class Layer(Module):
    """``nout`` neurons that all see the same ``nin`` inputs; returns a list, always."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = None,
        *,
        fused: bool = True,
        rng: random.Random | None = None,
        nonlin: bool | None = None,
    ) -> None:
        _check_count(nout, "nout")
        activation = _resolve_activation(activation, nonlin)
        rng = rng if rng is not None else random.Random(0)
        self.neurons = [Neuron(nin, activation, fused=fused, rng=rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Operand]) -> list[Value]:
        """Each neuron's output, as a list even for a single neuron."""
        inputs = _as_inputs(x, self.neurons[0].nin, "layer")
        return [n._fire(inputs) for n in self.neurons]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for i, neuron in enumerate(self.neurons):
            for name, p in neuron.named_parameters():
                yield f"neurons.{i}.{name}", p

    def __repr__(self) -> str:
        first = self.neurons[0]
        return f"Layer({first.nin}, {len(self.neurons)}, activation={first.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: hidden layers with ``activation``, a last layer with ``last``.

    Called on one input vector it returns the list of outputs, or the single ``Value`` itself
    when the last layer has one neuron (as micrograd's MLP does), so a scalar model reads
    ``score = model(x)`` and ``list(map(model, inputs))`` gives scores, not lists. A ``Layer``
    always returns a list, so a one-neuron hidden layer still feeds the next layer.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        *,
        last: str = "linear",
        fused: bool = True,
        seed: int = 0,
    ) -> None:
        if not nouts:
            raise ValueError("nouts must list at least one layer size")
        self.nin = _check_count(nin, "nin")
        self.nouts = [_check_count(n, "each layer size") for n in nouts]
        self.activation = _check_activation(activation)
        self.last = _check_activation(last)
        self.fused = fused
        self.seed = seed
        rng = random.Random(seed)
        sizes = [nin, *self.nouts]
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i < len(self.nouts) - 1 else last,
                fused=fused,
                rng=rng,
            )
            for i in range(len(self.nouts))
        ]

    def __call__(self, x: Sequence[Operand]) -> Value | list[Value]:
        """The network's outputs for one input vector: a list, or one Value for one output."""
        out: Sequence[Operand] = x
        for layer in self.layers:
            out = layer(out)
        outs: list[Value] = out  # type: ignore[assignment]  # a layer returns Values
        return outs[0] if len(outs) == 1 else outs

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for i, layer in enumerate(self.layers):
            for name, p in layer.named_parameters():
                yield f"layers.{i}.{name}", p

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}, "
            f"last={self.last!r}, fused={self.fused}, seed={self.seed})"
        )


# ---- convolution ---------------------------------------------------------------------------
#
# What deep learning calls a convolution is a cross-correlation: the kernel slides over the
# input unflipped, and each output is one weighted sum of a window. The same kernel weights
# enter every window, so a weight's gradient is a sum over all the places it was used.


def _kernel_shape(kernel_size: int | Sequence[int]) -> tuple[int, int]:
    if isinstance(kernel_size, int) and not isinstance(kernel_size, bool):
        kernel_size = (kernel_size, kernel_size)
    if (
        isinstance(kernel_size, str)
        or not isinstance(kernel_size, Sequence)
        or len(kernel_size) != 2
    ):
        raise ValueError(f"kernel_size must be an int or (height, width), got {kernel_size!r}")
    kh, kw = kernel_size
    return _check_count(kh, "kernel height"), _check_count(kw, "kernel width")


def _depth(x: Any) -> int:
    """How many levels of sequences ``x`` nests, along its first items (a number: 0)."""
    depth = 0
    with contextlib.suppress(TypeError, LookupError):  # a number or a 0-d array: no deeper
        while depth < 9 and not isinstance(x, str) and len(x):  # 9: a list that holds itself
            x, depth = x[0], depth + 1
    return depth


def _as_grid(x: Sequence[Sequence[Operand]]) -> list[list[Value]]:
    """A 2-D input as rows of Values, checked to be a non-empty rectangle."""
    rows = []
    for i, row in enumerate(x):
        if isinstance(row, (Value, str)) or not hasattr(row, "__len__"):
            raise ValueError(f"conv2d expects a 2-D grid (a list of rows), but item {i} is {row!r}")
        for j, v in enumerate(row):
            if hasattr(v, "__len__") and _depth(v):  # an RGB image is H x W x 3
                raise ValueError(
                    f"conv2d: the input must be 2-D (rows of numbers), but it is "
                    f"{2 + _depth(v)}-D (item [{i}][{j}] is {quoted(v)}); for an input with "
                    "channels, such as an RGB image, convolve each channel on its own"
                )
        rows.append([v if isinstance(v, Value) else Value(v) for v in row])
    if not rows or not rows[0]:
        raise ValueError("conv2d: the input is empty")
    for i, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise ValueError(f"conv2d: row {i} has {len(row)} entries but row 0 has {len(rows[0])}")
    return rows


class Conv1d(Module):
    """A 1-D convolution layer: y_i = b + Σ_j w_j x_(i+j), for i = 0 .. n - k.

    Supported: one input channel and one output channel, stride 1, "valid" padding (the
    kernel stays inside the input, so n inputs give n - k + 1 outputs), a bias, no
    activation (apply one to the outputs). Each output is one fused ``dot`` node. The kernel
    is seeded and uniform on ±sqrt(3 / k) (LeCun: k inputs per output); the bias starts at 0.
    A number put into the kernel or the bias (``conv.w[1] = 2``, ``conv.b = 0``) goes into
    the leaf that was there when the layer was last used, as a neuron's weights do.
    """

    def __init__(self, kernel_size: int, *, seed: int = 0) -> None:
        self.kernel_size = _check_count(kernel_size, "kernel_size")
        self.seed = seed
        rng = random.Random(seed)
        scale = math.sqrt(3.0 / kernel_size)
        self.w = [Value(rng.uniform(-scale, scale)) for _ in range(kernel_size)]
        self.b = Value(0.0)
        self._held = (tuple(self.w), self.b)

    def _own_parameters(self) -> None:
        """The kernel and the bias as Values, numbers put in written into the held leaves."""
        held_w, held_b = self._held
        count = f"this kernel has {self.kernel_size} weights"
        self.w = _into_leaves(self.w, held_w, "kernel weight w", count)
        self.b = _as_parameter(self.b, held_b, "bias b")
        self._held = (tuple(self.w), self.b)

    def __call__(self, x: Sequence[Operand]) -> list[Value]:
        """The n - k + 1 outputs for one input sequence of length n >= k."""
        k = self.kernel_size
        for i, v in enumerate(x):  # before counting: a 2-D input counts its rows
            if hasattr(v, "__len__") and _depth(v):
                raise ValueError(
                    f"conv1d expects a flat sequence of numbers, but the input is "
                    f"{1 + _depth(v)}-D (item {i} is {quoted(v)}); for a 2-D input use Conv2d"
                )
        if len(x) < k:
            raise ValueError(f"conv1d: the input has {len(x)} entries, fewer than the kernel's {k}")
        xs = [v if isinstance(v, Value) else Value(v) for v in x]
        self._own_parameters()
        return [_apply(DOT, (*self.w, *xs[i : i + k], self.b)) for i in range(len(xs) - k + 1)]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        self._own_parameters()
        return _weights_and_bias(self.w, self.b)

    def __repr__(self) -> str:
        return f"Conv1d({self.kernel_size}, seed={self.seed})"


class Conv2d(Module):
    """A 2-D convolution layer: y_(r,c) = b + Σ_(i,j) w_(i,j) x_(r+i, c+j).

    Supported: one input channel and one output channel, stride 1, "valid" padding (an
    H x W input and a kh x kw kernel give H - kh + 1 rows of W - kw + 1 outputs), a bias, no
    activation. ``kernel_size`` is an int (square) or (height, width). Each output is one
    fused ``dot`` node. The kernel is seeded and uniform on ±sqrt(3 / (kh kw)); the bias
    starts at 0. A number put into the kernel or the bias (``conv.w[0][1] = 2``) goes into the
    leaf that was there when the layer was last used, as a neuron's weights do.
    """

    def __init__(self, kernel_size: int | Sequence[int], *, seed: int = 0) -> None:
        self.kernel_size = _kernel_shape(kernel_size)
        self.seed = seed
        kh, kw = self.kernel_size
        rng = random.Random(seed)
        scale = math.sqrt(3.0 / (kh * kw))
        self.w = [[Value(rng.uniform(-scale, scale)) for _ in range(kw)] for _ in range(kh)]
        self.b = Value(0.0)
        self._held = (tuple(map(tuple, self.w)), self.b)

    def _own_parameters(self) -> None:
        """The kernel and the bias as Values, numbers put in written into the held leaves."""
        (kh, kw), (held_w, held_b) = self.kernel_size, self._held
        if len(self.w) != kh:
            raise ValueError(f"this kernel has {kh} rows, got {len(self.w)}")
        self.w = [
            _into_leaves(
                row, held, f"kernel weight w[{i}]", f"row {i} of this kernel has {kw} weights"
            )
            for i, (row, held) in enumerate(zip(self.w, held_w))
        ]
        self.b = _as_parameter(self.b, held_b, "bias b")
        self._held = (tuple(map(tuple, self.w)), self.b)

    def __call__(self, x: Sequence[Sequence[Operand]]) -> list[list[Value]]:
        """The (H - kh + 1) x (W - kw + 1) outputs for one H x W input, as a list of rows."""
        grid = _as_grid(x)
        (kh, kw), height, width = self.kernel_size, len(grid), len(grid[0])
        if height < kh or width < kw:
            raise ValueError(
                f"conv2d: the input is {height} x {width}, smaller than the kernel's {kh} x {kw}"
            )
        self._own_parameters()
        kernel = [w for row in self.w for w in row]
        return [
            [
                _apply(
                    DOT,
                    (*kernel, *[v for row in grid[r : r + kh] for v in row[c : c + kw]], self.b),
                )
                for c in range(width - kw + 1)
            ]
            for r in range(height - kh + 1)
        ]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        self._own_parameters()
        for i, row in enumerate(self.w):
            for j, w in enumerate(row):
                yield f"w.{i}.{j}", w
        yield "b", self.b

    def __repr__(self) -> str:
        return f"Conv2d({self.kernel_size}, seed={self.seed})"
