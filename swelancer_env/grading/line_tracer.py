"""Run a Python app server and record the lines of its own files that run, test by test.

``python3 line_tracer.py OUT_DIR SCRIPT ARGS...`` runs ``SCRIPT`` as ``__main__`` (with
``ARGS``) under a line tracer limited to files below the working directory. On ``SIGUSR2`` it
writes the lines run since the last signal to ``OUT_DIR/<label>.lines.json`` (the label read
from ``OUT_DIR/label``), starts afresh, and writes ``OUT_DIR/<label>.done``. Its pid is in
``OUT_DIR/server.pid``.

Standard library only: it runs under the app's own Python, for a recording on the clean tree
(:mod:`swelancer_env.grading.coverage`), never during a grading.
"""

from __future__ import annotations

import json
import os
import runpy
import signal
import sys
import threading

ROOT = os.getcwd() + os.sep
_lines: dict[str, set[int]] = {}
_lock = threading.Lock()
_out = ""


def _local(frame, event, arg):  # noqa: ANN001, ANN202 - sys.settrace's signature
    if event == "line":
        path = frame.f_code.co_filename
        lines = _lines.get(path)
        if lines is None:
            with _lock:
                lines = _lines.setdefault(path, set())
        lines.add(frame.f_lineno)
    return _local


def _global(frame, event, arg):  # noqa: ANN001, ANN202
    path = frame.f_code.co_filename
    if path.startswith(ROOT):
        _local(frame, "line", arg)  # the def line: the function was called
        return _local
    return None


def _dump(_signum, _frame):  # noqa: ANN001, ANN202
    global _lines
    with _lock:
        taken, _lines = _lines, {}
    out = _out
    with open(os.path.join(out, "label"), encoding="utf-8") as f:
        label = f.read().strip()
    data = {p[len(ROOT) :]: sorted(n) for p, n in taken.items() if p.startswith(ROOT)}
    with open(os.path.join(out, f"{label}.lines.json"), "w", encoding="utf-8") as f:
        json.dump(data, f)
    open(os.path.join(out, f"{label}.done"), "w").close()


def main() -> None:
    global _out
    out, script = sys.argv[1], sys.argv[2]
    _out = out
    with open(os.path.join(out, "server.pid"), "w", encoding="utf-8") as f:
        f.write(str(os.getpid()))
    signal.signal(signal.SIGUSR2, _dump)
    sys.argv = [script, *sys.argv[3:]]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    threading.settrace(_global)
    sys.settrace(_global)
    # an absolute path: the code objects of the script itself then fall under ROOT too
    runpy.run_path(os.path.abspath(script), run_name="__main__")


if __name__ == "__main__":
    main()
