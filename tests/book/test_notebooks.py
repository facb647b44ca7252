"""Stored notebooks: fresh outputs, the shared first cells, TOC and results in step."""

import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from helpers.book.notebooks import code_hash, execute_notebook, freshness_problems
from helpers.results import load_results

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no chapter notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_are_fresh(path):
    problems = freshness_problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_in_toc_and_readme(path):
    toc = (ROOT / "_toc.yml").read_text()
    assert f"file: notebooks/{path.stem}" in toc
    assert f"notebooks/{path.name}" in (ROOT / "README.md").read_text()


def test_every_toc_entry_exists():
    files = re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text())
    files.append(yaml.safe_load((ROOT / "_toc.yml").read_text())["root"])
    missing = [
        f for f in files
        if not any((ROOT / f).with_suffix(s).exists() for s in (".md", ".ipynb"))
    ]
    assert not missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_recorded_results_come_from_a_standard_run(path):
    if not re.search(r"record(_comparison)?\(", "".join(
            c.source for c in nbformat.read(path, as_version=4).cells)):
        pytest.skip(f"{path.name} records no results")
    results = ROOT / "book" / "results" / f"{path.stem}.json"
    assert results.exists(), f"{path.name} records results but {results.name} is missing"
    modes = {entry["mode"] for entry in json.loads(results.read_text())}
    assert modes == {"standard"}, f"{results.name} holds results of modes {modes}"


# helpers.book.notebooks itself, on small notebooks made here


def tiny_notebook(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def stamped(nb, mode="standard"):
    for number, cell in enumerate(nb.cells, start=1):
        cell.execution_count = number
    nb.metadata["lstmbook"] = {"code_sha256": code_hash(nb), "mode": mode}
    return nb


def test_fresh_notebook_has_no_problems():
    assert freshness_problems(stamped(tiny_notebook("1 + 1", "2"))) == []


def test_edited_cell_is_stale():
    nb = stamped(tiny_notebook("1 + 1"))
    nb.cells[0].source = "1 + 2"
    assert any("changed since" in p for p in freshness_problems(nb))


def test_wrong_mode_error_output_and_counts_are_reported():
    nb = stamped(tiny_notebook("a", "b"), mode="smoke")
    error = nbformat.v4.new_output("error", ename="NameError", evalue="", traceback=[])
    nb.cells[1].outputs = [error]
    nb.cells[1].execution_count = 5
    problems = " | ".join(freshness_problems(nb))
    assert "'smoke' mode" in problems
    assert "stored an error: NameError" in problems
    assert "execution counts are [1, 5]" in problems


def test_execute_stamps_a_notebook_and_records_its_run_time(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_RESULTS_DIR", str(tmp_path / "results"))
    path = tmp_path / "ok.ipynb"
    nbformat.write(tiny_notebook("import os\nprint(os.environ['LSTMBOOK_MODE'])"), path)
    execute_notebook(path, mode="smoke", progress=False)
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].outputs[0]["text"] == "smoke\n"
    assert freshness_problems(nb, mode="smoke") == []
    timing = [r for r in load_results() if r.notebook == "ok" and r.name == "notebook run time"]
    assert len(timing) == 1 and timing[0].value > 0 and timing[0].mode == "smoke"


def test_failed_execution_leaves_the_file_untouched(tmp_path):
    path = tmp_path / "broken.ipynb"
    nbformat.write(tiny_notebook("raise RuntimeError('boom')"), path)
    before = path.read_bytes()
    with pytest.raises(Exception, match="boom"):
        execute_notebook(path, progress=False)
    assert path.read_bytes() == before


def test_execution_starts_from_an_empty_results_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_RESULTS_DIR", str(tmp_path / "results"))
    from helpers.results import record

    record("stale", "old name", 1.0)
    path = tmp_path / "stale.ipynb"
    nbformat.write(tiny_notebook("1 + 1"), path)
    execute_notebook(path, mode="smoke", progress=False)
    assert [r.name for r in load_results() if r.notebook == "stale"] == ["notebook run time"]


def test_a_failed_run_keeps_the_old_results(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_RESULTS_DIR", str(tmp_path / "results"))
    from helpers.results import record

    record("broken", "kept", 1.0)
    path = tmp_path / "broken.ipynb"
    nbformat.write(tiny_notebook("raise RuntimeError('boom')"), path)
    with pytest.raises(Exception, match="boom"):
        execute_notebook(path, progress=False)
    assert [r.name for r in load_results()] == ["kept"]
