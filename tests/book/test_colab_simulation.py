"""A Colab runtime, simulated: only Colab's preinstalled packages, then the book's set-up.

A fresh virtual environment gets what a Colab runtime ships (torch, numpy,
pandas, matplotlib, seaborn, scikit-learn, tqdm, requests, IPython) and none
of what the book adds (pooch, nbval, jupyter-book). Every notebook's Colab
cell then runs, with the repository URL pointed at a wheel built from this
checkout, and chapter 1 runs in smoke mode. The test checks that the set-up
keeps the torch that was there, that ``helpers`` is imported from
``site-packages`` (not from the checkout), and that results land in the
working directory, never in ``site-packages``.

The base environment is kept in ``_build/.cache/colab-venv`` between runs, so
a second run skips most of pip's work.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COLAB_PACKAGES = ["torch==2.13.0", "numpy", "pandas", "matplotlib", "seaborn",
                  "scikit-learn", "tqdm", "requests", "ipython"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
INSTALL_SPEC = f'"lstm-book-helpers @ git+{REPOSITORY["url"]}@{REPOSITORY["branch"]}"'


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command[:4]} failed:\n{result.stdout[-3000:]}\n" \
                                   f"{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def colab_python() -> Path:
    """Python of a venv holding Colab's preinstalled packages (and no helpers)."""
    venv = ROOT / "_build" / ".cache" / "colab-venv"
    stamp = venv / "packages.txt"
    python = venv / "bin" / "python"
    if not (stamp.exists() and stamp.read_text() == "\n".join(COLAB_PACKAGES)):
        _run([sys.executable, "-m", "venv", "--clear", str(venv)])
        _run([str(python), "-m", "pip", "install", "-q", *COLAB_PACKAGES], timeout=900)
        stamp.write_text("\n".join(COLAB_PACKAGES))
    _run([str(python), "-m", "pip", "uninstall", "-q", "-y", "lstm-book-helpers"])
    return python


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of this checkout, as pip would build it from the repository."""
    folder = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
          "-w", str(folder), str(ROOT)], timeout=300)
    return next(folder.glob("lstm_book_helpers-*.whl"))


def _script(wheel: Path) -> str:
    """The Colab cells of every notebook, then chapter 1's code cells, as one IPython script."""
    parts = ["import google.colab  # the stub: the set-up cells take their Colab path"]
    for path in NOTEBOOKS:
        colab_cell = nbformat.read(path, as_version=4).cells[1].source
        assert INSTALL_SPEC in colab_cell, f"{path.name}: its Colab cell lacks {INSTALL_SPEC}"
        parts.append(colab_cell.replace(INSTALL_SPEC, f'"lstm-book-helpers @ {wheel.as_uri()}"'))
    chapter_1 = nbformat.read(NOTEBOOKS[0], as_version=4)
    parts += [cell.source for cell in chapter_1.cells[2:] if cell.cell_type == "code"]
    parts.append(textwrap.dedent("""\
        import json, helpers, torch
        print("HELPERS_AT", json.dumps(helpers.__file__), "TORCH", torch.__version__)"""))
    return "\n\n".join(parts) + "\n"


def test_the_book_sets_itself_up_on_a_simulated_colab(colab_python, wheel, tmp_path):
    stub = tmp_path / "stub" / "google" / "colab"
    stub.mkdir(parents=True)
    (stub.parent / "__init__.py").write_text("")
    (stub / "__init__.py").write_text('"""Stands in for Colab\'s own module."""\n')
    script = tmp_path / "colab.ipy"
    script.write_text(_script(wheel))
    work = tmp_path / "content"  # Colab's working directory
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSTMBOOK_")}
    env.update(PYTHONPATH=str(stub.parent.parent), LSTMBOOK_MODE="smoke", MPLBACKEND="Agg",
               LSTMBOOK_PROGRESS="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
    before = _run([str(colab_python), "-c", "import torch; print(torch.__version__)"]).stdout
    result = _run([str(colab_python), "-m", "IPython", "--no-banner", "--quick",
                   "--colors=NoColor", str(script)], cwd=work, env=env, timeout=600)
    found = re.search(r"HELPERS_AT (\S+) TORCH (\S+)", result.stdout)
    assert found, result.stdout[-2000:]
    helpers_file, torch_after = Path(json.loads(found[1])), found[2]
    assert torch_after == before.strip(), "installing the book replaced Colab's torch"
    assert "site-packages" in helpers_file.parts, f"helpers came from {helpers_file}"
    site_packages = helpers_file.parents[1]
    assert not (site_packages / "book").exists(), "results were written into site-packages"
    recorded = work / "lstmbook_results" / "01_lstm_internals.json"
    assert recorded.exists(), f"no results in the working directory: {list(work.rglob('*'))}"
    assert all(entry["mode"] == "smoke" for entry in json.loads(recorded.read_text()))
