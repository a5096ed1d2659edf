"""Memory per live env, with the warm grading start (issue 23's rollout cost).

Run (after ``bash .ci/setup``)::

    python benchmarks/bench_env_memory.py [--envs 1 2 4] [--task tally-split-avatars]

For each N: N envs of the local backend in this one process (a rollout worker's, a vector
env's), each reset on the task; once every warm start has settled (the tree's memory stable
over 3 s), the PSS of this process and everything it started (shared pages counted once) is
read, minus what it was before the envs; that over N is the memory per live env. Then one env
submits the gold fix (it must earn) and the reading is taken again once its grading's
successor has settled. Memory does not depend on the machine's load, so this can run on a
busy machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_scaling import tree_pss_mb  # noqa: E402

from swelancer_env.env import SWELancerEnv  # noqa: E402
from swelancer_env.grading.gold import gold_diff  # noqa: E402
from swelancer_env.tasks import load_task  # noqa: E402


def settled_pss(pid: int, quiet_s: float = 3.0, limit_s: float = 60.0) -> float:
    """The tree's PSS once it has changed by less than 5 MB over ``quiet_s``."""
    deadline = time.monotonic() + limit_s
    last = tree_pss_mb(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = tree_pss_mb(pid)
        if abs(now - last) < 5:
            return now
        last = now
    return last


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--envs", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--task", default="tally-split-avatars")
    p.add_argument("--warm-browser", action="store_true",
                   help="warm_browser=True: the waiting pytest has its driver and Chromium up")  # fmt: skip
    args = p.parse_args()
    task = load_task(args.task)
    pid = os.getpid()
    backend = {"type": "local", "warm_browser": args.warm_browser}
    warmup = SWELancerEnv(task_id=task.id, backend=backend)
    warmup.reset()  # builds the starting state once
    warmup.close()
    print("| envs in one process | memory per live env (PSS), idle | after a grading | earned |")
    print("| --- | --- | --- | --- |")
    for n in args.envs:
        base = settled_pss(pid)
        envs = [SWELancerEnv(task_id=task.id, backend=backend) for _ in range(n)]
        try:
            for env in envs:
                env.reset()
            idle = (settled_pss(pid) - base) / n
            fix = gold_diff(task)
            envs[0].step({"type": "shell", "command": f"git apply <<'EOF'\n{fix}EOF"})
            _obs, reward, *_ = envs[0].step({"type": "submit"})
            after = (settled_pss(pid) - base) / n
            print(f"| {n} | {idle:.0f} MB | {after:.0f} MB | ${reward:,.0f} |", flush=True)
        finally:
            for env in envs:
                env.close()


if __name__ == "__main__":
    main()
