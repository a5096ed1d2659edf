"""Backends as one idea: typed configs chosen by ``type``, and a registry in which a new backend
is one class and one line, that the env then runs without knowing it."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import swelancer_env.env as env_module
from swelancer_env import backends
from swelancer_env.backends import (
    BACKENDS,
    Backend,
    DockerConfig,
    LocalConfig,
    backend_config,
    make_backend,
)
from swelancer_env.backends.local import LocalBackend
from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import ConfigError
from swelancer_env.tasks.model import Task


def test_a_config_is_chosen_by_its_type_and_typed() -> None:
    docker = backend_config({"type": "docker", "memory": "4G", "cpus": 2})
    assert isinstance(docker, DockerConfig) and (docker.memory, docker.cpus) == ("4g", 2.0)
    local = backend_config("local", {"isolation": "none"})
    assert isinstance(local, LocalConfig) and local.isolation == "none"
    assert local.limits is not None and local.limits.pids == 1024  # the defaults hold
    again = backend_config(docker, {"cpus": 1.5})  # a config, with more settings laid over
    assert (again.memory, again.cpus) == ("4g", 1.5)
    assert isinstance(make_backend(docker), BACKENDS["docker"])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("podman", r"backend 'podman' is not known; use one of 'local', 'docker'"),
        ({"type": "docker", "memroy": "1g"}, r"memroy: Extra inputs.*settings are: image, mem"),
        ({"type": "docker", "memory": "lots"}, r"memory: Value error, expected a size like"),
        ({"type": "local", "isolation": "chroot"}, r"isolation: Input should be 'auto'"),
        (42, r"backend must be a name, a mapping or a config"),
    ],
)
def test_bad_settings_say_what_to_do(spec: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        backend_config(spec)  # type: ignore[arg-type]


def test_configs_are_frozen_and_picklable() -> None:
    import pickle

    config = backend_config({"type": "docker", "env": {"A": "1"}})
    assert pickle.loads(pickle.dumps(config)) == config
    with pytest.raises(ValueError, match="frozen"):
        config.memory = "1g"  # type: ignore[misc]


def test_the_env_names_no_backend() -> None:
    """env.py orchestrates: no string of its code (docstrings aside) and no import names one."""
    import ast

    tree = ast.parse(inspect.getsource(env_module))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    }  # fmt: skip
    modules = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    for name in BACKENDS:
        assert name not in strings
        assert not any(m.startswith(f"swelancer_env.backends.{name}") for m in modules)
    assert not any("docker" in m or "local" in m for m in modules), modules


class _Counting(LocalBackend):
    """A third backend: the local one, counting what it makes."""

    class Config(LocalConfig):  # type: ignore[misc]
        type: str = "counting"  # type: ignore[assignment]
        tag: str = "x"

    made: list[str] = []

    def sandbox(self, task):  # type: ignore[no-untyped-def]
        self.made.append(f"sandbox:{task.id}:{self.config.tag}")
        return super().sandbox(task)

    def grader(self, *, partial_credit: bool = False):  # type: ignore[no-untyped-def]
        self.made.append("grader")
        return super().grader(partial_credit=partial_credit)


def test_a_new_backend_is_one_class_and_one_registry_line(
    mini_task: Task, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typing import Literal

    _Counting.Config.model_fields["type"].annotation = Literal["counting"]
    _Counting.Config.model_rebuild(force=True)
    monkeypatch.setitem(BACKENDS, "counting", _Counting)
    backends._adapter.cache_clear()
    try:
        env = SWELancerEnv(task_id=mini_task.id, backend={"type": "counting", "tag": "t1"})
        try:
            assert isinstance(env.backend_impl, _Counting) and env.backend == "counting"
            env.reset()
            obs, reward, terminated, _, _ = env.step({"type": "submit"})
            assert terminated and reward == 0.0  # the starting state fails its hidden tests
        finally:
            env.close()
        assert _Counting.made == ["grader", f"sandbox:{mini_task.id}:t1"]
    finally:
        monkeypatch.undo()
        backends._adapter.cache_clear()
    with pytest.raises(ConfigError, match="'counting' is not known"):
        backend_config("counting")


def test_every_backend_makes_all_three_parts() -> None:
    for cls in BACKENDS.values():
        assert issubclass(cls, Backend) and not inspect.isabstract(cls)
        assert cls.Config.model_config.get("extra") == "forbid"
