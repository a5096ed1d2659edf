"""The verifiers adapter, run by verifiers' own evaluation loop (``env.evaluate``) in a venv of
its own (verifiers from PyPI plus this project), its model an OpenAI-compatible scripted server
over real HTTP: on two manager tasks, the model chooses the right proposal of one and a wrong
proposal of the other; the rewards are the first task's price (``reward="dollars"``) or 1.0
(``reward="binary"``), and 0 for the second."""

from __future__ import annotations

import json

import pytest
from adapter_venvs import run_script, verifiers_venv

from swelancer_env.llm.scripted_server import ScriptedOpenAIServer
from swelancer_env.prompt import job_heading
from swelancer_env.tasks import load_task

pytestmark = [pytest.mark.slow]

RIGHT_TASK = "tally-mgr-blank-merchant"
WRONG_TASK = "tally-mgr-future-date"

SCRIPT = r"""
import asyncio, json, os, sys

import verifiers as vf

from swelancer_env.adapters.verifiers_env import SWELancerVerifiersEnv, load_environment, reset_text
from swelancer_env.env import SWELancerEnv

base_url, reward_kind, *task_ids = sys.argv[1:]
env = load_environment(task_ids=task_ids, reward=reward_kind)
assert isinstance(env, SWELancerVerifiersEnv) and isinstance(env, vf.MultiTurnEnv)
rows = list(env.get_eval_dataset())
# the prompt is the reset observation's text
probe = SWELancerEnv(observation="text")
obs, _ = probe.reset(options={"task_id": task_ids[0]})
probe.close()
first = rows[0]["prompt"][-1]["content"]
assert first == obs["output"], (first[:200], obs["output"][:200])

os.environ["SCRIPTED_KEY"] = "test-key"
client = vf.ClientConfig(api_base_url=base_url, api_key_var="SCRIPTED_KEY")
results = asyncio.run(env.evaluate(client=client, model="scripted-model", max_concurrent=1))
outputs = results["outputs"]
print("RESULT " + json.dumps([
    {"task_id": o["info"]["task_id"] if isinstance(o["info"], dict) else json.loads(o["info"])["task_id"],
     "reward": o["reward"], "metrics": o.get("metrics"), "error": o.get("error"),
     "stop": o.get("stop_condition")}
    for o in outputs
], default=str))
"""


def _call(name: str, arguments: object) -> dict[str, object]:
    return {"name": name, "arguments": arguments}


def _scripts() -> list[dict[str, object]]:
    right, wrong = load_task(RIGHT_TASK), load_task(WRONG_TASK)
    wrong_id = next(p.id for p in wrong.proposals if p.id != wrong.correct_proposal)
    return [
        {  # a look around, a reply with no tool call, then the right proposal
            "match": job_heading(right),
            "replies": [
                {"tool_calls": [_call("shell", {"command": "git log --oneline | head -1"})]},
                {"content": "Proposal 4 looks best."},
                {"tool_calls": [_call("choose_proposal", {"proposal_id": right.correct_proposal})]},
            ],
        },
        {"match": job_heading(wrong), "replies": [{"tool_calls": [_call("choose_proposal", {"proposal_id": wrong_id})]}]},
    ]  # fmt: skip


@pytest.mark.parametrize("reward", ["dollars", "binary"])
def test_verifiers_evaluate_pays_the_right_proposal(reward: str) -> None:
    venv = verifiers_venv()
    price = load_task(RIGHT_TASK).price
    with ScriptedOpenAIServer(_scripts()) as server:
        out = run_script(venv, SCRIPT, server.base_url, reward, RIGHT_TASK, WRONG_TASK)
        requests = server.requests
    [line] = [x for x in out.splitlines() if x.startswith("RESULT ")]
    results = {r["task_id"]: r for r in json.loads(line.removeprefix("RESULT "))}
    right, wrong = results[RIGHT_TASK], results[WRONG_TASK]
    assert right["error"] is None and wrong["error"] is None, results
    assert right["reward"] == (price if reward == "dollars" else 1.0), right
    assert wrong["reward"] == 0.0, wrong
    assert right["metrics"]["earned"] == price and right["metrics"]["passed"] == 1.0
    assert wrong["metrics"]["earned"] == 0.0 and wrong["metrics"]["passed"] == 0.0
    # the model was offered the env's own tools for a manager task, over real HTTP
    assert len(requests) == 4
    tools = {t["function"]["name"] for t in requests[0]["body"]["tools"]}
    assert "choose_proposal" in tools and "shell" in tools and "submit" not in tools
    # the shell call ran in the env (its output came back as the tool message) and the reply
    # with no tool call got the adapter's note; the conversation went on to the choice
    last = max((r["body"]["messages"] for r in requests), key=len)
    assert [m["role"] for m in last] == ["user", "assistant", "tool", "assistant", "user"]
    assert last[0]["content"].startswith("You are the engineering manager")
    assert last[2]["content"].strip() and "Error" not in last[2]["content"]
    assert "no tool call" in last[4]["content"]
