"""`from helpers import ...` works, stays lazy, and the package keeps its shape."""

import ast
import subprocess
import sys
from pathlib import Path

import helpers

ROOT = Path(__file__).resolve().parents[2]
WINGS = {"internals", "multivariate", "bitcoin", "harmonics", "autoencoders"}
NOT_CORE = WINGS | {"book", "experiments", "data"}
# a core module is a top-level module or a top-level package outside the wings
CORE = ({p.stem for p in (ROOT / "helpers").glob("*.py")} - {"__init__"}) | {
    p.parent.name for p in (ROOT / "helpers").glob("*/__init__.py")} - NOT_CORE


def _core_files(stem: str) -> list[Path]:
    package = ROOT / "helpers" / stem
    return sorted(package.rglob("*.py")) if package.is_dir() else [package.with_suffix(".py")]


def test_the_readme_import_line_works():
    from helpers import (  # noqa: F401
        by_mode,
        evaluate,
        fit,
        get_device,
        mae,
        make_windows,
        persistence,
        predict,
        record,
        rmse,
        setup_notebook,
    )

    assert set(helpers.__all__) <= set(dir(helpers))


def test_importing_helpers_loads_neither_torch_nor_pandas():
    code = "import sys, helpers; print('torch' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert out == ["False", "False"]


def test_at_most_twelve_core_modules_and_none_over_400_lines():
    assert len(CORE) <= 12, sorted(CORE)
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "helpers").rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("helpers")}


def test_the_core_never_imports_a_wing_or_the_book_machinery():
    offenders = {}
    for stem in CORE:
        bad = {m for path in _core_files(stem) for m in _imports(path)
               if m.split(".")[1] in NOT_CORE}
        if bad:
            offenders[stem] = bad
    assert offenders == {}


def test_wings_never_import_each_other():
    offenders = {}
    for wing in WINGS:
        for path in (ROOT / "helpers" / wing).rglob("*.py"):
            bad = {m for m in _imports(path)
                   if len(m.split(".")) > 1 and m.split(".")[1] in WINGS - {wing}}
            if bad:
                offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_one_backward_in_the_whole_package():
    calls = [str(p.relative_to(ROOT)) for p in (ROOT / "helpers").rglob("*.py")
             for line in p.read_text().splitlines() if ".backward(" in line]
    assert calls == ["helpers/training.py"]
