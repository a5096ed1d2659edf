"""Where the harness keeps what it builds once (starting states, app dependencies, official
trees), and the environment its own git commands run in.

A module of its own, below every other, so that the task sources (bundled, official), the
sandbox and the backends all use it without importing one another.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_root", "git_env"]

# every commit the harness makes is the same, whoever runs it and when
_IDENTITY = {
    "GIT_AUTHOR_NAME": "swelancer-env",
    "GIT_AUTHOR_EMAIL": "swelancer-env@localhost",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+0000",
    "GIT_COMMITTER_NAME": "swelancer-env",
    "GIT_COMMITTER_EMAIL": "swelancer-env@localhost",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+0000",
}


def cache_root() -> Path:
    """``$SWELANCER_CACHE`` if set, else ``~/.cache/swelancer-env``."""
    env = os.environ.get("SWELANCER_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "swelancer-env"


def git_env() -> dict[str, str]:
    """The environment for harness git commands: nothing from the host's or agent's git config.

    No ``GIT_*`` variable is inherited; ``HOME`` is an empty folder in the cache; system and
    global config files are off.
    """
    home = cache_root() / "git-home"
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "LC_ALL": "C",
        **_IDENTITY,
    }
