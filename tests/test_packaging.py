"""What `pip install` brings, and what the sdist holds: checked on a built sdist."""

from __future__ import annotations

import email.parser
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _build(target: str, source: Path, out: Path) -> None:
    """Build ``target`` (sdist or wheel) from the project in ``source`` into ``out``."""
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", target, "-d", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist built from this tree, unpacked: its folder."""
    folder = tmp_path_factory.mktemp("sdist")
    _build("sdist", ROOT, folder)
    (archive,) = folder.glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "unpacked", filter="data")
    (unpacked,) = (folder / "unpacked").iterdir()
    return unpacked


def _requirements(sdist: Path, extra: str | None = None) -> dict[str, str]:
    """Requirement name -> its line, for the core (extra=None) or one extra."""
    metadata = email.parser.Parser().parsestr((sdist / "PKG-INFO").read_text())
    found = {}
    for line in metadata.get_all("Requires-Dist") or []:
        marker = re.search(r"extra == ['\"]([^'\"]+)['\"]", line)
        if (marker.group(1) if marker else None) == extra:
            found[re.match(r"[A-Za-z0-9_.-]+", line).group().lower()] = line  # type: ignore[union-attr]
    return found


def test_the_engine_installs_without_plots_or_progress_bars(sdist: Path) -> None:
    core = _requirements(sdist)
    assert {"numpy", "graphviz"} <= core.keys()  # the project's rule: these two stay core
    assert not core.keys() & {"matplotlib", "tqdm"}
    assert {"matplotlib", "tqdm"} <= _requirements(sdist, "demo").keys()


def test_the_dev_extra_brings_the_demo_extra(sdist: Path) -> None:
    # pyproject says micrograd-notes[demo]; the metadata lists what that brings.
    assert _requirements(sdist, "demo").keys() <= _requirements(sdist, "dev").keys()


def test_classifiers_name_the_pythons_supported(sdist: Path) -> None:
    metadata = email.parser.Parser().parsestr((sdist / "PKG-INFO").read_text())
    assert metadata["Requires-Python"] == ">=3.10"
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in metadata.get_all("Classifier")


def test_the_readme_demo_command_installs_the_demo_extra() -> None:
    readme = (ROOT / "README.md").read_text()
    demo = readme.split("<!-- demo-command -->")[1].split("```")[1].strip()
    test = readme.split("<!-- test-command -->")[1].split("```")[1].strip()
    assert 'pip install ".[demo]"' in demo and demo.endswith("micrograd-notes demo")
    assert 'pip install -e ".[dev]"' in test
    assert demo.count("\n") == test.count("\n") == 0  # still one command each


def test_the_sdist_holds_the_package_and_no_tests(sdist: Path, tmp_path: Path) -> None:
    # The tests need the whole repository (notebooks, web/, benchmarks/): an sdist that
    # shipped them failed them. It holds what builds the wheel, and that builds.
    names = {str(p.relative_to(sdist)) for p in sdist.rglob("*") if p.is_file()}
    package = {f"micrograd_notes/{p.name}" for p in (ROOT / "micrograd_notes").glob("*.py")}
    assert package <= names
    assert {"README.md", "LICENSE", "pyproject.toml", "PKG-INFO"} <= names
    assert not [name for name in names if name.startswith(("tests/", "notebooks/"))]
    _build("wheel", sdist, tmp_path)
    assert len(list(tmp_path.glob("micrograd_notes-*.whl"))) == 1
