"""``swelancer-env new-task``: a new task folder with every file a task needs, to fill in.

The folder loads and lints as it is (its placeholders are marked ``TODO``); ``validate`` fails
on it until the bug, the issue and the hidden tests are written. See docs/TASKS.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from swelancer_env.errors import ConfigError
from swelancer_env.grading.canary import CANARY
from swelancer_env.tasks.loader import categories, load_app
from swelancer_env.tasks.model import Variant

__all__ = ["new_task"]

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")

TASK_TOML = """\
id = "{id}"
app = "{app}"
variant = "{variant}"
price = 500                     # USD: $250 for a one-line fix ... $16,000 for a feature
title = "TODO: the job's title, as a reporter would write it"
category = "{category}"         # {categories}
split = "train"                 # train | test | diamond (held out for reporting)
acceptable_paths = {paths}
"""

MANAGER_TOML = """
correct_proposal = "1"

[criteria]                      # each wrong proposal: why, and exactly the hidden tests it fails
"2" = "TODO: what it gets wrong (test_{test_name})"
"3" = "TODO: what it gets wrong (test_{test_name})"
"""

ISSUE = """\
TODO: the job as posted, in the reporter's words. Say what you did, what you expected and
what happened instead, and where. Never the fix, nor file or function names a user could not
know.

**Steps**
1. Sign in as ...
2. ...

**Expected:** ...

**Actual:** ...
"""

USER_TOOL = '''\
"""Reproduction steps: TODO (what the reporter did, as a script; it shows, it never judges)."""


def reproduce(user):
    user.login("TODO@example.test", path="/")
    with user.step("TODO: the first thing the reporter did"):
        user.note(f"The page says: {{user.page.title()}}")
'''

TEST = '''\
{canary}
"""TODO: what the issue asks, checked as a user and through the API. A test must fail on the
starting state, pass with any fix the issue would accept, and not pass a partial fix."""

from playwright.sync_api import expect


def test_{test_name}(login, api):
    page = login("TODO@example.test", path="/")
    expect(page.get_by_test_id("TODO")).to_be_visible()
'''

PROPOSAL = """\
TODO: proposal {n}, as a freelancer would write it: what they found, what they would change,
how long it takes.
"""


def new_task(
    root: Path,
    task_id: str,
    app: str,
    variant: Variant = "ic_swe",
    category: str = "application_logic",
) -> Path:
    """Make ``<root>/<app>/<task_id>/`` with every file of a task, to fill in.

    Raises:
        ConfigError: a bad id, an app no tasks root has, an unknown category or variant, or
            the folder exists already.
    """
    if not _ID.match(task_id):
        raise ConfigError(
            f"task id {task_id!r}: use 3-64 lowercase letters, digits and dashes, "
            "starting with the app's name (e.g. tally-receipt-rounding)"
        )
    if variant not in ("ic_swe", "swe_manager"):
        raise ConfigError(f"variant {variant!r}: use ic_swe or swe_manager")
    root = Path(root).resolve()
    known = categories(root)
    if category not in known:
        raise ConfigError(
            f"category {category!r} is not one of {', '.join(known)}; declare new ones in "
            f"{root / 'categories.toml'}"
        )
    app_toml = root / "apps" / app / "app.toml"
    try:
        the_app = load_app(app, root) if app_toml.is_file() else load_app(app)
    except Exception as e:  # noqa: BLE001 - a missing or bad app.toml: say which apps exist
        raise ConfigError(
            f"no app {app!r} under {root / 'apps'} nor among the bundled apps ({e}); put its "
            "source and app.toml in <root>/apps/<app>/"
        ) from None
    folder = root / app / task_id
    if folder.exists():
        raise ConfigError(f"{folder} exists already: choose another id or remove it")
    test_name = task_id.split("-", 1)[-1].replace("-", "_")
    paths = sorted(
        p.name for p in the_app.root.iterdir() if p.is_dir() and p.name != "node_modules"
    )
    toml = TASK_TOML.format(
        id=task_id, app=app, variant=variant, category=category,
        categories=" | ".join(known), paths="[" + ", ".join(f'"{p}"' for p in paths) + "]",
    )  # fmt: skip
    if variant == "swe_manager":
        toml += MANAGER_TOML.format(test_name=test_name)
    (folder / "tests").mkdir(parents=True)
    (folder / "task.toml").write_text(toml, encoding="utf-8")
    (folder / "issue.md").write_text(ISSUE, encoding="utf-8")
    (folder / "bug.patch").write_text("", encoding="utf-8")
    (folder / "user_tool.py").write_text(USER_TOOL, encoding="utf-8")
    test = TEST.format(canary=f"# {CANARY}", test_name=test_name)
    (folder / "tests" / f"test_{test_name}.py").write_text(test, encoding="utf-8")
    if variant == "swe_manager":
        (folder / "proposals").mkdir()
        for n in ("1", "2", "3"):
            (folder / "proposals" / f"{n}.md").write_text(PROPOSAL.format(n=n), encoding="utf-8")
            (folder / "proposals" / f"{n}.patch").write_text("", encoding="utf-8")
    return folder
