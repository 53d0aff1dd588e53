"""The README's Python blocks run as they stand, each on its own, as a reader would paste one."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{k + 1}" for k in range(len(BLOCKS))])
def test_a_readme_block_runs_on_its_own(code: str, tmp_path: Path) -> None:
    if (
        re.search(r"^import torch", code, re.MULTILINE)
        and importlib.util.find_spec("torch") is None
    ):
        pytest.skip("this block shows PyTorch, which is optional and not installed here")
    # In a fresh interpreter: a block that leans on an earlier one (its `z`) fails here. A
    # block that reads a file an earlier block saves runs after it, as a reader runs them.
    done = subprocess.run(
        [sys.executable, "-c", _saved_before(code) + code],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for shown in re.findall(r"# prints: (.*)", code):  # an output the README states
        assert shown.strip() in done.stdout


def _saved_before(code: str) -> str:
    """The earlier blocks that save a file ``code`` reads without saving it, joined."""
    read = set(re.findall(r"load_file\('([\w.]+)'\)", code))
    return "".join(
        block
        for block in BLOCKS[: BLOCKS.index(code)]
        if any(re.search(rf"weights\.save\(\w+, \"{re.escape(f)}\"\)", block) for f in read)
    )


def test_the_readme_lists_every_code_exercise_with_its_notebook() -> None:
    from micrograd_notes.exercises import catalog

    text = " ".join(README.read_text(encoding="utf-8").split())  # a name may wrap
    listing = text.split("The code exercises so far")[1].split("The right answers")[0]
    missing = [
        f"{ex.name} ({ex.notebook})"
        for ex in catalog().values()
        if ex.kind == "code" and f"`{ex.name}` ({ex.notebook}" not in listing
    ]
    assert missing == []
