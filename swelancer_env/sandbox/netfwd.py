"""The app's only way to the outside: a forwarder inside its network namespace.

The app (the agent's code) runs in a network namespace of its own, with nothing but a loopback:
it reaches no host service and sees none of the host's sockets in ``/proc/net``. The harness
makes a listening socket on the host's ``127.0.0.1:PORT`` and hands it, as an inherited file
descriptor, to this program, which starts the app inside the namespace and, for every
connection the browser makes to that socket, connects to the app at ``127.0.0.1:PORT`` inside
and copies bytes both ways. Connections only ever come in: a listening socket lets its holder
accept, not connect, so whatever the app does with it (it can reach this process), it gets no
way out.

This file is self-contained (standard library only): it runs as
``python -I -S -c <this source> FD PORT COMMAND...`` inside bubblewrap, with no site packages.
It is the namespace's PID 1: it reaps every orphan and exits with the app's exit code.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading

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


def _serve(client: socket.socket, port: int) -> None:
    try:
        upstream = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        client.close()  # the app is not listening (yet): the caller retries
        return
    upstream.settimeout(None)
    back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
    back.start()
    _pump(client, upstream)
    back.join()
    client.close()
    upstream.close()


def _accept(listener: socket.socket, port: int) -> None:
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_serve, args=(client, port), daemon=True).start()


def main(argv: list[str]) -> int:
    fd, port, command = int(argv[0]), int(argv[1]), argv[2:]
    listener = socket.socket(fileno=fd)
    os.set_inheritable(fd, False)  # the app does not get it
    app = subprocess.Popen(command, close_fds=True)
    signal.signal(signal.SIGTERM, lambda *_: app.kill())
    threading.Thread(target=_accept, args=(listener, port), daemon=True).start()
    while True:  # PID 1: reap every orphan; end with the app
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 1
        if pid == app.pid:
            code = os.waitstatus_to_exitcode(status)
            return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
