"""The Docker sandbox against a real engine and the real sandbox image.

The engine is started if it does not answer (``.ci/start-dockerd.sh``) and the image is built if
missing (the ``engine`` fixture of ``tests/conftest.py``); when either fails, every test here
fails with the reason: nothing is skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from swelancer_env.backends.docker.config import DockerConfig
from swelancer_env.backends.docker.sandbox import DockerSandbox, janitor
from swelancer_env.errors import ConfigError, SandboxError
from swelancer_env.sandbox.worktree import StartingState, build_starting_state
from swelancer_env.tasks.model import Task

pytestmark = pytest.mark.docker


@pytest.fixture(scope="session")
def state(tmp_path_factory: pytest.TempPathFactory) -> StartingState:
    base = tmp_path_factory.mktemp("docker-state")
    app = base / "app"
    (app / "src").mkdir(parents=True)
    (app / "src" / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    task = Task(
        id="docker-probe-1",
        app="probe",
        variant="ic_swe",
        price=50,
        title="probe",
        category="ui_ux",
        bug_patch=(
            "--- a/src/calc.py\n+++ b/src/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n"
            "-    return a + b\n+    return a - b\n"
        ),
    )
    return build_starting_state(task, app, base / "states")


@pytest.fixture
def run_id() -> str:
    return f"{os.environ.get('SWELANCER_RUN_ID', 'test')}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def box(engine: str, state: StartingState, run_id: str) -> Iterator[DockerSandbox]:
    sandbox = DockerSandbox(state, image=engine, run_id=run_id, memory="512m", pids_limit=128)
    sandbox.start()
    yield sandbox
    sandbox.stop()


def _labelled(run_id: str) -> list[dict[str, object]]:
    from swelancer_env.backends.docker.engine import docker_client

    filters = {"label": f"swelancer-env.run={run_id}"}
    return docker_client().api.containers(all=True, filters=filters)


def _processes(box: DockerSandbox) -> list[str]:
    """Every process in the container but PID 1, the warden, the shell and the ps itself."""
    out = box.run("ps -eo pid=,ppid=,args=", timeout=10).output
    rows = [line.split(None, 2) for line in out.splitlines()]
    rows = [r for r in rows if len(r) == 3 and r[0].isdigit()]  # not bash's "Killed" notes
    return [
        " ".join(r)
        for r in rows
        if r[0] != "1" and "warden.sh" not in r[2] and r[1] != "0" and not r[2].startswith("ps ")
    ]


def test_persistent_shell_in_the_mounted_tree(box: DockerSandbox) -> None:
    first = box.run("pwd; cd src && export PROBE=42", timeout=10)
    assert first.exit_code == 0 and first.output == "/work/app\n"
    second = box.run("echo $PROBE $PWD; echo made > new.txt; exit 3", timeout=10)
    assert second.output.startswith("42 /work/app/src\n")
    assert second.exit_code == 3
    assert (box.tree / "src" / "new.txt").read_text() == "made\n"
    box.run("sed -i 's/a - b/a + b/' /work/app/src/calc.py", timeout=10)
    patch = box.diff(["src"])
    assert "+    return a + b" in patch and "src/new.txt" in patch


def test_no_network_but_loopback(box: DockerSandbox) -> None:
    res = box.run("ls /sys/class/net", timeout=10)
    assert res.output.split() == ["lo"]


def test_shell_is_not_root_and_root_fs_is_read_only(box: DockerSandbox) -> None:
    assert box.run("id -u; id -g", timeout=10).output.split() == ["1000", "1000"]
    res = box.run("touch /etc/probe", timeout=10)
    assert res.exit_code != 0 and "Read-only file system" in res.output
    assert "Permission denied" in box.run("ls /run/swl", timeout=10).output


def test_timeout_kills_setsid_daemons_and_double_forks(box: DockerSandbox) -> None:
    box.run("sleep 1000 &", timeout=10)  # a background job of an earlier step
    res = box.run(
        "setsid bash -c 'sleep 1001 & exec sleep 1002' & ( ( sleep 1003 & ) & ); sleep 1004",
        timeout=1,
    )
    assert res.timed_out and res.exit_code is None
    assert "timed out" in res.output
    assert _processes(box) == []
    assert box.run("echo alive", timeout=10).output == "alive\n"


def test_timeout_of_a_builtin_loop_restarts_the_shell(box: DockerSandbox) -> None:
    res = box.run("while :; do :; done", timeout=1)
    assert res.timed_out
    assert box.run("echo back", timeout=10).output == "back\n"


def test_out_of_memory_is_reported(box: DockerSandbox) -> None:
    res = box.run("python3 -c 'x = bytearray(900 * 2**20); print(len(x))'", timeout=60)
    assert res.oom_killed
    assert res.exit_code == 137
    assert "out of memory" in res.output
    after = box.run("echo fine", timeout=10)
    assert after.output == "fine\n" and not after.oom_killed


def test_fork_bomb_is_contained(box: DockerSandbox) -> None:
    res = box.run("bash -c ':(){ :|:& };:'; sleep 100", timeout=3)
    assert res.timed_out
    assert "[process limit: the container may run 128 processes at once;" in res.output
    assert box.run("echo survived", timeout=30).output.endswith("survived\n")
    assert _processes(box) == []


def test_a_fork_bomb_that_returned_is_reported_and_ended(box: DockerSandbox) -> None:
    """The bomb's command returns at once and the bomb goes on in the background: the step
    that met the limit (the container's 128 pids) says so, read from the pids cgroup, and
    ends it; nothing is left, and the next step has no such line."""
    waits = (  # builtins only: no fork succeeds while the bomb holds every pid
        "f=/sys/fs/cgroup/pids.events; [[ -r $f ]] || f=/sys/fs/cgroup/pids/pids.events; "
        "bash -c ':(){ :|:& };:'; until read -r _ n <$f; ((n > 0)); do :; done; echo met"
    )
    res = box.run(waits, timeout=60)
    assert not res.timed_out and res.exit_code == 0, res.output
    assert "met\n" in res.output
    line = res.output.splitlines()[-1]
    assert line.startswith("[process limit: the container may run 128 processes at once; ")
    assert line.endswith(
        "fork(s) were refused, and every process the shell had started was killed]"
    )
    assert _processes(box) == []
    assert box.run("echo next", timeout=30).output == "next\n"


@pytest.mark.slow
def test_fork_loop_at_the_default_limits(engine: str, state: StartingState) -> None:
    bomb = "python3 -c 'import os\nwhile True:\n  try: os.fork()\n  except OSError: pass'"
    with DockerSandbox(state, image=engine) as box:
        res = box.run(bomb, timeout=2)
        assert res.timed_out
        assert box.run("echo survived", timeout=30).output.endswith("survived\n")
        assert _processes(box) == []


def test_output_flood_is_capped(box: DockerSandbox) -> None:
    res = box.run("yes | head -c 50000000; echo end", timeout=60)
    assert res.exit_code == 0
    assert res.cut_chars > 49_000_000
    assert len(res.output) < 25_000 and res.output.endswith("end\n")
    endless = box.run("yes", timeout=1)
    assert endless.timed_out and endless.cut_chars > 0
    assert box.run("echo calm", timeout=10).output == "calm\n"


def test_disk_fill_of_tmp_stops_at_its_size(engine: str, state: StartingState) -> None:
    with DockerSandbox(state, image=engine, tmp_size="32m") as box:
        res = box.run("head -c 100M /dev/zero > /tmp/fill; echo rc=$?", timeout=60)
        assert "No space left on device" in res.output and "rc=1" in res.output
        assert box.run("rm /tmp/fill && echo ok", timeout=10).output == "ok\n"


def test_sweep_without_the_warden(box: DockerSandbox) -> None:
    from swelancer_env.backends.docker.engine import docker_client
    from swelancer_env.backends.docker.shell import sweep

    assert box.container_id is not None
    box.run("setsid sleep 1000 & (sleep 1001 &)", timeout=10)
    assert len(_processes(box)) == 2
    answer = sweep(docker_client(), box.container_id, None)  # through `docker exec` as root
    assert answer.startswith("killed ")
    assert _processes(box) == []


def test_the_oom_killer_prefers_the_agent_to_the_warden(box: DockerSandbox) -> None:
    script = "cat /proc/self/oom_score_adj; for p in $(pgrep -u 0 -f warden.sh); do cat /proc/$p/oom_score_adj; done"
    assert box.run(script, timeout=10).output.split() == ["500", "0", "0"]  # agent, init, warden


def test_cli_transport(engine: str, state: StartingState) -> None:
    with DockerSandbox(state, image=engine, exec_transport="cli") as box:
        assert box.run("cd /tmp; echo $PWD", timeout=10).output == "/tmp\n"
        assert box.run("pwd", timeout=10).output == "/tmp\n"
        assert box.run("sleep 100", timeout=1).timed_out
        assert box.run("echo ok", timeout=10).output == "ok\n"


def test_stop_removes_container_and_folder(engine: str, state: StartingState, run_id: str) -> None:
    box = DockerSandbox(state, image=engine, run_id=run_id)
    box.start()
    box.run("sleep 1000 &", timeout=10)
    assert len(_labelled(run_id)) == 1
    root = box.root
    box.stop()
    box.stop()
    assert _labelled(run_id) == []
    assert not root.exists()
    assert not box.is_alive()
    with pytest.raises(SandboxError):
        box.run("true", timeout=1)


def test_janitor_removes_leftovers(engine: str, state: StartingState, run_id: str) -> None:
    boxes = [DockerSandbox(state, image=engine, run_id=run_id) for _ in range(2)]
    for b in boxes:
        b.start()
    assert len(_labelled(run_id)) == 2
    assert janitor(run_id) == 2
    assert _labelled(run_id) == []
    for b in boxes:
        b.stop()  # the container is gone already: still clean
        assert not b.root.exists()


def test_bad_options_raise_config_error(state: StartingState) -> None:
    with pytest.raises(ConfigError, match="memroy"):
        DockerSandbox(state, memroy="1g")
    with pytest.raises(ConfigError, match="size"):
        DockerSandbox(state, memory="lots")
    assert DockerConfig(memory="1G").memory == "1g"
