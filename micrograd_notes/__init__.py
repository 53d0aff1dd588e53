"""micrograd_notes: learn backpropagation by reading and running a scalar autodiff engine."""

from micrograd_notes.engine import Value, dot
from micrograd_notes.gates import Gate
from micrograd_notes.gradcheck import (
    GradcheckError,
    GradcheckReport,
    central_difference,
    check_graph,
    gradcheck,
)
from micrograd_notes.graph import edges, topological_order
from micrograd_notes.higher import grad, hessian
from micrograd_notes.tape import Tape, gc_paused

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
    "grad",
    "gradcheck",
    "hessian",
    "topological_order",
]
