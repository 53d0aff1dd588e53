"""The way out to PyTorch: a model from here as the equivalent PyTorch module, and back.

``to_torch(model)`` (also ``model.to_torch()``) builds, in float64:

- for ``MLP(2, [16, 16, 1])``: ``torch.nn.Sequential(Linear(2, 16), ReLU(), Linear(16, 16),
  ReLU(), Linear(16, 1))``: each layer a ``Linear``, then its activation (``ReLU``, ``Tanh``
  or ``Sigmoid``; nothing for "linear"). It takes a batch of shape (n, nin);
- for ``Conv1d(k)``: ``torch.nn.Conv1d(1, 1, k)``, taking (n, 1, length);
- for ``Conv2d((kh, kw))``: ``torch.nn.Conv2d(1, 1, (kh, kw))``, taking (n, 1, height, width).

Its ``state_dict`` holds the tensors a ``.safetensors`` file of ``weights.save`` holds, under the
same names, so PyTorch can also read that file without this package (``torch_snippet``).

``from_torch(module)`` goes the other way, for a ``Sequential`` of ``Linear`` layers (with
biases), each followed by at most one ``ReLU``, ``Tanh``, ``Sigmoid`` or ``Identity``, with the
same activation after every hidden layer (an MLP has one); and for a ``Conv1d`` or ``Conv2d`` of
one input and one output channel, stride 1, no padding or dilation, with a bias. Anything else
is a ``ValueError`` naming the module. Weights of any real dtype are copied exactly into float64.

PyTorch is optional: it is imported only when one of these functions runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from micrograd_notes import weights
from micrograd_notes.nn import MLP, Conv1d, Conv2d
from micrograd_notes.weights import Model

# The PyTorch modules ``from_torch`` reads as an activation, by class name.
FROM_TORCH = {"ReLU": "relu", "Tanh": "tanh", "Sigmoid": "sigmoid", "Identity": "linear"}


def _import_torch(who: str) -> Any:
    """PyTorch, or one line saying how to get it."""
    try:
        import torch  # pyright: ignore[reportMissingImports]  # optional: may be absent
    except ImportError:
        raise ImportError(
            f"{who} needs PyTorch, which is not installed: pip install torch"
        ) from None
    return torch


def to_torch(model: Model) -> Any:
    """The equivalent ``torch.nn`` module, in float64, holding the same weights."""
    weights._check_model(model, "to_torch")
    torch = _import_torch("to_torch")
    tensors, _ = weights.to_tensors(model)
    float64 = {"dtype": torch.float64}
    module: Any
    if isinstance(model, Conv1d):
        module = torch.nn.Conv1d(1, 1, model.kernel_size, **float64)
    elif isinstance(model, Conv2d):
        module = torch.nn.Conv2d(1, 1, model.kernel_size, **float64)
    else:
        sizes = iter(zip([model.nin, *model.nouts], model.nouts))
        names = weights.sequential_modules(len(model.nouts), model.activation, model.last)
        module = torch.nn.Sequential(
            *(
                torch.nn.Linear(*next(sizes), **float64)
                if name == "Linear"
                else getattr(torch.nn, name)()
                for name in names
            )
        )
    module.load_state_dict({name: torch.from_numpy(t) for name, t in tensors.items()})
    return module


def _array(tensor: Any, where: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A parameter as a float64 NumPy array (exact from any real dtype), checked finite."""
    if tensor.is_complex() or not tensor.is_floating_point():
        raise ValueError(f"{where} is {tensor.dtype}, not a real floating-point tensor")
    array: np.ndarray[Any, np.dtype[np.float64]] = tensor.detach().cpu().double().numpy()
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        at = tuple(int(i) for i in bad[0])
        raise ValueError(f"{where} is not finite at {at}: {array[at]}")
    return array


def _describe(layer: Any) -> str:
    """A module as PyTorch prints it, on one line (a container prints on several)."""
    text = repr(layer)
    return text if "\n" not in text else f"{type(layer).__name__}(...)"


def from_torch(module: Any) -> Model:
    """An MLP from a ``torch.nn.Sequential``, or a Conv1d or Conv2d from PyTorch's, with the
    same weights (see the module's docstring for what is supported)."""
    torch = _import_torch("from_torch")
    if type(module) in (torch.nn.Conv1d, torch.nn.Conv2d):
        return _conv_from_torch(module)
    if not isinstance(module, torch.nn.Sequential):
        wrap = ": wrap it, torch.nn.Sequential(layer)" if type(module) is torch.nn.Linear else ""
        raise TypeError(
            "from_torch takes a torch.nn.Sequential of Linear layers and activations, or a "
            f"Conv1d or Conv2d; got {type(module).__name__}{wrap}"
        )
    linears: list[tuple[str, Any]] = []  # (where, layer)
    after: list[str] = []  # the activation after each Linear ("linear" if none)
    for i, layer in enumerate(module):
        where = f"module {i} ({_describe(layer)})"
        name = type(layer).__name__
        if type(layer) is torch.nn.Linear:
            if layer.bias is None:
                raise ValueError(f"{where} has no bias; every neuron here has one (bias=True)")
            if linears and layer.in_features != linears[-1][1].out_features:
                raise ValueError(
                    f"{where} takes {layer.in_features} inputs, but the Linear before it gives "
                    f"{linears[-1][1].out_features}"
                )
            linears.append((where, layer))
            after.append("")
        elif name in FROM_TORCH and type(layer) is getattr(torch.nn, name):
            if not linears:
                raise ValueError(f"{where} comes before any Linear layer")
            if after[-1]:
                raise ValueError(f"{where} follows another activation; one per Linear layer")
            after[-1] = FROM_TORCH[name]
        else:
            raise ValueError(
                f"{where} is not supported: from_torch takes Linear layers, each followed by "
                f"at most one of {', '.join(FROM_TORCH)}"
            )
    if not linears:
        raise ValueError("from_torch: the Sequential has no Linear layer")
    after = [activation or "linear" for activation in after]
    for (where, _), activation in zip(linears[1:-1], after[1:-1]):
        if activation != after[0]:
            raise ValueError(
                f"the activation after {where} is {activation} but after the first Linear it is "
                f"{after[0]}: an MLP has one activation for all its hidden layers"
            )
    data = {
        "format": weights.FORMAT,
        "version": weights.VERSION,
        "nin": linears[0][1].in_features,
        "nouts": [layer.out_features for _, layer in linears],
        "activation": after[0] if len(linears) > 1 else "relu",  # MLP's default if unused
        "last": after[-1],
        "layers": [
            {
                "weights": _array(layer.weight, f"{where}: its weight").tolist(),
                "biases": _array(layer.bias, f"{where}: its bias").tolist(),
            }
            for where, layer in linears
        ],
    }
    return weights.from_dict(data)


def _conv_from_torch(conv: Any) -> Model:
    """Our Conv1d or Conv2d from PyTorch's, if it is the one-channel, stride-1, valid kind."""
    settings = {
        "in_channels": 1,
        "out_channels": 1,
        "groups": 1,
        "stride": (1,) * len(conv.kernel_size),
        "dilation": (1,) * len(conv.kernel_size),
    }
    for name, supported in settings.items():
        if getattr(conv, name) != supported:
            raise ValueError(
                f"{conv}: {name}={getattr(conv, name)} is not supported, only {supported}"
            )
    if conv.padding not in ("valid", (0,) * len(conv.kernel_size)):
        raise ValueError(f"{conv}: padding={conv.padding!r} is not supported, only none")
    if conv.bias is None:
        raise ValueError(f"{conv} has no bias; a convolution layer here has one (bias=True)")
    kernel = _array(conv.weight, f"{conv}: its weight")[0, 0]
    is_1d = type(conv).__name__ == "Conv1d"
    data = {
        "format": weights.CONV1D if is_1d else weights.CONV2D,
        "version": weights.VERSION,
        "weights": kernel.tolist(),
        "bias": float(_array(conv.bias, f"{conv}: its bias")[0]),
    }
    return weights.from_dict(data)


def torch_snippet(model: Model, path: str) -> str:
    """Three lines of PyTorch that build ``model``'s equivalent and load its weights from
    ``path``, a file that ``weights.save(model, path)`` wrote (``.safetensors``)."""
    weights._check_model(model, "torch_snippet")
    if isinstance(model, MLP):
        sizes = iter(zip([model.nin, *model.nouts], model.nouts))
        names = weights.sequential_modules(len(model.nouts), model.activation, model.last)
        layers = ", ".join(
            f"torch.nn.Linear({', '.join(map(str, next(sizes)))})"
            if name == "Linear"
            else f"torch.nn.{name}()"
            for name in names
        )
        build = f"torch.nn.Sequential({layers})"
    else:
        build = f"torch.nn.{type(model).__name__}(1, 1, {model.kernel_size})"
    return (
        "import torch, safetensors.torch\n"
        f"model = {build}.double()\n"
        f"model.load_state_dict(safetensors.torch.load_file({path!r}))"
    )
