"""Serves the frontend folder; any other non-API path gets index.html (client-side routing)."""

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from .web import Response

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}


class StaticFiles:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.index = self.root / "index.html"

    def resolve(self, url_path: str) -> Path | None:
        relative = PurePosixPath(unquote(url_path).lstrip("/"))
        if any(part in ("..", "") for part in relative.parts):
            return None
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def serve(self, url_path: str) -> Response:
        path = self.resolve(url_path) if url_path not in ("", "/") else None
        if path is None:
            # Paths that name a file (they have an extension) are not app routes.
            if PurePosixPath(url_path).suffix:
                return Response.text("Not found", 404)
            path = self.index
        content_type = CONTENT_TYPES.get(path.suffix) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        return Response(
            200,
            path.read_bytes(),
            {"Content-Type": content_type, "Cache-Control": "no-cache"},
        )
