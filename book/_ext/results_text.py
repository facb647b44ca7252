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
'0.9812 (0.95 to 1.012)'
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence

from helpers.results import format_value

# a Python dict or list printed into a note, e.g. "{'lr': 0.01, 'hidden_size': 16}"
LITERAL = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]")
MANY_RUNS = 3  # more runs than this are summarised as ranges


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


def ratio_text(ratio: float, ci: Sequence[float] | None) -> str:
    """The ratio with its 95% interval, four significant digits each."""
    text = format_value(ratio)
    if ci is not None and len(ci) == 2:
        text += f" ({format_value(ci[0])} to {format_value(ci[1])})"
    return text
