"""Saving and loading weights: the round trip, and every way a file can be bad."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_notes import weights
from micrograd_notes.nn import MLP, Conv1d, Conv2d
from micrograd_notes.weights import WeightsFileError, from_dict, load, save, to_dict


def test_round_trip_keeps_architecture_and_weights(tmp_path: Path) -> None:
    model = MLP(3, [4, 2], "tanh", last="sigmoid", seed=9)
    path = tmp_path / "model.json"
    save(model, path)
    loaded = load(path)
    assert (loaded.nin, loaded.nouts, loaded.activation, loaded.last) == (
        3,
        [4, 2],
        "tanh",
        "sigmoid",
    )
    assert loaded.state_dict() == model.state_dict()
    x = [0.1, -0.2, 0.3]
    assert [v.data for v in loaded(x)] == [v.data for v in model(x)]


def _write(tmp_path: Path, change) -> Path:
    data = to_dict(MLP(2, [3, 1], seed=1))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    return path


def _set_layer_row(data, row) -> None:
    data["layers"][0]["weights"][1] = row


CASES = [
    (lambda d: d.pop("nin"), "missing field 'nin'"),
    (lambda d: d.update(format="pickle"), "field 'format' must be"),
    (lambda d: d.update(version=2), "unsupported version 2"),
    (lambda d: d.update(nouts=[3, 0]), "bad architecture"),
    (lambda d: d.update(nin=True), "field 'nin' must be a positive int"),
    (lambda d: d.update(activation="gelu"), "unknown activation 'gelu'"),
    (lambda d: d["layers"].pop(), "'nouts' lists 2 layers but 'layers' has 1"),
    (lambda d: _set_layer_row(d, [1.0]), "layer 0 row 1: expected 2 weights, got 1"),
    (lambda d: _set_layer_row(d, "ab"), "layer 0 row 1: expected 2 weights, got str"),
    (lambda d: _set_layer_row(d, [1.0, "x"]), r"layer 0 weight \[1\]\[1\] must be a number"),
    (lambda d: _set_layer_row(d, [1.0, True]), r"weight \[1\]\[1\] must be a number"),
    (
        lambda d: d["layers"][1]["biases"].append(0.0),
        "layer 1: expected 1 rows of weights and 1 biases",
    ),
    (lambda d: d["layers"][1].pop("biases"), "missing field 'biases'"),
    (lambda d: d["layers"].__setitem__(0, [1, 2]), "layer 0 must be an object"),
]


@pytest.mark.parametrize(("change", "words"), CASES)
def test_malformed_contents_are_named(tmp_path: Path, change, words: str) -> None:
    path = _write(tmp_path, change)
    with pytest.raises(WeightsFileError, match=words):
        load(path)


def test_truncated_file(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    save(MLP(2, [3, 1]), good)
    cut = tmp_path / "cut.json"
    cut.write_text(good.read_text()[:-40])
    with pytest.raises(
        WeightsFileError, match=r"cut\.json: not valid JSON \(is the file truncated\?\)"
    ):
        load(cut)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_tokens_are_refused(tmp_path: Path, token: str) -> None:
    path = tmp_path / "nan.json"
    save(MLP(2, [1]), path)
    text = path.read_text().replace("0.0", token, 1)  # a bias
    path.write_text(text)
    with pytest.raises(WeightsFileError, match=f"non-finite number {token}"):
        load(path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x80\x03]q\x00.", "not a text file"),
        (b"[1, 2]", "expected a JSON object"),
        (b"{not json", "not valid JSON"),
    ],
)
def test_not_a_weights_file(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)  # the first is a pickle: it must never be unpickled
    with pytest.raises(WeightsFileError, match=words):
        load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WeightsFileError, match="no such weights file"):
        load(tmp_path / "nope.json")


def test_save_needs_an_mlp(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="expected an MLP"):
        save({"w": 1}, tmp_path / "x.json")  # type: ignore[arg-type]


def test_from_dict_refuses_non_finite_numbers() -> None:
    data = to_dict(MLP(2, [1]))
    data["layers"][0]["biases"][0] = float("inf")
    with pytest.raises(WeightsFileError, match=r"layer 0 bias \[0\] is not finite: inf"):
        from_dict(data)


@pytest.mark.parametrize("conv", [Conv1d(4, seed=2), Conv2d((2, 3), seed=2)], ids=repr)
def test_conv_layers_round_trip(tmp_path: Path, conv) -> None:
    conv.b.data = -0.25
    path = tmp_path / "conv.json"
    save(conv, path)
    loaded = load(path)
    assert type(loaded) is type(conv) and loaded.kernel_size == conv.kernel_size
    assert loaded.state_dict() == conv.state_dict()
    x = [[0.5, -1.0, 2.0, 0.25]] * 3 if isinstance(conv, Conv2d) else [0.5, -1.0, 2.0, 0.25, 3.0]
    assert repr(loaded(x)) == repr(conv(x))


CONV_CASES = [
    (lambda d: d.update(bias="0"), "field 'bias' must be a number"),
    (lambda d: d.update(weights=[]), "a conv2d kernel must be a non-empty list"),
    (lambda d: d.update(weights=[[1.0, 2.0], [3.0]]), r"kernel rows differ in length: \[2, 1\]"),
    (lambda d: d["weights"][1].__setitem__(0, None), r"kernel weight \[1\]\[0\] must be a number"),
    (lambda d: d.update(format="micrograd_notes.conv3d"), "field 'format' must be one of"),
]


@pytest.mark.parametrize(("change", "words"), CONV_CASES)
def test_malformed_conv_files_are_named(change, words: str) -> None:
    data = to_dict(Conv2d(2))
    change(data)
    with pytest.raises(WeightsFileError, match=words):
        from_dict(data)


def test_conv1d_file_needs_a_kernel() -> None:
    data = to_dict(Conv1d(2))
    data["weights"] = []
    with pytest.raises(WeightsFileError, match="at least one weight"):
        from_dict(data)


# ---- huge, hostile and interrupted files ------------------------------------------------------


def test_a_huge_declared_shape_is_refused_before_the_model_is_built(
    tmp_path: Path, monkeypatch
) -> None:
    data = to_dict(MLP(2, [3, 1], seed=1))
    data["nin"] = 1_000_000_000  # a 300-byte file that asks for a billion weights
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data))

    def no_model(*args, **kwargs):
        raise AssertionError(f"MLP{args} was built before the shapes were checked")

    monkeypatch.setattr(weights, "MLP", no_model)
    with pytest.raises(WeightsFileError, match="layer 0 row 0: expected 1000000000 weights, got 2"):
        load(path)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as file:
        file.truncate(weights.MAX_BYTES + 1)  # sparse: no disk space used

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_text", no_reading)
    with pytest.raises(WeightsFileError, match=r"50,000,001 bytes is more than .* max_bytes="):
        load(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        ("9" * 5000, "not a weights file: a number has too many digits"),
    ],
)
def test_hostile_json_is_a_weights_file_error(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(WeightsFileError, match=words):
        load(path)


def test_a_400_digit_weight_is_too_large_for_a_float(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: _set_layer_row(d, [1.0, 10**400]))
    with pytest.raises(WeightsFileError, match=r"weight \[1\]\[1\] is too large for a float"):
        load(path)


def test_a_directory_is_not_a_weights_file(tmp_path: Path) -> None:
    with pytest.raises(WeightsFileError, match="is a directory"):
        load(tmp_path)


def test_an_error_quotes_at_most_a_line_of_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d.update(format="x" * 10_000_000))
    with pytest.raises(WeightsFileError, match=r"field 'format' must be") as caught:
        load(path)
    assert len(str(caught.value)) < 200 + len(str(path))


SAVE_UNDER_A_FILE_SIZE_LIMIT = """
import resource, signal, sys
from micrograd_notes.nn import MLP
from micrograd_notes.weights import save
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))  # as if the disk filled up
try:
    save(MLP(2, [16, 16, 1], seed=3), sys.argv[1])
except OSError as err:
    print("save failed:", err)
"""


@pytest.mark.parametrize("suffix", [".json", ".safetensors"])
def test_a_save_that_fails_halfway_leaves_the_old_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"model{suffix}"
    old = MLP(2, [3, 1], seed=1)
    save(old, path)
    done = subprocess.run(
        [sys.executable, "-c", SAVE_UNDER_A_FILE_SIZE_LIMIT, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "save failed: [Errno 27] File too large" in done.stdout, done.stderr
    assert load(path).state_dict() == old.state_dict()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


# ---- fuzzing: every file is a model or a WeightsFileError --------------------------------------


def _load_outcome(path: Path) -> None:
    try:
        model = load(path)
    except WeightsFileError as err:
        assert "\n" not in str(err) and len(str(err)) < 300 + len(str(path)), str(err)
    else:
        assert isinstance(model, MLP)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["nin", "nouts", "activation", "last", "layers", "version", "format"]),
    JSON_VALUES,
)
def test_fuzz_a_field_replaced_by_anything(tmp_path_factory, key: str, value) -> None:
    data = to_dict(MLP(2, [3, 1], seed=1))
    data[key] = value
    path = tmp_path_factory.mktemp("fuzz") / "w.json"
    path.write_text(json.dumps(data))
    _load_outcome(path)


GOOD_FILES = {
    ".json": lambda: json.dumps(to_dict(MLP(2, [3, 1], seed=1)), indent=1).encode(),
    ".safetensors": lambda: safetensors.numpy.save(*weights.to_tensors(MLP(2, [3, 1], seed=1))),
}


@pytest.mark.parametrize("suffix", GOOD_FILES)
@settings(max_examples=300, deadline=None)
@given(st.floats(0, 1), st.binary(max_size=8), st.integers(0, 8))
def test_fuzz_mutated_bytes(
    tmp_path_factory, suffix, where: float, insert: bytes, cut: int
) -> None:
    good = GOOD_FILES[suffix]()
    at = int(where * len(good))
    path = tmp_path_factory.mktemp("fuzz") / f"w{suffix}"
    path.write_bytes(good[:at] + insert + good[at + cut :])
    _load_outcome(path)


@pytest.mark.parametrize("suffix", GOOD_FILES)
@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_random_bytes(tmp_path_factory, suffix: str, content: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"w{suffix}"
    path.write_bytes(content)
    _load_outcome(path)


# ---- safetensors: the tensors of the equivalent PyTorch module --------------------------------


def _raw_safetensors(header: dict, data: bytes = b"") -> bytes:
    """A safetensors file written by hand: 8 bytes of header length, the JSON header, the data."""
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


MODELS = {
    "relu": lambda: MLP(2, [16, 16, 1], "relu", seed=3),
    "tanh-sigmoid": lambda: MLP(3, [4, 2], "tanh", last="sigmoid", seed=4),
    "linear-tanh": lambda: MLP(3, [5, 4, 1], "linear", last="tanh", seed=5),
    "one-weight": lambda: MLP(1, [1]),
    "conv1d": lambda: Conv1d(4, seed=2),
    "conv2d": lambda: Conv2d((2, 3), seed=2),
}


def _architecture(model) -> tuple:
    if isinstance(model, MLP):
        return (MLP, model.nin, model.nouts, model.activation, model.last)
    return (type(model), model.kernel_size)


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_safetensors_round_trip(tmp_path: Path, make) -> None:
    model = make()
    for p in model.parameters():
        p.data += 0.125  # biases too (they start at 0)
    path = tmp_path / "m.safetensors"
    save(model, path)
    loaded = load(path)
    assert _architecture(loaded) == _architecture(model)
    assert loaded.state_dict() == model.state_dict()  # float64 both ways: the very same bits


def test_safetensors_names_and_shapes_are_pytorchs(tmp_path: Path) -> None:
    # MLP(2, [16, 16, 1]) is Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(),
    # Linear(16, 1)): the Linear layers are modules 0, 2 and 4; a weight is (out, in).
    model = MLP(2, [16, 16, 1], "relu", seed=3)
    path = tmp_path / "m.safetensors"
    save(model, path)
    tensors = safetensors.numpy.load_file(path)
    assert {name: t.shape for name, t in tensors.items()} == {
        "0.weight": (16, 2),
        "0.bias": (16,),
        "2.weight": (16, 16),
        "2.bias": (16,),
        "4.weight": (1, 16),
        "4.bias": (1,),
    }
    assert all(t.dtype == np.float64 for t in tensors.values())
    neuron = model.layers[1].neurons[5]
    assert tensors["2.weight"][5].tolist() == [w.data for w in neuron.w]  # row j: neuron j
    assert tensors["2.bias"][5] == neuron.b.data
    # x Wᵀ + b layer by layer, as torch.nn.Linear computes it, gives the model's output.
    x = np.array([0.3, -1.1])
    h = np.maximum(tensors["0.weight"] @ x + tensors["0.bias"], 0.0)
    h = np.maximum(tensors["2.weight"] @ h + tensors["2.bias"], 0.0)
    out = tensors["4.weight"] @ h + tensors["4.bias"]
    assert out[0] == pytest.approx(model(x.tolist()).data, rel=1e-13, abs=1e-15)


@pytest.mark.parametrize(
    ("model", "shapes"),
    [
        # Linear, Tanh, Linear, Sigmoid
        (MLP(3, [4, 2], "tanh", last="sigmoid"), {"0": (4, 3), "2": (2, 4)}),
        # a "linear" activation has no module: Linear, Linear, Tanh
        (MLP(3, [5, 1], "linear", last="tanh"), {"0": (5, 3), "1": (1, 5)}),
        (Conv1d(3), {"": (1, 1, 3)}),  # torch.nn.Conv1d(1, 1, 3)
        (Conv2d((2, 3)), {"": (1, 1, 2, 3)}),  # torch.nn.Conv2d(1, 1, (2, 3))
    ],
    ids=repr,
)
def test_safetensors_layouts(model, shapes: dict) -> None:
    tensors, metadata = weights.to_tensors(model)
    expected = {}
    for prefix, shape in shapes.items():
        name = f"{prefix}." if prefix else ""
        expected[f"{name}weight"], expected[f"{name}bias"] = shape, shape[:1]
    if isinstance(model, (Conv1d, Conv2d)):
        expected["bias"] = (1,)
    assert {name: t.shape for name, t in tensors.items()} == expected
    assert metadata["format"] == to_dict(model)["format"] and metadata["version"] == "1"


def test_safetensors_metadata_says_what_to_rebuild() -> None:
    _, metadata = weights.to_tensors(MLP(3, [4, 2], "tanh", last="sigmoid"))
    assert metadata == {
        "format": "micrograd_notes.mlp",
        "version": "1",
        "nin": "3",
        "nouts": "[4, 2]",
        "activation": "tanh",
        "last": "sigmoid",
    }
    assert weights.to_tensors(Conv2d((2, 3)))[1]["kernel_size"] == "[2, 3]"


def test_to_tensors_needs_a_model() -> None:
    with pytest.raises(TypeError, match="to_tensors: expected an MLP, Conv1d or Conv2d, got Layer"):
        weights.to_tensors(MLP(2, [3]).layers[0])


def _bad_safetensors(tmp_path: Path, change) -> Path:
    """MLP(2, [3, 1])'s tensors and metadata, changed, written with the safetensors package."""
    tensors, metadata = weights.to_tensors(MLP(2, [3, 1], seed=1))
    change(tensors, metadata)
    path = tmp_path / "bad.safetensors"
    safetensors.numpy.save_file(tensors, path, metadata=metadata)
    return path


SAFETENSORS_CASES = [
    (
        lambda t, m: t.update((k, v.astype(np.float32)) for k, v in list(t.items())),
        r"tensor '\d\.(weight|bias)' is F32, expected F64 \(float64\)",
    ),
    (
        lambda t, m: t.update({"0.weight": t["0.weight"].T.copy()}),
        r"tensor '0.weight' must have shape \(3, 2\), got \(2, 3\)",
    ),
    (lambda t, m: t.pop("2.bias"), r"missing \['2.bias'\], unexpected \[\]"),
    (
        lambda t, m: t.update({"fc1.weight": t.pop("0.weight")}),
        r"missing \['0.weight'\], unexpected \['fc1.weight'\]",
    ),
    (
        lambda t, m: t["2.weight"].__setitem__((0, 1), np.nan),
        r"'2.weight' is not finite at \(0, 1\)",
    ),
    (lambda t, m: t["0.bias"].__setitem__(2, -np.inf), r"'0.bias' is not finite at \(2,\): -inf"),
    (lambda t, m: m.clear(), "no metadata saying which model the tensors are"),
    (lambda t, m: m.update(format="pickle"), "field 'format' must be one of"),
    (lambda t, m: m.update(version="2"), "unsupported version 2"),
    (lambda t, m: m.update(nin="two"), "metadata 'nin' must be a number or list, got 'two'"),
    (lambda t, m: m.update(nin="NaN"), "metadata 'nin' must be a number or list"),
    (lambda t, m: m.update(nouts="[3, 0]"), "bad architecture"),
    (lambda t, m: m.update(activation="gelu"), "unknown activation 'gelu'"),
    # the metadata and the tensors disagree: which Linear layers there are ...
    (lambda t, m: m.update(activation="linear"), r"missing \['1.weight', '1.bias'\]"),
    # ... or how big they are
    (lambda t, m: m.update(nouts="[3, 2]"), r"tensor '2.weight' must have shape \(2, 3\)"),
]


@pytest.mark.parametrize(("change", "words"), SAFETENSORS_CASES)
def test_malformed_safetensors_are_named(tmp_path: Path, change, words: str) -> None:
    path = _bad_safetensors(tmp_path, change)
    with pytest.raises(WeightsFileError, match=words) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda m: m.update(kernel_size="[0]"),
            r"bad kernel_size \[0\] for micrograd_notes.conv1d",
        ),
        (lambda m: m.update(kernel_size="[3, 1]"), "bad kernel_size"),
        (lambda m: m.pop("kernel_size"), "missing field 'kernel_size'"),
        (
            lambda m: m.update(kernel_size="[4]"),
            r"'weight' must have shape \(1, 1, 4\), got \(1, 1, 3\)",
        ),
    ],
)
def test_malformed_conv_safetensors_are_named(tmp_path: Path, change, words: str) -> None:
    tensors, metadata = weights.to_tensors(Conv1d(3))
    change(metadata)
    path = tmp_path / "conv.safetensors"
    safetensors.numpy.save_file(tensors, path, metadata=metadata)
    with pytest.raises(WeightsFileError, match=words):
        load(path)


def test_a_dtype_numpy_cannot_read_is_named_not_a_traceback(tmp_path: Path) -> None:
    _, metadata = weights.to_tensors(MLP(1, [1]))
    header = {
        "__metadata__": metadata,
        "0.weight": {"dtype": "BF16", "shape": [1, 1], "data_offsets": [0, 2]},
        "0.bias": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [2, 3]},
    }
    path = tmp_path / "bf16.safetensors"
    path.write_bytes(_raw_safetensors(header, b"\0" * 3))
    with pytest.raises(WeightsFileError, match=r"tensor '0\.\w+' is (BF16|F8_E4M3), expected F64"):
        load(path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not a safetensors file: header too small"),
        (json.dumps(to_dict(MLP(2, [1]))).encode(), "not a safetensors file: header too large"),
        (
            # a billion by a billion float64 numbers in a 200-byte file
            _raw_safetensors(
                {"0.weight": {"dtype": "F64", "shape": [10**9, 10**9], "data_offsets": [0, 8]}},
                b"\0" * 8,
            ),
            "not a safetensors file: overflow computing buffer size",
        ),
        (
            _raw_safetensors(
                {"0.weight": {"dtype": "F64", "shape": [10**6], "data_offsets": [0, 8]}}, b"\0" * 8
            ),
            "not a safetensors file: .*invalid",
        ),
        (_raw_safetensors({"__metadata__": {"nin": 2}}), "not a safetensors file: invalid JSON"),
    ],
)
def test_not_a_safetensors_file(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.safetensors"
    path.write_bytes(content)
    with pytest.raises(WeightsFileError, match=words):
        load(path)


def test_a_truncated_safetensors_file(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    save(MLP(2, [3, 1]), path)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(
        WeightsFileError, match=r"not a safetensors file \(is the file truncated\?\)"
    ):
        load(path)


def test_huge_sizes_in_the_metadata_are_refused_before_the_model_is_built(
    tmp_path: Path, monkeypatch
) -> None:
    path = _bad_safetensors(tmp_path, lambda t, m: m.update(nin="1000000000"))

    def no_model(*args, **kwargs):
        raise AssertionError(f"MLP{args} was built before the shapes were checked")

    monkeypatch.setattr(weights, "MLP", no_model)
    with pytest.raises(WeightsFileError, match=r"'0.weight' must have shape \(3, 1000000000\)"):
        load(path)


def test_a_safetensors_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "huge.safetensors"
    with open(path, "wb") as file:
        file.truncate(weights.MAX_BYTES + 1)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(weights, "safe_open", no_reading)
    with pytest.raises(WeightsFileError, match="50,000,001 bytes is more than"):
        load(path)


def test_from_tensors_checks_arrays_given_in_memory() -> None:
    tensors, metadata = weights.to_tensors(MLP(2, [3, 1]))
    tensors["0.bias"] = [0.0, 0.0, 0.0]  # type: ignore[assignment]
    with pytest.raises(WeightsFileError, match=r"tensor '0\.bias' must be float64, got list"):
        weights.from_tensors(tensors, metadata)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["format", "version", "nin", "nouts", "activation", "last", "kernel_size"]),
    st.text(max_size=12) | JSON_VALUES.map(json.dumps),
)
def test_fuzz_a_metadata_entry_replaced_by_anything(tmp_path_factory, key: str, value: str) -> None:
    path = _bad_safetensors(tmp_path_factory.mktemp("fuzz"), lambda t, m: m.update({key: value}))
    _load_outcome(path)
