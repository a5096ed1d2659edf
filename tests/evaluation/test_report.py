"""The report and compare pages, from synthetic run folders built with the real records; the
pages are opened in a real Chromium to check that they render and fetch nothing."""

from __future__ import annotations

import html as htmllib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.records import (
    EpisodeResult,
    ModelCall,
    RunInfo,
    StepRecord,
    TokenUsage,
    TrajectoryHeader,
)
from swelancer_env.evaluation.report import write_compare, write_report
from swelancer_env.evaluation.summary import summarize

# (task id, variant, price, per attempt: True passed, False failed, None infra error)
TASKS_A = [
    ("tally-split-avatars", "ic_swe", 500.0, [True, True, False]),
    ("tally-fix-total", "ic_swe", 1250.0, [False, False, False]),
    ("tally-pick-proposal", "swe_manager", 2000.0, [True, None, True]),
    ("tally-pick-cache", "swe_manager", 300.0, [False, False, False]),
]
TASKS_B = [
    ("tally-split-avatars", "ic_swe", 500.0, [True]),
    ("tally-fix-total", "ic_swe", 1250.0, [True]),
    ("tally-new-only", "ic_swe", 800.0, [False]),
]
FAILED = {
    "tally-split-avatars": ["test_avatar_split"],
    "tally-fix-total": ["test_total_rounding", "test_total_currency"],
    "tally-pick-cache": ["test_manager_choice"],
    "tally-new-only": ["test_new"],
}
SCRIPT = "<script>alert('owned')</script>"


def _screenshot(path: Path, seed: int) -> None:
    im = Image.new("RGB", (1280, 800), "white")
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, 1280, 64), fill=(33, 99, 196))
    d.rectangle((80, 140, 620, 420), fill=(220, 60 + seed * 20, 60))
    d.ellipse((760, 160, 1120, 520), fill=(40, 170, 90))
    d.text((100, 460), f"Tally · Split between 3 people · #{seed}", fill="black")
    im.save(path)


def _call(cost: float | None, text: str, command: str) -> ModelCall:
    response = {
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "content": text,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {
                                "name": "shell",
                                "arguments": json.dumps({"command": command}),
                            },
                        }
                    ],
                }
            }
        ]
    }
    return ModelCall(
        model="gpt-test",
        request={"messages": []},
        response=response,
        usage=TokenUsage(prompt=1200, completion=80, cached=400),
        latency_s=1.25,
        cost=cost,
    )


def _trajectory(
    folder: Path,
    task: str,
    variant: str,
    price: float,
    attempt: int,
    passed: bool,
    cost: float | None,
) -> str:
    tdir = folder / "trajectories" / task
    tdir.mkdir(parents=True, exist_ok=True)
    header = TrajectoryHeader(
        task_id=task,
        attempt=attempt,
        variant=variant,
        price=price,
        title=f"Fix {task}",
        agent="llm",
        model="gpt-test",
        seed=attempt,
        tools=["shell", "user_tool", "submit"],
        observation="Job posting: the split shows the wrong avatars.",
        started_at="2025-05-01T10:00:00Z",
    )
    steps = [
        StepRecord(
            step=1,
            action={"type": "shell", "command": "git grep -n avatar"},
            action_type="shell",
            observation="src/split.js:12: avatar " + SCRIPT,
            exit_code=0,
            model_calls=[_call(cost, "Let me look.", "git grep -n avatar")],
        ),
        StepRecord(
            step=2,
            action={"type": "shell", "command": "cat big.log"},
            action_type="shell",
            observation="line of log\n" * 3000,
            exit_code=0,
            model_calls=[_call(cost, "Reading the log.", "cat big.log")],
        ),
    ]
    if variant == "ic_swe":
        shot = f"{attempt}-step003.png"
        _screenshot(tdir / shot, attempt)
        steps.append(
            StepRecord(
                step=3,
                action={"type": "user_tool"},
                action_type="user_tool",
                observation="user tool: 5 steps, all ok",
                exit_code=0,
                screenshot=shot,
                model_calls=[_call(cost, "", "user_tool")],
            )
        )
    steps.append(
        StepRecord(
            step=len(steps) + 1,
            action={"type": "submit"},
            action_type="submit",
            observation="submitted",
            exit_code=0,
            terminated=True,
            reward=price if passed else 0.0,
            grade={"passed": passed, "tests_run": 3},
            # three calls per episode, as its result says: a manager's third is behind its end
            model_calls=[] if variant == "ic_swe" else [_call(cost, "Done.", "true")],
        )
    )
    lines = [header.model_dump_json()] + [s.model_dump_json() for s in steps]
    (tdir / f"{attempt}.jsonl").write_text("\n".join(lines) + "\n")
    return f"trajectories/{task}/{attempt}.jsonl"


def make_run(
    folder: Path,
    tasks: list,
    *,
    cost: float | None,
    label: str,
    summary: bool = True,
    trajectories: bool = True,
    run_json: bool = True,
) -> list[EpisodeResult]:
    folder.mkdir(parents=True)
    results = []
    for task, variant, price, outcomes in tasks:
        for attempt, outcome in enumerate(outcomes):
            infra = outcome is None
            passed = bool(outcome)
            traj = None
            if trajectories and not infra:
                traj = _trajectory(folder, task, variant, price, attempt, passed, cost)
            results.append(
                EpisodeResult(
                    task_id=task,
                    variant=variant,
                    price=price,
                    earned=price if passed else 0.0,
                    passed=passed,
                    steps=4,
                    seconds=12.5,
                    attempt=attempt,
                    agent="llm",
                    model="gpt-test",
                    seed=attempt,
                    infra_error="app did not start: port busy" if infra else None,
                    tokens=TokenUsage(prompt=3600, completion=240),
                    model_calls=3,
                    cost=None if cost is None else cost * 3,
                    failed_tests=[] if passed or infra else FAILED[task],
                    trajectory=traj,
                )
            )
    (folder / "results.jsonl").write_text("".join(r.model_dump_json() + "\n" for r in results))
    if run_json:
        info = RunInfo(
            agent="llm",
            model="gpt-test",
            label=label,
            attempts=len(tasks[0][3]),
            seed=0,
            backend="local",
            tools=["shell", "user_tool", "submit"],
            started_at="2025-05-01T10:00:00Z",
        )
        (folder / "run.json").write_text(info.model_dump_json())
    if summary:
        (folder / "summary.json").write_text(json.dumps(summarize(results)))
    return results


def _cells(page_html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', page_html, re.S)
    assert table, table_id
    body = table.group(1).split("<tbody>")[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [
            " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    make_run(root / "a", TASKS_A, cost=0.0123, label="gpt-test, all tools")
    make_run(root / "b", TASKS_B, cost=None, label="local model", summary=False, trajectories=False)
    with (root / "b" / "results.jsonl").open("a") as f:
        f.write('{"task_id": "torn", "vari')  # a line cut by a crash
    return {
        "a": root / "a",
        "b": root / "b",
        "report": write_report(root / "a"),
        "report_b": write_report(root / "b"),
        "compare": write_compare([root / "a", root / "b"], root / "compare.html"),
    }


# ---------------------------------------------------------------- without a browser


def test_summary_table_in_the_papers_shape(runs: dict[str, Path]) -> None:
    page = runs["report"].read_text()
    rows = {r[0]: r for r in _cells(page, "summary")}
    assert list(rows) == ["IC SWE", "SWE Manager", "overall"]
    # columns: name, tasks, pass@1, strict pass@1, pass@3, earned / available, tokens, cost,
    # net, per $, infra; strict: the infra error of tally-pick-proposal counted as a failure
    # pass@1 and earned with their bootstrap 95% intervals over the tasks
    summary = json.loads((runs["a"] / "summary.json").read_text())["overall"]["intervals"]
    p1, earned = summary["pass@1"], summary["earned"]
    assert rows["overall"][1:6] == [
        "4",
        f"41.7% [{100 * p1['low']:.1f}%, {100 * p1['high']:.1f}%]",
        "33.3%",
        "33.3%",
        f"$2,333.33 / $4,050 (57.6%) [${earned['low']:,.0f}, ${earned['high']:,.0f}]",
    ]
    assert p1["low"] < 0.417 < p1["high"] and earned["low"] < 2333.33 < earned["high"]
    assert rows["IC SWE"][2].startswith("33.3% [") and rows["SWE Manager"][2].startswith("50.0% [")
    assert rows["SWE Manager"][3] == "33.3%"
    assert rows["overall"][10] == "1" and rows["IC SWE"][10] == "0"
    assert rows["overall"][7] == "$0.1476"  # 0.0369 per attempt, four tasks
    assert (
        "Outcomes: passed 4, failed 7, infra error 1.\nEnded by: harness error 1, submitted 11."
        in page
    )
    assert [r[0] for r in _cells(page, "bands")] == ["under $500", "$500 to $1,000", "over $1,000"]


def test_task_table_names_failed_tests_and_links_attempts(runs: dict[str, Path]) -> None:
    page = runs["report"].read_text()
    rows = {r[0].split()[0]: r for r in _cells(page, "tasks")}
    assert rows["tally-fix-total"][4] == "0/3"
    assert "test_total_rounding" in rows["tally-fix-total"][9]
    assert rows["tally-pick-proposal"][4] == "2/2" and rows["tally-pick-proposal"][8] == "1"
    folder = runs["report"].parent / "report-trajectories"
    for attempt in range(3):  # each attempt a page of its own, beside the report
        name = f"traj-tally-split-avatars-{attempt}.html"
        assert f'href="report-trajectories/{name}"' in page
        traj = (folder / name).read_text()
        assert f'id="traj-tally-split-avatars-{attempt}" open' in traj
        assert 'href="../report.html"' in traj


def test_unknown_cost_is_unknown_never_zero(runs: dict[str, Path]) -> None:
    page = runs["report_b"].read_text()
    for row in _cells(page, "summary"):
        assert row[6:9] == ["unknown", "unknown", "unknown"], row  # pass@1 only: K = 1
    assert "cost unknown for every task" in page
    assert "1 unreadable line(s) of results.jsonl were skipped" in page
    assert "No usable summary.json" in page
    compare = runs["compare"].read_text()
    b = next(r for r in _cells(compare, "runs") if r[0] == "local model")
    assert b[-4:-1] == ["unknown", "unknown", "unknown"]


def _trajectory_pages(report: Path) -> list[str]:
    return [
        p.read_text() for p in sorted((report.parent / f"{report.stem}-trajectories").glob("*"))
    ]


def test_observation_is_escaped_and_clipped(runs: dict[str, Path]) -> None:
    pages = _trajectory_pages(runs["report"])
    page = "".join(pages)
    assert "alert('owned')" not in page.replace("&lt;script&gt;alert(&#39;owned&#39;)", "")
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in page
    assert "characters cut from the middle" in page
    assert "<script" not in page and "<script" not in runs["report"].read_text()


def test_pages_are_self_contained(runs: dict[str, Path]) -> None:
    for page in [runs[k].read_text() for k in ("report", "report_b", "compare")] + (
        _trajectory_pages(runs["report"])
    ):
        assert "http:" not in page and "https:" not in page
        assert all(src.startswith("data:image/") for src in re.findall(r'src="([^"]*)"', page))
        assert "<link" not in page and "@import" not in page and "url(http" not in page
    assert not list(runs["a"].glob(".report*"))  # the temp file and folder were renamed into place


def test_missing_run_json_default_label_no_trajectories(tmp_path: Path) -> None:
    make_run(tmp_path / "c", TASKS_B, cost=0.5, label="", run_json=False, trajectories=False)
    out = tmp_path / "out" / "c.html"
    page = write_report(tmp_path / "c", out, trajectories=False).read_text()
    assert "No readable run.json" in page and "llm · gpt-test" in page
    assert "<h2>Trajectories" not in page and 'href="c-trajectories' not in page
    assert not (tmp_path / "out" / "c-trajectories").exists()


def test_screenshot_cap(runs: dict[str, Path], tmp_path: Path) -> None:
    out = write_report(runs["a"], tmp_path / "capped.html", max_screenshots=0)
    page = "".join(_trajectory_pages(out))
    assert "<img" not in page and "not inlined (at most 0 per trajectory)" in page
    assert 'href="../../' in page  # the trajectory files, relative to the pages


def test_folder_without_results_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no results\.jsonl.*swelancer-env eval --out") as exc:
        write_report(tmp_path)
    assert str(tmp_path) in str(exc.value)
    with pytest.raises(ConfigError, match="results.jsonl"):
        write_compare([tmp_path], tmp_path / "c.html")


def test_missing_extra_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_run(tmp_path / "r", TASKS_B, cost=0.5, label="x", trajectories=False)
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(ConfigError, match=r"pip install 'swelancer-env\[report\]'"):
        write_report(tmp_path / "r")


# ---------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    from swelancer_env.browser.discovery import launch_options

    with sync_playwright() as p:
        b = p.chromium.launch(**launch_options())  # type: ignore[arg-type]
        yield b
        b.close()


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url)
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, outside, errors


def _svg_boxes(page: Any) -> list[dict[str, float]]:
    return [s.bounding_box() for s in page.locator(".plot svg").all()]


@pytest.mark.browser
def test_report_renders_in_chromium(runs: dict[str, Path], browser: Any) -> None:
    page, outside, errors = _open(browser, runs["report"])
    first = page.locator("#summary tbody tr th").all_inner_texts()
    assert first == ["IC SWE", "SWE Manager", "overall"]
    assert page.locator("#summary tbody tr.total td").nth(1).inner_text() == "41.7% [0.0%, 83.3%]"
    boxes = _svg_boxes(page)
    assert len(boxes) == 4 and all(b and b["width"] > 100 and b["height"] > 50 for b in boxes)
    assert not outside and not errors
    # a task-table link opens its trajectory's page, and that page links back
    page.locator('a[href="report-trajectories/traj-tally-split-avatars-0.html"]').click()
    page.locator("details#traj-tally-split-avatars-0[open]").wait_for(timeout=15000)
    page.locator("a", has_text="the run's report").click()
    page.locator("#summary").wait_for(timeout=15000)
    page.close()
    widths, owned = [], 0
    for path in sorted((runs["report"].parent / "report-trajectories").glob("*.html")):
        page, outside, errors = _open(browser, path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_function("[...document.images].every(i => i.complete)")
        widths += page.evaluate("[...document.images].map(i => [i.naturalWidth, i.naturalHeight])")
        owned += page.locator("pre", has_text="alert('owned')").count()
        assert not outside and not errors, path
        page.close()
    assert len(widths) == 6 and all(w == [640, 400] for w in widths)
    assert owned == 11


@pytest.mark.browser
def test_compare_renders_in_chromium(runs: dict[str, Path], browser: Any) -> None:
    page, outside, errors = _open(browser, runs["compare"])
    assert page.locator("#runs tbody tr th").all_inner_texts() == [
        "gpt-test, all tools",
        "local model",
    ]
    # each run's pass@1 with its bootstrap interval, as its summary has it
    iv = json.loads((runs["compare"].parent / "a" / "summary.json").read_text())["overall"]["intervals"]["pass@1"]  # fmt: skip
    first = page.locator("#runs tbody tr").first.inner_text()
    assert f"{iv['low']:.1%} to {iv['high']:.1%}" in first, first
    boxes = _svg_boxes(page)
    assert len(boxes) == 3 and all(b and b["width"] > 100 and b["height"] > 50 for b in boxes)
    assert page.locator("#plot-cost").inner_text().strip().endswith("cost unknown: local model.")
    matrix = page.locator("#matrix tbody tr")
    assert matrix.count() == 5
    row = page.locator("#matrix tbody tr", has_text="tally-new-only").locator("td")
    assert row.nth(3).inner_text() == "" and row.nth(4).inner_text() == "0/1"
    row = page.locator("#matrix tbody tr", has_text="tally-pick-proposal").locator("td")
    assert row.nth(3).inner_text().startswith("2/2") and row.nth(4).inner_text() == ""
    assert "do not cover the same tasks" in page.locator("#task-note").inner_text()
    assert not outside and not errors
    page.close()


# ---------------------------------------------------------------- at scale


def _with_messages(folder: Path) -> None:
    """Give every failed test of the run in ``folder`` a message, as the grader records them."""
    path = folder / "results.jsonl"
    results = [EpisodeResult.model_validate_json(x) for x in path.read_text().splitlines()]
    for r in results:
        r.failure_messages = {
            name: f"AssertionError: expected the total to read $12.50 in {name}\n+ got $12.00"
            for name in r.failed_tests
        }
    path.write_text("".join(r.model_dump_json() + "\n" for r in results))
    (folder / "summary.json").write_text(json.dumps(summarize(results)))


def test_a_manager_failure_shows_the_right_proposal_and_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from swelancer_env.tasks import load_task

    task = load_task("tally-mgr-blank-merchant")
    monkeypatch.setitem(FAILED, task.id, ["test_manager_choice"])
    make_run(tmp_path / "m", [(task.id, "swe_manager", task.price, [False])], cost=0.01,
             label="m")  # fmt: skip
    _with_messages(tmp_path / "m")
    report = write_report(tmp_path / "m")
    [page] = _trajectory_pages(report)
    assert f"The correct proposal was <strong>{task.correct_proposal}</strong>" in page
    assert "the agent chose none" in page
    assert "AssertionError: expected the total to read $12.50 in test_manager_choice" in page
    main = report.read_text()
    assert 'title="AssertionError: expected the total' in main  # the message on hover


@pytest.mark.browser
def test_a_500_episode_report_stays_small_and_opens_fast(
    tmp_path: Path, browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_name = "test_the_settings_page_keeps_the_currency_after_a_reload_and_a_logout_" * 2
    tasks = []
    for i in range(250):
        task = f"tally-generated-{i:03d}-" + "x" * (i % 40)
        monkeypatch.setitem(FAILED, task, [f"{long_name}{i}", "test_short"])
        variant = "ic_swe" if i % 10 == 0 else "swe_manager"  # few screenshots: a quick test
        tasks.append((task, variant, 250.0 + 10 * i, [i % 3 == 0, i % 4 == 0]))
    make_run(tmp_path / "big", tasks, cost=0.02, label="big")
    _with_messages(tmp_path / "big")
    report = write_report(tmp_path / "big")
    assert report.stat().st_size < 3_000_000, report.stat().st_size
    pages = list((tmp_path / "big" / "report-trajectories").glob("*.html"))
    assert len(pages) == 500

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    started = time.monotonic()
    page.goto(report.resolve().as_uri(), wait_until="load")
    seconds = time.monotonic() - started
    assert seconds < 10, seconds  # about 0.3 s on a quiet machine (benchmarks/README.md)
    widths = page.evaluate(
        "[...document.querySelectorAll('#tasks thead th')].map(th => th.getBoundingClientRect().width)"
    )
    table = page.locator("#tasks").bounding_box()
    assert table is not None and table["x"] + table["width"] <= 1400 + 1  # nothing cut off
    assert widths[0] > 150 and widths[-1] > 100, widths  # task and trajectories columns
    # a long failed test name wraps inside its cell
    cell = page.locator("#tasks tbody tr").nth(1).locator("td").nth(9).bounding_box()
    assert cell is not None and cell["width"] < 400 and cell["height"] > 40
    page.close()
