"""SWELancerEnv as an inspect-ai task (``pip install 'swelancer-env[inspect]'``).

Run it with inspect's own runner, model and logs::

    inspect eval swelancer_env/adapters/inspect_task.py --model openai/gpt-4o \\
        -T split=train -T max_turns=30
    # an OpenAI-compatible server (vLLM, ...): inspect's openai-api provider, with
    # MYSERVER_BASE_URL=http://localhost:8000/v1 and MYSERVER_API_KEY set
    inspect eval swelancer_env/adapters/inspect_task.py -T tasks=tally-mgr-blank-merchant \\
        --model openai-api/myserver/my-model
    inspect view                         # the episodes: messages, tool calls, observations, scores

or from Python: ``inspect_ai.eval(swelancer(tasks=[...]), model=...)``.

- **Dataset**: one ``Sample`` per task (the bundled tasks; ``tasks=[...]`` or ``split=`` or
  ``variant=`` narrow them): ``id`` the task's id, ``input`` the task's issue as
  ``SWELancerEnv.reset`` gives it, ``metadata`` its ``task_id``, ``variant``, ``price``,
  ``title`` and ``split``.
- **Solver** (:func:`swelancer_solver`): each sample makes its own ``SWELancerEnv`` (text
  observations), resets it on the sample's task and offers the episode's actions as inspect
  tools (``env.tool_schemas()``: the manager tasks' ``choose_proposal``, the IC tasks'
  ``submit``, and the optional tools). Each tool call is one ``env.step`` (the call's name is
  the action's type, its arguments the action's fields); the observation's text is the tool's
  result. The episode ends when the env terminates (a submission) or truncates (its step or
  time limit), when the model replies without a tool call, or after ``max_turns`` model turns.
  The env is closed whatever happens.
- **Scorer** (:func:`swelancer_scorer`): the env's verdict, ``{"earned": dollars, "passed":
  1.0 or 0.0}`` (metrics: the sum and mean of ``earned``, the mean of ``passed``); the score's
  metadata holds the task's ``price``, the visible grade and how the episode ended.
- **Infra errors**: when the env reports ``info["infra_error"]`` (the harness could not grade;
  no verdict) or its reset fails, the solver raises: inspect records the sample as an error
  (not a score of 0) and retries it with ``--retry-on-error``.

inspect-ai is imported here only: it is an optional dependency of swelancer-env.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from inspect_ai import Task, task  # type: ignore[import-not-found]
from inspect_ai.dataset import MemoryDataset, Sample  # type: ignore[import-not-found]
from inspect_ai.model import ChatMessageUser  # type: ignore[import-not-found]
from inspect_ai.scorer import (  # type: ignore[import-not-found]
    Metric,
    SampleScore,
    Score,
    Target,
    mean,
    metric,
    scorer,
)
from inspect_ai.solver import Generate, TaskState, solver  # type: ignore[import-not-found]
from inspect_ai.tool import ToolDef, ToolParam, ToolParams  # type: ignore[import-not-found]

from swelancer_env.adapters.common import reset_text
from swelancer_env.env import SWELancerEnv
from swelancer_env.tasks import load_task
from swelancer_env.tasks.loader import list_tasks

__all__ = ["reset_text", "swelancer", "swelancer_scorer", "swelancer_solver", "total"]

#: where the solver keeps the episode's record for the scorer (inspect's per-sample store)
STORE_KEY = "swelancer"

#: the result of a tool call made after the episode ended (in the same reply)
ENDED = "Not run: the episode has ended."


def _as_list(value: Any) -> list[str] | None:
    """A list of names from a task argument: a list, or a comma-separated string (``-T``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _tool_def(schema: dict[str, Any], act: Any) -> Any:
    """One of the env's actions (an OpenAI function schema) as an inspect tool whose call
    steps the env through ``act(name, arguments)``."""
    fn = schema["function"]
    name: str = fn["name"]
    spec = fn.get("parameters") or {}
    props: dict[str, Any] = spec.get("properties", {})
    required: list[str] = list(spec.get("required", []))

    # ``**kwargs: Any``: inspect passes the call's arguments through as they came
    async def call(**kwargs: Any) -> str:
        return str(await act(name, kwargs))

    call.__name__ = name
    params = ToolParams(
        properties={key: ToolParam.model_validate(prop) for key, prop in props.items()},
        required=required,
    )
    return ToolDef(
        call,
        name=name,
        description=fn.get("description") or name,
        parameters=params,
        parallel=False,  # one env: its steps run in order
    ).as_tool()


@solver
def swelancer_solver(max_turns: int | None = None, **env_kwargs: Any) -> Any:
    """Play the sample's task in its own SWELancerEnv (see the module)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        task_id = str((state.metadata or {}).get("task_id") or state.sample_id)
        env = SWELancerEnv(**{**env_kwargs, "observation": "text"})
        record: dict[str, Any] = {
            "task_id": task_id,
            "grade": None,
            "reward": 0.0,
            "steps": 0,
            "done": False,
            "ended_by": None,
        }
        state.store.set(STORE_KEY, record)

        async def act(name: str, arguments: dict[str, Any]) -> str:
            if record["done"]:  # an earlier call of this reply ended the episode
                return ENDED
            action = {k: v for k, v in arguments.items() if v is not None}
            action["type"] = name
            obs, reward, terminated, truncated, info = await env.astep(action)
            record["steps"] += 1
            record["reward"] = float(reward)
            if "grade" in info:
                record["grade"] = info["grade"]
            if "infra_error" in info:
                record["infra_error"] = str(info["infra_error"])
            if terminated or truncated:
                record["done"] = True
                record["ended_by"] = (
                    "submission" if terminated else info.get("truncated_by", "truncated")
                )
                if terminated:  # the ending action's fields: the model's answer
                    record["answer"] = json.dumps({k: v for k, v in action.items() if k != "type"})
            state.store.set(STORE_KEY, record)
            return str(obs["output"])

        try:
            try:
                obs, reset_info = await env.areset(options={"task_id": task_id})
            except Exception as e:  # the sandbox could not start: not the model's doing
                raise RuntimeError(f"SWELancerEnv.reset failed on {task_id}: {e}") from e
            record["price"] = float(reset_info["price"])
            record["variant"] = reset_info["variant"]
            # the conversation: any system messages of earlier solvers, then the reset's text
            state.messages = [m for m in state.messages if m.role == "system"] + [
                ChatMessageUser(content=str(obs["output"]))
            ]
            state.tools = [_tool_def(s, act) for s in env.tool_schemas()]
            turns = 0
            while not record["done"]:
                if max_turns is not None and turns >= max_turns:
                    record["ended_by"] = "max_turns"
                    break
                turns += 1
                state = await generate(state, tool_calls="single")
                if "infra_error" in record:  # no verdict: a sample error, not a score of 0
                    raise RuntimeError(f"swelancer infra_error: {record['infra_error']}")
                if record["done"]:
                    break
                if state.completed:  # inspect's own limits (messages, tokens, time)
                    record["ended_by"] = "inspect limit"
                    break
                if not state.output.message.tool_calls:
                    record["ended_by"] = "no tool call"
                    break
            record["turns"] = turns
            state.store.set(STORE_KEY, record)
            return state
        finally:
            # shielded: a sample inspect cancels (a limit, an error elsewhere, ^C) still ends
            # its sandbox; the env's thread runs the close after any call still under way
            with anyio.CancelScope(shield=True):
                await env.aclose()

    return solve


@metric
def total() -> Metric:
    """The sum of the scores (the dollars earned over the samples)."""

    def compute(scores: list[SampleScore]) -> float:
        return float(sum(float(s.score.as_float()) for s in scores))

    return compute


@scorer(metrics={"earned": [total(), mean()], "passed": [mean()]})
def swelancer_scorer() -> Any:
    """The env's verdict on the episode: dollars ``earned`` and ``passed`` (see the module)."""

    async def score(state: TaskState, target: Target) -> Score:
        record: dict[str, Any] = state.store.get(STORE_KEY) or {}
        grade: dict[str, Any] = record.get("grade") or {}
        earned = float(grade.get("earned", 0.0))
        passed = float(bool(grade.get("passed")))
        price = record.get("price", (state.metadata or {}).get("price"))
        ended_by = record.get("ended_by")
        if grade:
            explanation = f"{'passed' if passed else 'failed'}: earned ${earned:g} of ${price:g}"
        else:
            explanation = f"nothing was submitted (ended by {ended_by})"
        return Score(
            value={"earned": earned, "passed": passed},
            answer=record.get("answer"),
            explanation=explanation,
            metadata={
                "task_id": record.get("task_id"),
                "price": price,
                "grade": grade or None,
                "steps": record.get("steps", 0),
                "turns": record.get("turns", 0),
                "ended_by": ended_by,
            },
        )

    return score


@task
def swelancer(
    split: str | None = None,
    tasks: list[str] | str | None = None,
    variant: str | None = None,
    max_turns: int | None = None,
    backend: str = "local",
    partial_credit: bool = False,
    tools: list[str] | str | None = None,
    max_steps: int | None = None,
) -> Task:
    """The bundled swelancer-env tasks as an inspect task.

    Args:
        split: only the tasks of this split (``train``, ``test``, ``diamond``, ...).
        tasks: only these task ids (a list, or comma-separated: ``-T tasks=a,b``).
        variant: only this variant (``swe_manager`` or ``ic_swe``).
        max_turns: at most this many model turns per episode (default: the env's step limit).
        backend: SWELancerEnv's backend (``local``, ``docker``, ...).
        partial_credit: pay a share of the price for a partly passing submission.
        tools: the optional tools offered (default: all; the ending action always).
        max_steps: the env's step limit (default: the task's).
    """
    ids = _as_list(tasks)
    tool_names = _as_list(tools)
    chosen = (
        [load_task(i) for i in ids]
        if ids is not None
        else [t for t in list_tasks() if split is None or t.split == split]
    )
    chosen = [t for t in chosen if variant is None or t.variant == variant]
    if not chosen:
        raise ValueError(f"no task to run (tasks={tasks!r}, split={split!r}, variant={variant!r})")
    env_kwargs: dict[str, Any] = {"backend": backend, "partial_credit": partial_credit}
    if tool_names is not None:
        env_kwargs["tools"] = tool_names
    if max_steps is not None:
        env_kwargs["max_steps"] = max_steps
    samples = [
        Sample(
            id=t.id,
            input=reset_text(t.id, env_kwargs),
            target="",
            metadata={
                "task_id": t.id,
                "variant": t.variant,
                "price": t.price,
                "title": t.title,
                "split": t.split,
            },
        )
        for t in chosen
    ]
    return Task(
        dataset=MemoryDataset(samples, name="swelancer"),
        solver=swelancer_solver(max_turns=max_turns, **env_kwargs),
        scorer=swelancer_scorer(),
    )
