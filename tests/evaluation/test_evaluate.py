"""Evaluations: attempts and pass@k, workers, seeds, resume after kill -9, and a summary that
can be recomputed from results.jsonl alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from swelancer_env.cli import main
from swelancer_env.evaluation.passk import pass_at_k
from swelancer_env.evaluation.records import EpisodeResult
from swelancer_env.evaluation.results import append_result, read_results, repair
from swelancer_env.evaluation.summary import price_band, summarize
from swelancer_env.tasks import list_tasks

MANAGER = sorted(t.id for t in list_tasks() if t.variant == "swe_manager")[:4]


def _results(out: Path) -> list[EpisodeResult]:
    return read_results(out / "results.jsonl")


def _outcomes(out: Path) -> dict[tuple[str, int], tuple[bool, float, int, int | None]]:
    return {r.key: (r.passed, r.earned, r.steps, r.seed) for r in _results(out)}


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _eval(out: Path, *extra: str) -> int:
    return main(["eval", "--out", str(out), "--no-progress", *extra])


def test_pass_at_k_is_the_unbiased_estimator() -> None:
    assert pass_at_k(5, 0, 3) == 0.0
    assert pass_at_k(5, 5, 1) == 1.0
    assert pass_at_k(4, 1, 2) == pytest.approx(0.5)  # 1 - C(3,2)/C(4,2)
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)


def test_random_runs_the_same_with_one_worker_or_two_and_its_summary_recomputes(
    tmp_path: Path,
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    args = ["--agent", "random", "--tasks", *MANAGER, "--attempts", "3", "--seed", "7"]
    assert _eval(one, *args, "--workers", "1") == 0
    assert _eval(two, *args, "--workers", "2") == 0
    assert _outcomes(one) == _outcomes(two)  # the same episodes, whatever the schedule
    assert len(_outcomes(one)) == len(MANAGER) * 3
    assert len({seed for *_, seed in _outcomes(one).values()}) == len(MANAGER) * 3
    # the summary on disk is exactly what results.jsonl gives, and its figures are right
    summary = json.loads((one / "summary.json").read_text())
    results = _results(one)
    recomputed = summarize(sorted(results, key=lambda r: r.key))
    assert {k: v for k, v in summary.items() if k != "run"} == json.loads(json.dumps(recomputed))
    by_task: dict[str, list[EpisodeResult]] = {}
    for r in results:
        by_task.setdefault(r.task_id, []).append(r)
    for k in (1, 2, 3):
        expected = sum(
            pass_at_k(len(rs), sum(r.passed for r in rs), k) for rs in by_task.values()
        ) / len(by_task)
        assert summary["overall"][f"pass@{k}"] == pytest.approx(expected, abs=1e-6)
    earned = sum(sum(r.earned for r in rs) / len(rs) for rs in by_task.values())
    assert summary["overall"]["earned"] == pytest.approx(earned, abs=0.01)
    assert summary["overall"]["available"] == sum(rs[0].price for rs in by_task.values())
    bands = Counter(price_band(rs[0].price) for rs in by_task.values())
    assert {b: g["tasks"] for b, g in summary["price_bands"].items()} == dict(bands)
    assert summary["run"]["agent"] == "random" and summary["run"]["attempts"] == 3
    # every episode left a whole trajectory
    for r in results:
        assert r.trajectory and (one / r.trajectory).exists()
    assert not list(one.glob("trajectories/*/*.partial"))


def test_oracle_attempts_with_workers_pass_at_every_k(tmp_path: Path) -> None:
    ic = sorted(t.id for t in list_tasks() if t.variant == "ic_swe")[:1]
    out = tmp_path / "oracle"
    code = _eval(out, "--agent", "oracle", "--tasks", *ic, MANAGER[0], "--attempts", "3",
                 "--workers", "2")  # fmt: skip
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    for k in (1, 2, 3):
        assert summary["overall"][f"pass@{k}"] == 1.0
    assert summary["overall"]["earned"] == summary["overall"]["available"]
    assert summary["overall"]["episodes"] == 6


def test_kill_9_then_resume_loses_and_repeats_no_episode(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    args = ["--agent", "random", "--tasks", *MANAGER, "--attempts", "3", "--workers", "2"]
    assert _eval(whole, *args) == 0
    cmd = [sys.executable, "-m", "swelancer_env.cli", "eval", "--out", str(killed),
           "--no-progress", *args]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = killed / "results.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if results.exists() and len(results.read_text().splitlines()) >= 3:
            break
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 60  # the workers follow their parent (PR_SET_PDEATHSIG)
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, "the workers outlived the killed run"
        time.sleep(0.1)
    done_before = len(_results(killed))
    assert 3 <= done_before < len(MANAGER) * 3
    # what the killed run left (its workers close their envs themselves); containers: only
    # this session's (the janitor would remove every labelled one)
    main(["janitor", "--run", os.environ.get("SWELANCER_RUN_ID", "none")])
    assert _eval(killed, *args) == 2  # without --resume the folder is refused
    assert _eval(killed, *args, "--resume") == 0
    keys = [r.key for r in _results(killed)]
    assert len(keys) == len(set(keys)) == len(MANAGER) * 3  # none lost, none doubled
    assert _outcomes(killed) == _outcomes(whole)


def test_a_torn_last_line_is_cut_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    r = EpisodeResult(task_id="t", variant="ic_swe", price=1, earned=0, passed=False, steps=1,
                      seconds=1)  # fmt: skip
    append_result(path, r)
    with path.open("a") as f:
        f.write('{"task_id": "t", "attem')  # the crash
    assert repair(path) > 0
    append_result(path, r.model_copy(update={"attempt": 1}))
    assert [x.attempt for x in read_results(path)] == [0, 1]


def test_resume_refuses_another_agent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert _eval(out, "--agent", "noop", "--tasks", MANAGER[0]) == 0
    assert _eval(out, "--agent", "random", "--tasks", MANAGER[0], "--resume") == 2
    assert "--resume needs the same agent" in capsys.readouterr().err


def test_your_own_agent_by_module_and_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "mine"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "agent.py").write_text(
        "class PickFirst:\n"
        "    name = 'pick-first'\n"
        "    def __init__(self, greeting='hi', seed=None):\n"
        "        self.greeting, self.seed = greeting, seed\n"
        "    def reset(self, task, obs, info):\n"
        "        self.ids, self.n = info['proposal_ids'], 0\n"
        "    def act(self, obs, info):\n"
        "        self.n += 1\n"
        "        if self.n == 1:\n"
        "            return {'type': 'shell', 'command': 'echo ' + self.greeting}\n"
        "        return {'type': 'choose_proposal', 'proposal_id': self.ids[0]}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "run"
    code = _eval(out, "--agent", "mine.agent:PickFirst", "--agent-option", "greeting=hello",
                 "--tasks", MANAGER[0])  # fmt: skip
    assert code == 0
    [r] = _results(out)
    assert r.agent == "pick-first" and r.steps == 2
    line = (out / r.trajectory).read_text().splitlines()[1]  # type: ignore[operator]
    assert json.loads(line)["observation"].startswith("hello")
    assert main(["eval", "--agent", "mine.agent:Nope", "--out", str(tmp_path / "x")]) == 2


def test_a_restricted_tool_set_is_refused_and_left_out_of_the_prompt(tmp_path: Path) -> None:
    from swelancer_env.env import SWELancerEnv

    env = SWELancerEnv(tools=["view"], info_timings=False)
    try:
        obs, info = env.reset(options={"task_id": MANAGER[0]})
        assert info["tools"] == ["view", "choose_proposal"]
        assert "`shell`" not in obs["output"] and "`user_tool`" not in obs["output"]
        assert [t["function"]["name"] for t in env.tool_schemas()] == ["view", "choose_proposal"]
        obs, *_ = env.step({"type": "shell", "command": "ls"})
        assert "not offered" in obs["output"]
    finally:
        env.close()
    with pytest.raises(Exception, match="unknown tool"):
        SWELancerEnv(tools=["browser"])


def test_the_readme_agent_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("### Your own agent", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) <= 22
    (tmp_path / "my_agent.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "run"
    assert _eval(out, "--agent", "my_agent:GrepThenChoose", "--tasks", MANAGER[0]) == 0
    [r] = _results(out)
    assert r.agent == "grep-then-choose" and r.steps == 2 and r.infra_error is None


@pytest.mark.browser
def test_a_user_tool_episode_replays_alike(tmp_path: Path) -> None:
    """No port, temporary path or session id in what the agent reads: the replay matches."""
    actions = tmp_path / "actions.jsonl"
    lines = [
        {"type": "shell", "command": "pwd; echo $HOME; ls"},
        {"type": "user_tool"},
        {"type": "shell", "command": "ls .swelancer/user_tool/1 | sort"},
        {"type": "choose_proposal", "proposal_id": "1"},
    ]
    actions.write_text("".join(json.dumps(a) + "\n" for a in lines))
    out = tmp_path / "run"
    code = _eval(out, "--agent", "replay", "--agent-option", f"actions={actions}",
                 "--tasks", MANAGER[0])  # fmt: skip
    assert code == 0
    [r] = _results(out)
    steps = (out / r.trajectory).read_text().splitlines()  # type: ignore[operator]
    shown = json.loads(steps[2])
    assert shown["action_type"] == "user_tool" and shown["screenshot"]
    assert (out / r.trajectory).parent.joinpath(shown["screenshot"]).stat().st_size > 1000  # type: ignore[operator]
    assert "127.0.0.1" not in shown["observation"]
    assert main(["replay", str(out / r.trajectory)]) == 0  # type: ignore[operator]


def test_run_files_are_written_whole_and_readable(tmp_path: Path) -> None:
    from swelancer_env.evaluation.atomic import write_json_atomic

    path = write_json_atomic(tmp_path / "a" / "summary.json", {"x": 1})
    assert json.loads(path.read_text()) == {"x": 1}
    assert path.stat().st_mode & 0o777 == 0o644  # a report may be served or shared
    assert [p.name for p in path.parent.iterdir()] == ["summary.json"]  # no temporary left
