"""Figures an official run is read against: the set's size and the published results."""

from __future__ import annotations

__all__ = ["DIAMOND_SET", "PAPER"]

#: the current Diamond set (all_swelancer_tasks.csv): tasks and dollars per variant
DIAMOND_SET = {
    "name": "SWE-Lancer Diamond (current: 463 tasks, after 39 IC tasks of the first release "
    "were dropped as unreliable offline)",
    "variants": {"ic_swe": (198, 189_300.0), "swe_manager": (265, 264_500.0)},
}

#: the paper's best pass@1 per variant (Claude 3.5 Sonnet, the first release's Diamond set:
#: 237 IC and 265 manager tasks), so not on the same IC tasks as the current set
PAPER = {
    "source": "Miserendino et al., SWE-Lancer (2025), best model (Claude 3.5 Sonnet), "
    "on the first release's Diamond set (237 IC, 265 manager tasks)",
    "pass_at_1": {"ic_swe": 0.262, "swe_manager": 0.449},
}
