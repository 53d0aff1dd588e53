"""micrograd_notes: learn backpropagation by reading and running a scalar autodiff engine."""

from micrograd_notes.engine import Gate, Tape, Value, dot, gc_paused
from micrograd_notes.gradcheck import (
    GradcheckError,
    GradcheckReport,
    central_difference,
    check_graph,
    gradcheck,
)
from micrograd_notes.graph import edges, topological_order

__version__ = "0.1.0"

__all__ = [
    "Gate",
    "GradcheckError",
    "GradcheckReport",
    "Tape",
    "Value",
    "__version__",
    "central_difference",
    "check_graph",
    "dot",
    "edges",
    "gc_paused",
    "gradcheck",
    "topological_order",
]
