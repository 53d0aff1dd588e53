"""PyTorch as a second oracle on the same random graphs (skipped where torch is absent)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from strategies import Plan, apply_op, build, plans

from micrograd_notes import Value

torch = pytest.importorskip("torch")


def _torch_op(name: str, a, b):
    # The few gates whose tensor spelling differs from a Value's.
    if name == "max":
        return torch.maximum(a, b)
    if name == "min":
        return torch.minimum(a, b)
    return apply_op(name, a, b)


@settings(max_examples=40, deadline=None)
@given(plans())
def test_random_graphs_match_pytorch(plan: Plan) -> None:
    inputs = [Value(x) for x in plan.inputs]
    root = build(plan, inputs)
    root.backward()

    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in plan.inputs]
    nodes = list(leaves)
    for name, i, j in plan.ops:
        nodes.append(_torch_op(name, nodes[i], nodes[j]))
    grads = torch.autograd.grad(nodes[-1], leaves, allow_unused=True)

    assert root.data == pytest.approx(nodes[-1].item(), rel=1e-12, abs=1e-12)
    for ours, theirs in zip(inputs, grads):
        expected = 0.0 if theirs is None else theirs.item()
        assert ours.grad == pytest.approx(expected, rel=1e-9, abs=1e-12)
