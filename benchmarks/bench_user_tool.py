"""Timing of the user tool: seconds per call, the first (cold) call apart from the warm ones.

Run (after ``pip install -e .``, or with ``PYTHONPATH=.``)::

    python benchmarks/bench_user_tool.py [--calls 8] [--think 0] [--chromium PATH] [--tasks ID ...]
        [--backend local|docker] [--trace actions|snapshots|full|off]

For every bundled task with reproduction steps (or those named), on a sandbox of its starting
state (``--backend``): one cold call (worker, Chromium and app started; on docker also the
user tool's container) and ``--calls`` warm ones.
Also a ``tally (fixed app)`` row: a login-and-browse script on the app in its fixed state,
so there is a figure before any task exists. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from swelancer_env.backends import make_backend
from swelancer_env.backends.docker.sandbox import current_run_id, janitor
from swelancer_env.backends.local.user_tool import LocalUserToolSession
from swelancer_env.browser.discovery import find_chromium
from swelancer_env.browser.user_tool import UserToolSession
from swelancer_env.browser.worker import TRACE_MODES
from swelancer_env.sandbox.worktree import StartingState
from swelancer_env.tasks.loader import load_task, task_ids, tasks_root
from swelancer_env.tasks.model import Task

BROWSE_SCRIPT = '''\
"""Reproduction steps: log in, open the first report, read its total."""

def reproduce(user):
    user.login("alice@tally.test")
    with user.step("Open the first report"):
        user.page.locator("[data-testid^=report-link-]").first.click()
    with user.step("Read the total"):
        user.note("Total: " + user.page.get_by_test_id("report-total").inner_text())
'''


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


#: the user tool's trace mode (``--trace``; the backends' default)
TRACE = "actions"


def session_for(backend: str, task: Task, sandbox: object, chromium: str | None) -> UserToolSession:
    if backend == "docker":
        from swelancer_env.backends.docker.user_tool import DockerUserToolSession

        return DockerUserToolSession(task, sandbox, trace=TRACE)
    return LocalUserToolSession(task, sandbox, chromium=chromium, trace=TRACE)


def time_calls(
    task: Task,
    sandbox: object,
    calls: int,
    chromium: str | None = None,
    think: float = 0.0,
    backend: str = "local",
) -> dict[str, object]:
    with session_for(backend, task, sandbox, chromium) as session:
        started = time.perf_counter()
        first = session.run()
        cold = time.perf_counter() - started
        warm = []
        for _ in range(calls):
            time.sleep(think)  # the agent reads the report: not timed
            started = time.perf_counter()
            report = session.run()
            warm.append(time.perf_counter() - started)
    return {
        "cold": cold,
        "warm": warm,
        "steps": len(report.steps),
        "ok": f"{first.ok}/{report.ok}",
        "timings": report.timings,
    }


def fixed_app_row(
    calls: int, chromium: str | None = None, think: float = 0.0, backend: str = "local"
) -> dict[str, object]:
    """The browse script on tally in its fixed state (no bug applied)."""
    root = tasks_root()
    task = Task(
        id="bench-tally",
        app="tally",
        variant="ic_swe",
        price=1,
        title="bench",
        category="frontend",
        folder=root / "tally" / "bench-tally",
        user_tool=BROWSE_SCRIPT,
    )
    with tempfile.TemporaryDirectory(prefix="swelancer-bench-") as tmp:
        tree = Path(tmp) / "tree"
        StartingState.get(task).materialize_tree(tree)
        if backend == "docker" and os.geteuid() == 0:
            for path in [tree, *tree.rglob("*")]:  # as a Docker sandbox's tree: the agent's
                os.lchown(path, 1000, 1000)
        sandbox = SimpleNamespace(tree=tree, workdir=str(tree))
        return time_calls(task, sandbox, calls, chromium, think, backend)


def main() -> None:
    global TRACE
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=8, help="warm calls per task (>= 3)")
    parser.add_argument("--tasks", nargs="*", help="task ids (default: every bundled task)")
    parser.add_argument("--chromium", help="the Chromium to use (default: find_chromium)")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds between calls, not timed, as an agent reads a report (default 0: "
        "back to back, the worst case)",
    )
    parser.add_argument("--backend", choices=["local", "docker"], default="local")
    parser.add_argument("--trace", choices=TRACE_MODES, default=TRACE, help="the trace mode")
    args = parser.parse_args()
    TRACE = args.trace
    calls = max(3, args.calls)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())

    backend = args.backend
    rows: list[tuple[str, dict[str, object]]] = []
    try:
        rows.append(("tally (fixed app)", fixed_app_row(calls, args.chromium, args.think, backend)))
        for task_id in args.tasks or task_ids():
            task = load_task(task_id)
            if not task.user_tool.strip():
                continue
            sandbox = make_backend(backend).sandbox(task)
            try:
                row = time_calls(task, sandbox, calls, args.chromium, args.think, backend)
                rows.append((task_id, row))
            finally:
                sandbox.stop()
    finally:
        if backend == "docker":
            janitor(current_run_id())

    print(
        "| task | cold call (s) | warm median (s) | warm p50 (s) | warm p90 (s) | warm calls "
        "| steps | ok (cold/warm) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    all_warm: list[float] = []
    for name, row in rows:
        warm = row["warm"]
        assert isinstance(warm, list)  # noqa: S101 - a benchmark's own bookkeeping
        all_warm += warm
        print(
            f"| {name} | {row['cold']:.2f} | {statistics.median(warm):.2f} | "
            f"{percentile(warm, 0.5):.2f} | {percentile(warm, 0.9):.2f} | {len(warm)} | "
            f"{row['steps']} | {row['ok']} |"
        )
    browser = (
        "the image's chromium-headless-shell, in the user tool's container"
        if backend == "docker"
        else find_chromium(args.chromium)
    )
    print(
        f"\nBackend {backend}; Chromium: {browser}; trace {TRACE}; --think {args.think}; "
        f"load average before: {load}"
    )
    name, row = max(rows[1:] or rows, key=lambda r: statistics.median(r[1]["warm"]))
    print(
        f"Slowest task: {name}, warm median {statistics.median(row['warm']):.2f} s, its "
        f"slowest warm call {max(row['warm']):.2f} s; slowest warm call of all: "
        f"{max(all_warm):.2f} s"
    )
    print(
        f"All warm calls: median {statistics.median(all_warm):.2f} s, p90 "
        f"{percentile(all_warm, 0.9):.2f} s over {len(all_warm)} calls. Phases of the last "
        f"call of the last row: {rows[-1][1]['timings']}"
    )


if __name__ == "__main__":
    main()
