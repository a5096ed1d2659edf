"""Core timings: env reset, a no-op shell step, grading, and the hidden tests' own pytest run.

    .venv/bin/python benchmarks/bench_core.py [--task ID] [--resets 30] [--steps 500] [--grades 5]

Prints a markdown table of medians (and p99 for steps). Run on an idle machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.env import SWELancerEnv
from swelancer_env.grading.gold import gold_diff
from swelancer_env.tasks import list_tasks, load_task


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--task")
    p.add_argument("--backend", default="local")
    p.add_argument("--resets", type=int, default=30)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--grades", type=int, default=5)
    args = p.parse_args()
    task = (
        load_task(args.task)
        if args.task
        else next(t for t in list_tasks() if t.variant == "ic_swe")
    )

    env = SWELancerEnv(task_id=task.id, backend=args.backend, max_steps=10**6)
    env.reset()  # builds and caches the starting state
    resets = []
    for _ in range(args.resets):
        t = time.perf_counter()
        env.reset()
        resets.append(time.perf_counter() - t)
    steps = []
    for _ in range(args.steps):
        t = time.perf_counter()
        env.step({"type": "shell", "command": "true"})
        steps.append(time.perf_counter() - t)
    env.close()

    grader = LocalGrader()
    diff = gold_diff(task)
    totals, pytests = [], []
    for _ in range(args.grades):
        g = grader.grade(task, diff)
        if not g.passed:
            raise SystemExit(f"gold fix did not pass: {g.summary()}")
        totals.append(g.seconds)
        pytests.append(g.pytest_seconds)
    overhead = [t - p for t, p in zip(totals, pytests, strict=True)]

    ms = 1000.0
    print(f"task {task.id}, backend {args.backend}\n")
    print("| what | median | p99 | runs |")
    print("| --- | --- | --- | --- |")
    print(
        f"| reset | {statistics.median(resets) * ms:.1f} ms | {pct(resets, 0.99) * ms:.1f} ms | {len(resets)} |"
    )
    print(
        f"| no-op shell step (`true`) | {statistics.median(steps) * ms:.3f} ms | {pct(steps, 0.99) * ms:.3f} ms | {len(steps)} |"
    )
    print(f"| grading, total | {statistics.median(totals):.2f} s | | {len(totals)} |")
    print(f"| hidden tests' pytest run | {statistics.median(pytests):.2f} s | | {len(pytests)} |")
    print(f"| grading beyond pytest | {statistics.median(overhead):.2f} s | | {len(overhead)} |")


if __name__ == "__main__":
    main()
