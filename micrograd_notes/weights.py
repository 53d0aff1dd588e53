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
from pathlib import Path
from typing import Any

from micrograd_notes.nn import ACTIVATIONS, MLP, Conv1d, Conv2d

FORMAT = "micrograd_notes.mlp"
CONV1D, CONV2D = "micrograd_notes.conv1d", "micrograd_notes.conv2d"
VERSION = 1

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
    """Write the model to ``path`` as JSON."""
    if not isinstance(model, (MLP, Conv1d, Conv2d)):
        raise TypeError(f"save: expected an MLP, Conv1d or Conv2d, got {type(model).__name__}")
    Path(path).write_text(json.dumps(to_dict(model), indent=1) + "\n", encoding="utf-8")


def _reject_constant(token: str) -> float:
    # Python's json accepts NaN and Infinity, which are not JSON: refuse them by name.
    raise WeightsFileError(f"non-finite number {token} in weights file")


def load(path: str | Path) -> Model:
    """Read a model written by ``save``: an MLP, a Conv1d or a Conv2d, as the file says."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WeightsFileError(f"{path}: no such weights file") from None
    except UnicodeDecodeError:
        raise WeightsFileError(f"{path}: not a text file") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        hint = " (is the file truncated?)" if err.pos >= len(text.rstrip()) else ""
        raise WeightsFileError(f"{path}: not valid JSON{hint}: {err}") from None
    except WeightsFileError as err:
        raise WeightsFileError(f"{path}: {err}") from None
    try:
        return from_dict(data)
    except WeightsFileError as err:
        raise WeightsFileError(f"{path}: {err}") from None


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if key not in data:
        raise WeightsFileError(f"missing field {key!r}")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise WeightsFileError(f"field {key!r} must be {what}, got {value!r:.60}")
    return value


def _number(x: object, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise WeightsFileError(f"{where} must be a number, got {x!r:.60}")
    if not math.isfinite(x):
        raise WeightsFileError(f"{where} is not finite: {x}")
    return float(x)


def from_dict(data: object) -> Model:
    """Rebuild a model from ``to_dict`` data, checking every field, shape and number."""
    if not isinstance(data, dict):
        raise WeightsFileError(f"expected a JSON object at the top, got {type(data).__name__}")
    formats = [FORMAT, CONV1D, CONV2D]
    if data.get("format") not in formats:
        raise WeightsFileError(
            f"field 'format' must be one of {formats}, got {data.get('format')!r}"
        )
    if data.get("version") != VERSION:
        raise WeightsFileError(f"unsupported version {data.get('version')!r} (expected {VERSION})")
    if data["format"] in (CONV1D, CONV2D):
        return _conv_from_dict(data)
    nin = _field(data, "nin", int, "a positive int")
    nouts = _field(data, "nouts", list, "a list of layer sizes")
    if nin < 1 or not nouts or not all(type(n) is int and n >= 1 for n in nouts):
        raise WeightsFileError(f"bad architecture: nin={nin!r}, nouts={nouts!r}")
    activations = {}
    for key in ("activation", "last"):
        activations[key] = _field(data, key, str, "an activation name")
        if activations[key] not in ACTIVATIONS:
            raise WeightsFileError(f"unknown {key} {activations[key]!r}")
    layers = _field(data, "layers", list, "a list of layers")
    if len(layers) != len(nouts):
        raise WeightsFileError(f"'nouts' lists {len(nouts)} layers but 'layers' has {len(layers)}")

    model = MLP(nin, nouts, activations["activation"], last=activations["last"])
    sizes = [nin, *nouts]
    for k, (layer, saved) in enumerate(zip(model.layers, layers)):
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
        for j, (neuron, row, bias) in enumerate(zip(layer.neurons, weights, biases)):
            if not isinstance(row, list) or len(row) != nin_k:
                got = len(row) if isinstance(row, list) else type(row).__name__
                raise WeightsFileError(f"{where} row {j}: expected {nin_k} weights, got {got}")
            for i, (w, x) in enumerate(zip(neuron.w, row)):
                w.data = _number(x, f"{where} weight [{j}][{i}]")
            neuron.b.data = _number(bias, f"{where} bias [{j}]")
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
