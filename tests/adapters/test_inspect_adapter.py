"""The inspect-ai task, run by inspect's own runner (``inspect eval``) in a venv of its own
(inspect-ai from PyPI plus this project), its model inspect's OpenAI provider talking to the
project's scripted OpenAI-compatible server over real HTTP: on three manager tasks, the model
looks around with ``shell`` and chooses the right proposal of one, a wrong proposal of another,
and answers the third without a tool call. Read back from inspect's own log file: the samples
completed, the right choice scored the task's price and the others 0, and the messages hold
the tool calls and the env's observations."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from adapter_venvs import ROOT, inspect_venv, run_script

from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
from swelancer_env.prompt import job_heading
from swelancer_env.tasks import load_task

pytestmark = [pytest.mark.slow]

RIGHT_TASK = "tally-mgr-blank-merchant"
WRONG_TASK = "tally-mgr-future-date"
SILENT_TASK = "desk-mgr-stale-view-counts"
MODEL = "openai-api/scripted/scripted-model"

#: run in the venv: the log's samples as JSON (read with inspect's own reader)
READ_LOG = r"""
import json, sys

from inspect_ai.log import list_eval_logs, read_eval_log

[info] = list_eval_logs(sys.argv[1])
log = read_eval_log(info)


def text(content):
    if isinstance(content, str):
        return content
    return "".join(getattr(part, "text", "") or "" for part in content)


samples = []
for s in log.samples:
    samples.append({
        "id": s.id,
        "error": None if s.error is None else s.error.message,
        "completed": s.completed_at is not None,
        "metadata": s.metadata,
        "scores": {k: {"value": v.value, "answer": v.answer, "metadata": v.metadata}
                   for k, v in (s.scores or {}).items()},
        "messages": [
            {"role": m.role, "text": text(m.content),
             "tool_calls": [{"function": c.function, "arguments": c.arguments}
                            for c in (getattr(m, "tool_calls", None) or [])],
             "function": getattr(m, "function", None),
             "error": None if getattr(m, "error", None) is None else m.error.message}
            for m in s.messages
        ],
    })
print("RESULT " + json.dumps({
    "status": log.status,
    "task": log.eval.task,
    "model": log.eval.model,
    "metrics": {sc.name: {n: m.value for n, m in sc.metrics.items()}
                for sc in log.results.scores} if log.results else None,
    "samples": samples,
}, default=str))
"""


def _call(name: str, arguments: object) -> dict[str, object]:
    return {"name": name, "arguments": arguments}


def _scripts() -> list[dict[str, object]]:
    right, wrong = load_task(RIGHT_TASK), load_task(WRONG_TASK)
    wrong_id = next(p.id for p in wrong.proposals if p.id != wrong.correct_proposal)
    return [
        {  # a look around, then the right proposal
            "match": job_heading(right),
            "replies": [
                {"tool_calls": [_call("shell", {"command": "git log --oneline | head -1"})]},
                {"tool_calls": [_call("choose_proposal", {"proposal_id": right.correct_proposal})]},
            ],
        },
        {"match": job_heading(wrong), "replies": [{"tool_calls": [_call("choose_proposal", {"proposal_id": wrong_id})]}]},
        # a reply with no tool call: the episode ends, nothing submitted
        {"match": job_heading(load_task(SILENT_TASK)), "replies": [{"content": "I cannot tell."}]},
    ]  # fmt: skip


def _inspect_eval(venv: Path, log_dir: Path, base_url: str, *task_args: str) -> None:
    """``inspect eval`` on the adapter's task file: inspect's own CLI (``python -m inspect_ai``,
    as the venv's ``inspect`` script's shebang names the folder the venv was built in)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env |= {
        # inspect's provider for OpenAI-compatible servers (chat completions):
        # openai-api/<service>/<model>, its URL and key in <SERVICE>_BASE_URL, _API_KEY
        "SCRIPTED_BASE_URL": base_url,
        "SCRIPTED_API_KEY": "test-key",
        "XDG_DATA_HOME": str(log_dir.parent / "xdg-data"),  # inspect's own files: in tmp_path
        "INSPECT_DISPLAY": "plain",
    }
    cmd = [
        str(venv / "bin" / "python"), "-m", "inspect_ai", "eval",
        "swelancer_env/adapters/inspect_task.py",
        "--model", MODEL, "--log-dir", str(log_dir), "--display", "plain",
        "--max-samples", "1", *task_args,
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=ROOT, env=env)
    if proc.returncode != 0:
        pytest.fail(
            f"inspect eval failed ({proc.returncode}):\n--- stdout\n{proc.stdout[-4000:]}\n"
            f"--- stderr\n{proc.stderr[-6000:]}",
            pytrace=False,
        )


@pytest.mark.timeout(1800)
def test_inspect_eval_pays_the_right_proposal(tmp_path: Path) -> None:
    venv = inspect_venv()
    right, wrong = load_task(RIGHT_TASK), load_task(WRONG_TASK)
    log_dir = tmp_path / "logs"
    with ScriptedOpenAIServer(_scripts()) as server:
        _inspect_eval(
            venv, log_dir, server.base_url, "-T", f"tasks={RIGHT_TASK},{WRONG_TASK},{SILENT_TASK}"
        )
        requests = server.requests
    out = run_script(venv, READ_LOG, str(log_dir))
    [line] = [x for x in out.splitlines() if x.startswith("RESULT ")]
    log = json.loads(line.removeprefix("RESULT "))
    assert log["status"] == "success", log
    assert log["model"] == MODEL
    samples = {s["id"]: s for s in log["samples"]}
    assert set(samples) == {RIGHT_TASK, WRONG_TASK, SILENT_TASK}
    for s in samples.values():
        assert s["error"] is None, s
        assert s["completed"] is True, s
        assert s["metadata"]["price"] == load_task(s["id"]).price

    # the scores: the env's verdict, the task's price for the right proposal, 0 for the wrong
    [ok] = samples[RIGHT_TASK]["scores"].values()
    [bad] = samples[WRONG_TASK]["scores"].values()
    [silent] = samples[SILENT_TASK]["scores"].values()
    assert ok["value"] == {"earned": right.price, "passed": 1.0}, ok
    assert bad["value"] == {"earned": 0.0, "passed": 0.0}, bad
    assert silent["value"] == {"earned": 0.0, "passed": 0.0}, silent
    assert silent["metadata"]["ended_by"] == "no tool call" and silent["metadata"]["steps"] == 0
    assert silent["metadata"]["grade"] is None and silent["answer"] is None
    assert ok["metadata"]["price"] == right.price and bad["metadata"]["price"] == wrong.price
    assert ok["metadata"]["ended_by"] == "submission" and ok["metadata"]["steps"] == 2
    assert json.loads(ok["answer"]) == {"proposal_id": right.correct_proposal}
    # the run's metrics: the dollars earned summed over the samples, one of three passed
    metrics = log["metrics"]
    assert metrics["earned"]["total"] == right.price, metrics
    assert metrics["earned"]["mean"] == pytest.approx(right.price / 3), metrics
    assert metrics["passed"]["mean"] == pytest.approx(1 / 3), metrics

    # the conversation: the reset's text, the tool calls and the env's observations
    msgs = samples[RIGHT_TASK]["messages"]
    assert [m["role"] for m in msgs] == ["user", "assistant", "tool", "assistant", "tool"]
    assert msgs[0]["text"].startswith("You are the engineering manager")
    assert job_heading(right) in msgs[0]["text"]
    assert msgs[1]["tool_calls"] == [
        {"function": "shell", "arguments": {"command": "git log --oneline | head -1"}}
    ]
    assert msgs[2]["function"] == "shell" and msgs[2]["error"] is None
    assert msgs[2]["text"].strip() and "Error" not in msgs[2]["text"]
    assert msgs[3]["tool_calls"] == [
        {"function": "choose_proposal", "arguments": {"proposal_id": right.correct_proposal}}
    ]
    assert msgs[4]["function"] == "choose_proposal"
    assert f"Proposal {right.correct_proposal} was the right choice" in msgs[4]["text"]
    assert f"${right.price:,.2f}" in msgs[4]["text"]
    wrong_msgs = samples[WRONG_TASK]["messages"]
    assert [m["role"] for m in wrong_msgs] == ["user", "assistant", "tool"]
    assert wrong_msgs[1]["tool_calls"][0]["function"] == "choose_proposal"
    assert "right choice" not in wrong_msgs[2]["text"] and wrong_msgs[2]["text"].strip()
    silent_msgs = samples[SILENT_TASK]["messages"]
    assert [m["role"] for m in silent_msgs] == ["user", "assistant"]
    assert silent_msgs[1]["text"] == "I cannot tell." and not silent_msgs[1]["tool_calls"]

    # the model (over real HTTP) was offered the env's tools for a manager task, one request
    # per model turn: 2 for the right task, 1 for each of the others
    chats = [r for r in requests if r["path"].endswith("/chat/completions")]
    assert len(chats) == 4, [r["path"] for r in requests]
    tools = {t["function"]["name"] for t in chats[0]["body"]["tools"]}
    assert "choose_proposal" in tools and "shell" in tools and "submit" not in tools
