"""The limits of an episode in `swelancer-env eval`: each ends the episode it should, records
why, and is counted in the summary. Over real HTTP to the scripted server, on manager tasks (no
browser), one script per task matched on its heading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scripted_eval import results_by_task, run_eval, script

from swelancer_env.cli import main
from swelancer_env.evaluation.records import STOP_REASONS, EpisodeResult, StepRecord
from swelancer_env.evaluation.trajectory import read_trajectory, read_trajectory_end
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
from swelancer_env.prompt import job_heading
from swelancer_env.tasks import list_tasks, load_task

MANAGER = sorted(t.id for t in list_tasks() if t.variant == "swe_manager")
SMALL = {"prompt_tokens": 10, "completion_tokens": 5}  # what every cheap reply costs
LONG = "x" * 5_000


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTED_KEY", "test-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _shell(command: str = "ls", usage: dict[str, int] = SMALL) -> dict[str, Any]:
    return {"tool_calls": [{"name": "shell", "arguments": {"command": command}}], "usage": usage}


def _choose(task_id: str) -> dict[str, Any]:
    right = load_task(task_id).correct_proposal
    return {
        "tool_calls": [{"name": "choose_proposal", "arguments": {"proposal_id": right}}],
        "usage": SMALL,
    }


def _steps(out: Path, result: EpisodeResult) -> list[StepRecord]:
    assert result.trajectory is not None
    _header, steps, _torn = read_trajectory(out / result.trajectory)
    return steps


def test_tokens_steps_and_long_replies_each_end_their_episode(tmp_path: Path) -> None:
    tokens, steps, long, recovers = MANAGER[:4]
    scripts = [
        # 600 tokens in the first call: over 500, so no second call is made
        script(tokens, _shell(usage={"prompt_tokens": 400, "completion_tokens": 200}),
                _choose(tokens)),
        script(steps, _shell(), _shell(), _shell(), _choose(steps)),
        script(long, *[{"content": LONG, "usage": SMALL}] * 3),
        script(recovers, {"content": LONG, "usage": SMALL}, _choose(recovers)),
    ]  # fmt: skip
    out = tmp_path / "run"
    with ScriptedOpenAIServer(scripts) as server:
        code = run_eval(
            server, out, [tokens, steps, long, recovers],
            "--max-tokens-per-episode", "500", "--max-steps", "3", "--max-reply-chars", "300",
        )  # fmt: skip
        sent = [r["body"]["messages"] for r in server.requests]
    assert code == 0
    results = results_by_task(out)

    r = results[tokens]
    assert (r.outcome, r.stop_reason, r.model_calls) == ("agent_error", "token_limit", 1)
    assert r.tokens.total == 600 and not r.passed

    r = results[steps]
    assert (r.outcome, r.stop_reason, r.steps) == ("agent_error", "max_steps", 3)

    r = results[long]
    assert (r.outcome, r.stop_reason, r.model_calls) == ("agent_error", "reply_too_long", 3)
    assert "3 times in a row" in (r.agent_error or "")
    # no step was taken: the three calls are in the trajectory's end line, none lost
    assert _steps(out, r) == []
    end = read_trajectory_end(out / (r.trajectory or ""))
    assert (
        end is not None and len(end.model_calls) == 3 and "AgentStopped" in (end.agent_error or "")
    )
    # and the report's page of that episode shows them
    from swelancer_env.evaluation.report import write_report

    report = write_report(out)
    [page] = (report.parent / "report-trajectories").glob(f"traj-{long}-0.html")
    assert "3 model call(s) with no step after them" in page.read_text()
    # what the model is shown of its long reply is cut, and it is told why
    later = next(m for m in sent if any(job_heading(load_task(long)) in str(x) for x in m[:2])
                 and len(m) > 2)  # fmt: skip
    mine = [m for m in later if m["role"] == "assistant"]
    assert mine and all(len(m["content"]) < 400 and "cut: 4,700 more" in m["content"] for m in mine)
    assert "over the limit of 300" in later[-1]["content"]

    r = results[recovers]  # a long reply is not the end: a shorter one after it is acted on
    assert (r.outcome, r.stop_reason, r.passed) == ("passed", "submitted", True)

    summary = json.loads((out / "summary.json").read_text())["overall"]
    assert summary["stop_reasons"] == {
        "max_steps": 1, "reply_too_long": 1, "submitted": 1, "token_limit": 1
    }  # fmt: skip
    assert {"token_limit", "cost_limit", "reply_too_long"} <= STOP_REASONS.keys()


def test_the_env_time_limit_counts_the_envs_own_time(tmp_path: Path) -> None:
    slow, thinking = MANAGER[:2]
    scripts = [
        script(slow, _shell("sleep 3"), _choose(slow)),
        # the model takes 3 s to answer: its time is not the env's
        script(thinking, {**_shell(), "delay_s": 3.0}, _choose(thinking)),
    ]
    out = tmp_path / "run"
    with ScriptedOpenAIServer(scripts) as server:
        code = run_eval(server, out, [slow, thinking], "--time-limit", "2.5")
    assert code == 0
    results = results_by_task(out)
    r = results[slow]
    assert (r.outcome, r.stop_reason, r.steps) == ("agent_error", "time_limit", 1)
    assert (results[thinking].outcome, results[thinking].stop_reason) == ("passed", "submitted")


def test_a_cost_limit_ends_the_episode_and_needs_a_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = MANAGER[0]
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"scripted-model": {"input": 2.0, "output": 8.0}}))
    pricey = {"prompt_tokens": 1_000, "completion_tokens": 100}  # $0.0028
    out = tmp_path / "run"
    with ScriptedOpenAIServer([script(task, _shell(usage=pricey), _choose(task))]) as server:
        code = run_eval(
            server, out, [task], "--prices", str(prices), "--max-cost-per-episode", "0.002"
        )
    assert code == 0
    r = results_by_task(out)[task]
    assert (r.outcome, r.stop_reason, r.model_calls) == ("agent_error", "cost_limit", 1)
    assert r.cost == pytest.approx(0.0028)

    # without a price for the model, a cost limit cannot be kept: the run stops and says how
    out = tmp_path / "unpriced"
    with ScriptedOpenAIServer([script(task, _shell(), _choose(task))]) as server:
        code = run_eval(server, out, [task], "--max-cost-per-episode", "0.002")
    assert code == 2
    assert "--prices" in capsys.readouterr().err
    assert results_by_task(out)[task].outcome == "config_error"


def test_append_only_ends_at_the_first_long_reply(tmp_path: Path) -> None:
    task = MANAGER[0]
    out = tmp_path / "run"
    with ScriptedOpenAIServer([script(task, {"content": LONG}, _choose(task))]) as server:
        code = run_eval(
            server, out, [task], "--max-reply-chars", "300",
            "--agent-option", "context=append_only",
        )  # fmt: skip
    assert code == 0
    r = results_by_task(out)[task]
    assert (r.outcome, r.stop_reason, r.model_calls) == ("agent_error", "reply_too_long", 1)
    assert "append_only" in (r.agent_error or "")


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--max-steps", "0"], "--max-steps 0"),
        (["--time-limit", "-1"], "--time-limit -1"),
        (["--server", "http://127.0.0.1:9", "--max-steps", "5"], "swelancer-env serve"),
    ],
)
def test_bad_limits_are_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], says: str
) -> None:
    out = tmp_path / "run"
    code = main(["eval", "--agent", "noop", "--tasks", MANAGER[0], "--out", str(out), *flags])
    assert code == 2
    assert says in capsys.readouterr().err
    assert not out.exists()  # nothing half-written
