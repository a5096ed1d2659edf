"""The work tree of an official task's episode.

Manager tasks: with a checkout of Expensify/App (``--expensify-repo PATH``, or
``$SWELANCER_EXPENSIFY_REPO``), the tree is that repository at the task's ``manager_commit``
(``git archive``, cached per commit), so that the manager reads the code as in the official
setting. Without one the episode is text-only: the tree holds a README saying so, and the issue
and proposals are in the observation.

IC tasks need the official image and its backend; without them a reset says so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from swelancer_env.errors import ConfigError
from swelancer_env.tasks.model import Task

__all__ = ["EXPENSIFY_REPO_VAR", "TEXT_ONLY_NOTE", "expensify_repo", "official_app_root"]

#: the variable that names a checkout of Expensify/App (``--expensify-repo`` sets it)
EXPENSIFY_REPO_VAR = "SWELANCER_EXPENSIFY_REPO"

TEXT_ONLY_NOTE = (
    "This episode is text-only: the Expensify/App code is not in the work tree (the harness was "
    "given no checkout of it; `--expensify-repo PATH` gives one). Judge the proposals from the "
    "issue and their text."
)


def expensify_repo() -> Path | None:
    value = os.environ.get(EXPENSIFY_REPO_VAR)
    if not value:
        return None
    repo = Path(value).expanduser().resolve()
    if not (repo / ".git").exists() and not (repo / "HEAD").is_file():
        raise ConfigError(
            f"{EXPENSIFY_REPO_VAR}={value}: not a git checkout; clone Expensify/App there "
            "(git clone https://github.com/Expensify/App) or unset it for text-only episodes"
        )
    return repo


def _cache() -> Path:
    from swelancer_env.cache import cache_root

    return cache_root() / "official" / "trees"


def _text_only_root() -> Path:
    root = _cache() / "text-only"
    if not (root / "README.md").is_file():
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root.parent, prefix=".text-only-"))
        (tmp / "README.md").write_text(TEXT_ONLY_NOTE + "\n", encoding="utf-8")
        try:
            os.rename(tmp, root)
        except OSError:  # another process made it first
            shutil.rmtree(tmp, ignore_errors=True)
    return root


def _archive(repo: Path, commit: str) -> Path:
    if not re.fullmatch(r"[0-9a-fA-F]{7,40}", commit):
        raise ConfigError(f"manager_commit {commit!r} is not a commit hash")
    root = _cache() / f"expensify-{commit}"
    if root.is_dir():
        return root
    from swelancer_env.cache import git_env

    found = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True, env=git_env(),
    )  # fmt: skip
    if found.returncode != 0:
        raise ConfigError(
            f"commit {commit} is not in {repo}: `git -C {repo} fetch origin` (the task needs "
            "Expensify/App's history up to it)"
        )
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".expensify-{commit[:12]}-"))
    try:
        archive = subprocess.Popen(
            ["git", "-C", str(repo), "archive", "--format=tar", commit],
            stdout=subprocess.PIPE, env=git_env(),
        )  # fmt: skip
        untar = subprocess.run(
            ["tar", "-x", "-C", str(tmp), "--no-same-owner"], stdin=archive.stdout,
            capture_output=True,
        )  # fmt: skip
        assert archive.stdout is not None
        archive.stdout.close()
        if archive.wait() != 0 or untar.returncode != 0:
            raise ConfigError(
                f"git archive {commit} of {repo} failed: {untar.stderr.decode()[-500:]}"
            )
        os.rename(tmp, root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return root


def official_app_root(task: Task) -> Path:
    """The folder the episode's starting state is made from."""
    assert task.official is not None
    if task.variant == "ic_swe":
        raise ConfigError(
            f"{task.id} is an official IC task: it runs on the official SWE-Lancer image, with "
            "its backend, which this install does not have yet; the official manager tasks "
            "run here (`--source official --variant swe_manager`)"
        )
    repo = expensify_repo()
    if repo is None:
        return _text_only_root()
    return _archive(repo, task.official.manager_commit or "")


def is_text_only(task: Task) -> bool:
    return task.official is not None and task.variant == "swe_manager" and expensify_repo() is None
