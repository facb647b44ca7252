"""Each chapter page opens with plain links to run its notebooks (Colab, Binder, GitHub), as
the introduction promises: right below the title, and no third-party image among them.
Read from the built HTML; no browser needed."""

from __future__ import annotations

import re
from pathlib import Path

BOX = re.compile(r'<div class="launch-links[^"]*">(.*?)</div>', re.S)


def test_chapter_pages_offer_their_notebooks(html_dir: Path, chapter_notebooks) -> None:
    assert chapter_notebooks, "no chapter page has notebook sections in the table of contents"
    problems = []
    for chapter, notebooks in chapter_notebooks.items():
        html = (html_dir / f"{chapter}.html").read_text(encoding="utf-8")
        box = BOX.search(html)
        if box is None:
            problems.append(f"{chapter}: no launch links")
            continue
        title_end = html.index("</h1>")
        if html.find("<p", title_end) < box.start() or "<img" in box.group(1):
            problems.append(f"{chapter}: the launch links are not plain links below the title")
        for notebook in notebooks:
            for host in ("colab.research.google.com/github/", "mybinder.org/v2/gh/",
                         "github.com/"):
                if not re.search(rf'href="https://{re.escape(host)}[^"]*/{notebook}\.ipynb"',
                                 box.group(1)):
                    problems.append(f"{chapter}: no {host.split('/')[0]} link to {notebook}")
    assert not problems, "\n".join(problems)
