"""SWELancerEnv as a `verifiers` environment (``pip install 'swelancer-env[verifiers]'``).

Built on verifiers' classic stack (``import verifiers as vf``: ``vf.MultiTurnEnv``,
``vf.Rubric``, ``env.evaluate``/``env.rollout``), as verifiers 0.3 ships it; verifiers 0.4
dropped that stack for ``verifiers.v1`` (tasksets and harnesses), which this adapter does not
target. Example::

    import verifiers as vf
    from swelancer_env.adapters.verifiers_env import load_environment

    env = load_environment(task_ids=["tally-mgr-blank-merchant"], reward="dollars")
    client = vf.ClientConfig(api_base_url="http://localhost:8000/v1", api_key_var="OPENAI_API_KEY")
    results = await env.evaluate(client=client, model="my-model", max_retries=2)
    results["outputs"][0]["reward"]  # the dollars the submission earned

Each dataset row is one task: ``prompt`` the task's issue (the text ``SWELancerEnv.reset``
gives), ``answer`` and ``info["task_id"]`` its id. A rollout makes its own SWELancerEnv in
``setup_state`` (reset on the row's task, the env's tool schemas as the rollout's tools),
keeps it in ``state["swelancer_env"]``, steps it with each tool call (the call's name is the
action's type, its arguments the action's fields) and closes it in a cleanup handler.
A submission (``submit`` or ``choose_proposal``), or the env's step or time limit, ends the
rollout. The reward is what the submission earned: ``reward="dollars"`` (the ``earned``
function, weight 1) or ``reward="binary"`` (``passed``, 1.0 or 0.0); both are recorded as
metrics whichever is the reward.

Infrastructure errors: when the env reports ``info["infra_error"]`` (the harness could not
grade; no verdict), the rollout raises ``vf.InfraError`` from ``env_response``. verifiers
then records it in ``state["error"]`` (the output's ``error``), stops the rollout, and retries
it when ``evaluate(max_retries=N)`` asks, as for its own sandbox errors: an errored rollout is
a failure to drop or retry, not a reward of 0 (its reward functions return 0.0 but the error
is set).
"""

from __future__ import annotations

import json
from typing import Any

import verifiers as vf
from datasets import Dataset

from swelancer_env.adapters.common import reset_text
from swelancer_env.env import SWELancerEnv
from swelancer_env.tasks import load_task
from swelancer_env.tasks.loader import list_tasks

__all__ = ["SWELancerVerifiersEnv", "earned", "load_environment", "passed", "reset_text"]

#: what a reply with no tool call gets (the rollout goes on)
NO_TOOL_CALL = (
    "Your reply had no tool call. Act through the tools: one tool call per action; end a manager "
    "task with choose_proposal, an IC task with submit."
)


def _tool_defs(schemas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI function tools as verifiers' provider-agnostic tool definitions."""
    return [
        {
            "name": s["function"]["name"],
            "description": s["function"].get("description", ""),
            "parameters": s["function"].get("parameters", {"type": "object", "properties": {}}),
        }
        for s in schemas
    ]


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


async def earned(state: vf.State, **kwargs: Any) -> float:
    """The dollars the rollout's submission earned (0.0 when nothing was submitted)."""
    grade = (state.get("swelancer") or {}).get("grade") or {}
    return float(grade.get("earned", 0.0))


async def passed(state: vf.State, **kwargs: Any) -> float:
    """1.0 when the rollout's submission passed, else 0.0."""
    grade = (state.get("swelancer") or {}).get("grade") or {}
    return float(bool(grade.get("passed")))


class SWELancerVerifiersEnv(vf.MultiTurnEnv):
    """One SWELancerEnv per rollout, its actions as the rollout's tools (see the module)."""

    def __init__(self, env_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: SWELancerEnv's keyword arguments for each rollout's env
        self.env_kwargs = {**(env_kwargs or {}), "observation": "text"}

    async def setup_state(self, state: vf.State) -> vf.State:
        info = state.get("info") or {}
        if isinstance(info, str):
            info = json.loads(info)
        task_id = info.get("task_id") or state.get("answer")
        env = SWELancerEnv(**self.env_kwargs)
        state["swelancer_env"] = env  # closed by close_swelancer_env, whatever happens next
        try:
            _obs, reset_info = await env.areset(options={"task_id": task_id})
        except Exception as e:  # the sandbox could not start: not the policy's doing
            raise vf.InfraError(f"SWELancerEnv.reset failed on {task_id}: {e}") from e
        state["swelancer"] = {"task_id": task_id, "reset_info": reset_info, "grade": None}
        state["tool_defs"] = self._normalize_tool_defs(_tool_defs(env.tool_schemas()))
        return state

    async def env_response(self, messages: vf.Messages, state: vf.State, **kwargs: Any) -> Any:
        env: SWELancerEnv = state["swelancer_env"]
        calls = _field(messages[-1], "tool_calls") or []
        if not calls:
            return [{"role": "user", "content": NO_TOOL_CALL}]
        replies: list[dict[str, Any]] = []
        record = state["swelancer"]
        for call in calls:
            call_id, name = _field(call, "id"), _field(call, "name")
            raw = _field(call, "arguments") or "{}"
            if record.get("done"):  # an earlier call of this reply ended the episode
                text = "Not run: the episode has ended."
            else:
                try:
                    args = json.loads(raw) if isinstance(raw, str) else dict(raw)
                    action: Any = {**args, "type": name} if isinstance(args, dict) else raw
                except json.JSONDecodeError as e:
                    action = None
                    text = f"Error: the arguments of {name} are not valid JSON ({e.msg})."
                if action is not None:
                    obs, reward, terminated, truncated, info = await env.astep(action)
                    text = obs["output"]
                    done = terminated or truncated
                    record.update(reward=float(reward), terminated=terminated)
                    record.update(truncated=truncated, done=done)
                    if "grade" in info:
                        record["grade"] = info["grade"]
                    if "infra_error" in info:
                        record["infra_error"] = info["infra_error"]
                        raise vf.InfraError(f"swelancer infra_error: {info['infra_error']}")
            replies.append({"role": "tool", "content": text, "tool_call_id": call_id})
        if record.get("done"):  # submitted, or the env's step or time limit: the rollout ends
            state["final_env_response"] = replies
        return replies

    @vf.cleanup
    async def close_swelancer_env(self, state: vf.State) -> None:
        env = state.get("swelancer_env")
        if env is not None:
            await env.aclose()
            state["swelancer_env"] = None


def load_environment(
    task_ids: list[str] | None = None,
    split: str | None = None,
    reward: str = "dollars",
    max_turns: int = -1,
    system_prompt: str | None = None,
    **env_kwargs: Any,
) -> SWELancerVerifiersEnv:
    """The verifiers environment over ``task_ids`` (default: the tasks of ``split``, or every
    task). ``reward``: ``"dollars"`` (what the submission earned) or ``"binary"`` (1.0 if it
    passed). ``max_turns``: verifiers' limit on model turns (-1: the env's own step limit
    alone). ``env_kwargs``: SWELancerEnv's settings for each rollout (``backend``,
    ``partial_credit``, ``tools``, ``max_steps``, ...)."""
    if reward not in ("dollars", "binary"):
        raise ValueError(f"reward={reward!r}: use 'dollars' or 'binary'")
    if task_ids is None:
        task_ids = [t.id for t in list_tasks() if split is None or t.split == split]
    if not task_ids:
        raise ValueError(f"no task to load (task_ids empty, or no task in split {split!r})")
    rows = []
    for task_id in task_ids:
        task = load_task(task_id)
        rows.append(
            {
                "prompt": [{"role": "user", "content": reset_text(task_id, env_kwargs)}],
                "answer": task_id,
                "info": {"task_id": task_id, "variant": task.variant, "price": task.price},
            }
        )
    dataset = Dataset.from_list(rows)
    rubric = vf.Rubric(
        funcs=[earned, passed], weights=[1.0, 0.0] if reward == "dollars" else [0.0, 1.0]
    )
    return SWELancerVerifiersEnv(
        env_kwargs={k: v for k, v in env_kwargs.items() if k != "split"},
        dataset=dataset,
        eval_dataset=dataset,
        rubric=rubric,
        system_prompt=system_prompt,
        max_turns=max_turns,
    )
