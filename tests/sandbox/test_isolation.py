"""The local sandbox isolated by bubblewrap: a real bwrap, a real task with a canary, real bash.

Each test says one thing the agent's shell must not do (read hidden tests, write outside its
tree, reach the network, outlive the sandbox) or must still do (python, git, edit its tree).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

import swelancer_env.backends.local.sandbox as local_module
from swelancer_env.backends.local.sandbox import LocalSandbox
from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import ConfigError
from swelancer_env.grading.canary import CANARY
from swelancer_env.sandbox.isolation import (
    IsolationWarning,
    bwrap_argv,
    bwrap_available,
    foreign_proc_mounts,
    hidden_paths,
    interpreter_paths,
)
from swelancer_env.sandbox.worktree import StartingState, cache_root
from swelancer_env.tasks.loader import tasks_root
from swelancer_env.tasks.model import Task

REPO = Path(__file__).resolve().parents[2]
needs_bwrap = pytest.mark.skipif(
    not bwrap_available(),
    reason="bubblewrap cannot make a sandbox here (apt-get install bubblewrap)",
)
# the canary's distinctive part, written so that this command line does not itself carry it whole
_NEEDLE = "2f6c1d0e-8b7a-4c39-9e15''-5a4d3b2c1f07"


@pytest.fixture
def sandbox(
    mini_task: Task, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalSandbox]:
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    box = LocalSandbox(StartingState.get(mini_task), isolation="bwrap")
    try:
        box.start()
        yield box
    finally:
        box.stop()


def sh(box: LocalSandbox, command: str, timeout: float = 10) -> str:
    return box.run(command, timeout=timeout).output


def live_with(mark: str) -> list[int]:
    """Host pids of live processes whose command line holds ``mark``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if mark.encode() in cmdline and state not in "ZX":
            found.append(int(name))
    return found


def wait_for(predicate, seconds: float = 5) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(predicate())


@needs_bwrap
def test_hidden_tests_are_unreadable(sandbox: LocalSandbox, mini_task: Task) -> None:
    assert mini_task.folder is not None
    hidden = mini_task.folder / "tests" / "test_greeting.py"
    assert CANARY in hidden.read_text()  # on the host, it is there
    assert sandbox.isolation == "bwrap"
    probe = sandbox.run(f"cat {hidden}; ls -A {mini_task.folder} {tasks_root()}", timeout=10)
    assert CANARY not in probe.output and "No such file" in probe.output
    # this repository's own checkout (its tasks, tests, package) is hidden too
    assert (REPO / "tasks").is_dir()
    # (but for the Python that runs swelancer-env, when it is a virtualenv there)
    venv = [Path(sys.prefix).name] if Path(sys.prefix).parent == REPO else []
    assert sh(sandbox, f"ls -A {REPO}").split() == venv
    assert "No such file" in sh(sandbox, f"ls {REPO / 'tasks'}")
    # and so are the starting-state cache (other tasks' trees) and this sandbox's private git
    assert "No such file" in sh(sandbox, f"ls {cache_root()}/states {sandbox.private_git}")


@needs_bwrap
def test_no_canary_anywhere_the_shell_looks(sandbox: LocalSandbox, mini_task: Task) -> None:
    places = ["/tmp", "/root", "/home", "/work", "/run", "/srv", "/mnt", "/etc", "/var/tmp"]
    places += ["/var/cache/swelancer-env", "/var/lib/docker", "/var/lib/swelancer-docker"]
    places += [str(tasks_root()), str(REPO), str(cache_root()), str(sandbox.root), "/swelancer"]
    # the Python bound back in is big and holds no task: the slow test below reads it too
    skip = "--exclude-dir=site-packages --exclude-dir='python3.*'"
    res = sandbox.run(f"grep -rlsF {skip} -e {_NEEDLE} {' '.join(places)}; echo done", timeout=120)
    assert not res.timed_out
    assert res.output.strip() == "done", res.output
    # the control: the same search finds the canary where the shell can see it
    (sandbox.tree / "control.txt").write_text(CANARY)
    res = sandbox.run(f"grep -rlsF {skip} -e {_NEEDLE} {' '.join(places)}; echo done", timeout=120)
    assert set(res.output.split()) == {f"{sandbox.workdir}/control.txt", "done"}


@needs_bwrap
@pytest.mark.slow
def test_no_canary_in_the_whole_filesystem(sandbox: LocalSandbox) -> None:
    excluded = " ".join(f"--exclude-dir={d}" for d in ("proc", "sys", "dev"))
    res = sandbox.run(f"grep -rlsF {excluded} -e {_NEEDLE} / ; echo done", timeout=600)
    assert not res.timed_out and res.output.strip() == "done", res.output


@needs_bwrap
def test_system_read_only_tree_writable(sandbox: LocalSandbox, tmp_path: Path) -> None:
    out = sh(sandbox, "touch /etc/swl-probe /usr/swl-probe /bin/swl-probe 2>&1")
    assert out.count("Read-only file system") == 3, out
    # folders outside the system's (/work, /var, /opt...) are hidden: empty, and a write there
    # stays in the sandbox
    assert (
        sh(sandbox, "ls -A /var /opt 2>/dev/null | grep -v ':$' | grep -c . || true").strip() == "0"
    )
    repo = Path(__file__).resolve().parents[2]
    assert sh(sandbox, f"ls -A {repo}").split() in ([], [".venv"])  # only the interpreter, if there
    sh(sandbox, "echo x > /var/swl-probe 2>/dev/null; echo x > /work/swl-probe 2>/dev/null; true")
    assert not Path("/var/swl-probe").exists() and not Path("/work/swl-probe").exists()
    # a hidden folder is an empty tmpfs: a write there stays in the sandbox
    sh(sandbox, f"echo x > /root/swl-probe; echo x > {tmp_path}/swl-probe")
    assert not Path("/root/swl-probe").exists() and not (tmp_path / "swl-probe").exists()
    # the agent cannot take the covers off (no capabilities, no nested user namespace)
    assert "CapEff:\t0000000000000000" in sh(sandbox, "grep CapEff /proc/self/status")
    assert sandbox.run("umount /root", timeout=10).exit_code != 0
    res = sandbox.run("echo 'GREETING = \"hello\"' > greeting.py && echo ok > new.txt", timeout=10)
    assert res.exit_code == 0
    assert (sandbox.tree / "new.txt").read_text() == "ok\n"
    diff = sandbox.diff()
    assert '+GREETING = "hello"' in diff and "new.txt" in diff


@needs_bwrap
def test_no_network_but_loopback(sandbox: LocalSandbox) -> None:
    # only interfaces are listed: nothing is sent anywhere
    devices = sh(sandbox, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
    assert devices.split() == ["lo"]
    names = sh(sandbox, "python3 -c 'import socket; print([n for _, n in socket.if_nameindex()])'")
    assert names.strip() == "['lo']"
    assert sh(sandbox, "ls -A /run").strip() == ""  # no Docker or other daemon's socket


@needs_bwrap
def test_python_git_and_processes_inside(sandbox: LocalSandbox) -> None:
    res = sandbox.run("python3 -c 'import sys; print(sys.version_info[:2])'", timeout=20)
    assert res.exit_code == 0 and res.output.strip() == "(3, 11)"
    assert sandbox.run("python -m pytest --version", timeout=30).exit_code == 0
    res = sandbox.run("git status --porcelain && git log --oneline | wc -l", timeout=10)
    assert res.exit_code == 0 and res.output.strip() == "1"
    # the shell's pid namespace shows only its own processes
    assert sh(sandbox, "ls /proc | grep -c '^[0-9]'").strip() in {"2", "3", "4"}
    assert sh(sandbox, "echo $$").strip() == "1"


@needs_bwrap
def test_timeout_kills_a_setsid_daemon_and_the_shell_lives_on(sandbox: LocalSandbox) -> None:
    mark = f"1000.{random.randrange(10**8, 10**9)}"
    res = sandbox.run(
        f"cd / && export KEEP=1; (env -i setsid sh -c 'sleep {mark} & sleep {mark}' &); sleep 60",
        timeout=1,
    )
    assert res.timed_out and res.exit_code is None
    assert wait_for(lambda: live_with(mark) == [])
    assert sh(sandbox, "echo $KEEP $PWD").strip() == "1 /"
    assert sandbox.is_alive()


@needs_bwrap
def test_stop_leaves_no_process(
    mini_task: Task, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    mark = f"1000.{random.randrange(10**8, 10**9)}"
    with LocalSandbox(StartingState.get(mini_task), isolation="bwrap") as box:
        box.run(f"sleep {mark} & (env -i setsid sleep {mark} &)", timeout=5)
        assert wait_for(lambda: len(live_with(mark)) == 2)
        transport = box._session.transport  # type: ignore[union-attr]
        pids = [transport.pid, transport.shell_pid()]  # type: ignore[union-attr]
    assert live_with(mark) == []
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists()
    assert not box.root.exists()


def test_bwrap_argv_hides_tasks_cache_and_sandbox_folder(tmp_path: Path) -> None:
    tree, home = tmp_path / "box" / "tree", tmp_path / "box" / "home"
    tree.mkdir(parents=True)
    home.mkdir()
    argv = bwrap_argv(tree, home, hidden_paths([tmp_path / "box"]), interpreter_paths())
    pairs = list(zip(argv, argv[1:], strict=False))
    hidden = [Path(b) for a, b in pairs if a == "--tmpfs"]

    def covered(path: Path) -> bool:
        return any(path == h or h in path.resolve().parents for h in hidden)

    for path in (tasks_root(), REPO, Path("/tmp"), tmp_path / "box" / "private.git"):
        assert covered(path), path
    assert "--share-net" not in argv and "--unshare-all" in argv
    # the work tree and home come back writable at their own paths, after every cover
    last_cover = max(i for i, a in enumerate(argv) if a == "--tmpfs")
    assert argv.index("--bind") > last_cover
    assert ("--bind", str(tree.resolve())) in pairs and ("--bind", str(home.resolve())) in pairs
    # an app server's variant: its data folder writable, the host's loopback reachable
    data = tmp_path / "data"
    data.mkdir()
    served = bwrap_argv(tree, home, [], writable=[data], network=True)
    assert "--share-net" in served and ("--bind", str(data.resolve())) in zip(
        served, served[1:], strict=False
    )


def test_bwrap_argv_shows_the_tree_at_a_fixed_place_on_a_read_only_root(tmp_path: Path) -> None:
    tree, home = tmp_path / "box" / "tree", tmp_path / "box" / "home"
    tree.mkdir(parents=True)
    home.mkdir()
    argv = bwrap_argv(
        tree,
        home,
        hidden_paths([tmp_path / "box"]),
        interpreter_paths(),
        tree_at="/swelancer/tree",
        home_at="/swelancer/home",
    )
    triples = list(zip(argv, argv[1:], argv[2:], strict=False))
    assert ("--bind", str(tree.resolve()), "/swelancer/tree") in triples
    assert ("--bind", str(home.resolve()), "/swelancer/home") in triples
    assert argv[argv.index("--chdir") + 1] == "/swelancer/tree"
    # the host's / is never bound whole: only the system's folders, and the root made
    # read-only once every mount point is there
    assert ("--ro-bind", "/", "/") not in triples
    assert ("--ro-bind", "/usr", "/usr") in triples
    assert argv.index("--remount-ro") > max(i for i, a in enumerate(argv) if a == "--bind")
    # the host paths are not bound: they stay under the hidden temporary folder
    assert str(tree.resolve()) not in argv[argv.index(str(tree.resolve())) + 1 :]
    for bad in ("swelancer/tree", "/usr/tree", "/etc", "/", "/swelancer/../tree"):
        with pytest.raises(ValueError, match="outside the system's folders"):
            bwrap_argv(tree, home, [], tree_at=bad)
    with pytest.raises(ValueError, match="overlaps"):
        bwrap_argv(tree, home, [], tree_at="/swelancer", home_at="/swelancer/home")


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a proc file system needs root")
def test_a_build_chroots_proc_mount_is_hidden(tmp_path: Path) -> None:
    point = tmp_path / "chroot root" / "proc"  # a space: mountinfo escapes it
    point.mkdir(parents=True)
    subprocess.run(["mount", "-t", "proc", "proc", str(point)], check=True)
    try:
        assert point in foreign_proc_mounts() and point in hidden_paths()
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
    assert Path("/proc") not in foreign_proc_mounts()


def test_unknown_or_unavailable_isolation_is_a_config_error(
    mini_task: Task, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = StartingState.get(mini_task)
    with pytest.raises(ConfigError, match="'auto', 'bwrap', 'none'"):
        LocalSandbox(state, isolation="chroot")  # type: ignore[arg-type]
    monkeypatch.setattr(local_module, "bwrap_available", lambda: False)
    with pytest.raises(ConfigError, match="apt-get install bubblewrap"):
        LocalSandbox(state, isolation="bwrap")


def test_without_isolation_it_warns_once(mini_task: Task, monkeypatch: pytest.MonkeyPatch) -> None:
    state = StartingState.get(mini_task)
    monkeypatch.setattr(local_module, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        boxes = [LocalSandbox(state, isolation="none") for _ in range(3)]
        monkeypatch.setattr(local_module, "bwrap_available", lambda: False)
        boxes.append(LocalSandbox(state))  # auto, falling back to none
    try:
        said = [w for w in caught if issubclass(w.category, IsolationWarning)]
        assert len(said) == 1, [str(w.message) for w in said]
        text = str(said[0].message)
        for words in ("no isolation", "hidden tests", "network", "processes", "bubblewrap"):
            assert words in text
        assert all(box.isolation == "none" for box in boxes)
        with boxes[0] as box:
            assert box.run("echo $TMPDIR", timeout=5).output.strip() != ""
    finally:
        for box in boxes:
            box.stop()


@needs_bwrap
def test_env_reset_info_says_the_isolation(mini_task: Task) -> None:
    env = SWELancerEnv(task_id=mini_task.id)
    try:
        _, info = env.reset()
        assert info["isolation"] == "bwrap"
    finally:
        env.close()
