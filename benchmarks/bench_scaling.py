"""How episodes scale with workers, side by side in one run: the process pool, Ray and the
server (``swelancer-env serve``) with 1 and 2 workers (or client sessions).

    .venv/bin/python benchmarks/bench_scaling.py [--attempts 1] [--tasks ID ...]
        [--ways process ray server] [--think S]

For each way: ``eval --agent oracle`` over the bundled tasks, wall time (start-up included:
the pool's spawn, Ray's local cluster, the server's first env), episodes a minute and the
speed-up of 2 over 1. Then, from the 1-worker process run's trajectories: where an episode's
time goes (reset, steps, user tool, grading). While each run goes, the machine's CPU is sampled
(``/proc/stat``; 2 workers on 2 cores saturate when it stays near 100 %) and the memory (PSS)
of this process and everything it started (workers, Ray, the server, apps, Chromium, pytest).

``--think S``: the oracle waits S seconds before each action (``think_s``), standing in for a
policy whose sampling runs elsewhere (a served model): an RL rollout's env is then idle part of
the time, which a second worker fills. Without it every episode is grading and edits back to
back, and one worker already keeps about three-quarters of 2 cores busy.

Prints markdown tables. Run on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from swelancer_env.evaluation.evaluate import EvalConfig, evaluate
from swelancer_env.evaluation.results import read_results
from swelancer_env.tasks import list_tasks


def tree_pss_mb(root: int) -> float:
    """Proportional set size of ``root`` and all its descendants, in MB (shared pages counted
    once across them)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class CpuSampler:
    """The share of the machine's CPU time that was busy, and the peak memory of this process
    and all it started, sampled every 0.5 s."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _read() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)

    def _run(self) -> None:
        busy0, total0 = self._read()
        while not self._stop.wait(0.5):
            busy1, total1 = self._read()
            if total1 > total0:
                self.samples.append((busy1 - busy0) / (total1 - total0))
            self.peak_mb = max(self.peak_mb, tree_pss_mb(os.getpid()))
            busy0, total0 = busy1, total1

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mean(self) -> float:
        return statistics.mean(self.samples) if self.samples else 0.0


def run(
    out: Path, tasks: list[str], attempts: int, workers: int, think: float = 0.0, **extra: object
) -> tuple[float, float, float]:
    config = EvalConfig(
        agent="oracle", agent_options={"think_s": think} if think else {}, tasks=tasks,
        attempts=attempts, workers=workers, **extra,
    )  # fmt: skip
    with CpuSampler() as cpu:
        started = time.perf_counter()
        evaluate(config, out, progress=False)
        seconds = time.perf_counter() - started
    results = read_results(out / "results.jsonl")
    assert all(r.passed for r in results), [r.key for r in results if not r.passed]
    return seconds, cpu.mean, cpu.peak_mb


class Server:
    def __init__(self, sessions: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "swelancer_env.cli", "serve", "--port", "0",
             "--max-sessions", str(sessions)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        match = re.search(r"http://[\d.]+:(\d+)", self.proc.stdout.readline())
        assert match
        self.url = f"http://127.0.0.1:{match.group(1)}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


def time_shares(out: Path) -> dict[str, float]:
    """Seconds in reset (and the agent, ~0 for the oracle), plain steps, user tool, grading."""
    shares = {"reset and the agent": 0.0, "steps": 0.0, "user tool": 0.0, "grading": 0.0}
    for result in read_results(out / "results.jsonl"):
        stepped = 0.0
        lines = (out / result.trajectory).read_text().splitlines()[1:] if result.trajectory else []
        for line in lines:
            step = json.loads(line)
            seconds = float(step.get("timings", {}).get("step_s", 0.0))
            stepped += seconds
            kind = step.get("action_type")
            key = ("grading" if kind in ("submit", "choose_proposal")
                   else "user tool" if kind == "user_tool" else "steps")  # fmt: skip
            shares[key] += seconds
        shares["reset and the agent"] += max(0.0, result.seconds - stepped)
    return shares


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--attempts", type=int, default=1)
    p.add_argument("--tasks", nargs="+")
    p.add_argument("--ways", nargs="+", default=["process", "ray", "server"])
    p.add_argument("--think", type=float, default=0.0, help="seconds before each oracle action")
    args = p.parse_args()
    tasks = args.tasks or [t.id for t in list_tasks()]
    n = len(tasks) * args.attempts
    rows, figures = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for way in args.ways:
            for workers in (1, 2):
                out = root / f"{way}-{workers}"
                if way == "server":
                    server = Server(workers)
                    try:
                        seconds, cpu, mem = run(
                            out, tasks, args.attempts, workers, args.think, server=server.url
                        )
                    finally:
                        server.stop()
                elif way == "ray":
                    seconds, cpu, mem = run(
                        out, tasks, args.attempts, workers, args.think, executor="ray"
                    )
                else:
                    seconds, cpu, mem = run(out, tasks, args.attempts, workers, args.think)
                figures[(way, workers)] = seconds
                rows.append((way, workers, seconds, 60 * n / seconds, cpu, mem))
                print(f"{way} x{workers}: {seconds:.1f} s, CPU {cpu:.0%}, {mem:.0f} MB",
                      file=sys.stderr)  # fmt: skip
        shares = time_shares(root / f"{args.ways[0]}-1")
    baseline = tree_pss_mb(os.getpid())
    think = f", {args.think:g} s before each action" if args.think else ""
    print(f"oracle{think}, {len(tasks)} tasks x {args.attempts} attempt(s) = {n} episodes per "
          "run\n")  # fmt: skip
    print("| way | workers | wall s | episodes/min | speed-up 2 vs 1 | machine CPU busy "
          "| peak memory of the run's processes |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for way, workers, seconds, rate, cpu, mem in rows:
        speed = f"{figures[(way, 1)] / seconds:.2f}x" if workers == 2 else ""
        print(f"| {way} | {workers} | {seconds:.1f} | {rate:.1f} | {speed} | {cpu:.0%} "
              f"| {mem:.0f} MB |")  # fmt: skip
    total = sum(shares.values())
    print(f"\n| share of an episode's time (1 worker, {args.ways[0]}) | seconds | share |")
    print("|---|---|---|")
    for key, value in shares.items():
        print(f"| {key} | {value:.1f} | {value / total:.0%} |")
    print(f"\nmemory (PSS, shared pages counted once) of this benchmark's process alone, at "
          f"the end: {baseline:.0f} MB; a run's peak above it is what its episodes use")  # fmt: skip


if __name__ == "__main__":
    main()
