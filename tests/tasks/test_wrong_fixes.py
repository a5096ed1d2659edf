"""An IC task's wrong fixes (``wrong_fixes/NAME.patch`` with a ``[wrong_fixes]`` description each)
and its redundant gold hunks: loaded, linted, and kept out of the agent's sight."""

from __future__ import annotations

from pathlib import Path

import pytest

from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import TaskFormatError
from swelancer_env.tasks import load_task_dir
from swelancer_env.tasks.lint import lint_task
from swelancer_env.tasks.model import Task

WRONG = """\
diff --git a/greeting.py b/greeting.py
--- a/greeting.py
+++ b/greeting.py
@@ -1 +1 @@
-GREETING = "helo"
+GREETING = "Hello"
"""


def _add(task: Task, toml: str, patches: dict[str, str]) -> Task:
    folder = task.folder
    assert folder is not None
    (folder / "task.toml").write_text((folder / "task.toml").read_text() + toml)
    (folder / "wrong_fixes").mkdir(exist_ok=True)
    for name, text in patches.items():
        (folder / "wrong_fixes" / f"{name}.patch").write_text(text)
    return load_task_dir(folder)


def test_the_loader_reads_wrong_fixes_and_redundant_hunks(mini_task: Task) -> None:
    toml = (
        'redundant_hunks = ["greeting.py:1"]\n\n[wrong_fixes]\n'
        'capital = "Capitalizes the greeting (covers only the case the issue names)."\n'
    )
    task = _add(mini_task, toml, {"capital": WRONG})
    assert task.wrong_fixes == {"capital": "Capitalizes the greeting (covers only the case the "
                                "issue names)."}  # fmt: skip
    assert task.wrong_fix_patches == {"capital": WRONG}
    assert task.redundant_hunks == ["greeting.py:1"]
    assert lint_task(task) == []


def test_lint_flags_a_patch_without_description_and_a_description_without_patch(
    mini_task: Task,
) -> None:
    toml = 'redundant_hunks = ["server.py:1"]\n\n[wrong_fixes]\nghost = "Has no patch (a class)."\n'
    task = _add(mini_task, toml, {"capital": WRONG, "empty": ""})
    problems = [p.what for p in lint_task(task)]
    assert any("wrong_fixes/capital.patch has no description" in p for p in problems), problems
    assert any("describes 'ghost' but there is no wrong_fixes/ghost.patch" in p for p in problems)
    assert any("wrong_fixes/empty.patch is empty" in p for p in problems), problems
    assert any("'server.py:1', not a hunk of the gold fix" in p for p in problems), problems


def test_wrong_fixes_are_for_ic_tasks_only(mini_task: Task) -> None:
    data = mini_task.model_dump(exclude={"folder"}) | {
        "variant": "swe_manager", "correct_proposal": "1", "wrong_fixes": {"x": "y"}
    }  # fmt: skip
    with pytest.raises(ValueError, match="only for ic_swe tasks"):
        Task(**data)
    toml = mini_task.folder / "task.toml"  # type: ignore[operator]
    toml.write_text(toml.read_text() + '\n[wrong_fixes]\nx = "y"\n')
    toml.write_text(toml.read_text().replace('"ic_swe"', '"swe_manager"'))
    with pytest.raises(TaskFormatError):
        load_task_dir(Path(toml).parent)


def test_a_wrong_fix_is_not_visible_from_the_agents_shell(mini_task: Task) -> None:
    marker = "WRONG-FIX-MARKER-5d1e"
    task = _add(mini_task, f'\n[wrong_fixes]\nm = "{marker}"\n', {"m": WRONG + f"# {marker}\n"})
    path = task.folder / "wrong_fixes" / "m.patch"  # type: ignore[operator]
    env = SWELancerEnv(task_id=task.id)
    try:
        env.reset()
        obs, *_ = env.step({"type": "shell", "command": f"cat {path}; ls -a {path.parent}"})
        assert marker not in obs["output"] and int(obs["exit_code"]) != 0, obs["output"]
        # nor anywhere in the work tree, home or temporary folder (the marker split in the command)
        half = len(marker) // 2
        grep = f"grep -rls '{marker[:half]}''{marker[half:]}' . ~ /tmp 2>/dev/null; true"
        obs, *_ = env.step({"type": "shell", "command": grep, "timeout": 60})
        assert obs["output"].strip() == "", obs["output"]
    finally:
        env.close()
