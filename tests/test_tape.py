"""The tape and the GC pause: the same grads as the sort, less work, nothing left behind."""

from __future__ import annotations

import contextlib
import gc
import math

import pytest
from hypothesis import given, settings
from strategies import build, plans

from micrograd_notes import Tape, Value, gc_paused, nodes


def _grads_both_ways(plan) -> tuple[list[float], list[float], Tape]:
    """Leaf grads of the plan's graph from the sort and from a tape (built inside it)."""
    xs = [Value(x) for x in plan.inputs]
    build(plan, xs).backward()
    sorted_grads = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    with Tape() as tape:
        build(plan, xs).backward()
    return sorted_grads, [x.grad for x in xs], tape


@settings(max_examples=60, deadline=None)
@given(plans())
def test_tape_gives_the_sorts_grads(plan) -> None:
    sorted_grads, taped_grads, tape = _grads_both_ways(plan)
    # The same terms, maybe added in another order: equal up to rounding.
    assert taped_grads == pytest.approx(sorted_grads, rel=1e-12, abs=1e-12)
    # The plan's unused intermediates are on the tape too: nodes the root does not reach.
    order = tape.nodes
    position = {id(n): k for k, n in enumerate(order)}
    for node in order:
        assert not node.is_leaf
        for parent in node.parents:
            assert parent.is_leaf or position[id(parent)] < position[id(node)]


def test_backward_on_a_tape_does_not_walk_the_graph(monkeypatch) -> None:
    def no_walk(*args, **kwargs):
        raise AssertionError("backward() searched the graph")

    x = Value(3.0)
    with Tape() as tape:
        y = (x * x + x).tanh() * x
        monkeypatch.setattr(nodes, "topological_order", no_walk)
        y.backward()
    assert tape.nodes[-1] is y
    assert x.grad == pytest.approx(
        (1 - math.tanh(12.0) ** 2) * 7.0 * 3.0 + math.tanh(12.0), rel=1e-14
    )


def test_nodes_the_root_does_not_reach_change_nothing() -> None:
    x, w = Value(1.5), Value(-0.5)
    with Tape():
        before = (x * w).exp()  # on the tape, unreachable from the root
        before.backward()  # gives it and x, w grads
        stale = before.grad
        root = (x * x + w).relu()
        after = (w * 10).tanh()  # recorded after the root
        after.grad = 7.0  # a stale grad that must not flow anywhere
        x.grad = w.grad = 0.0
        root.backward()
    assert stale == 1.0
    assert (x.grad, w.grad) == (3.0, 1.0)  # d/dx x^2 + w = 2x; d/dw = 1
    assert root.grad == 1.0


def test_root_not_on_the_tape_is_sorted() -> None:
    x = Value(2.0)
    made_before = x * x * x
    with Tape() as tape:
        junk = x + 1.0
        made_before.backward()  # made before the tape opened: the sort does it
        assert x.grad == 12.0
        x.grad = 0.0
        x.backward()  # a leaf root
    assert x.grad == 1.0
    assert tape.nodes == [junk]


def test_covers_tells_whether_a_graph_was_built_on_the_tape() -> None:
    x = Value(2.0)
    made_before = x * x
    with Tape() as tape:
        inside = (x * 3.0).relu()
        mixed = made_before + inside
    assert tape.covers(inside)
    assert not tape.covers(mixed)


def test_tapes_nest() -> None:
    x = Value(0.5)
    with Tape() as outer:
        a = x.exp()
        with Tape() as inner:
            b = a * x  # uses a node recorded by the outer tape only
            b.backward()  # sweeps the outer list, which holds a as well
            assert x.grad == pytest.approx(math.exp(0.5) * 1.5, rel=1e-14)
        c = b + 1.0
    assert inner.nodes == [b]
    assert outer.nodes == [a, b, c]
    assert not nodes._taping


def test_tape_stops_on_an_exception_and_keeps_what_it_recorded() -> None:
    x = Value(1.0)
    with pytest.raises(ZeroDivisionError), Tape() as tape:
        y = x * 2.0
        x / 0.0
    after = x + 1.0
    assert tape.nodes == [y]
    assert not nodes._taping
    after.backward()
    assert x.grad == 1.0


def test_tape_records_once() -> None:
    tape = Tape()
    with tape:
        pass
    with pytest.raises(RuntimeError, match="already recorded"), tape:
        pass


def test_tape_belongs_to_its_thread() -> None:
    import threading

    x = Value(1.0)
    made_elsewhere: list[Value] = []
    other_tape: list[Tape] = []
    errors: list[BaseException] = []

    def other_thread() -> None:
        made_elsewhere.append(x * 5.0)  # while the main thread's tape is open
        with Tape() as tape:  # a tape of its own, open at the same time
            y = x * 7.0
            y.backward()
        other_tape.append(tape)
        try:
            main_tape.__exit__(None, None, None)
        except RuntimeError as error:
            errors.append(error)

    with Tape() as main_tape:
        mine = x * 3.0
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        also_mine = mine + 1.0
    assert main_tape.nodes == [mine, also_mine]
    assert len(other_tape[0].nodes) == 1 and other_tape[0].nodes[0].data == 7.0
    assert all(node is not made_elsewhere[0] for node in main_tape.nodes)
    assert "thread that opened it" in str(errors[0])
    assert x.grad == 7.0
    assert not nodes._taping


def test_gc_paused_restores_the_previous_state() -> None:
    was_enabled = gc.isenabled()  # whatever the rest of the process left: put it back after
    try:
        for before in (True, False):  # on before the block, then off before it
            if before:
                gc.enable()
            else:
                gc.disable()
            with gc_paused():
                assert not gc.isenabled()
                with gc_paused():
                    assert not gc.isenabled()
                assert not gc.isenabled()  # the outer block is still open
            assert gc.isenabled() == before
            with pytest.raises(KeyError), gc_paused():
                raise KeyError("boom")
            assert gc.isenabled() == before
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_gc_paused_frees_graphs_by_reference_counting() -> None:
    with gc_paused():
        with Tape() as tape:
            x = Value(0.5)
            y = x
            for _ in range(1000):
                y = (y * x + x).tanh()
            y.backward()
            grad = x.grad
            # Ids, not the nodes: holding them would keep them alive.
            made = {id(node) for node in tape.nodes} | {id(x)}
        del x, y, tape
        # Still inside the pause, so the cyclic collector has not run: whatever of this
        # graph is gone went by reference counting. None of it may be left.
        left = [o for o in gc.get_objects() if type(o) is Value and id(o) in made]
    assert len(made) == 3001 and left == []
    assert grad != 0.0


def test_training_on_the_fast_path_matches_the_default_path() -> None:
    from micrograd_notes.data import make_moons
    from micrograd_notes.losses import hinge, l2
    from micrograd_notes.nn import MLP

    X, y01 = make_moons(12, seed=3)
    inputs, labels = X.tolist(), (2.0 * y01 - 1.0).tolist()

    def score(model: MLP, x: list[float]) -> Value:
        out = x
        for layer in model.layers:  # a Layer returns a list, always
            out = layer(out)
        return out[0]

    def train(fast: bool) -> list[float]:
        model = MLP(2, [6, 6, 1], seed=3)
        params = model.parameters()
        for _ in range(3):
            with (
                gc_paused() if fast else contextlib.nullcontext(),
                Tape() if fast else contextlib.nullcontext(),
            ):
                loss = hinge([score(model, x) for x in inputs], labels) + l2(params, 1e-3)
                model.zero_grad()
                loss.backward()
                for p in params:
                    p.data -= 0.3 * p.grad
        return [p.data for p in params]

    # Each weight sums the same terms, perhaps in another order: equal up to rounding.
    assert train(fast=True) == pytest.approx(train(fast=False), rel=1e-12, abs=1e-15)


def test_a_tape_notes_where_values_were_compared() -> None:
    a, b = Value(1.0), Value(2.0)
    assert a < b  # no tape open: nothing noted anywhere
    with Tape() as outer:
        c = a * b
        with Tape() as inner:
            if c > a:  # a branch on data, after 1 node of outer's, 0 of inner's
                d = c + 1.0
            _ = max(a, b)  # builtin max compares Values too: after d, 1 node of inner's
        e = d * 2.0
    assert outer.comparisons == [1, 2]
    assert inner.comparisons == [0, 1]
    assert e.data == 6.0
    with Tape() as later:
        _ = a * b
    assert later.comparisons == []  # a new outermost tape starts a new list
