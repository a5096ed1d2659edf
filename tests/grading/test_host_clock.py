"""No verdict depends on the date of the run: the same submissions graded with the host's clock
set to January and to July (libfaketime under the harness, the app, the tests and Chromium)
get the same verdicts. On the task whose wrong fix reads today's time-zone offset, the fix that
would pass in one half of the year only."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

GRADE = """
import json, sys
from datetime import datetime
from swelancer_env.backends.local.grader import LocalGrader
from swelancer_env.grading.gold import gold_diff, patch_diff
from swelancer_env.tasks.loader import load_task

task = load_task("tally-dates-one-day-early")
diffs = {
    "starting state": "",
    "gold": gold_diff(task),
    "today's offset": patch_diff(task, task.wrong_fix_patches["todays_offset"]),
}
# not in bubblewrap: libfaketime's processes share its clock through /dev/shm, which each
# sandbox has a private one of (the verdict's independence of the date is the same)
grader = LocalGrader(isolate=False)
try:
    verdicts = {}
    for name, diff in diffs.items():
        g = grader.grade(task, diff)
        verdicts[name] = "error: " + g.infra_error if g.infra_error else g.passed
finally:
    grader.close()
print(json.dumps({"host_month": datetime.now().month, "verdicts": verdicts}))
"""


def _libfaketime() -> str:
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))
    if not found:
        pytest.fail("libfaketime is missing: .ci/setup installs it (apt-get install faketime)")
    return found[0]


def _grade_at(when: datetime) -> dict:
    offset = round(when.timestamp() - time.time())
    env = {
        **os.environ,
        "LD_PRELOAD": _libfaketime(),
        "FAKETIME": f"{offset:+d}",  # an offset: every process reads the same shifted clock
        "SWELANCER_PASS_ENV": "LD_PRELOAD FAKETIME FAKETIME_SHARED",
    }
    proc = subprocess.run(
        [sys.executable, "-c", GRADE], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.browser
def test_the_same_submissions_get_the_same_verdicts_in_january_and_july() -> None:
    january = _grade_at(datetime(2027, 1, 15, 12, tzinfo=UTC))
    july = _grade_at(datetime(2027, 7, 15, 12, tzinfo=UTC))
    assert (january["host_month"], july["host_month"]) == (1, 7)  # the host's clock did move
    expected = {"starting state": False, "gold": True, "today's offset": False}
    assert january["verdicts"] == expected
    assert july["verdicts"] == expected
