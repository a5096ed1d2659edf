"""The Docker backend's settings: one typed, validated config for its sandbox, grader and
user tool containers (``SWELancerEnv(backend={"type": "docker", "memory": "4g"})``)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from swelancer_env.backends.base import BackendConfig
from swelancer_env.errors import ConfigError
from swelancer_env.sandbox.output import DEFAULT_OUTPUT_LIMIT
from swelancer_env.sandbox.treewalk import TreeLimits

__all__ = ["DEPS_AT", "DockerConfig"]

#: where a container sees its app's prepared ``node_modules`` (read-only; see
#: :mod:`swelancer_env.appdeps`): beside the tree (``/work/app``), so that Node's own lookup
#: (esbuild, tsc) finds the packages from any file in it
DEPS_AT = "/work/node_modules"

_SIZE = re.compile(r"^[0-9]+[bkmg]?$", re.IGNORECASE)


class DockerConfig(BackendConfig):
    """Settings of the Docker backend.

    Attributes:
        image: the image to run; None builds (once) and uses the recipe's image,
            :func:`swelancer_env.backends.docker.image.build_image`.
        memory: memory limit, Docker's syntax (``"2g"``, ``"512m"``); swap is off.
        cpus: CPUs the agent's container may use.
        harness_cpus: CPUs a grading or user-tool container may use (the app, pytest and
            Chromium at once); None: every CPU of the machine. Nothing of the agent's runs
            there but the app it changed, for the length of one grading or call.
        pids_limit: processes and threads at most (a fork bomb stops there).
        user: who the agent's shell runs as. When the harness is not root it cannot hand the
            tree to uid 1000, so the shell then runs as the harness's own uid.
        tmp_size: size of the ``/tmp`` tmpfs (counted in ``memory``).
        tree_limits: the episode's disk quota over the work tree, which lives on the host's
            disk (``max_bytes``, 4 GiB; ``max_entries``, 100,000 files and folders), and the
            deepest it may go (``max_depth``, 256): past one, the shell's steps say so and a
            submission is refused with the reason; the user tool's copy of the tree stops at
            such bounds too (:func:`~swelancer_env.backends.docker.container.start_request`).
        exec_transport: ``"api"`` (the engine API, the default) or ``"cli"`` (``docker exec``).
        output_limit: characters of a command's output kept (head and tail).
        env: variables added to (or replacing) the shell's environment.
        workdir: where the agent's tree is mounted, and its shell starts.
        hide: folders of the image that the agent's container shows empty (an official
            image's hidden tests).
        warm_grading: keep the next grading's container started, with its pytest, Playwright
            and Chromium waiting (from reset on, and after each grading); each serves one
            grading. Off: the container starts at the submission (about 0.5 s more per
            grading, and no idle container per env).
        warm_browser: with ``warm_grading``, the waiting pytest has Playwright's driver and
            Chromium started too (about 250 MB idle instead of 40); off (the default), they
            start at the submission while the app starts (a few tenths of a second more on a
            quiet machine).
        settle_early: a failing assertion of the hidden tests stops waiting once the page has
            settled (nothing loading, no timer, frame or animation due before its timeout, no
            change in the document for 0.5 s) instead of Playwright's whole 5 s; a passing one
            is unchanged. Off: Playwright's own waits, as the benchmark's harness has them.
        regression_tests: run, besides an IC task's hidden tests, the app's regression tests
            that ran a line the submission changes (pass-to-pass: a fix that breaks something
            nearby fails); off: the hidden tests alone (the benchmark's own verdicts).
        user_tool_trace: the user tool's Playwright trace of each call (``trace.zip``):
            ``"actions"`` (the script's actions, console and network), ``"snapshots"`` (adds
            the page's DOM at each action, so that the trace viewer shows every state: about a
            quarter more per call), ``"full"`` (adds the screencast) or ``"off"``.
    """

    type: Literal["docker"] = "docker"
    image: str | None = None
    memory: str = "2g"
    cpus: float = Field(1.0, gt=0)
    harness_cpus: float | None = Field(None, gt=0)
    pids_limit: int = Field(512, ge=32)
    user: str = "agent"
    tmp_size: str = "512m"
    tree_limits: TreeLimits = Field(default_factory=TreeLimits)
    exec_transport: Literal["api", "cli"] = "api"
    output_limit: int = Field(DEFAULT_OUTPUT_LIMIT, ge=2)
    env: dict[str, str] = Field(default_factory=dict)
    workdir: str = Field("/work/app", pattern=r"^/")
    hide: tuple[str, ...] = ()
    warm_grading: bool = True
    warm_browser: bool = False
    regression_tests: bool = True
    settle_early: bool = True
    user_tool_trace: Literal["off", "actions", "snapshots", "full"] = "actions"

    @field_validator("memory", "tmp_size")
    @classmethod
    def _size(cls, value: str) -> str:
        if not _SIZE.match(value):
            raise ValueError(f"expected a size like '2g' or '512m', got {value!r}")
        return value.lower()


def _config(config: DockerConfig | None, options: dict[str, Any]) -> DockerConfig:
    try:
        if config is None:
            return DockerConfig(**options)
        return DockerConfig(**{**config.model_dump(), **options})
    except ValidationError as exc:
        fields = ", ".join(DockerConfig.model_fields)
        raise ConfigError(f"bad Docker sandbox options: {exc}. The options are: {fields}") from exc
