"""How long the local backend's bounds take to stop an abusive episode, and what the agent reads.

Run (after ``pip install -e .``, or with ``PYTHONPATH=.``)::

    python benchmarks/bench_bounds.py [--task tally-split-cents] [--repeat 3]

For each abuse, in a fresh episode (``SWELancerEnv``, local backend, default limits unless
named): the seconds the step took, the seconds the next ``echo`` took (the shell goes on), and
the first line of what the agent was told. Abuses: a fork bomb, a memory bomb (with a 512 MiB
limit, to be quick), a disk fill (2 GB into one file), an output flood (200 MB on stdout), and a
200 MB file submitted in an acceptable path (the diff cap). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import time

from swelancer_env.env import SWELancerEnv

ABUSES = [
    ("fork bomb", "bomb() { bomb | bomb & }; bomb; sleep 1", None),
    ("memory bomb (512 MiB limit)", "python3 -c 'x=[]\nwhile True: x.append(bytearray(32<<20))'",
     {"memory": 512 << 20}),
    ("disk fill (2 GB into one file)", "head -c 2G /dev/zero > fill.bin; ls -l fill.bin", None),
    ("output flood (200 MB of stdout)", "yes flood | head -c 200000000", None),
    ("200 MB file submitted", "head -c 200M /dev/urandom > server/blob.bin", None),
]  # fmt: skip

NOTES = ("[out of memory", "[process limit", "File size limit", "FAILED", "characters cut")


def told(text: str) -> str:
    """The line of the output that says what stopped it."""
    for note in NOTES:  # the first kind of note found, in this order
        for line in text.splitlines():
            if note in line:
                return line.strip()[:110]
    return text.strip().splitlines()[-1][:110] if text.strip() else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", default="tally-split-cents")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"task {args.task}, backend local, {args.repeat} runs each\n")
    print("| abuse | step (s, median) | next `echo` (s) | what the agent is told |")
    print("| --- | ---: | ---: | --- |")
    for name, command, limits in ABUSES:
        steps, nexts, message = [], [], ""
        for _ in range(args.repeat):
            options = {"limits": limits} if limits else {}
            env = SWELancerEnv(task_id=args.task, sandbox_options=options)
            try:
                env.reset()
                started = time.perf_counter()
                obs, *_ = env.step({"type": "shell", "command": command, "timeout": 60})
                if name.endswith("submitted"):
                    obs, *_ = env.step({"type": "submit"})
                steps.append(time.perf_counter() - started)
                message = told(str(obs["output"]))
                if not name.endswith("submitted"):
                    started = time.perf_counter()
                    after, *_ = env.step({"type": "shell", "command": "echo alive"})
                    nexts.append(time.perf_counter() - started)
                    if "alive" not in str(after["output"]):
                        message += " (the next command failed!)"
            finally:
                env.close()
        nxt = f"{statistics.median(nexts):.3f}" if nexts else "(episode over)"
        print(f"| {name} | {statistics.median(steps):.2f} | {nxt} | `{message}` |")


if __name__ == "__main__":
    main()
