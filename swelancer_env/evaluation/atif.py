"""Trajectories in Harbor's ATIF (Agent Trajectory Interchange Format, RFC 0001), so that any
ATIF reader (Harbor's viewer, SFT and RL pipelines) can load an evaluation's episodes.

One trajectory file (``trajectories/<task_id>/<attempt>.jsonl``) becomes one ATIF document:

- ``steps[0]``: the agent's system prompt (``source: "system"``) when its first model request
  had one; then the reset observation (``source: "user"``);
- one ``source: "agent"`` step per env step: the action as one tool call (name = action type,
  arguments = the action without ``type``), the observation as the call's result (text, plus
  the screenshot as an image part that points at the PNG), the model calls' text, reasoning,
  tokens, cost and logprobs; reward, exit code and timings in the step's ``extra``;
- ``final_metrics``: the summed tokens and cost, with reward, earnings and the verdict in its
  ``extra``.

The module uses pydantic alone (not ``harbor``, which needs Python 3.12): the models below are
the part of ATIF this export writes, and the tests validate the output with Harbor's own.

Example:
    >>> export_run(Path("runs/oracle"))  # doctest: +SKIP
    [PosixPath('runs/oracle/atif/tally-split-avatars/0.json'), ...]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.atomic import write_json_atomic
from swelancer_env.evaluation.records import (
    EpisodeResult,
    ModelCall,
    RunInfo,
    StepRecord,
    TrajectoryHeader,
)
from swelancer_env.evaluation.results import read_results
from swelancer_env.evaluation.trajectory import read_trajectory, read_trajectory_end

__all__ = ["ATIF_VERSION", "export_run", "trajectory_to_atif"]


#: the ATIF version written: the lowest that has every field used (v1.6 image parts, v1.7
#: ``llm_call_count``, ``trajectory_id`` and ``extra`` on tool calls and results)
ATIF_VERSION = "ATIF-v1.7"


class _Atif(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ImageSource(_Atif):
    media_type: Literal["image/png"] = "image/png"
    path: str


class _ContentPart(_Atif):
    type: Literal["text", "image"]
    text: str | None = None
    source: _ImageSource | None = None


class _ToolCall(_Atif):
    tool_call_id: str
    function_name: str
    arguments: dict[str, Any]
    extra: dict[str, Any] | None = None


class _ObservationResult(_Atif):
    source_call_id: str | None = None
    content: str | list[_ContentPart] | None = None


class _Observation(_Atif):
    results: list[_ObservationResult]


class _Metrics(_Atif):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int | None = None
    cost_usd: float | None = None
    prompt_token_ids: list[int] | None = None
    completion_token_ids: list[int] | None = None
    logprobs: list[float] | None = None
    extra: dict[str, Any] | None = None


class _Step(_Atif):
    step_id: int
    timestamp: str | None = None
    source: Literal["system", "user", "agent"]
    model_name: str | None = None
    reasoning_effort: str | float | None = None
    message: str
    reasoning_content: str | None = None
    tool_calls: list[_ToolCall] | None = None
    observation: _Observation | None = None
    metrics: _Metrics | None = None
    llm_call_count: int | None = None
    extra: dict[str, Any] | None = None


class _Agent(_Atif):
    name: str
    version: str
    model_name: str | None = None
    tool_definitions: list[dict[str, Any]] | None = None
    extra: dict[str, Any] | None = None


class _FinalMetrics(_Atif):
    total_prompt_tokens: int | None = None
    total_completion_tokens: int | None = None
    total_cached_tokens: int | None = None
    total_cost_usd: float | None = None
    total_steps: int | None = None
    extra: dict[str, Any] | None = None


class _Trajectory(_Atif):
    schema_version: str = ATIF_VERSION
    session_id: str
    trajectory_id: str
    agent: _Agent
    steps: list[_Step]
    notes: str | None = None
    final_metrics: _FinalMetrics
    extra: dict[str, Any] | None = None


# -- reading our records ---------------------------------------------------------------------


def _run_context(run_dir: Path) -> tuple[RunInfo | None, dict[tuple[str, int], EpisodeResult]]:
    """The run's settings and results when the folder has them (both optional)."""
    info: RunInfo | None = None
    run_json = run_dir / "run.json"
    if run_json.is_file():
        try:
            info = RunInfo.model_validate_json(run_json.read_bytes())
        except ValidationError as e:
            raise ConfigError(f"{run_json}: not a run.json ({e.errors()[0]['msg']})") from None
    # as everywhere else: a torn or unreadable line is skipped, a later line for an episode wins
    results = {r.key: r for r in read_results(run_dir / "results.jsonl")}
    return info, results


def _run_dir_of(path: Path) -> Path | None:
    """``DIR`` when ``path`` is ``DIR/trajectories/<task_id>/<attempt>.jsonl``."""
    parents = path.resolve().parents
    return parents[2] if len(parents) > 2 and parents[1].name == "trajectories" else None


# -- mapping --------------------------------------------------------------------------------


def _text(content: Any) -> str:
    """A message's content as text (a string, or the text of a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text") or "" for p in content if isinstance(p, dict))
    return ""


def _message(call: ModelCall) -> dict[str, Any]:
    choices = (call.response or {}).get("choices") or []
    msg = choices[0].get("message") if choices and isinstance(choices[0], dict) else None
    return msg if isinstance(msg, dict) else {}


def _joined(parts: list[str]) -> str | None:
    kept = [p for p in parts if p]
    return "\n\n".join(kept) if kept else None


def _tool_call(record: StepRecord) -> _ToolCall | None:
    action = record.action
    if isinstance(action, str):  # the agent may send its action as a JSON string
        try:
            action = json.loads(action)
        except json.JSONDecodeError:
            return None
    if record.action_type is not None and isinstance(action, dict):
        name: str = record.action_type
        valid = True
    elif isinstance(action, dict) and isinstance(action.get("type"), str):
        name, valid = action["type"], False  # an invalid action of a known shape
    else:
        return None  # not even an object with a type: no call
    call_id = f"call_{record.step}"
    for call in reversed(record.model_calls):
        for tc in _message(call).get("tool_calls") or []:
            if isinstance(tc, dict) and (tc.get("function") or {}).get("name") == name:
                call_id = str(tc.get("id") or call_id)
                break
        else:
            continue
        break
    # a valid action's None fields are its defaults (as a model dumps them): left out, as the
    # model would have; an invalid action's are kept, being perhaps what made it invalid
    args = {k: v for k, v in action.items() if k != "type" and (v is not None or not valid)}
    return _ToolCall(
        tool_call_id=call_id,
        function_name=name,
        arguments=args,
        extra=None if valid else {"valid": False},
    )


def _metrics(calls: list[ModelCall]) -> _Metrics | None:
    if not calls:
        return None
    costs = [c.cost for c in calls]
    logprobs: list[float] | None = []
    tokens: list[str] = []
    for c in calls:
        if logprobs is None or c.logprobs is None:
            logprobs = None
            continue
        for entry in c.logprobs:
            value = entry.get("logprob")
            if not isinstance(value, int | float):
                logprobs = None
                break
            logprobs.append(float(value))
            tokens.append(str(entry.get("token", "")))
    extra: dict[str, Any] = {
        "reasoning_tokens": sum(c.usage.reasoning for c in calls),
        "latency_s": round(sum(c.latency_s for c in calls), 6),
    }
    if logprobs:
        extra["logprob_tokens"] = tokens
    if None in costs:
        extra["cost_unknown_for"] = sorted({c.model for c in calls if c.cost is None})
    # token ids (tokens in, tokens out): ATIF's fields hold one call's; a step of several calls
    # keeps each call's in extra
    prompt_ids = completion_ids = None
    with_ids = [c for c in calls if c.completion_token_ids is not None]
    if len(calls) == 1 and with_ids:
        prompt_ids, completion_ids = calls[0].prompt_token_ids, calls[0].completion_token_ids
        if calls[0].completion_logprobs is not None:  # one per completion id
            logprobs = list(calls[0].completion_logprobs)
    elif with_ids:
        extra["calls_token_ids"] = [
            {"prompt_token_ids": c.prompt_token_ids, "completion_token_ids": c.completion_token_ids,
             "logprobs": c.completion_logprobs}
            for c in calls
        ]  # fmt: skip
    return _Metrics(
        prompt_tokens=sum(c.usage.prompt for c in calls),
        completion_tokens=sum(c.usage.completion for c in calls),
        cached_tokens=sum(c.usage.cached for c in calls),
        cost_usd=None if None in costs else sum(c for c in costs if c is not None),
        prompt_token_ids=prompt_ids,
        completion_token_ids=completion_ids,
        logprobs=logprobs or None,
        extra=extra,
    )


def _result(
    record: StepRecord, call: _ToolCall | None, traj_dir: Path, image_base: Path
) -> _ObservationResult:
    """One env step's observation (its text, and its screenshot as an image part)."""
    content: str | list[_ContentPart] = record.observation
    if record.screenshot:
        png = traj_dir / record.screenshot
        if png.is_file():
            rel = os.path.relpath(png.resolve(), image_base.resolve())
            content = [
                _ContentPart(type="text", text=record.observation),
                _ContentPart(type="image", source=_ImageSource(path=Path(rel).as_posix())),
            ]
        else:
            missing = f"[screenshot {record.screenshot}: file missing from the run folder]"
            content = f"{record.observation}\n{missing}"
    return _ObservationResult(source_call_id=call.tool_call_id if call else None, content=content)


def _env_step(record: StepRecord) -> dict[str, Any]:
    """What the env said of one step, for the agent step's ``extra``."""
    out: dict[str, Any] = {
        "step": record.step,
        "action_type": record.action_type,
        "exit_code": record.exit_code,
        "reward": record.reward,
        "terminated": record.terminated,
        "truncated": record.truncated,
        "timings": record.timings,
    }
    if record.action_type is None:
        out["action"] = record.action  # what the agent sent, as it sent it
    if record.grade is not None:
        out["grade"] = record.grade
    return out


def _reply_calls(call: ModelCall | None) -> list[_ToolCall]:
    """The tool calls of ``call``'s reply, as the model wrote them; arguments that are not a
    JSON object are kept as ``{"raw_arguments": ...}`` and marked ``valid: False``."""
    out = []
    for i, tc in enumerate(_message(call).get("tool_calls") or [] if call else []):
        if not isinstance(tc, dict):
            continue
        fn = tc.get("function") or {}
        raw = fn.get("arguments")
        try:
            args = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError:
            args = None
        ok = isinstance(args, dict)
        out.append(
            _ToolCall(
                tool_call_id=str(tc.get("id") or f"call_{i}"),
                function_name=str(fn.get("name")),
                arguments=args if ok else {"raw_arguments": raw},
                extra=None if ok else {"valid": False},
            )
        )
    return out


def _sent_back(call: ModelCall | None, after: ModelCall | None) -> list[dict[str, Any]]:
    """The messages the agent sent the model after ``call``'s reply (tool results, errors,
    notes): what the next call's request adds after that reply; none when the next request
    does not extend this one (the context was trimmed) or there is no next call."""
    if call is None or after is None:
        return []
    sent = call.request.get("messages") or []
    later = after.request.get("messages") or []
    n = len(sent)
    extends = len(later) > n and later[:1] == sent[:1] and later[n].get("role") == "assistant"
    return [m for m in later[n + 1 :] if isinstance(m, dict)] if extends else []


def _call_step(
    step_id: int,
    call: ModelCall | None,
    records: list[StepRecord],
    after: ModelCall | None,
    model: str | None,
    traj_dir: Path,
    image_base: Path,
) -> _Step:
    """One agent step: one model call (its reply, the tool calls it made, the env's results of
    the steps they ran and whatever else was sent back to the model), or, for an agent without
    model calls, one env step."""
    tool_calls = _reply_calls(call)
    from_tools = bool(tool_calls)  # the actions came from the reply's tool calls
    results: list[_ObservationResult] = []
    used: set[str] = set()
    for record in records:
        name = record.action_type
        if name is None and isinstance(record.action, dict):
            name = record.action.get("type")
        match = next(
            (t for t in tool_calls if t.tool_call_id not in used and t.function_name == name),
            None,
        )
        if match is None and not from_tools:
            match = _tool_call(record)  # an action not from a tool call (code blocks, scripts)
            if match is not None:
                tool_calls.append(match)
        if match is not None:
            used.add(match.tool_call_id)
            if record.action_type is None:  # the env refused it
                match.extra = {"valid": False}
        results.append(_result(record, match, traj_dir, image_base))
    for m in _sent_back(call, after):
        cid = m.get("tool_call_id")
        if m.get("role") == "tool" and cid not in used:
            results.append(_ObservationResult(source_call_id=cid, content=_text(m.get("content"))))
            used.add(str(cid))
        elif m.get("role") == "user":
            results.append(_ObservationResult(content=_text(m.get("content"))))
    message = _message(call) if call is not None else {}
    effort = call.request.get("reasoning_effort") if call is not None else None
    extra: dict[str, Any] = {"env_steps": [_env_step(r) for r in records]}
    if len(records) == 1:  # the common case, flat
        extra = _env_step(records[0])
    if call is not None and call.error:
        extra["model_call_error"] = call.error
    if call is not None and call.retries:
        extra["retries"] = call.retries
    return _Step(
        step_id=step_id,
        source="agent",
        model_name=call.model if call is not None and call.model != model else None,
        reasoning_effort=effort if isinstance(effort, str | float) else None,
        message=_text(message.get("content")) or "",
        reasoning_content=(
            _text(message.get("reasoning_content") or message.get("reasoning")) or None
            if call is not None
            else None
        ),
        tool_calls=tool_calls or None,
        observation=_Observation(results=results) if results else None,
        metrics=_metrics([call]) if call is not None else None,
        llm_call_count=1 if call is not None else 0,
        extra=extra,
    )


def _groups(
    records: list[StepRecord], tail: list[ModelCall]
) -> list[tuple[ModelCall | None, list[StepRecord]]]:
    """The episode as (model call, the env steps its reply ran): each call but the last before
    a step ran none (its reply was malformed, empty or refused, and an error went back); a step
    without calls continues the last reply while that reply has tool calls left, else stands
    alone (an agent without model calls); ``tail``, the calls after the last step, ran none."""
    groups: list[tuple[ModelCall | None, list[StepRecord]]] = []
    for record in records:
        if record.model_calls:
            groups += [(c, []) for c in record.model_calls[:-1]]
            groups.append((record.model_calls[-1], [record]))
            continue
        if groups:
            call, ran = groups[-1]
            if call is not None and len(_message(call).get("tool_calls") or []) > len(ran):
                ran.append(record)
                continue
        groups.append((None, [record]))
    groups += [(c, []) for c in tail]
    return groups


def _tool_definitions(header: TrajectoryHeader, steps: list[StepRecord]) -> list[dict[str, Any]]:
    """The tools the model was offered (its first request's), else the env's action schemas."""
    for record in steps:
        for call in record.model_calls:
            tools = call.request.get("tools")
            if isinstance(tools, list):
                return tools
    from swelancer_env.spaces import ActionSpace

    schemas = ActionSpace().tool_schemas(header.variant)
    if header.tools:
        schemas = [s for s in schemas if s["function"]["name"] in header.tools]
    return schemas


def _system_prompt(steps: list[StepRecord]) -> str | None:
    for record in steps:
        for call in record.model_calls:
            msgs = call.request.get("messages") or []
            if (
                msgs
                and isinstance(msgs[0], dict)
                and msgs[0].get("role") in ("system", "developer")
            ):
                return _text(msgs[0].get("content"))
            return None
    return None


def _convert(
    path: Path,
    image_base: Path,
    info: RunInfo | None,
    results: dict[tuple[str, int], EpisodeResult],
    run_name: str | None,
) -> dict[str, Any]:
    header, records, torn = read_trajectory(path)
    steps: list[_Step] = []
    system = _system_prompt(records)
    if system is not None:
        steps.append(_Step(step_id=1, source="system", message=system))
    steps.append(
        _Step(
            step_id=len(steps) + 1,
            timestamp=header.started_at or None,
            source="user",
            message=header.observation,
        )
    )
    end = read_trajectory_end(path)
    tail = end.model_calls if end is not None else []
    groups = _groups(records, tail)
    calls = [c for c, _ in groups if c is not None]
    for i, (call, ran) in enumerate(groups):
        after = next((c for c, _ in groups[i + 1 :] if c is not None), None)
        steps.append(
            _call_step(len(steps) + 1, call, ran, after, header.model, path.parent, image_base)
        )

    costs = [c.cost for c in calls]
    result = results.get((header.task_id, header.attempt))
    final_extra: dict[str, Any] = {
        "reward": sum(r.reward for r in records),
        "total_reasoning_tokens": sum(c.usage.reasoning for c in calls),
        "model_calls": len(calls),
        "env_steps": len(records),
    }
    if end is not None and (end.agent_error or end.infra_error):
        final_extra["ended_by_error"] = end.agent_error or end.infra_error
    if result is not None:
        final_extra.update(
            passed=result.passed,
            earned=result.earned,
            seconds=result.seconds,
            truncated=result.truncated,
            infra_error=result.infra_error,
        )
    notes = (
        f"Exported by swelancer-env from {path.name}: steps are the agent's system prompt (when "
        "it had one), the task as posted, then one agent step per model call (its reply, the "
        "tool calls it made, the results of the env steps they ran and whatever else was sent "
        "back to the model), or per env step for an agent without model calls."
    )
    if torn:
        notes += " The trajectory's last line was torn (the run crashed) and was skipped."
    session = "/".join(p for p in (run_name, header.task_id, str(header.attempt)) if p is not None)
    from swelancer_env import __version__

    agent_extra: dict[str, Any] = {"harness": "swelancer-env", "seed": header.seed}
    if info is not None:
        agent_extra.update(options=info.agent_options, backend=info.backend, label=info.label)
    trajectory = _Trajectory(
        session_id=session,
        trajectory_id=session,
        agent=_Agent(
            name=header.agent,
            version=__version__,
            model_name=header.model,
            tool_definitions=_tool_definitions(header, records),
            extra=agent_extra,
        ),
        steps=steps,
        notes=notes,
        final_metrics=_FinalMetrics(
            total_prompt_tokens=sum(c.usage.prompt for c in calls),
            total_completion_tokens=sum(c.usage.completion for c in calls),
            total_cached_tokens=sum(c.usage.cached for c in calls),
            total_cost_usd=None if None in costs else sum(c for c in costs if c is not None),
            total_steps=len(steps),
            extra=final_extra,
        ),
        extra={
            "task_id": header.task_id,
            "attempt": header.attempt,
            "variant": header.variant,
            "title": header.title,
            "price": header.price,
            "started_at": header.started_at,
        },
    )
    return trajectory.model_dump(mode="json", exclude_none=True)


# -- public API -----------------------------------------------------------------------------


def trajectory_to_atif(path: Path, *, image_base: Path | None = None) -> dict[str, Any]:
    """One trajectory file as one ATIF trajectory (a JSON-ready dict).

    Args:
        path: ``DIR/trajectories/<task_id>/<attempt>.jsonl``. When it sits in a run folder,
            the run's ``run.json`` and ``results.jsonl`` add the agent's options and the verdict.
        image_base: the folder the ATIF file will be written to; screenshot paths are made
            relative to it (default: the trajectory's own folder).

    Raises:
        ConfigError: the file is not a trajectory (naming the line); a torn last line is
            skipped instead, and said so in ``notes``.
    """
    path = Path(path)
    run_dir = _run_dir_of(path)
    info, results = _run_context(run_dir) if run_dir else (None, {})
    return _convert(
        path, image_base or path.parent, info, results, run_dir.name if run_dir else None
    )


def export_run(run_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Write every trajectory of a run folder as ATIF JSON, ``<out_dir>/<task_id>/<attempt>.json``
    (default ``out_dir``: ``run_dir / "atif"``), each atomically; returns the paths written.

    Raises:
        ConfigError: ``run_dir`` has no ``trajectories/``, or a file in it is malformed.
    """
    run_dir = Path(run_dir)
    root = run_dir / "trajectories"
    if not root.is_dir():
        raise ConfigError(
            f"{run_dir}: not an evaluation run folder (no trajectories/ in it); pass the folder "
            "given to `swelancer-env eval --out`"
        )
    out = Path(out_dir) if out_dir is not None else run_dir / "atif"
    info, results = _run_context(run_dir)
    files = sorted(
        root.glob("*/*.jsonl"),
        key=lambda p: (p.parent.name, int(p.stem) if p.stem.isdigit() else -1, p.stem),
    )
    written = []
    for path in files:
        target = out / path.parent.name / f"{path.stem}.json"
        write_json_atomic(
            target, _convert(path, target.parent, info, results, run_dir.resolve().name)
        )
        written.append(target)
    return written
