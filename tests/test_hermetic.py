"""Hidden tests, gold patches and the canary never reach the agent: not in its work tree, not in
an observation or info, not through its shell, before, during or after user tool calls."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from swelancer_env.env import SWELancerEnv
from swelancer_env.grading.canary import contains_canary
from swelancer_env.sandbox import isolation
from swelancer_env.tasks import load_task

TASK = "tally-split-avatars"


def _tree_texts(tree: Path) -> dict[str, bytes]:
    out = {}
    for path in tree.rglob("*"):
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(tree))] = path.read_bytes()
    return out


def _assert_hermetic(env: SWELancerEnv, obs: dict, info: dict, secrets: list[bytes]) -> None:
    assert not contains_canary(obs["output"])
    assert not contains_canary(json.dumps(info, default=str))
    tree = Path(env.sandbox.tree)
    for name, data in _tree_texts(tree).items():
        assert not contains_canary(data.decode(errors="replace")), f"canary in {name}"
        assert data not in secrets, f"{name} is a copy of a hidden file"


@pytest.mark.browser
def test_nothing_hidden_reaches_the_agent_through_user_tool_calls() -> None:
    task = load_task(TASK)
    hidden = [p for p in task.tests_dir.rglob("*") if p.is_file()]
    secrets = [p.read_bytes() for p in hidden] + [task.bug_patch.encode()]
    assert any(contains_canary(s.decode()) for s in secrets)  # the check below can fail

    env = SWELancerEnv(task_id=TASK)
    try:
        obs, info = env.reset()
        _assert_hermetic(env, obs, info, secrets)
        for _ in range(2):
            obs, _, _, _, info = env.step({"type": "user_tool"})
            assert "Steps:" in obs["output"]
            _assert_hermetic(env, obs, info, secrets)
        # the agent's own search of its tree and of every place it can read
        roots = " ".join(
            str(p) for p in {Path(env.sandbox.tree), Path("/tmp"), task.folder.parent.parent}
        )
        obs, *_ = env.step(
            {"type": "shell", "command": f"grep -rIl 2f6c1d0e-8b7a-4c39 {roots} 2>/dev/null | head"}
        )
        assert not contains_canary(obs["output"])
        if getattr(env.sandbox, "isolation", "none") == "bwrap":
            assert obs["output"].strip() == ""
            obs, *_ = env.step({"type": "shell", "command": f"cat {hidden[0]}"})
            assert int(obs["exit_code"]) != 0 and not contains_canary(obs["output"])
    finally:
        env.close()


def test_bwrap_is_used_when_it_works() -> None:
    env = SWELancerEnv(task_id=TASK)
    try:
        _, info = env.reset()
        expected = "bwrap" if isolation.bwrap_available() else "none"
        assert info["isolation"] == expected
        if os.geteuid() == 0:
            assert expected == "bwrap"  # CI runs as root with bubblewrap installed
    finally:
        env.close()
