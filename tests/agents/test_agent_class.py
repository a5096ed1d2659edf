"""``--agent module:Class`` finds an agent of one's own from its folder, as ``python -m`` would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from swelancer_env.tasks import list_tasks

MANAGER = sorted((t for t in list_tasks() if t.variant == "swe_manager"), key=lambda t: t.id)[0]
AGENT = """\
class MyAgent:
    def reset(self, task, obs, info):
        self.task = task

    def act(self, obs, info):
        return {"type": "choose_proposal", "proposal_id": self.task.correct_proposal}
"""


def test_an_agent_in_the_current_folder_runs_without_pythonpath(tmp_path: Path) -> None:
    (tmp_path / "myagent.py").write_text(AGENT)
    script = Path(sys.executable).parent / "swelancer-env"  # the console script, as a user runs it
    proc = subprocess.run(
        [str(script), "eval", "--agent", "myagent:MyAgent", "--tasks", MANAGER.id,
         "--out", "run", "--no-progress"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "PASS" in proc.stdout


def test_a_missing_module_still_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from agents import agent_class
    from swelancer_env.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="PYTHONPATH"):
        agent_class("nothing_here:Agent")
