"""Saving and loading a model: its architecture and its weights, nothing executable.

A model is an ``MLP`` (format ``micrograd_notes.mlp``) or a convolution layer (formats
``micrograd_notes.conv1d`` and ``micrograd_notes.conv2d``: the kernel, whose shape is the
architecture, and the bias). ``load`` returns whichever the file holds.

The file's suffix picks its format:

- ``.safetensors``: the standard tensor format of PyTorch and Hugging Face (the ``safetensors``
  package). The tensors are named and shaped as the equivalent PyTorch module has them, in
  float64. MLP(2, [16, 16, 1]) is ``Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(),
  Linear(16, 1))``, so its tensors are ``0.weight`` (16, 2), ``0.bias`` (16,), ``2.weight``
  (16, 16), ``2.bias``, ``4.weight`` (1, 16) and ``4.bias``: a weight is (out, in), row j
  holding neuron j's weights. A "linear" activation has no module. ``Conv1d(k)`` is
  ``torch.nn.Conv1d(1, 1, k)``: ``weight`` (1, 1, k) and ``bias`` (1,); ``Conv2d((kh, kw))``
  is ``torch.nn.Conv2d(1, 1, (kh, kw))``: ``weight`` (1, 1, kh, kw). The header's metadata
  (strings) names the format and the sizes, so ``load`` can rebuild the model.
- anything else (``.json``, the default): plain JSON, read with ``json`` alone.

Nothing is ever unpickled or evaluated. A truncated, malformed, wrongly shaped or non-finite
file raises ``WeightsFileError`` saying what is wrong and where.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import safetensors.numpy
from numpy.typing import NDArray
from safetensors import SafetensorError, safe_open

from micrograd_notes.files import write_atomically
from micrograd_notes.helpers import quoted, real_to_float, shortened
from micrograd_notes.nn import ACTIVATIONS, MLP, Conv1d, Conv2d

FORMAT = "micrograd_notes.mlp"
CONV1D, CONV2D = "micrograd_notes.conv1d", "micrograd_notes.conv2d"
VERSION = 1
# A number saved as JSON takes about 20 bytes, so this is room for some 2.5 million weights
# (6 million in safetensors, 8 bytes each), far more than a scalar engine trains. A larger file
# is refused before it is read (reading and parsing 200 MB takes seconds and a gigabyte).
MAX_BYTES = 50_000_000
SAFETENSORS = ".safetensors"
# The PyTorch module that applies each activation after a Linear layer ("linear": none).
TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}

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


def _check_model(model: object, who: str) -> None:
    if not isinstance(model, (MLP, Conv1d, Conv2d)):
        raise TypeError(f"{who}: expected an MLP, Conv1d or Conv2d, got {type(model).__name__}")


def save(model: Model, path: str | Path) -> None:
    """Write the model to ``path``, all or nothing: safetensors if the name ends in
    ``.safetensors``, JSON otherwise.

    The bytes go to a temporary file beside ``path``, which then replaces ``path`` in one
    step: a write that fails halfway (a full disk) leaves the previous file as it was.
    """
    _check_model(model, "save")
    path = Path(path)
    if path.suffix == SAFETENSORS:
        tensors, metadata = to_tensors(model)
        write_atomically(path, safetensors.numpy.save(tensors, metadata=metadata))
    else:
        write_atomically(path, json.dumps(to_dict(model), indent=1) + "\n")


def _reject_constant(token: str) -> float:
    # Python's json accepts NaN and Infinity, which are not JSON: refuse them by name.
    raise WeightsFileError(f"non-finite number {token} in weights file")


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> Model:
    """Read a model written by ``save``: an MLP, a Conv1d or a Conv2d, as the file says.

    A name ending in ``.safetensors`` is read as safetensors, any other as JSON. A file over
    ``max_bytes`` is refused unread.
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
        if path.suffix == SAFETENSORS:
            return _load_safetensors(path)
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


def _check_format(data: dict[str, Any]) -> None:
    """The fields every file has: which kind of model, in which version of the format."""
    formats = [FORMAT, CONV1D, CONV2D]
    if data.get("format") not in formats:
        raise WeightsFileError(
            f"field 'format' must be one of {formats}, got {quoted(data.get('format'))}"
        )
    if data.get("version") != VERSION:
        raise WeightsFileError(
            f"unsupported version {quoted(data.get('version'))} (expected {VERSION})"
        )


def _mlp_architecture(data: dict[str, Any]) -> tuple[int, list[int], str, str]:
    """An MLP's nin, nouts, activation and last, each checked."""
    nin = _field(data, "nin", int, "a positive int")
    nouts = _field(data, "nouts", list, "a list of layer sizes")
    if nin < 1 or not nouts or not all(type(n) is int and n >= 1 for n in nouts):
        raise WeightsFileError(f"bad architecture: nin={quoted(nin)}, nouts={quoted(nouts)}")
    activations = []
    for key in ("activation", "last"):
        activations.append(_field(data, key, str, "an activation name"))
        if activations[-1] not in ACTIVATIONS:
            raise WeightsFileError(f"unknown {key} {quoted(activations[-1])}")
    return nin, nouts, activations[0], activations[1]


def from_dict(data: object) -> Model:
    """Rebuild a model from ``to_dict`` data, checking every field, shape and number."""
    if not isinstance(data, dict):
        raise WeightsFileError(f"expected a JSON object at the top, got {type(data).__name__}")
    _check_format(data)
    if data["format"] in (CONV1D, CONV2D):
        return _conv_from_dict(data)
    nin, nouts, activation, last = _mlp_architecture(data)
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

    model = MLP(nin, nouts, activation, last=last)
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


# ---- safetensors: the tensors of the equivalent PyTorch module -------------------------------

Array = NDArray[np.float64]


def sequential_modules(n_layers: int, activation: str, last: str) -> list[str]:
    """The ``torch.nn.Sequential`` an MLP is, by class name: each layer's ``Linear``, then its
    activation's module (none after a "linear" layer)."""
    modules = []
    for k in range(n_layers):
        modules.append("Linear")
        act = last if k == n_layers - 1 else activation
        if act in TORCH_ACTIVATIONS:
            modules.append(TORCH_ACTIVATIONS[act])
    return modules


def _linear_prefixes(n_layers: int, activation: str, last: str) -> list[str]:
    """Where each layer's tensors sit in the Sequential: "0", "2", "4" for relu, linear last."""
    modules = sequential_modules(n_layers, activation, last)
    return [str(i) for i, name in enumerate(modules) if name == "Linear"]


def to_tensors(model: Model) -> tuple[dict[str, Array], dict[str, str]]:
    """The model as safetensors contents: float64 tensors named and shaped as the equivalent
    PyTorch module's ``state_dict``, and metadata (strings) giving the format and sizes."""
    _check_model(model, "to_tensors")
    data = to_dict(model)
    metadata = {
        key: value if isinstance(value, str) else json.dumps(value)
        for key, value in data.items()
        if key not in ("layers", "weights", "bias")
    }
    if isinstance(model, (Conv1d, Conv2d)):
        kernel = np.array(data["weights"], dtype=np.float64)
        metadata["kernel_size"] = json.dumps(list(kernel.shape))
        bias = np.array([data["bias"]], dtype=np.float64)
        return {"weight": kernel.reshape(1, 1, *kernel.shape), "bias": bias}, metadata
    tensors = {}
    for prefix, layer in zip(
        _linear_prefixes(len(model.nouts), model.activation, model.last), data["layers"]
    ):
        tensors[f"{prefix}.weight"] = np.array(layer["weights"], dtype=np.float64)  # (out, in)
        tensors[f"{prefix}.bias"] = np.array(layer["biases"], dtype=np.float64)
    return tensors, metadata


def _architecture(metadata: Mapping[str, str] | None) -> dict[str, Any]:
    """The model's format and sizes from safetensors metadata, checked: no tensor yet."""
    if not metadata or "format" not in metadata:
        raise WeightsFileError(
            "no metadata saying which model the tensors are ('format' and sizes): weights.save "
            "writes it; a PyTorch module comes in with torch_io.from_torch"
        )
    data: dict[str, Any] = dict(metadata)
    for key in ("version", "nin", "nouts", "kernel_size"):  # numbers, written as JSON
        if key in data:
            try:
                data[key] = json.loads(data[key], parse_constant=_reject_constant)
            except (TypeError, ValueError, RecursionError):
                raise WeightsFileError(
                    f"metadata {key!r} must be a number or list, got {quoted(data[key])}"
                ) from None
    _check_format(data)
    if data["format"] == FORMAT:
        _mlp_architecture(data)
        return data
    kernel = _field(data, "kernel_size", list, "a list of kernel sizes")
    ndim = 1 if data["format"] == CONV1D else 2
    if len(kernel) != ndim or not all(type(k) is int and k >= 1 for k in kernel):
        raise WeightsFileError(f"bad kernel_size {quoted(kernel)} for {data['format']}")
    return data


def _tensor_shapes(data: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """The tensors a model of this (checked) architecture has: name -> shape."""
    if data["format"] != FORMAT:
        return {"weight": (1, 1, *data["kernel_size"]), "bias": (1,)}
    sizes = [data["nin"], *data["nouts"]]
    shapes: dict[str, tuple[int, ...]] = {}
    for k, prefix in enumerate(
        _linear_prefixes(len(data["nouts"]), data["activation"], data["last"])
    ):
        shapes[f"{prefix}.weight"] = (sizes[k + 1], sizes[k])
        shapes[f"{prefix}.bias"] = (sizes[k + 1],)
    return shapes


def from_tensors(tensors: Mapping[str, Array], metadata: Mapping[str, str] | None) -> Model:
    """Rebuild a model from ``to_tensors`` data, checking the metadata, then every tensor's
    name, dtype, shape and numbers, before the model is built."""
    data = _architecture(metadata)
    expected = _tensor_shapes(data)
    missing = [name for name in expected if name not in tensors]
    unexpected = [name for name in tensors if name not in expected]
    if missing or unexpected:
        raise WeightsFileError(
            f"the tensors do not match a {data['format']} of these sizes: "
            f"missing {quoted(missing[:5], 100)}, unexpected {quoted(unexpected[:5], 100)}"
        )
    for name, shape in expected.items():
        array = tensors[name]
        if not isinstance(array, np.ndarray) or array.dtype != np.float64:
            got = array.dtype if isinstance(array, np.ndarray) else type(array).__name__
            raise WeightsFileError(f"tensor {name!r} must be float64, got {got}")
        if array.shape != shape:
            raise WeightsFileError(f"tensor {name!r} must have shape {shape}, got {array.shape}")
        bad = np.argwhere(~np.isfinite(array))
        if len(bad):
            where = tuple(int(i) for i in bad[0])
            raise WeightsFileError(f"tensor {name!r} is not finite at {where}: {array[where]}")
    if data["format"] != FORMAT:
        data["weights"] = tensors["weight"][0, 0].tolist()
        data["bias"] = float(tensors["bias"][0])
        return from_dict(data)
    prefixes = _linear_prefixes(len(data["nouts"]), data["activation"], data["last"])
    data["layers"] = [
        {"weights": tensors[f"{p}.weight"].tolist(), "biases": tensors[f"{p}.bias"].tolist()}
        for p in prefixes
    ]
    return from_dict(data)


def _load_safetensors(path: Path) -> Model:
    """Read a safetensors file: the package checks its header (offsets inside the file, shapes
    that fit them), this module each tensor's dtype before reading it, then ``from_tensors``
    everything else."""
    try:
        with safe_open(path, framework="numpy") as file:
            metadata = file.metadata()
            _architecture(metadata)  # first: without it the tensors are not a model of ours
            tensors = {}
            for name in file.keys():  # noqa: SIM118 - a safe_open is not iterable
                dtype = file.get_slice(name).get_dtype()
                if dtype != "F64":  # float32, float16, ...: NumPy might not even read it
                    raise WeightsFileError(f"tensor {name!r} is {dtype}, expected F64 (float64)")
                tensors[name] = file.get_tensor(name)
        return from_tensors(tensors, metadata)
    except SafetensorError as err:
        reason = str(err).removeprefix("Error while deserializing header: ")
        truncated = "not fully covered" in reason or "invalid header length" in reason
        hint = " (is the file truncated?)" if truncated else ""
        raise WeightsFileError(
            f"{path}: not a safetensors file{hint}: {shortened(reason, 120)}"
        ) from None
    except WeightsFileError as err:
        raise WeightsFileError(f"{path}: {err}") from None
