"""An app's regression suite: recorded coverage, the tests a diff's lines choose, and a grading
that fails a fix which breaks what the task's own tests do not look at."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.grading.coverage import (
    Coverage,
    changed_lines,
    compress,
    executed_source_lines,
    expand,
    record,
    select,
)
from swelancer_env.grading.gold import gold_diff
from swelancer_env.grading.regression import suite_task
from swelancer_env.tasks.loader import load_task_dir


def test_line_sets_round_trip():
    lines = {1, 2, 3, 7, 9, 10}
    assert compress(lines) == "1-3,7,9-10"
    assert expand(compress(lines)) == lines
    assert expand("") == set()


def test_block_coverage_maps_through_the_source_map_to_the_lines_that_ran():
    bundle = "a();\nb();\nc();\n"
    # generated lines 0, 1, 2 come from source lines 0, 4, 5 of x.ts (0-based)
    source_map = {"sources": ["x.ts"], "mappings": "AAAA;AAIA;AACA"}
    functions = [
        {"ranges": [{"startOffset": 0, "endOffset": 15, "count": 1}]},
        {"ranges": [{"startOffset": 5, "endOffset": 9, "count": 0}]},  # b() never ran
    ]
    assert executed_source_lines(bundle, source_map, functions) == {"x.ts": {1, 6}}


def test_a_line_whose_function_never_ran_is_not_run_by_the_page_load():
    """``updated: (a, b) => ...`` in an object the bundle builds as it loads: every page load
    runs the top level of that line, only a test that sorts runs its function."""
    bundle = "x = { k: () => 1 };\n"
    source_map = {"sources": ["t.ts"], "mappings": "AAAA,SAAA"}  # columns 0 and 9: line 1
    top = {"ranges": [{"startOffset": 0, "endOffset": 20, "count": 1}]}
    never = {"ranges": [{"startOffset": 9, "endOffset": 17, "count": 0}]}
    called = {"ranges": [{"startOffset": 9, "endOffset": 17, "count": 2}]}
    assert executed_source_lines(bundle, source_map, [top, never]) == {}
    assert executed_source_lines(bundle, source_map, [top, called]) == {"t.ts": {1}}
    assert executed_source_lines(bundle, source_map, [top]) == {"t.ts": {1}}  # top level only


def _diff(path: str, old: list[str], new: list[str]) -> str:
    """A one-file git diff via git itself."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        subprocess.run(["git", "init", "-q"], cwd=work, check=True)
        (work / path).write_text("".join(line + "\n" for line in old))
        subprocess.run(["git", "add", "-A"], cwd=work, check=True)
        (work / path).write_text("".join(line + "\n" for line in new))
        return subprocess.run(
            ["git", "diff"], cwd=work, check=True, capture_output=True, text=True
        ).stdout


def test_changed_lines_are_mapped_back_through_the_bug_patch():
    clean = [f"line {n}" for n in range(1, 21)]
    # the bug: three lines inserted after line 5 of the clean file
    start = clean[:5] + ["bug a", "bug b", "bug c"] + clean[5:]
    bug = _diff("f.py", clean, start)
    # the agent changes starting-state line 15 (clean line 12) ...
    edited = list(start)
    edited[14] = "changed"
    assert changed_lines(_diff("f.py", start, edited), bug, window=0) == {"f.py": {12}}
    # ... or a line of the bug itself: the clean lines it stands for (around the insertion)
    edited = list(start)
    edited[6] = "changed"
    assert changed_lines(_diff("f.py", start, edited), bug, window=0)["f.py"] <= {5, 6}


def test_selection_takes_the_tests_that_ran_a_changed_line_most_targeted_first():
    coverage = Coverage(
        tests={
            "test_a.py::test_wide": {"seconds": 0.5, "files": {"f.py": "1-20"}},
            "test_a.py::test_narrow": {"seconds": 0.5, "files": {"f.py": "10-12"}},
            "test_b.py::test_elsewhere": {"seconds": 0.5, "files": {"g.py": "1-5"}},
        },
        startup={"g.py": "1"},
    )
    old = [f"x{n}" for n in range(1, 21)]
    new = list(old)
    new[10] = "changed"  # line 11
    diff = _diff("f.py", old, new)
    assert select(coverage, diff, "", budget_s=5, most=4) == [
        "test_a.py::test_narrow",
        "test_a.py::test_wide",
    ]
    assert select(coverage, diff, "", budget_s=5, most=1) == ["test_a.py::test_narrow"]
    # a change to a line run as the server started reaches every test, the targeted first
    g_old = ["top = 1", "b", "c", "d", "e"]
    g_diff = _diff("g.py", g_old, ["top = 2", *g_old[1:]])
    chosen = select(coverage, g_diff, "", budget_s=5, most=4)
    assert chosen[0] == "test_b.py::test_elsewhere" and len(chosen) == 3


# -- for real: a suite recorded on an app, then a grading ---------------------------------------

FAREWELL_SERVER = """\
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from greeting import GREETING
from farewell import farewell


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def _send(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/api/farewell":
            self._send({"farewell": farewell()})
        else:
            self._send({"ok": True, "greeting": GREETING})

    def do_POST(self):
        self._send({"ok": True})


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


@pytest.fixture
def mini_with_suite(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini app with a second route (its code in farewell.py) and a regression suite that
    checks both routes."""
    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(mini_root))
    app = mini_root / "apps" / "mini"
    (app / "server.py").write_text(FAREWELL_SERVER)
    (app / "farewell.py").write_text('def farewell():\n    word = "bye"\n    return word\n')
    tests = mini_root / "regression" / "mini" / "tests"
    tests.mkdir(parents=True)
    (tests / "conftest.py").write_text("WORD = 'bye'\n")
    (tests / "test_routes.py").write_text(
        "def test_farewell_says_bye(api):\n"
        "    status, body = api.get('/api/farewell')\n"
        "    assert body['farewell'] == 'bye', f'the farewell route says {body}'\n"
        "\n"
        "def test_greeting_answers(api):\n"
        "    assert api.get('/api/greeting')[0] == 200\n"
    )
    return mini_root


@pytest.mark.browser
def test_a_fix_that_breaks_another_route_fails_naming_the_regression(mini_with_suite: Path):
    path = record("mini", root=mini_with_suite)
    coverage = Coverage.load(path.parent)
    assert coverage is not None
    assert set(coverage.tests) == {
        "test_routes.py::test_farewell_says_bye",
        "test_routes.py::test_greeting_answers",
    }
    # only the farewell test ran farewell()'s body; the greeting is the server's top level
    assert coverage.lines("test_routes.py::test_farewell_says_bye", "farewell.py") >= {2, 3}
    assert coverage.lines("test_routes.py::test_greeting_answers", "farewell.py") == set()
    assert "greeting.py" in coverage.startup
    assert json.loads(path.read_text())["app"] == "mini"

    task = load_task_dir(mini_with_suite / "mini" / "mini-greeting")
    gold = gold_diff(task)
    breaks_farewell = (
        "diff --git a/farewell.py b/farewell.py\n--- a/farewell.py\n+++ b/farewell.py\n"
        '@@ -1,3 +1,3 @@\n def farewell():\n-    word = "bye"\n+    word = "ciao"\n     return word\n'
    )
    grader = LocalGrader()
    try:
        good = grader.grade(task, gold)
        bad = grader.grade(task, gold + breaks_farewell)
        unchecked = LocalGrader(regression=False).grade(task, gold + breaks_farewell)
    finally:
        grader.close()
    assert good.passed, good.reason
    assert good.regression_tests  # the greeting is top level: the targeted tests stand for all
    assert bad.regression_tests[0] == "test_routes.py::test_farewell_says_bye"
    assert not bad.passed and bad.earned == 0
    assert "regression test test_farewell_says_bye failed" in bad.reason
    assert any(t.name.startswith("p2p.") and t.outcome == "failed" for t in bad.tests)
    # without the regression tests, the task's own tests would have paid it
    assert unchecked.passed


def test_an_app_without_a_suite_says_where_it_looked(mini_root: Path):
    from swelancer_env.errors import TaskFormatError

    with pytest.raises(TaskFormatError, match="has no regression suite"):
        suite_task("mini", mini_root)


@pytest.mark.docker
@pytest.mark.browser
def test_the_docker_grader_runs_the_same_regression_tests(mini_with_suite: Path, engine: str):
    from swelancer_env.backends.docker.grader import DockerGrader

    record("mini", root=mini_with_suite)
    task = load_task_dir(mini_with_suite / "mini" / "mini-greeting")
    breaks_farewell = (
        "diff --git a/farewell.py b/farewell.py\n--- a/farewell.py\n+++ b/farewell.py\n"
        '@@ -1,3 +1,3 @@\n def farewell():\n-    word = "bye"\n+    word = "ciao"\n     return word\n'
    )
    grader = DockerGrader(image=engine, memory="1g")
    try:
        bad = grader.grade(task, gold_diff(task) + breaks_farewell)
    finally:
        grader.close()
    assert bad.infra_error is None, bad.infra_error
    assert bad.regression_tests[0] == "test_routes.py::test_farewell_says_bye"
    assert not bad.passed and "regression test test_farewell_says_bye failed" in bad.reason


def test_the_backends_take_the_setting(mini_root: Path) -> None:
    from swelancer_env.backends import make_backend

    assert make_backend({"type": "local"}).grader().regression is True
    assert make_backend({"type": "local", "regression_tests": False}).grader().regression is False
    docker = make_backend({"type": "docker", "regression_tests": False}).grader()
    assert docker.regression is False
    docker.close()


def test_selection_looks_at_every_place_the_diff_changes() -> None:
    """A fix in one file and a change far from it in another: the second place gets a test of
    its own even when the first one's tests would fill the budget."""
    coverage = Coverage(
        tests={
            f"test_fix.py::test_{n}": {"seconds": 0.5, "files": {"fix.py": "1-30"}}
            for n in range(6)
        }
        | {"test_far.py::test_search": {"seconds": 0.5, "files": {"far.py": "1-9"}}},
        startup={},
    )
    lines = [f"x{n}" for n in range(1, 31)]
    fix = _diff("fix.py", lines, ["changed", *lines[1:]])
    far = _diff("far.py", lines[:9], [*lines[:4], "changed", *lines[5:9]])
    chosen = select(coverage, fix + far, "", budget_s=2, most=4)
    assert "test_far.py::test_search" in chosen and len(chosen) == 4


def test_a_line_one_test_ran_weighs_more_than_one_every_test_ran() -> None:
    """The task's fix sits next to a change of another sort's comparator: the one test that
    sorts that way is taken, not the cheapest of the many that load the module."""
    every = {
        f"test_page.py::test_{n}": {"seconds": 0.4, "files": {"t.ts": "1-5,10"}} for n in range(8)
    }
    coverage = Coverage(
        tests=every
        | {
            "test_sort.py::test_by_update": {"seconds": 1.2, "files": {"t.ts": "1-5,10-11"}},
            "test_sort.py::test_by_priority": {"seconds": 0.9, "files": {"t.ts": "1-5,10,12"}},
        },
        startup={},
    )
    old = [f"line{n}" for n in range(1, 16)]
    new = list(old)
    new[10], new[11] = "updated changed", "priority fixed"  # lines 11 and 12
    chosen = select(coverage, _diff("t.ts", old, new), "", budget_s=2.5, most=4)
    assert chosen[:2] == ["test_sort.py::test_by_update", "test_sort.py::test_by_priority"] or (
        chosen[:2] == ["test_sort.py::test_by_priority", "test_sort.py::test_by_update"]
    )


def test_coverage_is_read_once_per_version_of_its_file(tmp_path: Path) -> None:
    """Every grading of an app's tasks asks for its coverage: the file is parsed once, and
    again only when it changes (a new recording)."""
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps({"tests": {"t.py::a": {"seconds": 1, "files": {"f": "1-2"}}}}))
    first = Coverage.load(tmp_path)
    assert first is not None and Coverage.load(tmp_path) is first
    assert first.lines("t.py::a", "f") == {1, 2} and first.total_lines == {"t.py::a": 2}
    path.write_text(json.dumps({"tests": {"t.py::b": {"seconds": 1, "files": {"f": "3"}}}}))
    second = Coverage.load(tmp_path)
    assert second is not first and second is not None and set(second.tests) == {"t.py::b"}
    assert Coverage.load(tmp_path / "nowhere") is None


def test_a_server_script_without_a_source_map_maps_onto_itself():
    from swelancer_env.grading.coverage import _identity_map

    script = "function a() {\n  return 1;\n}\nfunction b() {\n  return 2;\n}\na();\n"
    # V8's block coverage: the script ran, a() ran, b() never did
    functions = [
        {"ranges": [{"startOffset": 0, "endOffset": len(script), "count": 1}]},
        {"ranges": [{"startOffset": 0, "endOffset": 28, "count": 1}]},
        {"ranges": [{"startOffset": 29, "endOffset": 57, "count": 0}]},
    ]
    lines = executed_source_lines(script, _identity_map("server.js", script), functions)
    assert lines == {"server.js": {1, 2, 3, 7}}
