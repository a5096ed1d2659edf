"""The text an agent reads on reset: the job, where the code is, and how to act."""

from __future__ import annotations

from swelancer_env.tasks.model import Task

__all__ = ["job_heading", "job_text", "task_prompt"]

_IC = """\
You are a freelance software engineer. You took this job for ${price:,.0f}:

{heading}{issue}

The app's code is your shell's working directory (`pwd` shows it; file edits take paths relative
to it): a git repository at the state the reporter saw. Find the cause and change the code so
that the issue is fixed. Only changes under {paths} count.
{protocol}"""

_IC_ACTIONS = """
Actions: {actions}, and `submit` when you are done: hidden end-to-end tests then decide
whether you earn the ${price:,.0f}. You have {max_steps} steps.
"""

_MANAGER = """\
You are the engineering manager for a freelance job worth ${price:,.0f}. Read the issue and the
freelancers' proposals, and choose the one that best fixes it.

{heading}{issue}

The app's code is your shell's working directory, at the state the reporter saw.{protocol}
# Proposals
{proposals}
"""

_MANAGER_ACTIONS = """ Actions:
{actions}. End with `choose_proposal` and a proposal id: you earn the ${price:,.0f} if your
choice is the one that correctly fixes the issue. You have {max_steps} steps.
"""


_ACTIONS = {
    "shell": "`shell` (a persistent bash session)",
    "view": "`view`",
    "create": "`create`",
    "str_replace": "`str_replace`",
    "insert": "`insert`",
    "user_tool": (
        "`user_tool` (runs the reporter's reproduction steps in a browser against your current "
        "code and shows you what the user sees)"
    ),
}


def _actions(tools: list[str]) -> str:
    parts = [_ACTIONS[t] for t in tools if t in _ACTIONS]
    edits = [t for t in ("view", "create", "str_replace", "insert") if t in tools]
    if edits:  # the file edits read as one group
        first = parts.index(_ACTIONS[edits[0]])
        parts[first : first + len(edits)] = [
            ", ".join(_ACTIONS[e] for e in edits) + " (file edits)"
        ]
    return ", ".join(parts) if parts else "none but the one that ends the job"


def job_heading(task: Task) -> str:
    """The job's one heading in the prompt: the issue's own first heading, else the task's title."""
    first = task.issue.strip().splitlines()[0] if task.issue.strip() else ""
    return first[2:].strip() if first.startswith("# ") else task.title


def job_text(task: Task) -> str:
    """The job alone (the price, the issue, where the code is; a manager job's proposals),
    without the env's actions and step count: for an agent with a protocol of its own."""
    return _prompt(task, None, None, actions=False)


def task_prompt(task: Task, max_steps: int, tools: list[str] | None = None) -> str:
    """The reset observation's text for ``task``, naming the offered ``tools`` (default all).

    It names no temporary path, so that equal seeds give equal reset observations.
    """
    return _prompt(task, max_steps, tools, actions=True)


def _prompt(task: Task, max_steps: int | None, tools: list[str] | None, actions: bool) -> str:
    from swelancer_env.actions import offered_tools

    tools = offered_tools(
        task.variant, None if tools is None else [t for t in tools if t in _ACTIONS]
    )
    issue = task.issue.strip()
    fields = {
        "price": task.price,
        # the title once: an issue that opens with its own heading keeps it, alone
        "heading": "" if issue.startswith("# ") else f"# {task.title}\n\n",
        "issue": issue,
        "max_steps": max_steps,
        "paths": ", ".join(task.acceptable_paths),
        "actions": _actions(tools),
    }
    if task.variant == "swe_manager":
        proposals = "\n".join(f"## Proposal {p.id}\n\n{p.text.strip()}\n" for p in task.proposals)
        protocol = _MANAGER_ACTIONS.format(**fields) if actions else "\n"
        return _MANAGER.format(proposals=proposals, protocol=protocol, **fields)
    protocol = _IC_ACTIONS.format(**fields) if actions else ""
    return _IC.format(protocol=protocol, **fields)
