"""Uncertainty of a run's figures, resampled over tasks, and paired comparisons of two runs.

The tasks are the unit that varies: a figure's interval comes from a bootstrap over the tasks
(:func:`interval`: ``resamples`` draws of as many tasks, with replacement; the percentile
interval at ``level``), with its standard error (the sample standard deviation over the square
root of the number of tasks; for a sum, times the number of tasks). Both are seeded: the same
results give the same summary.

:func:`paired` compares two runs on the tasks both ran: the mean of the per-task differences,
its bootstrap interval, and a sign-flip permutation test of "no difference" (exact up to 16
tasks with a non-zero difference, else ``resamples`` random flips). A difference is *within the
noise* when its interval holds 0 or the test cannot tell it from none (``p >= 1 - level``).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from swelancer_env.evaluation.records import EpisodeResult

__all__ = ["LEVEL", "RESAMPLES", "interval", "paired", "per_task"]

#: bootstrap draws per interval
RESAMPLES = 2_000
#: the intervals' confidence level
LEVEL = 0.95
_EXACT_UP_TO = 16  # tasks with a difference: all 2^n sign flips below this


def interval(
    values: Sequence[float],
    *,
    total: bool = False,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
    seed: int = 0,
) -> dict[str, float] | None:
    """The standard error and bootstrap interval of the mean of ``values`` (one per task), or
    of their sum with ``total``; None when there are no values.

    Example:
        >>> interval([1.0, 0.0, 1.0, 1.0])["low"] >= 0.0
        True
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        return None
    scale = n if total else 1
    stderr = float(x.std(ddof=1) / math.sqrt(n)) * scale if n > 1 else 0.0
    draws = np.random.default_rng(seed).choice(x, size=(resamples, n), replace=True)
    stats = draws.sum(axis=1) if total else draws.mean(axis=1)
    lo, hi = np.quantile(stats, [(1 - level) / 2, 1 - (1 - level) / 2])
    return {"stderr": round(stderr, 6), "low": round(float(lo), 6), "high": round(float(hi), 6)}


def paired(
    a: Mapping[str, float],
    b: Mapping[str, float],
    *,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
    seed: int = 0,
) -> dict[str, Any]:
    """``b`` against ``a`` on the tasks in both (per-task figures, e.g. pass@1 or dollars):
    ``tasks``, ``a`` and ``b`` (their means there), ``difference`` (``b - a``, mean over the
    tasks), ``low``/``high`` (its bootstrap interval), ``p_value`` (two-sided sign-flip test)
    and ``within_noise`` (the interval holds 0). None figures when no task is shared."""
    shared = sorted(set(a) & set(b))
    if not shared:
        return {"tasks": 0, "a": None, "b": None, "difference": None, "low": None,
                "high": None, "p_value": None, "within_noise": True}  # fmt: skip
    d = np.array([b[t] - a[t] for t in shared], dtype=float)
    ci = interval(d.tolist(), resamples=resamples, level=level, seed=seed)
    assert ci is not None
    observed = abs(d.mean())
    nonzero = d[d != 0]
    if len(nonzero) == 0:
        p = 1.0
    elif len(nonzero) <= _EXACT_UP_TO:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=len(nonzero))))
        means = np.abs((signs * nonzero).sum(axis=1)) / len(d)
        p = float(np.mean(means >= observed - 1e-12))
    else:
        rng = np.random.default_rng(seed)
        signs = rng.choice((1.0, -1.0), size=(resamples, len(nonzero)))
        means = np.abs((signs * nonzero).sum(axis=1)) / len(d)
        p = float((1 + np.sum(means >= observed - 1e-12)) / (resamples + 1))
    return {
        "tasks": len(shared),
        "a": round(float(np.mean([a[t] for t in shared])), 6),
        "b": round(float(np.mean([b[t] for t in shared])), 6),
        "difference": round(float(d.mean()), 6),
        "low": ci["low"],
        "high": ci["high"],
        "p_value": round(p, 6),
        "within_noise": ci["low"] <= 0.0 <= ci["high"] or p >= 1 - level,
    }


def per_task(results: Iterable[EpisodeResult]) -> tuple[dict[str, float], dict[str, float]]:
    """Each task's pass@1 (the share of its graded attempts that passed) and dollars earned (the
    mean over them): what :func:`paired` compares. Tasks with no graded attempt are left out."""
    graded: dict[str, list[EpisodeResult]] = defaultdict(list)
    for r in results:
        if r.graded:
            graded[r.task_id].append(r)
    passes = {t: float(np.mean([r.passed for r in rs])) for t, rs in graded.items()}
    earned = {t: float(np.mean([r.earned for r in rs])) for t, rs in graded.items()}
    return passes, earned
