"""The optional part: the demo's plots (matplotlib) and its progress bar (tqdm).

``pip install micrograd-notes`` brings the engine, nn, gradient checks and SVG drawing; the
demo and the notebooks' plots also need ``pip install 'micrograd-notes[demo]'``. When that is
missing, they say so in one line, naming the command, instead of a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

INSTALL = "pip install 'micrograd-notes[demo]'"


class MissingExtra(ImportError):
    """A package of the [demo] extra is not installed; the message says how to install it."""

    def _render_traceback_(self) -> list[str]:
        # IPython and Jupyter show what this returns in place of the traceback: one line.
        return [f"{type(self).__name__}: {self}"]


def missing(*modules: str) -> list[str]:
    """Which of ``modules`` (top-level names) are not installed, found without importing them."""
    return [name for name in modules if importlib.util.find_spec(name) is None]


def require(module: str) -> ModuleType:
    """``import module``, or a MissingExtra naming its package and the command to install it."""
    package = module.partition(".")[0]
    if missing(package):
        raise MissingExtra(f"{package} is not installed: {INSTALL}")
    return importlib.import_module(module)
