"""A process an agent leaves running: it keeps swapping the user tool's files for links.

Run as ``python swapper.py TREE OUTSIDE SECONDS``: every name the harness writes in each call
folder of ``TREE/.swelancer/user_tool/`` becomes, again and again, a symlink to the same name in
``OUTSIDE`` (or a FIFO, every other round), and the next call's folder a link to ``OUTSIDE``. A
harness that writes by path writes through one of them into ``OUTSIDE``, or hangs on a FIFO.
"""

import os
import sys
import time

NAMES = [
    "console.log", "report.txt", "user_tool.py", "events.jsonl", "trace.zip",
    "step-01.png", "step-02.png", "error.png", ".gitignore",
]  # fmt: skip


def main() -> None:
    tree, outside, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    base = os.path.join(tree, ".swelancer", "user_tool")
    end, rounds = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        rounds += 1
        try:
            calls = sorted((c for c in os.listdir(base) if c.isdigit()), key=int)
        except OSError:
            calls = []
        for call in calls:
            folder = os.path.join(base, call)
            if os.path.islink(folder):
                continue  # a link it planted itself
            for name in NAMES:
                path = os.path.join(folder, name)
                try:
                    os.unlink(path)
                except OSError:
                    pass
                try:
                    if rounds % 2:
                        os.symlink(os.path.join(outside, name), path)
                    else:
                        os.mkfifo(path)
                except OSError:
                    pass
        nxt = os.path.join(base, str(1 + max(map(int, calls), default=0)))
        try:
            os.symlink(outside, nxt)
        except OSError:
            pass
        top = os.path.join(tree, ".swelancer", ".gitignore")
        try:
            os.unlink(top)
            os.symlink(os.path.join(outside, "gitignore"), top)
        except OSError:
            pass
        time.sleep(0.001)


if __name__ == "__main__":
    main()
