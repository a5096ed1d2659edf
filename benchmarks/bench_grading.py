"""Timing of grading, per app and backend: a passing IC grading (the gold fix) and a failing one
(the starting state, which stops at its first failing test).

Run (after ``bash .ci/setup``; Docker needs ``DOCKER_HOST``)::

    python benchmarks/bench_grading.py [--backend local|docker] [--repeat 1] [--tasks ID ...]
        [--idle S] [--cold] [--warm-browser] [--no-settle]

Grades every bundled IC task's gold fix ``--repeat`` times (after one warm-up grading that
builds the starting states and, on Docker, starts the image once), and its starting state once.
Prints one markdown row per app: tasks, median / p90 / slowest passing grading, median failing
grading, and where a passing grading's time goes (the Docker grader's phases).

``--idle S`` waits S seconds before each grading, as an agent's episode does between the reset
(or the last grading) and its submission: the grader's next pytest and Chromium (and, on
Docker, its container) start meanwhile, as they do in the env. ``--idle 0`` grades back to back:
each grading then waits for what the previous one's end started. ``--cold`` turns the warm start
off (``warm_grading=False``): everything starts at the submission. ``--no-settle`` turns the
settled-page early fail off (``settle_early=False``): a failing assertion waits its whole 5 s. ``--no-regression`` runs
the hidden tests only (by default a passing grading also runs the app's regression tests that
the gold diff's lines touch).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

from swelancer_env.backends import make_backend
from swelancer_env.grading.gold import gold_diff
from swelancer_env.tasks.loader import list_tasks, load_task


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--backend", default="local")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--tasks", nargs="*")
    p.add_argument("--idle", type=float, default=0.0, help="seconds before each grading")
    p.add_argument("--cold", action="store_true", help="warm_grading=False")
    p.add_argument(
        "--warm-browser", action="store_true",
        help="warm_browser=True: the waiting pytest has Playwright's driver and Chromium up "
        "(the default starts them at the submission, about 40 MB idle instead of 250)",
    )  # fmt: skip
    p.add_argument(
        "--no-settle", action="store_true",
        help="settle_early=False: a failing assertion waits Playwright's whole 5 s",
    )  # fmt: skip
    p.add_argument(
        "--no-regression", action="store_true",
        help="run the hidden tests only, not the app's regression tests the diff touches",
    )  # fmt: skip
    args = p.parse_args()
    tasks = (
        [load_task(t) for t in args.tasks]
        if args.tasks
        else [t for t in list_tasks() if t.variant == "ic_swe"]
    )
    config = {
        "type": args.backend,
        "warm_grading": not args.cold,
        "warm_browser": args.warm_browser,
        "settle_early": not args.no_settle,
    }
    grader = make_backend(config).grader()
    grader.regression = not args.no_regression
    regression: dict[str, list[int]] = defaultdict(list)
    grader.grade(tasks[0], gold_diff(tasks[0]))  # warm-up: image, caches
    passing: dict[str, list[float]] = defaultdict(list)
    failing: dict[str, list[float]] = defaultdict(list)
    pytest_share: dict[str, list[float]] = defaultdict(list)
    slowest: dict[str, tuple[float, str]] = {}
    for task in tasks:
        for _ in range(args.repeat):
            grader.warm_up(task)  # as env.reset does
            time.sleep(args.idle)
            g = grader.grade(task, gold_diff(task))
            if not g.passed:
                raise SystemExit(f"{task.id}: the gold fix did not pass: {g.summary()}")
            passing[task.app].append(g.seconds)
            regression[task.app].append(len(g.regression_tests))
            pytest_share[task.app].append(g.pytest_seconds)
            if g.seconds > slowest.get(task.app, (0.0, ""))[0]:
                slowest[task.app] = (g.seconds, task.id)
            print(f"  {task.id:<36} pass {g.seconds:5.2f} s (pytest {g.pytest_seconds:.2f} s, "
                  f"{len(g.tests)} tests, {len(g.regression_tests)} of them regression)",
                  flush=True)  # fmt: skip
        grader.warm_up(task)
        time.sleep(args.idle)
        started = time.perf_counter()
        g = grader.grade(task, "")
        if g.passed or g.infra_error:
            raise SystemExit(f"{task.id}: the starting state did not fail: {g.summary()}")
        failing[task.app].append(time.perf_counter() - started)
        print(f"  {task.id:<36} fail {failing[task.app][-1]:5.2f} s", flush=True)
    grader.close()  # the Docker grader removes its containers in the background
    print("\n| app | backend | idle before a grading | IC tasks | passing grading: median | p90 | "
          "slowest | pytest's part (median) | regression tests run (mean) | failing grading: median |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for app in sorted(passing):
        times = passing[app]
        worst, worst_id = slowest[app]
        print(
            f"| {app} | {args.backend}{' (cold)' if args.cold else ''}"
            f"{' (warm browser)' if args.warm_browser else ''}"
            f"{' (no settle)' if args.no_settle else ''} | {args.idle:g} s | "
            f"{len(failing[app])} | "
            f"{statistics.median(times):.2f} s | {percentile(times, 0.9):.2f} s | "
            f"{worst:.2f} s ({worst_id}) | {statistics.median(pytest_share[app]):.2f} s | "
            f"{statistics.mean(regression[app]):.1f} | "
            f"{statistics.median(failing[app]):.2f} s |"
        )


if __name__ == "__main__":
    main()
