"""The task factory's figures: what it made of each app, its cost, and resets of a big split.

    .venv/bin/python benchmarks/bench_factory.py yield desk tally board
    .venv/bin/python benchmarks/bench_factory.py throughput desk --count 16 --workers 1 2
    .venv/bin/python benchmarks/bench_factory.py resets --size 5000 --resets 30

``yield``: from each app's journal (every candidate the factory proved, in the cache): tried,
validated and rejected per change kind, the gradings and seconds spent, and the tasks in the
app's store. ``throughput``: a fresh run of ``--count`` candidates with each number of workers
(in a journal of its own, so nothing is skipped): candidates and validated tasks a minute, wall
and CPU seconds (this process and its children: apps, pytest, Chromium) per validated task.
``resets``: a store of ``--size`` generated tasks (copies of the first app's records under new
ids, in a temporary tasks root), then ``gym.make(split="synth-train")`` resets: the index read
once, each reset laying out only the task it draws: seeded resets (each draws a task never laid
out, built at the reset), unseeded ones ``--episode-s`` apart (the env makes its next draw ready
meanwhile, as during an agent's episode), and resets of tasks laid out before.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cmd_yield(args: argparse.Namespace) -> None:
    from swelancer_env.factory.cli import summarize
    from swelancer_env.factory.journal import Journal
    from swelancer_env.factory.probe import REJECTIONS
    from swelancer_env.factory.run import journal_path
    from swelancer_env.tasks.loader import tasks_root
    from swelancer_env.tasks.synth import read_store

    statuses = ["validated", *REJECTIONS]
    print("| app | kind | tried | " + " | ".join(statuses) + " |")
    print("| --- | --- | ---: | " + " | ".join("---:" for _ in statuses) + " |")
    totals = {}
    for app in args.apps:
        proofs = Journal(journal_path(app)).read()
        s = summarize(proofs)
        for kind, counts in s["by_kind"].items():
            tried = sum(counts.values())
            print(f"| {app} | {kind} | {tried} | " + " | ".join(str(counts.get(k, 0)) for k in statuses) + " |")  # fmt: skip
        all_counts = s["by_status"]
        print(f"| **{app}** | **all** | **{s['tried']}** | " + " | ".join(f"**{all_counts.get(k, 0)}**" for k in statuses) + " |")  # fmt: skip
        records = read_store(tasks_root() / "synth" / app)
        totals[app] = (s, records)
    print()
    print("| app | tasks written | synth-train | synth-val | dollars | gradings | proving s (summed over workers) | s per validated |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for app, (s, records) in totals.items():
        split = Counter(r.split for r in records)
        ok = s["by_status"].get("validated", 0) or 1
        print(f"| {app} | {len(records)} | {split['synth-train']} | {split['synth-val']} | "
              f"${sum(r.price for r in records):,.0f} | {s['gradings']} | {s['seconds']:.0f} | "
              f"{s['seconds'] / ok:.1f} |")  # fmt: skip


def cmd_throughput(args: argparse.Namespace) -> None:
    from swelancer_env.factory.run import make

    print("| app | workers | candidates | validated | wall s | candidates/min | validated/min | CPU s per validated |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            run = make(args.app, args.count, seed=args.seed, workers=workers,
                       journal=Path(tmp) / "proofs.jsonl")  # fmt: skip
        ok = sum(p.status == "validated" for p in run.proofs)
        print(f"| {args.app} | {workers} | {len(run.proofs)} | {ok} | {run.seconds:.0f} | "
              f"{len(run.proofs) / run.seconds * 60:.1f} | {ok / run.seconds * 60:.2f} | "
              f"{run.cpu_seconds / max(ok, 1):.0f} |")  # fmt: skip


def cmd_resets(args: argparse.Namespace) -> None:
    import gymnasium as gym

    import swelancer_env  # noqa: F401  (registers swelancer/SWELancer-v0)
    from swelancer_env.tasks.loader import BUNDLED_TASKS
    from swelancer_env.tasks.synth import read_store, write_store

    source = read_store(BUNDLED_TASKS / "synth" / args.app)
    if not source:
        raise SystemExit(f"no generated tasks of {args.app}: run `swelancer-env factory make {args.app}`")  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="bench-synth-"))
    try:
        for sub in ("apps", "regression"):
            (tmp / sub).mkdir()
            (tmp / sub / args.app).symlink_to(BUNDLED_TASKS / sub / args.app)
        records = []
        for n in range(args.size):
            r = source[n % len(source)].model_copy(update={"id": f"{args.app}-synth-b{n:09d}", "split": "synth-train"})  # fmt: skip
            records.append(r)
        write_store(tmp / "synth" / args.app, records)
        size_mb = (tmp / "synth" / args.app / "tasks.jsonl").stat().st_size / 1e6
        os.environ["SWELANCER_TASKS_DIR"] = str(tmp)
        os.environ["SWELANCER_CACHE"] = str(tmp / "cache")
        started = time.perf_counter()
        env = gym.make("swelancer/SWELancer-v0", split="synth-train")
        made = time.perf_counter() - started
        env.reset(seed=0)  # the app's starting state is built once (as for every task)
        cold, ahead, warm = [], [], []
        rng = random.Random(1)
        try:
            for _ in range(args.resets):
                t = time.perf_counter()
                env.reset(seed=rng.randrange(1 << 30))
                cold.append(time.perf_counter() - t)
            for _ in range(args.resets):  # unseeded: the draw made ready during the episode
                time.sleep(args.episode_s)
                t = time.perf_counter()
                env.reset()
                ahead.append(time.perf_counter() - t)
            for _ in range(args.resets):  # the same draws again: laid out already
                t = time.perf_counter()
                env.reset(options={"task_id": env.unwrapped.task.id})
                warm.append(time.perf_counter() - t)
        finally:
            env.close()
        ms = 1000
        print(f"store: {args.size} tasks, {size_mb:.1f} MB of JSONL; gym.make with the split: {made * ms:.0f} ms")  # fmt: skip
        print("| reset | median | p90 | max | n |")
        print("| --- | ---: | ---: | ---: | ---: |")
        rows = (("a task drawn for the first time, seeded (laid out now)", cold),
                (f"a task drawn for the first time, unseeded, {args.episode_s:g} s after the last reset (made ready meanwhile)", ahead),
                ("a task laid out before", warm))  # fmt: skip
        for name, xs in rows:
            xs = sorted(xs)
            print(f"| {name} | {statistics.median(xs) * ms:.0f} ms | {xs[int(len(xs) * 0.9)] * ms:.0f} ms | {xs[-1] * ms:.0f} ms | {len(xs)} |")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = p.add_subparsers(dest="cmd", required=True)
    y = sub.add_parser("yield")
    y.add_argument("apps", nargs="+")
    y.set_defaults(func=cmd_yield)
    t = sub.add_parser("throughput")
    t.add_argument("app")
    t.add_argument("--count", type=int, default=16)
    t.add_argument("--seed", type=int, default=100)
    t.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    t.set_defaults(func=cmd_throughput)
    r = sub.add_parser("resets")
    r.add_argument("--app", default="desk")
    r.add_argument("--size", type=int, default=5000)
    r.add_argument("--resets", type=int, default=30)
    r.add_argument("--episode-s", type=float, default=1.0,
                   help="seconds between unseeded resets (an episode; the next draw is made ready meanwhile)")  # fmt: skip
    r.set_defaults(func=cmd_resets)
    args = p.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
