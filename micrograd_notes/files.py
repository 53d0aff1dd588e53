"""Writing a file all or nothing, for everything the package saves (weights, drawings).

A write that fails halfway (a full disk, a file-size limit, Ctrl-C) must never leave a
truncated file where a good one was: the bytes go to a temporary file beside the target,
which then replaces it in one step (``os.replace`` is atomic on POSIX and Windows).
Standard library only: the playground imports this under Pyodide, with no NumPy.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path``, all or nothing: into a temporary file beside
    ``path``, which then replaces it in one step."""
    # A fresh name each time ("x" mode refuses to reuse one), made by open() so the file gets
    # the usual permissions (a tempfile.mkstemp file would be private to its owner).
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    file = open(temporary, "xb")  # noqa: SIM115 - outside the try: if this
    # fails, the name was never ours to remove
    try:
        with file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:  # also Ctrl-C: never leave the temporary file behind
        temporary.unlink(missing_ok=True)
        raise
