"""Timing of the local sandbox: a no-op shell step, and a reset (materialize + start).

Run (after ``pip install -e .``, or with ``PYTHONPATH=.``)::

    python benchmarks/bench_sandbox.py [--app tasks/apps/tally] [--steps 500] [--resets 30] \
        [--isolation auto|bwrap|none]

Prints a markdown table. Without ``--app`` it builds a synthetic app of ``--files`` small files.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from swelancer_env.backends.local.sandbox import LocalSandbox
from swelancer_env.sandbox.worktree import build_starting_state, diff_tree
from swelancer_env.tasks.model import Task


def synthetic_app(root: Path, files: int) -> Path:
    """An app of ``files`` small source files in nested folders."""
    app = root / "app"
    for i in range(files):
        path = app / f"pkg{i % 10}" / f"sub{i % 7}" / f"mod{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"def f{j}(x):\n    return x + {j}\n\n" for j in range(20)))
    return app


def stats(seconds: list[float]) -> tuple[float, float]:
    """Median and 99th percentile in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return statistics.median(ms), p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--app", type=Path, help="an app folder (default: a synthetic app)")
    parser.add_argument("--files", type=int, default=300, help="files of the synthetic app")
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--resets", type=int, default=30)
    parser.add_argument("--temp-root", type=Path, help="where to put the sandboxes (e.g. /dev/shm)")
    parser.add_argument(
        "--isolation", choices=["auto", "bwrap", "none"], default="auto", help="of the shell"
    )
    args = parser.parse_args()
    opts = {"isolation": args.isolation}

    with tempfile.TemporaryDirectory(prefix="swelancer-bench-", dir=args.temp_root) as tmp:
        root = Path(tmp)
        app = args.app.resolve() if args.app else synthetic_app(root, args.files)
        task = Task(
            id="bench", app=app.name, variant="ic_swe", price=1, title="bench", category="feature"
        )
        started = time.perf_counter()
        state = build_starting_state(task, app, root / "cache")
        build_s = time.perf_counter() - started
        n_files = sum(1 for p in state.tree.rglob("*") if p.is_file() and ".git" not in p.parts)

        rows = []
        with LocalSandbox(state, temp_root=root, **opts) as sandbox:
            isolation = sandbox.isolation
            for _ in range(20):
                sandbox.run("true", timeout=10)
            steps = []
            for _ in range(args.steps):
                t = time.perf_counter()
                sandbox.run("true", timeout=10)
                steps.append(time.perf_counter() - t)
            rows.append((f"shell step `true` ({args.steps} runs)", *stats(steps)))
            sandbox.run("echo change >> $(git ls-files | head -1)", timeout=10)
            diffs = []
            for _ in range(20):
                t = time.perf_counter()
                diff_tree(sandbox.tree, sandbox.private_git)
                diffs.append(time.perf_counter() - t)
            rows.append(("diff of a one-file change (20 runs)", *stats(diffs)))

        resets, materialize, starts = [], [], []
        for _ in range(args.resets):
            t = time.perf_counter()
            sandbox = LocalSandbox(state, temp_root=root, **opts)
            materialize.append(time.perf_counter() - t)
            sandbox.start()
            resets.append(time.perf_counter() - t)
            starts.append(resets[-1] - materialize[-1])
            sandbox.stop()
        rows.append((f"materialize ({args.resets} runs)", *stats(materialize)))
        rows.append((f"start bash ({args.resets} runs)", *stats(starts)))
        rows.append((f"reset: materialize + start bash ({args.resets} runs)", *stats(resets)))

    print(
        f"app: {app.name}, {n_files} files; first build of its starting state {build_s:.3f} s; "
        f"isolation: {isolation}\n"
    )
    print("| what | median ms | p99 ms |")
    print("| --- | ---: | ---: |")
    for name, median, p99 in rows:
        print(f"| {name} | {median:.3f} | {p99:.3f} |")


if __name__ == "__main__":
    main()
