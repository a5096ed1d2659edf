"""Tasks as Harbor task folders: ``swelancer-env export --format harbor --out DIR``.

Harbor (``harbor run``) runs a task folder: ``instruction.md``, ``task.toml``,
``environment/Dockerfile``, ``tests/test.sh`` (its reward in ``/logs/verifier``) and
``solution/solve.sh`` (its oracle). Each task becomes one, the same job as in the env:

- ``instruction.md``: the job post as the env's agents get it (:func:`~swelancer_env.prompt.
  job_text`), how to run the app and, for a manager job, where to write the choice;
- ``environment/``: ``FROM`` the app's image (the Docker backend's sandbox image with the app's
  npm dependencies, built here by :func:`app_image`: Harbor's Docker environment finds it in
  the local engine) and the task's starting tree at ``/app``, owned by the unprivileged
  ``agent`` user the agent runs as (``[agent] user``);
- ``tests/``: the hidden tests, the grading plugin, the Docker backend's app keeper and the
  verifier (:mod:`swelancer_env.adapters.harbor_verifier`), which writes ``reward.json``:
  ``{"reward": 1 or 0, "dollars": earned}``. Harbor copies them in only to verify;
- ``solution/solve.sh``: the gold fix applied with ``git apply`` (IC), the right choice
  written (manager).

What the env has and the export does not: the user tool (a Harbor agent has its shell and can
start the app itself) and the regression tests a grading adds for the files a diff touches
(the reward is the hidden tests' alone). The network is off for the agent and the verifier.

Example::

    swelancer-env export --format harbor --split diamond --out harbor-tasks
    harbor run --path harbor-tasks/tally-split-avatars --agent oracle
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path

from swelancer_env.errors import ConfigError, SandboxError
from swelancer_env.tasks.model import App, Task

__all__ = ["app_image", "export_harbor", "write_task"]

#: the repository of the per-app images (``<repo>-<app>:<hash>``)
IMAGE_REPOSITORY = "swelancer-harbor"
APP_PORT = 8000
#: how long the agent may work, as Harbor counts it (the env's own default episode time)
AGENT_TIMEOUT_S = 3600


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def _toml(tables: dict[str, dict[str, object]], top: dict[str, object]) -> str:
    lines = [f"{k} = {_toml_value(v)}" for k, v in top.items()]
    for name, table in tables.items():
        lines += ["", f"[{name}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"


def _app_env(app: App) -> dict[str, str]:
    from swelancer_env.backends.docker.container import APP_ENV, deps_env

    return deps_env(app, APP_ENV)


def app_image(app: App) -> str:
    """The app's image for Harbor (built now if the engine lacks it): the sandbox image with
    the app's ``node_modules`` where the Docker backend mounts them, and their tools on PATH.

    Raises:
        SandboxError: the engine is unreachable or the build failed.
    """
    import docker

    from swelancer_env.appdeps import prepare
    from swelancer_env.backends.docker.config import DEPS_AT
    from swelancer_env.backends.docker.engine import docker_client
    from swelancer_env.backends.docker.image import build_image

    base = build_image()
    modules = prepare(app)
    env = _app_env(app)
    dockerfile = f"FROM {base}\n"
    if modules is not None:
        dockerfile += f"COPY node_modules {DEPS_AT}\n"
    dockerfile += "".join(f"ENV {k}={json.dumps(v)}\n" for k, v in sorted(env.items()))
    key = hashlib.sha256(f"{dockerfile}\0{modules}".encode()).hexdigest()[:12]
    tag = f"{IMAGE_REPOSITORY}-{app.name}:{key}"
    client = docker_client()
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile.encode())
        tar.addfile(info, io.BytesIO(dockerfile.encode()))
        if modules is not None:
            tar.add(str(modules), arcname="node_modules")  # links kept as links
    context.seek(0)
    try:
        client.images.build(fileobj=context, custom_context=True, tag=tag, rm=True,
                            forcerm=True, network_mode="none")  # fmt: skip
    except (docker.errors.BuildError, docker.errors.APIError) as e:
        raise SandboxError(f"building {tag} for the Harbor export failed: {e}") from e
    return tag


def _instruction(task: Task, app: App) -> str:
    from swelancer_env.prompt import job_text

    text = job_text(task).rstrip() + "\n\n## Working here\n\n"
    start = app.start.format(port=APP_PORT, data_dir="/tmp/app-data")
    build = f"`{app.build}`, then " if app.build else ""
    text += (
        f"The app's code is in `/app`, your working directory. To try it, run {build}`{start}` "
        f"there: it serves http://127.0.0.1:{APP_PORT}. There is no network beyond this "
        "machine.\n"
    )
    if task.variant == "swe_manager":
        ids = ", ".join(f'"{p.id}"' for p in task.proposals)
        text += (
            f'\nAnswer by writing `/app/manager_decision.json`: `{{"selected_proposal_id": '
            f'"<id>"}}`, the id one of {ids}. Only the proposal that fixes the issue earns '
            f"the ${task.price:,.0f}.\n"
        )
    else:
        text += (
            f"\nWhen you are done, leave your change in `/app`: hidden end-to-end tests then "
            f"run against the app built from it and decide whether you earn the "
            f"${task.price:,.0f}.\n"
        )
    return text


def _verifier_spec(task: Task, app: App) -> dict[str, object]:
    from swelancer_env.adapters.harbor_verifier import RUN_MARK
    from swelancer_env.backends.docker.container import start_request
    from swelancer_env.backends.docker.grader import (
        PLUGIN_MODULE,
        PYTEST_ENV,
        RUN,
        pytest_argv,
    )

    limit = task.limits.grading_timeout_s
    start = start_request(app, limit)
    start["command"] = app.start.format(port=APP_PORT, data_dir=f"{RUN_MARK}/app-run/data")
    return {
        "id": task.id,
        "variant": task.variant,
        "price": task.price,
        "correct_proposal": task.correct_proposal,
        "grading_timeout_s": limit,
        "clock": {
            "now": task.clock.iso if task.clock.now else None,
            "timezone": task.clock.timezone,
        },  # fmt: skip
        "start": start,
        "settings": {
            "app_wait_s": limit,
            "extra_args": [],
            "settle": True,
            **{k: v for k, v in task.clock.reading().items() if k != "now_at"},
        },  # fmt: skip
        "pytest_argv": [a.replace(RUN, RUN_MARK) for a in pytest_argv(stop_early=True)],
        "pytest_env": {k: v.replace(RUN, RUN_MARK) for k, v in PYTEST_ENV.items()}
        | {"SWELANCER_WARM_BROWSER": "1"},
        "plugin": PLUGIN_MODULE,
    }


_TEST_SH = """#!/bin/bash
# The swelancer-env verifier (see verifier.py): reward in /logs/verifier/reward.json.
exec python3 -s /tests/verifier.py
"""

_SOLVE_IC = """#!/bin/bash
# The gold fix of {id}.
set -euo pipefail
cd /app
git apply --whitespace=nowarn /solution/gold.diff
"""

_SOLVE_MANAGER = """#!/bin/bash
# The right proposal of {id}.
set -euo pipefail
printf '%s' '{{"selected_proposal_id": "{correct}"}}' > /app/manager_decision.json
"""


def write_task(task: Task, dest: Path, image: str) -> None:
    """Write ``task``'s Harbor folder at ``dest`` (which must not exist)."""
    from swelancer_env.adapters import harbor_verifier
    from swelancer_env.backends.docker import appctl
    from swelancer_env.grading import plugin
    from swelancer_env.grading.gold import gold_diff
    from swelancer_env.sandbox.worktree import StartingState
    from swelancer_env.tasks.loader import app_of

    app = app_of(task)
    if app is None:
        raise ConfigError(f"{task.id}: the Harbor export needs a task of a bundled app")
    dest.mkdir(parents=True)
    (dest / "instruction.md").write_text(_instruction(task, app), encoding="utf-8")
    grading = task.limits.grading_timeout_s + app.build_timeout_s + app.ready_timeout_s
    keywords = ["swelancer", task.app, task.variant, *([task.category] if task.category else [])]
    (dest / "task.toml").write_text(_toml({
        "task": {"name": f"swelancer/{task.id}", "description": task.title, "keywords": keywords},
        "metadata": {"price": task.price, "variant": task.variant, "app": task.app,
                     "category": task.category, "split": task.split, "source": "swelancer-env"},
        "agent": {"timeout_sec": float(AGENT_TIMEOUT_S), "user": "agent"},
        "verifier": {"timeout_sec": float(grading + 120), "user": "root"},
        "environment": {"build_timeout_sec": 600.0, "network_mode": "no-network",
                        "cpus": 2, "memory_mb": 4096, "workdir": "/app"},
    }, {"schema_version": "1.4"}), encoding="utf-8")  # fmt: skip
    env_dir = dest / "environment"
    env_dir.mkdir()
    (env_dir / "Dockerfile").write_text(
        f"FROM {image}\nCOPY --chown=1000:1000 app/ /app/\nWORKDIR /app\n"
    )
    StartingState.get(task).materialize_tree(env_dir / "app")
    tests = dest / "tests"
    tests.mkdir()
    (tests / "test.sh").write_text(_TEST_SH)
    (tests / "test.sh").chmod(0o755)
    shutil.copy(harbor_verifier.__file__, tests / "verifier.py")
    shutil.copy(appctl.__file__, tests / "appctl.py")
    shutil.copy(plugin.__file__, tests / "swelancer_grading_plugin.py")
    (tests / "task.json").write_text(json.dumps(_verifier_spec(task, app), indent=2))
    if task.variant == "ic_swe":
        shutil.copytree(task.tests_dir, tests / "hidden",
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    solution = dest / "solution"
    solution.mkdir()
    if task.variant == "swe_manager":
        solve = _SOLVE_MANAGER.format(id=task.id, correct=task.correct_proposal)
    else:
        (solution / "gold.diff").write_text(gold_diff(task))
        solve = _SOLVE_IC.format(id=task.id)
    (solution / "solve.sh").write_text(solve)
    (solution / "solve.sh").chmod(0o755)


def export_harbor(tasks: list[Task], out: Path) -> list[Path]:
    """One Harbor task folder per task in ``out`` (made if missing), each written aside and
    renamed into place, and the apps' images built; the folders written.

    Raises:
        ConfigError: a task's folder is already in ``out`` (nothing is written then).
        SandboxError: an app's image could not be built.
    """
    from swelancer_env.tasks.loader import app_of

    clash = [t.id for t in tasks if (out / t.id).exists()]
    if clash:
        raise ConfigError(
            f"{out} already has {', '.join(clash[:5])}{' ...' if len(clash) > 5 else ''}: "
            "remove them or export to another --out"
        )
    images: dict[str, str] = {}
    written = []
    out.mkdir(parents=True, exist_ok=True)
    for task in tasks:
        app = app_of(task)
        if app is None:
            raise ConfigError(f"{task.id}: the Harbor export needs a task of a bundled app")
        if app.name not in images:
            images[app.name] = app_image(app)
        aside = out / f".{task.id}.partial-{os.getpid()}"
        shutil.rmtree(aside, ignore_errors=True)
        try:
            write_task(task, aside, images[app.name])
            aside.rename(out / task.id)
        finally:
            shutil.rmtree(aside, ignore_errors=True)
        written.append(out / task.id)
    return written
