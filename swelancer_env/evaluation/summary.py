"""``summary.json``: what papers publish, computed from ``results.jsonl`` alone.

Per group (``overall``, each variant, each price band) it gives:

- ``tasks``, ``episodes``, ``attempts`` (the most attempts of any task),
- ``pass@1`` ... ``pass@K``: the unbiased estimator averaged over the group's tasks (a task
  counts for ``pass@k`` when it has at least ``k`` graded attempts),
- ``earned``: the dollars one attempt per task earns on average (each task's mean earning over
  its graded attempts, summed), against ``available`` (the sum of the tasks' prices), so that
  ``earned / available`` is comparable to the benchmark's one-attempt figure whatever K is;
  ``earned_total``: every episode's earning, summed,
- ``tokens`` (summed over every episode) and ``cost`` (dollars per attempt per task, as
  ``earned``; ``cost_total`` over every episode; None when some model had no price),
- ``net`` = ``earned - cost`` and ``earned_per_dollar`` = ``earned / cost``,
- ``infra_errors``: episodes the harness or the model endpoint failed. They are counted apart
  and left out of every other figure, as they say nothing of the agent; ``infra_cost`` is
  what their model calls cost all the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from statistics import fmean
from typing import Any

from swelancer_env.evaluation.passk import pass_at_k
from swelancer_env.evaluation.records import EpisodeResult, TokenUsage

__all__ = ["PRICE_BANDS", "price_band", "summarize"]

#: (name, lowest price, highest price): the benchmark's price range in three bands
PRICE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("under $500", 0.0, 499.99),
    ("$500 to $1,000", 500.0, 1000.0),
    ("over $1,000", 1000.01, float("inf")),
)


def price_band(price: float) -> str:
    """The name of the band ``price`` falls in."""
    for name, lo, hi in PRICE_BANDS:
        if lo <= price <= hi:
            return name
    return PRICE_BANDS[-1][0]


def _cost_sum(results: list[EpisodeResult]) -> float | None:
    costs = [r.cost for r in results]
    return None if any(c is None for c in costs) else round(sum(c or 0.0 for c in costs), 6)


def _group(results: list[EpisodeResult]) -> dict[str, Any]:
    graded = [r for r in results if r.infra_error is None]
    by_task: dict[str, list[EpisodeResult]] = defaultdict(list)
    for r in graded:
        by_task[r.task_id].append(r)
    prices = {r.task_id: r.price for r in results}
    most = max((len(v) for v in by_task.values()), default=0)
    out: dict[str, Any] = {
        "tasks": len(prices),
        "episodes": len(results),
        "attempts": most,
    }
    for k in range(1, max(most, 1) + 1):  # pass@1 always: None when nothing was graded
        values = [
            pass_at_k(len(v), sum(r.passed for r in v), k) for v in by_task.values() if len(v) >= k
        ]
        out[f"pass@{k}"] = round(fmean(values), 6) if values else None
    tokens = sum((r.tokens for r in graded), TokenUsage())
    costs = [r.cost for r in graded]
    known_cost = all(c is not None for c in costs)
    earned = sum(fmean(r.earned for r in v) for v in by_task.values())
    cost = sum(fmean(r.cost or 0.0 for r in v) for v in by_task.values()) if known_cost else None
    out.update(
        {
            "passed": sum(r.passed for r in graded),
            "earned": round(earned, 2),
            "available": round(sum(prices.values()), 2),
            "earned_total": round(sum(r.earned for r in graded), 2),
            "tokens": {**tokens.model_dump(), "total": tokens.total},
            "model_calls": sum(r.model_calls for r in graded),
            "cost": None if cost is None else round(cost, 6),
            "cost_total": round(sum(c or 0.0 for c in costs), 6) if known_cost else None,
            "net": None if cost is None else round(earned - cost, 2),
            "earned_per_dollar": (
                round(earned / cost, 2) if cost is not None and cost > 0 else None
            ),
            "infra_errors": len(results) - len(graded),
            # what the failed episodes' model calls cost all the same (None: some unpriced)
            "infra_cost": _cost_sum([r for r in results if r.infra_error is not None]),
        }
    )
    return out


def summarize(results: Iterable[EpisodeResult]) -> dict[str, Any]:
    """The summary of a run's results: ``overall``, ``variants`` and ``price_bands``.

    Example:
        >>> r = EpisodeResult(task_id="t", variant="ic_swe", price=500, earned=500,
        ...                   passed=True, steps=3, seconds=1.0)
        >>> summarize([r])["overall"]["pass@1"]
        1.0
    """
    items = list(results)
    variants: dict[str, list[EpisodeResult]] = defaultdict(list)
    bands: dict[str, list[EpisodeResult]] = defaultdict(list)
    for r in items:
        variants[r.variant].append(r)
        bands[price_band(r.price)].append(r)
    return {
        "overall": _group(items),
        "variants": {v: _group(rs) for v, rs in sorted(variants.items())},
        "price_bands": {name: _group(bands[name]) for name, _, _ in PRICE_BANDS if name in bands},
    }
