"""A live view of a run: ``swelancer-env report DIR --watch`` serves the run's report on
loopback while the run goes on, writes it anew whenever ``results.jsonl`` changes (an episode
ended), and the page reloads itself every few seconds.

The files are served as they are by the standard library's HTTP server, bound to 127.0.0.1
only; nothing else is served than the run folder.
"""

from __future__ import annotations

import functools
import html
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.atomic import write_text_atomic

__all__ = ["LiveReport"]

_WAITING = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{refresh}"><title>Waiting for the first episode</title></head>
<body style="font: 15px system-ui, sans-serif; margin: 3rem"><h1>Waiting for the first episode</h1>
<p>No episode of <code>{run}</code> has ended yet; this page reloads itself every {refresh} s.</p>
</body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


class LiveReport:
    """Serve ``run_dir``'s report on ``http://127.0.0.1:port/report.html`` and keep it current.

    Args:
        run_dir: the folder ``swelancer-env eval --out`` writes (it may not exist yet).
        port: the loopback port (0: a free one; see :attr:`url`).
        poll_s: how often ``results.jsonl`` is looked at.
        refresh_s: how often the page reloads itself.
    """

    def __init__(
        self, run_dir: Path, port: int = 0, poll_s: float = 1.0, refresh_s: float = 5.0
    ) -> None:
        self.run_dir = Path(run_dir)
        self.poll_s = poll_s
        self.refresh_s = refresh_s
        self.run_dir.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_Quiet, directory=str(self.run_dir))
        try:
            self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as e:
            raise ConfigError(
                f"cannot serve the live report on 127.0.0.1:{port} ({e.strerror}); pass another "
                "--port, or 0 for a free one"
            ) from None
        self._stop = threading.Event()
        self._seen: tuple[int, int] | None = None
        #: how many times the report was written, and the last error doing so (if any)
        self.writes = 0
        self.error: str | None = None
        self._threads = [
            threading.Thread(target=self._server.serve_forever, name="live-report-http"),
            threading.Thread(target=self._watch, name="live-report-watch"),
        ]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/report.html"

    def start(self) -> LiveReport:
        self.update()  # the first page is there before the address is given out
        for t in self._threads:
            t.daemon = True
            t.start()
        return self

    def update(self) -> bool:
        """Write the report if ``results.jsonl`` changed since the last write; whether it did."""
        from swelancer_env.evaluation.report import write_report

        results = self.run_dir / "results.jsonl"
        try:
            st = results.stat()
            seen: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            seen = None
        if seen is not None and seen == self._seen:
            return False
        if seen is None:
            if self._seen is None and not (self.run_dir / "report.html").exists():
                page = _WAITING.format(refresh=self.refresh_s, run=html.escape(str(self.run_dir)))
                write_text_atomic(self.run_dir / "report.html", page)  # served while written
            return False
        try:
            write_report(self.run_dir, refresh_s=self.refresh_s)
        except ConfigError as e:  # a torn first line, say: the next change tries again
            self.error = str(e)
            return False
        self._seen, self.error = seen, None
        self.writes += 1
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.update()
            except Exception as e:  # noqa: BLE001 - the view goes on; the error is kept
                self.error = f"{type(e).__name__}: {e}"

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        for t in self._threads:
            if t.is_alive():
                t.join(timeout=30)

    def __enter__(self) -> LiveReport:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
