"""Method + path routing: routes.get("/api/tickets/<int:ticket_id>")."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from .errors import MethodNotAllowed, NotFound

_PARAM = re.compile(r"<int:([a-z_]+)>")


@dataclass
class Route:
    method: str
    regex: re.Pattern
    handler: Callable
    public: bool


class Routes:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, public: bool = False):
        regex = re.compile(_PARAM.sub(r"(?P<\1>[0-9]+)", pattern))

        def register(handler: Callable) -> Callable:
            self.routes.append(Route(method, regex, handler, public))
            return handler

        return register

    def get(self, pattern: str, public: bool = False):
        return self.add("GET", pattern, public)

    def post(self, pattern: str, public: bool = False):
        return self.add("POST", pattern, public)

    def patch(self, pattern: str, public: bool = False):
        return self.add("PATCH", pattern, public)

    def include(self, other: "Routes") -> None:
        self.routes.extend(other.routes)

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, int]]:
        path_matched = False
        for route in self.routes:
            match = route.regex.fullmatch(path)
            if match is None:
                continue
            if route.method != method:
                path_matched = True
                continue
            return route, {name: int(value) for name, value in match.groupdict().items()}
        if path_matched:
            raise MethodNotAllowed(f"{method} is not allowed on {path}")
        raise NotFound("Not found")
