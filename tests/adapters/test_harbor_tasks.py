"""`swelancer-env export --format harbor`: the exported folders run by Harbor's own trial loop
(``harbor run``: its task loader, its oracle and nop agents, its verifier and reward parsing), in
the Docker engine, through a custom Harbor environment on the Docker CLI
(:mod:`harbor_kit`: the engine here has no compose and no bridge network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from adapter_venvs import ROOT, harbor_venv

from swelancer_env.grading.gold import gold_diff
from swelancer_env.tasks import load_task

pytestmark = [pytest.mark.docker, pytest.mark.slow, pytest.mark.timeout(1800)]

IC, MANAGER = "tally-split-avatars", "tally-mgr-blank-merchant"


def _export(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "swelancer_env.cli", "export", "--format", "harbor",
         "--out", str(out), *args],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def _harbor_run(tasks: Path, jobs: Path, agent: str, *extra: str) -> dict[str, dict]:
    """``harbor run`` over the task folders in ``tasks``; each trial's result by task name."""
    python = harbor_venv() / "bin" / "python"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    proc = subprocess.run(
        [str(python), "-c", "from harbor.cli.main import app; app()", "run", "-p", str(tasks),
         "-a", agent, "-e", "harbor_kit:DockerCli", "-o", str(jobs), "-n", "1", "-y", "-q",
         *extra],
        capture_output=True, text=True, timeout=1500, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = {}
    for path in jobs.glob("*/*/result.json"):
        r = json.loads(path.read_text())
        verdict = path.parent / "verifier" / "verdict.json"
        r["verdict"] = json.loads(verdict.read_text()) if verdict.exists() else None
        results[r["task_name"].split("/")[-1]] = r
    return results


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("harbor") / "tasks"
    proc = _export(out, "--tasks", IC, MANAGER)
    assert proc.returncode == 0, proc.stderr
    return out


def test_the_export_is_a_harbor_task_folder_that_hides_the_verdict(exported: Path) -> None:
    ic, manager = exported / IC, exported / MANAGER
    for folder in (ic, manager):
        names = {p.name for p in folder.iterdir()}
        assert names == {"instruction.md", "task.toml", "environment", "tests", "solution"}
        assert (folder / "tests" / "test.sh").stat().st_mode & 0o111
    # what the agent sees (instruction, its tree) names neither the tests nor the answer
    task = load_task(MANAGER)
    text = (manager / "instruction.md").read_text()
    assert "manager_decision.json" in text and all(f'"{p.id}"' in text for p in task.proposals)
    agent_side = text + "".join(
        p.read_text(errors="replace") for p in (manager / "environment").rglob("*") if p.is_file()
    )
    assert "correct_proposal" not in agent_side
    assert not list((ic / "environment").rglob("test_*.py")), "hidden tests in the agent's image"
    assert (ic / "tests" / "hidden").is_dir()
    assert (ic / "solution" / "gold.diff").read_text() == gold_diff(load_task(IC))
    toml = (ic / "task.toml").read_text()
    assert 'user = "agent"' in toml and 'network_mode = "no-network"' in toml


def test_export_refuses_to_overwrite_and_says_what_to_do(exported: Path) -> None:
    before = sorted(p.name for p in exported.iterdir())
    again = _export(exported, "--tasks", IC)
    assert again.returncode == 2 and "remove them or export to another --out" in again.stderr
    assert sorted(p.name for p in exported.iterdir()) == before  # nothing half-written
    wrong = subprocess.run(
        [sys.executable, "-m", "swelancer_env.cli", "export", "some-run", "--format", "harbor"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert wrong.returncode == 2 and "--format harbor exports tasks" in wrong.stderr


def test_harbors_oracle_earns_each_price_and_nop_nothing(exported: Path, tmp_path: Path) -> None:
    oracle = _harbor_run(exported, tmp_path / "oracle", "oracle")
    assert set(oracle) == {IC, MANAGER}
    for name, r in oracle.items():
        rewards = r["verifier_result"]["rewards"]
        assert r["exception_info"] is None, r["exception_info"]
        assert rewards == {"reward": 1.0, "dollars": load_task(name).price}, (name, r["verdict"])
    nop = _harbor_run(exported, tmp_path / "nop", "nop")
    for r in nop.values():
        assert r["exception_info"] is None, r["exception_info"]
        assert r["verifier_result"]["rewards"] == {"reward": 0.0, "dollars": 0.0}, r["verdict"]
    assert nop[MANAGER]["verdict"]["reason"].startswith("no readable /app/manager_decision.json")
    assert nop[IC]["verdict"]["tests"], "the hidden tests ran and failed"


def test_what_the_agent_leaves_behind_is_contained(exported: Path, tmp_path: Path) -> None:
    """A right fix with a server left on the app's port still earns (the verifier kills the
    agent's processes first); a FIFO where the choice goes gives 0 at once, not a hang."""
    fix = tmp_path / "fix.diff"
    fix.write_text(gold_diff(load_task(IC)))
    squat = _harbor_run(exported, tmp_path / "squat", "harbor_kit:SquatterAgent",
                        "--ak", f"patch={fix}", "-i", IC)  # fmt: skip
    assert squat[IC]["verifier_result"]["rewards"]["reward"] == 1.0, squat[IC]["verdict"]
    fifo = _harbor_run(exported, tmp_path / "fifo", "harbor_kit:SquatterAgent",
                       "--ak", "fifo=1", "-i", MANAGER)  # fmt: skip
    r = fifo[MANAGER]
    assert r["exception_info"] is None and r["verifier_result"]["rewards"]["reward"] == 0.0


def test_an_app_that_kills_the_keeper_fails_the_agent_not_the_harness(exported: Path, tmp_path: Path) -> None:  # fmt: skip
    """The app runs as the keeper's user and can end it before it answers: that is the
    submission's doing, a reward of 0 with the reason, never an infrastructure error."""
    r = _harbor_run(exported, tmp_path / "killer", "harbor_kit:KeeperKillerAgent", "-i", IC)[IC]
    assert r["exception_info"] is None, r["exception_info"]
    assert r["verifier_result"]["rewards"] == {"reward": 0.0, "dollars": 0.0}, r["verdict"]
    assert "keeper gave no answer" in r["verdict"]["reason"], r["verdict"]
