"""The browser's sandbox on this machine: it reaches the app and nothing else, by construction.

The pages a browser renders are the agent's code (the app it changed serves them), so the
user tool's and the grader's Chromium (with the Python that drives it: the browser worker, or
the hidden tests' pytest) run like the app: in bubblewrap, in a **network namespace of their
own** with nothing but a loopback, and in a :class:`~swelancer_env.sandbox.limits.LimitGroup`
of their own (memory, processes, CPU). An :class:`AppLink` joins the two namespaces:

    browser netns                       host                          app netns
    127.0.0.1:PORT (netfwd --reach) ──▶ app.sock (Unix, a file) ──▶ netfwd ──▶ app 127.0.0.1:PORT
                                        127.0.0.1:PORT (TCP) ─────▶ (the harness's own way in)

The page sees the app at the same address as the harness does (``http://127.0.0.1:PORT``); a
worker's or a shared worker's WebSocket, a redirect, a service worker or WebRTC has nowhere else
to go, since no other socket exists in its namespace. Request routing in the browser
(``confine`` in the worker and the grading plugin) and :func:`only_origin_args` (every other
origin through a proxy that does not exist) stay as second walls.

Example:
    >>> link = AppLink(folder)  # doctest: +SKIP
    >>> argv = [*browser_bwrap(folder, folder / "home", chromium), *link.reach_argv(), ...]
    >>> AppServer(app, tree, listener=link.tcp, browser_socket=link.unix)  # doctest: +SKIP
    >>> link.close()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path

from swelancer_env.appserver import listen_socket
from swelancer_env.sandbox import isolation
from swelancer_env.sandbox.limits import ResourceLimits

__all__ = ["AppLink", "BROWSER_LIMITS", "browser_bwrap", "only_origin_args"]

_FORWARDER = Path(__file__).with_name("netfwd.py")
#: a port nothing listens on in the browser's namespace: the proxy every other origin is sent to
_NO_PROXY_PORT = 9


#: the memory and processes of a browser's sandbox (Chromium, its driver and the Python): a
#: page cannot take the machine's memory or processes
BROWSER_LIMITS = ResourceLimits(memory=3 << 30, pids=2048)


class AppLink:
    """The app's address, made before the app and the browser start, for both to share.

    ``tcp`` listens on the host's ``127.0.0.1:port`` (the harness's readiness check and data
    reset use it); ``unix`` listens at ``<folder>/app.sock``, which the browser's forwarder
    connects to. Both go to :class:`~swelancer_env.appserver.AppServer` (``listener`` and
    ``browser_socket``), which hands them to the forwarder in front of the app; they stay open
    across the app's restarts, so the address does not change.
    """

    def __init__(self, folder: Path):
        self.path = Path(folder) / "app.sock"
        self.tcp = listen_socket()
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self.unix.bind(str(self.path))
            self.unix.listen(128)
        except BaseException:
            self.close()
            raise
        self.port = int(self.tcp.getsockname()[1])

    def reach_argv(self) -> list[str]:
        """The forwarder in front of the browser: run it as the sandbox's command, the
        browser's own command after it."""
        source = _FORWARDER.read_text(encoding="utf-8")
        return [sys.executable, "-I", "-S", "-c", source, "--reach", str(self.path), str(self.port)]

    def close(self) -> None:
        """Close both sockets and remove the socket file. Idempotent."""
        for sock in (self.tcp, self.unix):
            sock.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


def browser_bwrap(folder: Path, home: Path, chromium: str | os.PathLike[str]) -> list[str]:
    """The ``bwrap`` prefix of a browser's sandbox: no network but its loopback, ``folder``
    writable (its starting directory; the link's socket lives there), the Python and Chromium
    read-only, the task folders and the host's temporary folders hidden."""
    keep = [*isolation.interpreter_paths(), Path(os.path.realpath(chromium)).parent]
    if "PLAYWRIGHT_BROWSERS_PATH" in os.environ:
        keep.append(Path(os.environ["PLAYWRIGHT_BROWSERS_PATH"]))
    return isolation.bwrap_argv(
        folder, home, hide=isolation.hidden_paths(), keep=keep, network=False
    )


def only_origin_args(port: int) -> list[str]:
    """Chromium flags that send every request but the app's (``127.0.0.1:port``) to a proxy
    that does not exist: a wall of Chromium's own, for workers, redirects and WebRTC too."""
    return [
        f"--proxy-server=http://127.0.0.1:{_NO_PROXY_PORT}",
        f"--proxy-bypass-list=<-loopback>;127.0.0.1:{port}",
    ]
