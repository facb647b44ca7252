"""Author-year citations in round brackets: "(Hochreiter and Schmidhuber, 1997)".

sphinxcontrib-bibtex's ``author_year`` referencing style writes square brackets; this
module registers ``author_year_round``, the same style with round ones, as a referencing
plugin of sphinxcontrib-bibtex (``bibtex_reference_style: author_year_round`` in
``_config.yml``). The reference list is sorted by author (``bibtex_default_style:
plain``) and hides its labels (``book/_static/book.css``): the citation names the entry.

Examples
--------
>>> style = RoundAuthorYear()
>>> style.bracket_parenthetical.left, style.bracket_parenthetical.right
('(', ')')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

NAME = "author_year_round"


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class RoundAuthorYear(AuthorYearReferenceStyle):
    """``author_year`` with round brackets for parenthetical citations (``{cite:p}``,
    and ``{cite}``, which is the same)."""

    bracket_parenthetical: BracketStyle = field(default_factory=_round)


register_plugin("sphinxcontrib.bibtex.style.referencing", NAME, RoundAuthorYear)


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
