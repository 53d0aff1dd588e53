"""Saving and loading a model as JSON: its architecture and its weights, nothing executable.

A model is an ``MLP`` (format ``micrograd_notes.mlp``) or a convolution layer (formats
``micrograd_notes.conv1d`` and ``micrograd_notes.conv2d``: the kernel, whose shape is the
architecture, and the bias). ``load`` returns whichever the file holds.

The file is plain JSON, read with ``json`` alone: nothing is ever unpickled or evaluated. A
truncated, malformed, wrongly shaped or non-finite file raises ``WeightsFileError`` saying
what is wrong and where.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from pathlib import Path
from typing import Any

from micrograd_notes.helpers import quoted, real_to_float
from micrograd_notes.nn import ACTIVATIONS, MLP, Conv1d, Conv2d

FORMAT = "micrograd_notes.mlp"
CONV1D, CONV2D = "micrograd_notes.conv1d", "micrograd_notes.conv2d"
VERSION = 1
# A saved number takes about 20 bytes, so this is room for some 2.5 million weights, far more
# than a scalar engine trains. A larger file is refused before it is read (reading and parsing
# 200 MB takes seconds and a gigabyte).
MAX_BYTES = 50_000_000

Model = MLP | Conv1d | Conv2d


class WeightsFileError(ValueError):
    """A weights file that cannot be loaded, with the reason."""


def to_dict(model: Model) -> dict[str, Any]:
    """The model as JSON-ready data: architecture, then per layer W (nout rows of nin) and b.

    A convolution layer is its kernel (k numbers, or kh rows of kw) and its bias.
    """
    if isinstance(model, Conv1d):
        kernel: list[Any] = [w.data for w in model.w]
        return {"format": CONV1D, "version": VERSION, "weights": kernel, "bias": model.b.data}
    if isinstance(model, Conv2d):
        kernel = [[w.data for w in row] for row in model.w]
        return {"format": CONV2D, "version": VERSION, "weights": kernel, "bias": model.b.data}
    return {
        "format": FORMAT,
        "version": VERSION,
        "nin": model.nin,
        "nouts": list(model.nouts),
        "activation": model.activation,
        "last": model.last,
        "layers": [
            {
                "weights": [[w.data for w in n.w] for n in layer.neurons],
                "biases": [n.b.data for n in layer.neurons],
            }
            for layer in model.layers
        ],
    }


def save(model: Model, path: str | Path) -> None:
    """Write the model to ``path`` as JSON, all or nothing.

    The text goes to a temporary file beside ``path``, which then replaces ``path`` in one
    step: a write that fails halfway (a full disk) leaves the previous file as it was.
    """
    if not isinstance(model, (MLP, Conv1d, Conv2d)):
        raise TypeError(f"save: expected an MLP, Conv1d or Conv2d, got {type(model).__name__}")
    path = Path(path)
    text = json.dumps(to_dict(model), indent=1) + "\n"
    # A fresh name each time ("x" mode refuses to reuse one), made by open() so the file gets
    # the usual permissions (a tempfile.mkstemp file would be private to its owner).
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    file = open(temporary, "x", encoding="utf-8")  # noqa: SIM115 - outside the try: if this
    # fails, the name was never ours to remove
    try:
        with file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:  # also Ctrl-C: never leave the temporary file behind
        temporary.unlink(missing_ok=True)
        raise


def _reject_constant(token: str) -> float:
    # Python's json accepts NaN and Infinity, which are not JSON: refuse them by name.
    raise WeightsFileError(f"non-finite number {token} in weights file")


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> Model:
    """Read a model written by ``save``: an MLP, a Conv1d or a Conv2d, as the file says.

    A file over ``max_bytes`` is refused unread.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise WeightsFileError(f"{path}: is a directory, not a weights file")
        if size > max_bytes:
            raise WeightsFileError(
                f"{path}: {size:,} bytes is more than a weights file may be "
                f"({max_bytes:,}; pass max_bytes= to load a bigger one)"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WeightsFileError(f"{path}: no such weights file") from None
    except UnicodeDecodeError:
        raise WeightsFileError(f"{path}: not a text file") from None
    except OSError as err:  # permissions, a broken disk, ...
        raise WeightsFileError(f"{path}: cannot read it: {err.strerror or err}") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        hint = " (is the file truncated?)" if err.pos >= len(text.rstrip()) else ""
        raise WeightsFileError(f"{path}: not valid JSON{hint}: {err}") from None
    except WeightsFileError as err:
        raise WeightsFileError(f"{path}: {err}") from None
    except RecursionError:  # '[[[[...' deeper than Python's recursion limit
        raise WeightsFileError(f"{path}: not a weights file: JSON nested too deeply") from None
    except ValueError:  # an integer of more digits than Python converts (4300 by default)
        raise WeightsFileError(
            f"{path}: not a weights file: a number has too many digits"
        ) from None
    try:
        return from_dict(data)
    except WeightsFileError as err:
        raise WeightsFileError(f"{path}: {err}") from None


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if key not in data:
        raise WeightsFileError(f"missing field {key!r}")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise WeightsFileError(f"field {key!r} must be {what}, got {quoted(value)}")
    return value


def _number(x: object, where: str) -> float:
    number = None if isinstance(x, bool) else real_to_float(x)  # JSON's true is no number
    if number is None:
        raise WeightsFileError(f"{where} must be a number, got {quoted(x)}")
    if isinstance(x, int) and not math.isfinite(number):  # more digits than a float holds
        raise WeightsFileError(f"{where} is too large for a float: {quoted(x)}")
    if not math.isfinite(number):
        raise WeightsFileError(f"{where} is not finite: {x}")
    return number


def from_dict(data: object) -> Model:
    """Rebuild a model from ``to_dict`` data, checking every field, shape and number."""
    if not isinstance(data, dict):
        raise WeightsFileError(f"expected a JSON object at the top, got {type(data).__name__}")
    formats = [FORMAT, CONV1D, CONV2D]
    if data.get("format") not in formats:
        raise WeightsFileError(
            f"field 'format' must be one of {formats}, got {quoted(data.get('format'))}"
        )
    if data.get("version") != VERSION:
        raise WeightsFileError(
            f"unsupported version {quoted(data.get('version'))} (expected {VERSION})"
        )
    if data["format"] in (CONV1D, CONV2D):
        return _conv_from_dict(data)
    nin = _field(data, "nin", int, "a positive int")
    nouts = _field(data, "nouts", list, "a list of layer sizes")
    if nin < 1 or not nouts or not all(type(n) is int and n >= 1 for n in nouts):
        raise WeightsFileError(f"bad architecture: nin={quoted(nin)}, nouts={quoted(nouts)}")
    activations = {}
    for key in ("activation", "last"):
        activations[key] = _field(data, key, str, "an activation name")
        if activations[key] not in ACTIVATIONS:
            raise WeightsFileError(f"unknown {key} {quoted(activations[key])}")
    layers = _field(data, "layers", list, "a list of layers")
    if len(layers) != len(nouts):
        raise WeightsFileError(f"'nouts' lists {len(nouts)} layers but 'layers' has {len(layers)}")

    # Every shape and number is checked against the file's own lists first: the model is
    # built only once they hold its weights. (A file that declares "nin": 1000000000 with a
    # short list would otherwise build a billion Values before being refused.)
    sizes = [nin, *nouts]
    checked = []
    for k, saved in enumerate(layers):
        where = f"layer {k}"
        if not isinstance(saved, dict):
            raise WeightsFileError(f"{where} must be an object with 'weights' and 'biases'")
        weights = _field(saved, "weights", list, "a list of rows")
        biases = _field(saved, "biases", list, "a list of numbers")
        nin_k, nout_k = sizes[k], sizes[k + 1]
        if len(weights) != nout_k or len(biases) != nout_k:
            raise WeightsFileError(
                f"{where}: expected {nout_k} rows of weights and {nout_k} biases, "
                f"got {len(weights)} and {len(biases)}"
            )
        rows = []
        for j, (row, bias) in enumerate(zip(weights, biases)):
            if not isinstance(row, list) or len(row) != nin_k:
                got = len(row) if isinstance(row, list) else type(row).__name__
                raise WeightsFileError(f"{where} row {j}: expected {nin_k} weights, got {got}")
            ws = [_number(x, f"{where} weight [{j}][{i}]") for i, x in enumerate(row)]
            rows.append((ws, _number(bias, f"{where} bias [{j}]")))
        checked.append(rows)

    model = MLP(nin, nouts, activations["activation"], last=activations["last"])
    for layer, rows in zip(model.layers, checked):
        for neuron, (ws, bias) in zip(layer.neurons, rows):
            for w, x in zip(neuron.w, ws):
                w.data = x
            neuron.b.data = bias
    return model


def _conv_from_dict(data: dict[str, Any]) -> Conv1d | Conv2d:
    """A convolution layer from its kernel and bias; the kernel's shape sets the layer's."""
    weights = _field(data, "weights", list, "the kernel, a list")
    bias = _number(_field(data, "bias", (int, float), "a number"), "bias")
    conv: Conv1d | Conv2d
    if data["format"] == CONV1D:
        if not weights:
            raise WeightsFileError("a conv1d kernel needs at least one weight")
        conv = Conv1d(len(weights))
        for j, (w, x) in enumerate(zip(conv.w, weights)):
            w.data = _number(x, f"kernel weight [{j}]")
    else:
        if not weights or not all(isinstance(row, list) and row for row in weights):
            raise WeightsFileError("a conv2d kernel must be a non-empty list of non-empty rows")
        if any(len(row) != len(weights[0]) for row in weights):
            raise WeightsFileError(f"kernel rows differ in length: {[len(r) for r in weights]}")
        conv = Conv2d((len(weights), len(weights[0])))
        for i, (params, row) in enumerate(zip(conv.w, weights)):
            for j, (w, x) in enumerate(zip(params, row)):
                w.data = _number(x, f"kernel weight [{i}][{j}]")
    conv.b.data = bias
    return conv
