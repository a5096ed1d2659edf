"""Finding a Chromium to drive: a setting, else Playwright's own, else the system's.

Example:
    >>> from swelancer_env.browser import find_chromium
    >>> find_chromium()  # doctest: +SKIP
    PosixPath('/usr/bin/chromium')
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from swelancer_env.errors import BrowserNotFoundError

__all__ = ["CHROMIUM_ARGS", "find_chromium", "launch_options"]

#: flags for a headless Chromium with no network of its own (and, as root, no sandbox)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    # WebRTC may not send UDP past the proxy rules: a page cannot reach the host's services
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]

# Debian's headless shell first: it renders the same and costs about half the CPU
_SYSTEM_NAMES = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)


def _playwright_chromium() -> Path | None:
    """Playwright's own Chromium, if ``playwright install chromium`` put one on disk."""
    base = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    roots = [Path(base)] if base and base != "0" else []
    roots.append(Path.home() / ".cache" / "ms-playwright")
    patterns = (
        "chromium_headless_shell-*/chrome-*/headless_shell",
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
    )
    for root in roots:
        for pattern in patterns:
            found = sorted(root.glob(pattern), reverse=True)
            if found and os.access(found[0], os.X_OK):
                return found[0]
    return None


def find_chromium(setting: str | os.PathLike[str] | None = None) -> Path:
    """The Chromium executable to launch.

    Looks, in order, at ``setting`` (or ``$SWELANCER_CHROMIUM``), Playwright's own browsers,
    then the system's ``chromium``.

    Raises:
        BrowserNotFoundError: none found (or the setting names a missing file); the message
            says how to install one.
    """
    setting = setting or os.environ.get("SWELANCER_CHROMIUM")
    if setting:
        path = Path(setting)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise BrowserNotFoundError(
            f"The Chromium set by SWELANCER_CHROMIUM (or the browser setting) is not an "
            f"executable file: {path}. Fix the path or unset it to search automatically."
        )
    found = _playwright_chromium()
    if found:
        return found
    for name in _SYSTEM_NAMES:
        which = shutil.which(name)
        if which:
            return Path(which)
    raise BrowserNotFoundError(
        "No Chromium found. Install one of:\n"
        "  - Playwright's:  python -m playwright install chromium\n"
        "  - the system's:  apt-get install chromium-headless-shell   (Debian/Ubuntu; or chromium)\n"
        "or point SWELANCER_CHROMIUM at a Chromium executable."
    )


def launch_options(setting: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """Keyword arguments for ``playwright.chromium.launch``."""
    return {
        "executable_path": str(find_chromium(setting)),
        "args": list(CHROMIUM_ARGS),
        "headless": True,
    }
