"""Notebook 12's exercises: standardise with each slip submitted on purpose, and the others."""

from __future__ import annotations

import numpy as np
from helpers import assert_mistake

from micrograd_notes import Value
from micrograd_notes.exercises import exercise
from micrograd_notes.exercises.open_questions import cases, standardise
from micrograd_notes.losses import mse
from micrograd_notes.nn import MLP

EX = exercise("standardise")
SECTION = "(reread '2. Input normalisation"


def test_the_solution_and_other_right_ways_pass() -> None:
    def sample_std(X_train, X_test):  # dividing by n - 1 is as good
        mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
        return (X_train - mean) / std, (X_test - mean) / std

    def as_lists(X_train, X_test):
        train, test = standardise(X_train, X_test)
        return train.tolist(), test.tolist()

    assert EX.accepts(standardise)
    assert EX.accepts(sample_std)
    assert EX.accepts(as_lists)


def test_every_case_has_features_of_different_sizes_and_a_test_set_unlike_its_training_set() -> (
    None
):
    for X_train, X_test in cases():
        train, test = standardise(X_train, X_test)
        assert np.allclose(train.mean(axis=0), 0) and np.allclose(train.std(axis=0), 1)
        assert not np.allclose(test.mean(axis=0), 0, atol=0.1)  # own statistics would show
        assert np.ptp(X_train.mean(axis=0)) > 5 and np.ptp(X_train.std(axis=0)) > 1


def test_the_test_set_scaled_with_its_own_statistics_is_named() -> None:
    def own(X_train, X_test):
        def scale(X):
            return (X - X.mean(axis=0)) / X.std(axis=0)

        return scale(X_train), scale(X_test)

    def together(X_train, X_test):
        both = np.vstack([X_train, X_test])
        mean, std = both.mean(axis=0), both.std(axis=0)
        return (X_train - mean) / std, (X_test - mean) / std

    assert_mistake(EX, own, "scaled with its own mean and spread", SECTION)
    assert_mistake(EX, together, "training and test sets together")


def test_statistics_over_the_wrong_axis_are_named() -> None:
    def per_row(X_train, X_test):
        def scale(X):
            return (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)

        return scale(X_train), scale(X_test)

    def whole_array(X_train, X_test):
        mean, std = X_train.mean(), X_train.std()
        return (X_train - mean) / std, (X_test - mean) / std

    def per_row_unkept(X_train, X_test):
        return (X_train - X_train.mean(axis=1)) / X_train.std(axis=1), X_test

    assert_mistake(EX, per_row, "each row (sample) is standardised", "axis 0")
    assert_mistake(EX, whole_array, "one mean and spread for the whole array")
    assert_mistake(EX, per_row_unkept, "ValueError", "X_train.mean(axis=1)")


def test_half_done_scaling_is_named() -> None:
    def by_variance(X_train, X_test):
        mean, var = X_train.mean(axis=0), X_train.var(axis=0)
        return (X_train - mean) / var, (X_test - mean) / var

    def centred_only(X_train, X_test):
        mean = X_train.mean(axis=0)
        return X_train - mean, X_test - mean

    def scaled_only(X_train, X_test):
        std = X_train.std(axis=0)
        return X_train / std, X_test / std

    assert_mistake(EX, by_variance, "divided by the variance")
    assert_mistake(EX, centred_only, "centred but not scaled")
    assert_mistake(EX, scaled_only, "scaled but not centred")


def test_changing_the_callers_arrays_and_a_wrong_return_are_named() -> None:
    def in_place(X_train, X_test):
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        X_train -= mean
        X_train /= std
        X_test -= mean
        X_test /= std
        return X_train, X_test

    def train_only(X_train, X_test):
        return standardise(X_train, X_test)[0]

    assert_mistake(EX, in_place, "changed the arrays it was given")
    assert_mistake(EX, train_only, "should return the 2 arrays (train, test)")


def test_the_learning_rate_for_the_sum_matches_the_engines_gradients() -> None:
    rate = exercise("sum_learning_rate")
    xs, ts = np.random.default_rng(0).normal(size=(50, 2)).tolist(), list(range(50))
    grads = {}
    for name in ("mean", "sum"):
        model = MLP(2, [1], seed=0)
        loss = mse([model(x) for x in xs], ts)
        (loss * (50 if name == "sum" else 1)).backward()
        grads[name] = np.array([p.grad for p in model.parameters()])
    step_with_mean = 0.1 * grads["mean"]
    answer = rate.solution()
    assert np.allclose(answer * grads["sum"], step_with_mean, rtol=1e-12)
    assert "multiplies by B" in rate.problem(5.0)
    assert "B times longer steps" in rate.problem(0.1)


def test_the_vanishing_layer_choice_matches_a_measured_stack() -> None:
    model = MLP(8, [8] * 5 + [1], activation="tanh", seed=0)
    for p in model.parameters():
        p.data *= 0.01
    layers: list[list[Value]] = []
    a: list[Value] = [Value(v) for v in np.random.default_rng(1).normal(size=8)]
    for layer in model.layers[:-1]:
        a = layer(a)
        layers.append(a)
    model.layers[-1](a)[0].backward()
    sizes = [np.abs([v.grad for v in layer]).mean() for layer in layers]
    assert np.argmax(sizes) == len(layers) - 1
    choice = exercise("vanishing_layer")
    assert choice.accepts("The last layer") and "shrinks towards the input" in choice.problem(
        "the first layer"
    )
