"""Uncertainty in the summary and paired comparisons in `compare`: intervals that hold what they
should, a test that finds a real difference and calls a coin flip noise, and the same figures on
the CLI and the page."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from swelancer_env.cli import main
from swelancer_env.evaluation.money import money
from swelancer_env.evaluation.records import EpisodeResult
from swelancer_env.evaluation.stats import interval, paired, per_task
from swelancer_env.evaluation.summary import summarize


def _result(task: str, passed: bool, attempt: int = 0, price: float = 500.0) -> EpisodeResult:
    return EpisodeResult(
        task_id=task, variant="ic_swe", price=price, earned=price if passed else 0.0,
        passed=passed, steps=3, seconds=1.0, attempt=attempt,
    )  # fmt: skip


def test_an_interval_holds_the_truth_about_95_times_in_100() -> None:
    rng = random.Random(7)
    held = 0
    for trial in range(200):
        values = [float(rng.random() < 0.3) for _ in range(60)]
        ci = interval(values, seed=trial)
        assert ci is not None and ci["low"] <= sum(values) / 60 <= ci["high"]
        held += ci["low"] <= 0.3 <= ci["high"]
    assert 0.88 <= held / 200 <= 0.99, held  # a percentile bootstrap, n=60: near 95%


def test_an_interval_is_seeded_scaled_for_sums_and_none_when_empty() -> None:
    values = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0]
    assert interval(values) == interval(values)
    mean, total = interval(values), interval(values, total=True)
    assert mean is not None and total is not None
    assert total["low"] == pytest.approx(8 * mean["low"]) and total["stderr"] == pytest.approx(
        8 * mean["stderr"], rel=1e-4
    )
    assert mean["stderr"] == pytest.approx(0.188982, abs=1e-6)  # sd 0.5345 / sqrt(8)
    assert interval([]) is None
    assert interval([1.0]) == {"stderr": 0.0, "low": 1.0, "high": 1.0}


def test_paired_finds_a_real_difference_and_calls_a_coin_flip_noise() -> None:
    tasks = [f"t{i}" for i in range(40)]
    a = {t: float(i % 4 == 0) for i, t in enumerate(tasks)}  # 25%
    better = {t: float(i % 4 != 3) for i, t in enumerate(tasks)}  # 75%
    d = paired(a, better)
    assert d["tasks"] == 40 and d["difference"] == pytest.approx(0.5)
    assert d["low"] > 0 and d["p_value"] < 0.01 and not d["within_noise"]

    flip = {t: float(i % 4 in (0, 1)) for i, t in enumerate(tasks)}  # 50%: 10 tasks up
    small = {t: a[t] for t in tasks}
    small[tasks[1]] = 1.0  # one task better: nothing to conclude from
    d = paired(a, small)
    assert d["difference"] == pytest.approx(1 / 40) and d["within_noise"]
    assert d["p_value"] == 1.0  # exact: one non-zero difference, either sign as extreme
    d = paired(a, flip)
    assert d["difference"] == pytest.approx(0.25) and d["p_value"] < 0.01

    # only the shared tasks count
    d = paired({"x": 0.0, "y": 1.0}, {"y": 0.0, "z": 1.0})
    assert (d["tasks"], d["difference"]) == (1, -1.0)
    assert paired({"x": 1.0}, {"y": 1.0})["tasks"] == 0


def test_per_task_leaves_out_infra_errors() -> None:
    rs = [_result("a", True, 0), _result("a", False, 1), _result("b", False)]
    infra = _result("c", False).model_dump(exclude={"outcome", "stop_reason"})
    rs.append(EpisodeResult.model_validate({**infra, "infra_error": "port busy"}))
    assert rs[-1].outcome == "infra_error"
    passes, earned = per_task(rs)
    assert passes == {"a": 0.5, "b": 0.0} and earned == {"a": 250.0, "b": 0.0}


def test_the_summary_has_an_interval_for_each_k_and_for_earnings() -> None:
    rs = [_result(f"t{i}", (i + a) % 3 == 0, a) for i in range(12) for a in range(3)]
    g = summarize(rs)["overall"]
    assert set(g["intervals"]) == {"pass@1", "pass@2", "pass@3", "earned"}
    for k in ("pass@1", "pass@2", "pass@3"):
        ci = g["intervals"][k]
        assert ci["low"] <= g[k] <= ci["high"]
    ci = g["intervals"]["earned"]
    assert ci["low"] <= g["earned"] <= ci["high"] <= g["available"]


def _write_run(folder: Path, outcomes: dict[str, list[bool]], label: str) -> None:
    folder.mkdir()
    rs = [_result(t, p, a) for t, ps in outcomes.items() for a, p in enumerate(ps)]
    (folder / "results.jsonl").write_text("".join(r.model_dump_json() + "\n" for r in rs))
    summary = {"run": {"label": label}, **summarize(rs)}
    (folder / "summary.json").write_text(json.dumps(summary))


def test_compare_prints_and_shows_the_paired_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = [f"t{i:02d}" for i in range(30)]
    _write_run(tmp_path / "base", {t: [i % 3 == 0] for i, t in enumerate(tasks)}, "base")
    _write_run(tmp_path / "better", {t: [i % 3 != 2] for i, t in enumerate(tasks)}, "better")
    _write_run(tmp_path / "same", {t: [i % 3 == 1] for i, t in enumerate(tasks)}, "same")
    page = tmp_path / "compare.html"
    code = main(["compare", str(tmp_path / "base"), str(tmp_path / "better"),
                 str(tmp_path / "same"), "--out", str(page)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    rows = {
        line.split()[0]: line for line in out.splitlines() if line.startswith(("better", "same"))
    }
    assert "+33.3 pts" in rows["better"] and rows["better"].rstrip().endswith("better")
    assert "+0.0 pts" in rows["same"] and rows["same"].rstrip().endswith("within the noise")
    html = page.read_text()
    assert 'id="differences"' in html and "within the noise" in html
    assert money(5000.0) in html  # 10 more tasks passed at $500: the earned difference


def test_money_reads_the_same_everywhere() -> None:
    assert money(1999.994) == "$1,999.99" and money(2000.0) == "$2,000"
    assert money(1999.996) == "$2,000" and money(-12.5) == "-$12.50" and money(None) == "-"


def test_the_summary_intervals_match_a_bootstrap_done_here_from_results_jsonl(
    tmp_path: Path,
) -> None:
    """An independent bootstrap (the standard library's random, 4,000 draws) of a run written to
    disk agrees with the summary's to within the resampling noise."""
    rng = random.Random(3)
    outcomes = {f"t{i:02d}": [rng.random() < 0.35 + 0.01 * i for _ in range(2)] for i in range(40)}
    _write_run(tmp_path / "run", outcomes, "run")
    lines = (tmp_path / "run" / "results.jsonl").read_text().splitlines()
    results = [EpisodeResult.model_validate_json(line) for line in lines]
    by_task: dict[str, list[EpisodeResult]] = {}
    for r in results:
        by_task.setdefault(r.task_id, []).append(r)
    pass1 = [sum(r.passed for r in rs) / len(rs) for rs in by_task.values()]
    earned = [sum(r.earned for r in rs) / len(rs) for rs in by_task.values()]

    def bootstrap(values: list[float], total: bool) -> tuple[float, float]:
        draw = random.Random(11)
        stats = sorted(
            (sum(draw.choice(values) for _ in values) / (1 if total else len(values)))
            for _ in range(4_000)
        )
        return stats[int(0.025 * 4_000)], stats[int(0.975 * 4_000) - 1]

    summary = json.loads((tmp_path / "run" / "summary.json").read_text())["overall"]["intervals"]
    lo, hi = bootstrap(pass1, total=False)
    assert summary["pass@1"]["low"] == pytest.approx(lo, abs=0.015)
    assert summary["pass@1"]["high"] == pytest.approx(hi, abs=0.015)
    lo, hi = bootstrap(earned, total=True)
    assert summary["earned"]["low"] == pytest.approx(lo, abs=0.015 * 40 * 500)
    assert summary["earned"]["high"] == pytest.approx(hi, abs=0.015 * 40 * 500)
