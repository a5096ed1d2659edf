"""The LLM agents, through `swelancer-env eval`, over real HTTP to the scripted server.

The scripts carry what a real endpoint does to an agent: malformed tool calls, an unknown tool,
a schema violation, a reply with no tool call, a refusal, a 429 and a 500. None of them may end
the episode; the agent then does the job (the gold fix, as a model would write it) and is paid.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swelancer_agents.oracle import edit_actions
from swelancer_env.cli import main
from swelancer_env.evaluation.records import EpisodeResult, StepRecord
from swelancer_env.evaluation.trajectory import read_trajectory
from swelancer_env.grading.gold import gold_diff
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
from swelancer_env.tasks import load_task

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IC_TASK = "tally-split-avatars"
MANAGER_TASK = "tally-mgr-blank-merchant"


def _call(name: str, arguments: object) -> dict[str, object]:
    return {"name": name, "arguments": arguments}


def _results(out: Path) -> list[EpisodeResult]:
    lines = (out / "results.jsonl").read_text().splitlines()
    return [EpisodeResult.model_validate_json(line) for line in lines]


def _trajectory(out: Path, result: EpisodeResult) -> list[StepRecord]:
    assert result.trajectory is not None
    _header, steps, torn = read_trajectory(out / result.trajectory)
    assert torn is None
    return steps


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTED_KEY", "test-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def test_llm_earns_an_ic_task_through_bad_replies(tmp_path: Path, api_key: None) -> None:
    task = load_task(IC_TASK)
    fix = [
        _call(a.type, a.model_dump(exclude={"type"}, exclude_none=True)) for a in edit_actions(task)
    ]
    replies = [
        # two broken calls in one reply: arguments that are not JSON, a tool that does not exist
        {"tool_calls": [_call("shell", '{"command": "ls'), _call("rm_rf", {"path": "/"})]},
        {"status": 429},
        {"content": "I will look at the code first."},  # no tool call
        {"refusal": "I can't help with that."},
        {"status": 500},
        # a schema violation (view_range must be two integers), then several good calls
        {"tool_calls": [_call("view", {"path": "server", "view_range": "all"})]},
        {"tool_calls": [_call("shell", {"command": "git status --short"}), *fix]},
        {"tool_calls": [_call("submit", {})]},
    ]
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"scripted-model": {"input": 2.0, "output": 8.0}}))
    out = tmp_path / "run"
    with ScriptedOpenAIServer(replies) as server:
        code = main([
            "eval", "--agent", "llm", "--model", "scripted-model", "--base-url", server.base_url,
            "--api-key-env", "SCRIPTED_KEY", "--prices", str(prices), "--tasks", IC_TASK,
            "--out", str(out), "--no-progress",
        ])  # fmt: skip
        statuses = [r["entry"] for r in server.requests]
    assert code == 0
    [result] = _results(out)
    assert result.passed and result.earned == task.price, result
    assert result.infra_error is None and result.agent_error is None
    # every request consumed one reply: the 429 and the 500 were retried by the client itself
    assert statuses == list(range(len(replies)))
    assert result.model_calls == len(replies) - 2  # two were retries inside one call
    assert result.tokens.prompt > 0 and result.tokens.completion > 0
    assert result.cost is not None and result.cost > 0
    steps = _trajectory(out, result)
    # the broken calls never reached the env; the good ones ran in the order the model sent them
    assert [s.action_type for s in steps] == ["shell"] + [a.type for a in edit_actions(task)] + [
        "submit"
    ]
    calls = [c for s in steps for c in s.model_calls]
    assert len(calls) == result.model_calls
    sent = calls[-1].request["messages"]
    errors = [
        m["content"] for m in sent if m["role"] == "tool" and m["content"].startswith("Error")
    ]
    assert any("not valid JSON" in e for e in errors)
    assert any("no tool 'rm_rf'" in e for e in errors)
    assert any("view_range" in e for e in errors)
    notes = [m["content"] for m in sent if m["role"] == "user"]
    assert any("no tool call" in n for n in notes) and any("declined" in n for n in notes)
    # the tools offered are the env's own for an IC task, with plain-text descriptions
    tools = {t["function"]["name"]: t["function"] for t in calls[0].request["tools"]}
    assert "submit" in tools and "choose_proposal" not in tools
    assert all("``" not in t["description"] for t in tools.values())
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["pass@1"] == 1.0
    assert summary["overall"]["cost"] == pytest.approx(result.cost)


def test_llm_earns_a_manager_task(tmp_path: Path, api_key: None) -> None:
    task = load_task(MANAGER_TASK)
    wrong_tool = _call("submit", {})  # not offered on a manager task
    replies = [
        {"tool_calls": [_call("shell", {"command": "git log --oneline | head -3"})]},
        {"tool_calls": [wrong_tool]},
        {"status": 429},
        {"tool_calls": [_call("choose_proposal", {"proposal_id": task.correct_proposal})]},
    ]
    out = tmp_path / "run"
    with ScriptedOpenAIServer(replies) as server:
        code = main([
            "eval", "--agent", "llm", "--model", "scripted-model", "--base-url", server.base_url,
            "--api-key-env", "SCRIPTED_KEY", "--tasks", MANAGER_TASK, "--out", str(out),
            "--no-progress",
        ])  # fmt: skip
        first = server.requests[0]["body"]
    assert code == 0
    [result] = _results(out)
    assert result.passed and result.earned == task.price
    assert result.cost is None  # the model has no price: unknown, not free
    names = {t["function"]["name"] for t in first["tools"]}
    assert "choose_proposal" in names and "submit" not in names
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["cost"] is None and summary["overall"]["net"] is None


def test_llm_python_earns_an_ic_task(tmp_path: Path, api_key: None) -> None:
    task = load_task(IC_TASK)
    program = (
        "import subprocess\n"
        f"subprocess.run(['git', 'apply', '-'], input={gold_diff(task)!r}, text=True, check=True)\n"
        "print(subprocess.run(['git', 'status', '--short'], capture_output=True, text=True).stdout)\n"
    )
    replies = [
        {
            "content": "Let me look around.\n```python\nimport os\nprint(sorted(os.listdir('.')))\n```"
        },
        {"status": 500},
        {"content": "I am thinking about it."},  # neither code nor DONE
        {"content": f"Applying the fix.\n```python\n{program}```"},
        {"content": "DONE"},
    ]
    out = tmp_path / "run"
    with ScriptedOpenAIServer(replies) as server:
        code = main([
            "eval", "--agent", "llm-python", "--model", "scripted-model", "--base-url",
            server.base_url, "--api-key-env", "SCRIPTED_KEY", "--tasks", IC_TASK, "--out",
            str(out), "--no-progress", "--logprobs", "--top-logprobs", "2",
        ])  # fmt: skip
    assert code == 0
    [result] = _results(out)
    assert result.passed and result.earned == task.price, result
    steps = _trajectory(out, result)
    assert [s.action_type for s in steps] == ["shell", "shell", "submit"]
    assert "server" in steps[0].observation  # the listing came back
    calls = [c for s in steps for c in s.model_calls]
    assert calls and all(c.logprobs for c in calls)
    assert "logprobs" not in calls[0].response["choices"][0]  # kept once, not twice
    assert "Reply with a ```python block" in calls[-1].request["messages"][-3]["content"]


def test_a_failed_endpoint_is_an_infrastructure_error(tmp_path: Path, api_key: None) -> None:
    out = tmp_path / "run"
    with ScriptedOpenAIServer([{"status": 500}] * 3) as server:
        code = main([
            "eval", "--agent", "llm", "--model", "m", "--base-url", server.base_url,
            "--api-key-env", "SCRIPTED_KEY", "--tasks", MANAGER_TASK, "--out", str(out),
            "--no-progress", "--max-retries", "1", "--retries", "0",
        ])  # fmt: skip
    assert code == 2
    [result] = _results(out)
    assert result.infra_error and "HTTP 500" in result.infra_error
    assert not result.passed and result.earned == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["infra_errors"] == 1
    assert summary["overall"]["pass@1"] is None  # nothing graded: no figure, not a 0


def test_llm_agents_need_a_model_and_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["eval", "--agent", "llm", "--model", "m", "--out", str(tmp_path / "a")]) == 2
    assert "OPENAI_API_KEY" in capsys.readouterr().err
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    assert main(["eval", "--agent", "llm", "--out", str(tmp_path / "b")]) == 2
    assert "--model" in capsys.readouterr().err
    assert main(["eval", "--agent", "oracle", "--model", "m", "--out", str(tmp_path / "c")]) == 2
    assert "only the llm and llm-python agents" in capsys.readouterr().err
