"""Notebook 12, open questions answered by experiment: the exercises and their solutions.

``standardise``: centre and scale a training set and a test set, feature by feature, with the
training set's mean and standard deviation. The checker compares with NumPy on data sets with
more rows than features, as many (where statistics over the wrong axis have the right shape)
and fewer, whose test sets are drawn apart from the training set, so that scaling the test set
with its own statistics shows.

``sum_learning_rate`` (a number) and ``vanishing_layer`` (a choice) are worked from the
notebook's sections 4 and 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from micrograd_notes.exercises.core import Wrong, call_answer, choice, code, number
from micrograd_notes.exercises.mistakes import Suspect, as_array, close, compare, unpack

NOTEBOOK = "12"
INIT = "1. Initialisation: what the first weights do to every layer"
NORMALISE = "2. Input normalisation: why centre and scale the inputs?"
BATCH = "4. Squared error: sum over the batch, or mean?"

STARTER = '''\
def standardise(X_train, X_test):
    """Centre and scale the inputs, feature by feature (a feature is a column), for a
    training set X_train (n, d) and a test set X_test (m, d), ready for training and testing.
    Returns (train, test), new arrays of the same shapes."""
    ...
'''

Array = NDArray[np.float64]
NAMES = ("train", "test")
SHAPES = [(12, 3), (4, 4), (3, 5), (20, 2)]  # (n, d); the test set has n // 2 + 1 rows


def standardise(X_train: Array, X_test: Array) -> tuple[Array, Array]:
    """(X − μ) / σ for both sets, with μ and σ the training set's, per column."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std


def cases() -> list[tuple[Array, Array]]:
    """(X_train, X_test) for each shape: features of different centres and spreads, and a
    test set shifted and stretched away from the training set."""
    rng = np.random.default_rng(12)
    made = []
    for n, d in SHAPES:
        centre, spread = rng.uniform(-50, 300, size=d), rng.uniform(0.5, 40, size=d)
        X_train = centre + spread * rng.normal(size=(n, d))
        X_test = centre + 0.3 * spread + 1.5 * spread * rng.normal(size=(n // 2 + 1, d))
        made.append((X_train, X_test))
    return made


def _scaled(X: Array, mean: Any, std: Any) -> Array:
    scaled: Array = (X - mean) / std
    return scaled


def _suspects(X_train: Array, X_test: Array) -> tuple[list[Suspect], list[Suspect]]:
    """The usual slips, each as the (train, test) pair it returns."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    both = np.vstack([X_train, X_test])
    slips = [
        (
            (_scaled(X_train, mean, std), _scaled(X_test, X_test.mean(0), X_test.std(0))),
            "the test set is scaled with its own mean and spread: reuse the training set's (the "
            "test set stands for data not seen yet, and must go through the same map)",
        ),
        (
            (
                _scaled(X_train, both.mean(0), both.std(0)),
                _scaled(X_test, both.mean(0), both.std(0)),
            ),
            "the mean and spread come from training and test sets together: take them from the "
            "training set alone (the test set must not shape the scaling)",
        ),
        (
            tuple(
                _scaled(X, X.mean(1, keepdims=True), X.std(1, keepdims=True))
                for X in (X_train, X_test)
            ),
            "each row (sample) is standardised: the mean and spread are per column (feature), "
            "axis 0",
        ),
        (
            (
                _scaled(X_train, X_train.mean(), X_train.std()),
                _scaled(X_test, X_train.mean(), X_train.std()),
            ),
            "one mean and spread for the whole array: each feature (column) needs its own, axis 0",
        ),
        (
            (_scaled(X_train, mean, std**2), _scaled(X_test, mean, std**2)),
            "divided by the variance: divide by the standard deviation, its square root",
        ),
        (
            (X_train - mean, X_test - mean),
            "centred but not scaled: divide by the standard deviation too",
        ),
        (
            (X_train / std, X_test / std),
            "scaled but not centred: subtract the mean first",
        ),
    ]
    return (
        [Suspect(pair[0], message) for pair, message in slips],
        [Suspect(pair[1], message) for pair, message in slips],
    )


def judge(answer: Any) -> None:
    """Run the learner's standardise on each case; raise Wrong naming the mistake."""
    for X_train, X_test in cases():
        given_train, given_test = X_train.copy(), X_test.copy()
        what = f"standardise with X_train {X_train.shape}, X_test {X_test.shape}"
        got = unpack(call_answer(answer, given_train, given_test, what=what), NAMES, what)
        if not (np.array_equal(given_train, X_train) and np.array_equal(given_test, X_test)):
            raise Wrong(
                f"{what} changed the arrays it was given: return new ones (a caller who "
                "standardises twice, or reuses X_train, would get wrong data)"
            )
        expected = standardise(X_train, X_test)
        arrays = [as_array(name, item, want) for name, item, want in zip(NAMES, got, expected)]
        sample_std = X_train.std(axis=0, ddof=1)  # dividing by n − 1 is as good as by n
        alternative = (
            _scaled(X_train, X_train.mean(0), sample_std),
            _scaled(X_test, X_train.mean(0), sample_std),
        )
        if all(close(a, b) for a, b in zip(arrays, alternative)):
            continue
        train_suspects, test_suspects = _suspects(X_train, X_test)
        compare("train", arrays[0], expected[0], suspects=train_suspects, like="X_train")
        compare("test", arrays[1], expected[1], suspects=test_suspects, like="X_test")


def sum_learning_rate() -> float:
    """The rate that makes the summed loss over B = 50 step like the mean at lr 0.1."""
    return 0.1 / 50


EXERCISES = [
    choice(
        "vanishing_layer",
        NOTEBOOK,
        "where the gradient is largest in a tanh stack started 100 times too small",
        ["the first layer", "the last layer", "all about the same"],
        "the last layer",
        section=INIT,
        mistakes={
            "the first layer": "going back, the gradient is multiplied by the (tiny) weights "
            "at every layer it passes, so it shrinks towards the input",
            "all about the same": "that is roughly what weights of the right size give, not "
            "weights 100 times smaller",
        },
    ),
    code(
        "standardise",
        NOTEBOOK,
        "centre and scale a training and a test set, feature by feature",
        starter=STARTER,
        solution=standardise,
        judge=judge,
        section=NORMALISE,
    ),
    number(
        "sum_learning_rate",
        NOTEBOOK,
        "the learning rate for the summed squared error over a batch of 50",
        sum_learning_rate(),
        section=BATCH,
        mistakes={
            0.1 * 50: "that multiplies by B; the sum's gradient is already B times the mean's, "
            "so its rate must be smaller",
            0.1: "with the sum, the same rate takes B times longer steps",
        },
        hint="the summed loss's gradient is B times the mean's",
    ),
]
