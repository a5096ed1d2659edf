"""`report --watch`: the report served on loopback, written anew as episodes end, over real
HTTP; a waiting page before the first episode; nothing left running after it stops."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.live import LiveReport
from swelancer_env.evaluation.records import EpisodeResult
from swelancer_env.evaluation.results import append_result


def _result(task: str, passed: bool) -> EpisodeResult:
    return EpisodeResult(task_id=task, variant="ic_swe", price=500.0,
                         earned=500.0 if passed else 0.0, passed=passed, steps=2, seconds=1.0)  # fmt: skip


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()


def _until(check, seconds: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the live report did not catch up"
        time.sleep(0.2)


def test_the_live_report_follows_the_run(tmp_path: Path) -> None:
    run = tmp_path / "run"
    with LiveReport(run, poll_s=0.2, refresh_s=3) as live:
        assert live.url.startswith("http://127.0.0.1:")
        first = _get(live.url)
        assert "Waiting for the first episode" in first and 'http-equiv="refresh"' in first
        append_result(run / "results.jsonl", _result("tally-one", True))
        _until(lambda: "tally-one" in _get(live.url))
        page = _get(live.url)
        assert '<meta http-equiv="refresh" content="3">' in page
        append_result(run / "results.jsonl", _result("tally-two", False))
        _until(lambda: "tally-two" in _get(live.url))
        assert live.writes == 2 and live.error is None
        port = int(live.url.split(":")[2].split("/")[0])
    with pytest.raises(OSError):  # the server is gone with the view
        urllib.request.urlopen(f"http://127.0.0.1:{port}/report.html", timeout=5)
    # a report written for good has no refresh
    from swelancer_env.evaluation.report import write_report

    assert "http-equiv" not in write_report(run).read_text()


def test_a_busy_port_says_what_to_do(tmp_path: Path) -> None:
    with LiveReport(tmp_path / "a") as live:
        port = int(live.url.split(":")[2].split("/")[0])
        with pytest.raises(ConfigError, match="pass another --port"):
            LiveReport(tmp_path / "b", port=port)


def test_the_cli_serves_until_interrupted(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    append_result(run / "results.jsonl", _result("tally-cli", True))
    proc = subprocess.Popen(
        [sys.executable, "-m", "swelancer_env.cli", "report", str(run), "--watch", "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split()[1]
        assert "tally-cli" in _get(url)
    finally:
        proc.send_signal(2)  # Ctrl-C
        assert proc.wait(timeout=30) == 0
