import logging
from pathlib import Path

from . import auth
from .api import build_router
from .db import Database
from .errors import ApiError
from .static import StaticFiles
from .web import Request, Response

log = logging.getLogger(__name__)


class TallyApp:
    """Dispatches a request to the JSON API or to the static frontend."""

    def __init__(self, data_dir: Path, static_dir: Path):
        self.db = Database(Path(data_dir) / "tally.db")
        self.router = build_router()
        self.static = StaticFiles(static_dir)

    def setup(self) -> None:
        self.db.create_fresh()

    def handle(self, request: Request) -> Response:
        if request.path == "/api" or request.path.startswith("/api/"):
            return self.handle_api(request)
        if request.method not in ("GET", "HEAD"):
            return Response.json({"error": "Method not allowed"}, 405)
        return self.static.serve(request.path)

    def handle_api(self, request: Request) -> Response:
        request.app = self
        ok = False
        try:
            route, params = self.router.resolve(request.method, request.path)
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

        if isinstance(result, Response):
            return result
        if isinstance(result, tuple):
            data, status = result
            return Response.json(data, status)
        return Response.json(result)
