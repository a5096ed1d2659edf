"""The persistent bash session, on a real bash."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from swelancer_env.errors import ConfigError, SandboxError
from swelancer_env.sandbox.bash_session import BashSession, PopenTransport

ENV = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}


def wait_for_count(marker: str, count: int) -> bool:
    """Whether ``count`` processes with ``marker`` run within 5 s (a fork takes a moment)."""
    deadline = time.monotonic() + 5
    while len(live_with(marker)) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return len(live_with(marker)) == count


def live_with(marker: str) -> list[int]:
    """Pids of processes (not zombies) whose command line contains ``marker``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state not in "ZX":
            found.append(int(name))
    return found


def sleep_arg() -> str:
    """A unique ``sleep`` duration, used to find the sleeping process in /proc."""
    return f"1000.{random.randrange(10**8, 10**9)}"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[BashSession]:
    s = BashSession.local(cwd=tmp_path, env=ENV)
    yield s
    s.close()


def test_cd_and_export_persist(session: BashSession, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert session.run("cd sub && export GREETING=hi", timeout=5).exit_code == 0
    res = session.run("pwd; echo $GREETING", timeout=5)
    assert res.output == f"{tmp_path / 'sub'}\nhi\n"
    assert res.exit_code == 0 and not res.timed_out


def test_exit_codes_and_stderr_merged(session: BashSession) -> None:
    res = session.run("echo out; echo err >&2; exit_with() { return $1; }; exit_with 42", timeout=5)
    assert res.exit_code == 42
    assert res.output == "out\nerr\n"
    assert session.run("false", timeout=5).exit_code == 1
    assert session.run("true", timeout=5).exit_code == 0


def test_output_without_trailing_newline_and_quotes(session: BashSession) -> None:
    assert session.run("printf 'no newline'", timeout=5).output == "no newline"
    res = session.run("echo 'single' \"double\" $'tab\\there'\ncat <<'EOF'\nheredoc $HOME\nEOF", 5)
    assert res.output == "single double tab\there\nheredoc $HOME\n"


def test_syntax_error_does_not_break_the_session(session: BashSession) -> None:
    res = session.run('echo "unclosed', timeout=5)
    assert res.exit_code == 2 and not res.timed_out
    assert session.run("{ echo grouped; }", timeout=5).output == "grouped\n"
    assert session.run("if true; then echo yes; fi", timeout=5).output == "yes\n"


def test_command_reading_stdin_does_not_hang(session: BashSession) -> None:
    res = session.run("cat; read -r line; echo read=$?", timeout=5)
    assert not res.timed_out
    assert res.output == "read=1\n"
    assert res.seconds < 2


def test_timeout_kills_background_children_and_daemons(session: BashSession) -> None:
    marks = [sleep_arg() for _ in range(6)]
    command = "\n".join(
        [
            f"sleep {marks[0]} &",
            f"setsid sleep {marks[1]} &",
            f"(setsid sleep {marks[2]} &)",  # double fork: its parent exits at once
            f"(env -i setsid sleep {marks[3]} &)",  # and without the session's environment
            f"nohup sleep {marks[4]} >/dev/null 2>&1 &",
            "echo started",
            f"sleep {marks[5]}",
        ]
    )
    res = session.run(command, timeout=1.0)
    assert res.timed_out and res.exit_code is None
    assert "started" in res.output
    assert "[command timed out after 1 s; its processes were killed]" in res.output
    assert "new shell" not in res.output  # the session recovered
    for mark in marks:
        assert live_with(mark) == [], f"sleep {mark} survived the timeout"
    assert session.run("echo alive", timeout=5).output.endswith("alive\n")


def test_timeout_keeps_the_shell_state(session: BashSession, tmp_path: Path) -> None:
    session.run("cd / && export KEPT=1", timeout=5)
    res = session.run("sleep 30", timeout=0.3)
    assert res.timed_out
    assert session.run("pwd; echo $KEPT", timeout=5).output == "/\n1\n"


def test_busy_shell_is_restarted_and_says_so(session: BashSession, tmp_path: Path) -> None:
    session.run("cd /", timeout=5)
    res = session.run("while :; do :; done", timeout=0.3)
    assert res.timed_out and res.exit_code is None
    assert "a new shell was started" in res.output
    assert session.run("pwd", timeout=5).output == f"{tmp_path}\n"


def test_exit_restarts_the_shell(session: BashSession, tmp_path: Path) -> None:
    res = session.run("cd / && echo bye && exit 7", timeout=5)
    assert res.exit_code == 7 and not res.timed_out
    assert res.output.startswith("bye\n")
    assert "[the shell exited with code 7; a new shell was started" in res.output
    assert session.run("pwd", timeout=5).output == f"{tmp_path}\n"


def test_shell_killed_by_a_signal_is_reported_like_bash(session: BashSession) -> None:
    res = session.run("kill -9 $$", timeout=5)
    assert res.exit_code == 137
    assert "[the shell was killed by signal 9; a new shell was started" in res.output
    assert session.run("echo ok", timeout=5).output == "ok\n"


def test_exit_with_a_background_child_holding_the_pipe(session: BashSession) -> None:
    mark = sleep_arg()
    started = time.monotonic()
    res = session.run(f"sleep {mark} & exit 3", timeout=10)
    assert res.exit_code == 3 and time.monotonic() - started < 5
    assert live_with(mark) == []
    assert session.run("echo ok", timeout=5).output == "ok\n"


def test_output_is_capped_head_and_tail(tmp_path: Path) -> None:
    with BashSession(lambda: PopenTransport(tmp_path, ENV), output_limit=1000) as session:
        res = session.run("seq 1 200000", timeout=20)
    full = "".join(f"{i}\n" for i in range(1, 200001))
    assert res.exit_code == 0
    assert res.cut_chars == len(full) - 1000
    assert res.output.startswith("1\n2\n3\n")
    assert res.output.endswith("199999\n200000\n")
    assert f"[... {res.cut_chars:,} characters cut ...]" in res.output
    assert len(res.output) < 1100


def test_binary_output_is_decoded_with_replacement(session: BashSession) -> None:
    res = session.run(r"printf 'a\000b\377\376c\n'", timeout=5)
    assert res.exit_code == 0
    assert res.output == "a\x00b\ufffd\ufffdc\n"


def test_forged_sentinel_does_not_end_the_command(session: BashSession) -> None:
    res = session.run(
        "printf '\\n__SWL_0123_0__\\n'; echo after; exit_code() { return 5; }; exit_code", 5
    )
    assert res.exit_code == 5
    assert res.output.endswith("after\n")


def test_late_output_of_a_background_job_shows_up_later(session: BashSession) -> None:
    session.run("(sleep 0.2; echo late) &", timeout=5)
    time.sleep(0.4)
    assert "late" in session.run("echo now", timeout=5).output


def test_close_kills_everything_and_is_idempotent(tmp_path: Path) -> None:
    session = BashSession.local(cwd=tmp_path, env=ENV)
    mark = sleep_arg()
    try:
        session.run(f"sleep {mark} & (setsid sleep {mark} &)", timeout=5)
        assert wait_for_count(mark, 2)
        transport = session.transport
        assert isinstance(transport, PopenTransport)
    finally:
        session.close()
    session.close()
    assert live_with(mark) == []
    assert not Path(f"/proc/{transport.pid}").exists() or live_with(str(transport.pid)) == []
    assert not session.is_alive()
    with pytest.raises(SandboxError):
        session.run("true", timeout=5)


def test_bad_timeout_is_a_config_error(session: BashSession) -> None:
    with pytest.raises(ConfigError):
        session.run("true", timeout=0)


def test_nul_in_command_is_reported(session: BashSession) -> None:
    res = session.run("echo a\0b", timeout=5)
    assert res.exit_code == 2 and "NUL" in res.output
