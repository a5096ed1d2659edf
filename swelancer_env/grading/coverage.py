"""Which regression tests exercise which lines of an app: recorded once, read at every grading.

``record(app)`` runs the app's regression suite (:mod:`swelancer_env.grading.regression`) on
its clean tree, one test at a time, and keeps for each test the lines it ran:

- of the server, by a line tracer in the app's Python (:mod:`~swelancer_env.grading.line_tracer`,
  wrapped around the app's ``python3`` start command);
- of the frontend, by Chromium's block coverage of every page the test opened, mapped through
  the bundle's source map back to the source files (the bundle is rebuilt with ``--sourcemap``).

The result is ``<root>/regression/<app>/coverage.json``: for each test, its recorded seconds
and, per file of the app, the ranges of lines it ran. :func:`select` reads it to choose, for a
submitted diff, the tests that ran a line the diff changes (mapped from the task's starting
state to the clean tree through ``bug.patch``).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from swelancer_env.grading.ablation import FileDiff, split_diff
from swelancer_env.tasks.model import App

__all__ = [
    "Coverage",
    "changed_lines",
    "compress",
    "decode_mappings",
    "executed_source_lines",
    "expand",
    "record",
    "select",
]

COVERAGE_FILE = "coverage.json"


# -- line sets on disk: "1-4,9,12-13" -----------------------------------------------------------


def compress(lines: set[int]) -> str:
    out, run = [], None
    for n in sorted(lines):
        if run and n == run[1] + 1:
            run[1] = n
        else:
            if run:
                out.append(f"{run[0]}-{run[1]}" if run[1] > run[0] else str(run[0]))
            run = [n, n]
    if run:
        out.append(f"{run[0]}-{run[1]}" if run[1] > run[0] else str(run[0]))
    return ",".join(out)


def expand(text: str) -> set[int]:
    lines: set[int] = set()
    for part in filter(None, text.split(",")):
        a, _, b = part.partition("-")
        lines.update(range(int(a), int(b or a) + 1))
    return lines


# -- the frontend: V8 block coverage through a source map ---------------------------------------

_B64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64 = {c: i for i, c in enumerate(_B64_CHARS)}


def _vlq(segment: str) -> list[int]:
    values, shift, value = [], 0, 0
    for ch in segment:
        digit = _B64[ch]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        shift = value = 0
    return values


def decode_mappings(mappings: str) -> list[tuple[int, int, int, int]]:
    """A source map's ``mappings``: (generated line, generated column, source index, source
    line), 0-based, in generated order."""
    out = []
    src = src_line = 0
    for gen_line, line in enumerate(mappings.split(";")):
        col = 0
        for seg in filter(None, line.split(",")):
            v = _vlq(seg)
            col += v[0]
            if len(v) >= 4:
                src += v[1]
                src_line += v[2]
                out.append((gen_line, col, src, src_line))
    return out


def _utf16_line_starts(text: str) -> list[int]:
    starts, offset = [0], 0
    for line in text.split("\n"):
        offset += len(line.encode("utf-16-le")) // 2 + 1
        starts.append(offset)
    return starts


def executed_source_lines(
    bundle: str, source_map: dict, functions: list[dict]
) -> dict[str, set[int]]:
    """The source lines (1-based, per source path as the map names it) whose generated code
    ran, from V8's precise coverage ``functions`` of ``bundle`` (block granularity): a position
    ran if the innermost coverage range holding it has a count above 0.

    A line that only the script's top level ran while a function on it never ran (``updated:
    (a, b) => ...`` in an object built as the bundle loads) does not count: every page load
    runs the top level, and the change a test should look at is the function's.
    """
    # the script's own top level: the range that starts at 0 and holds all the others
    top = max((r["endOffset"] for f in functions for r in f["ranges"] if r["startOffset"] == 0),
              default=-1)  # fmt: skip
    ranges = sorted(
        ((r["startOffset"], r["endOffset"], r["count"]) for f in functions for r in f["ranges"]),
        key=lambda r: (r[0], -r[1]),
    )
    starts = _utf16_line_starts(bundle)
    points = sorted(
        (starts[g_line] + g_col, s, s_line)
        for g_line, g_col, s, s_line in decode_mappings(source_map.get("mappings", ""))
        if g_line < len(starts)
    )
    sources = source_map.get("sources", [])
    # per (source, line): ran inside a function, ran at the top level, a function did not run
    seen: dict[tuple[int, int], list[bool]] = {}
    stack: list[tuple[int, int, int]] = []
    i = 0
    for offset, s, s_line in points:
        while i < len(ranges) and ranges[i][0] <= offset:
            while stack and stack[-1][1] <= ranges[i][0]:
                stack.pop()
            stack.append(ranges[i])
            i += 1
        while stack and stack[-1][1] <= offset:
            stack.pop()
        if not stack or s >= len(sources):
            continue
        start, end, count = stack[-1]
        at_top = start == 0 and end == top
        flags = seen.setdefault((s, s_line), [False, False, False])
        if count > 0:
            flags[1 if at_top else 0] = True
        elif not at_top:
            flags[2] = True
    out: dict[str, set[int]] = {}
    for (s, s_line), (inside, at_top, unrun) in seen.items():
        if inside or (at_top and not unrun):
            out.setdefault(sources[s], set()).add(s_line + 1)
    return out


# -- selection ----------------------------------------------------------------------------------


@dataclass
class Coverage:
    """An app's recorded coverage: per test id, its seconds and its lines per file."""

    tests: dict[str, dict]
    #: the server's lines run as it started (its modules' top level: no test's own)
    startup: dict[str, str]
    #: the line sets already expanded from ``tests`` (a grading asks for the same ones again)
    _lines: dict[tuple[str, str], set[int]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, folder: Path) -> Coverage | None:
        """``folder``'s ``coverage.json``, read once per version of the file (every grading
        of the app's tasks asks for it)."""
        path = folder / COVERAGE_FILE
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        return _load(path, stat.st_mtime_ns, stat.st_size)

    def lines(self, test: str, path: str) -> set[int]:
        key = (test, path)
        if key not in self._lines:
            self._lines[key] = expand(self.tests[test]["files"].get(path, ""))
        return self._lines[key]

    @functools.cached_property
    def total_lines(self) -> dict[str, int]:
        """How many lines each test ran in all (fewer: a more targeted test)."""
        return {
            test: sum(len(expand(r)) for r in record["files"].values())
            for test, record in self.tests.items()
        }


@functools.lru_cache(maxsize=8)
def _load(path: Path, _mtime_ns: int, _size: int) -> Coverage:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Coverage(data["tests"], data.get("startup", {}))


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _to_clean(line: int, bug: FileDiff | None) -> tuple[int, int]:
    """A line of the starting state, as the lines of the clean tree it stands for, through the
    task's ``bug.patch`` hunks of that file (which made the starting state from the clean
    tree): a line the bug added stands for the clean lines it replaced, or those around it."""
    shift = 0
    for hunk in bug.hunks if bug is not None else []:
        m = _HUNK.match(hunk[0])
        if m is None:
            continue
        old, new = int(m.group(1)), int(m.group(3))
        if line < new:
            break
        removed: list[int] = []
        for text in hunk[1:]:
            if text.startswith("-"):
                removed.append(old)
                old += 1
            elif text.startswith("+"):
                if new == line:
                    if removed:
                        return removed[0], removed[-1]
                    return max(1, old - 1), old
                new += 1
            elif not text.startswith("\\"):
                if new == line:
                    return old, old
                old, new = old + 1, new + 1
                removed = []
        shift = old - new
    return line + shift, line + shift


def _edited_lines(hunk: list[str]) -> set[int]:
    """The old file's lines a hunk removes or changes, and for an insertion the lines around
    it (context lines are not edits)."""
    m = _HUNK.match(hunk[0])
    if m is None:
        return set()
    line = int(m.group(1))
    edited: set[int] = set()
    replacing = False  # a "+" right after "-" lines replaces them: no lines of its own
    for text in hunk[1:]:
        if text.startswith("-"):
            edited.add(line)
            line += 1
            replacing = True
        elif text.startswith("+"):
            if not replacing:
                edited.update((max(1, line - 1), line))
        elif not text.startswith("\\"):
            line += 1
            replacing = False
    return edited


def changed_lines(diff: str, bug_patch: str, window: int = 1) -> dict[str, set[int]]:
    """The clean tree's lines a diff against the starting state changes, per file (a pure
    insertion counts the lines around it; ``window`` lines around every change count too)."""
    bug = {f.path: f for f in split_diff(bug_patch)} if bug_patch.strip() else {}
    out: dict[str, set[int]] = {}
    for f in split_diff(diff):
        lines = out.setdefault(f.path, set())
        for hunk in f.hunks:
            for n in _edited_lines(hunk):
                lo, hi = _to_clean(n, bug.get(f.path))
                lines.update(range(max(1, lo - window), hi + window + 1))
    return out


def select(coverage: Coverage, diff: str, bug_patch: str, budget_s: float, most: int) -> list[str]:
    """The regression tests that ran a line ``diff`` changes, at most ``most`` of them and
    about ``budget_s`` recorded seconds.

    A changed line weighs one over the number of tests that ran it: a line every page load
    runs (a module's constants) says little about which test looks at the change, a line one
    test ran says much. The tests are taken greedily: each time the one that ran the most
    weight of the changed lines no test taken so far ran (then the most targeted: fewest lines
    run in all; one that would pass the budget is passed over), so that each place the diff
    changes gets a test of its own, a change far from the task's own too. A change to a line
    the server ran as it started (its modules' top level) reaches every test: the most
    targeted fill what is left.
    """
    changed = changed_lines(diff, bug_patch)
    lines_of = {
        test: {path: coverage.lines(test, path) for path in changed} for test in coverage.tests
    }
    runs: dict[tuple[str, int], int] = {}
    for per_path in lines_of.values():
        for path, lines in per_path.items():
            for n in lines & changed[path]:
                runs[(path, n)] = runs.get((path, n), 0) + 1

    def weight(test: str, path: str, block: set[int]) -> float:
        return sum(1 / runs[(path, n)] for n in lines_of[test][path] & block)

    totals = coverage.total_lines
    seconds = {test: record.get("seconds", 0.0) for test, record in coverage.tests.items()}
    chosen: list[str] = []
    spent = 0.0

    def take(test: str) -> None:
        nonlocal spent
        if test in chosen or len(chosen) >= most or (chosen and spent + seconds[test] > budget_s):
            return
        chosen.append(test)
        spent += seconds[test]

    # greedy cover: each time, the test that runs the most weight of what no chosen test ran
    uncovered = {(path, n) for path, lines in changed.items() for n in lines}
    while len(chosen) < most:
        gains = []
        for test in coverage.tests:
            if test in chosen:
                continue
            gain = sum(
                1 / runs[(path, n)]
                for path, lines in lines_of[test].items()
                for n in lines & changed[path]
                if (path, n) in uncovered
            )
            if gain:
                gains.append((-gain, totals[test], seconds[test], test))
        fits = [g for g in sorted(gains) if not chosen or spent + g[2] <= budget_s]
        if not fits:
            break
        test = fits[0][3]
        take(test)
        uncovered -= {(p, n) for p, lines in lines_of[test].items() for n in lines}
    at_start = any(
        expand(coverage.startup.get(path, "")) & lines for path, lines in changed.items()
    )
    hits = []
    for test in coverage.tests:
        w = sum(weight(test, path, lines) for path, lines in changed.items())
        if w:
            hits.append((0, -w, totals[test], seconds[test], test))
        elif at_start:
            hits.append((1, 0.0, totals[test], seconds[test], test))
    for *_rank, test in sorted(hits):
        take(test)
    return chosen


# -- recording ----------------------------------------------------------------------------------


#: the Node side of the line tracer: V8's block coverage, written on the same signal
V8_TRACER = Path(__file__).with_name("v8_tracer.js")


def _recording_app(app: App, out: Path) -> App:
    """``app`` with its build writing source maps and its server under a tracer: a Python one
    (``python3 SCRIPT``) under the line tracer, a Node one (``node ... SCRIPT``, a bundle with
    its source map) under :data:`V8_TRACER`."""
    from swelancer_env.grading import line_tracer

    build = app.build
    if build and "esbuild" in build and "--sourcemap" not in build:
        build = build.replace("esbuild ", "esbuild --sourcemap ")
    start = app.start
    head, _, rest = start.partition(" ")
    if head in ("python3", "python"):
        start = f"{head} {line_tracer.__file__} {out} {rest}"
    elif head == "node":
        start = f"env SWELANCER_COVERAGE_OUT={out} node --require {V8_TRACER} {rest}"
    return app.model_copy(update={"build": build, "start": start})


def _vlq_encode(value: int) -> str:
    digits = ""
    v = (-value << 1) | 1 if value < 0 else value << 1
    while True:
        digit, v = v & 31, v >> 5
        digits += _B64_CHARS[digit | (32 if v else 0)]
        if not v:
            return digits


def _identity_map(name: str, text: str) -> dict:
    """A source map of a script onto itself: each line's first non-blank column is that line."""
    segments, previous = [], 0
    for i, line in enumerate(text.split("\n")):
        col = len(line) - len(line.lstrip())
        segments.append(_vlq_encode(col) + "A" + (_vlq_encode(i - previous) if i else "A") + "A")
        previous = i
    return {"sources": [name], "mappings": ";".join(segments)}


def _bundle_lines(tree: Path, url: str, functions: list[dict]) -> dict[str, set[int]]:
    """The app's source lines a script's coverage ran, through its source map (a script of
    the app's ``dist`` with ``<name>.map`` beside it; another script counts for nothing)."""
    name = url.split("?")[0].rsplit("/", 1)[-1]
    bundles = list(tree.glob(f"**/dist/{name}"))
    if url.startswith("file://"):  # a server's script: that very file
        from urllib.parse import unquote, urlsplit

        bundles = [Path(unquote(urlsplit(url).path))]
    for bundle in bundles:
        source_map = bundle.with_name(name + ".map")
        if "node_modules" in bundle.parts or not bundle.is_file():
            continue
        text = bundle.read_text(encoding="utf-8")
        if source_map.is_file():
            smap = json.loads(source_map.read_text(encoding="utf-8"))
        elif url.startswith("file://"):  # a server's own script, not bundled: itself
            smap = _identity_map(bundle.name, text)
        else:
            continue
        out: dict[str, set[int]] = {}
        for source, lines in executed_source_lines(text, smap, functions).items():
            path = (bundle.parent / source).resolve()
            try:
                rel = path.relative_to(tree.resolve()).as_posix()
            except ValueError:
                continue
            if "node_modules/" not in rel:
                out.setdefault(rel, set()).update(lines)
        return out
    return {}


def _server_scripts(out: Path, label: str) -> list[tuple[str, list[dict]]]:
    """A Node server's scripts' coverage for ``label`` (none for another server)."""
    path = out / f"{label}.v8.json"
    return [tuple(s) for s in json.loads(path.read_text())] if path.is_file() else []  # type: ignore[misc]


def record(app_name: str, chromium: str | None = None, root: Path | None = None) -> Path:
    """Run ``app_name``'s regression suite on its clean tree with coverage, and write
    ``<suite>/coverage.json``; returns its path.

    Raises:
        TaskFormatError: the app has no regression suite.
        InfrastructureError: a test failed (the suite must pass on the clean tree) or the
            recording could not run.
    """
    import os
    import subprocess
    import sys

    from swelancer_env.appserver import AppServer
    from swelancer_env.browser.discovery import find_chromium
    from swelancer_env.errors import InfrastructureError
    from swelancer_env.grading.regression import suite_task
    from swelancer_env.sandbox.worktree import StartingState
    from swelancer_env.tasks.loader import app_of
    from swelancer_env.tempdirs import force_rmtree, make_temp_dir

    suite = suite_task(app_name, root)
    assert suite.folder is not None
    tmp = make_temp_dir("swelancer-coverage-")
    try:
        tree, out = tmp / "tree", tmp / "out"
        out.mkdir()
        StartingState.get(suite).materialize_tree(tree)
        app = _recording_app(app_of(suite), out)
        # the app's clock, as in every grading of its tasks: the server, the pages and the
        # tests' now/today read the same pinned instant
        clock = suite.clock.anchored()
        server = AppServer(app, tree, isolate=False, limits=None, clock=clock).start()
        try:
            env = {
                **os.environ,
                "SWELANCER_APP_URL": server.url,
                "SWELANCER_CHROMIUM": str(find_chromium(chromium)),
                "SWELANCER_COVERAGE_DIR": str(out),
                "TZ": "UTC",
                **clock.env(),
            }
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "tests", "-p", "swelancer_env.grading.plugin",
                 "-p", "swelancer_env.grading.coverage_recorder", "-p", "no:cacheprovider",
                 "-q", "--no-header", "-o", "console_output_style=classic",
                 "--rootdir", str(suite.folder), "-c", os.devnull],
                cwd=suite.folder, env=env, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            server.stop()
        if proc.returncode != 0:
            raise InfrastructureError(
                f"the regression suite of {app_name} did not pass on the clean tree, so its "
                f"coverage is not recorded; fix the suite first:\n{proc.stdout[-3000:]}"
            )
        tests: dict[str, dict] = {}
        n = 0
        while (out / f"{n + 1}.json").is_file():
            n += 1
            rec = json.loads((out / f"{n}.json").read_text())
            files: dict[str, set[int]] = {}
            server_lines = out / f"{n}.lines.json"
            if server_lines.is_file():
                for path, lines in json.loads(server_lines.read_text()).items():
                    files.setdefault(path, set()).update(lines)
            for url, functions in _server_scripts(out, str(n)) + rec["scripts"]:
                for path, lines in _bundle_lines(tree, url, functions).items():
                    files.setdefault(path, set()).update(lines)
            test_id = rec["id"].removeprefix("tests/")
            tests[test_id] = {
                "seconds": rec["seconds"],
                "files": {p: compress(ls) for p, ls in sorted(files.items())},
            }
        at_start: dict[str, set[int]] = {}
        if (out / "before-1.lines.json").is_file():
            for p, ls in json.loads((out / "before-1.lines.json").read_text()).items():
                at_start.setdefault(p, set()).update(ls)
        for url, functions in _server_scripts(out, "before-1"):
            for p, ls in _bundle_lines(tree, url, functions).items():
                at_start.setdefault(p, set()).update(ls)
        startup = {p: compress(ls) for p, ls in sorted(at_start.items())}
        path = suite.folder / COVERAGE_FILE
        data = {"app": app_name, "startup": startup, "tests": tests}
        tmp_path = path.with_suffix(".tmp")
        tmp_path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        tmp_path.replace(path)
        return path
    finally:
        force_rmtree(tmp)
