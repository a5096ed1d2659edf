"""Backends: where an episode's sandbox, grading and user tool run, each behind
:class:`~swelancer_env.backends.base.Backend` and chosen by a config whose ``type`` names it.

Example:
    >>> config = backend_config({"type": "docker", "memory": "4g"})
    >>> config.memory, config.cpus
    ('4g', 1.0)
    >>> backend_config("local").isolation
    'auto'

A new backend is a package beside ``local`` and ``docker`` (its ``Backend`` subclass with its
``Config``) and one line in :data:`BACKENDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter, ValidationError

from swelancer_env.backends.base import Backend, BackendConfig
from swelancer_env.backends.docker import DockerBackend, DockerConfig
from swelancer_env.backends.local import LocalBackend, LocalConfig
from swelancer_env.backends.official import OfficialBackend, OfficialConfig
from swelancer_env.errors import ConfigError

__all__ = [
    "BACKENDS",
    "Backend",
    "BackendConfig",
    "DEFAULT_BACKEND",
    "DockerConfig",
    "LocalConfig",
    "OfficialConfig",
    "backend_config",
    "make_backend",
]

#: the registry: a backend's name (its config's ``type``) and its class
BACKENDS: dict[str, type[Backend]] = {
    "local": LocalBackend,
    "docker": DockerBackend,
    "official": OfficialBackend,
}

#: the backend of an env that names none
DEFAULT_BACKEND = "local"


@cache
def _adapter() -> TypeAdapter[Any]:
    configs = tuple(cls.Config for cls in BACKENDS.values())
    union: Any = Annotated[Union[configs], Field(discriminator="type")]  # noqa: UP007
    return TypeAdapter(union)


def backend_config(
    backend: str | Mapping[str, Any] | BackendConfig = DEFAULT_BACKEND,
    options: Mapping[str, Any] | None = None,
) -> BackendConfig:
    """A validated backend config from a name, a mapping with ``type``, or a config, with
    ``options`` (more fields) laid over it.

    Raises:
        ConfigError: an unknown backend, an unknown field or a bad value; the message names the
            backend's fields.
    """
    if isinstance(backend, BackendConfig):
        fields: dict[str, Any] = backend.model_dump(exclude_unset=True) | {"type": backend.type}
    elif isinstance(backend, str):
        fields = {"type": backend}
    elif isinstance(backend, Mapping):
        fields = dict(backend)
        fields.setdefault("type", DEFAULT_BACKEND)
    else:
        raise ConfigError(f"backend must be a name, a mapping or a config, not {backend!r}")
    fields.update(options or {})
    name = fields["type"]
    if name not in BACKENDS:
        known = ", ".join(repr(n) for n in BACKENDS)
        raise ConfigError(f"backend {name!r} is not known; use one of {known}")
    try:
        return _adapter().validate_python(fields)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'][1:]) or 'config'}: {err['msg']}"
            for err in e.errors()
        )
        settings = ", ".join(n for n in BACKENDS[name].Config.model_fields if n != "type")
        raise ConfigError(
            f"bad settings for the {name!r} backend: {problems}. Its settings are: {settings}"
        ) from None


def make_backend(
    backend: str | Mapping[str, Any] | BackendConfig = DEFAULT_BACKEND,
    options: Mapping[str, Any] | None = None,
) -> Backend:
    """The backend that ``backend`` (see :func:`backend_config`) names, ready to make episodes."""
    config = backend_config(backend, options)
    return BACKENDS[config.type](config)
