"""Toy datasets: shapes, label conventions, seeding, and what each shape looks like."""

from __future__ import annotations

import numpy as np
import pytest

from micrograd_notes.data import (
    make_blobs,
    make_circles,
    make_moons,
    make_spiral,
    make_xor,
    train_test_split,
)

MAKERS = [
    (make_moons, 2),
    (make_circles, 2),
    (make_xor, 2),
    (lambda n, seed=0, noise=0.1: make_blobs(n, centers=4, std=noise, seed=seed), 4),
    (lambda n, seed=0, noise=0.1: make_spiral(n, classes=3, noise=noise, seed=seed), 3),
]


@pytest.mark.parametrize(("make", "classes"), MAKERS)
def test_shapes_types_and_labels(make, classes: int) -> None:
    X, y = make(120)
    assert X.shape == (120, 2) and X.dtype == np.float64
    assert y.shape == (120,) and y.dtype == np.int64
    assert set(y.tolist()) == set(range(classes))
    assert np.isfinite(X).all()


@pytest.mark.parametrize(("make", "classes"), MAKERS)
def test_same_seed_same_data_other_seed_other_data(make, classes: int) -> None:
    X1, y1 = make(50, seed=3)
    X2, y2 = make(50, seed=3)
    X3, _ = make(50, seed=4)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_moons_without_noise_lie_on_their_half_circles() -> None:
    X, y = make_moons(100, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(*upper.T), 1.0)
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= -1e-12).all() and (lower[:, 1] <= 0.5 + 1e-12).all()
    assert (y == 0).sum() == (y == 1).sum() == 50


def test_circles_radii() -> None:
    X, y = make_circles(80, noise=0.0, factor=0.3)
    radius = np.hypot(*X.T)
    assert np.allclose(radius[y == 0], 1.0) and np.allclose(radius[y == 1], 0.3)


def test_xor_labels_follow_the_quadrant() -> None:
    X, y = make_xor(200, noise=0.05)
    assert np.array_equal(y, ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.int64))


def test_spiral_classes_are_balanced() -> None:
    _, y = make_spiral(300, classes=3)
    assert np.bincount(y).tolist() == [100, 100, 100]


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_moons(1),
        lambda: make_moons(10, noise=-1.0),
        lambda: make_moons(2.5),
        lambda: make_circles(10, factor=1.5),
        lambda: make_blobs(10, centers=0),
        lambda: make_spiral(10, classes=1),
        lambda: make_xor(0),
    ],
)
def test_bad_arguments(make) -> None:
    with pytest.raises(ValueError):
        make()


def test_train_test_split_holds_out_the_asked_share_and_keeps_rows_with_their_labels() -> None:
    X = np.column_stack([np.arange(10.0), -np.arange(10.0)])
    y = np.arange(10, dtype=np.int64)  # each label names its row, so pairing can be checked
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (7, 3, 7, 3)  # ceil(2.5)
    assert np.array_equal(X_train[:, 0], y_train) and np.array_equal(X_test[:, 0], y_test)
    assert sorted([*y_train.tolist(), *y_test.tolist()]) == list(range(10))  # disjoint, complete


def test_train_test_split_is_seeded_and_shuffles() -> None:
    X, y = make_moons(40, seed=0)
    first, again, other = (train_test_split(X, y, 0.5, seed=s) for s in (3, 3, 4))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[3], other[3]) or not np.array_equal(first[1], other[1])
    ordered = np.arange(40, dtype=np.int64)
    _, _, y_train, _ = train_test_split(X, ordered, 0.5, seed=3)
    assert not np.array_equal(y_train, np.sort(y_train))  # not just the first rows in order


@pytest.mark.parametrize(
    ("X", "y", "fraction"),
    [
        (np.zeros((5, 2)), np.zeros(4, dtype=np.int64), 0.2),  # one label short
        (np.zeros((5, 2)), np.zeros((5, 1), dtype=np.int64), 0.2),  # y not 1-D
        (np.zeros((5, 2)), np.zeros(5, dtype=np.int64), 0.0),
        (np.zeros((5, 2)), np.zeros(5, dtype=np.int64), 1.0),
        (np.zeros((5, 2)), np.zeros(5, dtype=np.int64), float("nan")),
        (np.zeros((5, 2)), np.zeros(5, dtype=np.int64), "0.2"),
        (
            np.zeros((5, 2)),
            np.zeros(5, dtype=np.int64),
            0.9,
        ),  # ceil(4.5) = 5 leaves no training row
        (np.zeros((1, 2)), np.zeros(1, dtype=np.int64), 0.5),  # one row cannot be split
    ],
)
def test_train_test_split_bad_arguments(X, y, fraction) -> None:
    with pytest.raises(ValueError):
        train_test_split(X, y, fraction)
