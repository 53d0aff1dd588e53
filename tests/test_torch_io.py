"""The way out to PyTorch: to_torch, from_torch and the three lines that load a file there.

The tests marked ``needs_torch`` run where PyTorch is installed and skip, saying so, where it
is not (it is optional). The rest need NumPy alone.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from micrograd_notes import Value, weights
from micrograd_notes.nn import MLP, Conv1d, Conv2d
from micrograd_notes.torch_io import from_torch, torch_snippet

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="PyTorch is not installed (it is optional: pip install torch)",
)

# ---- without PyTorch ----------------------------------------------------------------------------


def test_the_package_never_imports_torch() -> None:
    code = (
        "import sys, micrograd_notes, micrograd_notes.nn, micrograd_notes.weights, "
        "micrograd_notes.torch_io\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("call", [lambda: MLP(2, [1]).to_torch(), lambda: from_torch(object())])
def test_without_pytorch_one_line_says_what_to_install(monkeypatch, call) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails, as if absent
    with pytest.raises(ImportError) as caught:
        call()
    assert str(caught.value).endswith("needs PyTorch, which is not installed: pip install torch")
    assert "\n" not in str(caught.value) and caught.value.__cause__ is None


def test_to_torch_takes_a_model() -> None:
    with pytest.raises(TypeError, match="to_torch: expected an MLP, Conv1d or Conv2d, got Layer"):
        MLP(2, [3]).layers[0].to_torch()


def test_torch_snippet_is_three_lines_naming_the_modules() -> None:
    assert torch_snippet(MLP(2, [16, 16, 1]), "m.safetensors").splitlines() == [
        "import torch, safetensors.torch",
        "model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), "
        "torch.nn.Linear(16, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1)).double()",
        "model.load_state_dict(safetensors.torch.load_file('m.safetensors'))",
    ]
    assert "torch.nn.Linear(3, 2), torch.nn.Sigmoid()).double()" in torch_snippet(
        MLP(3, [2], last="sigmoid"), "x"
    )
    assert "model = torch.nn.Conv2d(1, 1, (2, 3)).double()" in torch_snippet(Conv2d((2, 3)), "c")


# ---- with PyTorch: outputs and gradients, both ways ---------------------------------------------


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch)")


MLPS = {
    "relu": lambda: MLP(2, [16, 16, 1], "relu", seed=3),
    "tanh-sigmoid": lambda: MLP(3, [5, 4, 2], "tanh", last="sigmoid", seed=4),
    "sigmoid-tanh": lambda: MLP(3, [4, 3], "sigmoid", last="tanh", seed=5),
    "linear": lambda: MLP(4, [3, 3, 2], "linear", seed=6),
    "one-layer": lambda: MLP(3, [2], last="relu", seed=7),
}
CONVS = {"conv1d": lambda: Conv1d(3, seed=1), "conv2d": lambda: Conv2d((2, 3), seed=1)}
RNG = np.random.default_rng(0)


def _ours(model, X: np.ndarray, targets: np.ndarray):
    """Outputs, d loss / d X and d loss / d parameters (in PyTorch's order and shapes) from the
    scalar engine, for loss = Σ (output - target)²."""
    inputs = [[Value(float(v)) for v in np.ravel(x)] for x in X]
    outs = []
    for row in inputs:
        if isinstance(model, MLP):
            out = model(row)
            outs.append(out if isinstance(out, list) else [out])
        elif isinstance(model, Conv1d):
            outs.append(model(row))
        else:  # a 2-D sample, flattened above: back into rows
            width = X.shape[-1]
            grid = [row[i : i + width] for i in range(0, len(row), width)]
            outs.append([o for out_row in model(grid) for o in out_row])
    loss = Value.sum([(o - float(t)) ** 2 for os, ts in zip(outs, targets) for o, t in zip(os, ts)])
    model.zero_grad()
    loss.backward()
    value = np.array([[o.data for o in os] for os in outs])
    dX = np.array([[x.grad for x in row] for row in inputs]).reshape(X.shape)
    if isinstance(model, MLP):
        dparams = []
        for layer in model.layers:
            dparams.append(np.array([[w.grad for w in n.w] for n in layer.neurons]))
            dparams.append(np.array([n.b.grad for n in layer.neurons]))
    else:
        kernel = np.array(
            [w.grad for w in model.w]
            if isinstance(model, Conv1d)
            else [[w.grad for w in row] for row in model.w]
        )
        dparams = [kernel[None, None], np.array([model.b.grad])]
    return value, dX, dparams


def _theirs(torch, module, X: np.ndarray, targets: np.ndarray):
    """The same three from PyTorch's autograd."""
    x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    is_conv = type(module) in (torch.nn.Conv1d, torch.nn.Conv2d)
    out = module(x[:, None] if is_conv else x)
    out = out.reshape(len(X), -1)
    module.zero_grad()
    loss = ((out - torch.tensor(targets, dtype=torch.float64)) ** 2).sum()
    loss.backward()
    dparams = [p.grad.numpy() for p in module.parameters()]
    return out.detach().numpy(), x.grad.numpy(), dparams


def _inputs(model) -> tuple[np.ndarray, np.ndarray]:
    """A batch of 5 inputs for the model, and a target for each of its outputs."""
    if isinstance(model, MLP):
        X = RNG.normal(size=(5, model.nin))
        return X, RNG.normal(size=(5, model.nouts[-1]))
    shape = (7,) if isinstance(model, Conv1d) else (4, 5)
    X = RNG.normal(size=(5, *shape))
    n_out = int(np.prod([n - k + 1 for n, k in zip(shape, np.atleast_1d(model.kernel_size))]))
    return X, RNG.normal(size=(5, n_out))


def _assert_same(ours, theirs) -> None:
    for a, b in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert [p.shape for p in ours[2]] == [p.shape for p in theirs[2]]
    for a, b in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("make", [*MLPS.values(), *CONVS.values()], ids=[*MLPS, *CONVS])
def test_to_torch_gives_the_same_outputs_and_gradients(torch, make) -> None:
    model = make()
    for p in model.parameters():
        p.data += 0.1  # biases too (they start at 0)
    module = model.to_torch()
    assert all(p.dtype == torch.float64 for p in module.parameters())
    X, targets = _inputs(model)
    _assert_same(_ours(model, X, targets), _theirs(torch, module, X, targets))


def _torch_modules(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    return {
        "relu": nn.Sequential(
            nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1)
        ),
        "tanh-sigmoid": nn.Sequential(
            nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2), nn.Sigmoid()
        ),
        "identity": nn.Sequential(nn.Linear(3, 4), nn.Identity(), nn.Linear(4, 2), nn.Identity()),
        "one-linear": nn.Sequential(nn.Linear(4, 3)),
        "conv1d": nn.Conv1d(1, 1, 3),
        "conv2d": nn.Conv2d(1, 1, (2, 3), padding="valid"),
    }


@needs_torch
@pytest.mark.parametrize(
    "name", ["relu", "tanh-sigmoid", "identity", "one-linear", "conv1d", "conv2d"]
)
def test_from_torch_gives_the_same_outputs_and_gradients(torch, name: str) -> None:
    module = _torch_modules(torch)[name].double()
    model = from_torch(module)
    X, targets = _inputs(model)
    _assert_same(_ours(model, X, targets), _theirs(torch, module, X, targets))
    back = model.to_torch()  # and home again: the very same numbers
    if name != "identity":  # an Identity takes a place in the Sequential, and its name
        assert back.state_dict().keys() == module.state_dict().keys()
    for theirs, ours in zip(module.state_dict().values(), back.state_dict().values()):
        assert torch.equal(theirs, ours)


@needs_torch
def test_from_torch_copies_float32_weights_exactly(torch) -> None:
    module = _torch_modules(torch)["relu"]  # PyTorch's default dtype: float32
    model = from_torch(module)
    first = model.layers[0].neurons[3]
    assert [w.data for w in first.w] == module[0].weight[3].tolist()
    assert first.b.data == module[0].bias[3].item()


@needs_torch
@pytest.mark.parametrize("make", [*MLPS.values(), *CONVS.values()], ids=[*MLPS, *CONVS])
def test_the_three_lines_load_a_saved_file_into_pytorch(torch, tmp_path: Path, make) -> None:
    model = make()
    for p in model.parameters():
        p.data -= 0.2
    path = tmp_path / "m.safetensors"
    weights.save(model, path)
    namespace: dict = {}
    exec(torch_snippet(model, str(path)), namespace)
    X, targets = _inputs(model)
    _assert_same(_ours(model, X, targets), _theirs(torch, namespace["model"], X, targets))


@needs_torch
def test_a_model_from_torch_saves_to_a_file_torch_reads(torch, tmp_path: Path) -> None:
    import safetensors.torch

    module = _torch_modules(torch)["tanh-sigmoid"].double()
    path = tmp_path / "m.safetensors"
    weights.save(from_torch(module), path)
    loaded = safetensors.torch.load_file(path)
    assert loaded.keys() == module.state_dict().keys()
    assert all(torch.equal(loaded[k], v) for k, v in module.state_dict().items())


BAD_MODULES = {
    "a Conv2d in a Sequential": (
        lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Conv2d(1, 1, 2)),
        r"module 1 \(Conv2d\(1, 1, kernel_size=\(2, 2\), stride=\(1, 1\)\)\) is not supported",
    ),
    "dropout": (
        lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Dropout(), nn.Linear(3, 1)),
        r"module 1 \(Dropout\(p=0.5, inplace=False\)\) is not supported: from_torch takes Linear",
    ),
    "no bias": (
        lambda nn: nn.Sequential(nn.Linear(2, 3, bias=False)),
        r"module 0 \(Linear\(in_features=2, out_features=3, bias=False\)\) has no bias",
    ),
    "sizes": (
        lambda nn: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 1)),
        r"module 2 \(Linear\(in_features=4.*\)\) takes 4 inputs, but the Linear before it gives 3",
    ),
    "softmax last": (
        lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1)),
        r"module 1 \(Softmax\(dim=1\)\) is not supported",
    ),
    "two hidden activations": (
        lambda nn: nn.Sequential(
            nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)
        ),
        r"the activation after module 2 \(Linear\(.*\)\) is tanh but after the first Linear it "
        r"is relu: an MLP has one activation for all its hidden layers",
    ),
    "activation twice": (
        lambda nn: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sigmoid()),
        r"module 2 \(Sigmoid\(\)\) follows another activation",
    ),
    "activation first": (
        lambda nn: nn.Sequential(nn.Tanh(), nn.Linear(2, 3)),
        r"module 0 \(Tanh\(\)\) comes before any Linear layer",
    ),
    "nested": (
        lambda nn: nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.ReLU())),
        r"module 0 \(Sequential\(\.\.\.\)\) is not supported",
    ),
    "empty": (lambda nn: nn.Sequential(), "the Sequential has no Linear layer"),
    "two channels": (lambda nn: nn.Conv2d(2, 1, 3), r"in_channels=2 is not supported, only 1"),
    "stride": (lambda nn: nn.Conv1d(1, 1, 3, stride=2), r"stride=\(2,\) is not supported"),
    "padding": (lambda nn: nn.Conv1d(1, 1, 3, padding=1), r"padding=\(1,\) is not supported"),
    "conv without bias": (lambda nn: nn.Conv1d(1, 1, 3, bias=False), "has no bias"),
}


@needs_torch
@pytest.mark.parametrize("case", BAD_MODULES.values(), ids=BAD_MODULES.keys())
def test_what_from_torch_cannot_take_is_named(torch, case) -> None:
    make, words = case
    with pytest.raises(ValueError, match=words) as caught:
        from_torch(make(torch.nn))
    assert "\n" not in str(caught.value)


@needs_torch
def test_from_torch_needs_a_sequential(torch) -> None:
    with pytest.raises(TypeError, match=r"got Linear: wrap it, torch.nn.Sequential\(layer\)"):
        from_torch(torch.nn.Linear(2, 3))


@needs_torch
def test_from_torch_refuses_non_finite_weights(torch) -> None:
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    with torch.no_grad():
        module[2].weight[0, 1] = float("inf")
    with pytest.raises(
        ValueError, match=r"module 2 \(Linear.*\): its weight is not finite at \(0, 1\): inf"
    ):
        from_torch(module)
