"""The book's table of contents (``_toc.yml``, jupyter-book format) as plain data.

The Results page groups its numbers by chapter, the chapter pages get launch links for
their notebooks, and the browser check opens every page: all three read the same file
through :func:`read_toc`, so none of them can drift from the book's real structure.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "_toc.yml").write_text(
...     "root: intro\\nchapters:\\n- file: ch1\\n  sections:\\n  - file: notebooks/a.ipynb\\n")
>>> [(e.page, e.chapter) for e in read_toc(folder / "_toc.yml")]
[('intro', 'intro'), ('ch1', 'ch1'), ('notebooks/a', 'ch1')]
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

SOURCE_SUFFIXES = (".md", ".ipynb", ".rst", ".myst")
CHILD_KEYS = ("parts", "chapters", "sections", "subtrees", "entries")


@dataclass(frozen=True)
class TocEntry:
    """One page: its docname (path without suffix) and the chapter it belongs to."""

    page: str
    chapter: str  # the page itself for the root and for chapters


def read_toc(toc_path: Path) -> list[TocEntry]:
    """Every page of ``toc_path`` in reading order (``glob:`` entries expanded).

    Raises
    ------
    ValueError
        When the file lists no page.
    """
    toc_path = Path(toc_path)
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    source = toc_path.parent
    entries: dict[str, TocEntry] = {}

    def add(file: str, chapter: str | None) -> str:
        path = PurePosixPath(file)
        page = str(path.with_suffix("")) if path.suffix in SOURCE_SUFFIXES else str(path)
        entries.setdefault(page, TocEntry(page, chapter or page))
        return page

    def walk(node: object, chapter: str | None) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child, chapter)
            return
        if not isinstance(node, dict):
            return
        own = chapter
        for key in ("root", "file"):
            if node.get(key):
                page = add(node[key], chapter)
                own = chapter or page
        if node.get("glob"):
            for file in _glob(source, node["glob"]):
                add(file, chapter)
        for key in CHILD_KEYS:
            # entries under `parts` or `chapters` start chapters of their own;
            # `sections` below a chapter belong to it
            walk(node.get(key), own if key == "sections" else None)

    walk(toc, None)
    if not entries:
        raise ValueError(f"{toc_path} lists no pages")
    return list(entries.values())


def _glob(source: Path, pattern: str) -> list[str]:
    files = sorted(
        p.relative_to(source).as_posix() for p in source.rglob("*")
        if p.suffix in SOURCE_SUFFIXES and "_build" not in p.parts
    )
    return [f for f in files if fnmatch.fnmatch(str(PurePosixPath(f).with_suffix("")), pattern)]


def chapter_pages(toc_path: Path) -> dict[str, list[str]]:
    """Each chapter page mapped to the pages in it (itself excluded), in reading order."""
    chapters: dict[str, list[str]] = {}
    for entry in read_toc(toc_path):
        members = chapters.setdefault(entry.chapter, [])
        if entry.page != entry.chapter:
            members.append(entry.page)
    return chapters
