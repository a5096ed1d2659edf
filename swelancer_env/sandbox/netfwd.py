"""The app's only way to the outside, and the browser's only way to the app: port forwarders.

The app (the agent's code) runs in a network namespace of its own, with nothing but a loopback:
it reaches no host service and sees none of the host's sockets in ``/proc/net``. So does the
browser that renders its pages (the user tool's and the grader's Chromium, and the hidden
tests' pytest), in a namespace of its own. This program links them, in two roles:

- **serve** (``FD[,FD...] PORT COMMAND...``), in front of the app: the harness makes listening
  sockets (a TCP one on the host's ``127.0.0.1:PORT``, and a Unix one the browser's side reaches)
  and hands them over as inherited file descriptors; this program starts the app inside the
  namespace and, for every connection to one of them, connects to the app at
  ``127.0.0.1:PORT`` inside and copies bytes both ways. Connections only ever come in: a
  listening socket lets its holder accept, not connect, so whatever the app does with it (it can
  reach this process), it gets no way out.
- **reach** (``--reach SOCKET PORT COMMAND...``), in front of the browser: it listens on
  ``127.0.0.1:PORT`` inside the browser's namespace and connects every connection to the Unix
  socket ``SOCKET`` (the app's serve side), then starts the browser's command. The page can
  reach that one port and nothing else: no host service, no other port, whatever route it
  takes (a worker's WebSocket, a redirect, WebRTC).

This file is self-contained (standard library only): it runs as
``python -I -S -c <this source> ...`` inside bubblewrap, with no site packages. It is the
namespace's PID 1: it reaps every orphan and exits with the command's exit code.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable

__all__ = ["main"]

_CHUNK = 1 << 16


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(_CHUNK)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def _serve(client: socket.socket, connect: Callable[[], socket.socket]) -> None:
    try:
        upstream = connect()
    except OSError:
        client.close()  # the other side is not listening (yet): the caller retries
        return
    upstream.settimeout(None)
    back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
    back.start()
    _pump(client, upstream)
    back.join()
    client.close()
    upstream.close()


def _accept(listener: socket.socket, connect: Callable[[], socket.socket]) -> None:
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        if client.family == socket.AF_INET:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_serve, args=(client, connect), daemon=True).start()


def _to_tcp(port: int) -> Callable[[], socket.socket]:
    def connect() -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    return connect


def _to_unix(path: str) -> Callable[[], socket.socket]:
    def connect() -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(5)
        try:
            sock.connect(path)
        except OSError:
            sock.close()
            raise
        return sock

    return connect


def main(argv: list[str]) -> int:
    if argv[0] == "--reach":
        path, port, command = argv[1], int(argv[2]), argv[3:]
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        listeners, connect = [listener], _to_unix(path)
    else:
        fds, port, command = argv[0].split(","), int(argv[1]), argv[2:]
        listeners = []
        for fd in map(int, fds):
            sock = socket.socket(fileno=fd)
            os.set_inheritable(fd, False)  # the app does not get it
            listeners.append(sock)
        connect = _to_tcp(port)
    for sock in listeners:
        os.set_inheritable(sock.fileno(), False)
    child = subprocess.Popen(command, close_fds=True)
    signal.signal(signal.SIGTERM, lambda *_: child.kill())
    for sock in listeners:
        threading.Thread(target=_accept, args=(sock, connect), daemon=True).start()
    while True:  # PID 1: reap every orphan; end with the command
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 1
        if pid == child.pid:
            code = os.waitstatus_to_exitcode(status)
            return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
