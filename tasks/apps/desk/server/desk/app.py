import logging
import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from . import auth
from .api import routes
from .db import Database
from .errors import ApiError
from .web import Request, Response

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".map": "application/json; charset=utf-8",
}


class DeskApp:
    """Sends /api/* to the JSON API and everything else to the frontend."""

    def __init__(self, data_dir: Path, frontend_dir: Path):
        self.db = Database(Path(data_dir) / "desk.db")
        self.frontend = Path(frontend_dir).resolve()

    def setup(self) -> None:
        self.db.create_fresh()

    def handle(self, request: Request) -> Response:
        if request.path == "/api" or request.path.startswith("/api/"):
            return self.handle_api(request)
        if request.method != "GET":
            return Response.json({"error": "Method not allowed"}, 405)
        return self.serve_file(request.path)

    def handle_api(self, request: Request) -> Response:
        request.app = self
        ok = False
        try:
            route, params = routes.resolve(request.method, request.path)
            if not route.public:
                request.user = auth.authenticate(request)
            result = route.handler(request, **params)
            ok = True
        except ApiError as exc:
            return Response.json(exc.to_dict(), exc.status)
        except Exception:
            log.exception("unhandled error in %s %s", request.method, request.path)
            return Response.json({"error": "Something went wrong on our side"}, 500)
        finally:
            request.finish(ok)
        if isinstance(result, tuple):
            return Response.json(*result)
        return Response.json(result)

    def serve_file(self, url_path: str) -> Response:
        relative = PurePosixPath(unquote(url_path).lstrip("/"))
        if not relative.suffix:
            # every path without an extension is a client-side route
            return self._file(self.frontend / "index.html")
        if ".." in relative.parts:
            return Response.text("Not found", 404)
        path = (self.frontend / relative).resolve()
        if not path.is_relative_to(self.frontend) or not path.is_file():
            return Response.text("Not found", 404)
        return self._file(path)

    @staticmethod
    def _file(path: Path) -> Response:
        content_type = CONTENT_TYPES.get(path.suffix) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        headers = {"Content-Type": content_type, "Cache-Control": "no-cache"}
        return Response(200, path.read_bytes(), headers)
