"""What a chapter weighs on a reader's phone: its notebook, most of it figures, stays
under 3 MB (issue 23). The book's plot style stores figures at most 1,400 px wide
(``helpers.plotting``); a heavier notebook has figures too wide or too many."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_BYTES = 3_000_000
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
# Still too heavy, and why (a strict xfail: it fails once the notebook is light enough,
# so the entry must then be removed). Chapter 4's 17 figures are drawn 10-12 inches wide
# by its plot helpers; issue 21 redraws them.
TOO_HEAVY_FOR_NOW = {"04_dft_vs_lstm_harmonics"}


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="issue 21: figures to redraw"))
    if p.stem in TOO_HEAVY_FOR_NOW else p for p in NOTEBOOKS], ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_stays_under_3_mb(path: Path) -> None:
    size = path.stat().st_size
    assert size <= MAX_BYTES, (
        f"{path.name} weighs {size / 1e6:.1f} MB (at most {MAX_BYTES / 1e6:.0f} MB): re-run it "
        "with the book's style (figures at most 7 inches wide), or show fewer figures")
