"""Short texts for the Results page, built from the fields a result file holds.

Each function takes what ``helpers.results`` wrote (possibly an older file with fewer
fields) and returns plain text for one cell; missing data gives an empty string, never
an error, so the page renders whatever the chapters recorded.

Examples
--------
>>> training_text([{"best_epoch": 12, "epochs_run": 22, "max_epochs": 300, "patience": 10,
...                 "steps": 4800, "seconds": 31.2, "plateau": True}])
'best epoch 12 of cap 300; patience 10; 4,800 steps; 31 s; plateau 1/1'
>>> readable_note("grid point {'hidden_size': 16, 'lr': 0.01, 'clip': 5.0}")
'grid point hidden size 16, lr 0.01, clip 5'
>>> duration_text(110.97)
'1 min 51 s'
>>> ratio_text(0.98123, (0.95, 1.0123))
'0.981 (0.950 to 1.012)'
>>> ratio_text(9.4116e-4, (8.3596e-4, 1.05648e-3))
'9.41 (8.36 to 10.56) × 10⁻⁴'
>>> value_text(2.220446e-16), value_text(42.8037), value_text(0.8645, "accuracy")
('2.22 × 10⁻¹⁶', '42.8', '86.5%')
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence

# a Python dict or list printed into a note, e.g. "{'lr': 0.01, 'hidden_size': 16}"
LITERAL = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]")
MANY_RUNS = 3  # more runs than this are summarised as ranges
# numbers outside [PLAIN_LOW, PLAIN_HIGH) share a power of ten: "9.41 (8.36 to 10.56) × 10⁻⁴"
PLAIN_LOW, PLAIN_HIGH = 1e-3, 1e5
MAX_DECIMALS = 6
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def training_text(runs: Sequence[Mapping[str, object]] | None) -> str:
    """The training budget of a comparison's runs, short enough for a phone card.

    E.g. ``best epochs 12, 15, 9 of cap 300; patience 10; 4,800 steps; 31 s; plateau
    3/3``: best epochs (their span beyond three runs), the epoch cap, the patience, the
    gradient steps and seconds of one run (their span when runs differ), and how many
    runs passed the plateau test. A run whose best epoch is its cap was still improving
    when it was cut off: the text says how many did. Older records lack the later
    fields: what they hold is shown.
    """
    runs = [r for r in runs or [] if isinstance(r, Mapping) and r.get("best_epoch") is not None]
    if not runs:
        return ""
    best = [int(r["best_epoch"]) for r in runs]
    caps = [int(r.get("max_epochs") or 0) for r in runs]  # 0: cap not recorded
    if len(runs) == 1:
        epochs = f"best epoch {best[0]}"
    elif len(runs) <= MANY_RUNS:
        epochs = "best epochs " + ", ".join(map(str, best))
    else:
        epochs = f"best epochs {_span(best)} ({len(runs)} runs)"
    if any(caps):
        epochs += f" of cap {_span([c for c in caps if c])}"
    parts = [epochs]
    at_cap = sum(0 < c <= b for b, c in zip(best, caps, strict=True))
    if at_cap:
        parts.append(f"{at_cap}/{len(runs)} still improving at the cap")
    if any("patience" in r for r in runs):  # recorded as None: ran every epoch
        patience = [int(r["patience"]) for r in runs if r.get("patience") is not None]
        parts.append(f"patience {_span(patience)}" if patience else "no early stopping")
    steps = [int(r["steps"]) for r in runs if r.get("steps")]
    if steps:
        parts.append(f"{_span(steps, '{:,}')} steps")
    seconds = [float(r["seconds"]) for r in runs if r.get("seconds") is not None]
    if seconds:
        parts.append(_seconds_span(seconds))
    plateau = [bool(r["plateau"]) for r in runs if "plateau" in r]
    if plateau:
        parts.append(f"plateau {sum(plateau)}/{len(plateau)}")
    return "; ".join(parts)


def _span(values: Sequence[int], form: str = "{}") -> str:
    low, high = form.format(min(values)), form.format(max(values))
    return low if low == high else f"{low}–{high}"


def _seconds_span(seconds: Sequence[float]) -> str:
    if max(seconds) < 59.5:  # "29–35 s" rather than "29 s–35 s"
        return _span([round(s) for s in seconds]) + " s"
    low, high = duration_text(min(seconds)), duration_text(max(seconds))
    return low if low == high else f"{low}–{high}"


def readable_note(note: str) -> str:
    """The note with any dict (or list of words) printed by Python turned into prose."""
    return LITERAL.sub(_prose, note or "").strip()


def _prose(match: re.Match) -> str:
    try:
        value = ast.literal_eval(match.group(0))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return match.group(0)
    if isinstance(value, dict) and value:
        return ", ".join(f"{str(k).replace('_', ' ')} {_plain(v)}" for k, v in value.items())
    # a list of words reads as a list; a list of numbers (an interval) keeps its brackets
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return match.group(0)


def _plain(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_plain(v) for v in value) + ")"
    return str(value)


def duration_text(seconds: float) -> str:
    """A run time as a reader says it: ``41 s``, ``1 min 51 s``, ``2 h 05 min``."""
    seconds = round(float(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def numbers_text(values: Sequence[float]) -> tuple[list[str], str]:
    """Numbers that are read together (a ratio and its interval) in one format.

    Returns the numbers as text, all with the same decimals, and a common suffix
    (``" × 10⁻⁴"`` for very small or very large numbers, else ``""``). The decimals
    show three significant digits of the smallest number and two of the smallest gap
    between them, so an interval never collapses onto its ratio: ``1.0054 (1.0035 to
    1.0079)``, not ``1.01 (1.00 to 1.01)``.
    """
    values = [float(v) for v in values]
    sizes = [abs(v) for v in values if v != 0 and math.isfinite(v)]
    if not sizes:
        return [_fixed(v, 1) for v in values], ""
    exponent = 0
    if min(sizes) < PLAIN_LOW or max(sizes) >= PLAIN_HIGH:
        exponent = math.floor(math.log10(sizes[0] if values[0] else max(sizes)))
        values = [v / 10**exponent for v in values]
        sizes = [s / 10**exponent for s in sizes]
    decimals = 2 - math.floor(math.log10(min(sizes)))
    gaps = [abs(a - b) for i, a in enumerate(values) for b in values[i + 1:] if a != b]
    if gaps:
        decimals = max(decimals, 1 - math.floor(math.log10(min(gaps))))
    decimals = min(max(decimals, 0), MAX_DECIMALS)
    suffix = f" × 10{str(exponent).translate(SUPERSCRIPT)}" if exponent else ""
    return [_fixed(v, decimals) for v in values], suffix


def _fixed(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}" if abs(value) >= 1e4 else f"{value:.{decimals}f}"


def value_text(value: float, unit: str = "") -> str:
    """One number as the Results page shows it: an accuracy as a percentage, else
    :func:`numbers_text` (the unit is left to the caller)."""
    if unit == "accuracy":
        return f"{100 * value:.1f}%"
    (text,), suffix = numbers_text([value])
    return text + suffix


def ratio_text(ratio: float, ci: Sequence[float] | None) -> str:
    """The ratio with its 95% interval, in one format (:func:`numbers_text`)."""
    has_ci = ci is not None and len(ci) == 2
    texts, suffix = numbers_text([ratio, *ci] if has_ci else [ratio])
    if has_ci:
        return f"{texts[0]} ({texts[1]} to {texts[2]}){suffix}"
    return texts[0] + suffix
