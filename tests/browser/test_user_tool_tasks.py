"""Every bundled IC task: the user tool shows a user something different once the bug is fixed.

For each task, the reproduction steps run on the starting state and again after the gold fix
(``git apply -R bug.patch``) in the same session (so the app restarts on the change). The two
reports must differ in what the user saw (steps, notes, console, requests, page errors, final
path) or in the last screenshot; the fixed app must let the user through every step; and no
report may carry the canary.
"""

from __future__ import annotations

import subprocess
import tomllib
from typing import Any

import numpy as np
import pytest

from swelancer_env.backends import make_backend
from swelancer_env.backends.local.user_tool import LocalUserToolSession
from swelancer_env.browser.user_tool import UserToolReport
from swelancer_env.grading.canary import contains_canary
from swelancer_env.tasks.loader import load_task, tasks_root

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _ic_task_ids(per_app: int = 4) -> list[str]:
    """Bundled IC tasks (read without loading them: a broken one fails its own test): per app,
    the first of each category, up to ``per_app``. Every task's user tool is run by
    ``swelancer-env validate`` in CI; this looks closer at a sample."""
    ids = []
    kinds: dict[str, set[str]] = {}
    for toml_path in sorted(tasks_root().glob("*/*/task.toml")):
        folder = toml_path.parent
        if folder.parent.name == "apps":
            continue
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            ids.append(folder.name)  # a broken task should fail here, not vanish
            continue
        seen_here = kinds.setdefault(folder.parent.name, set())
        category = str(data.get("category"))
        if data.get("variant", "ic_swe") == "ic_swe" and category not in seen_here:
            if len(seen_here) < per_app:
                seen_here.add(category)
                ids.append(folder.name)
    return ids


TASKS = _ic_task_ids()


def seen(report: UserToolReport) -> dict[str, Any]:
    """What the user saw, without ports and timings."""

    def clean(text: str | None) -> str:
        return (text or "").replace(report.app_url, "")

    return {
        "steps": [
            (s.description, s.ok, clean(s.error), [clean(n) for n in s.notes]) for s in report.steps
        ],
        "notes": [clean(n.text) for n in report.notes],
        "console": [(c.type, clean(c.text)) for c in report.console],
        "requests": [(r.method, clean(r.url), r.status) for r in report.failed_requests],
        "page_errors": [clean(e).splitlines()[0] for e in report.page_errors],
        "final": clean(report.final_url),
        "error": clean(report.error),
    }


def screens_differ(a: UserToolReport, b: UserToolReport) -> bool:
    one, two = a.screenshot_array((400, 640)), b.screenshot_array((400, 640))
    if one is None or two is None:
        return (one is None) != (two is None)
    changed = np.abs(one.astype(np.int16) - two.astype(np.int16)).max(axis=2) > 16
    return bool(changed.mean() > 0.001)


@pytest.mark.skipif(not TASKS, reason="no bundled IC task yet")
@pytest.mark.parametrize("task_id", TASKS or ["none"])
def test_the_fix_changes_what_the_user_sees(task_id: str) -> None:
    task = load_task(task_id)
    assert task.user_tool.strip(), f"task {task_id} has no user_tool.py (reproduction steps)"
    sandbox = make_backend("local").sandbox(task)
    try:
        with LocalUserToolSession(task, sandbox) as session:
            before = session.run()
            fix = subprocess.run(
                ["git", "apply", "-R", "--whitespace=nowarn", "-"],
                cwd=sandbox.tree,
                input=task.bug_patch.encode(),
                capture_output=True,
                check=False,
            )
            assert fix.returncode == 0, fix.stderr.decode()
            after = session.run()
    finally:
        sandbox.stop()
    for report in (before, after):
        assert not contains_canary(report.text() + repr(report.info()))
    assert after.app.startswith("restarted"), after.app
    assert after.ok, f"on the fixed app the user got stuck:\n{after.text()}"
    assert seen(before) != seen(after) or screens_differ(before, after), (
        f"the user tool shows the same before and after the fix:\n{before.text()}"
    )
