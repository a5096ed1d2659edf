"""The exceptions swelancer-env raises.

Agent mistakes (a bad path, bad JSON, a timeout) never raise: they come back in the observation.
What raises is a failure of the system or of its inputs, and every message says what to do::

    SWELancerError
    ├── TaskError
    │   ├── TaskNotFoundError          (also LookupError): unknown task id, with "did you mean"
    │   └── TaskFormatError            (also ValueError): a malformed task folder, naming file and field
    ├── ConfigError                    (also ValueError): a bad argument or setting
    ├── SubmissionTooLarge             (also ValueError): the agent's diff is over the task's cap;
    │                                  the env turns it into a failed grade, not a raise
    ├── InfrastructureError            (also RuntimeError): the harness itself failed
    │   ├── BrowserNotFoundError       no Chromium to launch, with how to install one
    │   ├── AppStartError              the app did not come up
    │   ├── SandboxError               the sandbox failed (bash died, docker is down)
    │   └── GradingError               grading could not reach a verdict
    └── EpisodeError                   (also RuntimeError): step() before reset(), after close()
"""

from __future__ import annotations

__all__ = [
    "AppStartError",
    "BrowserNotFoundError",
    "ConfigError",
    "EpisodeError",
    "GradingError",
    "InfrastructureError",
    "SWELancerError",
    "SandboxError",
    "SubmissionTooLarge",
    "TaskError",
    "TaskFormatError",
    "TaskNotFoundError",
]


class SWELancerError(Exception):
    """Base of every error raised by swelancer-env."""


class TaskError(SWELancerError):
    """A task could not be found or loaded."""


class TaskNotFoundError(TaskError, LookupError):
    """No task has the requested id."""


class TaskFormatError(TaskError, ValueError):
    """A task folder is malformed; the message names the file and the field."""


class ConfigError(SWELancerError, ValueError):
    """An argument or setting is invalid."""


class InfrastructureError(SWELancerError, RuntimeError):
    """The harness failed: never counted as an agent's 0."""


class BrowserNotFoundError(InfrastructureError):
    """No Chromium could be found."""


class AppStartError(InfrastructureError):
    """The task's app did not start or did not become ready."""


class SandboxError(InfrastructureError):
    """The sandbox failed (its shell died, its engine is unreachable)."""


class GradingError(InfrastructureError):
    """Grading could not reach a verdict."""


class SubmissionTooLarge(SWELancerError, ValueError):
    """The submitted change is over the task's cap on diff size or file count."""


class EpisodeError(SWELancerError, RuntimeError):
    """The env was used out of order (step before reset, use after close)."""
