"""What a chapter weighs on a reader's phone: its notebook, most of it figures, stays
under 3 MB (issue 23). The book's plot style stores figures at most 1,400 px wide
(``helpers.plotting``); a heavier notebook has figures too wide or too many."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_BYTES = 3_000_000
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_stays_under_3_mb(path: Path) -> None:
    size = path.stat().st_size
    assert size <= MAX_BYTES, (
        f"{path.name} weighs {size / 1e6:.1f} MB (at most {MAX_BYTES / 1e6:.0f} MB): re-run it "
        "with the book's style (figures at most 7 inches wide), or show fewer figures")
