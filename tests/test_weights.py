"""Saving and loading weights: the round trip, and every way a file can be bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
