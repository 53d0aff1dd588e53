"""Seeded toy datasets in NumPy, for training small networks.

Each returns ``(X, y)``: ``X`` a float64 array of shape (n, 2), ``y`` an int64 array of shape
(n,) with class indices 0..K-1. The same seed gives the same data. For the hinge loss, map
binary labels to -1/+1 with ``2 * y - 1``. ``train_test_split`` holds out a seeded share of the
rows for testing.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Dataset = tuple[NDArray[np.float64], NDArray[np.int64]]


def _check(n: int, noise: float, minimum: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"n must be an int >= {minimum}, got {n!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")


def _shuffled(X: NDArray[np.float64], y: NDArray[np.int64], rng: np.random.Generator) -> Dataset:
    order = rng.permutation(len(y))
    return X[order], y[order]


def _arc(count: int, stop: float, endpoint: bool = True) -> NDArray[np.float64]:
    """``count`` points (cos t, sin t) for t evenly spaced from 0 to ``stop``."""
    t = np.linspace(0.0, stop, count, endpoint=endpoint)
    return np.column_stack([np.cos(t), np.sin(t)])


def _two_classes(
    class0: NDArray[np.float64], class1: NDArray[np.float64], noise: float, rng: np.random.Generator
) -> Dataset:
    """Class 0's points then class 1's, with Gaussian noise added, labelled and shuffled."""
    X = np.vstack([class0, class1]) + rng.normal(0.0, noise, size=(len(class0) + len(class1), 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), [len(class0), len(class1)])
    return _shuffled(X, y, rng)


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaved half circles; y = 0 for the upper moon, 1 for the lower."""
    _check(n, noise, minimum=2)
    upper = _arc(n // 2, np.pi)
    lower = np.array([1.0, 0.5]) - _arc(n - n // 2, np.pi)  # flipped, shifted right and down
    return _two_classes(upper, lower, noise, np.random.default_rng(seed))


def make_circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> Dataset:
    """A circle of radius ``factor`` inside one of radius 1; y = 0 outer, 1 inner."""
    _check(n, noise, minimum=2)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    outer = _arc(n // 2, 2 * np.pi, endpoint=False)
    inner = factor * _arc(n - n // 2, 2 * np.pi, endpoint=False)
    return _two_classes(outer, inner, noise, np.random.default_rng(seed))


def make_blobs(n: int = 100, centers: int = 3, std: float = 1.0, seed: int = 0) -> Dataset:
    """``centers`` Gaussian clusters with centres drawn in [-10, 10]^2; y = the cluster index."""
    _check(n, std, minimum=centers)
    if isinstance(centers, bool) or not isinstance(centers, int) or centers < 1:
        raise ValueError(f"centers must be an int >= 1, got {centers!r}")
    rng = np.random.default_rng(seed)
    means = rng.uniform(-10.0, 10.0, size=(centers, 2))
    y = np.arange(n, dtype=np.int64) % centers  # as even a split as n allows
    X = means[y] + rng.normal(0.0, std, size=(n, 2))
    return _shuffled(X, y, rng)


def make_spiral(n: int = 300, classes: int = 3, noise: float = 0.2, seed: int = 0) -> Dataset:
    """``classes`` arms of a spiral around the origin; y = the arm. Not linearly separable."""
    _check(n, noise, minimum=classes)
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"classes must be an int >= 2, got {classes!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n, dtype=np.int64) % classes
    radius = np.empty(n)
    for k in range(classes):
        members = y == k
        radius[members] = np.linspace(0.05, 1.0, members.sum())
    angle = 4.0 * radius + y * (2 * np.pi / classes) + rng.normal(0.0, noise, n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _shuffled(X, y, rng)


def make_xor(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Points around (±1, ±1); y = 1 where the two signs differ (the XOR of x1 > 0, x2 > 0)."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    corners = rng.choice([-1.0, 1.0], size=(n, 2))
    X = corners + rng.normal(0.0, noise, size=(n, 2))
    y = (corners[:, 0] != corners[:, 1]).astype(np.int64)
    return X, y


def train_test_split(
    X: NDArray[np.float64], y: NDArray[np.int64], test_fraction: float = 0.25, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """A seeded random split: (X_train, X_test, y_train, y_test), ceil(test_fraction · n) held out.

    Rows keep their labels; every row lands in exactly one part; the same seed gives the same
    split. The order of the result is scikit-learn's.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(
            f"X must have one row per label in y (a 1-D array): got shapes {X.shape} and {y.shape}"
        )
    if not isinstance(test_fraction, (float, int, np.floating)) or not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be a number in (0, 1), got {test_fraction!r}")
    n = len(y)
    n_test = int(np.ceil(test_fraction * n))
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"test_fraction {test_fraction} of {n} rows leaves {n_test} for testing and "
            f"{n - n_test} for training; both parts need at least one row"
        )
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
