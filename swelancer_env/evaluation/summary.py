"""``summary.json``: what papers publish, computed from ``results.jsonl`` alone.

Per group (``overall``, each variant, each price band) it gives:

- ``tasks``, ``episodes``, ``attempts`` (the most attempts of any task),
- ``pass@1`` ... ``pass@K``: the unbiased estimator averaged over the group's tasks (a task
  counts for ``pass@k`` when it has at least ``k`` graded attempts). Every episode but an infra
  or config error is graded: an agent error (a context overflow, a refusal, no action, the step
  or time limit, an exception) is a failure,
- ``pass@1_strict``: pass@1 over every episode, infra and config errors counted as failures
  (a lower bound: what the run shows if nothing that failed is excused),
- ``outcomes``: episodes per outcome (``passed``, ``failed``, ``agent_error``,
  ``infra_error``, ``config_error``; every one, 0 included) and ``stop_reasons``: episodes per
  reason they ended (``submitted``, ``max_steps``, ``context_overflow``, ...; those that
  occur),
- ``earned``: the dollars one attempt per task earns on average (each task's mean earning over
  its graded attempts, summed), against ``available`` (the sum of the tasks' prices), so that
  ``earned / available`` is comparable to the benchmark's one-attempt figure whatever K is;
  ``earned_total``: every episode's earning, summed,
- ``tokens`` and ``cost``: per attempt per task, on the same basis as ``earned`` (each task's
  mean over its graded attempts, summed; tokens rounded to whole ones), with ``tokens_total``
  and ``cost_total`` over every graded episode (cost None when some model had no price),
- ``net`` = ``earned - cost`` and ``earned_per_dollar`` = ``earned / cost``,
- ``intervals``: for each ``pass@k`` and ``earned``, its standard error and a bootstrap 95%
  interval resampled over the tasks (``{"stderr", "low", "high"}``; :mod:`.stats`), None
  when nothing was graded,
- ``infra_errors``: episodes the harness or the model endpoint failed (outcome
  ``infra_error``). They, and config errors (a key the endpoint refused, no such model), are
  counted apart and left out of every other figure but ``pass@1_strict``, as they say nothing
  of the agent; ``infra_cost`` is what their model calls cost all the same.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from statistics import fmean
from typing import Any

from swelancer_env.evaluation.passk import pass_at_k
from swelancer_env.evaluation.records import OUTCOMES, EpisodeResult, TokenUsage
from swelancer_env.evaluation.stats import interval

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
    graded = [r for r in results if r.graded]
    by_task: dict[str, list[EpisodeResult]] = defaultdict(list)
    every: dict[str, list[EpisodeResult]] = defaultdict(list)
    for r in results:
        every[r.task_id].append(r)
        if r.graded:
            by_task[r.task_id].append(r)
    prices = {r.task_id: r.price for r in results}
    most = max((len(v) for v in by_task.values()), default=0)
    out: dict[str, Any] = {
        "tasks": len(prices),
        "episodes": len(results),
        "attempts": most,
    }
    intervals: dict[str, Any] = {}
    for k in range(1, max(most, 1) + 1):  # pass@1 always: None when nothing was graded
        values = [
            pass_at_k(len(v), sum(r.passed for r in v), k) for v in by_task.values() if len(v) >= k
        ]
        out[f"pass@{k}"] = round(fmean(values), 6) if values else None
        intervals[f"pass@{k}"] = interval(values)
    strict = [sum(r.passed for r in v) / len(v) for v in every.values()]
    out["pass@1_strict"] = round(fmean(strict), 6) if strict else None
    outcomes = Counter(r.outcome for r in results)
    out["outcomes"] = {o: outcomes.get(o, 0) for o in OUTCOMES}
    out["stop_reasons"] = dict(sorted(Counter(r.stop_reason for r in results).items()))
    tokens_total = sum((r.tokens for r in graded), TokenUsage())
    tokens = TokenUsage(
        **{
            field: round(sum(fmean(getattr(r.tokens, field) for r in v) for v in by_task.values()))
            for field in ("prompt", "completion", "reasoning", "cached")
        }
    )
    costs = [r.cost for r in graded]
    known_cost = all(c is not None for c in costs)
    per_task_earned = [fmean(r.earned for r in v) for v in by_task.values()]
    earned = sum(per_task_earned)
    intervals["earned"] = interval(per_task_earned, total=True)
    cost = sum(fmean(r.cost or 0.0 for r in v) for v in by_task.values()) if known_cost else None
    out.update(
        {
            "passed": sum(r.passed for r in graded),
            "earned": round(earned, 2),
            "available": round(sum(prices.values()), 2),
            "earned_total": round(sum(r.earned for r in graded), 2),
            "tokens": {**tokens.model_dump(), "total": tokens.total},
            "tokens_total": {**tokens_total.model_dump(), "total": tokens_total.total},
            "model_calls": sum(r.model_calls for r in graded),
            "cost": None if cost is None else round(cost, 6),
            "cost_total": round(sum(c or 0.0 for c in costs), 6) if known_cost else None,
            "net": None if cost is None else round(earned - cost, 2),
            "earned_per_dollar": (
                round(earned / cost, 2) if cost is not None and cost > 0 else None
            ),
            "intervals": intervals,
            "infra_errors": outcomes.get("infra_error", 0),
            # what the ungraded episodes' model calls cost all the same (None: some unpriced)
            "infra_cost": _cost_sum([r for r in results if not r.graded]),
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
