"""The unbiased pass@k estimator (Chen et al., 2021, "Evaluating Large Language Models Trained
on Code"): with ``n`` attempts of a task of which ``c`` passed, the chance that at least one of
``k`` attempts drawn without replacement passes is ``1 - C(n-c, k) / C(n, k)``.

Example:
    >>> round(pass_at_k(n=3, c=1, k=1), 4)
    0.3333
    >>> pass_at_k(n=3, c=1, k=3)
    1.0
"""

from __future__ import annotations

from math import comb

__all__ = ["pass_at_k"]


def pass_at_k(n: int, c: int, k: int) -> float:
    """The estimate for one task: ``n`` attempts, ``c`` of them passed, ``1 <= k <= n``."""
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got c={c}, n={n}")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n, got k={k}, n={n}")
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)
