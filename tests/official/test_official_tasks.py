"""The official Diamond set through the same CLI, env and agents: fetched from PyPI's
inspect-evals wheel (or a stand-in for the official repository on loopback), listed with counts
and dollar totals, its 265 manager tasks run: the oracle earns all of it, a seeded random agent
what chance predicts."""

from __future__ import annotations

import csv
import functools
import http.server
import json
import math
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from swelancer_agents import make_agent
from swelancer_env.cli import main
from swelancer_env.env import SWELancerEnv
from swelancer_env.official.fetch import DIAMOND, NAME, WHEEL, fetch
from swelancer_env.official.loader import official_tasks, read_csv
from swelancer_env.official.trees import EXPENSIFY_REPO_VAR, TEXT_ONLY_NOTE
from swelancer_env.runner import run_episode


@pytest.fixture(scope="module")
def diamond() -> Path:
    """The Diamond CSV in the user's cache (fetched once: from PyPI here, as in CI)."""
    path, meta = fetch("auto", timeout=5)
    assert meta["sha256"] == WHEEL["sha256"] or meta["from"].startswith("http")
    return path


def _independent_counts(path: Path) -> dict[str, tuple[int, float]]:
    """Counts and totals read with the csv module alone, not with our loader."""
    csv.field_size_limit(sys.maxsize)
    out: dict[str, tuple[int, float]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n, total = out.get(row["variant"], (0, 0.0))
            out[row["variant"]] = (n + 1, total + float(row["price"]))
    return out


def test_the_wheel_gives_the_diamond_set_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    path, meta = fetch("wheel")
    assert meta["from"].startswith("PyPI inspect-evals==0.26.0")
    assert meta["sha256"] == WHEEL["sha256"] and meta["rows"] == DIAMOND
    assert path == tmp_path / "cache" / "official" / NAME
    assert not list(path.parent.glob(".fetch-*"))  # nothing half-written left
    again, meta2 = fetch("wheel")  # cached: not fetched twice
    assert again == path and meta2["fetched_at"] == meta["fetched_at"]


def test_the_official_repository_is_tried_first(
    diamond: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loopback stand-in for github.com serves the file: auto takes it from there."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(diamond.parent))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{NAME}"
        monkeypatch.setenv("SWELANCER_OFFICIAL_URL", url)
        monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
        path, meta = fetch("auto")
        assert meta["from"] == url and meta["tried"] == [] and meta["rows"] == DIAMOND
        assert path.read_bytes() == diamond.read_bytes()
        monkeypatch.setenv("SWELANCER_OFFICIAL_URL", url + ".missing")
        with pytest.raises(Exception, match="could not fetch"):
            fetch("official", force=True)
        assert path.read_bytes() == diamond.read_bytes()  # the cached file is kept
    finally:
        server.shutdown()


def test_every_row_loads_and_tasks_prints_counts_and_totals(
    diamond: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = read_csv(diamond)
    assert loaded.skipped == [] and len(loaded.tasks) == 463
    expected = _independent_counts(diamond)
    assert loaded.by_variant() == expected
    assert main(["tasks", "--source", "official"]) == 0
    out = capsys.readouterr().out
    for variant, (n, total) in expected.items():
        assert f"{variant}: {n} tasks, ${total:,.0f}" in out
    assert f"{sum(n for n, _ in expected.values())} tasks" in out
    assert main(["tasks", "--source", "official", "--variant", "swe_manager"]) == 0
    manager = capsys.readouterr().out
    assert "ic_swe" not in manager.split("\n\n")[-1] and "swe_manager: 265 tasks" in manager


@pytest.fixture(scope="module")
def manager_env(diamond: Path) -> Iterator[SWELancerEnv]:
    env = SWELancerEnv(info_timings=False, max_steps=20)
    yield env
    env.close()


def test_a_manager_episode_is_the_issue_and_its_proposals_text_only(
    manager_env: SWELancerEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(EXPENSIFY_REPO_VAR, raising=False)
    task = next(t for t in official_tasks("swe_manager") if t.id == "17073-manager-0")
    obs, info = manager_env.reset(options={"task_id": task.id})
    text = obs["output"]
    assert task.title in text and TEXT_ONLY_NOTE in text
    for p in task.proposals:
        assert f"## Proposal {p.id}" in text
    assert "user_tool" not in info["tools"] and "choose_proposal" in info["tools"]
    obs, *_ = manager_env.step({"type": "shell", "command": "cat README.md"})
    assert "text-only" in obs["output"]
    wrong = next(p.id for p in task.proposals if p.id != task.correct_proposal)
    _, reward, terminated, _, info = manager_env.step(
        {"type": "choose_proposal", "proposal_id": wrong}
    )
    assert terminated and reward == 0.0 and not info["grade"]["passed"]


def test_the_oracle_earns_the_whole_manager_total(manager_env: SWELancerEnv) -> None:
    tasks = official_tasks("swe_manager")
    earned = sum(run_episode(manager_env, make_agent("oracle"), t.id).earned for t in tasks)
    assert earned == sum(t.price for t in tasks) == 264_500


def test_a_seeded_random_agent_earns_what_chance_predicts(manager_env: SWELancerEnv) -> None:
    tasks = official_tasks("swe_manager")
    results = [
        run_episode(manager_env, make_agent("random", steps=0, seed=n), t.id)
        for n, t in enumerate(tasks)
    ]
    earned = sum(r.earned for r in results)
    odds = [1 / len(t.proposals) for t in tasks]
    mean = sum(t.price * p for t, p in zip(tasks, odds, strict=True))
    sd = math.sqrt(sum(t.price**2 * p * (1 - p) for t, p in zip(tasks, odds, strict=True)))
    assert abs(earned - mean) < 4 * sd, (earned, mean, sd)
    again = run_episode(manager_env, make_agent("random", steps=0, seed=0), tasks[0].id)
    assert again.earned == results[0].earned  # seeded


def test_official_ic_tasks_say_what_they_need(manager_env: SWELancerEnv) -> None:
    ic = official_tasks("ic_swe")[0]
    with pytest.raises(Exception, match="official IC task: it runs on the official SWE-Lancer"):
        manager_env.reset(options={"task_id": ic.id})


def test_eval_runs_the_official_manager_tasks(diamond: Path, tmp_path: Path) -> None:
    ids = [t.id for t in official_tasks("swe_manager")[:6]]
    out = tmp_path / "run"
    code = main(["eval", "--agent", "oracle", "--source", "official", "--variant", "swe_manager",
                 "--tasks", *ids, "--workers", "2", "--out", str(out), "--no-progress"])  # fmt: skip
    assert code == 0
    run = json.loads((out / "run.json").read_text())
    assert run["source"] == "official"
    summary = json.loads((out / "summary.json").read_text())["overall"]
    assert summary["earned"] == summary["available"] > 0 and summary["episodes"] == 6
    assert main(["report", str(out)]) == 0  # the page says which set, beside the paper's figures
    page = (out / "report.html").read_text()
    official = page[page.index('id="official"') :]
    assert "SWE-Lancer Diamond (current: 463 tasks" in official
    assert "<td>swe_manager</td><td>265</td><td>$264,500</td><td>6</td>" in official
    assert "<td>100.0%</td>" in official and "44.9%" in official and "26.2%" in official
    assert "first release" in official
