"""The SkyRL-Gym adapter, driven by SkyRL-Gym's own registry and ``make`` in a venv of its own
(skyrl-gym from PyPI plus this project): a manager task chosen right through a model-like
``<tool_call>`` reply earns its price and ends the episode; a reply with no action gets the
how-to-act observation and goes on; a wrong choice (as a JSON action) earns 0."""

from __future__ import annotations

import json

import pytest
from adapter_venvs import run_script, skyrl_venv

from swelancer_env.prompt import job_heading
from swelancer_env.tasks import load_task

pytestmark = [pytest.mark.slow]

MANAGER_TASK = "tally-mgr-blank-merchant"

SCRIPT = r"""
import json, sys

import skyrl_gym
from omegaconf import DictConfig

from swelancer_env.adapters.skyrl_env import SWELancerTextEnv, register_swelancer

task_id, right, wrong = sys.argv[1:4]
env_id = register_swelancer()
assert skyrl_gym.registry[env_id].entry_point.endswith(":SWELancerTextEnv")
result = {}

# as SkyRL's generator makes it: its config section (a DictConfig) and the sample's extras
env = skyrl_gym.make(env_id, env_config=DictConfig({"reward_scale": "dollars"}),
                     extras={"task_id": task_id, "max_turns": 8})
assert isinstance(env, SWELancerTextEnv)
chat, meta = env.init([{"role": "system", "content": "You are an engineering manager."},
                       {"role": "user", "content": "(the dataset's prompt)"}])
result["init"] = {"roles": [m["role"] for m in chat], "text": chat[-1]["content"], "meta": meta}
steps = []
for text in [
    "Let me think about which proposal is best.",  # no action
    '<tool_call>{"name": "shell", "arguments": {"command": "git log --oneline | head -1"}}</tool_call>',
    "I choose it.\n<tool_call>" + json.dumps(
        {"name": "choose_proposal", "arguments": json.dumps({"proposal_id": right})}) + "</tool_call>",
]:
    out = env.step(text)
    steps.append({k: out[k] for k in ("observations", "reward", "done", "metadata")})
result["right"] = steps
result["right_metrics"] = env.get_metrics()
env.close()

env = skyrl_gym.make(env_id, env_config={"reward_scale": "binary"}, extras={"extra_info": {"task_id": task_id}})
env.init([])
out = env.step(json.dumps({"type": "choose_proposal", "proposal_id": wrong}))
result["wrong"] = {k: out[k] for k in ("observations", "reward", "done", "metadata")}
env.close()
print("RESULT " + json.dumps(result, default=str))
"""


def test_skyrl_make_and_step_a_manager_task() -> None:
    task = load_task(MANAGER_TASK)
    right = task.correct_proposal
    assert right is not None
    wrong = next(p.id for p in task.proposals if p.id != right)
    out = run_script(skyrl_venv(), SCRIPT, MANAGER_TASK, right, wrong)
    [line] = [x for x in out.splitlines() if x.startswith("RESULT ")]
    result = json.loads(line.removeprefix("RESULT "))

    init = result["init"]
    assert init["roles"] == ["system", "user"]  # the dataset's user turn became the task's issue
    assert job_heading(task) in init["text"] and "<tool_call>" in init["text"]
    assert init["meta"]["task_id"] == MANAGER_TASK and init["meta"]["price"] == task.price

    malformed, shell, choose = result["right"]
    # a reply with no action: told how to act, no reward, not done, the env not stepped
    assert malformed["reward"] == 0.0 and malformed["done"] is False
    [note] = malformed["observations"]
    assert note["role"] == "user" and "Act with exactly one action" in note["content"]
    assert "step" not in malformed["metadata"]
    # a tool call: the command ran, its output is the next user message
    assert shell["done"] is False and shell["reward"] == 0.0
    assert shell["metadata"]["action"] == "shell" and shell["metadata"]["step"] == 1
    assert shell["observations"][0]["role"] == "user" and shell["observations"][0]["content"]
    # the right proposal: the price, done, the grade in the metadata
    assert choose["done"] is True and choose["reward"] == task.price
    assert choose["metadata"]["terminated"] is True
    assert choose["metadata"]["grade"]["passed"] is True
    assert "right choice" in choose["metadata"]["observation"]
    assert "infra_error" not in choose["metadata"]
    assert result["right_metrics"]["earned"] == task.price
    assert result["right_metrics"]["turns"] == 3

    wrong_step = result["wrong"]
    assert wrong_step["done"] is True and wrong_step["reward"] == 0.0
    assert wrong_step["metadata"]["grade"]["passed"] is False
