"""Timing of the Docker backend: a no-op shell step, a reset (copy + container + shell), grading.

Needs a Docker engine (``eval "$(bash .ci/start-dockerd.sh)"``) and builds the sandbox image if
it is missing (about a minute and a half, once). Run (after ``pip install -e .``, or with
``PYTHONPATH=.``)::

    python benchmarks/bench_docker.py [--app tasks/apps/tally] [--steps 500] [--resets 20]
        [--grade-task tally-split-cents] [--grades 5]

Prints a markdown table, one row per exec transport (``api``: the engine API's attached exec,
``cli``: ``docker exec -i``). A reset is what an env reset pays for its sandbox: construct (copy the
starting state, hand it to uid 1000) plus ``start()`` (create and start the container, start the
shell and see it answer); ``stop()`` (remove the container and the folder) is timed apart.

Grading (``DockerGrader``, the gold fix of ``--grade-task``, ``--grades`` times): the whole
``grade()``, the hidden tests' own pytest run (the ``docker exec`` of pytest), and the rest (the
overhead: tree, container, app start, tests in, report out, removal), with the median of each
phase. ``--grades 0`` skips it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from swelancer_env.backends.docker.grader import DockerGrader
from swelancer_env.backends.docker.image import build_image
from swelancer_env.backends.docker.sandbox import DockerSandbox, janitor
from swelancer_env.grading.gold import gold_diff
from swelancer_env.sandbox.worktree import build_starting_state
from swelancer_env.tasks.loader import load_task
from swelancer_env.tasks.model import Task


def stats(seconds: list[float]) -> tuple[float, float]:
    """Median and 99th percentile in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return statistics.median(ms), p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--app", type=Path, default=Path("tasks/apps/tally"))
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--resets", type=int, default=20)
    parser.add_argument("--transports", default="api,cli")
    parser.add_argument("--grade-task", default="tally-split-cents")
    parser.add_argument("--grades", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    image = build_image()
    image_s = time.perf_counter() - started
    run_id = f"bench-{int(time.time())}"
    with tempfile.TemporaryDirectory(prefix="swelancer-bench-docker-") as tmp:
        app = args.app.resolve()
        task = Task(
            id="bench", app=app.name, variant="ic_swe", price=1, title="bench", category="feature"
        )
        state = build_starting_state(task, app, Path(tmp) / "cache")
        n_files = sum(1 for p in state.tree.rglob("*") if p.is_file() and ".git" not in p.parts)
        rows = []
        try:
            for transport in args.transports.split(","):
                opts = {"image": image, "exec_transport": transport, "run_id": run_id}
                DockerSandbox(state, **opts).stop()  # warm the copy and the engine
                resets, stops = [], []
                for _ in range(args.resets):
                    t0 = time.perf_counter()
                    box = DockerSandbox(state, **opts)
                    box.start()
                    t1 = time.perf_counter()
                    box.stop()
                    resets.append(t1 - t0)
                    stops.append(time.perf_counter() - t1)
                with DockerSandbox(state, **opts) as box:
                    for _ in range(20):
                        box.run("true", timeout=10)
                    steps = []
                    for _ in range(args.steps):
                        t0 = time.perf_counter()
                        box.run("true", timeout=10)
                        steps.append(time.perf_counter() - t0)
                rows.append((transport, *stats(steps), *stats(resets), stats(stops)[0]))
            grading = time_grading(args.grade_task, args.grades, image, run_id)
        finally:
            janitor(run_id)

    print(f"Docker sandbox, app {app.name} ({n_files} files), image {image} ")
    print(f"(image check/build {image_s:.1f} s), {args.steps} steps, {args.resets} resets\n")
    print("| transport | step median | step p99 | reset median | reset p99 | stop median |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, s_med, s_p99, r_med, r_p99, stop_med in rows:
        print(
            f"| {name} | {s_med:.3f} ms | {s_p99:.3f} ms | {r_med:.0f} ms | {r_p99:.0f} ms "
            f"| {stop_med:.0f} ms |"
        )
    if grading:
        totals, pytests, overheads, phases, passed = grading
        print(
            f"\nGrading {args.grade_task} (gold fix, {len(totals)} runs, all passed: {passed}), "
            "median (max) in seconds\n"
        )
        print("| total | hidden tests' pytest run | overhead (the rest) |")
        print("| --- | --- | --- |")
        print(
            f"| {statistics.median(totals):.2f} ({max(totals):.2f}) "
            f"| {statistics.median(pytests):.2f} ({max(pytests):.2f}) "
            f"| {statistics.median(overheads):.2f} ({max(overheads):.2f}) |"
        )
        print(
            "\nOverhead by phase (median s): "
            + ", ".join(
                f"{k} {statistics.median(v):.3f}" for k, v in phases.items() if k != "pytest"
            )
        )


def time_grading(
    task_id: str, runs: int, image: str, run_id: str
) -> tuple[list[float], list[float], list[float], dict[str, list[float]], bool] | None:
    """Grade the gold fix of ``task_id`` ``runs`` times (after one untimed warm-up)."""
    if runs <= 0:
        return None
    task = load_task(task_id)
    diff = gold_diff(task)
    grader = DockerGrader(image=image, run_id=run_id)
    grader.grade(task, diff)  # warm: the starting state's cache, the engine
    totals, pytests, overheads = [], [], []
    phases: dict[str, list[float]] = {}
    passed = True
    for _ in range(runs):
        result = grader.grade(task, diff)
        passed = passed and result.passed
        totals.append(result.seconds)
        pytests.append(result.pytest_seconds)
        overheads.append(result.seconds - result.pytest_seconds)
        for name, value in grader.last_timings.items():
            phases.setdefault(name, []).append(value)
    grader.close()  # the containers are removed in the background
    return totals, pytests, overheads, phases, passed


if __name__ == "__main__":
    main()
