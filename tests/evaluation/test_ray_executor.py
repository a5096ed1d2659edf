"""``eval --executor ray``: the same episodes as the process pool, written by the driver alone;
a worker killed mid-episode is retried once, then recorded as an infra error, never lost or
counted twice; no Ray process outlives the run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from swelancer_env.cli import main
from swelancer_env.evaluation.evaluate import episode_seed
from swelancer_env.evaluation.records import EpisodeResult
from swelancer_env.evaluation.results import read_results
from swelancer_env.tasks import list_tasks

pytest.importorskip("ray")
pytestmark = pytest.mark.ray

MANAGER = sorted(t.id for t in list_tasks() if t.variant == "swe_manager")[:2]

# the oracle, except that on one episode (known by its seed) it kills its own process on its
# first action, as many times in all as `kills` (marker files made with O_EXCL count them)
AGENT = """
import os, signal
from swelancer_agents.oracle import OracleAgent

class Dies(OracleAgent):
    name = "dies"

    def __init__(self, marker_dir, victim_seed, kills=1, seed=None):
        super().__init__()
        self.marker_dir, self.victim_seed, self.kills, self.seed = (
            marker_dir, victim_seed, kills, seed)

    def act(self, obs, info):
        if self.seed == self.victim_seed:
            self.seed = None  # the first action of the episode only
            for n in range(self.kills):
                try:
                    marker = os.path.join(self.marker_dir, f"killed-{n}")
                    os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                except FileExistsError:
                    continue
                os.kill(os.getpid(), signal.SIGKILL)
        return super().act(obs, info)
"""


def _raylets() -> int:
    found = subprocess.run(["pgrep", "-f", "raylet"], capture_output=True, text=True).stdout
    return len(found.split())


def _eval(out: Path, *extra: str) -> int:
    return main(["eval", "--out", str(out), "--no-progress", "--tasks", *MANAGER, *extra])


def _results(out: Path) -> list[EpisodeResult]:
    return read_results(out / "results.jsonl")


def _outcomes(out: Path) -> dict[tuple[str, int], tuple[bool, float, int, int | None]]:
    return {r.key: (r.passed, r.earned, r.steps, r.seed) for r in _results(out)}


@pytest.fixture
def no_leak() -> object:
    before = _raylets()
    yield
    assert _raylets() == before, "a raylet outlived the run"
    # and the killed workers' temporary folders are gone: see the session's leak check


def test_ray_runs_the_same_episodes_as_one_process(tmp_path: Path, no_leak: object) -> None:
    ray_out, one = tmp_path / "ray", tmp_path / "one"
    args = ["--agent", "random", "--attempts", "2"]
    assert _eval(ray_out, *args, "--executor", "ray", "--workers", "2") == 0
    assert _eval(one, *args, "--executor", "process", "--workers", "1") == 0
    assert _outcomes(ray_out) == _outcomes(one)
    keys = [r.key for r in _results(ray_out)]
    assert len(keys) == len(set(keys)) == len(MANAGER) * 2
    for r in _results(ray_out):
        assert r.trajectory and (ray_out / r.trajectory).exists()
    assert not list(ray_out.glob("trajectories/*/*.partial"))


@pytest.mark.parametrize("kills", [1, 2])
def test_a_killed_worker_is_retried_once_then_an_infra_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leak: object, kills: int
) -> None:
    (tmp_path / "dies_agent.py").write_text(AGENT)
    monkeypatch.syspath_prepend(str(tmp_path))  # the local cluster's workers get it too
    markers = tmp_path / "markers"
    markers.mkdir()
    victim = (MANAGER[1], 0)
    out = tmp_path / "run"
    code = _eval(
        out, "--agent", "dies_agent:Dies", "--attempts", "2", "--executor", "ray",
        "--workers", "2", "--agent-option", f"marker_dir={markers}",
        "--agent-option", f"victim_seed={episode_seed(0, *victim)}",
        "--agent-option", f"kills={kills}",
    )  # fmt: skip
    assert sorted(p.name for p in markers.iterdir()) == [f"killed-{n}" for n in range(kills)]
    results = _results(out)
    keys = [r.key for r in results]
    assert len(keys) == len(set(keys)) == len(MANAGER) * 2  # none lost, none doubled
    by_key = {r.key: r for r in results}
    others = [r for k, r in by_key.items() if k != victim]
    assert all(r.passed and r.earned == r.price and r.infra_error is None for r in others)
    summary = json.loads((out / "summary.json").read_text())
    if kills == 1:
        assert code == 0
        r = by_key[victim]
        assert r.passed and r.earned == r.price and r.infra_error is None
        assert summary["overall"]["infra_errors"] == 0
    else:
        assert code == 2  # infra errors make the run's exit code 2
        r = by_key[victim]
        assert not r.passed and r.earned == 0 and r.infra_error
        assert "Ray worker died" in r.infra_error and victim[0] in r.infra_error
        assert r.seed == episode_seed(0, *victim) and r.agent == "dies"
        assert summary["overall"]["infra_errors"] == 1


def test_address_needs_the_ray_executor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _eval(tmp_path / "x", "--agent", "noop", "--address", "auto") == 2
    assert "--executor ray" in capsys.readouterr().err


def test_a_config_error_stops_a_ray_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_leak: object,
) -> None:
    from swelancer_env.llm.scripted_server import ScriptedOpenAIServer

    monkeypatch.setenv("SCRIPTED_KEY", "a-wrong-key")  # the local cluster's workers get it too
    out = tmp_path / "run"
    with ScriptedOpenAIServer([{"status": 401}] * 4) as server:
        code = _eval(
            out, "--agent", "llm", "--model", "m", "--base-url", server.base_url,
            "--api-key-env", "SCRIPTED_KEY", "--max-retries", "0", "--attempts", "2",
            "--executor", "ray", "--workers", "1",
        )  # fmt: skip
        assert len(server.requests) == 1
    assert code == 2
    assert "set SCRIPTED_KEY" in capsys.readouterr().err
    [r] = _results(out)
    assert r.outcome == "config_error" and r.key == (MANAGER[0], 0)
