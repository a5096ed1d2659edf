"""An app's build and npm dependencies: installed once, shared read-only, run before each start."""

from __future__ import annotations

import os
import subprocess
import urllib.request
from pathlib import Path

import pytest

from swelancer_env.appdeps import build_env, deps_dir, prepare
from swelancer_env.appserver import AppServer
from swelancer_env.errors import AppStartError
from swelancer_env.sandbox.isolation import bwrap_available
from swelancer_env.tasks.loader import load_app
from swelancer_env.tasks.model import App

SERVE = """\
import sys
from http.server import HTTPServer, SimpleHTTPRequestHandler
HTTPServer(("127.0.0.1", int(sys.argv[1])), SimpleHTTPRequestHandler).serve_forever()
"""


def _app(tmp_path: Path, build: str) -> tuple[App, Path]:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "server.py").write_text(SERVE)
    (tree / "page.txt").write_text("source\n")
    app = App(name="built", root=tree, start="python3 server.py {port}", build=build)
    return app, tree


def test_the_build_runs_in_the_tree_before_the_app_starts(tmp_path: Path) -> None:
    app, tree = _app(tmp_path, "mkdir -p dist && tr a-z A-Z < page.txt > dist/page.txt")
    with AppServer(app, tree) as server:
        with urllib.request.urlopen(server.url + "/dist/page.txt") as resp:
            assert resp.read() == b"SOURCE\n"
        assert server.build_seconds > 0


def test_a_failed_build_is_a_failed_start_with_its_output(tmp_path: Path) -> None:
    app, tree = _app(tmp_path, "echo 'error: unexpected token in page.txt' >&2; exit 3")
    server = AppServer(app, tree)
    with pytest.raises(AppStartError) as err:
        server.start()
    message = str(err.value)
    assert "build" in message and "exit 3" in message
    assert "unexpected token in page.txt" in message
    assert not server.is_alive() and server._tmp is None  # nothing left behind


@pytest.mark.skipif(not bwrap_available(), reason="needs bubblewrap")
def test_the_build_is_isolated_like_the_app(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    app, tree = _app(tmp_path, f"echo pwned > {outside} 2>/dev/null; echo built > built.txt")
    with AppServer(app, tree):
        pass
    assert not outside.exists()  # only the tree and the app's home are writable
    assert (tree / "built.txt").read_text() == "built\n"


def test_npm_dependencies_are_installed_once_and_shared(tmp_path: Path) -> None:
    app = load_app("tally")
    modules = prepare(app)  # the real npm ci, from the registry, the first time on a machine
    assert modules is not None and modules.parent == deps_dir(app)
    assert (modules / ".bin" / "esbuild").exists()
    marker = (modules / ".swelancer-ready").stat()
    assert prepare(app) == modules  # the second time, nothing is installed:
    again = (modules / ".swelancer-ready").stat()
    assert (again.st_ino, again.st_mtime_ns) == (marker.st_ino, marker.st_mtime_ns)
    env = build_env(modules, {"PATH": "/usr/bin:/bin"})
    assert env["PATH"].startswith(f"{modules / '.bin'}:") and env["NODE_PATH"] == str(modules)
    version = subprocess.run(
        ["esbuild", "--version"], env=env, capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == "0.24.2"
    assert not (app.root / "node_modules").exists()  # never in the app's (or a task's) tree


def test_without_npm_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(AppStartError, match="install Node.js and npm"):
        prepare(load_app("tally"))
    assert not list((tmp_path / "cache" / "deps").glob(".tally-*"))  # no half-made folder


def test_a_lock_that_npm_cannot_install_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "app"
    root.mkdir()
    (root / "package.json").write_text(
        '{"name": "x", "version": "1.0.0", "devDependencies": {"esbuild": "0.24.2"}}\n'
    )
    (root / "package-lock.json").write_text('{"name": "x", "lockfileVersion": 3, "packages": {}}\n')
    app = App(name="broken", root=root, start="true")
    with pytest.raises(AppStartError) as err:
        prepare(app)
    assert "npm ci" in str(err.value) and "swelancer-env prepare" in str(err.value)
    assert not (deps_dir(app) / "node_modules").exists()
    left = [n for n in os.listdir(tmp_path / "cache" / "deps") if not n.endswith(".lock")]
    assert left == []  # no half-installed folder


def test_the_agent_builds_and_type_checks_with_the_shared_dependencies() -> None:
    from swelancer_env.env import SWELancerEnv

    env = SWELancerEnv(max_steps=20)
    try:
        env.reset(options={"task_id": "desk-priority-sort"})
        obs, *_ = env.step(
            {"type": "shell", "command": "tsc -p . && echo TYPES-OK", "timeout": 120}
        )
        assert "TYPES-OK" in obs["output"], obs["output"]
        build = "esbuild frontend/src/main.tsx --bundle --outfile=/tmp/app.js && echo BUILT"
        obs, *_ = env.step({"type": "shell", "command": build, "timeout": 120})
        assert "BUILT" in obs["output"], obs["output"]
        obs, *_ = env.step({"type": "shell", "command": "ls node_modules 2>&1 | head -1"})
        assert "No such file" in obs["output"]  # beside the tree, never in it
    finally:
        env.close()
